#!/usr/bin/env bash
# Memory of the Sluice relay holding and draining a large backlog: a spool of
# MESSAGES (default 1,000,000) messages of 2 KB, the relay restarted on it and
# draining it at full speed into `sluice simulator` (20 ms latency, no rate or
# quota), side by side in the same run:
#   baseline   the jar started as the launcher started it before it set any
#              JVM default: `java -jar sluice.jar relay ...` (no -Xmx, so the
#              JVM may take a quarter of the machine's memory for its heap)
#   bounded    `./sluice relay ...`, the launcher with its defaults
#   growing    (only when VARIANTS names it) `./sluice relay ...` with the
#              launcher's previous bounds, GROWING_OPTS (default -Xms64m
#              -Xmx512m -XX:+UseSerialGC: a heap, young generation included,
#              that starts small and grows)
# Targets: the draining relay stays under 512 MB RSS at full speed; the idle
# relay holding the backlog stays near 273 MB RSS and ~10 B of live heap per
# queued message. Reports; asserts nothing. See bench/README.md.
#
# Options are environment variables:
#   MESSAGES=1000000    the backlog, one recipient each (100000 for a try)
#   MSG_SIZE=2048       payload bytes per message (smtp-source -l)
#   SESSIONS=20         smtp-source sessions filling the backlog
#   LATENCY=20ms        the simulator's latency
#   IN_FLIGHT=256       the relay's --max-in-flight
#   RUNS=1              repetitions (each drains a fresh copy of the backlog
#                       with each variant, the order alternating); medians
#   VARIANTS="baseline bounded"   which variants, in the first run's order
#                       (baseline, bounded, growing)
#   GROWING_OPTS        the JVM options of the growing variant
#   DRAIN_TIMEOUT=900   seconds a drain may take; a drain stopped by it is
#                       reported with what it delivered
#   IDLE_SETTLE=10      seconds the idle relay runs after it is ready before
#                       its memory is read
#   FIRST_WINDOW=60     seconds of the "first" delivered rate
#   RSS_INTERVAL=0.2    seconds between readings of the relay's VmRSS
#   NMT=0               1 adds -XX:NativeMemoryTracking=summary and GC logs to
#                       both variants and keeps `jcmd VM.native_memory summary`
#                       of the idle relay and of the draining relay at its
#                       first window's end, in bench/out (costs some memory)
#   EXTRA_JAVA_OPTS     more JVM options for both variants
#   BACKLOG_DIR         a held spool of exactly MESSAGES messages to use instead
#                       of filling one (e.g. the backlog of a KEEP=1 run); it is
#                       counted and copied, and its messages are never delivered
#   STALL_TIMEOUT=60    a drain fails when nothing is delivered for this long
#   START_TIMEOUT=600   seconds to wait for the simulator and the relay to start
#   WORK_PARENT=/var/tmp, KEEP=0, OUT_DIR=bench/out   as in relay-vs-postfix.sh
#
# Needs about 3 x MESSAGES x (MSG_SIZE + 0.3 KB) of disk in WORK_PARENT: the
# backlog and two copies. Traffic stays on loopback.
#
# ---------------------------------------------------------------- measurement
# The backlog is made once: the relay is started with --hold (accept, keep, do
# not deliver), smtp-source puts MESSAGES into its spool, the relay is stopped
# and `sluice queue stats` must count them all. For each run and variant the
# spool is copied (cp -a), so every drain starts from the same backlog, then:
#   idle    the relay is started on the copy with --hold; IDLE_SETTLE seconds
#           after it greets, its VmRSS is read ("idle RSS"), `jcmd GC.run`
#           forces a full collection and `jcmd GC.heap_info` gives the heap in
#           use, i.e. the live heap; divided by the queued count it is the live
#           heap per queued message. The relay is stopped.
#   drain   the simulator's counters are reset and the relay is started again
#           on the copy without --hold: the whole backlog is due at once. VmRSS
#           is read every RSS_INTERVAL from /proc/PID/status (peak RSS), and the
#           simulator's accepted count every 0.2 s. Reported: the delivered rate
#           over the first FIRST_WINDOW seconds after the first delivery, the
#           whole drain's rate (MESSAGES - 1 over first to last delivery), the
#           time from the start of the JVM to the first delivery, and the
#           relay's CPU seconds per delivered message.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
BENCH_NAME=backlog-memory
# shellcheck source=bench/lib/common.sh
. "$BENCH_DIR/lib/common.sh"
# shellcheck source=bench/lib/postfix.sh
. "$BENCH_DIR/lib/postfix.sh"
# shellcheck source=bench/lib/simulator.sh
. "$BENCH_DIR/lib/simulator.sh"
# shellcheck source=bench/lib/relay.sh
. "$BENCH_DIR/lib/relay.sh"

