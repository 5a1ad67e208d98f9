#!/usr/bin/env bash
# Capacity benchmark of `sluice simulator` on the SES v2 SendEmail call,
# side by side with the same simulator publishing SES events to an SNS
# subscriber and with aws-ses-v2-local (npm), on the same calls, in the same
# run. Reports; asserts nothing. See bench/README.md.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
LUA_SCRIPT="$BENCH_DIR/lua/ses-v2-send-email.lua"
SINK_SCRIPT="$BENCH_DIR/sns-sink.js"
# The configuration set every other request names, and the topic its SNS
# event destination publishes to on the simulator with events.
CONFIG_SET="sluice-bench"
EVENTS_TOPIC="arn:aws:sns:us-east-1:123456789012:sluice-bench-events"
EV_SERVER="simulator+events"

# ---------------------------------------------------------------- options
DURATION="10s"
REPEATS=3
WARMUP="10s"
ZERO_CONNS="100"
LAT_CONNS="1000"
LATENCY="50ms"
THREADS=2
TIMEOUT="5s"
SKIP_BASELINE=0
SKIP_SIMULATOR=0
SKIP_EVENTS=0
EVENTS_FLAGS=""
DRAIN_TIMEOUT=600
SKIP_LATENCY=0
COUNT_STATUS=0
SIMULATOR_CMD="$REPO_DIR/sluice"
START_TIMEOUT=600
OUT_DIR="$BENCH_DIR/out"
TARGET1_RPS=15000
TARGET2_PCT=90
TARGET3_PCT=90

usage() {
  cat <<EOF
Usage: bench/simulator-capacity.sh [options]

Measures how many SES v2 SendEmail calls per second (POST
/v2/email/outbound-emails, test vector TV3 with recipient
success@simulator.amazonses.com) 'sluice simulator' serves over keep-alive
HTTP on loopback, and runs aws-ses-v2-local on the same call in the same run.
Every other request names the configuration set ${CONFIG_SET}.

Scenarios
  zero-latency   simulator started with --latency 0ms, the same simulator with
                 event publishing on (${EV_SERVER}: the set has an SNS event
                 destination for SEND and DELIVERY, whose topic has a confirmed
                 subscription to bench/sns-sink.js, so 50% of the sends publish
                 a Send and a Delivery event), and aws-ses-v2-local, at each
                 count of --connections. Target 1: >= ${TARGET1_RPS}/s.
                 Target 3: ${EV_SERVER} >= ${TARGET3_PCT}% of the simulator.
  latency        simulator started with --latency <--latency> at each count of
                 --latency-connections. Target 2: >= ${TARGET2_PCT}% of the bound
                 min(connections / latency, zero-latency capacity).
                 aws-ses-v2-local cannot inject latency, so it is not run here.

Options
  -d, --duration D           wrk run length per repeat (default ${DURATION})
  -r, --repeats N            repeats per cell; the median is reported (default ${REPEATS})
  -w, --warmup D             untimed wrk run before each server's series, 0 = none (default ${WARMUP})
  -c, --connections LIST     zero-latency connection counts, comma separated (default ${ZERO_CONNS})
  -C, --latency-connections LIST
                             connection counts for the latency scenario (default ${LAT_CONNS})
  -l, --latency D            injected latency for the latency scenario (default ${LATENCY})
  -t, --threads N            wrk threads (default ${THREADS}: the machine has 2 cores)
      --timeout D            wrk per-request timeout (default ${TIMEOUT})
      --skip-baseline        do not run aws-ses-v2-local
      --skip-simulator       do not run the simulator (baseline only; implies --skip-events)
      --skip-events          do not run the simulator with event publishing on
      --events-flags FLAGS   more flags for ${EV_SERVER} only, e.g. "--sns-max-rate 500/s"
                             (default none: the same configuration as the simulator)
      --drain-timeout SECS   after each run of ${EV_SERVER}, wait at most this long
                             for its queued events to be delivered or dropped before
                             the next run starts (default ${DRAIN_TIMEOUT})
      --skip-latency         do not run the latency scenario
      --count-status         also count responses that are not exactly 200
                             (wrk response() callback; slows the client down)
      --simulator-cmd PATH   launcher to run as 'PATH simulator ...' (default ./sluice)
      --start-timeout SECS   wait this long for a server to print its URL; the
                             launcher builds the jar on first use (default ${START_TIMEOUT})
      --out-dir DIR          where the JSON result goes (default bench/out)
  -h, --help                 this text

Durations accept wrk's units: 500ms, 10s, 2m.
Output: a table on stdout and bench/out/simulator-capacity-<timestamp>.json.
Installs wrk (apt-get) and aws-ses-v2-local (npm ci in bench/) when missing;
the SNS sink needs node.
EOF
}

die() { echo "simulator-capacity: $*" >&2; exit 2; }
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    -d|--duration) DURATION="${2:?}"; shift 2 ;;
    -r|--repeats) REPEATS="${2:?}"; shift 2 ;;
    -w|--warmup) WARMUP="${2:?}"; shift 2 ;;
    -c|--connections) ZERO_CONNS="${2:?}"; shift 2 ;;
    -C|--latency-connections) LAT_CONNS="${2:?}"; shift 2 ;;
    -l|--latency) LATENCY="${2:?}"; shift 2 ;;
    -t|--threads) THREADS="${2:?}"; shift 2 ;;
    --timeout) TIMEOUT="${2:?}"; shift 2 ;;
    --skip-baseline) SKIP_BASELINE=1; shift ;;
    --skip-simulator) SKIP_SIMULATOR=1; shift ;;
    --skip-events) SKIP_EVENTS=1; shift ;;
    --drain-timeout) DRAIN_TIMEOUT="${2:?}"; shift 2 ;;
    --events-flags) EVENTS_FLAGS="${2?}"; shift 2 ;;
    --skip-latency) SKIP_LATENCY=1; shift ;;
    --count-status) COUNT_STATUS=1; shift ;;
    --simulator-cmd) SIMULATOR_CMD="${2:?}"; shift 2 ;;
    --start-timeout) START_TIMEOUT="${2:?}"; shift 2 ;;
    --out-dir) OUT_DIR="${2:?}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done

# Duration string -> milliseconds (integer).
to_ms() {
  local v="$1"
  case "$v" in
    *ms) echo "${v%ms}" ;;
    *s) echo $(( ${v%s} * 1000 )) ;;
    *m) echo $(( ${v%m} * 60000 )) ;;
    *h) echo $(( ${v%h} * 3600000 )) ;;
    *) echo $(( v * 1000 )) ;;
  esac
}
is_uint() { [[ "$1" =~ ^[0-9]+$ ]]; }
for d in "$DURATION" "$WARMUP" "$LATENCY" "$TIMEOUT"; do
  [[ "$d" =~ ^[0-9]+(ms|s|m|h)?$ ]] || die "bad duration: $d"
