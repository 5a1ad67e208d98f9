#!/usr/bin/env bash
# End to end: smtp-source -> relay -> `sluice simulator` with 50 ms latency and
# no rate limit. The delivered rate of the Sluice relay (SES v2 API) side by
# side with Postfix relaying the same load to the simulator's SES SMTP endpoint,
# once with Postfix's default settings and once tuned for concurrency, in one
# run. Targets: Sluice >= 10x Postfix default and >= 3x Postfix tuned.
# Reports; asserts nothing. See bench/README.md.
#
# Options are environment variables:
#   CONFIGS="postfix-default postfix-tuned sluice"
#                       what to run, in this order within each repetition
#   RUNS=3              repetitions; medians reported
#   MESSAGES=40000      messages per measured run through Sluice
#   PF_DEFAULT_MESSAGES=2500, PF_TUNED_MESSAGES=5000
#                       messages per measured run through Postfix (at their
#                       rates on a 2-core machine, the 10-90 % window lasts
#                       over 10 s)
#   SESSIONS=20         concurrent smtp-source sessions (-s)
#   MSG_SIZE=2048       payload bytes per message (smtp-source -l)
#   LATENCY=50ms        the simulator's latency (every interface)
#   WARMUP=500          messages sent through Postfix and delivered before each
#                       measured run (they start its processes and connections)
#   SLUICE_WARMUP=30000 the same for Sluice, whose JVM is new in every run: its
#                       JIT compiler needs about that many messages before the
#                       relay runs as fast as a long-running daemon (measured:
#                       2,000 warm-up messages gave 1,160 msg/s, 30,000 gave
#                       2,180, 60,000 no more)
#   SLUICE_IN_FLIGHT=256
#                       the relay's --max-in-flight (upstream calls at once)
#   SLUICE_CMD          command that starts the relay; {port}, {dir} and
#                       {upstream} are replaced by a free port, an empty spool
#                       directory and ses-v2+http://127.0.0.1:<simulator port>
#                       (default below)
#   PF_TUNED_CONCURRENCY=100
#                       smtp_destination_concurrency_limit of the tuned Postfix
#   PF_TUNED_EXTRA      more main.cf lines for the tuned Postfix (";"-separated)
#   POLL_INTERVAL=0.1   seconds between readings of the simulator's count
#   STALL_TIMEOUT=60    a run fails when no message is delivered for this long
#   START_TIMEOUT=600   seconds to wait for the simulator and the relay to start
#                       (the launcher builds the jar on first use)
#   WORK_PARENT=/var/tmp
#                       where queues and spools go; a disk file system
#   KEEP=0              1 = keep the work directory (configs, logs, samples)
#   OUT_DIR=bench/out   where the JSON result goes
#
# ---------------------------------------------------------------- measurement
# One simulator serves every run: `sluice simulator --latency LATENCY
# --max-send-rate unlimited --max-24h-send unlimited`, HTTP (v2 API and
# inspection) and SMTP endpoint on free loopback ports. Each run:
#   1. the server under test is started afresh (Postfix: `postfix start` on an
#      empty queue with the run's main.cf; Sluice: a new relay process on a new
#      spool directory);
#   2. warm-up: WARMUP (SLUICE_WARMUP) messages through it, waited for at the
#      simulator;
#   3. POST /_sluice/reset, then the measured smtp-source run of N messages;
#      meanwhile a poller reads the simulator's accepted-message count every
#      POLL_INTERVAL over one keep-alive connection;
#   4. the run ends when the simulator has accepted N messages;
#   5. checks: the simulator accepted exactly N (more would be duplicates),
#      Postfix's queue is empty and its log has N + warm-up "status=sent" and no
#      deferral or bounce; Sluice is stopped with SIGTERM and `sluice queue
#      stats` finds nothing left in its spool.
# The delivered rate is the rate at the simulator between 10 % and 90 % of N
# (interpolated between readings): the steady part, without the first
# connections and the tail. The end-to-end rate (N / time from the first
# injected message to the last delivered) is reported too.
#
# smtp-source flags (both servers): -4 -s SESSIONS -m N -l MSG_SIZE -d
# -f sender@example.com -t rcpt@example.net, as in ingress-vs-postfix.sh: each
# session stays open and sends message after message.
#
# ---------------------------------------------------------------- Postfix
# A private instance (bench/lib/postfix.sh: own directories, Debian's stock
# main.cf and master.cf, smtpd on 127.0.0.1 at a free port, no chroot). Both
# Postfix configurations relay everything to the simulator's SMTP endpoint the
# way the SES documentation sets Postfix up for SES:
#   mynetworks = 127.0.0.0/8           relay is allowed from loopback
#   relayhost = [127.0.0.1]:<simulator SMTP port>
#   smtp_sasl_auth_enable = yes
#   smtp_sasl_password_maps = static:bench:bench-password
#                                      any login works (the simulator is not
#                                      started with --strict-auth)
#   smtp_sasl_security_options = noanonymous
#                                      the default also has noplaintext, which
#                                      forbids PLAIN and LOGIN, the only
#                                      mechanisms SES offers
#   smtp_tls_security_level = encrypt  STARTTLS is mandatory, as SES requires
#   smtp_tls_CAfile = <the simulator's certificate, --export-cert>
#
# postfix-default: nothing else. The settings that bound it here:
#   default_destination_concurrency_limit = 20   deliveries at once to the
#                                      relayhost
#   smtp_tls_connection_reuse = no     a TLS connection is never reused: every
#                                      message pays TCP connect, STARTTLS, a
#                                      handshake, EHLO and AUTH
#   in_flow_delay = 1s                 smtpd/cleanup wait for the queue manager
#                                      when mail arrives faster than it leaves
#
# postfix-tuned: postfix-default plus
#   smtp_destination_concurrency_limit = PF_TUNED_CONCURRENCY (100)
#       five times the parallel deliveries; at 50 ms a message, 20 connections
#       cannot carry more than 400 messages/s even with no other cost
#   default_process_limit = concurrency + 2 x SESSIONS + 50
#       room for the smtp clients next to smtpd, cleanup and the rest
#   initial_destination_concurrency = 20
#       starts at the default limit instead of 5 (slow start then raises it
#       as deliveries succeed)
#   smtp_tls_connection_reuse = yes and `tlsproxy unix - - n - 0 tlsproxy` in
#   master.cf
#       the TLS session is kept in tlsproxy and the connection goes back to the
#       scache connection cache after each message, so the next delivery skips
#       connect, handshake and AUTH
#   smtp_connection_cache_destinations = [127.0.0.1]:<port>
#       cache connections to the relayhost always, not only when the queue
#       manager sees a backlog (smtp_connection_cache_on_demand)
#   PF_TUNED_EXTRA lines, if any
# Measured on the 2-core machine (3,000 messages, two runs each, delivered
# msg/s): default 119, 121; tuned 272, 213; with the concurrency at 50: 252,
# 287, at 200: 209, 237 (the machine, not the number of connections, is the
# limit from about 50 on: Postfix, the simulator and smtp-source keep both cores
# busy); tuned with in_flow_delay = 0s: 231, 251 (no faster, left at 1s);
# tuned without TLS connection reuse: 149, 182. The JSON has both
# configurations' `postconf -n`.
#
# ---------------------------------------------------------------- Sluice
# Default SLUICE_CMD: ./sluice relay --hold=false --http-port off
#   --smtp-port {port} --spool-dir {dir} --upstream {upstream}
#   --max-send-rate unlimited --max-in-flight SLUICE_IN_FLIGHT
# The v2 API over plain HTTP keep-alive connections; the relay accepts into its
# durable spool (fsync before 250) and delivers from it, as Postfix does.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
BENCH_NAME=relay-vs-postfix
# shellcheck source=bench/lib/common.sh
. "$BENCH_DIR/lib/common.sh"
# shellcheck source=bench/lib/postfix.sh
. "$BENCH_DIR/lib/postfix.sh"
# shellcheck source=bench/lib/simulator.sh
. "$BENCH_DIR/lib/simulator.sh"
# shellcheck source=bench/lib/relay.sh
. "$BENCH_DIR/lib/relay.sh"

