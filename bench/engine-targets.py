#!/usr/bin/env python3
"""Delivery-engine targets of `sluice bench`, each side by side with its baseline in one run.

  1. 50 ms simulator latency, no rate limit, 256 in flight over HTTPS keep-alive: throughput as a
     fraction of the bound (in-flight / latency), and the ratio to the naive baseline (one thread,
     a new connection per call) measured in the same run. Both go through the SDK on the HTTP
     client named by --t1-http-client (default crt, the AWS CRT client, which costs less CPU per
     call); each repeat also measures 256 in flight on the default Apache5 client for comparison.
  2. MaxSendRate 500/s: sustained rate over 60 s and throttles as a share of calls; then the rate
     set by hand to 2x the limit: how long from the first throttle until a full second passes
     without one.
  3. Keep-alive vs a new connection per call over HTTPS at the same concurrency.
  4. The v2 API vs the SES SMTP endpoint at the same concurrency and latency.

Each scenario runs --repeats times (default 3) and the median is reported; raw values are kept in
bench/out/engine-targets-<time>.json. Everything stays on 127.0.0.1 and is bounded in time.
"""
import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SLUICE = os.path.join(ROOT, "sluice")


class Simulator:
    """A `sluice simulator` child process on free ports."""

    def __init__(self, *flags):
        self.cert = tempfile.NamedTemporaryFile(suffix=".pem", delete=False).name
        cmd = [SLUICE, "simulator", "--http-port", "0", "--https-port", "0", "--smtp-port", "0",
               "--inbox-size", "100", "--export-cert", self.cert, *flags]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.http = self.https = self.smtp = None
        deadline = time.time() + 600
        for line in self.proc.stdout:
            m = re.search(r"v2/v1 API (http://[0-9.]+:\d+)", line)
            if m:
                self.http = m.group(1)
            m = re.search(r"v2/v1 API (https://[0-9.]+:\d+)", line)
            if m:
                self.https = m.group(1)
            m = re.search(r"SMTP endpoint smtp://([0-9.]+:\d+)", line)
            if m:
                self.smtp = m.group(1)
            if "ready" in line or time.time() > deadline:
                break
        if not self.http:
            self.stop()
            raise RuntimeError("simulator did not start")
        threading.Thread(target=lambda: [None for _ in self.proc.stdout], daemon=True).start()

    def metric(self, name, label):
        text = urllib.request.urlopen(self.http + "/metrics", timeout=10).read().decode()
        return sum(float(l.rsplit(" ", 1)[1]) for l in text.splitlines()
                   if l.startswith(name) and label in l)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        os.unlink(self.cert)


def bench(target, cert, *flags):
    """Runs one `sluice bench` level and returns its JSON level result."""
    out = tempfile.NamedTemporaryFile(suffix=".json", delete=False).name
    cmd = [SLUICE, "bench", "--target", target, "--ca-cert", cert, "--json", out, *flags]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=900)
    if r.returncode != 0:
        raise RuntimeError(f"bench failed: {' '.join(cmd)}\n{r.stderr[-2000:]}")
    with open(out) as f:
        level = json.load(f)["levels"][0]
    os.unlink(out)
    return level


def warm(sim, target):
    """An unmeasured run so the simulator's JIT has compiled its paths before the first repeat."""
    bench(target, sim.cert, "--concurrency", "64", "--duration", "10s", "--warmup", "0ms",
          "--max-send-rate", "unlimited")


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def target1(a, results):
    sim = Simulator("--latency", "50ms", "--max-send-rate", "unlimited", "--max-24h-send", "unlimited")
    client = ("--http-client", a.t1_http_client)
    try:
        t = "ses-v2+" + sim.https
        warm(sim, t)
        for i in range(a.repeats):
            load = os.getloadavg()[0]
            big = bench(t, sim.cert, "--concurrency", "256", "--duration", a.duration, "--warmup", "20s",
                        "--max-send-rate", "unlimited", *client)
            naive = bench(t, sim.cert, "--concurrency", "1", "--no-keepalive", "--duration", a.duration,
                          "--warmup", "1s", "--max-send-rate", "unlimited", *client)
            r = {"client": a.t1_http_client, "c256": big["throughputPerSecond"],
                 "naive": naive["throughputPerSecond"], "p50": big["latency"]["p50Millis"],
                 "p99": big["latency"]["p99Millis"], "errors": big["transientErrors"] + big["permanentErrors"],
                 "load1_before": load}
            line = (f"  t1 repeat {i + 1}: 256 in flight {big['throughputPerSecond']:.0f}/s, naive "
                    f"{naive['throughputPerSecond']:.1f}/s ({a.t1_http_client})")
            if a.t1_http_client != "apache5":
                ap = bench(t, sim.cert, "--concurrency", "256", "--duration", a.duration, "--warmup", "20s",
                           "--max-send-rate", "unlimited", "--http-client", "apache5")
                r["c256_apache5"] = ap["throughputPerSecond"]
                line += f"; apache5 256 in flight {ap['throughputPerSecond']:.0f}/s"
            results["t1"].append(r)
            print(line + f"; load before {load:.2f}", flush=True)
    finally:
        sim.stop()


