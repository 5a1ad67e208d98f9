#!/usr/bin/env bash
# SMTP acceptance with a durable spool: Sluice's relay side by side with a
# private Postfix instance (Debian package) and with the no-disk ceiling
# (Postfix's smtp-sink, which answers and discards), all driven by Postfix's own
# load generator smtp-source with the same flags, in the same run.
# Reports; asserts nothing. See bench/README.md.
#
# Options are environment variables:
#   SESSIONS="20 100"   concurrent SMTP sessions (smtp-source -s), one cell each
#   RUNS=3              measured runs per server and session count; medians reported
#   MESSAGES=40000      messages per measured run against Sluice
#   POSTFIX_MESSAGES=5000
#                       messages per measured run against Postfix (about 5-10 s
#                       at its rate on a 2-core machine)
#   SINK_MESSAGES=100000
#                       messages per measured run against smtp-sink (about 5 s)
#   MSG_SIZE=2048       payload bytes per message (smtp-source -l)
#   WARMUP=2000         untimed messages sent to Postfix right before each measured
#                       run, same flags; they stay in the queue and are counted by
#                       the checks (they start Postfix's smtpd and cleanup processes)
#   SLUICE_WARMUP=30000 the same for Sluice, whose JVM is started afresh for every
#                       run: its JIT compiler needs about 30,000 messages (~10 s)
#                       before the relay runs at the steady rate a long-running
#                       daemon has (measured: 1.9k, 2.6k, 2.9k, 4.4k, 4.0k, then
#                       ~5.0k msg/s over consecutive 5,000-message batches at 20
#                       sessions)
#   KEEP=0              1 = keep the work directory (configs, logs, queues) at exit
#   SIDES="postfix sluice sink"
#                       which servers to run; sink is the ceiling: smtp-sink
#                       (-u nobody 127.0.0.1:<port> 1000) accepts every message
#                       and keeps nothing, so its rate is what smtp-source, the
#                       loopback and an SMTP dialogue allow on this machine with
#                       no disk and no spool. Sluice's rate is reported as a
#                       share of it (target >= 60 %) and as a multiple of
#                       Postfix's (target >= 10x).
#   SLUICE_CMD          command that starts the Sluice side; {port} and {dir} are
#                       replaced by a free port on 127.0.0.1 and an empty spool
#                       directory (default below). Any SMTP server works for
#                       testing the script, e.g.
#                       SLUICE_CMD='smtp-sink -u nobody 127.0.0.1:{port} 1000'
#   SLUICE_COUNT_CMD    optional command ({dir}, {port} replaced) whose output's
#                       first integer is the number of messages in the spool;
#                       unset = trust smtp-source's exit status (see sluice_spool_count)
#   START_TIMEOUT=600   seconds to wait for the Sluice side to accept connections
#                       (the launcher builds the jar on first use)
#   WORK_PARENT=/var/tmp
#                       where queues and spools go; must be a disk file system
#                       (fsync on tmpfs proves nothing, so tmpfs is refused)
#   OUT_DIR=bench/out   where the JSON result goes
#
# ---------------------------------------------------------------- load
# smtp-source flags, the same for both servers:
#   -4                      IPv4, to 127.0.0.1
#   -s N                    N concurrent sessions
#   -m M                    M messages in all, spread over the sessions
#   -l MSG_SIZE             payload bytes; smtp-source adds From/To/Date/
#                           Message-Id headers (about 150 bytes)
#   -d                      keep each session open and send the next message on it
#                           (RSET, MAIL, RCPT, DATA), as an application with an SMTP
#                           connection pool does when it relays through a local MTA.
#                           Without -d every message pays a new TCP connection, a
#                           banner and HELO; that cost Postfix 25-30 % here.
#   -f sender@example.com   one envelope sender
#   -t rcpt@example.net     one recipient per message, in a domain that is not
#                           local to either server: relayed mail. No -N (numbered
#                           recipients), which would defeat Postfix's address
#                           rewriting caches.
# smtp-source has no command pipelining; both servers get the same dialogue.
#
# ---------------------------------------------------------------- Postfix
# A private instance under the work directory: its own config_directory,
# queue_directory and data_directory, started with `postfix -c DIR start` and
# stopped at exit. master.cf is the package's stock file with two changes; main.cf
# holds Debian's stock settings plus what the instance and the test need. Every
# setting that differs from the Postfix default ("postconf -n") is listed here and
# copied into the JSON result.
#
# Debian's stock main.cf (/usr/share/postfix/main.cf.debian), kept as it is:
#   compatibility_level = 3.6       also turns off the per-message "backwards-
#                                   compatible default" log lines
#   biff = no, append_dot_mydomain = no, readme_directory = no
# The instance:
#   queue_directory, data_directory = under the work directory
#   maillog_file = <work>/postfix/maillog (Postfix's own logger, postlogd): the
#                  machine may have no syslog daemon, and the script reads the log
#                  for warnings and errors. Logging to a file or to nowhere made
#                  no difference in the measured rate.
#   myhostname = sluice-bench.localdomain   a fixed fully qualified name
#   inet_interfaces = 127.0.0.1, inet_protocols = ipv4   loopback only
#   master.cf: the "smtp inet" service listens on 127.0.0.1:<free port> instead
#                  of port 25; chroot is off for every service (Debian's file
#                  chroots some; a chroot would need files copied into the queue
#                  directory and does not change the work done per message)
#   alias_maps =, alias_database =   no local delivery; the default maps are
#                  missing files (/etc/aliases.db) and NIS, which only log errors
# The test:
#   mynetworks = 127.0.0.0/8        relay is allowed from loopback
#                                   (smtpd_relay_restrictions at level 3.6 is
#                                   permit_mynetworks, ..., defer_unauth_destination)
#   smtpd_recipient_restrictions = check_client_access static:HOLD,
#                                  permit_mynetworks, reject
#       Every accepted message goes to the hold queue, so nothing is delivered and
#       the queue manager never touches it: acceptance only. cleanup writes the
#       queue file and fsyncs it before smtpd answers 250 to the end of DATA;
#       that is built in (no setting turns it off) and is what "durable" means
#       here. The script counts the files in queue/hold after each run.
#       The other way to accept without delivering, defer_transports = smtp,
#       relay, lets the queue manager move each message to the active queue, try
#       it and move it to the deferred queue with a defer log: more work on the
#       same 2 cores. It measured about 40 % slower at 20 sessions, so the hold
#       queue is the fairer choice.
# Left at their defaults, after checking that they do not throttle this load:
#   in_flow_delay = 1s              cleanup takes one token from the queue
#                                   manager's pipe per message, and gives it back
#                                   at once when the message goes to the hold queue
#                                   (it is not meant for the queue manager), so
#                                   the pool never runs dry; runs with 0s were no
#                                   faster.
#   default_process_limit = 100     enough smtpd, cleanup and trivial-rewrite
#                                   processes for 100 sessions; 200 was no faster.
#                                   Raised to the largest SESSIONS value if that
#                                   is above 100 (the listen backlog follows it).
#   smtpd_client_connection_count_limit = 50, smtpd_client_connection_rate_limit
#                                   = 0, anvil: loopback is in mynetworks and so in
#                                   smtpd_client_event_limit_exceptions: no limit
#                                   applies to these sessions.
#   max_use = 100, max_idle = 100s  process reuse; the warm-up starts the processes
#   smtpd_peername_lookup = yes     one /etc/hosts lookup per session
# No TLS on either side (smtp-source does not use STARTTLS).
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
BENCH_NAME=ingress-vs-postfix
# shellcheck source=bench/lib/common.sh
. "$BENCH_DIR/lib/common.sh"
# shellcheck source=bench/lib/postfix.sh
. "$BENCH_DIR/lib/postfix.sh"
# shellcheck source=bench/lib/relay.sh
. "$BENCH_DIR/lib/relay.sh"

