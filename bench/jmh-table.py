#!/usr/bin/env python3
"""Prints JMH's JSON results (-rf json) as one table: each benchmark's score, its error and, for
each class, every benchmark's score as a multiple of the class's baseline (BASELINES). Reads the
file named on the command line."""
import json
import sys

# The benchmark each class's others are compared with, measured in the same run.
BASELINES = {
    "LineReaderBench": "bufferedReaderReadLine",
    "SpoolAppendBench": "rocksPutSync",
    "TraceBench": "copyOnly",
    "SigV4Bench": "sha256Body",
    "V2JsonBench": "requestStreaming",
    "EventJsonBench": "eventJackson",
    "AdmissionBench": "stats",
}


def main(path):
    with open(path) as f:
        runs = json.load(f)
    rows = []
    for r in runs:
        cls, name = r["benchmark"].rsplit(".", 1)
        cls = cls.rsplit(".", 1)[1]
        m = r["primaryMetric"]
        rows.append((cls, name, m["score"], m["scoreError"], m["scoreUnit"]))
    base = {(c, n): s for c, n, s, _, _ in rows if BASELINES.get(c) == n}
    print(f"{'benchmark':<44} {'score':>12} {'± error':>10}  {'unit':<8} {'× baseline':>10}")
    for cls, name, score, err, unit in rows:
        b = base.get((cls, BASELINES.get(cls)))
        ratio = f"{score / b:.2f}" if b else "-"
        if BASELINES.get(cls) == name:
            ratio = "(base)"
        # JMH writes "NaN" when there are too few iterations for an error
        err_text = f"{err:.3f}" if isinstance(err, (int, float)) and err == err else "n/a"
        print(f"{cls + '.' + name:<44} {score:>12.3f} {err_text:>10}  {unit:<8} {ratio:>10}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: jmh-table.py RESULTS.json")
    main(sys.argv[1])
