#!/usr/bin/env python3
"""Warm-up of a freshly started relay: cold JVM against AOT caches, in the same run.

Every run starts a fresh relay (`sluice relay`, fresh spool, ports 0 on loopback, the embedded
simulator at unlimited rate, no AWS configuration), pushes MESSAGES messages of SIZE bytes into it
over SESSIONS SMTP sessions with Postfix's smtp-source (-d: one session per connection, as a pool),
and follows the relay's own counters (/metrics on its admin port, polled every 50 ms):
sluice_smtp_messages_accepted_total and sluice_delivery_outcomes_total{type="delivered"}. From
those it finds when the 1,000th, 2,000th, ... message was accepted and delivered, and reports per
variant:

  first   the rate over messages 1-FIRST (from the start of smtp-source to the FIRST-th message)
  steady  the rate over messages STEADY_FROM-MESSAGES
  ratio   first / steady (the issue's target: >= 0.90 for accept and for delivery)
  cpu/msg the relay's CPU time per message over the first FIRST messages and over the steady part

Variants (alternating on every repeat, the order rotating):
  cold       no AOT cache (-XX:AOTMode=off, so nothing is picked up by accident)
  startstop  an AOT cache trained by a relay that starts and stops (what the package shipped
             before: the classes a start loads)
  traffic    an AOT cache trained by dev.sluice.app.AotTraining: a relay that takes thousands of
             messages over SMTP and HTTP and delivers them (classes and JIT profiles of the hot
             path, JEP 515); what the package and ./sluice now make
  any other name given with --extra NAME='JVM OPTIONS' (e.g. --extra 'c1only=-XX:TieredStopAtLevel=1'):
             the traffic cache plus those options, or cold plus them when traffic is not run

The caches are made once at the start from a copy of sluice-app/target/sluice.jar (their
training times are reported). Medians over the repeats; asserts nothing. Needs a JDK 25 (found as
./sluice finds one), smtp-source (Debian: postfix) and the built jar (./sluice --version builds it).
Writes bench/out/warm-up-TIMESTAMP.json and prints a table.

Usage: bench/warm-up.py [--repeats 3] [--messages 40000] [--sessions 20] [--size 2048]
                        [--variants cold,startstop,traffic] [--extra NAME=OPTS]...
"""
import argparse
import http.client
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TICK = os.sysconf("SC_CLK_TCK")
RELAY_FLAGS = ["--smtp-port", "0", "--http-port", "0", "--admin-port", "0",
               "--simulator-max-send-rate", "unlimited", "--max-send-rate", "unlimited"]
TRAINING_CLASS = "dev.sluice.app.AotTraining"


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def loadavg():
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