# ---------------------------------------------------------------- options
SESSIONS="${SESSIONS:-20 100}"
RUNS="${RUNS:-3}"
MESSAGES="${MESSAGES:-40000}"
POSTFIX_MESSAGES="${POSTFIX_MESSAGES:-5000}"
SINK_MESSAGES="${SINK_MESSAGES:-100000}"
MSG_SIZE="${MSG_SIZE:-2048}"
WARMUP="${WARMUP:-2000}"
SLUICE_WARMUP="${SLUICE_WARMUP:-30000}"
KEEP="${KEEP:-0}"
SIDES="${SIDES:-postfix sluice sink}"
SLUICE_CMD_DEFAULT='./sluice relay --hold --http-port off --smtp-port {port} --spool-dir {dir}'
SLUICE_CMD="${SLUICE_CMD:-$SLUICE_CMD_DEFAULT}"
SLUICE_COUNT_CMD="${SLUICE_COUNT_CMD:-}"
START_TIMEOUT="${START_TIMEOUT:-600}"
WORK_PARENT="${WORK_PARENT:-/var/tmp}"
OUT_DIR="${OUT_DIR:-$BENCH_DIR/out}"
SENDER="sender@example.com"
RECIPIENT="rcpt@example.net"
MIN_SECONDS=5
TARGET_RATIO=10
TARGET_SHARE=60