done
is_uint "$REPEATS" && (( REPEATS >= 1 )) || die "bad --repeats: $REPEATS"
is_uint "$THREADS" && (( THREADS >= 1 )) || die "bad --threads: $THREADS"
is_uint "$START_TIMEOUT" || die "bad --start-timeout: $START_TIMEOUT"
is_uint "$DRAIN_TIMEOUT" || die "bad --drain-timeout: $DRAIN_TIMEOUT"
(( SKIP_SIMULATOR )) && SKIP_EVENTS=1
IFS=',' read -ra ZERO_CONN_LIST <<< "$ZERO_CONNS"
IFS=',' read -ra LAT_CONN_LIST <<< "$LAT_CONNS"
for c in "${ZERO_CONN_LIST[@]}" "${LAT_CONN_LIST[@]}"; do
  is_uint "$c" && (( c >= THREADS )) || die "bad connection count: $c (must be >= threads)"
done
DURATION_MS=$(to_ms "$DURATION")
WARMUP_MS=$(to_ms "$WARMUP")
LATENCY_MS=$(to_ms "$LATENCY")
TIMEOUT_MS=$(to_ms "$TIMEOUT")
(( DURATION_MS >= 1000 )) || die "--duration must be at least 1s"
(( LATENCY_MS >= 1 )) || die "--latency must be at least 1ms"
(( SKIP_SIMULATOR && SKIP_BASELINE )) && die "nothing to run (--skip-simulator and --skip-baseline)"
NCORES=$(nproc)
CLK_TCK=$(getconf CLK_TCK)

# ---------------------------------------------------------------- processes
# Every server runs in its own session/process group (setsid), so the whole
# tree can be stopped, and its CPU summed, by group id.
PGIDS=()
WRK_PID=""
KEEPALIVE=""
WORK_DIR="$(mktemp -d -t sluice-bench.XXXXXX)"

