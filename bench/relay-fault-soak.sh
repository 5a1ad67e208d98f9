#!/usr/bin/env bash
# Fault soak of the Sluice relay: steady SMTP injection for DURATION (10
# minutes) while `sluice simulator` answers 5 % of calls with a 500 or 503,
# resets 1 % of connections and leaves 0.5 % of requests hanging. Target: every
# injected message delivered, none lost. Also reported: duplicates, and how long
# the relay takes to deliver the last message after injection stops.
# Reports; asserts nothing. See bench/README.md.
#
# Options are environment variables:
#   DURATION=10m        how long to inject (s or m suffix, or seconds)
#   INJECT_RATE=100     messages per second, one smtp-source batch a second
#   BATCH_SESSIONS=4    smtp-source sessions per batch
#   MSG_SIZE=2048       payload bytes per message (smtp-source -l)
#   FAULT_RATE=0.05     simulator --fault-rate (500/503, split evenly)
#   RESET_RATE=0.01     simulator --reset-rate
#   HANG_RATE=0.005     simulator --hang-rate
#   HANG_LIMIT=30s      simulator --hang-limit: a hung request's connection is
#                       closed after this long
#   LATENCY=50ms        simulator --latency
#   MAX_SEND_RATE=unlimited
#                       simulator --max-send-rate (the relay follows it)
#   SLUICE_IN_FLIGHT=64 the relay's --max-in-flight
#   SLUICE_CMD          command that starts the relay; {port}, {dir} and
#                       {upstream} are replaced (default below)
#   DRAIN_TIMEOUT=30m   how long to wait, after injection, for every message
#   SETTLE=45           seconds to keep watching after the last message arrived
#                       (late duplicates), before the relay is stopped
#   START_TIMEOUT=600   seconds to wait for the simulator and the relay to start
#   WORK_PARENT=/var/tmp, KEEP=0, OUT_DIR=bench/out   as in relay-vs-postfix.sh
#
# ---------------------------------------------------------------- measurement
# The relay: ./sluice relay --hold=false --http-port off --smtp-port {port}
#   --spool-dir {dir} --upstream {upstream} --max-send-rate account
#   --max-in-flight SLUICE_IN_FLIGHT
# (v2 API over plain HTTP; resets and hangs hit its pooled connections.)
#
# Injection: second i of the run (i = 0, 1, ...) starts one smtp-source batch
# of INJECT_RATE messages, `-d -N` with recipient b<i>.soak@example.net, so
# every message has its own recipient, <n>b<i>.soak@example.net with n = 1 ..
# INJECT_RATE. A batch that smtp-source does not finish cleanly stops the soak:
# the relay must not refuse mail because its upstream fails.
#
# Counting: every 2 s a harvester reads the recipients and message ids of the
# messages the simulator accepted since its previous round, from the inspection
# ring (sized so that no round can miss one; the count of distinct message ids
# must equal the simulator's own count at the end, or the result says the
# harvest is incomplete). Injected faults never reach the inbox: a 5xx, reset
# or hang is decided before the send is processed, so the relay's retry of such
# a call is not a duplicate; an accepted message counted twice is one.
#
# After the last batch the script waits until every injected recipient has been
# seen (drain time), keeps watching SETTLE seconds, stops the relay with SIGTERM
# and counts what is left in its spool with `sluice queue stats`.
#
# Reported: injected, delivered (distinct recipients seen) and %, lost
# (injected but never seen), duplicates (accepted messages beyond one per
# recipient), left in the spool, drain time, the simulator's 5xx answers
# (it does not count resets and hangs), and from the relay's outcome log the
# deliveries that needed more than one scheduled attempt and the deferrals.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
BENCH_NAME=relay-fault-soak
# shellcheck source=bench/lib/common.sh
. "$BENCH_DIR/lib/common.sh"
# shellcheck source=bench/lib/postfix.sh
. "$BENCH_DIR/lib/postfix.sh"
# shellcheck source=bench/lib/simulator.sh
. "$BENCH_DIR/lib/simulator.sh"
# shellcheck source=bench/lib/relay.sh
. "$BENCH_DIR/lib/relay.sh"