# ---------------------------------------------------------------- options
CONFIGS="${CONFIGS:-postfix-default postfix-tuned sluice}"
RUNS="${RUNS:-3}"
MESSAGES="${MESSAGES:-40000}"
PF_DEFAULT_MESSAGES="${PF_DEFAULT_MESSAGES:-2500}"
PF_TUNED_MESSAGES="${PF_TUNED_MESSAGES:-5000}"
SESSIONS="${SESSIONS:-20}"
MSG_SIZE="${MSG_SIZE:-2048}"
LATENCY="${LATENCY:-50ms}"
WARMUP="${WARMUP:-500}"
SLUICE_WARMUP="${SLUICE_WARMUP:-30000}"
SLUICE_IN_FLIGHT="${SLUICE_IN_FLIGHT:-256}"
SLUICE_CMD_DEFAULT="./sluice relay --hold=false --http-port off --smtp-port {port} --spool-dir {dir} --upstream {upstream} --max-send-rate unlimited --max-in-flight $SLUICE_IN_FLIGHT"
SLUICE_CMD="${SLUICE_CMD:-$SLUICE_CMD_DEFAULT}"
PF_TUNED_CONCURRENCY="${PF_TUNED_CONCURRENCY:-100}"
PF_TUNED_EXTRA="${PF_TUNED_EXTRA:-}"
POLL_INTERVAL="${POLL_INTERVAL:-0.1}"
STALL_TIMEOUT="${STALL_TIMEOUT:-60}"
START_TIMEOUT="${START_TIMEOUT:-600}"
WORK_PARENT="${WORK_PARENT:-/var/tmp}"
KEEP="${KEEP:-0}"
OUT_DIR="${OUT_DIR:-$BENCH_DIR/out}"
SENDER="sender@example.com"
RECIPIENT="rcpt@example.net"
TARGET_DEFAULT=10
TARGET_TUNED=3
MIN_WINDOW_SECONDS=10

