#!/usr/bin/env python3
"""Two routes and a fail-over, measured: `sluice relay` with two routes on two `sluice simulator`s
(MaxSendRate 100/s and 300/s), mail split 1:3 by sender domain, each route the other's fail-over.

Targets (issue "Routes"): the two routes together deliver 400/s within 2 %, neither simulator ever
throttles; when the 100/s account is paused mid-run its mail moves to the 300/s route within 5 s,
and nothing is lost or delivered twice. Reports; asserts nothing. See bench/README.md.

Measurement. A backlog is put in the relay's spool first (the relay started with --hold, MESSAGES
submitted over SMTP by SESSIONS sessions, each message to its own recipient m<i>@example.net, one
in four from app@slow.example), the relay is stopped, and started again on the same spool with the
routes, so the whole backlog is due at once and only the routes' shaping paces it. A poller reads
both simulators' accepted-message counts every POLL seconds.

  rate       accepted messages per second at both simulators together, between 10 % of the backlog
             and the pause (each message has one recipient, so it is also recipients/s); error %
             against 400/s; and each simulator's own rate over the same span
  switch     seconds from the pause (PUT /_sluice/quota?sending-enabled=false on the 100/s
             simulator) to the first message from app@slow.example accepted by the 300/s one
  take-back  seconds from resuming the 100/s account (sending-enabled=true) to the first message
             from app@slow.example accepted by it again: after the backlog, one such message is
             submitted every 0.5 s (the relay reads a paused account every 10 s)
  throttles  simulator_sends_total{outcome="rate_exceeded"} at each simulator
  lost/dup   recipients m0..m(MESSAGES-1) never accepted, or accepted more than once, over both
             (read from each simulator's message ring, which holds MESSAGES + 1000, every second)

Baseline (BASELINE=1): the same backlog through one route on one simulator of MaxSendRate 400/s,
no pause: what the relay delivers on this machine at the same aggregate rate without routes.

Environment: MESSAGES=24000 (60 s at 400/s), PAUSE_AT=0.5 (share of the backlog delivered when the
pause comes; the rate is measured up to it), SESSIONS=8, POLL=0.1, KEEP=0 (1 keeps the work
directory), BASELINE=0.
"""

import json
import os
import shutil
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MESSAGES = int(os.environ.get("MESSAGES", "24000"))
PAUSE_AT = float(os.environ.get("PAUSE_AT", "0.5"))
SESSIONS = int(os.environ.get("SESSIONS", "8"))
POLL = float(os.environ.get("POLL", "0.1"))
KEEP = os.environ.get("KEEP", "0") == "1"
TARGET = 400.0
BASELINE = os.environ.get("BASELINE", "0") == "1"

procs = []


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(args, log):
    env = dict(os.environ, SLUICE_NO_BUILD="1")
    p = subprocess.Popen(
        ["./sluice"] + args,
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )
    procs.append(p)
    return p


def stop(p, timeout=60):
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def http(method, url, body=None):
    data = None if body is None else json.dumps(body).encode()
    if method == "PUT" and data is None:
        data = b""
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.read().decode()


def wait_for(what, check, limit=300):
    deadline = time.time() + limit
    while time.time() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit("timed out waiting for " + what)