# ---------------------------------------------------------------- options
DURATION="${DURATION:-10m}"
INJECT_RATE="${INJECT_RATE:-100}"
BATCH_SESSIONS="${BATCH_SESSIONS:-4}"
MSG_SIZE="${MSG_SIZE:-2048}"
FAULT_RATE="${FAULT_RATE:-0.05}"
RESET_RATE="${RESET_RATE:-0.01}"
HANG_RATE="${HANG_RATE:-0.005}"
HANG_LIMIT="${HANG_LIMIT:-30s}"
LATENCY="${LATENCY:-50ms}"
MAX_SEND_RATE="${MAX_SEND_RATE:-unlimited}"
SLUICE_IN_FLIGHT="${SLUICE_IN_FLIGHT:-64}"
SLUICE_CMD_DEFAULT="./sluice relay --hold=false --http-port off --smtp-port {port} --spool-dir {dir} --upstream {upstream} --max-send-rate account --max-in-flight $SLUICE_IN_FLIGHT"
SLUICE_CMD="${SLUICE_CMD:-$SLUICE_CMD_DEFAULT}"
DRAIN_TIMEOUT="${DRAIN_TIMEOUT:-30m}"
SETTLE="${SETTLE:-45}"
START_TIMEOUT="${START_TIMEOUT:-600}"
WORK_PARENT="${WORK_PARENT:-/var/tmp}"
KEEP="${KEEP:-0}"
OUT_DIR="${OUT_DIR:-$BENCH_DIR/out}"
SENDER="sender@example.com"
RCPT_DOMAIN="example.net"
HARVEST_INTERVAL=2

case "${1:-}" in
  -h|--help) usage_from_header "${BASH_SOURCE[0]}"; exit 0 ;;
  "") ;;
  *) usage_from_header "${BASH_SOURCE[0]}" >&2; die "options are environment variables; unknown argument: $1" ;;
esac

# seconds of "90", "90s", "10m"
to_seconds() {
  case "$1" in
    *m) is_uint "${1%m}" && echo $(( ${1%m} * 60 )) ;;
    *s) is_uint "${1%s}" && echo "${1%s}" ;;
    *) is_uint "$1" && echo "$1" ;;
  esac
}
DURATION_S=$(to_seconds "$DURATION") || true
DRAIN_S=$(to_seconds "$DRAIN_TIMEOUT") || true
[[ -n "$DURATION_S" ]] && (( DURATION_S >= 1 )) || die "bad DURATION: $DURATION"
[[ -n "$DRAIN_S" ]] || die "bad DRAIN_TIMEOUT: $DRAIN_TIMEOUT"
for v in INJECT_RATE BATCH_SESSIONS MSG_SIZE SLUICE_IN_FLIGHT SETTLE START_TIMEOUT; do
  is_uint "${!v}" || die "bad $v: ${!v}"
done
(( INJECT_RATE >= 1 && BATCH_SESSIONS >= 1 )) || die "INJECT_RATE and BATCH_SESSIONS must be at least 1"
[[ "$KEEP" == 0 || "$KEEP" == 1 ]] || die "KEEP must be 0 or 1"

# ---------------------------------------------------------------- tools
pf_tools   # smtp-source
ensure_command curl curl
ensure_command jq jq
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