# ---------------------------------------------------------------- options
MESSAGES="${MESSAGES:-1000000}"
MSG_SIZE="${MSG_SIZE:-2048}"
SESSIONS="${SESSIONS:-20}"
LATENCY="${LATENCY:-20ms}"
IN_FLIGHT="${IN_FLIGHT:-256}"
RUNS="${RUNS:-1}"
VARIANTS="${VARIANTS:-baseline bounded}"
GROWING_OPTS="${GROWING_OPTS:--Xms64m -Xmx512m -XX:+UseSerialGC}"
DRAIN_TIMEOUT="${DRAIN_TIMEOUT:-900}"
IDLE_SETTLE="${IDLE_SETTLE:-10}"
FIRST_WINDOW="${FIRST_WINDOW:-60}"
RSS_INTERVAL="${RSS_INTERVAL:-0.2}"
NMT="${NMT:-0}"
EXTRA_JAVA_OPTS="${EXTRA_JAVA_OPTS:-}"
STALL_TIMEOUT="${STALL_TIMEOUT:-60}"
START_TIMEOUT="${START_TIMEOUT:-600}"
WORK_PARENT="${WORK_PARENT:-/var/tmp}"
KEEP="${KEEP:-0}"
OUT_DIR="${OUT_DIR:-$BENCH_DIR/out}"
SENDER="sender@example.com"
RCPT_SUFFIX="rcpt@example.net"
TARGET_PEAK_MB=512

case "${1:-}" in
  -h|--help) usage_from_header "${BASH_SOURCE[0]}"; exit 0 ;;
  "") ;;
  *) usage_from_header "${BASH_SOURCE[0]}" >&2; die "options are environment variables; unknown argument: $1" ;;
esac
for v in MESSAGES MSG_SIZE SESSIONS IN_FLIGHT RUNS DRAIN_TIMEOUT IDLE_SETTLE FIRST_WINDOW STALL_TIMEOUT START_TIMEOUT; do
  is_uint "${!v}" || die "bad $v: ${!v}"
done
(( MESSAGES >= 1000 && MESSAGES <= 10000000 )) || die "MESSAGES must be 1000..10000000"
(( RUNS >= 1 && RUNS <= 10 && SESSIONS >= 1 && IN_FLIGHT >= 1 && FIRST_WINDOW >= 1 )) \
  || die "RUNS must be 1..10, SESSIONS, IN_FLIGHT and FIRST_WINDOW >= 1"
(( DRAIN_TIMEOUT >= 10 && DRAIN_TIMEOUT <= 7200 )) || die "DRAIN_TIMEOUT must be 10..7200 seconds"
[[ "$RSS_INTERVAL" =~ ^[0-9]*\.?[0-9]+$ ]] || die "bad RSS_INTERVAL: $RSS_INTERVAL"
[[ "$NMT" == 0 || "$NMT" == 1 ]] || die "NMT must be 0 or 1"
[[ "$KEEP" == 0 || "$KEEP" == 1 ]] || die "KEEP must be 0 or 1"
for v in $VARIANTS; do [[ "$v" == baseline || "$v" == bounded || "$v" == growing ]] || die "unknown variant: $v (baseline, bounded, growing)"; done
[[ -n "$VARIANTS" ]] || die "VARIANTS is empty"

# ---------------------------------------------------------------- tools
pf_tools   # smtp-source
ensure_command curl curl
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
# shellcheck source=.mvn/find-jdk.sh
. "$REPO_DIR/.mvn/find-jdk.sh"
JDK="$(sluice_find_jdk)" || die "no JDK 21 or newer found"
JCMD="$JDK/bin/jcmd"
[[ -x "$JCMD" ]] || die "$JCMD is missing (a JDK, not a JRE, is needed)"