def target2(a, results):
    for i in range(a.repeats):
        sim = Simulator("--max-send-rate", "500/s", "--max-24h-send", "unlimited")
        try:
            t = "ses-v2+" + sim.https
            shaped = bench(t, sim.cert, "--concurrency", "64", "--duration", "60s", "--warmup", "2s")
            calls = shaped["attempts"]
            results["t2"].append({"rate": shaped["recipientsPerSecond"], "throttled": shaped["throttled"],
                                  "calls": calls})
            print(f"  t2 repeat {i + 1}: {shaped['recipientsPerSecond']:.1f}/s, throttled "
                  f"{shaped['throttled']} of {calls} calls", flush=True)
        finally:
            sim.stop()


def target2c(a, results):
    for i in range(a.repeats):
        sim = Simulator("--max-send-rate", "500/s", "--max-24h-send", "unlimited")
        try:
            t = "ses-v2+" + sim.https
            samples = []
            stop = threading.Event()

            def sample():
                t0 = time.time()
                while not stop.is_set():
                    samples.append((time.time() - t0,
                                    sim.metric("simulator_sends_total", 'outcome="rate_exceeded"'),
                                    sim.metric("simulator_sends_total", 'outcome="accepted"')))
                    time.sleep(0.25)

            th = threading.Thread(target=sample, daemon=True)
            th.start()
            bench(t, sim.cert, "--concurrency", "64", "--duration", "20s", "--warmup", "0ms",
                  "--max-send-rate", "1000/s")
            stop.set()
            th.join()
            # The first moment after which a whole second passed without a throttle.
            # Measured from the last sample before the first throttle, i.e. from when the sender first
            # exceeded the limit; the JIT-cold first seconds of a new JVM may not reach 500/s at all.
            converged = None
            first = next((j for j, s in enumerate(samples) if s[1] > 0), None)
            started = samples[max(0, first - 1)][0] if first is not None else 0.0
            for j, (ts, thr, _) in enumerate(samples):
                after = next((s for s in samples[j:] if s[0] >= ts + 1.0), None)
                if after is not None and after[1] == thr and thr > 0:
                    converged = ts - started
                    break
            results["t2c"].append({"converged_s": converged, "throttles": samples[-1][1] if samples else 0})
            print(f"  t2 convergence repeat {i + 1}: below the limit after {converged} s", flush=True)
        finally:
            sim.stop()


def target3(a, results):
    sim = Simulator("--latency", "50ms", "--max-send-rate", "unlimited", "--max-24h-send", "unlimited")
    try:
        t = "ses-v2+" + sim.https
        warm(sim, t)
        for i in range(a.repeats):
            ka = bench(t, sim.cert, "--concurrency", "32", "--duration", a.duration, "--warmup", "15s",
                       "--max-send-rate", "unlimited")
            nk = bench(t, sim.cert, "--concurrency", "32", "--duration", a.duration, "--warmup", "15s",
                       "--max-send-rate", "unlimited", "--no-keepalive")
            results["t3"].append({"keepalive": ka["throughputPerSecond"], "new_conn": nk["throughputPerSecond"],
                                  "ka_p50": ka["latency"]["p50Millis"], "nk_p50": nk["latency"]["p50Millis"],
                                  "ka_conns": ka["connectionsOpened"], "nk_conns": nk["connectionsOpened"]})
            print(f"  t3 repeat {i + 1}: keep-alive {ka['throughputPerSecond']:.0f}/s, new connection "
                  f"{nk['throughputPerSecond']:.0f}/s", flush=True)
    finally:
        sim.stop()