mkdir -p "$WORK_PARENT" "$OUT_DIR"
WORK_DIR="$(mktemp -d "$WORK_PARENT/sluice-soak.XXXXXX")"
require_disk_fs "$WORK_DIR"
mkdir -p "$WORK_DIR/logs"

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n "$SRC_PID" ]]; then
    kill -TERM -- "-$SRC_PID" 2>/dev/null || kill -TERM "$SRC_PID" 2>/dev/null || true
  fi
  relay_stop 30
  sim_stop
  if (( KEEP )); then
    echo "$BENCH_NAME: work directory kept: $WORK_DIR" >&2
  else
    rm -rf "$WORK_DIR"
    (( rc == 0 )) || echo "$BENCH_NAME: failed (exit $rc); KEEP=1 keeps the logs and the harvest" >&2
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cd "$REPO_DIR"
./sluice --version > /dev/null || die "./sluice could not be built"
export SLUICE_NO_BUILD=1

# The ring holds 60 harvest rounds at the injection rate (at least 20,000).
INBOX=$(( INJECT_RATE * HARVEST_INTERVAL * 60 ))
(( INBOX < 20000 )) && INBOX=20000
INBOX_MB=$(( (INBOX * (MSG_SIZE + 1024)) / 1048576 + 64 ))
SIM_FLAGS=(--latency "$LATENCY" --max-send-rate "$MAX_SEND_RATE" --max-24h-send unlimited
  --fault-rate "$FAULT_RATE" --reset-rate "$RESET_RATE" --hang-rate "$HANG_RATE" --hang-limit "$HANG_LIMIT"
  --inbox-size "$INBOX" --inbox-bytes "${INBOX_MB}MB")
sim_start "$WORK_DIR/logs/simulator.log" "$WORK_DIR/simulator.pem" "${SIM_FLAGS[@]}"
RELAY_UPSTREAM="ses-v2+http://127.0.0.1:$SIM_HTTP_PORT"

SPOOL="$WORK_DIR/spool"
RELAY_LOG="$WORK_DIR/logs/relay.log"
HARVEST="$WORK_DIR/harvest.txt"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)

# Distinct injected recipients seen in the harvest so far.
seen_count() {
  awk -v d="$RCPT_DOMAIN" '$2 ~ ("^[0-9]+b[0-9]+[.]soak@" d "$") && !($2 in s) { s[$2] = 1; n++ } END { print n + 0 }' "$HARVEST"
}

# ---------------------------------------------------------------- run
relay_start "$SLUICE_CMD" "$SPOOL" "$RELAY_LOG"
sim_reset
sim_sends_snapshot "$WORK_DIR/metrics-before.txt"
sim_harvest_start "$HARVEST" "$HARVEST_INTERVAL"
LOAD_BEFORE=$(load1)
R0=$(group_cpu "$RELAY_PG"); Q0=$(group_cpu "$SIM_PG")
log "soak: $DURATION_S s at $INJECT_RATE msg/s ($(( DURATION_S * INJECT_RATE )) messages); faults $FAULT_RATE, resets $RESET_RATE, hangs $HANG_RATE (limit $HANG_LIMIT); latency $LATENCY; work dir $WORK_DIR; load average $(cut -d' ' -f1-3 /proc/loadavg)"

INJECTED=0
LATE_BATCHES=0
T_START=$EPOCHREALTIME
START_S=${T_START%.*}
for (( i = 0; i < DURATION_S; i++ )); do
  # start batch i at T_START + i; a late batch starts at once
  wait_s=$(awk -v t0="$T_START" -v i="$i" -v now="$EPOCHREALTIME" 'BEGIN { d = t0 + i - now; printf "%.3f", (d > 0 ? d : 0) }')
  if [[ "$wait_s" == 0.000 ]]; then
    (( i > 0 )) && LATE_BATCHES=$(( LATE_BATCHES + 1 ))
  else
    sleep "$wait_s"
  fi
  rc=0
  source_run 120 "$WORK_DIR/logs/batch.out" /dev/null -4 -s "$BATCH_SESSIONS" -m "$INJECT_RATE" -l "$MSG_SIZE" -d -N \
    -f "$SENDER" -t "b$i.soak@$RCPT_DOMAIN" "127.0.0.1:$RELAY_PORT" || rc=$?
  if (( rc != 0 )); then
    cat "$WORK_DIR/logs/batch.out" >&2
    die "batch $i: smtp-source failed (exit $rc) after $INJECTED messages in earlier batches; the relay refused or dropped a session"
  fi
  INJECTED=$(( INJECTED + INJECT_RATE ))
  if (( (i + 1) % 60 == 0 )); then
    log "  $(( i + 1 ))s: injected $INJECTED, accepted at the simulator $(sim_total || echo ?), late batches $LATE_BATCHES, load1 $(load1)"
  fi