mkdir -p "$WORK_PARENT" "$OUT_DIR"
WORK_DIR="$(mktemp -d "$WORK_PARENT/sluice-backlog.XXXXXX")"
require_disk_fs "$WORK_DIR"
mkdir -p "$WORK_DIR/logs"
need_kb=$(( 3 * MESSAGES * (MSG_SIZE + 300) / 1024 ))
free_kb=$(df -Pk "$WORK_DIR" | awk 'NR == 2 { print $4 }')
(( free_kb > need_kb )) || die "$WORK_DIR has $(( free_kb / 1024 )) MB free; the backlog and its copies need about $(( need_kb / 1024 )) MB"

RSS_PID=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n "$SRC_PID" ]]; then
    kill -TERM -- "-$SRC_PID" 2>/dev/null || kill -TERM "$SRC_PID" 2>/dev/null || true
  fi
  [[ -n "$RSS_PID" ]] && kill "$RSS_PID" 2>/dev/null
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
JAR="$REPO_DIR/sluice-app/target/run/sluice.jar"
[[ -f "$JAR" ]] || die "$JAR is missing after ./sluice --version"

# ---------------------------------------------------------------- helpers
# The relay's command for a variant; relay_start fills in {port}, {dir} and
# {upstream}. The JVM options go in through SLUICE_JAVA_OPTS (bounded) or on the
# java command line (baseline), the extra ones last in both.
FLAGS='--http-port off --admin-port off --smtp-port {port} --spool-dir {dir}'
relay_cmd() {
  local variant="$1" mode="$2" tag="$3" opts="$EXTRA_JAVA_OPTS" flags
  if [[ "$mode" == hold ]]; then
    flags="--hold $FLAGS"
  else
    flags="--hold=false $FLAGS --upstream {upstream} --max-in-flight $IN_FLIGHT"
  fi
  if (( NMT )); then
    opts="-XX:NativeMemoryTracking=summary -Xlog:gc*:file=$WORK_DIR/logs/gc-$tag.log $opts"
  fi
  if [[ "$variant" == baseline ]]; then
    printf '%s' "$JDK/bin/java --enable-native-access=ALL-UNNAMED $opts -jar $JAR relay $flags"
  elif [[ "$variant" == growing ]]; then
    printf '%s' "env SLUICE_JAVA_OPTS='$GROWING_OPTS $opts' ./sluice relay $flags"
  else
    printf '%s' "env SLUICE_JAVA_OPTS='$opts' ./sluice relay $flags"
  fi
}

# The relay's JVM: RELAY_PG is the process the launcher exec'd into.
relay_pid() {
  local p="$RELAY_PG" c
  # ./sluice execs java; `env` execs ./sluice: the group leader is the JVM.
  c=$(tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null || true)
  [[ "$c" == *java* ]] || die "the relay's process $p is not a JVM: $c"
  echo "$p"
}

rss_kb() { awk '$1 == "VmRSS:" { print $2; exit }' "/proc/$1/status" 2>/dev/null || echo 0; }

# VmRSS every RSS_INTERVAL: "epoch-seconds kB", bash built-ins only.
_rss_loop() {
  local pid="$1" out="$2" k v _r
  while :; do
    { while read -r k v _r; do
        [[ "$k" == VmRSS: ]] && { printf '%s %s\n' "$EPOCHREALTIME" "$v" >> "$out"; break; }
      done < "/proc/$pid/status"; } 2>/dev/null || break
    sleep "$RSS_INTERVAL"
  done
}
rss_start() { : > "$2"; _rss_loop "$1" "$2" & RSS_PID=$!; }
rss_stop() {
  [[ -n "$RSS_PID" ]] || return 0
  kill "$RSS_PID" 2>/dev/null || true
  wait "$RSS_PID" 2>/dev/null || true
  RSS_PID=""
}

# Heap in use after a full collection, in kB: the sum of "used NK" over the
# lines of GC.heap_info that give a "total" (G1's one heap line, the two
# generations of the Parallel and Serial collectors; not Metaspace's).
live_heap_kb() {
  local pid="$1" out="$2"
  "$JCMD" "$pid" GC.run > /dev/null 2>&1 || { echo 0; return 0; }
  sleep 1
  "$JCMD" "$pid" GC.heap_info > "$out" 2>&1 || { echo 0; return 0; }
  awk '/ total / && / used / { for (i = 1; i < NF; i++) if ($i == "used") { v = $(i + 1); sub(/[,K]+$/, "", v); s += v } }
    END { print s + 0 }' "$out"
}

