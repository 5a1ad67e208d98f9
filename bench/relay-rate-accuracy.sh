#!/usr/bin/env bash
# Pacing of the Sluice relay under an SES sending quota: `sluice simulator`
# with MaxSendRate 200/s, a backlog of 20,000 messages in the relay's spool,
# the relay following the account's rate (--max-send-rate account, read with
# GetAccount). Target: delivered rate within 2 % of 200/s, no message lost,
# throttled calls under 0.5 % of calls.
# Reports; asserts nothing. See bench/README.md.
#
# Options are environment variables:
#   RATE=200            the simulator's MaxSendRate, recipients per second
#   MESSAGES=20000      the backlog, one recipient each
#   RUNS=1              repetitions; medians reported
#   LATENCY=50ms        the simulator's latency
#   BURST=1s            the simulator's token bucket (--burst)
#   SESSIONS=20         smtp-source sessions filling the backlog
#   MSG_SIZE=2048       payload bytes per message (smtp-source -l)
#   SLUICE_IN_FLIGHT=64 the relay's --max-in-flight
#   SLUICE_CMD          command that delivers the backlog; {port}, {dir} and
#                       {upstream} are replaced (default below)
#   SETTLE=5            seconds to wait after the last message arrived, for late
#                       duplicates, before the relay is stopped
#   POLL_INTERVAL=0.2   seconds between readings of the simulator's count
#   STALL_TIMEOUT=60    a run fails when no message is delivered for this long
#   START_TIMEOUT=600   seconds to wait for the simulator and the relay to start
#   WORK_PARENT=/var/tmp, KEEP=0, OUT_DIR=bench/out   as in relay-vs-postfix.sh
#
# ---------------------------------------------------------------- measurement
# The backlog is real: the relay is first started with --hold (accept, keep,
# do not deliver), smtp-source puts MESSAGES into its spool, the relay is
# stopped and `sluice queue stats` must count them all. Then the simulator's
# counters are reset and the relay is started again on the same spool without
# --hold, so it begins with the whole backlog due at once, and nothing else
# shapes its sending.
#
# Each message has its own recipient (smtp-source -N: 1rcpt@example.net,
# 2rcpt@example.net, ...). While the relay delivers, a poller reads the
# simulator's accepted count every POLL_INTERVAL, and a harvester reads the
# recipients and message ids of the accepted messages from its inspection
# ring every 2 s (the ring holds MESSAGES + 1000, so none is missed).
#
# Reported:
#   rate        delivered recipients/s between 10 % and 90 % of the backlog
#               (interpolated between readings); error % against RATE
#   whole run   (MESSAGES - 1) / (time of the last - time of the first delivery),
#               the start and the tail included
#   10 s min/max
#               the lowest and highest rate over consecutive 10-second windows
#               inside the 10-90 % part
#   throttles   increase of simulator_sends_total{interface="v2",
#               outcome="rate_exceeded"} in /metrics, as a share of all v2 send
#               calls the simulator answered (every outcome)
#   lost        recipients 1..MESSAGES never seen at the simulator; duplicates:
#               accepted messages beyond one per recipient; left: messages in
#               the relay's spool after a graceful stop
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
BENCH_NAME=relay-rate-accuracy
# shellcheck source=bench/lib/common.sh
. "$BENCH_DIR/lib/common.sh"
# shellcheck source=bench/lib/postfix.sh
. "$BENCH_DIR/lib/postfix.sh"
# shellcheck source=bench/lib/simulator.sh
. "$BENCH_DIR/lib/simulator.sh"
# shellcheck source=bench/lib/relay.sh
. "$BENCH_DIR/lib/relay.sh"

