#!/usr/bin/env bash
# How many SES events a second the relay records from signed SNS POSTs (its SNS endpoint, its
# feedback store, its events log), next to the same POSTs to the same endpoint with a recorder that
# discards them (the baseline) and to the store alone, in the same run. Reports; asserts nothing.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"

usage() {
  cat <<USAGE
Usage: bench/feedback-ingest.sh [--events N] [--repeats R] [--connections C]

Signs N notifications (default 20,000: Deliveries, 5% Permanent bounces,
0.1% complaints) with the SNS key of an in-process simulator before anything
is timed, then POSTs them over C kept-alive HTTP/1.1 connections (default 32)
to a relay's SNS endpoint (relay --hold, a fresh spool and feedback store, an
events log) and to the same endpoint with a recorder that discards; and hands
the parsed events to a FeedbackStore from C threads. R repeats (default 3),
after a warm-up of 1,000 events each; prints each run and the medians, and
writes bench/out/feedback-ingest-<UTC time>.json. Default run: about 2 minutes.
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

echo "[$(date +%H:%M:%S)] building sluice-app and its test classes..." >&2
./mvnw -q -B ${MVN_OFFLINE:+-o} -Dspotless.check.skip=true \
  test-compile dependency:build-classpath \
  -pl sluice-app -am \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath >&2

CP="sluice-app/target/test-classes:sluice-app/target/classes:$(cat sluice-app/target/bench.classpath)"
mkdir -p bench/out
OUT="bench/out/feedback-ingest-$(date -u +%Y%m%dT%H%M%SZ).json"

"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED ${JAVA_OPTS:-} \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$CP" dev.sluice.app.relay.bench.FeedbackIngest --out "$OUT" "$@"
