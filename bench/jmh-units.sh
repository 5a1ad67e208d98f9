#!/usr/bin/env bash
# JMH benchmarks of the hot units (sluice-jmh): the SMTP line reader, spool append, the Received
# trace field, SigV4, JSON and the admission check, each beside a baseline measured in the same
# run. Prints a table with the load average before and after. Reports; asserts nothing.
# See bench/README.md.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
OUT_DIR="$BENCH_DIR/out"

usage() {
  cat <<USAGE
Usage: bench/jmh-units.sh [--quick] [JMH options] [benchmark regex ...]

Runs the JMH benchmarks in sluice-jmh and prints one table of them:

  LineReaderBench   the SMTP session's LineReader and DataReader on a 2 KB message,
                    beside BufferedReader.readLine
  SpoolAppendBench  RocksSpool.append, alone and 16 at a time, beside raw RocksDB
                    puts (synced, synced batch of 16, unsynced)
  TraceBench        Trace.received + Trace.prepend, beside its date and a bare copy
  SigV4Bench        the AWS SDK's AwsV4HttpSigner and the simulator's SigV4Verifier,
                    beside the body's SHA-256
  V2JsonBench       the simulator's v2 SendEmail request (Jackson tree) and answer,
                    beside Jackson streaming
  EventJsonBench    the relay's delivery event JSON, beside Jackson's generator
  AdmissionBench    the door's admission check at MAIL FROM and the spool reading it
                    makes (intakeStats), beside RocksSpool.stats()

  --quick     one fork, 1 warm-up and 2 measured iterations of 1 s (a look, not a result)
  -h, --help  this text

Other arguments go to JMH: a regex picks benchmarks (e.g. SigV4), -f/-wi/-i/-r
change forks and iterations, -prof gc adds allocation per operation.
The full run takes about 6 minutes; --quick about 1.5.
Environment: MVN_OFFLINE=1 builds with ./mvnw -o; JAVA_OPTS adds options to
the launching JVM; TMPDIR is where the spool benchmark writes (default /tmp).
Output: the table on stdout and bench/out/jmh-units-<timestamp>.json.
USAGE
}

ARGS=()
for a in "$@"; do
  case "$a" in
    -h|--help) usage; exit 0 ;;
    --quick) ARGS+=(-f 1 -wi 1 -w 1s -i 2 -r 1s) ;;
    *) ARGS+=("$a") ;;
  esac
done

# shellcheck source=../.mvn/find-jdk.sh
. "$REPO_DIR/.mvn/find-jdk.sh"
JAVA_HOME="$(sluice_find_jdk)" || exit 1
export JAVA_HOME
cd "$REPO_DIR"

# -Pjmh runs JMH's annotation processor. Test classes compiled without it look up to date to the
# compiler, so they are compiled afresh.
rm -rf sluice-jmh/target/test-classes sluice-jmh/target/generated-test-sources
echo "[$(date +%H:%M:%S)] building sluice-jmh and the modules it measures..." >&2
./mvnw -q -B ${MVN_OFFLINE:+-o} -Pjmh -Dspotless.check.skip=true \
  test-compile dependency:build-classpath \
  -pl sluice-jmh -am \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath >&2

CP="sluice-jmh/target/test-classes:$(cat sluice-jmh/target/bench.classpath)"
mkdir -p "$OUT_DIR"
OUT="$OUT_DIR/jmh-units-$(date -u +%Y%m%dT%H%M%SZ).json"
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"

"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED ${JAVA_OPTS:-} \
  -Djava.io.tmpdir="${TMPDIR:-/tmp}" \
  -cp "$CP" org.openjdk.jmh.Main -rf json -rff "$OUT" ${ARGS[@]+"${ARGS[@]}"} >&2

LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
echo
python3 "$BENCH_DIR/jmh-table.py" "$OUT"
echo
echo "load average (1/5/15 min): before $LOAD_BEFORE, after $LOAD_AFTER; $(nproc) CPUs"
echo "results: $OUT"
