#!/usr/bin/env bash
# A reload under load: the relay takes RATE_IN messages/s over SMTP from a
# paced load generator and delivers to `sluice simulator` at
# relay.max-send-rate = RATE_BEFORE/s (from its --config file); RELOAD_AT
# seconds in, the file is changed to RATE_AFTER/s and `sluice reload` is run.
# Targets (issue: reload without restart): 0 refused connections and 0 refused
# messages during the reload, 0 lost, the new rate in force within 1 s,
# measured at the simulator.
# Reports; asserts nothing. See bench/README.md.
#
# Options are environment variables:
#   RATE_IN=1000        messages/s offered over SMTP (one recipient each)
#   RATE_BEFORE=400     the relay's max-send-rate before the reload (per second)
#   RATE_AFTER=150      and after it
#   DURATION=30         seconds of load
#   RELOAD_AT=15        seconds into the load when the reload is made
#   SESSIONS=20         SMTP sessions of the load generator, over
#   LOADERS=4           load generator processes (bench/lib/paced-smtp.py)
#   RUNS=1              repetitions; medians reported
#   LATENCY=20ms        the simulator's latency
#   POLL_INTERVAL=0.1   seconds between readings of the simulator's count
#   START_TIMEOUT=600, WORK_PARENT=/var/tmp, KEEP=0, OUT_DIR=bench/out
#
# ---------------------------------------------------------------- measurement
# The simulator has no rate limit, so the only shaping is the relay's. RATE_IN
# is above both rates, so a backlog builds and delivery runs at the relay's
# shaped rate throughout. A poller reads the simulator's accepted count every
# POLL_INTERVAL.
#
# Reported per run:
#   before      delivered/s over [reload - 8 s, reload - 1 s]
#   after       delivered/s over [reload + 3 s, reload + 10 s]
#   in force    counted from the moment POST /api/reload is sent (what
#               `sluice reload` sends; the tool's own JVM start is left out): the least d (0.1 s steps) such that every 1-second window
#               starting between reload + d and reload + d + 5 s delivered at
#               most 110 % of RATE_AFTER; the reload's own time (the `sluice
#               reload` call) is included
#   refused     SMTP replies other than 250 and connection errors seen by the
#               load generator, over the whole run
#   lost        recipients accepted (250) and never seen at the simulator,
#               after the file is set to unlimited, reloaded again, and the
#               backlog drained
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
BENCH_NAME=relay-reload
# shellcheck source=bench/lib/common.sh
. "$BENCH_DIR/lib/common.sh"
# shellcheck source=bench/lib/simulator.sh
. "$BENCH_DIR/lib/simulator.sh"
# shellcheck source=bench/lib/relay.sh
. "$BENCH_DIR/lib/relay.sh"

RATE_IN="${RATE_IN:-1000}"
RATE_BEFORE="${RATE_BEFORE:-400}"
RATE_AFTER="${RATE_AFTER:-150}"
DURATION="${DURATION:-30}"
RELOAD_AT="${RELOAD_AT:-15}"
SESSIONS="${SESSIONS:-20}"
LOADERS="${LOADERS:-4}"
RUNS="${RUNS:-1}"
LATENCY="${LATENCY:-20ms}"
POLL_INTERVAL="${POLL_INTERVAL:-0.1}"
START_TIMEOUT="${START_TIMEOUT:-600}"
WORK_PARENT="${WORK_PARENT:-/var/tmp}"
KEEP="${KEEP:-0}"
OUT_DIR="${OUT_DIR:-$BENCH_DIR/out}"

case "${1:-}" in
  -h|--help) usage_from_header "${BASH_SOURCE[0]}"; exit 0 ;;
  "") ;;
  *) usage_from_header "${BASH_SOURCE[0]}" >&2; die "options are environment variables; unknown argument: $1" ;;
esac
for v in RATE_IN RATE_BEFORE RATE_AFTER DURATION RELOAD_AT SESSIONS LOADERS RUNS START_TIMEOUT; do
  is_uint "${!v}" || die "bad $v: ${!v}"
done
(( RELOAD_AT >= 10 && RELOAD_AT + 12 <= DURATION )) || die "RELOAD_AT must be >= 10 and leave 12 s of load after it"
ensure_command curl curl
ensure_command jq jq
ensure_command python3 python3

mkdir -p "$WORK_PARENT" "$OUT_DIR"
WORK_DIR="$(mktemp -d "$WORK_PARENT/sluice-reload.XXXXXX")"
require_disk_fs "$WORK_DIR"
mkdir -p "$WORK_DIR/logs"
LOAD_PID=""

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  [[ -n "$LOAD_PID" ]] && pkill -P "$LOAD_PID" 2>/dev/null || true
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