usage() {
  sed -n '2,/^# ------.* load$/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
}

case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  "") ;;
  *) usage >&2; die "options are environment variables; unknown argument: $1" ;;
esac

read -ra SESSION_LIST <<< "$SESSIONS"
read -ra SIDE_LIST <<< "$SIDES"
(( ${#SESSION_LIST[@]} > 0 )) || die "SESSIONS is empty"
(( ${#SIDE_LIST[@]} > 0 )) || die "SIDES is empty"
for s in "${SESSION_LIST[@]}"; do is_uint "$s" && (( s >= 1 )) || die "bad SESSIONS value: $s"; done
for s in "${SIDE_LIST[@]}"; do [[ "$s" == postfix || "$s" == sluice || "$s" == sink ]] || die "bad SIDES value: $s (postfix, sluice, sink)"; done
for v in RUNS MESSAGES POSTFIX_MESSAGES SINK_MESSAGES MSG_SIZE WARMUP SLUICE_WARMUP START_TIMEOUT; do
  is_uint "${!v}" || die "bad $v: ${!v}"
done
(( RUNS >= 1 )) || die "RUNS must be at least 1"
(( MESSAGES >= 1 && POSTFIX_MESSAGES >= 1 && SINK_MESSAGES >= 1 )) || die "MESSAGES, POSTFIX_MESSAGES and SINK_MESSAGES must be at least 1"
[[ "$KEEP" == 0 || "$KEEP" == 1 ]] || die "KEEP must be 0 or 1"
want_side() { [[ " ${SIDE_LIST[*]} " == *" $1 "* ]]; }
MAX_SESSIONS=0
for s in "${SESSION_LIST[@]}"; do (( s > MAX_SESSIONS )) && MAX_SESSIONS=$s; done

# ---------------------------------------------------------------- tools
pf_tools
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

mkdir -p "$WORK_PARENT"
WORK_DIR="$(mktemp -d "$WORK_PARENT/sluice-ingress.XXXXXX")"
# Postfix daemons run as user postfix and must reach the queue below this.
chmod 755 "$WORK_DIR"
require_disk_fs "$WORK_DIR"
mkdir -p "$WORK_DIR/logs"

# ---------------------------------------------------------------- processes
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n "$SRC_PID" ]]; then
    kill -TERM -- "-$SRC_PID" 2>/dev/null || kill -TERM "$SRC_PID" 2>/dev/null || true
  fi
  relay_stop 10
  stop_sink
  pf_stop
  if (( KEEP )); then
    echo "ingress-vs-postfix: work directory kept: $WORK_DIR" >&2
  else
    rm -rf "$WORK_DIR"
    (( rc == 0 )) || echo "ingress-vs-postfix: failed (exit $rc); KEEP=1 keeps the configs, logs and queues" >&2
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- Postfix
setup_postfix() {
  local procs=100
  (( MAX_SESSIONS > procs )) && procs=$MAX_SESSIONS
  local extra="# relay from loopback, every message to the hold queue
mynetworks = 127.0.0.0/8
smtpd_recipient_restrictions = check_client_access static:HOLD, permit_mynetworks, reject"
  (( procs != 100 )) && extra+=$'\n'"default_process_limit = $procs"
  pf_init "$WORK_DIR/postfix"
  pf_configure "$extra"
  pf_start
  PF_SETTINGS=$(pf_settings)
  PF_MASTER_SMTPD=$("$POSTCONF" -c "$PF_ETC" -M "127.0.0.1:$PF_PORT/inet")
}

# ---------------------------------------------------------------- the ceiling
# smtp-sink in its own session: answers every command and discards each
# message. The backlog (1000) is above any session count used here.
SINK_PG=""
SINK_PORT=""
start_sink() {
  SINK_PORT=$(free_port)
  local sink
  sink=$(find_tool smtp-sink)
  setsid "$sink" -u nobody "127.0.0.1:$SINK_PORT" 1000 > "$WORK_DIR/logs/smtp-sink.log" 2>&1 < /dev/null &
  SINK_PG=$!
  for _ in $(seq 1 50); do
    [[ "$(smtp_banner "$SINK_PORT")" == 220* ]] && { log "smtp-sink answers on 127.0.0.1:$SINK_PORT"; return 0; }
    sleep 0.1
  done
  die "smtp-sink did not greet on 127.0.0.1:$SINK_PORT"
}
stop_sink() {
  [[ -n "${SINK_PG:-}" ]] && stop_group "$SINK_PG" 5
  SINK_PG=""
}

# ---------------------------------------------------------------- Sluice side
SLUICE_LOG=""
SLUICE_PORT=""
SLUICE_PG=""
SLUICE_SPOOL=""
SLUICE_STARTS=0

# Starts SLUICE_CMD with a fresh spool directory and a free port, in its own
# session, and waits until it greets on the port.
start_sluice() {
  SLUICE_STARTS=$(( SLUICE_STARTS + 1 ))
  SLUICE_SPOOL="$WORK_DIR/spool-$SLUICE_STARTS"
  SLUICE_LOG="$WORK_DIR/logs/sluice-$SLUICE_STARTS.log"
  relay_start "$SLUICE_CMD" "$SLUICE_SPOOL" "$SLUICE_LOG"
  SLUICE_PORT=$RELAY_PORT
  SLUICE_PG=$RELAY_PG
}

stop_sluice() {
  relay_stop 10
  SLUICE_PG=""
  (( KEEP )) || rm -rf "$SLUICE_SPOOL"
}

# Number of messages in the Sluice spool, or nothing when it cannot be told.
# With the default SLUICE_CMD the relay is stopped (SIGTERM: it finishes what
# it accepted and releases the spool) and `./sluice queue stats` counts the
# spool. Otherwise SLUICE_COUNT_CMD can name any command whose output's first
# integer is that count, and without it the check relies on smtp-source, which
# exits non-zero on the first reply that is not the expected 2xx/3xx.
sluice_spool_count() {
  if [[ -z "$SLUICE_COUNT_CMD" && "$SLUICE_CMD" == "$SLUICE_CMD_DEFAULT" ]]; then
    relay_stop 10
    relay_spool_count "$SLUICE_SPOOL"
    return 0
  fi
  [[ -n "$SLUICE_COUNT_CMD" ]] || return 0
  local out
  out=$(cd "$REPO_DIR" && bash -c "$(relay_expand "$SLUICE_COUNT_CMD" "$SLUICE_SPOOL")" 2>&1) \
    || { log "WARNING: SLUICE_COUNT_CMD failed: $out"; return 0; }
  grep -oE '[0-9]+' <<< "$out" | head -n1 || true
}

# ---------------------------------------------------------------- one run
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RAW="$WORK_DIR/runs.tsv"
: > "$RAW"
mkdir -p "$OUT_DIR"

# smtp_source PORT SESSIONS COUNT OUTFILE STATFILE: runs smtp-source through a
# shell that records its own stat line afterwards (its cutime/cstime are
# smtp-source's CPU time). Returns smtp-source's exit status.
smtp_source() {
  local port="$1" sessions="$2" count="$3" out="$4" statf="$5"
  source_run $(( 600 + count / 20 )) "$out" "$statf" -4 -s "$sessions" -m "$count" -l "$MSG_SIZE" -d \
    -f "$SENDER" -t "$RECIPIENT" "127.0.0.1:$port"
}
SOURCE_FLAGS="-4 -s <sessions> -m <messages> -l $MSG_SIZE -d -f $SENDER -t $RECIPIENT 127.0.0.1:<port>"

# measure SERVER PORT PG SESSIONS COUNT REP: warm-up, then one timed run.
# Appends a row to $RAW.
measure() {
  local server="$1" port="$2" pg="$3" sessions="$4" count="$5" rep="$6"
  local tag="$server-s$sessions-r$rep"
  local out="$WORK_DIR/logs/source-$tag.out" statf="$WORK_DIR/logs/source-$tag.stat"
  local rc=0 warm="$WARMUP"
  [[ "$server" == sluice ]] && warm="$SLUICE_WARMUP"
  [[ "$server" == sink ]] && warm=0
  if (( warm > 0 )); then
    smtp_source "$port" "$sessions" "$warm" "$WORK_DIR/logs/source-$tag-warmup.out" /dev/null || rc=$?
    (( rc == 0 )) || { cat "$WORK_DIR/logs/source-$tag-warmup.out" >&2; die "smtp-source warm-up failed (exit $rc) against $server with $sessions sessions"; }
  fi
  # Flush the previous run's and the warm-up's dirty pages, so they are not
  # written back during the timed run.
  sync -f "$WORK_DIR" 2>/dev/null || sync
  sleep 1
  local load1 s0 s1 m0 m1 t0 t1
  load1=$(cut -d' ' -f1 /proc/loadavg)
  s0=$(group_cpu "$pg"); m0=$(machine_ticks)
  t0=$(date +%s%N)
  smtp_source "$port" "$sessions" "$count" "$out" "$statf" || rc=$?
  t1=$(date +%s%N)
  m1=$(machine_ticks); s1=$(group_cpu "$pg")
  if (( rc != 0 )); then
    echo "---- smtp-source output ----" >&2; cat "$out" >&2
    die "smtp-source failed (exit $rc) against $server on 127.0.0.1:$port with $sessions sessions"
  fi
  [[ -s "$out" ]] && { log "  smtp-source printed:"; sed 's/^/    /' "$out" >&2; }
  local expected=$(( warm + count )) counted="" verified
  if [[ "$server" == postfix ]]; then
    counted=$(pf_queue_count hold)
  elif [[ "$server" == sluice ]]; then
    counted=$(sluice_spool_count)
  fi
  if [[ -z "$counted" ]]; then
    verified="smtp-source"
  elif (( counted == expected )); then
    verified="count"
  else
    die "$server: $counted messages queued after the run, expected $expected (warm-up $warm + $count)"
  fi
  local wall_ns=$(( t1 - t0 ))
  local row
  row=$(awk -v sv="$server" -v s="$sessions" -v r="$rep" -v n="$count" -v w="$warm" -v ns="$wall_ns" \
      -v a="$s0" -v b="$s1" -v ma="$m0" -v mb="$m1" -v ld="$load1" -v q="${counted:--1}" -v vf="$verified" \
      -v hz="$CLK_TCK" -v stat="$(cat "$statf" 2>/dev/null)" '
    BEGIN {
      wall = ns / 1e9; rate = n / wall; scpu = b - a
      x = stat; sub(/.*\) /, "", x); split(x, f, " "); ccpu = (f[14] + f[15]) / hz
      split(ma, p, " "); split(mb, q2, " "); d = q2[2] - p[2]
      busy = d > 0 ? 100 * (q2[1] - p[1]) / d : 0
      printf "%s\t%d\t%d\t%d\t%d\t%.6f\t%.1f\t%.3f\t%.3f\t%.1f\t%s\t%d\t%s\n", sv, s, r, n, w, wall, rate, scpu, ccpu, busy, ld, q, vf
    }')
  echo "$row" >> "$RAW"
  local rate; rate=$(cut -f7 <<< "$row")
  log "  run $rep $server s=$sessions: $count msgs in $(cut -f6 <<< "$row" | xargs printf '%.2f')s = $rate msg/s; queued $( [[ -n "$counted" ]] && echo "$counted/$expected" || echo "n/a (smtp-source exit 0)" ); server_cpu=$(cut -f8 <<< "$row")s client_cpu=$(cut -f9 <<< "$row")s machine_busy=$(cut -f10 <<< "$row")% load1=$load1"
  if awk -v w="$(cut -f6 <<< "$row")" -v m="$MIN_SECONDS" 'BEGIN { exit !(w < m) }'; then
    local knob=MESSAGES
    [[ "$server" == postfix ]] && knob=POSTFIX_MESSAGES
    [[ "$server" == sink ]] && knob=SINK_MESSAGES
    log "  WARNING: the run took under ${MIN_SECONDS}s; raise $knob for a steadier rate"
  fi
}

run_postfix() {
  local sessions="$1" rep="$2" before issues
  pf_empty
  before=$(pf_log_lines)
  measure postfix "$PF_PORT" "$PF_PG" "$sessions" "$POSTFIX_MESSAGES" "$rep"
  issues=$(tail -n +"$(( before + 1 ))" "$PF_LOG" | grep -E 'warning:|error:|fatal:|panic:|reject:' | grep -v 'hold: RCPT' || true)
  if [[ -n "$issues" ]]; then
    log "  WARNING: Postfix logged problems during the run:"
    head -n 10 <<< "$issues" | sed 's/^/    /' >&2
  fi
}

run_sluice() {
  local sessions="$1" rep="$2"
  start_sluice
  measure sluice "$SLUICE_PORT" "$SLUICE_PG" "$sessions" "$MESSAGES" "$rep"
  stop_sluice
}

run_sink() {
  measure sink "$SINK_PORT" "$SINK_PG" "$1" "$SINK_MESSAGES" "$2"
}

# ---------------------------------------------------------------- main
cd "$REPO_DIR"
PF_PG=""; PF_SETTINGS=""; PF_MASTER_SMTPD=""
want_side postfix && setup_postfix
want_side sink && start_sink
if want_side sluice && [[ "$SLUICE_CMD" == "$SLUICE_CMD_DEFAULT" ]]; then
  # Build once now; the runs use that jar even if sources change meanwhile.
  ./sluice --version > /dev/null || die "./sluice could not be built"
  export SLUICE_NO_BUILD=1
fi
log "smtp-source $SOURCE_FLAGS; sessions: ${SESSION_LIST[*]}; $RUNS runs; warm-up Postfix $WARMUP, Sluice $SLUICE_WARMUP; Postfix $POSTFIX_MESSAGES msgs/run, Sluice $MESSAGES msgs/run, smtp-sink $SINK_MESSAGES msgs/run; work dir $WORK_DIR ($FS_TYPE); load average $(cut -d' ' -f1-3 /proc/loadavg)"

# Servers alternate inside each repetition (postfix 20, sluice 20, sink 20,
# postfix 100, ..., then again), so a slow phase of a shared machine hits all.
for rep in $(seq 1 "$RUNS"); do
  for s in "${SESSION_LIST[@]}"; do
    want_side postfix && run_postfix "$s" "$rep"
    want_side sluice && run_sluice "$s" "$rep"
    want_side sink && run_sink "$s" "$rep"
  done
done
pf_stop
stop_sink

# ---------------------------------------------------------------- report
JSON="$OUT_DIR/ingress-vs-postfix-$STAMP.json"
GIT_REV=$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)
SLUICE_DEFAULT=0; [[ "$SLUICE_CMD" == "$SLUICE_CMD_DEFAULT" ]] && SLUICE_DEFAULT=1

awk -F'\t' -v json="$JSON" -v stamp="$STAMP" -v rev="$GIT_REV" -v ncores="$NCORES" \
    -v pfv="$POSTFIX_VERSION" -v src="$SMTP_SOURCE" -v flags="$SOURCE_FLAGS" -v runs="$RUNS" \
    -v warm="$WARMUP" -v swarm="$SLUICE_WARMUP" -v size="$MSG_SIZE" -v slcmd="$SLUICE_CMD" -v sldef="$SLUICE_DEFAULT" \
    -v countcmd="$SLUICE_COUNT_CMD" -v pfset="$PF_SETTINGS" -v pfsmtpd="$PF_MASTER_SMTPD" \
    -v fstype="$FS_TYPE" -v target="$TARGET_RATIO" -v tshare="$TARGET_SHARE" -v sessions="$SESSIONS" \
    -v loadavg="$(cut -d' ' -f1-3 /proc/loadavg)" '
function median(list,   n, a, i, j, t) {
  n = split(list, a, " ")
  for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
  if (n % 2) return a[(n + 1) / 2] + 0
  return (a[n / 2] + a[n / 2 + 1]) / 2
}
function jstr(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); gsub(/\t/, "\\t", s); return "\"" s "\"" }
function jlist(s) { sub(/^ /, "", s); gsub(/ /, ", ", s); return "[" s "]" }
{
  key = $1 SUBSEP $2
  rate[key] = rate[key] " " $7
  # server CPU per accepted message (ms) and the share of the machine used by
  # neither server nor client
  cpu_ms[key] = cpu_ms[key] " " sprintf("%.4f", 1000 * $8 / $4)
  srv_pct[key] = srv_pct[key] " " sprintf("%.1f", 100 * $8 / $6 / ncores)
  cli_pct[key] = cli_pct[key] " " sprintf("%.1f", 100 * $9 / $6 / ncores)
  o = $10 - 100 * ($8 + $9) / $6 / ncores; if (o < 0) o = 0
  oth_pct[key] = oth_pct[key] " " sprintf("%.1f", o)
  raw[++nr] = $0
  has[$1] = 1
}
END {
  ns = split(sessions, sl, " ")
  printf "\nSMTP acceptance, %d-byte payload, smtp-source -d, medians of %d runs (msg/s)\n\n", size, runs
  fmt = "%8s %13s %13s %13s %8s %8s %9s %8s %13s %13s\n"
  printf fmt, "sessions", "postfix msg/s", "sluice msg/s", "ceiling msg/s", "ratio", ">=" target "x", "of ceil.", ">=" tshare "%", "pf CPU ms/msg", "sl CPU ms/msg"
  for (i = 1; i <= ns; i++) {
    s = sl[i]; pk = "postfix" SUBSEP s; sk = "sluice" SUBSEP s; ck = "sink" SUBSEP s
    pm = (pk in rate) ? median(rate[pk]) : 0; sm = (sk in rate) ? median(rate[sk]) : 0
    cm = (ck in rate) ? median(rate[ck]) : 0
    r = (pm > 0 && sm > 0) ? sm / pm : 0
    sh = (cm > 0 && sm > 0) ? 100 * sm / cm : 0
    med_p[s] = pm; med_s[s] = sm; med_c[s] = cm; ratio[s] = r; share[s] = sh
    printf fmt, s, (pm > 0 ? sprintf("%.0f", pm) : "-"), (sm > 0 ? sprintf("%.0f", sm) : "-"), \
      (cm > 0 ? sprintf("%.0f", cm) : "-"), \
      (r > 0 ? sprintf("%.2fx", r) : "-"), (r > 0 ? (r >= target ? "met" : "NOT met") : "-"), \
      (sh > 0 ? sprintf("%.0f%%", sh) : "-"), (sh > 0 ? (sh >= tshare ? "met" : "NOT met") : "-"), \
      ((pk in rate) ? sprintf("%.3f", median(cpu_ms[pk])) : "-"), ((sk in rate) ? sprintf("%.3f", median(cpu_ms[sk])) : "-")
  }
  printf "\nmsg/s of each run, and CPU share of the server, of smtp-source and of everything else (medians):\n"
  for (i = 1; i <= ns; i++) for (v = 1; v <= 3; v++) {
    sv = (v == 1 ? "postfix" : v == 2 ? "sluice" : "sink"); k = sv SUBSEP sl[i]
    if (!(k in rate)) continue
    printf "  %-8s s=%-4s %-28s server %3.0f%%  smtp-source %3.0f%%  other %3.0f%%\n", sv, sl[i], rate[k], \
      median(srv_pct[k]), median(cli_pct[k]), median(oth_pct[k])
  }
  printf "CPU %% is the share of all %d cores; when server + smtp-source + other is near 100 %%,\n", ncores
  printf "the machine, not the server, was the limit.\n"
  if (has["sluice"] && !sldef) printf "NOTE: the Sluice column ran SLUICE_CMD=%s\n", slcmd

  printf "{\n  \"benchmark\": \"ingress-vs-postfix\",\n  \"timestamp\": %s,\n  \"git_revision\": %s,\n", jstr(stamp), jstr(rev) > json
  printf "  \"cores\": %d,\n  \"load_average_at_end\": %s,\n  \"spool_fs\": %s,\n", ncores, jstr(loadavg), jstr(fstype) > json
  printf "  \"smtp_source\": {\"path\": %s, \"flags\": %s, \"payload_bytes\": %d, \"warmup_messages\": {\"postfix\": %d, \"sluice\": %d}},\n", jstr(src), jstr(flags), size, warm, swarm > json
  printf "  \"postfix\": {\"version\": %s, \"smtpd_service\": %s, \"main_cf_non_default\": [", jstr(pfv), jstr(pfsmtpd) > json
  n = split(pfset, ps, "\n")
  for (i = 1; i <= n; i++) printf "%s%s", (i > 1 ? ", " : ""), jstr(ps[i]) > json
  printf "]},\n  \"sluice\": {\"command\": %s, \"default_command\": %s, \"count_command\": %s},\n", jstr(slcmd), (sldef ? "true" : "false"), jstr(countcmd) > json
  printf "  \"target_ratio\": %d,\n  \"target_share_of_ceiling_pct\": %d,\n  \"summary\": [\n", target, tshare > json
  for (i = 1; i <= ns; i++) {
    s = sl[i]; pk = "postfix" SUBSEP s; sk = "sluice" SUBSEP s
    printf "    {\"sessions\": %d, \"postfix_rate_median\": %s, \"sluice_rate_median\": %s, \"ratio\": %s, \"met\": %s, ", s, \
      (med_p[s] > 0 ? sprintf("%.1f", med_p[s]) : "null"), (med_s[s] > 0 ? sprintf("%.1f", med_s[s]) : "null"), \
      (ratio[s] > 0 ? sprintf("%.3f", ratio[s]) : "null"), (ratio[s] > 0 ? (ratio[s] >= target ? "true" : "false") : "null") > json
    printf "\"ceiling_rate_median\": %s, \"share_of_ceiling_pct\": %s, \"ceiling_rates\": %s, ", \
      (med_c[s] > 0 ? sprintf("%.1f", med_c[s]) : "null"), (share[s] > 0 ? sprintf("%.1f", share[s]) : "null"), \
      ((("sink" SUBSEP s) in rate) ? jlist(rate["sink" SUBSEP s]) : "[]") > json
    printf "\"postfix_rates\": %s, \"sluice_rates\": %s, \"postfix_cpu_ms_per_msg_median\": %s, \"sluice_cpu_ms_per_msg_median\": %s}%s\n", \
      ((pk in rate) ? jlist(rate[pk]) : "[]"), ((sk in rate) ? jlist(rate[sk]) : "[]"), \
      ((pk in rate) ? sprintf("%.4f", median(cpu_ms[pk])) : "null"), ((sk in rate) ? sprintf("%.4f", median(cpu_ms[sk])) : "null"), (i < ns ? "," : "") > json
  }
  printf "  ],\n  \"runs\": [\n" > json
  for (i = 1; i <= nr; i++) {
    split(raw[i], g, "\t")
    printf "    {\"server\": %s, \"sessions\": %d, \"run\": %d, \"messages\": %d, \"warmup\": %d, \"wall_s\": %.3f, \"rate\": %s, \"server_cpu_s\": %s, \"client_cpu_s\": %s, \"machine_busy_pct\": %s, \"load1_before\": %s, \"queued_after\": %s, \"verified_by\": %s}%s\n", \
      jstr(g[1]), g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], g[11], (g[12] < 0 ? "null" : g[12]), jstr(g[13]), (i < nr ? "," : "") > json
  }
  printf "  ]\n}\n" > json
}' "$RAW"
echo
echo "JSON: ${JSON#"$REPO_DIR"/}"