# ---------------------------------------------------------------- options
RATE="${RATE:-200}"
MESSAGES="${MESSAGES:-20000}"
RUNS="${RUNS:-1}"
LATENCY="${LATENCY:-50ms}"
BURST="${BURST:-1s}"
SESSIONS="${SESSIONS:-20}"
MSG_SIZE="${MSG_SIZE:-2048}"
SLUICE_IN_FLIGHT="${SLUICE_IN_FLIGHT:-64}"
HOLD_CMD='./sluice relay --hold --http-port off --smtp-port {port} --spool-dir {dir}'
SLUICE_CMD_DEFAULT="./sluice relay --hold=false --http-port off --smtp-port {port} --spool-dir {dir} --upstream {upstream} --max-send-rate account --max-in-flight $SLUICE_IN_FLIGHT"
SLUICE_CMD="${SLUICE_CMD:-$SLUICE_CMD_DEFAULT}"
SETTLE="${SETTLE:-5}"
POLL_INTERVAL="${POLL_INTERVAL:-0.2}"
STALL_TIMEOUT="${STALL_TIMEOUT:-60}"
START_TIMEOUT="${START_TIMEOUT:-600}"
WORK_PARENT="${WORK_PARENT:-/var/tmp}"
KEEP="${KEEP:-0}"
OUT_DIR="${OUT_DIR:-$BENCH_DIR/out}"
SENDER="sender@example.com"
RCPT_SUFFIX="rcpt@example.net"
TARGET_ERROR_PCT=2
TARGET_THROTTLE_PCT=0.5
HARVEST_INTERVAL=2

case "${1:-}" in
  -h|--help) usage_from_header "${BASH_SOURCE[0]}"; exit 0 ;;
  "") ;;
  *) usage_from_header "${BASH_SOURCE[0]}" >&2; die "options are environment variables; unknown argument: $1" ;;
esac
for v in RATE MESSAGES RUNS SESSIONS MSG_SIZE SLUICE_IN_FLIGHT SETTLE STALL_TIMEOUT START_TIMEOUT; do
  is_uint "${!v}" || die "bad $v: ${!v}"
done
(( RATE >= 1 && RUNS >= 1 && SESSIONS >= 1 && MESSAGES >= 100 )) || die "RATE, RUNS, SESSIONS must be >= 1 and MESSAGES >= 100"
[[ "$POLL_INTERVAL" =~ ^[0-9]*\.?[0-9]+$ ]] || die "bad POLL_INTERVAL: $POLL_INTERVAL"
[[ "$KEEP" == 0 || "$KEEP" == 1 ]] || die "KEEP must be 0 or 1"

# ---------------------------------------------------------------- tools
pf_tools   # smtp-source
ensure_command curl curl
ensure_command jq jq
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

mkdir -p "$WORK_PARENT" "$OUT_DIR"
WORK_DIR="$(mktemp -d "$WORK_PARENT/sluice-rate.XXXXXX")"
require_disk_fs "$WORK_DIR"
mkdir -p "$WORK_DIR/logs"

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n "$SRC_PID" ]]; then
    kill -TERM -- "-$SRC_PID" 2>/dev/null || kill -TERM "$SRC_PID" 2>/dev/null || true
  fi
  relay_stop 10
  sim_stop
  if (( KEEP )); then
    echo "$BENCH_NAME: work directory kept: $WORK_DIR" >&2
  else
    rm -rf "$WORK_DIR"
    (( rc == 0 )) || echo "$BENCH_NAME: failed (exit $rc); KEEP=1 keeps the logs and samples" >&2
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cd "$REPO_DIR"
./sluice --version > /dev/null || die "./sluice could not be built"
export SLUICE_NO_BUILD=1

INBOX=$(( MESSAGES + 1000 ))
INBOX_MB=$(( (INBOX * (MSG_SIZE + 1024)) / 1048576 + 64 ))
sim_start "$WORK_DIR/logs/simulator.log" "$WORK_DIR/simulator.pem" --latency "$LATENCY" \
  --max-send-rate "$RATE/s" --burst "$BURST" --max-24h-send unlimited \
  --inbox-size "$INBOX" --inbox-bytes "${INBOX_MB}MB"
RELAY_UPSTREAM="ses-v2+http://127.0.0.1:$SIM_HTTP_PORT"

# ---------------------------------------------------------------- one run
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RAW="$WORK_DIR/runs.tsv"
: > "$RAW"