done
T_INJECTED=$EPOCHREALTIME
INJECT_S=$(awk -v a="$T_START" -v b="$T_INJECTED" 'BEGIN { printf "%.3f", b - a }')
log "injection done: $INJECTED messages in ${INJECT_S}s ($LATE_BATCHES batches started late); waiting for delivery (DRAIN_TIMEOUT ${DRAIN_S}s)"

DRAINED=0
T_DRAINED=""
while :; do
  seen=$(seen_count)
  if (( seen >= INJECTED )); then DRAINED=1; T_DRAINED=$EPOCHREALTIME; break; fi
  now_s=${EPOCHREALTIME%.*}
  if (( now_s - ${T_INJECTED%.*} >= DRAIN_S )); then
    log "  not drained after ${DRAIN_S}s: $seen of $INJECTED seen"
    break
  fi
  (( (now_s - START_S) % 30 < HARVEST_INTERVAL )) && log "  delivered $seen of $INJECTED"
  sleep "$HARVEST_INTERVAL"
done
if (( DRAINED )); then
  DRAIN_TIME=$(awk -v a="$T_INJECTED" -v b="$T_DRAINED" 'BEGIN { printf "%.1f", b - a }')
  log "every message seen ${DRAIN_TIME}s after injection ended; watching ${SETTLE}s more"
  sleep "$SETTLE"
else
  DRAIN_TIME=""
fi
R1=$(group_cpu "$RELAY_PG"); Q1=$(group_cpu "$SIM_PG")
sim_harvest_stop
relay_stop 60
LEFT=$(relay_spool_count "$SPOOL")
STATS=$(SLUICE_NO_BUILD=1 ./sluice queue stats --spool-dir "$SPOOL" 2>&1 || true)
TOTAL=$(sim_total)
sim_harvest_final "$HARVEST" "$(( TOTAL < 10000 ? TOTAL : 10000 ))"
sim_sends_snapshot "$WORK_DIR/metrics-after.txt"
MB="$WORK_DIR/metrics-before.txt"; MA="$WORK_DIR/metrics-after.txt"
CALLS=$(sim_sends_delta "$MB" "$MA" v2)
ACCEPTED_CALLS=$(sim_sends_delta "$MB" "$MA" v2 '^accepted$')
FAULTS=$(sim_sends_delta "$MB" "$MA" v2 '^(internal_failure|service_unavailable)$')
THROTTLES=$(sim_sends_delta "$MB" "$MA" v2 '^rate_exceeded$')
OTHER_REFUSALS=$(( CALLS - ACCEPTED_CALLS - FAULTS - THROTTLES ))

# ---------------------------------------------------------------- analysis
IDS=$(awk '{ print $1 }' "$HARVEST" | sort -u | wc -l)
# per injected recipient: how many accepted messages (distinct ids) carried it
sort -u "$HARVEST" | awk '{ print $2 }' | grep -E "^[0-9]+b[0-9]+\.soak@$RCPT_DOMAIN\$" | sort | uniq -c > "$WORK_DIR/per-recipient.txt" || true
read -r DELIVERED DUPLICATES <<< "$(awk '{ d++; if ($1 > 1) x += $1 - 1 } END { print d + 0, x + 0 }' "$WORK_DIR/per-recipient.txt")"
LOST=$(( INJECTED - DELIVERED ))
STRAY=$(( TOTAL - DELIVERED - DUPLICATES ))
HARVEST_OK=1
if (( IDS != TOTAL )) || [[ -s "$HARVEST.gaps" ]]; then
  HARVEST_OK=0
  log "WARNING: the harvest holds $IDS of the $TOTAL accepted messages; delivered/lost/duplicate counts are not exact"