max_heap_mb() {
  "$JCMD" "$1" VM.flags 2>/dev/null | tr ' ' '\n' | awk -F= '$1 == "-XX:MaxHeapSize" { printf "%d", $2 / 1048576; exit }'
}

# ---------------------------------------------------------------- the backlog
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
INFO="$OUT_DIR/backlog-memory-$STAMP"
RAW="$WORK_DIR/runs.tsv"
: > "$RAW"
log "backlog $MESSAGES x $MSG_SIZE B; latency $LATENCY; $IN_FLIGHT in flight; $RUNS run(s) of: $VARIANTS; work dir $WORK_DIR ($FS_TYPE); load average $(cut -d' ' -f1-3 /proc/loadavg)"

# The inspection ring stays small: the simulator counts every accepted message
# but keeps only the last thousand.
sim_start "$WORK_DIR/logs/simulator.log" "$WORK_DIR/simulator.pem" --latency "$LATENCY" \
  --max-send-rate unlimited --max-24h-send unlimited --inbox-size 1000 --inbox-bytes 16MB
RELAY_UPSTREAM="ses-v2+http://127.0.0.1:$SIM_HTTP_PORT"

if [[ -n "${BACKLOG_DIR:-}" ]]; then
  BACKLOG="$BACKLOG_DIR"
  [[ -d "$BACKLOG" ]] || die "BACKLOG_DIR $BACKLOG is not a directory"
else
  BACKLOG="$WORK_DIR/backlog"
  relay_start "./sluice relay --hold $FLAGS" "$BACKLOG" "$WORK_DIR/logs/relay-fill.log"
  log "filling the held spool with $MESSAGES messages ($SESSIONS sessions)"
  t_fill=$EPOCHREALTIME
  rc=0
  source_run $(( 600 + MESSAGES / 5 )) "$WORK_DIR/logs/source.out" "$WORK_DIR/logs/source.stat" \
    -4 -s "$SESSIONS" -m "$MESSAGES" -l "$MSG_SIZE" -d -N -f "$SENDER" -t "$RCPT_SUFFIX" "127.0.0.1:$RELAY_PORT" || rc=$?
  (( rc == 0 )) || { cat "$WORK_DIR/logs/source.out" >&2; die "smtp-source failed (exit $rc)"; }
  relay_stop 60
  log "  filled in $(awk -v a="$t_fill" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }') s"
fi
held=$(relay_spool_count "$BACKLOG")
[[ "$held" == "$MESSAGES" ]] || die "the held spool $BACKLOG has '${held}' messages, expected $MESSAGES"
log "  backlog in the spool: $held messages, $(du -sm "$BACKLOG" | cut -f1) MB"