run_once() {
  local rep="$1" spool="$WORK_DIR/spool-$1" rc=0 held left
  local samples="$WORK_DIR/samples-$rep.txt" harvest="$WORK_DIR/harvest-$rep.txt"
  # 1. the backlog
  relay_start "$HOLD_CMD" "$spool" "$WORK_DIR/logs/relay-hold-$rep.log"
  log "run $rep: $MESSAGES messages into the held spool ($SESSIONS sessions)"
  source_run $(( 600 + MESSAGES / 5 )) "$WORK_DIR/logs/source-$rep.out" "$WORK_DIR/logs/source-$rep.stat" \
    -4 -s "$SESSIONS" -m "$MESSAGES" -l "$MSG_SIZE" -d -N -f "$SENDER" -t "$RCPT_SUFFIX" "127.0.0.1:$RELAY_PORT" || rc=$?
  (( rc == 0 )) || { cat "$WORK_DIR/logs/source-$rep.out" >&2; die "smtp-source failed (exit $rc)"; }
  relay_stop 30
  held=$(relay_spool_count "$spool")
  [[ "$held" == "$MESSAGES" ]] || die "the held spool has '${held}' messages, expected $MESSAGES"
  log "  backlog in the spool: $held messages"
  # 2. delivery
  sim_reset
  sim_sends_snapshot "$WORK_DIR/metrics-$rep-before.txt"
  sync -f "$WORK_DIR" 2>/dev/null || sync
  local ld; ld=$(load1)
  sim_poll_start "$samples" "$POLL_INTERVAL"
  sim_harvest_start "$harvest" "$HARVEST_INTERVAL"
  local t0; t0=$EPOCHREALTIME
  RELAY_LOG="$WORK_DIR/logs/relay-$rep.log"
  relay_start "$SLUICE_CMD" "$spool" "$RELAY_LOG"
  local q0; q0=$(group_cpu "$SIM_PG")
  local s0; s0=$(group_cpu "$RELAY_PG")
  local seen=-1 since n last
  since=$(date +%s)
  while :; do
    last=$(sim_poll_last "$samples"); n=${last#* }
    [[ -n "$last" && "$n" =~ ^[0-9]+$ ]] || n=0
    (( n >= MESSAGES )) && break
    if (( n != seen )); then
      (( seen >= 0 && n / 2000 != seen / 2000 )) && log "  delivered $n of $MESSAGES"
      seen=$n; since=$(date +%s)
    fi
    if (( $(date +%s) - since >= STALL_TIMEOUT )); then
      tail -n 20 "$RELAY_LOG" | sed 's/^/    /' >&2
      die "run $rep: no delivery for ${STALL_TIMEOUT}s at $n of $MESSAGES"
    fi
    sleep 0.5
  done
  sleep "$SETTLE"
  local s1 q1
  s1=$(group_cpu "$RELAY_PG"); q1=$(group_cpu "$SIM_PG")
  sim_poll_stop
  sim_harvest_stop
  relay_stop 60
  left=$(relay_spool_count "$spool")
  local total; total=$(sim_total)
  sim_harvest_final "$harvest" "$(( total < 10000 ? total : 10000 ))"
  sim_sends_snapshot "$WORK_DIR/metrics-$rep-after.txt"
  local mb="$WORK_DIR/metrics-$rep-before.txt" ma="$WORK_DIR/metrics-$rep-after.txt"
  local calls throttles faults
  calls=$(sim_sends_delta "$mb" "$ma" v2)
  throttles=$(sim_sends_delta "$mb" "$ma" v2 '^rate_exceeded$')
  faults=$(sim_sends_delta "$mb" "$ma" v2 '^(internal_failure|service_unavailable)$')
  # harvest: "messageId recipient" lines, overlapping between rounds
  local ids uniq_rcpts lost dups
  ids=$(awk '{ print $1 }' "$harvest" | sort -u | wc -l)
  uniq_rcpts=$(sort -u "$harvest" | awk -v m="$MESSAGES" -v sfx="$RCPT_SUFFIX" '
    { r = $2; if (substr(r, length(r) - length(sfx) + 1) != sfx) next
      k = substr(r, 1, length(r) - length(sfx)); if (k !~ /^[0-9]+$/) next
      k = k + 0; if (k < 1 || k > m) next
      if (!(k in seen)) { seen[k] = 1; u++ } }
    END { print u + 0 }')
  lost=$(( MESSAGES - uniq_rcpts ))
  dups=$(( total - uniq_rcpts ))
  local verified=1
  if (( ids != total )) || [[ -s "$harvest.gaps" ]]; then
    verified=0
    log "  WARNING: the harvest saw $ids of $total accepted messages; lost/duplicate counts are not exact"
  fi
  local w wr
  w=$(rate_window "$samples" "$MESSAGES" 0.1 0.9)
  read -r tf tlo thi tall rwin rall nsamp <<< "$w"
  wr=$(window_rates "$samples" "$tlo" "$thi")
  local row
  row=$(awk -v rep="$rep" -v n="$MESSAGES" -v rate="$RATE" -v rwin="$rwin" -v rall="$rall" -v wr="$wr" \
      -v tf="$tf" -v t0="$t0" -v tall="$tall" -v tlo="$tlo" -v thi="$thi" -v total="$total" -v calls="$calls" -v thr="$throttles" \
      -v faults="$faults" -v lost="$lost" -v dups="$dups" -v left="${left:--1}" -v verified="$verified" \
      -v scpu="$(awk -v a="$s0" -v b="$s1" 'BEGIN { print b - a }')" -v qcpu="$(awk -v a="$q0" -v b="$q1" 'BEGIN { print b - a }')" \
      -v ld="$ld" -v ns="$nsamp" '
    BEGIN {
      split(wr, m, " ")
      err = 100 * (rwin - rate) / rate; erra = 100 * (rall - rate) / rate
      tp = calls > 0 ? 100 * thr / calls : 0
      printf "%d\t%d\t%.2f\t%.3f\t%.2f\t%.3f\t%s\t%s\t%.3f\t%.3f\t%d\t%d\t%d\t%.4f\t%d\t%d\t%d\t%d\t%d\t%.3f\t%.3f\t%s\t%d\n",
        rep, n, rwin, err, rall, erra, m[1], m[2], tf - t0, tall - tf, total, calls, thr, tp, faults, lost, dups, left, verified, scpu, qcpu, ld, ns
    }')
  echo "$row" >> "$RAW"
  IFS=$'\t' read -r _ _ _ e _ ea mn mx _ dur _ _ _ tp _ _ _ _ _ _ _ _ _ <<< "$row"
  log "  run $rep: $rwin/s (10-90 %, error $e %), whole run $rall/s (error $ea %) over ${dur}s; 10 s windows $mn..$mx/s; calls $calls, throttled $throttles ($tp %), 5xx $faults; accepted $total, lost $lost, duplicates $dups, left in spool ${left:-?}"
  (( KEEP )) || rm -rf "$spool"
}

log "simulator: MaxSendRate $RATE/s, burst $BURST, latency $LATENCY; backlog $MESSAGES; $RUNS runs; work dir $WORK_DIR ($FS_TYPE); load average $(cut -d' ' -f1-3 /proc/loadavg)"
for rep in $(seq 1 "$RUNS"); do run_once "$rep"; done
sim_stop

# ---------------------------------------------------------------- report
JSON="$OUT_DIR/relay-rate-accuracy-$STAMP.json"
GIT_REV=$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)
awk -F'\t' -v json="$JSON" -v stamp="$STAMP" -v rev="$GIT_REV" -v ncores="$NCORES" -v rate="$RATE" -v burst="$BURST" \
    -v latency="$LATENCY" -v n="$MESSAGES" -v cmd="$SLUICE_CMD" -v te="$TARGET_ERROR_PCT" -v tt="$TARGET_THROTTLE_PCT" \
    -v loadavg="$(cut -d' ' -f1-3 /proc/loadavg)" -v fstype="$FS_TYPE" '
function median(list,   k, a, i, j, t) {
  k = split(list, a, " ")
  for (i = 2; i <= k; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
  if (k % 2) return a[(k + 1) / 2] + 0
  return (a[k / 2] + a[k / 2 + 1]) / 2
}
function jstr(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }
# 1 rep 2 n 3 rate_win 4 err 5 rate_all 6 err_all 7 win_min 8 win_max 9 first_after_start_s 10 duration_s
# 11 accepted 12 calls 13 throttles 14 throttle_pct 15 faults 16 lost 17 dups 18 left 19 verified 20 relay_cpu 21 sim_cpu 22 load1 23 samples
{ nr++; raw[nr] = $0; rw = rw " " $3; er = er " " $4; ra = ra " " $5; tp = tp " " $14
  lost += $16; dups += $17; if ($18 > 0) left += $18; if ($19 == 0) unverified++ }
END {
  mrw = median(rw); mer = median(er); mra = median(ra); mtp = median(tp)
  okr = (mer < 0 ? -mer : mer) <= te; okt = mtp < tt; okl = (lost == 0 && left == 0 && !unverified)
  printf "\nRelay pacing: MaxSendRate %d/s (burst %s), simulator latency %s, backlog %d, medians of %d runs\n\n", rate, burst, latency, n, nr
  fmt = "%-26s %14s %12s %s\n"
  printf fmt, "", "measured", "target", ""
  printf fmt, "rate 10-90 % (recipients/s)", sprintf("%.1f", mrw), sprintf("%d +- %d %%", rate, te), (okr ? "met" : "NOT met")
  printf fmt, "rate error", sprintf("%+.2f %%", mer), "", ""
  printf fmt, "whole-run rate", sprintf("%.1f", mra), "", ""
  printf fmt, "throttled calls", sprintf("%.3f %%", mtp), sprintf("< %.1f %%", tt), (okt ? "met" : "NOT met")
  printf fmt, "lost (all runs)", lost, "0", (okl ? "met" : "NOT met")
  printf fmt, "duplicates (all runs)", dups, "", ""
  printf fmt, "left in spool (all runs)", left + 0, "0", ""
  printf "\neach run: rate 10-90 %%, whole run, 10 s windows min..max, duration, calls, throttled, 5xx\n"
  for (i = 1; i <= nr; i++) { split(raw[i], g, "\t")
    printf "  run %d: %.1f/s  %.1f/s  %s..%s/s  %.1fs  %d calls  %d throttled  %d 5xx%s\n", g[1], g[3], g[5], g[7], g[8], g[10], g[12], g[13], g[15], (g[19] ? "" : "  (harvest incomplete)") }
  if (unverified) printf "WARNING: in %d run(s) the harvest missed accepted messages: lost/duplicates are not exact\n", unverified

  printf "{\n  \"benchmark\": \"relay-rate-accuracy\",\n  \"timestamp\": %s,\n  \"git_revision\": %s,\n  \"cores\": %d,\n", jstr(stamp), jstr(rev), ncores > json
  printf "  \"load_average_at_end\": %s,\n  \"work_fs\": %s,\n", jstr(loadavg), jstr(fstype) > json
  printf "  \"simulator\": {\"max_send_rate\": %d, \"burst\": %s, \"latency\": %s},\n  \"backlog\": %d,\n  \"relay_command\": %s,\n", rate, jstr(burst), jstr(latency), n, jstr(cmd) > json
  printf "  \"targets\": {\"rate_error_pct\": %s, \"throttle_pct\": %s, \"lost\": 0},\n", te, tt > json
  printf "  \"summary\": {\"rate_median\": %.2f, \"rate_error_pct_median\": %.3f, \"whole_run_rate_median\": %.2f, \"throttle_pct_median\": %.4f, \"lost\": %d, \"duplicates\": %d, \"left_in_spool\": %d, \"harvest_complete\": %s, \"met\": {\"rate\": %s, \"throttles\": %s, \"lost\": %s}},\n", \
    mrw, mer, mra, mtp, lost, dups, left, (unverified ? "false" : "true"), (okr ? "true" : "false"), (okt ? "true" : "false"), (okl ? "true" : "false") > json
  printf "  \"runs\": [\n" > json
  for (i = 1; i <= nr; i++) { split(raw[i], g, "\t")
    printf "    {\"run\": %d, \"messages\": %d, \"rate\": %s, \"rate_error_pct\": %s, \"whole_run_rate\": %s, \"whole_run_error_pct\": %s, \"window10s_min\": %s, \"window10s_max\": %s, \"first_delivery_after_start_s\": %s, \"duration_s\": %s, ", \
      g[1], g[2], g[3], g[4], g[5], g[6], (g[7] == "-" ? "null" : g[7]), (g[8] == "-" ? "null" : g[8]), g[9], g[10] > json
    printf "\"accepted\": %d, \"v2_calls\": %d, \"throttled\": %d, \"throttle_pct\": %s, \"server_errors\": %d, \"lost\": %d, \"duplicates\": %d, \"left_in_spool\": %s, \"harvest_complete\": %s, \"relay_cpu_s\": %s, \"simulator_cpu_s\": %s, \"load1_before\": %s, \"samples\": %d}%s\n", \
      g[11], g[12], g[13], g[14], g[15], g[16], g[17], (g[18] < 0 ? "null" : g[18]), (g[19] ? "true" : "false"), g[20], g[21], g[22], g[23], (i < nr ? "," : "") > json
  }
  printf "  ]\n}\n" > json
}' "$RAW"
echo
echo "JSON: ${JSON#"$REPO_DIR"/}"
