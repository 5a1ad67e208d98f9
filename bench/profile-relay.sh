#!/usr/bin/env bash
# Profiles the relay at a steady rate: warms it up under smtp-source load, then
# records the measured window only, with JFR (jcmd JFR.start, settings=profile)
# and async-profiler (the Maven Central jar tools.profiler:async-profiler,
# loaded with jcmd JVMTI.agent_load), and prints the top frames and the share of
# each layer (bench/jfr-top.py). Reports; asserts nothing. See bench/README.md.
#
# Options are environment variables:
#   MODE=accept         accept: the relay with --hold (the accept path alone,
#                       as bench/ingress-vs-postfix.sh runs it);
#                       e2e: the relay delivering to `sluice simulator` with
#                       LATENCY, --max-in-flight IN_FLIGHT (as
#                       bench/relay-vs-postfix.sh runs it)
#   SESSIONS=20         concurrent smtp-source sessions (-s), with -d
#   WARMUP=30000        messages before the recording starts (JIT warm-up)
#   MESSAGES=60000      messages in the recorded window
#   MSG_SIZE=2048       payload bytes per message (smtp-source -l)
#   LATENCY=50ms, IN_FLIGHT=256   e2e only
#   ASYNC_PROFILER=4.1  the async-profiler version to fetch with ./mvnw;
#                       empty = JFR only
#   AP_EVENT=cpu        async-profiler's event (cpu needs perf events; itimer
#                       works everywhere)
#   WORK_PARENT=/var/tmp  where the spool goes (a disk file system)
#   OUT_DIR=bench/out   where the recordings and flame graph go:
#                       profile-<mode>-<stamp>.jfr, .html (flame graph),
#                       .collapsed and .txt (this report)
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
BENCH_NAME=profile-relay
# shellcheck source=bench/lib/common.sh
. "$BENCH_DIR/lib/common.sh"
# shellcheck source=bench/lib/postfix.sh
. "$BENCH_DIR/lib/postfix.sh"
# shellcheck source=bench/lib/relay.sh
. "$BENCH_DIR/lib/relay.sh"
# shellcheck source=bench/lib/simulator.sh
. "$BENCH_DIR/lib/simulator.sh"

MODE="${MODE:-accept}"
SESSIONS="${SESSIONS:-20}"
WARMUP="${WARMUP:-30000}"
MESSAGES="${MESSAGES:-60000}"
MSG_SIZE="${MSG_SIZE:-2048}"
LATENCY="${LATENCY:-50ms}"
IN_FLIGHT="${IN_FLIGHT:-256}"
ASYNC_PROFILER="${ASYNC_PROFILER-4.1}"
AP_EVENT="${AP_EVENT:-cpu}"
WORK_PARENT="${WORK_PARENT:-/var/tmp}"
OUT_DIR="${OUT_DIR:-$BENCH_DIR/out}"

case "${1:-}" in
  -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
  "") ;;
  *) die "options are environment variables; unknown argument: $1" ;;
esac
[[ "$MODE" == accept || "$MODE" == e2e ]] || die "MODE is accept or e2e, not $MODE"
for v in SESSIONS WARMUP MESSAGES MSG_SIZE IN_FLIGHT; do is_uint "${!v}" || die "bad $v: ${!v}"; done

pf_tools
. "$REPO_DIR/.mvn/find-jdk.sh"
JAVA_HOME="$(sluice_find_jdk)" || exit 1
export JAVA_HOME
JCMD="$JAVA_HOME/bin/jcmd"
ulimit -n 65536 2>/dev/null || true

mkdir -p "$WORK_PARENT" "$OUT_DIR"
WORK_DIR="$(mktemp -d "$WORK_PARENT/sluice-profile.XXXXXX")"
require_disk_fs "$WORK_DIR"
mkdir -p "$WORK_DIR/logs"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
BASE="$OUT_DIR/profile-$MODE-$STAMP"

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  relay_stop 10
  sim_stop 2>/dev/null || true
  rm -rf "$WORK_DIR"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cd "$REPO_DIR"