fi
MISSING_SAMPLE=""
if (( LOST > 0 )); then
  MISSING_SAMPLE=$(awk -v b="$(( INJECTED / INJECT_RATE ))" -v r="$INJECT_RATE" -v d="$RCPT_DOMAIN" '
    NR == FNR { sub(/^ *[0-9]+ /, ""); seen[$0] = 1; next }
    END { for (i = 0; i < b; i++) for (n = 1; n <= r; n++) { a = n "b" i ".soak@" d; if (!(a in seen) && k++ < 10) printf "%s ", a } }' \
    "$WORK_DIR/per-recipient.txt" /dev/null)
fi
REL_DELIVERED=$(grep -c 'outcomes - delivered ' "$RELAY_LOG" || true)
REL_RETRIED=$(grep 'outcomes - delivered ' "$RELAY_LOG" | grep -vc 'attempt 1)' || true)
REL_DEFERRED=$(grep -c 'outcomes - deferred ' "$RELAY_LOG" || true)
REL_FAILED=$(grep -cE 'outcomes - (failed|expired) ' "$RELAY_LOG" || true)
REL_ERRORS=$(grep -cE '^\[(ERROR|WARN)\]' "$RELAY_LOG" || true)
REL_ERROR_LINES=$(grep -E '^\[(ERROR|WARN)\]' "$RELAY_LOG" | head -n 5 || true)
RELAY_CPU=$(awk -v a="$R0" -v b="$R1" 'BEGIN { printf "%.1f", b - a }')
SIM_CPU=$(awk -v a="$Q0" -v b="$Q1" 'BEGIN { printf "%.1f", b - a }')
PCT=$(awk -v d="$DELIVERED" -v n="$INJECTED" 'BEGIN { printf "%.4f", (n > 0 ? 100 * d / n : 0) }')
FAULT_PCT=$(awk -v f="$FAULTS" -v c="$CALLS" 'BEGIN { printf "%.2f", (c > 0 ? 100 * f / c : 0) }')
MET=false
(( DELIVERED == INJECTED && LOST == 0 && HARVEST_OK )) && [[ "${LEFT:-x}" == 0 ]] && MET=true

printf '\nFault soak: %ss of injection at %s msg/s; simulator faults %s (5xx), resets %s, hangs %s (limit %s), latency %s\n\n' \
  "$DURATION_S" "$INJECT_RATE" "$FAULT_RATE" "$RESET_RATE" "$HANG_RATE" "$HANG_LIMIT" "$LATENCY"
fmt='%-34s %s\n'
# shellcheck disable=SC2059
{
  printf "$fmt" "injected" "$INJECTED (in ${INJECT_S}s; $LATE_BATCHES batches started late)"
  printf "$fmt" "delivered (distinct recipients)" "$DELIVERED = $PCT %"
  printf "$fmt" "lost" "$LOST${MISSING_SAMPLE:+  e.g. $MISSING_SAMPLE}"
  printf "$fmt" "duplicates" "$DUPLICATES"
  printf "$fmt" "left in the spool after stop" "${LEFT:-unknown}"
  if [[ -n "$DRAIN_TIME" ]]; then
    printf "$fmt" "drain time after injection" "${DRAIN_TIME}s"
  else
    printf "$fmt" "drain time after injection" "not drained within ${DRAIN_S}s"
  fi
  printf "$fmt" "simulator v2 calls" "$CALLS: accepted $ACCEPTED_CALLS, 5xx $FAULTS ($FAULT_PCT %), throttled $THROTTLES, other refusals $OTHER_REFUSALS"
  printf "$fmt" "relay outcome log" "delivered $REL_DELIVERED ($REL_RETRIED after more than one attempt), deferred $REL_DEFERRED, failed/expired $REL_FAILED, WARN/ERROR lines $REL_ERRORS"
  printf "$fmt" "CPU seconds" "relay $RELAY_CPU, simulator $SIM_CPU"
  printf "$fmt" "target: 100 % delivered, none lost" "$( [[ "$MET" == true ]] && echo met || echo NOT met )"
}
if [[ -n "$REL_ERROR_LINES" ]]; then
  echo "relay WARN/ERROR lines (first 5):"
  sed 's/^/  /' <<< "$REL_ERROR_LINES"
fi
(( STRAY == 0 )) || echo "NOTE: $STRAY accepted messages had no injected recipient"
(( HARVEST_OK )) || echo "WARNING: the harvest missed accepted messages; the counts above are not exact"

JSON="$OUT_DIR/relay-fault-soak-$STAMP.json"
GIT_REV=$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)
{
  printf '{\n  "benchmark": "relay-fault-soak",\n  "timestamp": %s,\n  "git_revision": %s,\n  "cores": %d,\n' "$(json_str "$STAMP")" "$(json_str "$GIT_REV")" "$NCORES"
  printf '  "load1_before": %s,\n  "load_average_at_end": %s,\n  "work_fs": %s,\n' "$LOAD_BEFORE" "$(json_str "$(cut -d' ' -f1-3 /proc/loadavg)")" "$(json_str "$FS_TYPE")"
  printf '  "simulator": {"flags": %s},\n' "$(json_str "${SIM_FLAGS[*]}")"
  printf '  "relay_command": %s,\n' "$(json_str "$SLUICE_CMD")"
  printf '  "injection": {"duration_s": %d, "rate": %d, "batch_sessions": %d, "payload_bytes": %d, "messages": %d, "elapsed_s": %s, "late_batches": %d},\n' \
    "$DURATION_S" "$INJECT_RATE" "$BATCH_SESSIONS" "$MSG_SIZE" "$INJECTED" "$INJECT_S" "$LATE_BATCHES"
  printf '  "delivered": %d,\n  "delivered_pct": %s,\n  "lost": %d,\n  "duplicates": %d,\n  "stray": %d,\n  "left_in_spool": %s,\n' \
    "$DELIVERED" "$PCT" "$LOST" "$DUPLICATES" "$STRAY" "${LEFT:-null}"
  printf '  "drained": %s,\n  "drain_s": %s,\n  "settle_s": %d,\n  "harvest_complete": %s,\n  "simulator_accepted": %d,\n' \
    "$( (( DRAINED )) && echo true || echo false )" "${DRAIN_TIME:-null}" "$SETTLE" "$( (( HARVEST_OK )) && echo true || echo false )" "$TOTAL"
  printf '  "simulator_v2_calls": {"total": %d, "accepted": %d, "server_errors": %d, "throttled": %d, "other_refusals": %d},\n' \
    "$CALLS" "$ACCEPTED_CALLS" "$FAULTS" "$THROTTLES" "$OTHER_REFUSALS"
  printf '  "relay_outcome_log": {"delivered": %d, "delivered_after_retry": %d, "deferred": %d, "failed_or_expired": %d, "warn_or_error_lines": %d},\n' \
    "$REL_DELIVERED" "$REL_RETRIED" "$REL_DEFERRED" "$REL_FAILED" "$REL_ERRORS"
  printf '  "relay_warn_error_lines_first_5": %s,\n' "$(json_str "$REL_ERROR_LINES")"
  printf '  "queue_stats_after_stop": %s,\n' "$(json_str "$STATS")"
  printf '  "cpu_s": {"relay": %s, "simulator": %s},\n  "met": %s\n}\n' "$RELAY_CPU" "$SIM_CPU" "$MET"
} > "$JSON"
echo
echo "JSON: ${JSON#"$REPO_DIR"/}"