TOTAL=$(( RATE_IN * DURATION ))
INBOX=$(( TOTAL + 1000 ))
sim_start "$WORK_DIR/logs/simulator.log" "$WORK_DIR/simulator.pem" --latency "$LATENCY" \
  --max-send-rate unlimited --max-24h-send unlimited \
  --inbox-size "$INBOX" --inbox-bytes "$(( INBOX * 3 / 1024 + 64 ))MB"
RELAY_UPSTREAM="ses-v2+http://127.0.0.1:$SIM_HTTP_PORT"

# slope SAMPLES T_LO T_HI: delivered/s between two times (interpolated).
slope() {
  awk -v lo="$2" -v hi="$3" '
    function at(x,   i) {
      for (i = 2; i <= n; i++) if (t[i] >= x) return c[i - 1] + (x - t[i - 1]) * (c[i] - c[i - 1]) / (t[i] - t[i - 1])
      return c[n]
    }
    NF == 2 { n++; t[n] = $1; c[n] = $2 }
    END { printf "%.1f\n", (at(hi) - at(lo)) / (hi - lo) }' "$1"
}

# in_force SAMPLES T0 LIMIT: least d (0.1 s steps, up to 10 s) after which every
# 2-second window over the next 5 s stays at or under LIMIT messages a second.
in_force() {
  awk -v t0="$2" -v lim="$3" '
    function at(x,   i) {
      for (i = 2; i <= n; i++) if (t[i] >= x) return c[i - 1] + (x - t[i - 1]) * (c[i] - c[i - 1]) / (t[i] - t[i - 1])
      return c[n]
    }
    NF == 2 { n++; t[n] = $1; c[n] = $2 }
    END {
      for (d = 0; d <= 10; d += 0.1) {
        ok = 1
        for (s = d; s <= d + 5; s += 0.1) if ((at(t0 + s + 2) - at(t0 + s)) / 2 > lim) { ok = 0; break }
        if (ok) { printf "%.1f\n", d; exit }
      }
      print "-1"
    }' "$1"
}

# at_offset T D: T + D seconds, printed in full (awk's default would round it).
at_offset() { awk -v t="$1" -v d="$2" 'BEGIN { printf "%.6f\n", t + d }'; }

set_rate() { printf 'relay.max-send-rate = %s\n' "$1" > "$CONF"; }

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RAW="$WORK_DIR/runs.tsv"
: > "$RAW"