stop_group() {
  local pg="$1" i
  kill -0 -- "-$pg" 2>/dev/null || return 0
  kill -TERM -- "-$pg" 2>/dev/null || true
  for i in $(seq 1 50); do
    kill -0 -- "-$pg" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL -- "-$pg" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  local pg
  for pg in "${PGIDS[@]:-}"; do
    [[ -n "$pg" ]] && stop_group "$pg"
  done
  # timeout(1) leads its own process group (wrapper shell + wrk): stop it whole.
  if [[ -n "${WRK_PID:-}" ]]; then
    kill -TERM -- "-$WRK_PID" 2>/dev/null || kill -TERM "$WRK_PID" 2>/dev/null || true
    sleep 0.5
    kill -KILL -- "-$WRK_PID" 2>/dev/null || true
  fi
  if (( rc != 0 )) && [[ -d "$WORK_DIR" ]]; then
    echo "simulator-capacity: failed (exit $rc); logs kept in $WORK_DIR" >&2
  else
    rm -rf "$WORK_DIR"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Sum utime+stime (seconds) of every live process in process group $1.
group_cpu() {
  local pg="$1" f line rest total=0
  local -a a
  for f in /proc/[0-9]*/stat; do
    { read -r line < "$f"; } 2>/dev/null || continue
    rest="${line##*) }"
    read -ra a <<< "$rest"
    # a[0]=state a[1]=ppid a[2]=pgrp ... a[11]=utime a[12]=stime
    if [[ "${a[2]:-}" == "$pg" ]]; then
      total=$(( total + a[11] + a[12] ))
    fi
  done
  awk -v t="$total" -v hz="$CLK_TCK" 'BEGIN { printf "%.3f", t / hz }'
}

now() { date +%s.%N; }

# Machine-wide CPU ticks from /proc/stat: "busy total" (busy = user + nice +
# system + irq + softirq + steal). Shows how much else ran on the machine.
machine_ticks() {
  local _cpu user nice system idle iowait irq softirq steal _rest
  read -r _cpu user nice system idle iowait irq softirq steal _rest < /proc/stat
  echo "$(( user + nice + system + irq + softirq + steal )) $(( user + nice + system + idle + iowait + irq + softirq + steal ))"
}

# start_server NAME LOGFILE CMD... : starts CMD in a new session, waits for the
# first http://127.0.0.1:PORT (or http://localhost:PORT) it prints, and sets
# SERVER_PG and SERVER_URL.
start_server() {
  local name="$1" logf="$2"; shift 2
  log "starting $name: $*"
  setsid "$@" > "$logf" 2>&1 < /dev/null &
  SERVER_PG=$!
  PGIDS+=("$SERVER_PG")
  local started; started=$(date +%s)
  local deadline=$(( started + START_TIMEOUT )) port="" next_note=$(( started + 30 ))
  while :; do
    port=$(grep -m1 -oE 'http://(127\.0\.0\.1|localhost):[0-9]+' "$logf" 2>/dev/null | head -n1 | sed -E 's/.*:([0-9]+)$/\1/' || true)
    [[ -n "$port" ]] && break
    if ! kill -0 "$SERVER_PG" 2>/dev/null; then
      echo "---- $name output ----" >&2; tail -n 40 "$logf" >&2
      die "$name exited before printing its URL"
    fi
    if (( $(date +%s) >= deadline )); then
      echo "---- $name output ----" >&2; tail -n 40 "$logf" >&2
      die "$name printed no http://127.0.0.1:PORT within ${START_TIMEOUT}s"
    fi
    if (( $(date +%s) >= next_note )); then
      log "  still waiting for $name to print its URL ($(( $(date +%s) - started ))s; the launcher may be building)"
      next_note=$(( next_note + 30 ))
    fi
    sleep 0.2
  done
  SERVER_URL="http://127.0.0.1:$port"
  # Wait until the v2 endpoint answers with an HTTP status, then show one answer.
  local code="000" tries=0
  while (( tries < 100 )); do
    code=$(probe "$SERVER_URL" "$WORK_DIR/probe-$name.body") || true
    [[ "$code" != "000" ]] && break
    tries=$(( tries + 1 )); sleep 0.2
  done
  [[ "$code" != "000" ]] || die "$name at $SERVER_URL did not answer within 20s"
  log "$name at $SERVER_URL answered the probe: HTTP $code $(head -c 200 "$WORK_DIR/probe-$name.body")"
  [[ "$code" == "200" ]] || log "WARNING: $name did not answer 200 to the TV3 request; wrk counts non-2xx below"
  local ka; ka=$(keepalive "$SERVER_URL")
  [[ ",$KEEPALIVE," == *",$name="* ]] || KEEPALIVE+="${KEEPALIVE:+,}$name=$ka"
  [[ "$ka" == "yes" ]] || log "WARNING: $name closed the connection after a response: the runs below are not keep-alive"
}

# SigV4-shaped X-Amz-Date and Authorization headers with a placeholder
# signature (the servers check the form, not the signature).
auth_args() {
  local amz_date
  amz_date=$(date -u +%Y%m%dT%H%M%SZ)
  AUTH_ARGS=(-H "X-Amz-Date: $amz_date"
    -H "Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/${amz_date:0:8}/us-east-1/ses/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=14d5b9a9709eca9d4a54abe9de707ca5277f06020a9003c983dcbf120ab5f605")
}

# curl arguments for one TV3-style request (the same request the Lua script sends).
tv3_curl_args() {
  auth_args
  TV3_ARGS=(-X POST
    -H 'Content-Type: application/json'
    "${AUTH_ARGS[@]}"
    --data-binary '{"FromEmailAddress":"sender@example.com","Destination":{"ToAddresses":["success@simulator.amazonses.com"]},"Content":{"Simple":{"Subject":{"Data":"Hello","Charset":"UTF-8"},"Body":{"Text":{"Data":"Hi there","Charset":"UTF-8"}}}},"EmailTags":[{"Name":"campaign","Value":"jan-2024"}],"ConfigurationSetName":"my-config-set"}')
}

# One TV3-style request; prints the status code (000 = no answer).
probe() {
  local url="$1" body_out="$2"
  tv3_curl_args
  curl -s -o "$body_out" -w '%{http_code}' --max-time 5 "${TV3_ARGS[@]}" "$url/v2/email/outbound-emails" \
    || echo "000"
}

# Two requests in one curl run: does the server keep the connection open?
keepalive() {
  local url="$1"
  tv3_curl_args
  if curl -sv --max-time 10 -o /dev/null -o /dev/null "${TV3_ARGS[@]}" \
      "$url/v2/email/outbound-emails" "$url/v2/email/outbound-emails" 2>&1 \
      | grep -qiE 're-?using existing'; then
    echo yes
  else
    echo no
  fi
}

# v2_post URL PATH JSON: one call of the simulator's v2 API; stops the run
# unless it answers 200.
v2_post() {
  local url="$1" path="$2" body="$3" code
  auth_args
  code=$(curl -s -o "$WORK_DIR/v2-post.body" -w '%{http_code}' --max-time 10 -X POST \
    -H 'Content-Type: application/json' "${AUTH_ARGS[@]}" --data-binary "$body" "$url$path") || code=000
  [[ "$code" == "200" ]] || die "POST $path at $url answered HTTP $code: $(head -c 300 "$WORK_DIR/v2-post.body" 2>/dev/null)"
}

# ---------------------------------------------------------------- SNS sink
# bench/sns-sink.js: answers every POST 200 and counts what it got. It runs in
# its own process group so that its CPU is measured like the servers'.
SINK_PG=""
SINK_URL=""
start_sink() {
  local logf="$WORK_DIR/sns-sink.log" i
  log "starting the SNS sink: node $SINK_SCRIPT"
  setsid node "$SINK_SCRIPT" > "$logf" 2>&1 < /dev/null &
  SINK_PG=$!
  PGIDS+=("$SINK_PG")
  for i in $(seq 1 100); do
    SINK_URL=$(grep -m1 -oE 'http://127\.0\.0\.1:[0-9]+' "$logf" || true)
    [[ -n "$SINK_URL" ]] && { log "SNS sink at $SINK_URL"; return 0; }
    kill -0 "$SINK_PG" 2>/dev/null || { cat "$logf" >&2; die "the SNS sink exited"; }
    sleep 0.1
  done
  die "the SNS sink printed no URL within 10s"
}

# SNS Notifications the sink has received.
sink_notifications() {
  local n
  n=$(curl -s --max-time 5 "$SINK_URL/_counts" | sed -nE 's/.*"Notification":([0-9]+).*/\1/p')
  echo "${n:-0}"
}

# ev_snapshot URL: the event counts of the simulator at URL (from /metrics,
# summed over tags) and of the sink, on one line:
#   feedback_queued feedback_dropped events_published sns_published
#   sns_delivered sns_dropped sns_failed sns_waiting feedback_waiting sink_notifications
ev_snapshot() {
  local sink; sink=$(sink_notifications)
  curl -s --max-time 10 "$1/metrics" | awk -v sink="$sink" '
    /^simulator_feedback_total\{.*outcome="queued"/ { fq += $NF }
    /^simulator_feedback_total\{.*outcome="(dropped|no-room)"/ { fd += $NF }
    /^simulator_events_published_total/ { ep += $NF }
    /^simulator_sns_published_total/ { sp += $NF }
    /^simulator_sns_delivered_total/ { sd += $NF }
    /^simulator_sns_dropped_total/ { sx += $NF }
    /^simulator_sns_failed_total/ { sf += $NF }
    /^simulator_sns_waiting/ { sw += $NF }
    /^simulator_feedback_waiting/ { fw += $NF }
    END { printf "%d %d %d %d %d %d %d %d %d %d\n", fq, fd, ep, sp, sd, sx, sf, sw, fw, sink }'
}

# ev_drain URL: waits (at most --drain-timeout) until the simulator at URL has
# no feedback and no SNS message waiting, so that what it still had to
# deliver after a run does not take CPU from the next server's run. Sets
# DRAIN_S to the seconds waited and DRAIN_SNAP to the snapshot at the end.
ev_drain() {
  local url="$1" t0 snap
  local -a v
  t0=$(now)
  while :; do
    snap=$(ev_snapshot "$url")
    read -ra v <<< "$snap"
    (( v[7] == 0 && v[8] == 0 )) && break
    if awk -v a="$t0" -v b="$(now)" -v lim="$DRAIN_TIMEOUT" 'BEGIN { exit !(b - a >= lim) }'; then
      log "  WARNING: $EV_SERVER still has ${v[8]} feedback and ${v[7]} SNS messages waiting after ${DRAIN_TIMEOUT}s; going on"
      break
    fi
    sleep 0.5
  done
  DRAIN_S=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
  DRAIN_SNAP="$snap"
}

# ---------------------------------------------------------------- setup
ensure_wrk() {
  command -v wrk >/dev/null 2>&1 && return 0
  log "wrk not found; installing the Debian package"
  [[ $(id -u) -eq 0 ]] || die "wrk is missing and we are not root: apt-get install wrk"
  timeout 600 apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq wrk >&2
  command -v wrk >/dev/null 2>&1 || die "wrk install failed"
}

BASELINE_CLI="$BENCH_DIR/node_modules/aws-ses-v2-local/dist/cli.js"
ensure_baseline() {
  command -v node >/dev/null 2>&1 || die "node is required for aws-ses-v2-local"
  local want have=""
  want=$(sed -nE 's/.*"aws-ses-v2-local": *"([^"]+)".*/\1/p' "$BENCH_DIR/package.json" | head -n1)
  if [[ -f "$BENCH_DIR/node_modules/aws-ses-v2-local/package.json" ]]; then
    have=$(sed -nE 's/^ *"version": *"([^"]+)".*/\1/p' "$BENCH_DIR/node_modules/aws-ses-v2-local/package.json" | head -n1)
  fi
  if [[ "$have" != "$want" || ! -f "$BASELINE_CLI" ]]; then
    log "installing aws-ses-v2-local $want into bench/node_modules (npm ci)"
    ( cd "$BENCH_DIR" && { timeout 600 npm ci --no-audit --no-fund >&2 || timeout 600 npm install --no-audit --no-fund >&2; } )
  fi
  [[ -f "$BASELINE_CLI" ]] || die "aws-ses-v2-local did not install"
  BASELINE_VERSION=$(sed -nE 's/^ *"version": *"([^"]+)".*/\1/p' "$BENCH_DIR/node_modules/aws-ses-v2-local/package.json" | head -n1)
}

ensure_fds() {
  local need=1024 c
  for c in "${ZERO_CONN_LIST[@]}" "${LAT_CONN_LIST[@]}"; do
    (( c + 1024 > need )) && need=$(( c + 1024 ))
  done
  ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  local have; have=$(ulimit -n)
  [[ "$have" == "unlimited" ]] && return 0
  (( have >= need )) || die "open-file limit $have is below $need (connections + 1024); raise 'ulimit -n'"
}

ensure_wrk
BASELINE_VERSION=""
(( SKIP_BASELINE )) || ensure_baseline
ensure_fds
if (( ! SKIP_SIMULATOR )); then
  read -ra SIM_CMD <<< "$SIMULATOR_CMD"
  [[ -x "${SIM_CMD[0]}" ]] || command -v "${SIM_CMD[0]}" >/dev/null 2>&1 \
    || die "simulator launcher not found: ${SIM_CMD[0]} (use --skip-simulator to run the baseline alone)"
fi
mkdir -p "$OUT_DIR"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RAW="$WORK_DIR/runs.tsv"
: > "$RAW"

# ---------------------------------------------------------------- one wrk run
# run_wrk SCENARIO SERVER SERVER_PG URL CONNS LATENCY_MS REP DURATION
# With REP = warmup the run is made but not recorded.
run_wrk() {
  local scenario="$1" server="$2" pg="$3" url="$4" conns="$5" lat="$6" rep="$7" dur="$8"
  local out="$WORK_DIR/wrk-$server-$scenario-$conns-$rep.out" statf="$WORK_DIR/wrk-$server-$scenario-$conns-$rep.stat"
  local load1 s0 s1 m0 m1 t0 t1 rc=0 limit
  limit=$(( $(to_ms "$dur") / 1000 + TIMEOUT_MS / 1000 + 60 ))
  load1=$(cut -d' ' -f1 /proc/loadavg)
  local k0=0 k1=0 e0="" e1=""
  [[ "$server" == "$EV_SERVER" ]] && e0=$(ev_snapshot "$url")
  [[ -n "$SINK_PG" ]] && k0=$(group_cpu "$SINK_PG")
  s0=$(group_cpu "$pg")
  m0=$(machine_ticks)
  t0=$(now)
  # The wrapper shell reads its own cutime/cstime once it has waited for wrk:
  # that is the CPU time wrk used.
  OUT="$out" STATF="$statf" BENCH_COUNT_STATUS="$COUNT_STATUS" BENCH_CONFIG_SET="$CONFIG_SET" BENCH_CONFIG_SET_EVERY=2 \
    timeout --kill-after=5 "$limit" \
    bash -c 'wrk "$@" > "$OUT" 2>&1; rc=$?; cat /proc/$$/stat > "$STATF"; exit $rc' _ \
    -t"$THREADS" -c"$conns" -d"$dur" --timeout "$TIMEOUT" -s "$LUA_SCRIPT" "$url" &
  # Waiting on a background job lets INT/TERM stop the run at once.
  WRK_PID=$!
  wait "$WRK_PID" || rc=$?
  WRK_PID=""
  t1=$(now)
  m1=$(machine_ticks)
  s1=$(group_cpu "$pg")
  [[ -n "$SINK_PG" ]] && k1=$(group_cpu "$SINK_PG")
  [[ "$server" == "$EV_SERVER" ]] && e1=$(ev_snapshot "$url")
  if (( rc != 0 )) || ! grep -q '^BENCH_RESULT ' "$out"; then
    echo "---- wrk output ----" >&2; cat "$out" >&2 || true
    die "wrk failed (exit $rc) against $server at $url with $conns connections"
  fi
  # Events queued during the run are delivered or dropped before anything else runs.
  DRAIN_S=-1; DRAIN_SNAP=""
  [[ "$server" == "$EV_SERVER" ]] && ev_drain "$url"
  if [[ "$rep" == "warmup" ]]; then
    log "  warm-up $server c=$conns: $(grep -oE 'rps=[0-9.]+' "$out")"
    [[ "$server" == "$EV_SERVER" ]] && log "  events after the warm-up (drained in ${DRAIN_S}s): $(ev_line "$e0" "$DRAIN_SNAP")"
    return 0
  fi
  local client_cpu wall server_cpu res machine_pct sink_cpu ev="-1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1"
  sink_cpu=$(awk -v a="$k0" -v b="$k1" 'BEGIN { printf "%.3f", b - a }')
  if [[ "$server" == "$EV_SERVER" ]]; then
    # During the run (e0 -> e1) and by the end of the drain (e0 -> DRAIN_SNAP):
    # events published, SNS published/delivered/dropped/failed, feedback dropped,
    # sink received; then delivered/dropped/failed/sink received by the end of
    # the drain, and the drain's seconds.
    ev=$(awk -v a="$e0" -v b="$e1" -v c="$DRAIN_SNAP" -v d="$DRAIN_S" 'BEGIN {
      split(a, x, " "); split(b, y, " "); split(c, z, " ")
      printf "%d %d %d %d %d %d %d %d %d %d %d %s\n", y[3] - x[3], y[4] - x[4], y[5] - x[5], y[6] - x[6],
        y[7] - x[7], y[2] - x[2], y[10] - x[10], z[5] - x[5], z[6] - x[6], z[7] - x[7], z[10] - x[10], d }')
    log "  events: $(ev_line "$e0" "$e1") during the run; $(ev_line "$e0" "$DRAIN_SNAP") by the end of the drain (${DRAIN_S}s)"
  fi
  client_cpu=$(awk -v hz="$CLK_TCK" '{ s = $0; sub(/.*\) /, "", s); split(s, a, " "); printf "%.3f", (a[14] + a[15]) / hz }' "$statf")
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
  server_cpu=$(awk -v a="$s0" -v b="$s1" 'BEGIN { printf "%.3f", b - a }')
  machine_pct=$(awk -v a="$m0" -v b="$m1" 'BEGIN { split(a, x, " "); split(b, y, " ");
    d = y[2] - x[2]; printf "%.1f", (d > 0 ? 100 * (y[1] - x[1]) / d : 0) }')
  res=$(grep -m1 '^BENCH_RESULT ' "$out")
  # key=value -> TSV row in the column order the report expects.
  awk -v sc="$scenario" -v sv="$server" -v c="$conns" -v l="$lat" -v r="$rep" \
      -v scpu="$server_cpu" -v ccpu="$client_cpu" -v w="$wall" -v ld="$load1" -v mp="$machine_pct" \
      -v kcpu="$sink_cpu" -v ev="$ev" '
    { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      err = v["connect"] + v["read"] + v["write"] + v["timeout"]
      printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s",
        sc, sv, c, l, r, v["rps"], v["p50_us"], v["p99_us"], v["non2xx"], v["non200"], err,
        v["connect"], v["read"], v["write"], v["timeout"], v["requests"], scpu, ccpu, w, ld, mp, kcpu
      n = split(ev, e, " "); for (i = 1; i <= n; i++) printf "\t%s", e[i]
      printf "\n" }' \
    <<< "$res" >> "$RAW"
  log "  run $rep $server c=$conns latency=${lat}ms: $(sed -E 's/^BENCH_RESULT //' <<< "$res") server_cpu=${server_cpu}s sink_cpu=${sink_cpu}s client_cpu=${client_cpu}s wall=${wall}s machine_busy=${machine_pct}% load1=$load1"
}

# ev_line A B: the event counts from snapshot A to B, for the log.
ev_line() {
  awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, " "); split(b, y, " ")
    printf "published %d, SNS delivered %d, dropped %d, failed %d, feedback dropped %d, sink got %d; waiting %d",
      y[3] - x[3], y[5] - x[5], y[6] - x[6], y[7] - x[7], y[2] - x[2], y[10] - x[10], y[8] + y[9] }'
}

clear_store() {
  # aws-ses-v2-local keeps every message in memory; empty it between runs so
  # its heap does not grow across the series.
  [[ "$1" == "aws-ses-v2-local" ]] || return 0
  curl -s -o /dev/null --max-time 10 -X POST "$2/clear-store" || true
}

# start_simulator LATENCY [NAME [FLAGS...]]: the simulator, with the
# configuration set the Lua script names every other request.
start_simulator() {
  local latency="$1" name="${2:-simulator}"
  shift; (( $# )) && shift
  start_server "$name" "$WORK_DIR/$name-$latency.log" "${SIM_CMD[@]}" simulator \
    --http-port 0 --https-port 0 --smtp-port 0 \
    --max-send-rate unlimited --max-24h-send unlimited --latency "$latency" "$@"
  v2_post "$SERVER_URL" /v2/email/configuration-sets "{\"ConfigurationSetName\":\"$CONFIG_SET\"}"
}

# The same simulator with event publishing on: a subscription of the sink to
# EVENTS_TOPIC (confirmed at once), and an SNS event destination of the
# configuration set for SEND, DELIVERY, BOUNCE and COMPLAINT.
start_simulator_events() {
  local -a extra=()
  [[ -n "$EVENTS_FLAGS" ]] && read -ra extra <<< "$EVENTS_FLAGS"
  start_simulator 0ms "$EV_SERVER" --sns-subscription "$EVENTS_TOPIC=$SINK_URL/sns" --sns-auto-confirm "${extra[@]}"
  v2_post "$SERVER_URL" "/v2/email/configuration-sets/$CONFIG_SET/event-destinations" \
    "{\"EventDestinationName\":\"bench-sns\",\"EventDestination\":{\"Enabled\":true,\"MatchingEventTypes\":[\"SEND\",\"DELIVERY\",\"BOUNCE\",\"COMPLAINT\"],\"SnsDestination\":{\"TopicArn\":\"$EVENTS_TOPIC\"}}}"
  local subs; subs=$(curl -s --max-time 10 "$SERVER_URL/_sluice/sns/subscriptions")
  grep -q '"state":"confirmed"' <<< "$subs" || die "the sink's SNS subscription is not confirmed: $subs"
  # One send that names the set: its events must reach the sink before anything is measured.
  auth_args
  curl -s -o /dev/null --max-time 10 -X POST -H 'Content-Type: application/json' "${AUTH_ARGS[@]}" \
    --data-binary "{\"FromEmailAddress\":\"sender@example.com\",\"Destination\":{\"ToAddresses\":[\"success@simulator.amazonses.com\"]},\"Content\":{\"Simple\":{\"Subject\":{\"Data\":\"Hello\"},\"Body\":{\"Text\":{\"Data\":\"Hi\"}}}},\"ConfigurationSetName\":\"$CONFIG_SET\"}" \
    "$SERVER_URL/v2/email/outbound-emails"
  local i got=0
  for i in $(seq 1 100); do
    got=$(sink_notifications)
    (( got >= 2 )) && break
    sleep 0.1
  done
  (( got >= 2 )) || die "the sink got $got of the 2 events (Send, Delivery) of one send within 10s: $(curl -s "$SINK_URL/_counts")"
  log "$EV_SERVER publishes to $EVENTS_TOPIC; the sink got the Send and Delivery events of a test send"
}

# ---------------------------------------------------------------- scenarios
cd "$REPO_DIR"
n_zero_servers=$(( (1 - SKIP_SIMULATOR) + (1 - SKIP_EVENTS) + (1 - SKIP_BASELINE) ))
n_lat=0; (( SKIP_SIMULATOR || SKIP_LATENCY )) || n_lat=${#LAT_CONN_LIST[@]}
est=$(( ( n_zero_servers * (WARMUP_MS + REPEATS * DURATION_MS * ${#ZERO_CONN_LIST[@]}) \
        + (n_lat > 0 ? WARMUP_MS + REPEATS * DURATION_MS * n_lat : 0) ) / 1000 ))
log "wrk $THREADS threads, ${DURATION} x $REPEATS repeats, warm-up ${WARMUP}; about ${est}s of load plus start-up; load average $(cut -d' ' -f1-3 /proc/loadavg)"

SERVERS=(); URLS=(); PGS=()
if (( ! SKIP_SIMULATOR )); then
  start_simulator 0ms
  SERVERS+=("simulator"); URLS+=("$SERVER_URL"); PGS+=("$SERVER_PG")
fi
if (( ! SKIP_EVENTS )); then
  command -v node >/dev/null 2>&1 || die "node is required for the SNS sink (or use --skip-events)"
  start_sink
  start_simulator_events
  SERVERS+=("$EV_SERVER"); URLS+=("$SERVER_URL"); PGS+=("$SERVER_PG")
fi
if (( ! SKIP_BASELINE )); then
  start_server "aws-ses-v2-local" "$WORK_DIR/aws-ses-v2-local.log" node "$BASELINE_CLI" --host 127.0.0.1 --port 0
  SERVERS+=("aws-ses-v2-local"); URLS+=("$SERVER_URL"); PGS+=("$SERVER_PG")
fi

max_zero=0; for c in "${ZERO_CONN_LIST[@]}"; do (( c > max_zero )) && max_zero=$c; done
if (( WARMUP_MS > 0 )); then
  for i in "${!SERVERS[@]}"; do
    run_wrk zero-latency "${SERVERS[$i]}" "${PGS[$i]}" "${URLS[$i]}" "$max_zero" 0 warmup "$WARMUP"
    clear_store "${SERVERS[$i]}" "${URLS[$i]}"
  done
fi
# Servers alternate inside each repeat, so slow phases of a shared machine hit both.
for rep in $(seq 1 "$REPEATS"); do
  for c in "${ZERO_CONN_LIST[@]}"; do
    for i in "${!SERVERS[@]}"; do
      run_wrk zero-latency "${SERVERS[$i]}" "${PGS[$i]}" "${URLS[$i]}" "$c" 0 "$rep" "$DURATION"
      clear_store "${SERVERS[$i]}" "${URLS[$i]}"
    done
  done
done
for pg in "${PGS[@]}"; do stop_group "$pg"; done
if [[ -n "$SINK_PG" ]]; then stop_group "$SINK_PG"; SINK_PG=""; fi

if (( n_lat > 0 )); then
  start_simulator "$LATENCY"
  max_lat=0; for c in "${LAT_CONN_LIST[@]}"; do (( c > max_lat )) && max_lat=$c; done
  (( WARMUP_MS > 0 )) && run_wrk latency simulator "$SERVER_PG" "$SERVER_URL" "$max_lat" "$LATENCY_MS" warmup "$WARMUP"
  for rep in $(seq 1 "$REPEATS"); do
    for c in "${LAT_CONN_LIST[@]}"; do
      run_wrk latency simulator "$SERVER_PG" "$SERVER_URL" "$c" "$LATENCY_MS" "$rep" "$DURATION"
    done
  done
  stop_group "$SERVER_PG"
fi

# ---------------------------------------------------------------- report
JSON="$OUT_DIR/simulator-capacity-$STAMP.json"
GIT_REV=$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)
WRK_VERSION=$(wrk --version 2>&1 | head -n1 | awk '{ print $2 }' || true)
CMDLINE="bench/simulator-capacity.sh --duration $DURATION --repeats $REPEATS --warmup $WARMUP --connections $ZERO_CONNS --latency-connections $LAT_CONNS --latency $LATENCY --threads $THREADS --timeout $TIMEOUT"
(( SKIP_BASELINE )) && CMDLINE+=" --skip-baseline"
(( SKIP_SIMULATOR )) && CMDLINE+=" --skip-simulator"
(( SKIP_EVENTS && ! SKIP_SIMULATOR )) && CMDLINE+=" --skip-events"
(( SKIP_EVENTS )) || CMDLINE+=" --drain-timeout $DRAIN_TIMEOUT"
[[ -n "$EVENTS_FLAGS" ]] && CMDLINE+=" --events-flags '$EVENTS_FLAGS'"
(( SKIP_LATENCY )) && CMDLINE+=" --skip-latency"
(( COUNT_STATUS )) && CMDLINE+=" --count-status"

awk -F'\t' -v ncores="$NCORES" -v t1="$TARGET1_RPS" -v t2="$TARGET2_PCT" -v t3="$TARGET3_PCT" -v json="$JSON" \
    -v evs="$EV_SERVER" -v topic="$EVENTS_TOPIC" -v cset="$CONFIG_SET" \
    -v stamp="$STAMP" -v rev="$GIT_REV" -v wrkv="$WRK_VERSION" -v basev="$BASELINE_VERSION" \
    -v cmd="$CMDLINE" -v threads="$THREADS" -v dur="$DURATION" -v reps="$REPEATS" \
    -v countst="$COUNT_STATUS" -v keepalive="$KEEPALIVE" -v loadavg="$(cut -d' ' -f1-3 /proc/loadavg)" '
function median(list,   n, a, i, j, t) {
  n = split(list, a, " ")
  for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
  if (n % 2) return a[(n + 1) / 2] + 0
  return (a[n / 2] + a[n / 2 + 1]) / 2
}
function jstr(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }
function pct(cpu, wall) { return wall > 0 ? 100 * cpu / wall / ncores : 0 }
function ms(us) { return sprintf("%.2f", us / 1000) }
{
  key = $1 SUBSEP $2 SUBSEP $3 SUBSEP $4
  if (!(key in seen)) { seen[key] = 1; order[++nk] = key }
  rps[key] = rps[key] " " $6; p50[key] = p50[key] " " $7; p99[key] = p99[key] " " $8
  non2xx[key] += $9; if ($10 < 0) non200[key] = -1; else if (non200[key] >= 0) non200[key] += $10
  errs[key] += $11; conn[key] += $12; rd[key] += $13; wr[key] += $14; to[key] += $15
  scpu[key] = scpu[key] " " pct($17, $19); ccpu[key] = ccpu[key] " " pct($18, $19)
  kcpu[key] = kcpu[key] " " pct($22, $19)
  o = $21 - pct($17, $19) - pct($18, $19) - pct($22, $19); if (o < 0) o = 0
  ocpu[key] = ocpu[key] " " o
  rps_rep[$1 SUBSEP $2 SUBSEP $3 SUBSEP $4 SUBSEP $5] = $6
  if ($2 == evs) {
    # per run: published, SNS published, delivered, dropped, failed, feedback dropped, sink;
    # by the end of the drain: delivered, dropped, failed, sink; drain seconds
    for (i = 23; i <= 34; i++) ev[key, i] = ev[key, i] " " $i
    evrow[++nev] = $0
  }
  raw[++nr] = $0
}
END {
  fmt = "%-13s %-17s %6s %8s %10s %9s %9s %8s %7s %8s %9s %8s %8s\n"
  printf "\n" fmt, "scenario", "server", "conns", "latency", "req/s(med)", "p50 ms", "p99 ms", "non-2xx", "errors", "srv CPU%", "sink CPU%", "cli CPU%", "oth CPU%"
  for (k = 1; k <= nk; k++) {
    key = order[k]; split(key, f, SUBSEP)
    m_rps[key] = median(rps[key]); m_p50[key] = median(p50[key]); m_p99[key] = median(p99[key])
    m_s[key] = median(scpu[key]); m_c[key] = median(ccpu[key]); m_o[key] = median(ocpu[key]); m_k[key] = median(kcpu[key])
    printf fmt, f[1], f[2], f[3], f[4] "ms", sprintf("%.0f", m_rps[key]), ms(m_p50[key]), ms(m_p99[key]), \
      non2xx[key], errs[key], sprintf("%.0f", m_s[key]), sprintf("%.1f", m_k[key]), sprintf("%.0f", m_c[key]), sprintf("%.0f", m_o[key])
    if (f[1] == "zero-latency" && f[2] == "simulator" && m_rps[key] > best0) best0 = m_rps[key]
  }
  printf "\nreq/s of each repeat:\n"
  for (k = 1; k <= nk; k++) { key = order[k]; split(key, f, SUBSEP); printf "  %-13s %-17s c=%-5s %s\n", f[1], f[2], f[3], rps[key] }
  printf "CPU%% is the share of all %d cores (100%% = every core busy), median of the repeats;\n", ncores
  printf "sink = the SNS sink (%s'"'"'s subscriber); oth = every other process on the machine\n", evs
  printf "(from /proc/stat) during the run.\n"
  printf "non-2xx is wrk'"'"'s count of statuses >= 400; errors = connect+read+write+timeout, summed over the repeats.\n"
  printf "\n"
  nratio = 0
  for (k = 1; k <= nk; k++) {
    key = order[k]; split(key, f, SUBSEP)
    if (f[1] != "zero-latency" || f[2] != "simulator") continue
    bkey = f[1] SUBSEP "aws-ses-v2-local" SUBSEP f[3] SUBSEP f[4]
    if (bkey in m_rps && m_rps[bkey] > 0) {
      r = m_rps[key] / m_rps[bkey]
      printf "ratio simulator / aws-ses-v2-local, zero latency, c=%s: %.2fx (%.0f vs %.0f req/s)\n", f[3], r, m_rps[key], m_rps[bkey]
      ratio_c[++nratio] = f[3]; ratio_v[nratio] = r
    }
  }
  if (best0 > 0) printf "target 1 (>= %d req/s, zero latency): best median %.0f req/s -> %s\n", t1, best0, (best0 >= t1 ? "met" : "NOT met")

  # Event publishing: the simulator with events against the simulator without, same run.
  nev3 = 0
  for (k = 1; k <= nk; k++) {
    key = order[k]; split(key, f, SUBSEP)
    if (f[1] != "zero-latency" || f[2] != evs) continue
    nkey = f[1] SUBSEP "simulator" SUBSEP f[3] SUBSEP f[4]
    printf "\n%s, c=%s: events of each repeat (SNS = the simulator'"'"'s SNS, sink = what the sink got)\n", evs, f[3]
    printf "  %-6s %9s %9s %10s %9s %10s %8s %9s | %10s %10s %8s %9s %8s\n", "repeat", "req/s", "published", "SNS deliv", "SNS drop", "SNS failed", "fb drop", "sink got", \
      "deliv+drn", "drop+drn", "failed", "sink got", "drain s"
    for (i = 1; i <= nev; i++) {
      split(evrow[i], g, "\t")
      if (g[1] != f[1] || g[3] != f[3] || g[4] != f[4]) continue
      printf "  %-6s %9.0f %9d %10d %9d %10d %8d %9d | %10d %10d %8d %9d %8s\n", g[5], g[6], g[23], g[25], g[26], g[27], g[28], g[29], g[30], g[31], g[32], g[33], g[34]
    }
    printf "  %-6s %9.0f %9d %10d %9d %10d %8d %9d | %10d %10d %8d %9d %8s\n", "median", m_rps[key], \
      median(ev[key, 23]), median(ev[key, 25]), median(ev[key, 26]), median(ev[key, 27]), median(ev[key, 28]), median(ev[key, 29]), \
      median(ev[key, 30]), median(ev[key, 31]), median(ev[key, 32]), median(ev[key, 33]), median(ev[key, 34])
    printf "  published = events published to the destination'"'"'s topic during the run (simulator_events_published_total);\n"
    printf "  left of | during the run, right of it by the end of the drain that follows (the run'"'"'s events and\n"
    printf "  those still waiting at its start). SNS counts are simulator_sns_*_total; fb drop = feedback\n"
    printf "  dropped before SNS (simulator_feedback_total{outcome=\"dropped\"}).\n"
    if (!(nkey in m_rps) || m_rps[nkey] <= 0) continue
    r = m_rps[key] / m_rps[nkey]
    per = ""
    for (rp = 1; rp <= reps; rp++) {
      a = (f[1] SUBSEP evs SUBSEP f[3] SUBSEP f[4] SUBSEP rp); b = (f[1] SUBSEP "simulator" SUBSEP f[3] SUBSEP f[4] SUBSEP rp)
      if ((a in rps_rep) && (b in rps_rep) && rps_rep[b] > 0) per = per sprintf(" %.3f", rps_rep[a] / rps_rep[b])
    }
    printf "  CPU (median %% of all cores): %s %.0f, sink %.1f, wrk %.0f, other %.0f; simulator alone: %.0f, wrk %.0f\n", \
      evs, m_s[key], m_k[key], m_c[key], m_o[key], m_s[nkey], m_c[nkey]
    printf "ratio %s / simulator, zero latency, c=%s: %.3f (%.0f vs %.0f req/s); per repeat:%s\n", evs, f[3], r, m_rps[key], m_rps[nkey], per
    printf "target 3 (events on, 50%% of sends naming the set: >= %d%% of the capacity without, c=%s): %.1f%% -> %s\n", \
      t3, f[3], 100 * r, (100 * r >= t3 ? "met" : "NOT met")
    e3c[++nev3] = f[3]; e3r[nev3] = r; e3per[nev3] = per; e3k[nev3] = key
  }
  nt2 = 0
  for (k = 1; k <= nk; k++) {
    key = order[k]; split(key, f, SUBSEP)
    if (f[1] != "latency") continue
    bound = f[3] * 1000 / f[4]; bsrc = "connections/latency"
    if (best0 > 0 && best0 < bound) { bound = best0; bsrc = "zero-latency capacity" }
    p = 100 * m_rps[key] / bound
    printf "target 2 (>= %d%% of bound, %sms latency, c=%s): %.0f req/s of bound %.0f (%s) = %.1f%% -> %s\n", \
      t2, f[4], f[3], m_rps[key], bound, bsrc, p, (p >= t2 ? "met" : "NOT met")
    t2c[++nt2] = f[3]; t2l[nt2] = f[4]; t2r[nt2] = m_rps[key]; t2b[nt2] = bound; t2s[nt2] = bsrc; t2p[nt2] = p
  }

  # JSON
  printf "{\n  \"benchmark\": \"simulator-capacity\",\n  \"timestamp\": %s,\n  \"git_revision\": %s,\n", jstr(stamp), jstr(rev) > json
  printf "  \"command\": %s,\n  \"cores\": %d,\n  \"load_average_at_end\": %s,\n", jstr(cmd), ncores, jstr(loadavg) > json
  printf "  \"wrk\": {\"version\": %s, \"threads\": %d, \"duration\": %s, \"repeats\": %d, \"count_status\": %s},\n", jstr(wrkv), threads, jstr(dur), reps, (countst ? "true" : "false") > json
  printf "  \"aws_ses_v2_local_version\": %s,\n", jstr(basev) > json
  nka = split(keepalive, kas, ",")
  printf "  \"keepalive_reused\": {" > json
  for (i = 1; i <= nka; i++) { split(kas[i], kv, "="); printf "%s%s: %s", (i > 1 ? ", " : ""), jstr(kv[1]), (kv[2] == "yes" ? "true" : "false") > json }
  printf "},\n" > json
  printf "  \"summary\": [\n" > json
  for (k = 1; k <= nk; k++) {
    key = order[k]; split(key, f, SUBSEP); s = rps[key]; sub(/^ /, "", s); gsub(/ /, ", ", s)
    printf "    {\"scenario\": %s, \"server\": %s, \"connections\": %d, \"latency_ms\": %d, \"rps_median\": %.1f, \"rps_raw\": [%s], \"p50_ms_median\": %s, \"p99_ms_median\": %s, \"non2xx_total\": %d, \"non200_total\": %s, \"socket_errors_total\": %d, \"errors\": {\"connect\": %d, \"read\": %d, \"write\": %d, \"timeout\": %d}, \"server_cpu_pct_median\": %.1f, \"sink_cpu_pct_median\": %.1f, \"client_cpu_pct_median\": %.1f, \"other_cpu_pct_median\": %.1f}%s\n", \
      jstr(f[1]), jstr(f[2]), f[3], f[4], m_rps[key], s, ms(m_p50[key]), ms(m_p99[key]), non2xx[key], (non200[key] < 0 ? "null" : non200[key]), errs[key], conn[key], rd[key], wr[key], to[key], m_s[key], m_k[key], m_c[key], m_o[key], (k < nk ? "," : "") > json
  }
  printf "  ],\n  \"ratio_simulator_over_baseline_zero_latency\": [" > json
  for (i = 1; i <= nratio; i++) printf "%s{\"connections\": %d, \"ratio\": %.3f}", (i > 1 ? ", " : ""), ratio_c[i], ratio_v[i] > json
  if (best0 > 0) printf "],\n  \"target1\": {\"min_rps\": %d, \"best_median_rps\": %.1f, \"met\": %s},\n", t1, best0, (best0 >= t1 ? "true" : "false") > json
  else printf "],\n  \"target1\": null,\n" > json
  printf "  \"events\": {\"server\": %s, \"configuration_set\": %s, \"topic\": %s, \"share_of_sends\": 0.5, \"ratio_events_over_simulator\": [", jstr(evs), jstr(cset), jstr(topic) > json
  for (i = 1; i <= nev3; i++) {
    pr = e3per[i]; sub(/^ /, "", pr); gsub(/ /, ", ", pr); key = e3k[i]
    printf "%s{\"connections\": %d, \"ratio\": %.3f, \"ratio_per_repeat\": [%s], \"published_median\": %d, \"sns_delivered_median\": %d, \"sns_dropped_median\": %d, \"sink_cpu_pct_median\": %.1f, \"min_pct\": %d, \"met\": %s}", \
      (i > 1 ? ", " : ""), e3c[i], e3r[i], pr, median(ev[key, 23]), median(ev[key, 25]), median(ev[key, 26]), m_k[key], t3, (100 * e3r[i] >= t3 ? "true" : "false") > json
  }
  printf "]},\n" > json
  printf "  \"target2\": [" > json
  for (i = 1; i <= nt2; i++) printf "%s{\"connections\": %d, \"latency_ms\": %d, \"rps_median\": %.1f, \"bound_rps\": %.1f, \"bound_from\": %s, \"pct_of_bound\": %.1f, \"min_pct\": %d, \"met\": %s}", (i > 1 ? ", " : ""), t2c[i], t2l[i], t2r[i], t2b[i], jstr(t2s[i]), t2p[i], t2, (t2p[i] >= t2 ? "true" : "false") > json
  printf "],\n  \"runs\": [\n" > json
  for (i = 1; i <= nr; i++) {
    split(raw[i], g, "\t")
    evj = ""
    if (g[2] == evs) evj = sprintf(", \"events\": {\"published\": %d, \"sns_published\": %d, \"sns_delivered\": %d, \"sns_dropped\": %d, \"sns_failed\": %d, \"feedback_dropped\": %d, \"sink_received\": %d, \"by_end_of_drain\": {\"sns_delivered\": %d, \"sns_dropped\": %d, \"sns_failed\": %d, \"sink_received\": %d, \"drain_s\": %s}}", \
      g[23], g[24], g[25], g[26], g[27], g[28], g[29], g[30], g[31], g[32], g[33], g[34])
    printf "    {\"scenario\": %s, \"server\": %s, \"connections\": %d, \"latency_ms\": %d, \"repeat\": %d, \"rps\": %s, \"p50_us\": %d, \"p99_us\": %d, \"non2xx\": %d, \"non200\": %s, \"connect_errors\": %d, \"read_errors\": %d, \"write_errors\": %d, \"timeouts\": %d, \"requests\": %d, \"server_cpu_s\": %s, \"sink_cpu_s\": %s, \"client_cpu_s\": %s, \"wall_s\": %s, \"machine_busy_pct\": %s, \"load1_before\": %s%s}%s\n", \
      jstr(g[1]), jstr(g[2]), g[3], g[4], g[5], g[6], g[7], g[8], g[9], (g[10] < 0 ? "null" : g[10]), g[12], g[13], g[14], g[15], g[16], g[17], g[22], g[18], g[19], g[21], g[20], evj, (i < nr ? "," : "") > json
  }
  printf "  ]\n}\n" > json
}' "$RAW"
echo
echo "JSON: ${JSON#"$REPO_DIR"/}"
echo "command: $CMDLINE"
