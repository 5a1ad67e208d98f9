#!/usr/bin/env python3
"""Where a profiled JVM spent its time: the top frames by self and by total samples, and the share
of each layer of the relay (SMTP parsing, spool/RocksDB, socket I/O, TLS, delivery/SDK, GC, ...).

Reads a JFR recording (through `jfr print`, of jdk.ExecutionSample: threads running Java code;
and jdk.NativeMethodSample: threads inside a native method, which is where fsync, socket waits and
RocksDB's C++ show) or async-profiler's collapsed stacks (one "frame;frame;... count" per line,
root first), which also hold native and GC threads' frames. Reports; asserts nothing.

Usage: bench/jfr-top.py [--top N] [--thread REGEX] FILE.jfr|FILE.collapsed ...
"""
import argparse
import collections
import os
import re
import subprocess
import sys

# A sample belongs to the layer of the first frame, from the leaf up, that names one; JDK frames
# that name none are passed over, so a String method called by the SMTP reader counts as SMTP.
LAYERS = [
    ("idle (waiting in epoll)", re.compile(r"(EPoll\.wait|epollWait0?$|epoll_wait|"
                                           r"EPollPoller\.poll)")),
    ("GC", re.compile(r"^(G1|ZGC|Z[A-Z]|Shenandoah|ParallelGC|PSPromotion|GCTaskThread|"
                      r"WorkerThread::run|.*Collector|.*G1[A-Z].*)")),
    ("JIT compiler", re.compile(r"^(C2Compiler|C1_?Compiler|Compile::|CompileBroker|"
                                r"Parse::|PhaseIdealLoop|LinearScan|.*Compilation::)")),
    ("fsync / disk", re.compile(r"(fsync|fdatasync|sync_file_range|rocksdb::.*Sync|"
                                r"rocksdb::PosixWritableFile::(Append|Flush))")),
    ("spool / RocksDB", re.compile(r"^(dev\.sluice\.spool|org\.rocksdb|rocksdb::|"
                                   r"Java_org_rocksdb)")),
    ("TLS", re.compile(r"^(sun\.security\.ssl|javax\.crypto|com\.sun\.crypto|"
                       r"sun\.security\.(ec|rsa|provider))")),
    ("socket I/O", re.compile(r"^(sun\.nio\.ch|java\.net\.Socket|java\.net\.ServerSocket|"
                              r"sun\.net\.|__?recv|__?send|read$|write$|epoll|poll$|"
                              r"Java_sun_nio_ch)")),
    ("SMTP parsing", re.compile(r"^dev\.sluice\.smtp\.(?!client)")),
    ("ingress (trace, checks)", re.compile(r"^dev\.sluice\.ingress")),
    ("delivery / SDK", re.compile(r"^(software\.amazon|org\.apache\.hc|org\.apache\.http|"
                                  r"dev\.sluice\.ses|dev\.sluice\.delivery)")),
    ("history / feedback store", re.compile(r"^(dev\.sluice\.feedback|"
                                            r"dev\.sluice\.app\.relay\.HistoryRecorder)")),
    ("netty (HTTP doors)", re.compile(r"^io\.netty")),
    ("JSON", re.compile(r"^com\.fasterxml")),
    ("logging", re.compile(r"^(org\.slf4j|ch\.qos\.logback|dev\.sluice\.app\.log)")),
    ("relay (other sluice)", re.compile(r"^dev\.sluice\.")),
]
JDK = re.compile(r"^(java\.|jdk\.|sun\.|javax\.|com\.sun\.)")


def layer(frames):
    """The layer of a sample whose frames run leaf first."""
    for f in frames:
        for name, rx in LAYERS:
            if rx.search(f):
                return name
    for f in frames:
        if not JDK.match(f):
            return "other native / VM"
    return "JDK (no caller named)"


FRAME = re.compile(r"^\s+(\S.*?)(?:\s+line:\s*\d+)?(?:\s+bci:\s*\d+)?\s*$")


def method_name(frame):
    """`pkg.Class.method(args)` without the argument list."""
    return frame.split("(", 1)[0].strip()


def read_jfr(path, thread_rx):
    """Yields (event type, thread, frames leaf first) from a JFR recording."""
    jfr = os.path.join(os.environ.get("JAVA_HOME", ""), "bin", "jfr")
    if not os.path.exists(jfr):
        jfr = "jfr"
    cmd = [jfr, "print", "--stack-depth", "96", "--events",
           "jdk.ExecutionSample,jdk.NativeMethodSample", path]
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, bufsize=1 << 20) as p:
        event = thread = None
        frames = None
        for line in p.stdout:
            s = line.strip()
            if s.startswith("jdk.ExecutionSample") or s.startswith("jdk.NativeMethodSample"):
                event, thread, frames = s.split()[0], "", None
            elif s.startswith("sampledThread ="):
                thread = s.split("=", 1)[1].strip()
            elif s.startswith("stackTrace = ["):
                frames = []
            elif frames is not None and s == "]":
                if thread_rx is None or thread_rx.search(thread):
                    yield event, thread, frames
                frames = None
            elif frames is not None and s and s != "...":
                m = FRAME.match(line)
                if m:
                    frames.append(method_name(m.group(1)))


def read_collapsed(path, thread_rx):
    """Yields ("cpu", thread, frames leaf first) once per sample from collapsed stacks."""
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            stack, _, count = line.rpartition(" ")
            frames = [re.sub(r"_\[[a-z0-9]\]$", "", x) for x in stack.split(";")]
            thread = frames[0] if frames and frames[0].startswith("[") else ""
            if thread_rx is not None and not thread_rx.search(thread):
                continue
            frames = [method_name(x.replace("/", ".")) for x in reversed(frames)]
            for _ in range(int(count)):
                yield "cpu", thread, frames


def report(title, samples, top):
    n = len(samples)
    print(f"\n== {title}: {n} samples")
    if n == 0:
        return
    self_count = collections.Counter(f[0] for f in samples if f)
    total_count = collections.Counter()
    for f in samples:
        total_count.update(set(f))
    layers = collections.Counter(layer(f) for f in samples)
    print(f"\n  top {top} by self samples:")
    for name, c in self_count.most_common(top):
        print(f"    {100 * c / n:5.1f}%  {name}")
    print(f"\n  top {top} by total samples (the frame anywhere on the stack):")
    for name, c in total_count.most_common(top):
        print(f"    {100 * c / n:5.1f}%  {name}")
    print("\n  by layer (leaf-most frame that names one):")
    for name, c in layers.most_common():
        print(f"    {100 * c / n:5.1f}%  {name}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--top", type=int, default=10)
    ap.add_argument("--thread", help="only threads whose name matches this regex")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    rx = re.compile(a.thread) if a.thread else None
    for path in a.files:
        by_event = collections.defaultdict(list)
        reader = read_jfr if path.endswith(".jfr") else read_collapsed
        for event, _thread, frames in reader(path, rx):
            if frames:
                by_event[event].append(frames)
        print(f"# {path}")
        for event, samples in sorted(by_event.items()):
            report(event, samples, a.top)


if __name__ == "__main__":
    sys.exit(main())