# ---------------------------------------------------------------- one variant
run_variant() {
  local rep="$1" variant="$2" tag="$1-$2" spool="$WORK_DIR/spool-$1-$2"
  log "run $rep, $variant: copying the backlog"
  cp -a "$BACKLOG" "$spool"
  sync -f "$WORK_DIR" 2>/dev/null || sync

  # 1. idle, holding the backlog
  relay_start "$(relay_cmd "$variant" hold "$tag-idle")" "$spool" "$WORK_DIR/logs/relay-$tag-idle.log"
  local pid; pid=$(relay_pid)
  sleep "$IDLE_SETTLE"
  local idle_rss live_kb idle_rss_gc xmx
  idle_rss=$(rss_kb "$pid")
  xmx=$(max_heap_mb "$pid")
  (( NMT )) && "$JCMD" "$pid" VM.native_memory summary > "$INFO-nmt-$tag-idle.txt" 2>&1
  live_kb=$(live_heap_kb "$pid" "$WORK_DIR/logs/heap-$tag-idle.txt")
  idle_rss_gc=$(rss_kb "$pid")
  relay_stop 60
  log "  idle: RSS $(( idle_rss / 1024 )) MB ($(( idle_rss_gc / 1024 )) MB after a full GC), live heap $(( live_kb / 1024 )) MB = $(awk -v k="$live_kb" -v n="$MESSAGES" 'BEGIN { printf "%.1f", k * 1024 / n }') B per queued message, max heap ${xmx} MB"

  # 2. drain
  sim_reset
  local samples="$WORK_DIR/samples-$tag.txt" rss="$WORK_DIR/rss-$tag.txt" ld; ld=$(load1)
  local m0; m0=$(machine_ticks)
  sim_poll_start "$samples" 0.2
  local t0=$EPOCHREALTIME
  relay_start "$(relay_cmd "$variant" drain "$tag-drain")" "$spool" "$WORK_DIR/logs/relay-$tag-drain.log"
  pid=$(relay_pid)
  rss_start "$pid" "$rss"
  local s0; s0=$(group_cpu "$RELAY_PG")
  local n=0 seen=-1 since last start timed_out=0 nmt_done=$(( 1 - NMT )) t_first=""
  start=$(date +%s); since=$start
  while :; do
    last=$(sim_poll_last "$samples"); n=${last#* }
    [[ -n "$last" && "$n" =~ ^[0-9]+$ ]] || n=0
    (( n >= MESSAGES )) && break
    if [[ -z "$t_first" ]] && (( n > 0 )); then t_first=$(date +%s); fi
    if (( ! nmt_done )) && [[ -n "$t_first" ]] && (( $(date +%s) - t_first >= FIRST_WINDOW )); then
      "$JCMD" "$pid" VM.native_memory summary > "$INFO-nmt-$tag-drain.txt" 2>&1 || true
      nmt_done=1
    fi
    if (( n != seen )); then
      (( seen >= 0 && n / 100000 != seen / 100000 )) && log "  delivered $n of $MESSAGES, RSS $(( $(rss_kb "$pid") / 1024 )) MB"
      seen=$n; since=$(date +%s)
    fi
    if (( $(date +%s) - start >= DRAIN_TIMEOUT )); then
      log "  DRAIN_TIMEOUT: ${DRAIN_TIMEOUT}s passed at $n of $MESSAGES"
      timed_out=1; break
    fi
    if (( $(date +%s) - since >= STALL_TIMEOUT )); then
      tail -n 20 "$WORK_DIR/logs/relay-$tag-drain.log" | sed 's/^/    /' >&2
      die "run $rep, $variant: no delivery for ${STALL_TIMEOUT}s at $n of $MESSAGES"
    fi
    sleep 0.5
  done
  local s1; s1=$(group_cpu "$RELAY_PG")
  local m1; m1=$(machine_ticks)
  rss_stop
  sim_poll_stop
  xmx=$(max_heap_mb "$pid")
  relay_stop 60
  local total; total=$(sim_total)
  local peak_rss; peak_rss=$(awk '$2 > m { m = $2 } END { print m + 0 }' "$rss")
  local row
  row=$(awk -v rep="$rep" -v variant="$variant" -v N="$MESSAGES" -v w="$FIRST_WINDOW" -v t0="$t0" \
      -v idle="$idle_rss" -v idlegc="$idle_rss_gc" -v live="$live_kb" -v peak="$peak_rss" -v xmx="${xmx:-0}" \
      -v total="$total" -v to="$timed_out" -v cpu="$(awk -v a="$s0" -v b="$s1" 'BEGIN { print b - a }')" \
      -v busy="$(machine_busy_pct "$m0" "$m1")" -v ld="$ld" '
    NF == 2 { n++; t[n] = $1; c[n] = $2 }
    function at(x,   i) {   # delivered count at time x, interpolated
      if (n == 0 || x <= t[1]) return n ? c[1] : 0
      for (i = 2; i <= n; i++) if (t[i] >= x) return c[i - 1] + (x - t[i - 1]) * (c[i] - c[i - 1]) / (t[i] - t[i - 1])
      return c[n]
    }
    function cross(k,   i) {
      for (i = 1; i <= n; i++) if (c[i] >= k) {
        if (i == 1 || c[i] == c[i - 1]) return t[i]
        return t[i - 1] + (k - c[i - 1]) * (t[i] - t[i - 1]) / (c[i] - c[i - 1])
      }
      return -1
    }
    END {
      tf = cross(1); tl = cross(N); last = n ? c[n] : 0
      first = (tf >= 0) ? (at(tf + w) - 1) / w : 0
      if (tf >= 0 && t[n] < tf + w) first = (last - 1) / (t[n] - tf)   # drained within the window
      whole = (tf >= 0 && tl > tf) ? (N - 1) / (tl - tf) : (tf >= 0 && t[n] > tf ? (last - 1) / (t[n] - tf) : 0)
      printf "%d\t%s\t%d\t%d\t%d\t%.1f\t%d\t%d\t%.1f\t%.1f\t%.2f\t%.2f\t%d\t%d\t%.3f\t%.1f\t%s\n",
        rep, variant, idle, idlegc, live, live * 1024 / N, peak, xmx, first, whole, (tf >= 0 ? tf - t0 : -1),
        (tl >= 0 ? tl - tf : t[n] - tf), total, to, (total > 0 ? 1000 * cpu / total : 0), busy, ld
    }' "$samples")
  echo "$row" >> "$RAW"
  local f
  IFS=$'\t' read -r -a f <<< "$row"
  log "  drain: peak RSS $(( peak_rss / 1024 )) MB (max heap ${xmx} MB); first ${FIRST_WINDOW}s ${f[8]} msg/s, whole drain ${f[9]} msg/s over ${f[11]}s; first delivery ${f[10]}s after the start; delivered $total$( (( timed_out )) && echo ' (time bound)'); relay CPU ${f[14]} ms/msg; machine ${f[15]} % busy"
  cp "$rss" "$INFO-rss-$tag.txt"
  (( KEEP )) || rm -rf "$spool"
}

for rep in $(seq 1 "$RUNS"); do
  order=$VARIANTS
  (( rep % 2 == 0 )) && order=$(tr ' ' '\n' <<< "$VARIANTS" | grep . | tac | paste -sd' ')
  for variant in $order; do run_variant "$rep" "$variant"; done
done
sim_stop

# ---------------------------------------------------------------- report
JSON="$INFO.json"
GIT_REV=$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)
awk -F'\t' -v json="$JSON" -v stamp="$STAMP" -v rev="$GIT_REV" -v ncores="$NCORES" -v n="$MESSAGES" \
    -v size="$MSG_SIZE" -v latency="$LATENCY" -v inflight="$IN_FLIGHT" -v target="$TARGET_PEAK_MB" \
    -v w="$FIRST_WINDOW" -v bcmd="$(relay_cmd baseline drain x)" -v ccmd="$(relay_cmd bounded drain x)" \
    -v memtotal="$(awk '$1 == "MemTotal:" { print int($2 / 1024) }' /proc/meminfo)" \
    -v loadavg="$(cut -d' ' -f1-3 /proc/loadavg)" -v fstype="$FS_TYPE" '
function median(list,   k, a, i, j, t) {
  k = split(list, a, " ")
  for (i = 2; i <= k; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
  if (k % 2) return a[(k + 1) / 2] + 0
  return (a[k / 2] + a[k / 2 + 1]) / 2
}
function jstr(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }
# 1 rep 2 variant 3 idle_rss_kb 4 idle_rss_after_gc_kb 5 live_heap_kb 6 live_b_per_msg 7 peak_rss_kb 8 max_heap_mb
# 9 first_rate 10 whole_rate 11 first_delivery_s 12 drain_s 13 delivered 14 timed_out 15 cpu_ms_per_msg 16 busy_pct 17 load1
{ nr++; raw[nr] = $0; v = $2; if (!(v in seen)) { seen[v] = 1; order[++nv] = v }
  idle[v] = idle[v] " " $3 / 1024; live[v] = live[v] " " $6; peak[v] = peak[v] " " $7 / 1024; xmx[v] = $8
  first[v] = first[v] " " $9; whole[v] = whole[v] " " $10; cpu[v] = cpu[v] " " $15; if ($14) to[v]++ }
END {
  printf "\nBacklog of %d messages (%d B), simulator latency %s, %d in flight; medians of %d run(s)\n\n", n, size, latency, inflight, nr / (nv ? nv : 1)
  fmt = "%-10s %9s %10s %10s %12s %10s %12s %10s\n"
  printf fmt, "variant", "max heap", "idle RSS", "live heap", "peak RSS", "first " w "s", "whole drain", "relay CPU"
  printf fmt, "", "MB", "MB", "B/msg", "draining MB", "msg/s", "msg/s", "ms/msg"
  for (i = 1; i <= nv; i++) { v = order[i]
    m_idle[v] = median(idle[v]); m_live[v] = median(live[v]); m_peak[v] = median(peak[v])
    m_first[v] = median(first[v]); m_whole[v] = median(whole[v]); m_cpu[v] = median(cpu[v])
    printf fmt, v, xmx[v], sprintf("%.0f", m_idle[v]), sprintf("%.1f", m_live[v]), sprintf("%.0f", m_peak[v]) (m_peak[v] < target ? "" : " (!)"),
      sprintf("%.0f", m_first[v]), sprintf("%.0f", m_whole[v]) (to[v] ? " (time bound)" : ""), sprintf("%.3f", m_cpu[v]) }
  if (("baseline" in seen) && ("bounded" in seen) && m_peak["baseline"] > 0 && m_first["baseline"] > 0 && m_whole["baseline"] > 0) {
    printf "\nbounded / baseline: peak RSS %.2f, idle RSS %.2f, first-%ds rate %.3f, whole-drain rate %.3f\n",
      m_peak["bounded"] / m_peak["baseline"], m_idle["bounded"] / m_idle["baseline"], w,
      m_first["bounded"] / m_first["baseline"], m_whole["bounded"] / m_whole["baseline"]
  }
  if ("bounded" in seen) printf "target: peak RSS draining < %d MB: %s\n", target, (m_peak["bounded"] < target ? "met" : "NOT met")
  printf "\neach run: variant, idle RSS (after a full GC), live heap, peak RSS, first / whole rate, drain time, first delivery after start, machine busy, load\n"
  for (i = 1; i <= nr; i++) { split(raw[i], g, "\t")
    printf "  run %d %-8s idle %.0f MB (%.0f)  live %.1f B/msg  peak %.0f MB  %.0f / %.0f msg/s  %.1fs  first after %.1fs  %.0f %% busy  load %s%s\n",
      g[1], g[2], g[3] / 1024, g[4] / 1024, g[6], g[7] / 1024, g[9], g[10], g[12], g[11], g[16], g[17], (g[14] ? "  (time bound)" : "") }

  printf "{\n  \"benchmark\": \"backlog-memory\",\n  \"timestamp\": %s,\n  \"git_revision\": %s,\n  \"cores\": %d,\n  \"mem_total_mb\": %d,\n", jstr(stamp), jstr(rev), ncores, memtotal > json
  printf "  \"load_average_at_end\": %s,\n  \"work_fs\": %s,\n", jstr(loadavg), jstr(fstype) > json
  printf "  \"backlog\": %d,\n  \"message_bytes\": %d,\n  \"simulator_latency\": %s,\n  \"max_in_flight\": %d,\n  \"first_window_s\": %d,\n", n, size, jstr(latency), inflight, w > json
  printf "  \"commands\": {\"baseline\": %s, \"bounded\": %s},\n  \"target_peak_rss_mb\": %d,\n  \"medians\": {", jstr(bcmd), jstr(ccmd), target > json
  for (i = 1; i <= nv; i++) { v = order[i]
    printf "%s\n    %s: {\"max_heap_mb\": %d, \"idle_rss_mb\": %.1f, \"live_heap_bytes_per_message\": %.2f, \"peak_rss_mb\": %.1f, \"first_window_msg_per_s\": %.1f, \"whole_drain_msg_per_s\": %.1f, \"relay_cpu_ms_per_msg\": %.3f}",
      (i > 1 ? "," : ""), jstr(v), xmx[v], m_idle[v], m_live[v], m_peak[v], m_first[v], m_whole[v], m_cpu[v] > json }
  printf "\n  },\n  \"runs\": [" > json
  for (i = 1; i <= nr; i++) { split(raw[i], g, "\t")
    printf "%s\n    {\"run\": %d, \"variant\": %s, \"idle_rss_kb\": %d, \"idle_rss_after_gc_kb\": %d, \"live_heap_kb\": %d, \"live_heap_bytes_per_message\": %s, \"peak_rss_kb\": %d, \"max_heap_mb\": %d, \"first_window_msg_per_s\": %s, \"whole_drain_msg_per_s\": %s, \"first_delivery_after_start_s\": %s, \"drain_s\": %s, \"delivered\": %d, \"time_bound_hit\": %s, \"relay_cpu_ms_per_msg\": %s, \"machine_busy_pct\": %s, \"load1_at_start\": %s}",
      (i > 1 ? "," : ""), g[1], jstr(g[2]), g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], g[11], g[12], g[13], (g[14] ? "true" : "false"), g[15], g[16], g[17] > json }
  printf "\n  ]\n}\n" > json
}' "$RAW"
log "result: $JSON"
