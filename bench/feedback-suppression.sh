#!/usr/bin/env bash
# The suppression list's look-up at RCPT (FeedbackStore.find) with a million addresses on disk,
# as a JMH benchmark (p99 reported; the normalisation alone as the baseline in the same run), then
# the heap and native memory a million addresses cost. Reports; asserts nothing.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"

usage() {
  cat <<USAGE
Usage: bench/feedback-suppression.sh [JMH options]

Loads 1,000,000 suppressed addresses into a FeedbackStore in a temporary
directory and samples find() of addresses on the list and not on it, single
threaded (JMH SampleTime: p0.99 is the figure to read; target under 1 ms).
Then, in a JVM limited to -Xmx64m, loads the same million and prints the heap
in use after a full collection before and after, and RocksDB's native memory.

JMH options are passed through, e.g. -t 4 (threads), -p addresses=100000,
-wi 1 -i 2 -r 5s (shorter run). Default run: about 2 minutes.
Environment: MVN_OFFLINE=1 builds with ./mvnw -o; JAVA_OPTS adds JVM options.
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

# The benchmarks live in sluice-feedback's test sources; -Pjmh runs JMH's annotation processor.
# Test classes compiled without it look up to date to the compiler, so they are compiled afresh.
rm -rf sluice-feedback/target/test-classes sluice-feedback/target/generated-test-sources
echo "[$(date +%H:%M:%S)] building sluice-feedback and its benchmarks..." >&2
./mvnw -q -B ${MVN_OFFLINE:+-o} -Pjmh -Dspotless.check.skip=true \
  test-compile dependency:build-classpath \
  -pl sluice-feedback -am \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath >&2

CP="sluice-feedback/target/test-classes:sluice-feedback/target/classes:$(cat sluice-feedback/target/bench.classpath)"

"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED ${JAVA_OPTS:-} \
  -cp "$CP" org.openjdk.jmh.Main SuppressionFindBench "$@"

echo
echo "[$(date +%H:%M:%S)] heap and native memory of 1,000,000 suppressed addresses (-Xmx64m):"
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx64m ${JAVA_OPTS:-} \
  -cp "$CP" dev.sluice.feedback.store.bench.SuppressionHeap 1000000
