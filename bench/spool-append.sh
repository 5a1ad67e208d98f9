#!/usr/bin/env bash
# Append benchmark of RocksSpool (sluice-spool), side by side with the disk's own
# synced-write rate measured by the same harness in the same run.
# Reports; asserts nothing. See bench/README.md.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
OUT_DIR="$BENCH_DIR/out"

usage() {
  cat <<USAGE
Usage: bench/spool-append.sh [options]

Measures durable appends per second into RocksSpool (2 KB messages; 1, 16 and
256 concurrent appenders on virtual threads, each waiting for its future), and
in the same run the disk's synced-write rate: one thread writing a record and
calling FileChannel.force after each, then 16 threads doing so to 16 files.
Reports medians over the repeats and each rate as a multiple of the
one-thread synced-write rate.

Options (passed to dev.sluice.spool.bench.SpoolAppendBench)
  --dir DIR             put the files and spools in a new directory under DIR
                        (default /tmp); it is removed afterwards
  -w, --warmup D        untimed run before each measured window (default 2s)
  -d, --duration D      measured window per case and repeat (default 5s)
  -r, --repeats N       repeats; medians are reported (default 3)
  -s, --size BYTES      message and record size (default 2048)
  --raw-threads N       threads forcing their own files, 0 = skip (default 16)
  -c, --concurrency L   concurrent appenders, comma separated (default 1,16,256)
  -h, --help            this text

Environment: MVN_OFFLINE=1 builds with ./mvnw -o; JAVA_OPTS adds JVM options.
Output: a table on stdout and bench/out/spool-append-<timestamp>.json.
A default run takes about 2 minutes.
USAGE
}

for a in "$@"; do
  case "$a" in -h|--help) usage; exit 0 ;; esac
done

# shellcheck source=../.mvn/find-jdk.sh
. "$REPO_DIR/.mvn/find-jdk.sh"
JAVA_HOME="$(sluice_find_jdk)" || exit 1
export JAVA_HOME
cd "$REPO_DIR"

# The harness lives in sluice-spool's test sources, so it never ships in a jar.
echo "[$(date +%H:%M:%S)] building sluice-spool and its test classes..." >&2
./mvnw -q -B ${MVN_OFFLINE:+-o} -Dspotless.check.skip=true \
  test-compile dependency:build-classpath \
  -pl sluice-spool -am \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath >&2

CP="sluice-spool/target/test-classes:sluice-spool/target/classes:$(cat sluice-spool/target/bench.classpath)"
mkdir -p "$OUT_DIR"
OUT="$OUT_DIR/spool-append-$(date -u +%Y%m%dT%H%M%SZ).json"

exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED ${JAVA_OPTS:-} \
  -cp "$CP" dev.sluice.spool.bench.SpoolAppendBench --out "$OUT" "$@"