def target4(a, results):
    sim = Simulator("--latency", "50ms", "--max-send-rate", "unlimited", "--max-24h-send", "unlimited")
    try:
        warm(sim, "ses-v2+" + sim.https)
        warm(sim, f"ses-smtp://AKIASLUICEBENCH:any@{sim.smtp}")
        for i in range(a.repeats):
            api = bench("ses-v2+" + sim.https, sim.cert, "--concurrency", "64", "--duration", a.duration,
                        "--warmup", "15s", "--max-send-rate", "unlimited")
            smtp = bench(f"ses-smtp://AKIASLUICEBENCH:any@{sim.smtp}", sim.cert, "--concurrency", "64",
                         "--duration", a.duration, "--warmup", "15s", "--max-send-rate", "unlimited")
            results["t4"].append({"v2": api["throughputPerSecond"], "smtp": smtp["throughputPerSecond"],
                                  "v2_p50": api["latency"]["p50Millis"], "smtp_p50": smtp["latency"]["p50Millis"]})
            print(f"  t4 repeat {i + 1}: v2 {api['throughputPerSecond']:.0f}/s, SMTP "
                  f"{smtp['throughputPerSecond']:.0f}/s", flush=True)
    finally:
        sim.stop()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--duration", default="20s", help="length of each measured level (not target 2)")
    p.add_argument("--only", default="1,2,2c,3,4", help="which targets to run, e.g. 1,2c (2c: convergence)")
    p.add_argument("--t1-http-client", default="crt", choices=["crt", "apache5"],
                   help="HTTP client of target 1 (default crt; apache5 is the relay's default)")
    a = p.parse_args()
    only = set(a.only.split(","))
    results = {"t1": [], "t2": [], "t2c": [], "t3": [], "t4": []}
    for n, fn in (("1", target1), ("2", target2), ("2c", target2c), ("3", target3), ("4", target4)):
        if n in only:
            print(f"target {n}", flush=True)
            fn(a, results)
    os.makedirs(os.path.join(ROOT, "bench", "out"), exist_ok=True)
    path = os.path.join(ROOT, "bench", "out", time.strftime("engine-targets-%Y%m%d-%H%M%S.json"))
    with open(path, "w") as f:
        json.dump(results, f, indent=2)
    print("\nmedians over", a.repeats, "repeats (raw values in", path + ")")
    if results["t1"]:
        c = median([r["c256"] for r in results["t1"]])
        n = median([r["naive"] for r in results["t1"]])
        print(f"1. 256 in flight, 50 ms, {a.t1_http_client} client: {c:.0f} calls/s = {c / (256 / 0.05):.1%} "
              f"of the 5120/s bound; naive baseline {n:.1f}/s; ratio {c / n:.0f}x")
        ap = [r["c256_apache5"] for r in results["t1"] if "c256_apache5" in r]
        if ap:
            print(f"   same on the apache5 client: {median(ap):.0f} calls/s = {median(ap) / (256 / 0.05):.1%}")
    if results["t2"]:
        r = median([x["rate"] for x in results["t2"]])
        thr = median([x["throttled"] / max(1, x["calls"]) for x in results["t2"]])
        print(f"2. MaxSendRate 500/s over 60 s: {r:.1f}/s ({(r - 500) / 500:+.2%}), throttles {thr:.3%} of calls")
    if results["t2c"]:
        cs = [x["converged_s"] for x in results["t2c"] if x["converged_s"] is not None]
        print(f"   set by hand to 1000/s: below the limit {median(cs):.2f} s after the first throttle"
              f" (median of {len(cs)})")
    if results["t3"]:
        ka = median([x["keepalive"] for x in results["t3"]])
        nk = median([x["new_conn"] for x in results["t3"]])
        print(f"3. HTTPS at 32 in flight: keep-alive {ka:.0f}/s vs new connection per call {nk:.0f}/s: {ka / nk:.2f}x")
    if results["t4"]:
        v2 = median([x["v2"] for x in results["t4"]])
        sm = median([x["smtp"] for x in results["t4"]])
        print(f"4. 64 in flight, 50 ms: v2 API {v2:.0f}/s vs SMTP endpoint {sm:.0f}/s: {v2 / sm:.2f}x")


if __name__ == "__main__":
    main()
