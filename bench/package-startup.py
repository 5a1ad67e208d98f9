#!/usr/bin/env python3
"""Start-up of the packaged sluice against the source launcher, in the same run.

Extracts the .deb the build made (dpkg-deb -x into a temporary directory; nothing is installed)
and measures, alternating the two programs on every repeat:

  version  wall time of `sluice --version`, to its exit, and the CPU time it used;
  relay    wall time from starting `sluice relay` (fresh spool, ports 0, embedded simulator) to
           its "relay: ready" line, i.e. listeners bound, spool open, delivery started, and the
           CPU time used by then (/proc/PID/stat), which a busy machine inflates less;

for the packaged launcher (its jlink runtime and AOT cache), the same without the cache
(-XX:AOTMode=off), and the source launcher ./sluice (SLUICE_NO_BUILD=1, the JDK it finds).
Reports medians; asserts nothing. Targets (issue 17): version < 0.5 s, relay ready < 2 s.

Usage: bench/package-startup.py [--deb PATH] [--repeats N]
"""
import argparse
import glob
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


TICK = os.sysconf("SC_CLK_TCK")


def version(cmd, env):
    """Wall and CPU (user + system) seconds of `sluice --version`."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run(cmd + ["--version"], env=env, capture_output=True, text=True)
    t = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0 or not p.stdout.startswith("sluice "):
        sys.exit(f"{cmd}: --version failed: {p.stdout}{p.stderr}")
    return t, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)


def cpu_seconds(pid):
    """CPU seconds (user + system) a running process and its waited-for children have used."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / TICK


def relay_ready(cmd, env, work):
    spool = tempfile.mkdtemp(dir=work)
    args = cmd + ["relay", "--spool-dir", spool, "--smtp-port", "0", "--http-port", "0",
                  "--admin-port", "0"]
    t0 = time.perf_counter()
    p = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    try:
        for line in p.stdout:
            lines.append(line)
            if line.startswith("relay: ready"):
                return time.perf_counter() - t0, cpu_seconds(p.pid)
        sys.exit(f"{cmd}: the relay exited before it was ready:\n{''.join(lines)}")
    finally:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=60)
        except subprocess.TimeoutExpired:
            p.kill()
        shutil.rmtree(spool, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--deb", help="the package (default: the one in sluice-dist/target/release)")
    ap.add_argument("--repeats", type=int, default=5)
    a = ap.parse_args()
    deb = a.deb or (glob.glob(os.path.join(REPO, "sluice-dist/target/release/*.deb")) or [None])[0]
    if not deb:
        sys.exit("no .deb: build it with ./mvnw -Prelease -DskipTests package")
    if not os.path.exists(os.path.join(REPO, "sluice-app/target/sluice.jar")):
        sys.exit("no sluice-app/target/sluice.jar for ./sluice: build it first")
    work = tempfile.mkdtemp(prefix="sluice-startup-")
    try:
        root = os.path.join(work, "root")
        subprocess.run(["dpkg-deb", "-x", deb, root], check=True)
        base = dict(os.environ)
        base.pop("SLUICE_JAVA_OPTS", None)
        src_env = dict(base, SLUICE_NO_BUILD="1")
        nocache_env = dict(base, SLUICE_JAVA_OPTS="-XX:AOTMode=off")
        programs = [
            ("package", [os.path.join(root, "usr/bin/sluice")], base),
            ("package, no AOT cache", [os.path.join(root, "usr/bin/sluice")], nocache_env),
            ("source ./sluice", [os.path.join(REPO, "sluice")], src_env),
        ]
        whats = ("version", "version cpu", "relay", "relay cpu")
        results = {(name, what): [] for name, _, _ in programs for what in whats}
        for name, cmd, env in programs:  # one untimed run each: page cache, extraction of natives
            version(cmd, env)
        for _ in range(a.repeats):
            for name, cmd, env in programs:
                for what, (wall, cpu) in (("version", version(cmd, env)),
                                          ("relay", relay_ready(cmd, env, work))):
                    results[(name, what)].append(wall)
                    results[(name, what + " cpu")].append(cpu)
        print(f"deb: {os.path.basename(deb)}; {a.repeats} repeats, medians (min-max), seconds")
        print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"{'program':<24}" + "".join(f"{w:>24}" for w in
              ("--version wall", "--version cpu", "relay ready wall", "relay ready cpu")))
        for name, _, _ in programs:
            cells = []
            for what in whats:
                v = results[(name, what)]
                cells.append(f"{statistics.median(v):.3f} ({min(v):.3f}-{max(v):.3f})")
            print(f"{name:<24}" + "".join(f"{c:>24}" for c in cells))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