def port_open(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def simulator(rate, log):
    port = free_port()
    start(
        [
            "simulator",
            "--bind-address", "127.0.0.1",
            "--http-port", str(port),
            "--https-port", "off",
            "--smtp-port", "off",
            "--max-send-rate", rate,
            "--max-24h-send", "unlimited",
            "--inbox-size", str(MESSAGES + 1000),
        ],
        log,
    )
    base = "http://127.0.0.1:%d" % port
    wait_for("the simulator at " + base, lambda: http("GET", base + "/health").strip() == "ok")
    return base


def accepted(base):
    return json.loads(http("GET", base + "/_sluice/counters"))


def harvest(base, seen):
    """Adds the ring's newest messages to seen (SES message id -> recipient)."""
    listed = json.loads(http("GET", base + "/_sluice/messages?limit=5000"))
    for m in listed["messages"]:
        seen[m["messageId"]] = m["recipients"][0]


def throttles(base):
    total = 0.0
    for line in http("GET", base + "/metrics").splitlines():
        if line.startswith("simulator_sends_total{") and 'outcome="rate_exceeded"' in line:
            total += float(line.rsplit(" ", 1)[1])
    return total


def submit(port):
    def session(k):
        with smtplib.SMTP("127.0.0.1", port) as s:
            for i in range(k, MESSAGES, SESSIONS):
                sender = "app@slow.example" if i % 4 == 0 else "app@fast.example"
                to = "m%d@example.net" % i
                s.sendmail(
                    sender,
                    [to],
                    "From: %s\r\nTo: %s\r\nSubject: m%d\r\n\r\nHello.\r\n" % (sender, to, i),
                )

    threads = [threading.Thread(target=session, args=(k,)) for k in range(SESSIONS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def main():
    if subprocess.run(["./sluice", "--version"], cwd=REPO, capture_output=True).returncode != 0:
        sys.exit("./sluice does not run; build it first")
    work = tempfile.mkdtemp(prefix="sluice-routes-", dir="/var/tmp")
    log = open(os.path.join(work, "processes.log"), "w")
    load_start = os.getloadavg()
    try:
        slow = simulator("100/s", log)
        fast = simulator("400/s" if BASELINE else "300/s", log)
        spool = os.path.join(work, "spool")
        smtp = free_port()
        relay = start(
            [
                "relay", "--hold", "--http-port", "off", "--admin-port", "off",
                "--smtp-port", str(smtp), "--spool-dir", spool,
            ],
            log,
        )
        wait_for("the holding relay", lambda: port_open(smtp))
        t0 = time.time()
        submit(smtp)
        print("backlog: %d messages submitted in %.1f s" % (MESSAGES, time.time() - t0))
        stop(relay)

        conf = os.path.join(work, "relay.conf")
        with open(conf, "w") as f:
            f.write(
                "\n".join(
                    [
                        "relay.hold = false",
                        "relay.smtp.port = %d" % smtp,
                        "relay.http.port = off",
                        "relay.admin.port = off",
                        "relay.spool.dir = " + spool,
                        "relay.upstream = ses-v2+http://" + fast[len("http://"):],
                    ]
                    + (
                        []
                        if BASELINE
                        else [
                            "relay.route.slow.upstream = ses-v2+http://" + slow[len("http://"):],
                            "relay.route.slow.fail-over = default",
                            "relay.route.default.fail-over = slow",
                            "relay.route-rule.10 = sender-domain slow.example -> slow",
                        ]
                    )
                    + [""]
                )
            )
        seen = {}
        harvesting = threading.Event()

        def harvester():
            while not harvesting.wait(1):
                for base in (slow, fast):
                    harvest(base, seen)

        threading.Thread(target=harvester, daemon=True).start()
        relay = start(["relay", "--config", conf], log)
        series = []  # (time, accepted at slow, accepted at fast)
        paused_at = None
        moved_at = None
        done_at = None
        while True:
            now = time.time()
            a, b = accepted(slow)["messages"], accepted(fast)["messages"]
            series.append((now, a, b))
            if paused_at is None and a + b >= PAUSE_AT * MESSAGES:
                if not BASELINE:
                    http("PUT", slow + "/_sluice/quota?sending-enabled=false")
                paused_at = time.time()
                paused_series = len(series) - 1
            elif paused_at is not None and moved_at is None and not BASELINE:
                listed = json.loads(
                    http("GET", fast + "/_sluice/messages?from=app@slow.example&limit=1")
                )
                if listed["messages"]:
                    moved_at = now
            if a + b >= MESSAGES:
                done_at = now
                break
            if series[0][0] + 600 < now:
                break
            time.sleep(POLL)
        time.sleep(2)  # late duplicates
        before = accepted(slow)["messages"]
        http("PUT", slow + "/_sluice/quota?sending-enabled=true")
        resumed_at = time.time()
        back_at = None
        with smtplib.SMTP("127.0.0.1", smtp) as s:
            k = 0
            while not BASELINE and back_at is None and time.time() < resumed_at + 120:
                to = "back%d@example.net" % k
                s.sendmail("app@slow.example", [to], "From: app@slow.example\r\nTo: %s\r\n"
                           "Subject: back%d\r\n\r\nHello.\r\n" % (to, k))
                k += 1
                time.sleep(0.5)
                if accepted(slow)["messages"] > before:
                    back_at = time.time()
        stop(relay)

        harvesting.set()
        for base in (slow, fast):
            harvest(base, seen)
        counts = {}
        for addr in seen.values():
            counts[addr] = counts.get(addr, 0) + 1
        lost = sum(1 for i in range(MESSAGES) if counts.get("m%d@example.net" % i, 0) == 0)
        dup = sum(n - 1 for a, n in counts.items() if n > 1 and a.startswith("m"))

        first10 = next(s for s in series if s[1] + s[2] >= 0.1 * MESSAGES)
        at_pause = series[paused_series]
        span = at_pause[0] - first10[0]
        agg = ((at_pause[1] + at_pause[2]) - (first10[1] + first10[2])) / span
        slow_rate = (at_pause[1] - first10[1]) / span
        fast_rate = (at_pause[2] - first10[2]) / span
        after = series[-1]
        after_rate = (after[2] - at_pause[2]) / (after[0] - at_pause[0])
        print(
            "rate (10 %% of the backlog to the pause, %.1f s): %.1f/s against %.0f/s: %+.2f %%"
            % (span, agg, TARGET, 100 * (agg - TARGET) / TARGET)
        )
        if BASELINE:
            print("baseline: one route, one simulator of MaxSendRate 400/s, no pause")
        else:
            print("  100/s route %.1f/s, 300/s route %.1f/s" % (slow_rate, fast_rate))
            print("after the pause: the 300/s simulator took %.1f/s" % after_rate)
            print(
                "switch: first slow.example message at the 300/s simulator %.2f s after the pause"
                % (moved_at - paused_at if moved_at else float("nan"))
            )
            print(
                "take-back: first slow.example message at the 100/s simulator %.2f s after"
                " resuming" % (back_at - resumed_at if back_at else float("nan"))
            )
        print(
            "throttles: 100/s simulator %d, %s simulator %d"
            % (throttles(slow), "400/s" if BASELINE else "300/s", throttles(fast))
        )
        print(
            "lost %d, duplicates %d, delivered %s"
            % (lost, dup, "all" if done_at else "not all within 600 s")
        )
        print(
            "load average (1, 5, 15 min): at start %.2f %.2f %.2f, at end %.2f %.2f %.2f; %d cores"
            % (load_start + os.getloadavg() + (os.cpu_count(),))
        )
    finally:
        for p in reversed(procs):
            stop(p, 30)
        log.close()
        if KEEP:
            print("work directory kept: " + work)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