def find_jdk():
    out = subprocess.run(["sh", "-c", f". '{REPO}/.mvn/find-jdk.sh' && sluice_find_jdk newest"],
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(out.stderr.strip())
    return out.stdout.strip()


def find_tool(name):
    for d in ("/usr/sbin", "/usr/lib/postfix/sbin", "/usr/libexec/postfix", "/usr/local/sbin"):
        if os.access(f"{d}/{name}", os.X_OK):
            return f"{d}/{name}"
    return shutil.which(name)


def clean_env(home):
    """The environment without AWS configuration, so the relay always takes its simulator."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "SLUICE_", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS"))}
    env["HOME"] = home
    return env


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:13]) / TICK


class Relay:
    """A relay process started fresh, and its ports."""

    def __init__(self, java, jar, opts, work, env):
        self.spool = tempfile.mkdtemp(dir=work, prefix="spool-")
        self.log = os.path.join(self.spool + ".log")
        self.proc = subprocess.Popen(
            [java, "--enable-native-access=ALL-UNNAMED", *opts, "-jar", jar, "relay",
             "--spool-dir", self.spool, *RELAY_FLAGS],
            cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True)
        self.lines = []
        self.smtp = self.admin = None
        for line in self.proc.stdout:
            self.lines.append(line)
            m = re.match(r"relay: SMTP smtp://[^:]+:(\d+)", line)
            if m:
                self.smtp = int(m.group(1))
            m = re.match(r"relay: admin http://[^:]+:(\d+)/", line)
            if m:
                self.admin = int(m.group(1))
            if line.startswith("relay: ready"):
                break
        else:
            sys.exit("the relay exited before it was ready:\n" + "".join(self.lines))
        # Keep reading its output, so that it never blocks on a full pipe.
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self):
        for line in self.proc.stdout:
            self.lines.append(line)

    def stop(self):
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        except ProcessLookupError:
            pass
        shutil.rmtree(self.spool, ignore_errors=True)


class Poller(threading.Thread):
    """Samples (time, accepted, delivered, relay CPU seconds) every INTERVAL seconds."""

    METRIC = re.compile(r'^(sluice_smtp_messages_accepted_total|'
                        r'sluice_delivery_outcomes_total\{type="delivered"\})\S* ([0-9.Ee+]+)$', re.M)

    def __init__(self, relay, interval=0.05):
        super().__init__(daemon=True)
        self.relay, self.interval = relay, interval
        self.samples = []
        self.done = threading.Event()

    def sample(self, conn):
        conn.request("GET", "/metrics")
        body = conn.getresponse().read().decode()
        t = time.perf_counter()
        got = {m.group(1).split("{")[0]: float(m.group(2)) for m in self.METRIC.finditer(body)}
        self.samples.append((t, got.get("sluice_smtp_messages_accepted_total", 0),
                             got.get("sluice_delivery_outcomes_total", 0),
                             cpu_seconds(self.relay.proc.pid)))

    def run(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.relay.admin, timeout=10)
        while not self.done.is_set():
            self.sample(conn)
            self.done.wait(self.interval)
        self.sample(conn)
        conn.close()


def crossing(samples, col, n):
    """Time (interpolated) at which column COL first reached N, or None."""
    prev = None
    for s in samples:
        if s[col] >= n:
            if prev is None or s[col] == prev[col]:
                return s[0]
            f = (n - prev[col]) / (s[col] - prev[col])
            return prev[0] + f * (s[0] - prev[0])
        prev = s
    return None


def value_at(samples, t, col):
    """Column COL at time T, interpolated between samples."""
    prev = samples[0]
    for s in samples:
        if s[0] >= t:
            if s[0] == prev[0]:
                return s[col]
            return prev[col] + (t - prev[0]) / (s[0] - prev[0]) * (s[col] - prev[col])
        prev = s
    return samples[-1][col]


def one_run(args, java, jar, variant, opts, work, env, source):
    relay = Relay(java, jar, opts, work, env)
    load = loadavg()
    poller = Poller(relay)
    poller.start()
    time.sleep(0.2)
    t0 = time.perf_counter()
    cpu0 = cpu_seconds(relay.proc.pid)
    src = subprocess.run(
        [source, "-4", "-s", str(args.sessions), "-m", str(args.messages), "-l", str(args.size),
         "-d", "-f", "sender@example.com", "-t", "rcpt@example.net", f"127.0.0.1:{relay.smtp}"],
        capture_output=True, text=True, timeout=args.timeout)
    if src.returncode != 0:
        relay.stop()
        sys.exit(f"smtp-source failed ({src.returncode}): {src.stdout}{src.stderr}")
    deadline = time.time() + args.timeout
    while time.time() < deadline:
        if poller.samples and poller.samples[-1][2] >= args.messages:
            break
        time.sleep(0.1)
    poller.done.set()
    poller.join()
    relay.stop()
    s = [(t0, 0, 0, cpu0)] + [x for x in poller.samples if x[0] > t0]
    row = {"variant": variant, "load_before": load}
    for name, col in (("accept", 1), ("delivery", 2)):
        times = {}
        for k in range(args.window, args.messages + 1, args.window):
            times[k] = crossing(s, col, k)
        if times[args.messages] is None:
            sys.exit(f"{variant}: only {s[-1][col]:.0f} of {args.messages} messages reached "
                     f"'{name}' within {args.timeout}s")
        windows = []
        prev_t, prev_k = t0, 0
        for k, t in times.items():
            windows.append(round((k - prev_k) / (t - prev_t), 1))
            prev_t, prev_k = t, k
        first = args.first / (times[args.first] - t0)
        steady = (args.messages - args.steady_from) / (times[args.messages] - times[args.steady_from])
        cpu_first = (value_at(s, times[args.first], 3) - cpu0) / args.first * 1000
        cpu_steady = ((value_at(s, times[args.messages], 3) - value_at(s, times[args.steady_from], 3))
                      / (args.messages - args.steady_from) * 1000)
        row[name] = {"first": round(first, 1), "steady": round(steady, 1),
                     "ratio": round(first / steady, 3),
                     "seconds_to_first": round(times[args.first] - t0, 3),
                     "cpu_ms_per_msg_first": round(cpu_first, 3),
                     "cpu_ms_per_msg_steady": round(cpu_steady, 3),
                     "windows": windows}
    row["load_after"] = loadavg()
    return row


def train(java, jar, variant, work, env):
    """Makes the AOT cache of a variant; returns (path, seconds)."""
    aot = os.path.join(work, f"{variant}.aot")
    out = os.path.join(work, f"{variant}.training.log")
    t0 = time.perf_counter()
    with open(out, "w") as f:
        if variant == "traffic":
            rc = subprocess.run([java, "--enable-native-access=ALL-UNNAMED", f"-XX:AOTCacheOutput={aot}",
                                 "-Xlog:disable", "-Xlog:all=error:stderr", "-cp", jar, TRAINING_CLASS],
                                cwd=work, env=env, stdout=f, stderr=subprocess.STDOUT).returncode
        else:
            relay = Relay(java, jar, [f"-XX:AOTCacheOutput={aot}", "-Xlog:disable", "-Xlog:all=error:stderr"],
                          work, env)
            relay.stop()
            f.write("".join(relay.lines))
            rc = relay.proc.returncode
    if not os.path.exists(aot):
        sys.exit(f"training {variant} made no cache (exit {rc}); see {out}")
    return aot, time.perf_counter() - t0


def summarize(args, rows, names, variants, training, jdk, started, path):
    """Medians per variant; writes the JSON result (after every run, so a cut-short run leaves one)."""
    summary = {}
    for v in names:
        mine = [r for r in rows if r["variant"] == v]
        summary[v] = {k: {f: statistics.median(r[k][f] for r in mine)
                          for f in ("first", "steady", "ratio", "seconds_to_first",
                                    "cpu_ms_per_msg_first", "cpu_ms_per_msg_steady")}
                      for k in ("accept", "delivery")}
        summary[v]["opts"] = variants[v]
    result = {"bench": "warm-up", "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
              "seconds": round(time.time() - started), "jdk": jdk, "cores": os.cpu_count(),
              "messages": args.messages, "size": args.size, "sessions": args.sessions,
              "window": args.window, "first": args.first, "steady_from": args.steady_from,
              "training": training, "median": summary, "runs": rows}
    with open(path, "w") as f:
        json.dump(result, f, indent=1)
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--messages", type=int, default=40000)
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--size", type=int, default=2048)
    ap.add_argument("--window", type=int, default=1000)
    ap.add_argument("--first", type=int, default=5000)
    ap.add_argument("--steady-from", type=int, default=30000)
    ap.add_argument("--timeout", type=int, default=600, help="seconds per run at most")
    ap.add_argument("--variants", default="cold,startstop,traffic")
    ap.add_argument("--extra", action="append", default=[], metavar="NAME=OPTS",
                    help="another variant: the traffic cache plus these JVM options")
    ap.add_argument("--jar", default=os.path.join(REPO, "sluice-app/target/sluice.jar"))
    ap.add_argument("--out", default=os.path.join(REPO, "bench/out"))
    args = ap.parse_args()
    if not (0 < args.first <= args.steady_from < args.messages) or args.messages % args.window \
            or args.first % args.window or args.steady_from % args.window:
        sys.exit("need 0 < --first <= --steady-from < --messages, all multiples of --window")
    source = find_tool("smtp-source")
    if not source:
        sys.exit("smtp-source is needed (Debian: apt-get install postfix)")
    if not os.path.exists(args.jar):
        sys.exit(f"{args.jar} is missing: ./sluice --version builds it")
    jdk = find_jdk()
    java = os.path.join(jdk, "bin", "java")
    work = tempfile.mkdtemp(prefix="sluice-warm-up-", dir=os.environ.get("WORK_PARENT", "/var/tmp"))
    env = clean_env(work)
    jar = os.path.join(work, "sluice.jar")
    shutil.copy2(args.jar, jar)
    variants = {}
    training = {}
    for v in args.variants.split(","):
        if v == "cold":
            variants[v] = ["-XX:AOTMode=off"]
        elif v in ("startstop", "traffic"):
            log(f"training the {v} cache")
            aot, secs = train(java, jar, v, work, env)
            training[v] = {"seconds": round(secs, 1), "bytes": os.path.getsize(aot)}
            log(f"  {v}: {secs:.1f} s, {os.path.getsize(aot) / 1e6:.0f} MB")
            variants[v] = [f"-XX:AOTCache={aot}", "-XX:AOTMode=on"]
        else:
            sys.exit(f"unknown variant {v}")
    for e in args.extra:
        name, _, opts = e.partition("=")
        base = "traffic" if "traffic" in variants else "cold"
        if base not in variants:
            sys.exit("--extra builds on the traffic cache, or on cold without it: keep one in --variants")
        variants[name] = variants[base] + opts.split()
    log(f"JDK {jdk}; {args.messages} x {args.size} B over {args.sessions} sessions; variants "
        f"{', '.join(variants)}; {args.repeats} repeats; load average {loadavg()}")
    rows = []
    names = list(variants)
    started = time.time()
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, f"warm-up-{time.strftime('%Y%m%d-%H%M%S')}.json")
    for rep in range(args.repeats):
        order = names[rep % len(names):] + names[:rep % len(names)]
        for v in order:
            r = one_run(args, java, jar, v, variants[v], work, env, source)
            r["repeat"] = rep + 1
            rows.append(r)
            log(f"{v:>10} #{rep + 1}: accept {r['accept']['first']:.0f} -> {r['accept']['steady']:.0f} msg/s "
                f"({r['accept']['ratio']:.2f}), delivery {r['delivery']['first']:.0f} -> "
                f"{r['delivery']['steady']:.0f} ({r['delivery']['ratio']:.2f}); load {r['load_before'][0]}")
            summarize(args, rows, [n for n in names if any(x["variant"] == n for x in rows)],
                      variants, training, jdk, started, path)
    summary = summarize(args, rows, names, variants, training, jdk, started, path)["median"]
    shutil.rmtree(work, ignore_errors=True)
    print(f"\nmedians of {args.repeats}; first = messages 1-{args.first}, steady = "
          f"{args.steady_from + 1}-{args.messages}; rates in msg/s; CPU in ms per message")
    print(f"{'variant':<10} {'accept first':>12} {'steady':>7} {'ratio':>6} {'cpu f/s':>11}   "
          f"{'deliver first':>13} {'steady':>7} {'ratio':>6} {'cpu f/s':>11}")
    for v in names:
        a, d = summary[v]["accept"], summary[v]["delivery"]
        print(f"{v:<10} {a['first']:>12.0f} {a['steady']:>7.0f} {a['ratio']:>6.2f} "
              f"{a['cpu_ms_per_msg_first']:>5.2f}/{a['cpu_ms_per_msg_steady']:<5.2f}   "
              f"{d['first']:>13.0f} {d['steady']:>7.0f} {d['ratio']:>6.2f} "
              f"{d['cpu_ms_per_msg_first']:>5.2f}/{d['cpu_ms_per_msg_steady']:<5.2f}")
    loads = [r["load_before"][0] for r in rows]
    print(f"load average (1 min) before the runs: {min(loads)}-{max(loads)}; training: "
          + ", ".join(f"{k} {t['seconds']} s" for k, t in training.items()))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