case "${1:-}" in
  -h|--help) usage_from_header "${BASH_SOURCE[0]}"; exit 0 ;;
  "") ;;
  *) usage_from_header "${BASH_SOURCE[0]}" >&2; die "options are environment variables; unknown argument: $1" ;;
esac

read -ra CONFIG_LIST <<< "$CONFIGS"
(( ${#CONFIG_LIST[@]} > 0 )) || die "CONFIGS is empty"
for c in "${CONFIG_LIST[@]}"; do
  [[ "$c" == sluice || "$c" == postfix-default || "$c" == postfix-tuned ]] || die "bad CONFIGS value: $c (sluice, postfix-default, postfix-tuned)"
done
for v in RUNS MESSAGES PF_DEFAULT_MESSAGES PF_TUNED_MESSAGES SESSIONS MSG_SIZE WARMUP SLUICE_WARMUP \
    SLUICE_IN_FLIGHT PF_TUNED_CONCURRENCY STALL_TIMEOUT START_TIMEOUT; do
  is_uint "${!v}" || die "bad $v: ${!v}"
done
(( RUNS >= 1 && SESSIONS >= 1 )) || die "RUNS and SESSIONS must be at least 1"
(( MESSAGES >= 10 && PF_DEFAULT_MESSAGES >= 10 && PF_TUNED_MESSAGES >= 10 )) || die "message counts must be at least 10"
[[ "$POLL_INTERVAL" =~ ^[0-9]*\.?[0-9]+$ ]] || die "bad POLL_INTERVAL: $POLL_INTERVAL"
[[ "$KEEP" == 0 || "$KEEP" == 1 ]] || die "KEEP must be 0 or 1"
want() { [[ " ${CONFIG_LIST[*]} " == *" $1 "* ]]; }
want postfix-default || want postfix-tuned && WANT_POSTFIX=1 || WANT_POSTFIX=0

# ---------------------------------------------------------------- tools
pf_tools
ensure_command curl curl
if (( WANT_POSTFIX )); then
  # Postfix's SMTP client logs in through Cyrus SASL, whose PLAIN and LOGIN
  # mechanisms are in a separate package.
  compgen -G '/usr/lib/*/sasl2/libplain.so*' >/dev/null || compgen -G '/usr/lib/sasl2/libplain.so*' >/dev/null \
    || { [[ $(id -u) -eq 0 ]] || die "libsasl2-modules is missing"; DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq libsasl2-modules >&2; }
fi
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

mkdir -p "$WORK_PARENT" "$OUT_DIR"
WORK_DIR="$(mktemp -d "$WORK_PARENT/sluice-e2e.XXXXXX")"
chmod 755 "$WORK_DIR"
require_disk_fs "$WORK_DIR"
mkdir -p "$WORK_DIR/logs" "$WORK_DIR/samples"

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n "$SRC_PID" ]]; then
    kill -TERM -- "-$SRC_PID" 2>/dev/null || kill -TERM "$SRC_PID" 2>/dev/null || true
  fi
  relay_stop 10
  pf_stop
  sim_stop
  if (( KEEP )); then
    echo "$BENCH_NAME: work directory kept: $WORK_DIR" >&2
  else
    rm -rf "$WORK_DIR"
    (( rc == 0 )) || echo "$BENCH_NAME: failed (exit $rc); KEEP=1 keeps the configs, logs and samples" >&2
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cd "$REPO_DIR"
# Build once now; every process of the run uses that jar.
./sluice --version > /dev/null || die "./sluice could not be built"
export SLUICE_NO_BUILD=1

# ---------------------------------------------------------------- simulator
SIM_CERT="$WORK_DIR/simulator.pem"
sim_start "$WORK_DIR/logs/simulator.log" "$SIM_CERT" --latency "$LATENCY" \
  --max-send-rate unlimited --max-24h-send unlimited
chmod 644 "$SIM_CERT"
RELAY_UPSTREAM="ses-v2+http://127.0.0.1:$SIM_HTTP_PORT"

# ---------------------------------------------------------------- Postfix
PF_COMMON="mynetworks = 127.0.0.0/8
relayhost = [127.0.0.1]:$SIM_SMTP_PORT
smtp_sasl_auth_enable = yes
smtp_sasl_password_maps = static:bench:bench-password
smtp_sasl_security_options = noanonymous
smtp_tls_security_level = encrypt
smtp_tls_CAfile = $SIM_CERT"
PF_TUNED_PROCS=$(( PF_TUNED_CONCURRENCY + 2 * SESSIONS + 50 ))
(( PF_TUNED_PROCS < 100 )) && PF_TUNED_PROCS=100
PF_TUNED="smtp_destination_concurrency_limit = $PF_TUNED_CONCURRENCY
default_process_limit = $PF_TUNED_PROCS
initial_destination_concurrency = 20
smtp_tls_connection_reuse = yes
smtp_connection_cache_destinations = [127.0.0.1]:$SIM_SMTP_PORT"
PF_EXTRA_LIST=()
if [[ -n "$PF_TUNED_EXTRA" ]]; then
  IFS=';' read -ra _extra <<< "$PF_TUNED_EXTRA"
  for l in "${_extra[@]}"; do
    l=$(sed 's/^ *//; s/ *$//' <<< "$l")
    [[ "$l" == *=* ]] || die "PF_TUNED_EXTRA: not a NAME = VALUE line: $l"
    PF_EXTRA_LIST+=("$l")
  done
fi
PF_TLSPROXY='tlsproxy/unix = tlsproxy unix - - n - 0 tlsproxy'
PF_SETTINGS_DEFAULT=""
PF_SETTINGS_TUNED=""
if (( WANT_POSTFIX )); then
  pf_init "$WORK_DIR/postfix"
fi

start_postfix() {
  if [[ "$1" == postfix-tuned ]]; then
    pf_configure "$PF_COMMON"$'\n'"# tuned for concurrency"$'\n'"$PF_TUNED" "$PF_TLSPROXY"
    (( ${#PF_EXTRA_LIST[@]} == 0 )) || pf_set "${PF_EXTRA_LIST[@]}"
    PF_SETTINGS_TUNED=$(pf_settings)
  else
    pf_configure "$PF_COMMON"
    PF_SETTINGS_DEFAULT=$(pf_settings)
  fi
  pf_empty
  pf_start
}

# ---------------------------------------------------------------- one run
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RAW="$WORK_DIR/runs.tsv"
: > "$RAW"
SOURCE_FLAGS="-4 -s $SESSIONS -m <N> -l $MSG_SIZE -d -f $SENDER -t $RECIPIENT 127.0.0.1:<port>"

inject() {
  local port="$1" count="$2" out="$3" statf="$4" rc=0
  source_run $(( 600 + count / 5 )) "$out" "$statf" -4 -s "$SESSIONS" -m "$count" -l "$MSG_SIZE" -d \
    -f "$SENDER" -t "$RECIPIENT" "127.0.0.1:$port" || rc=$?
  if (( rc != 0 )); then
    echo "---- smtp-source output ----" >&2; cat "$out" >&2
    die "smtp-source failed (exit $rc) on 127.0.0.1:$port"
  fi
}

# Waits until the poll file shows COUNT; dies when nothing arrives for
# STALL_TIMEOUT seconds.
wait_delivered() {
  local samples="$1" count="$2" what="$3" last n seen=-1 since
  since=$(date +%s)
  while :; do
    last=$(sim_poll_last "$samples")
    n=${last#* }
    [[ -n "$last" && "$n" =~ ^[0-9]+$ ]] || n=0
    (( n >= count )) && return 0
    if (( n != seen )); then seen=$n; since=$(date +%s); fi
    if (( $(date +%s) - since >= STALL_TIMEOUT )); then
      log "  no delivery for ${STALL_TIMEOUT}s at $n of $count ($what)"
      stall_report
      die "$what: stalled at $n of $count delivered"
    fi
    sleep 0.2
  done
}

stall_report() {
  if (( PF_STARTED )); then
    log "  Postfix queue: $(pf_queued_total) files; last log lines:"
    tail -n 15 "$PF_LOG" 2>/dev/null | sed 's/^/    /' >&2 || true
  fi
  if [[ -n "$RELAY_PG" ]]; then
    log "  relay output, last lines:"
    tail -n 15 "$RELAY_LOG" 2>/dev/null | sed 's/^/    /' >&2 || true
  fi
}

# deliver CONFIG REP PORT PG COUNT WARM: one measured run through a started
# server; appends a row to $RAW.
deliver() {
  local cfg="$1" rep="$2" port="$3" pg="$4" count="$5" warm="$6"
  local tag="$cfg-r$rep" samples="$WORK_DIR/samples/$1-r$2.txt"
  if (( warm > 0 )); then
    sim_reset
    sim_poll_start "$samples.warmup" 0.5
    inject "$port" "$warm" "$WORK_DIR/logs/source-$tag-warmup.out" /dev/null
    wait_delivered "$samples.warmup" "$warm" "$cfg warm-up"
    sim_poll_stop
  fi
  sim_reset
  sync -f "$WORK_DIR" 2>/dev/null || sync
  sleep 1
  local ld s0 s1 q0 q1 m0 m1 t0 t1 t2
  ld=$(load1)
  s0=$(group_cpu "$pg"); q0=$(group_cpu "$SIM_PG"); m0=$(machine_ticks)
  sim_poll_start "$samples" "$POLL_INTERVAL"
  t0=$EPOCHREALTIME
  inject "$port" "$count" "$WORK_DIR/logs/source-$tag.out" "$WORK_DIR/logs/source-$tag.stat"
  t1=$EPOCHREALTIME
  wait_delivered "$samples" "$count" "$cfg run $rep"
  t2=$EPOCHREALTIME
  sim_poll_stop
  m1=$(machine_ticks); s1=$(group_cpu "$pg"); q1=$(group_cpu "$SIM_PG")
  sleep 1
  local total; total=$(sim_total) || die "could not read the simulator's count"
  local w; w=$(rate_window "$samples" "$count" 0.1 0.9)
  local busy; busy=$(machine_busy_pct "$m0" "$m1")
  local ccpu; ccpu=$(stat_child_cpu "$WORK_DIR/logs/source-$tag.stat")
  local row
  row=$(awk -v cfg="$cfg" -v rep="$rep" -v n="$count" -v warm="$warm" -v t0="$t0" -v t1="$t1" -v t2="$t2" \
      -v w="$w" -v total="$total" -v s="$(awk -v a="$s0" -v b="$s1" 'BEGIN { print b - a }')" \
      -v q="$(awk -v a="$q0" -v b="$q1" 'BEGIN { print b - a }')" -v c="$ccpu" -v busy="$busy" -v ld="$ld" '
    BEGIN {
      split(w, x, " ")   # t_first t_lo t_hi t_all rate_window rate_all samples
      inj = t1 - t0; e2e = x[4] > 0 ? x[4] - t0 : t2 - t0
      printf "%s\t%d\t%d\t%d\t%.1f\t%.1f\t%.1f\t%.3f\t%.3f\t%.3f\t%d\t%.3f\t%.3f\t%.3f\t%.1f\t%s\t%.3f\t%d\n",
        cfg, rep, n, warm, x[5], n / e2e, n / inj, inj, e2e, x[3] - x[2], total, s, q, c, busy, ld, x[2] - t0, x[7]
    }')
  echo "$row" >> "$RAW"
  IFS=$'\t' read -r _ _ _ _ r_win r_e2e r_inj _ s_e2e s_win _ _ _ _ _ _ _ _ <<< "$row"
  log "  run $rep $cfg: $count msgs; delivered $r_win msg/s (10-90 %, ${s_win}s); end to end $r_e2e msg/s (${s_e2e}s); injected at $r_inj msg/s; simulator count $total; machine busy $busy%; load1 $ld"
  (( total == count )) || log "  WARNING: the simulator accepted $total messages, $count were injected ($(( total - count )) more: duplicates)"
  if awk -v s="$s_win" -v m="$MIN_WINDOW_SECONDS" 'BEGIN { exit !(s < m) }'; then
    log "  WARNING: the 10-90 % window lasted under ${MIN_WINDOW_SECONDS}s; raise the message count for a steadier rate"
  fi
}

CHECKS="$WORK_DIR/checks.tsv"
: > "$CHECKS"

run_postfix() {
  local cfg="$1" rep="$2" count before sent deferred bounced left
  count=$PF_DEFAULT_MESSAGES
  [[ "$cfg" == postfix-tuned ]] && count=$PF_TUNED_MESSAGES
  start_postfix "$cfg"
  before=$(pf_log_lines)
  deliver "$cfg" "$rep" "$PF_PORT" "$PF_PG" "$count" "$WARMUP"
  left=$(pf_queued_total)
  sent=$(pf_log_since "$before" | grep -c 'status=sent' || true)
  deferred=$(pf_log_since "$before" | grep -c 'status=deferred' || true)
  bounced=$(pf_log_since "$before" | grep -c 'status=bounced' || true)
  pf_stop
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$cfg" "$rep" "$left" "$sent" "$deferred" "$bounced" >> "$CHECKS"
  log "  Postfix: queue after the run $left, log: sent $sent (expected $(( count + WARMUP ))), deferred $deferred, bounced $bounced"
  (( left == 0 )) || die "$cfg: $left messages still in Postfix's queue after the simulator counted all"
  (( sent == count + WARMUP && bounced == 0 )) || die "$cfg: Postfix logged $sent sent and $bounced bounced, expected $(( count + WARMUP )) sent"
  local issues
  # tlsproxy warns once per start that its server role is off: it is only used
  # as a client here.
  issues=$(pf_log_since "$before" | grep -E 'warning:|error:|fatal:|panic:' | grep -v 'TLS server role is disabled' || true)
  [[ -z "$issues" ]] || { log "  WARNING: Postfix logged problems during the run:"; head -n 10 <<< "$issues" | sed 's/^/    /' >&2; }
}

RELAY_LOG=""
RELAY_STARTS=0
run_sluice() {
  local rep="$1" spool left
  RELAY_STARTS=$(( RELAY_STARTS + 1 ))
  spool="$WORK_DIR/spool-$RELAY_STARTS"
  RELAY_LOG="$WORK_DIR/logs/relay-$RELAY_STARTS.log"
  relay_start "$SLUICE_CMD" "$spool" "$RELAY_LOG"
  deliver sluice "$rep" "$RELAY_PORT" "$RELAY_PG" "$MESSAGES" "$SLUICE_WARMUP"
  relay_stop 60
  left=""
  [[ "$SLUICE_CMD" == ./sluice\ relay* ]] && left=$(relay_spool_count "$spool")
  printf '%s\t%s\t%s\t\t\t\n' sluice "$rep" "${left:--1}" >> "$CHECKS"
  if [[ -n "$left" ]]; then
    log "  relay spool after a graceful stop: $left messages"
    (( left == 0 )) || die "sluice: $left messages left in the spool after the simulator counted all"
  fi
  (( KEEP )) || rm -rf "$spool"
}

# ---------------------------------------------------------------- main
log "simulator: HTTP 127.0.0.1:$SIM_HTTP_PORT, SMTP 127.0.0.1:$SIM_SMTP_PORT, latency $LATENCY, no rate limit"
log "configs: ${CONFIG_LIST[*]}; $RUNS runs; messages: Sluice $MESSAGES, Postfix default $PF_DEFAULT_MESSAGES, tuned $PF_TUNED_MESSAGES; warm-up Postfix $WARMUP, Sluice $SLUICE_WARMUP; $SESSIONS sessions; work dir $WORK_DIR ($FS_TYPE); load average $(cut -d' ' -f1-3 /proc/loadavg)"
for rep in $(seq 1 "$RUNS"); do
  for cfg in "${CONFIG_LIST[@]}"; do
    if [[ "$cfg" == sluice ]]; then run_sluice "$rep"; else run_postfix "$cfg" "$rep"; fi
  done
done
sim_stop

# ---------------------------------------------------------------- report
JSON="$OUT_DIR/relay-vs-postfix-$STAMP.json"
GIT_REV=$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)
SLUICE_DEFAULT=0; [[ "$SLUICE_CMD" == "$SLUICE_CMD_DEFAULT" ]] && SLUICE_DEFAULT=1

awk -F'\t' -v json="$JSON" -v stamp="$STAMP" -v rev="$GIT_REV" -v ncores="$NCORES" -v runs="$RUNS" \
    -v pfv="$POSTFIX_VERSION" -v flags="$SOURCE_FLAGS" -v latency="$LATENCY" -v size="$MSG_SIZE" \
    -v slcmd="$SLUICE_CMD" -v sldef="$SLUICE_DEFAULT" -v pfdef="$PF_SETTINGS_DEFAULT" -v pftun="$PF_SETTINGS_TUNED" \
    -v configs="$CONFIGS" -v tdef="$TARGET_DEFAULT" -v ttun="$TARGET_TUNED" -v warm="$WARMUP" -v swarm="$SLUICE_WARMUP" \
    -v fstype="$FS_TYPE" -v loadavg="$(cut -d' ' -f1-3 /proc/loadavg)" -v checks="$CHECKS" '
function median(list,   n, a, i, j, t) {
  n = split(list, a, " ")
  for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
  if (n % 2) return a[(n + 1) / 2] + 0
  return (a[n / 2] + a[n / 2 + 1]) / 2
}
function jstr(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); gsub(/\t/, "\\t", s); return "\"" s "\"" }
function jlist(s) { sub(/^ /, "", s); gsub(/ /, ", ", s); return "[" s "]" }
function jlines(s,   n, a, i, o) { n = split(s, a, "\n"); o = ""; for (i = 1; i <= n; i++) o = o (i > 1 ? ", " : "") jstr(a[i]); return "[" o "]" }
# columns: 1 cfg 2 rep 3 n 4 warm 5 rate_win 6 rate_e2e 7 rate_inj 8 inj_s 9 e2e_s 10 win_s 11 total
#          12 server_cpu 13 sim_cpu 14 src_cpu 15 busy 16 load1 17 t_lo 18 samples
{
  k = $1
  win[k] = win[k] " " $5; e2e[k] = e2e[k] " " $6; inj[k] = inj[k] " " $7
  cpu_ms[k] = cpu_ms[k] " " sprintf("%.4f", 1000 * $12 / $3)
  srv_pct[k] = srv_pct[k] " " sprintf("%.1f", 100 * $12 / $9 / ncores)
  sim_pct[k] = sim_pct[k] " " sprintf("%.1f", 100 * $13 / $9 / ncores)
  src_pct[k] = src_pct[k] " " sprintf("%.1f", 100 * $14 / $9 / ncores)
  o = $15 - 100 * ($12 + $13 + $14) / $9 / ncores; if (o < 0) o = 0
  oth_pct[k] = oth_pct[k] " " sprintf("%.1f", o)
  msgs[k] = $3; dup[k] += ($11 - $3)
  raw[++nr] = $0
}
END {
  while ((getline line < checks) > 0) { nc++; chk[nc] = line }
  nk = split(configs, cl, " ")
  printf "\nEnd to end through a relay to the simulator (latency %s, no rate limit), %d-byte payload,\n", latency, size
  printf "smtp-source -d, medians of %d runs; delivered = rate at the simulator between 10 %% and 90 %% of the messages\n\n", runs
  fmt = "%-16s %8s %13s %11s %10s %13s %7s %7s %7s %7s\n"
  printf fmt, "config", "messages", "delivered/s", "e2e msg/s", "inject/s", "CPU ms/msg", "srv%", "sim%", "src%", "other%"
  for (i = 1; i <= nk; i++) {
    k = cl[i]; if (!(k in win)) continue
    med[k] = median(win[k])
    printf fmt, k, msgs[k], sprintf("%.0f", med[k]), sprintf("%.0f", median(e2e[k])), sprintf("%.0f", median(inj[k])), \
      sprintf("%.3f", median(cpu_ms[k])), sprintf("%.0f", median(srv_pct[k])), sprintf("%.0f", median(sim_pct[k])), \
      sprintf("%.0f", median(src_pct[k])), sprintf("%.0f", median(oth_pct[k]))
  }
  printf "\ndelivered msg/s of each run:\n"
  for (i = 1; i <= nk; i++) { k = cl[i]; if (k in win) printf "  %-16s %s\n", k, win[k] }
  printf "CPU: srv = relay or Postfix (whole process group), sim = simulator, src = smtp-source, other =\n"
  printf "everything else on the machine, each as a share of all %d cores over the end-to-end time.\n\n", ncores
  rdef = ("sluice" in med && "postfix-default" in med && med["postfix-default"] > 0) ? med["sluice"] / med["postfix-default"] : 0
  rtun = ("sluice" in med && "postfix-tuned" in med && med["postfix-tuned"] > 0) ? med["sluice"] / med["postfix-tuned"] : 0
  if (rdef > 0) printf "sluice / postfix-default: %.2fx (target >= %dx: %s)\n", rdef, tdef, (rdef >= tdef ? "met" : "NOT met")
  if (rtun > 0) printf "sluice / postfix-tuned:   %.2fx (target >= %dx: %s)\n", rtun, ttun, (rtun >= ttun ? "met" : "NOT met")
  for (k in dup) if (dup[k] != 0) printf "WARNING: %s: the simulator counted %d more messages than were injected\n", k, dup[k]
  if (("sluice" in win) && !sldef) printf "NOTE: the sluice row ran SLUICE_CMD=%s\n", slcmd

  printf "{\n  \"benchmark\": \"relay-vs-postfix\",\n  \"timestamp\": %s,\n  \"git_revision\": %s,\n", jstr(stamp), jstr(rev) > json
  printf "  \"cores\": %d,\n  \"load_average_at_end\": %s,\n  \"work_fs\": %s,\n", ncores, jstr(loadavg), jstr(fstype) > json
  printf "  \"simulator\": {\"latency\": %s, \"max_send_rate\": \"unlimited\"},\n", jstr(latency) > json
  printf "  \"smtp_source\": {\"flags\": %s, \"payload_bytes\": %d, \"warmup_messages\": {\"postfix\": %d, \"sluice\": %d}},\n", jstr(flags), size, warm, swarm > json
  printf "  \"postfix\": {\"version\": %s, \"default_postconf_n\": %s, \"tuned_postconf_n\": %s},\n", jstr(pfv), jlines(pfdef), jlines(pftun) > json
  printf "  \"sluice\": {\"command\": %s, \"default_command\": %s},\n", jstr(slcmd), (sldef ? "true" : "false") > json
  printf "  \"targets\": {\"over_postfix_default\": %d, \"over_postfix_tuned\": %d},\n", tdef, ttun > json
  printf "  \"summary\": {\n" > json
  first = 1
  for (i = 1; i <= nk; i++) {
    k = cl[i]; if (!(k in win)) continue
    printf "%s    %s: {\"messages\": %d, \"delivered_rate_median\": %.1f, \"e2e_rate_median\": %.1f, \"inject_rate_median\": %.1f, \"cpu_ms_per_msg_median\": %.4f, \"delivered_rates\": %s, \"e2e_rates\": %s}", \
      (first ? "" : ",\n"), jstr(k), msgs[k], med[k], median(e2e[k]), median(inj[k]), median(cpu_ms[k]), jlist(win[k]), jlist(e2e[k]) > json
    first = 0
  }
  printf "\n  },\n  \"ratio_over_postfix_default\": %s,\n  \"ratio_over_postfix_tuned\": %s,\n", \
    (rdef > 0 ? sprintf("%.3f", rdef) : "null"), (rtun > 0 ? sprintf("%.3f", rtun) : "null") > json
  printf "  \"met\": {\"over_postfix_default\": %s, \"over_postfix_tuned\": %s},\n", \
    (rdef > 0 ? (rdef >= tdef ? "true" : "false") : "null"), (rtun > 0 ? (rtun >= ttun ? "true" : "false") : "null") > json
  printf "  \"runs\": [\n" > json
  for (i = 1; i <= nr; i++) {
    split(raw[i], g, "\t")
    ck = ""
    for (j = 1; j <= nc; j++) { split(chk[j], h, "\t"); if (h[1] == g[1] && h[2] == g[2]) ck = chk[j] }
    split(ck, h, "\t")
    printf "    {\"config\": %s, \"run\": %d, \"messages\": %d, \"warmup\": %d, \"delivered_rate\": %s, \"e2e_rate\": %s, \"inject_rate\": %s, \"inject_s\": %s, \"e2e_s\": %s, \"window_s\": %s, \"simulator_count\": %d, ", \
      jstr(g[1]), g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], g[11] > json
    printf "\"server_cpu_s\": %s, \"simulator_cpu_s\": %s, \"smtp_source_cpu_s\": %s, \"machine_busy_pct\": %s, \"load1_before\": %s, \"samples\": %d, \"left_in_queue\": %s", \
      g[12], g[13], g[14], g[15], g[16], g[18], (ck == "" || h[3] < 0 ? "null" : h[3]) > json
    if (g[1] != "sluice" && ck != "") printf ", \"postfix_log\": {\"sent\": %d, \"deferred\": %d, \"bounced\": %d}", h[4], h[5], h[6] > json
    printf "}%s\n", (i < nr ? "," : "") > json
  }
  printf "  ]\n}\n" > json
}' "$RAW"
echo
echo "JSON: ${JSON#"$REPO_DIR"/}"