run_once() {
  local rep="$1" spool="$WORK_DIR/spool-$1" samples="$WORK_DIR/samples-$1.txt"
  local harvest="$WORK_DIR/harvest-$1.txt" accepted="$WORK_DIR/accepted-$1.txt"
  CONF="$WORK_DIR/relay-$rep.conf"
  set_rate "$RATE_BEFORE/s"
  local admin_port; admin_port=$(free_port)
  local admin="http://127.0.0.1:$admin_port"
  sim_reset
  relay_start "./sluice relay --config $CONF --smtp-port {port} --http-port off --admin-port $admin_port --spool-dir {dir} --upstream {upstream}" \
    "$spool" "$WORK_DIR/logs/relay-$rep.log"
  sim_poll_start "$samples" "$POLL_INTERVAL"
  sim_harvest_start "$harvest" 2
  # LOADERS processes (one Python process keeps up with a few hundred a second)
  (
    for k in $(seq 1 "$LOADERS"); do
      python3 "$BENCH_DIR/lib/paced-smtp.py" --port "$RELAY_PORT" \
        --rate "$(awk -v r="$RATE_IN" -v n="$LOADERS" 'BEGIN { print r / n }')" --duration "$DURATION" \
        --sessions "$(( (SESSIONS + LOADERS - 1) / LOADERS ))" --prefix "run$rep-p$k" \
        --accepted "$accepted.$k" > "$WORK_DIR/load-$rep.$k.json" &
    done
    wait
    cat "$accepted".* > "$accepted"
    jq -s '{accepted: (map(.accepted) | add), refused: (map(.refused) | add),
            connectionErrors: (map(.connectionErrors) | add), lateSeconds: (map(.lateSeconds) | max),
            firstRefusals: (map(.firstRefusals) | add)}' "$WORK_DIR/load-$rep".*.json > "$WORK_DIR/load-$rep.json"
  ) &
  LOAD_PID=$!
  sleep "$RELOAD_AT"
  set_rate "$RATE_AFTER/s"
  local t0; t0=$EPOCHREALTIME
  # POST /api/reload, what `sluice reload` sends, so that the JVM start of the
  # command line tool is not counted against the relay
  curl -sS --fail-with-body --max-time 30 -X POST "$admin/api/reload" > "$WORK_DIR/logs/reload-$rep.out" 2>&1 \
    || { cat "$WORK_DIR/logs/reload-$rep.out" >&2; die "POST /api/reload failed"; }
  local t1; t1=$EPOCHREALTIME
  log "  reload at +${RELOAD_AT}s took $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') s: $(head -n1 "$WORK_DIR/logs/reload-$rep.out")"
  wait "$LOAD_PID"; LOAD_PID=""
  # drain the backlog at full speed: the lost count needs every message delivered
  set_rate unlimited
  ./sluice reload --admin "$admin" > /dev/null || die "sluice reload failed"
  local n acc since seen=-1
  acc=$(jq -r .accepted "$WORK_DIR/load-$rep.json")
  since=$(date +%s)
  while :; do
    n=$(sim_poll_last "$samples"); n=${n#* }
    [[ "$n" =~ ^[0-9]+$ ]] || n=0
    (( n >= acc )) && break
    if (( n != seen )); then seen=$n; since=$(date +%s); fi
    (( $(date +%s) - since < 60 )) || die "run $rep: delivery stalled at $n of $acc"
    sleep 0.5
  done
  sleep 2
  sim_poll_stop
  sim_harvest_stop
  local total; total=$(sim_total)
  sim_harvest_final "$harvest" "$(( total < 10000 ? total : 10000 ))"
  relay_stop 30
  local lost
  lost=$(comm -23 <(sort -u "$accepted") <(awk '{ print $2 }' "$harvest" | sort -u) | wc -l)
  local before after force refused conn late
  before=$(slope "$samples" "$(at_offset "$t0" -8)" "$(at_offset "$t0" -1)")
  after=$(slope "$samples" "$(at_offset "$t0" 3)" "$(at_offset "$t0" 10)")
  force=$(in_force "$samples" "$t0" "$(awk -v r="$RATE_AFTER" 'BEGIN { print r * 1.15 }')")
  refused=$(jq -r .refused "$WORK_DIR/load-$rep.json")
  conn=$(jq -r .connectionErrors "$WORK_DIR/load-$rep.json")
  late=$(jq -r .lateSeconds "$WORK_DIR/load-$rep.json")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$rep" "$before" "$after" "$force" "$acc" "$refused" "$conn" "$lost" "$late" >> "$RAW"
  log "  run $rep: before $before/s, after $after/s, in force after ${force} s; accepted $acc, refused $refused, connection errors $conn, lost $lost (load generator at most ${late}s behind schedule)"
  (( KEEP )) || rm -rf "$spool"
}

log "load $RATE_IN msg/s for ${DURATION}s, max-send-rate $RATE_BEFORE/s -> $RATE_AFTER/s at +${RELOAD_AT}s; simulator latency $LATENCY; $RUNS runs; load average $(cut -d' ' -f1-3 /proc/loadavg)"
for rep in $(seq 1 "$RUNS"); do run_once "$rep"; done
sim_stop

JSON="$OUT_DIR/relay-reload-$STAMP.json"
awk -F'\t' -v json="$JSON" -v rin="$RATE_IN" -v rb="$RATE_BEFORE" -v ra="$RATE_AFTER" -v rev="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" '
function median(list,   k, a, i, j, t) {
  k = split(list, a, " ")
  for (i = 2; i <= k; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
  return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
}
{ b = b " " $2; af = af " " $3; f = f " " $4; acc += $5; ref += $6; conn += $7; lost += $8; n++ }
END {
  printf "relay-reload (%s): %d runs, %d msg/s in, %d/s -> %d/s\n", rev, n, rin, rb, ra
  printf "  median before %.1f/s, after %.1f/s, new rate in force after %.1f s (target <= 1 s)\n", median(b), median(af), median(f)
  printf "  all runs: accepted %d, refused %d, connection errors %d, lost %d (targets 0, 0, 0)\n", acc, ref, conn, lost
  printf "{\"runs\": %d, \"rateIn\": %d, \"rateBefore\": %d, \"rateAfter\": %d, \"medianBefore\": %.1f, \"medianAfter\": %.1f, \"medianInForceSeconds\": %.1f, \"accepted\": %d, \"refused\": %d, \"connectionErrors\": %d, \"lost\": %d, \"commit\": \"%s\"}\n", n, rin, rb, ra, median(b), median(af), median(f), acc, ref, conn, lost, rev > json
}' "$RAW"
log "report: $JSON"
