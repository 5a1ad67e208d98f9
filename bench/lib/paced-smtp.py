#!/usr/bin/env python3
"""Paced SMTP load for the bench/*.sh scripts: SESSIONS kept-open SMTP sessions
send one message each to a recipient of its own (PREFIX-N@example.net) at RATE
messages per second in total, for DURATION seconds. Writes every recipient the
server accepted (250 after DATA) to ACCEPTED, one per line, and prints a JSON
summary: attempted, accepted, refused (any other reply), connection errors,
how far behind schedule the last message went (lateSeconds)."""
import argparse
import json
import smtplib
import threading
import time

p = argparse.ArgumentParser()
p.add_argument("--port", type=int, required=True)
p.add_argument("--rate", type=float, required=True)
p.add_argument("--duration", type=float, required=True)
p.add_argument("--sessions", type=int, default=20)
p.add_argument("--prefix", default="r")
p.add_argument("--accepted", required=True)
a = p.parse_args()

lock = threading.Lock()
counts = {"attempted": 0, "accepted": 0, "refused": 0, "connectionErrors": 0, "lateSeconds": 0.0}
accepted = []
refusals = []
total = int(a.rate * a.duration)
start = time.time() + 0.5
BODY = "From: load@example.com\r\nSubject: paced {n}\r\n\r\n" + ("x" * 76 + "\r\n") * 13


def session(k):
    smtp = None
    for i in range(k, total, a.sessions):
        due = start + i / a.rate
        wait = due - time.time()
        if wait > 0:
            time.sleep(wait)
        rcpt = "%s-%d@example.net" % (a.prefix, i)
        with lock:
            counts["attempted"] += 1
            counts["lateSeconds"] = max(counts["lateSeconds"], time.time() - due)
        try:
            if smtp is None:
                smtp = smtplib.SMTP("127.0.0.1", a.port, timeout=30)
                smtp.ehlo("load.example")
            smtp.sendmail("load@example.com", [rcpt], BODY.format(n=i))
            with lock:
                counts["accepted"] += 1
                accepted.append(rcpt)
        except smtplib.SMTPResponseException as e:
            with lock:
                counts["refused"] += 1
                refusals.append("%s %s" % (e.smtp_code, e.smtp_error))
            try:
                smtp.rset()
            except Exception:
                smtp = None
        except (smtplib.SMTPException, OSError) as e:
            with lock:
                counts["connectionErrors"] += 1
                refusals.append(repr(e))
            smtp = None
    if smtp is not None:
        try:
            smtp.quit()
        except Exception:
            pass


threads = [threading.Thread(target=session, args=(k,)) for k in range(a.sessions)]
for t in threads:
    t.start()
for t in threads:
    t.join()
with open(a.accepted, "w") as f:
    f.write("\n".join(accepted) + ("\n" if accepted else ""))
counts["firstRefusals"] = refusals[:5]
counts["seconds"] = round(time.time() - start, 3)
print(json.dumps(counts))