AP_LIB=""
if [[ -n "$ASYNC_PROFILER" ]]; then
  log "fetching async-profiler $ASYNC_PROFILER (tools.profiler:async-profiler:linux-x64) with ./mvnw"
  if ./mvnw -q -B dependency:copy -Dartifact="tools.profiler:async-profiler:$ASYNC_PROFILER:jar:linux-x64" \
      -DoutputDirectory="$WORK_DIR/ap" > "$WORK_DIR/logs/ap-fetch.log" 2>&1; then
    (cd "$WORK_DIR/ap" && unzip -q -o ./*.jar 'linux-x64/*')
    AP_LIB="$WORK_DIR/ap/linux-x64/libasyncProfiler.so"
  else
    log "WARNING: async-profiler could not be fetched (see below); JFR only"; tail -n 5 "$WORK_DIR/logs/ap-fetch.log" >&2
  fi
fi

./sluice --version > /dev/null || die "./sluice could not be built"
export SLUICE_NO_BUILD=1
if [[ "$MODE" == e2e ]]; then
  sim_start "$WORK_DIR/logs/simulator.log" "$WORK_DIR/sim.pem" --latency "$LATENCY" \
    --max-send-rate unlimited --max-24h-send unlimited
  RELAY_UPSTREAM="ses-v2+http://127.0.0.1:$SIM_HTTP_PORT"
  CMD="./sluice relay --hold=false --http-port off --smtp-port {port} --spool-dir {dir} --upstream {upstream} --max-send-rate unlimited --max-in-flight $IN_FLIGHT"
else
  CMD="./sluice relay --hold --http-port off --smtp-port {port} --spool-dir {dir}"
fi
relay_start "$CMD" "$WORK_DIR/spool" "$WORK_DIR/logs/relay.log"
PID=$RELAY_PG   # ./sluice execs java: the group leader is the JVM

# ap ACTION: async-profiler's agent, loaded into the relay with ACTION as its
# options (jcmd splits on "=", so they go quoted); fails on a non-zero return.
ap() {
  local out
  out=$("$JCMD" "$PID" JVMTI.agent_load "$AP_LIB" "\"$1\"" 2>&1)
  grep -q 'return code: 0' <<< "$out" || die "async-profiler $1: $out"
}

load() {
  source_run $(( 600 + $1 / 20 )) "$WORK_DIR/logs/source-$2.out" /dev/null -4 -s "$SESSIONS" -m "$1" \
    -l "$MSG_SIZE" -d -f sender@example.com -t rcpt@example.net "127.0.0.1:$RELAY_PORT" \
    || { cat "$WORK_DIR/logs/source-$2.out" >&2; die "smtp-source failed ($2)"; }
}

log "warm-up: $WARMUP messages, $SESSIONS sessions"
load "$WARMUP" warmup
"$JCMD" "$PID" JFR.start name=profile settings=profile > /dev/null
[[ -n "$AP_LIB" ]] && ap "start,event=$AP_EVENT,interval=1ms"
load1=$(load1); c0=$(group_cpu "$PID"); m0=$(machine_ticks); t0=$(date +%s%N)
log "recording: $MESSAGES messages, $SESSIONS sessions (load average $(cut -d' ' -f1-3 /proc/loadavg))"
load "$MESSAGES" measured
t1=$(date +%s%N); m1=$(machine_ticks); c1=$(group_cpu "$PID")
if [[ -n "$AP_LIB" ]]; then
  ap "dump,collapsed,file=$BASE.collapsed"
  ap "stop,file=$BASE.html"
fi
"$JCMD" "$PID" JFR.stop name=profile filename="$BASE.jfr" > /dev/null
if [[ "$MODE" == e2e ]]; then
  log "waiting for the simulator to have every message"
  for _ in $(seq 1 600); do (( $(sim_total) >= WARMUP + MESSAGES )) && break; sleep 1; done
fi
relay_stop 10

{
  awk -v n="$MESSAGES" -v a="$t0" -v b="$t1" -v c0="$c0" -v c1="$c1" -v m0="$m0" -v m1="$m1" \
      -v l="$load1" -v mode="$MODE" -v s="$SESSIONS" 'BEGIN {
    w = (b - a) / 1e9; split(m0, p, " "); split(m1, q, " "); d = q[2] - p[2]
    printf "%s, %d sessions: %d messages in %.2f s = %.0f msg/s accepted; relay CPU %.3f ms/msg; machine busy %.0f%%; load1 %s\n", \
      mode, s, n, w, n / w, 1000 * (c1 - c0) / n, (d > 0 ? 100 * (q[1] - p[1]) / d : 0), l }'
  echo "recorded: $BASE.jfr${AP_LIB:+, $BASE.html (flame graph), $BASE.collapsed}"
  echo
  echo "==== JFR (Java frames; native methods show as the Java method that called them)"
  python3 "$BENCH_DIR/jfr-top.py" "$BASE.jfr"
  if [[ -n "$AP_LIB" ]]; then
    echo
    echo "==== async-profiler ($AP_EVENT: every thread, Java, native, JVM and kernel frames)"
    python3 "$BENCH_DIR/jfr-top.py" "$BASE.collapsed"
  fi
} | tee "$BASE.txt"
