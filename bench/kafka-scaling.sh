#!/usr/bin/env bash
# Distributed mode: the aggregate delivered rate of 1, 2 and 3 relay nodes
# sharing one Kafka broker and one simulator with 50 ms latency, and how
# closely 3 nodes together keep to the account's MaxSendRate.
# Reports; asserts nothing. See bench/README.md.
#
# Options are environment variables:
#   NODES="1 2 3"       node counts to measure, in this order within each repetition
#   RUNS=3              repetitions; medians reported (0: the accuracy run only)
#   MESSAGES=12000      messages per scaling run, spread evenly over the nodes
#   SESSIONS=8          smtp-source sessions per node (-s)
#   MSG_SIZE=2048       payload bytes per message (smtp-source -l)
#   LATENCY=50ms        the simulator's latency
#   IN_FLIGHT=16        each node's --max-in-flight: upstream calls at once, so
#                       one node's bound is IN_FLIGHT / LATENCY (320/s)
#   NODE_CPU=           a CPU budget per relay node, in CPUs (e.g. 0.3): each
#                       node runs in its own cgroup with the kernel's cpu
#                       controller (cgroup v1 cpu.cfs_quota_us or v2 cpu.max;
#                       needs root); empty = no budget
#   PARTITIONS=12       partitions of every topic
#   RATE=300            MaxSendRate of the accuracy run (recipients/s)
#   RATE_MESSAGES=18000 backlog of the accuracy run (60 s at RATE)
#   RATE_NODES=3        nodes of the accuracy run
#   RATE_RUNS=3         accuracy runs; median reported (0: none)
#   POLL_INTERVAL=0.2   seconds between readings of the simulator's count
#   STALL_TIMEOUT=60    a run fails when nothing is delivered for this long
#   START_TIMEOUT=600
#   WORK_PARENT=/var/tmp
#   KEEP=0              1 = keep the work directory (logs, samples)
#   OUT_DIR=bench/out
#
# ---------------------------------------------------------------- measurement
# One broker for the whole script: the in-JVM KRaft broker of the tests
# (dev.sluice.kafka.EmbeddedKafka from sluice-kafka's test classes, run with
# the module's test classpath; one node, replication factor 1). One
# simulator: --latency LATENCY, unlimited rate for the scaling runs.
#
# Scaling run with N nodes: first a backlog of MESSAGES is put into fresh
# topics through N relay nodes that send at 1 recipient/s in all (one
# smtp-source per node, MESSAGES / N each), and those nodes are stopped: what
# they did not send stays in Kafka, uncommitted. Then N nodes (`java -jar
# sluice-app/target/sluice.jar relay --spool-backend kafka ...`, each with
# --max-in-flight IN_FLIGHT and --max-send-rate unlimited) start on the same
# topics and group and drain it; so the measurement is of delivery alone, not
# bounded by how fast smtp-source can inject through acks=all. A poller reads
# the simulator's accepted count; the delivered rate is the rate between 10 %
# and 90 % of the backlog, as in relay-vs-postfix.sh. Checks: the simulator
# accepted the whole backlog (no loss; more would be duplicates).
#
# Why IN_FLIGHT is small: every process shares this machine's 2 cores, so
# adding nodes here cannot add CPU. With few calls in flight per node, each
# node is bound by its own connections and the latency (IN_FLIGHT / LATENCY),
# which is what adding nodes (on their own machines) adds; the ratio then shows
# that partitions, the group and the shared topics let N nodes deliver N times
# what one does, until the machine is the limit.
#
# CPU budgets (NODE_CPU): on one small machine the broker, the simulator and
# every node share the cores, so without a budget adding nodes adds no CPU and
# the ratio shows the machine, not the design. With NODE_CPU each node gets a
# fixed share (its cgroup's CFS quota per 100 ms period) and the broker and the
# simulator the rest; with IN_FLIGHT high enough that the budget, not the
# connections, bounds a node, N nodes then have N times one node's CPU, as N
# machines would. Each run reports the CPU split over the drain (nodes, broker,
# simulator, the rest of the machine) and how often the nodes were throttled.
#
# Accuracy run: a backlog of RATE_MESSAGES is built the same way, the
# simulator's MaxSendRate is set to RATE (PUT /_sluice/quota), and RATE_NODES
# nodes start with --max-send-rate account: each reads MaxSendRate from
# GetAccount and takes its share of the partitions as its share of the rate.
# The delivered rate between 10 % and 90 % of the backlog is compared with
# RATE; throttled calls come from the simulator's /metrics.

set -euo pipefail
BENCH_NAME=kafka-scaling
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
# shellcheck source=bench/lib/common.sh
. "$BENCH_DIR/lib/common.sh"
# shellcheck source=bench/lib/postfix.sh
. "$BENCH_DIR/lib/postfix.sh"
# shellcheck source=bench/lib/simulator.sh
. "$BENCH_DIR/lib/simulator.sh"

NODES="${NODES:-1 2 3}"
RUNS="${RUNS:-3}"
MESSAGES="${MESSAGES:-12000}"
SESSIONS="${SESSIONS:-8}"
MSG_SIZE="${MSG_SIZE:-2048}"
LATENCY="${LATENCY:-50ms}"
IN_FLIGHT="${IN_FLIGHT:-16}"
PARTITIONS="${PARTITIONS:-12}"
RATE="${RATE:-300}"
RATE_MESSAGES="${RATE_MESSAGES:-18000}"
RATE_NODES="${RATE_NODES:-3}"
RATE_RUNS="${RATE_RUNS:-3}"
POLL_INTERVAL="${POLL_INTERVAL:-0.2}"
STALL_TIMEOUT="${STALL_TIMEOUT:-60}"
START_TIMEOUT="${START_TIMEOUT:-600}"
WORK_PARENT="${WORK_PARENT:-/var/tmp}"
KEEP="${KEEP:-0}"
OUT_DIR="${OUT_DIR:-$BENCH_DIR/out}"
NODE_CPU="${NODE_CPU:-}"
SENDER="sender@example.com"

case "${1:-}" in
  -h|--help) usage_from_header "${BASH_SOURCE[0]}"; exit 0 ;;
  "") ;;
  *) usage_from_header "${BASH_SOURCE[0]}" >&2; die "options are environment variables; unknown argument: $1" ;;
esac
for v in RUNS MESSAGES SESSIONS MSG_SIZE IN_FLIGHT PARTITIONS RATE RATE_MESSAGES RATE_NODES RATE_RUNS STALL_TIMEOUT START_TIMEOUT; do
  is_uint "${!v}" || die "bad $v: ${!v}"
done
for n in $NODES; do is_uint "$n" && (( n >= 1 && n <= PARTITIONS )) || die "bad node count in NODES: $n"; done
(( MESSAGES >= 1000 && RATE >= 1 )) || die "RATE must be >= 1, MESSAGES >= 1000"
if [[ -n "$NODE_CPU" ]]; then
  [[ "$NODE_CPU" =~ ^[0-9]*\.?[0-9]+$ ]] && awk -v c="$NODE_CPU" 'BEGIN { exit !(c >= 0.01 && c <= 64) }' \
    || die "bad NODE_CPU: $NODE_CPU (CPUs per node, e.g. 0.3)"
fi

pf_tools   # smtp-source
ensure_command curl curl
ensure_command jq jq
ulimit -n 65536 2>/dev/null || true

mkdir -p "$WORK_PARENT" "$OUT_DIR"
WORK_DIR="$(mktemp -d "$WORK_PARENT/sluice-kafka.XXXXXX")"
mkdir -p "$WORK_DIR/logs"
KAFKA_PG=""
NODE_PGS=()

# ---------------------------------------------------------------- cgroups
# CG_ROOT: this run's cgroup (one child per node), CG_VERSION 1 or 2; empty
# without NODE_CPU.
CG_ROOT=""
CG_VERSION=""
CG_PERIOD_US=100000
cg_setup() {
  [[ -n "$NODE_CPU" ]] || return 0
  (( EUID == 0 )) || die "NODE_CPU needs root (the cpu cgroup controller)"
  if [[ -f /sys/fs/cgroup/cpu/cpu.cfs_quota_us ]]; then
    CG_VERSION=1; CG_ROOT="/sys/fs/cgroup/cpu/sluice-bench-$$"
  elif [[ -f /sys/fs/cgroup/cgroup.controllers ]] && grep -qw cpu /sys/fs/cgroup/cgroup.controllers; then
    CG_VERSION=2; CG_ROOT="/sys/fs/cgroup/sluice-bench-$$"
    grep -qw cpu /sys/fs/cgroup/cgroup.subtree_control || echo +cpu > /sys/fs/cgroup/cgroup.subtree_control \
      || die "could not enable the cpu controller for child cgroups"
  else
    die "NODE_CPU needs the cpu cgroup controller (cgroup v1 cpu, or v2 with cpu in cgroup.controllers)"
  fi
  mkdir "$CG_ROOT" || die "could not create the cgroup $CG_ROOT"
  [[ $CG_VERSION == 2 ]] && echo +cpu > "$CG_ROOT/cgroup.subtree_control"
  log "CPU budget: $NODE_CPU CPU per node (cgroup v$CG_VERSION, $CG_ROOT)"
}
# cg_node I: the cgroup of node I, made with its quota; prints its path
cg_node() {
  local dir="$CG_ROOT/node$1" quota
  quota=$(awk -v c="$NODE_CPU" -v p="$CG_PERIOD_US" 'BEGIN { printf "%d", c * p }')
  if [[ ! -d "$dir" ]]; then
    mkdir "$dir"
    if [[ $CG_VERSION == 1 ]]; then
      echo "$CG_PERIOD_US" > "$dir/cpu.cfs_period_us"
      echo "$quota" > "$dir/cpu.cfs_quota_us"
    else
      echo "$quota $CG_PERIOD_US" > "$dir/cpu.max"
    fi
  fi
  echo "$dir"
}
# cg_throttled: periods in which the nodes' cgroups were throttled, summed
cg_throttled() {
  local f sum=0 v
  [[ -n "$CG_ROOT" ]] || { echo 0; return; }
  for f in "$CG_ROOT"/node*/cpu.stat; do
    [[ -f "$f" ]] || continue
    v=$(awk '$1 == "nr_throttled" { print $2 }' "$f"); sum=$(( sum + ${v:-0} ))
  done
  echo "$sum"
}
cg_cleanup() {
  [[ -n "$CG_ROOT" && -d "$CG_ROOT" ]] || return 0
  local d
  for d in "$CG_ROOT"/node*; do [[ -d "$d" ]] && rmdir "$d" 2>/dev/null; done
  rmdir "$CG_ROOT" 2>/dev/null || echo "$BENCH_NAME: could not remove $CG_ROOT" >&2
}

stop_nodes() {
  local pg
  for pg in "${NODE_PGS[@]}"; do stop_group "$pg" 30; done
  NODE_PGS=()
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_nodes
  sim_stop
  [[ -n "$SIM_PG" ]] && stop_group "$SIM_PG" 10
  [[ -n "$KAFKA_PG" ]] && stop_group "$KAFKA_PG" 20
  cg_cleanup
  if (( KEEP )); then
    echo "$BENCH_NAME: work directory kept: $WORK_DIR" >&2
  else
    rm -rf "$WORK_DIR"
    (( rc == 0 )) || echo "$BENCH_NAME: failed (exit $rc); KEEP=1 keeps the logs" >&2
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cd "$REPO_DIR"
./sluice --version > /dev/null || die "./sluice could not be built"
cg_setup
export SLUICE_NO_BUILD=1
# The broker and the nodes run on the JDK the launcher uses (>= 21), whatever `java` is first on PATH.
# shellcheck source=../.mvn/find-jdk.sh
. "$REPO_DIR/.mvn/find-jdk.sh"
JAVA_HOME="$(sluice_find_jdk)" || exit 1
export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"

# ---------------------------------------------------------------- the broker
log "resolving sluice-kafka's test classpath"
# test-compile in the same invocation lets the reactor hand sluice-core over as
# its classes directory; the file is written by each module, sluice-kafka last.
./mvnw -q -B -o test-compile dependency:build-classpath -pl sluice-kafka -am -Dmdep.includeScope=test \
  -Dmdep.outputFile="$WORK_DIR/kafka.cp" > "$WORK_DIR/logs/classpath.log" 2>&1 \
  || ./mvnw -q -B test-compile dependency:build-classpath -pl sluice-kafka -am -Dmdep.includeScope=test \
       -Dmdep.outputFile="$WORK_DIR/kafka.cp" >> "$WORK_DIR/logs/classpath.log" 2>&1 \
  || { cat "$WORK_DIR/logs/classpath.log" >&2; die "could not resolve sluice-kafka's test classpath"; }
CP="sluice-kafka/target/test-classes:sluice-kafka/target/classes:$(cat "$WORK_DIR/kafka.cp")"
log "starting a Kafka broker (KRaft, one node)"
# The broker runs until its standard input closes: a FIFO this script holds open.
mkfifo "$WORK_DIR/kafka.in"
exec 7<> "$WORK_DIR/kafka.in"
( exec setsid "$JAVA" -Xmx512m -cp "$CP" dev.sluice.kafka.EmbeddedKafka ) \
  > "$WORK_DIR/logs/kafka.log" 2>&1 < "$WORK_DIR/kafka.in" &
KAFKA_PG=$!
started=$(date +%s)
until grep -q '^bootstrap=' "$WORK_DIR/logs/kafka.log" 2>/dev/null; do
  group_alive "$KAFKA_PG" || { tail -n 30 "$WORK_DIR/logs/kafka.log" >&2; die "the broker exited"; }
  (( $(date +%s) - started < START_TIMEOUT )) || die "the broker did not start within ${START_TIMEOUT}s"
  sleep 0.2
done
BOOTSTRAP=$(sed -n 's/^bootstrap=//p' "$WORK_DIR/logs/kafka.log" | head -n1)
log "  broker at $BOOTSTRAP"

INBOX=$(( MESSAGES + RATE_MESSAGES + 1000 ))
sim_start "$WORK_DIR/logs/simulator.log" "$WORK_DIR/simulator.pem" --latency "$LATENCY" \
  --max-send-rate unlimited --max-24h-send unlimited --inbox-size "$INBOX" \
  --inbox-bytes "$(( INBOX * (MSG_SIZE + 1024) / 1048576 + 64 ))MB"
UPSTREAM="ses-v2+http://127.0.0.1:$SIM_HTTP_PORT"
printf 'session.timeout.ms=10000\nheartbeat.interval.ms=2000\n' > "$WORK_DIR/client.properties"

# start_nodes N TAG RATEFLAG: N nodes on topics and group TAG; sets NODE_PORTS,
# and SETTLED_AT to the time every node owned partitions and all were owned
NODE_PORTS=()
SETTLED_AT=0
start_nodes() {
  local n="$1" tag="$2" rateflag="$3" i port logf cg
  NODE_PORTS=()
  for (( i = 0; i < n; i++ )); do
    port=$(free_port)
    logf="$WORK_DIR/logs/$tag-node$i.log"
    cg=""; [[ -n "$CG_ROOT" ]] && cg=$(cg_node "$i")
    # The subshell joins the node's cgroup before it becomes the node.
    ( [[ -z "$cg" ]] || echo "$BASHPID" > "$cg/cgroup.procs"
      exec setsid "$JAVA" --enable-native-access=ALL-UNNAMED -Xmx1g -jar sluice-app/target/sluice.jar relay \
        --smtp-port "$port" --http-port off --admin-port off --hostname "node$i.bench" \
        --spool-backend kafka --kafka-bootstrap-servers "$BOOTSTRAP" \
        --kafka-topic-prefix "$tag" --kafka-group-id "$tag" --kafka-partitions "$PARTITIONS" \
        --kafka-replication-factor 1 --kafka-min-insync-replicas 1 \
        --kafka-client-properties "$WORK_DIR/client.properties" \
        --upstream "$UPSTREAM" --max-send-rate "$rateflag" --max-in-flight "$IN_FLIGHT" --stop-grace 2s ) \
      > "$logf" 2>&1 < /dev/null &
    NODE_PGS+=("$!")
    NODE_PORTS+=("$port")
  done
  local started; started=$(date +%s)
  for (( i = 0; i < n; i++ )); do
    until [[ "$(smtp_banner "${NODE_PORTS[$i]}")" == 220* ]]; do
      # Until the subshell has become the node (setsid), the group has no member but the
      # subshell lives; in a node's cgroup that takes a while once its quota is spent.
      group_alive "${NODE_PGS[$i]}" || kill -0 "${NODE_PGS[$i]}" 2>/dev/null \
        || { tail -n 30 "$WORK_DIR/logs/$tag-node$i.log" >&2; die "node $i exited"; }
      (( $(date +%s) - started < START_TIMEOUT )) || die "node $i did not start"
      sleep 0.2
    done
  done
  # every partition owned, by every node
  local sum owned all
  while :; do
    sum=0; all=1
    for (( i = 0; i < n; i++ )); do
      owned=$(grep -o 'owns [0-9]* of' "$WORK_DIR/logs/$tag-node$i.log" | tail -n1 | awk '{print $2}')
      [[ -n "$owned" && "$owned" -gt 0 ]] || all=0
      sum=$(( sum + ${owned:-0} ))
    done
    if (( all && sum == PARTITIONS )); then SETTLED_AT=$(date +%s.%N); break; fi
    (( $(date +%s) - started < START_TIMEOUT )) || die "the group did not settle: $sum of $PARTITIONS partitions owned"
    sleep 0.5
  done
  log "  $n nodes up; partitions spread over all of them"
}

# nodes_cpu: CPU seconds of the running nodes together
nodes_cpu() {
  local pg sum=0
  for pg in "${NODE_PGS[@]}"; do sum=$(awk -v a="$sum" -v b="$(group_cpu "$pg")" 'BEGIN { print a + b }'); done
  echo "$sum"
}

# inject N_TOTAL SESSIONS TAG: one smtp-source per node at once, N_TOTAL split
# evenly; recipients <k>r<node>@TAG.example.net
inject() {
  local total="$1" sessions="$2" tag="$3" n=${#NODE_PORTS[@]} i each rc=0 pids=()
  each=$(( total / n ))
  for (( i = 0; i < n; i++ )); do
    local m=$each
    (( i == n - 1 )) && m=$(( total - each * (n - 1) ))
    "$SMTP_SOURCE" -4 -s "$sessions" -m "$m" -l "$MSG_SIZE" -d -N -f "$SENDER" \
      -t "r$i@$tag.example.net" "127.0.0.1:${NODE_PORTS[$i]}" > "$WORK_DIR/logs/$tag-source$i.out" 2>&1 &
    pids+=("$!")
  done
  for p in "${pids[@]}"; do wait "$p" || rc=$?; done
  (( rc == 0 )) || die "smtp-source failed (exit $rc); see $WORK_DIR/logs/$tag-source*.out"
}

# wait_delivered N SAMPLES
wait_delivered() {
  local want="$1" samples="$2" seen=-1 since n last
  since=$(date +%s)
  while :; do
    last=$(sim_poll_last "$samples"); n=${last#* }
    [[ -n "$last" && "$n" =~ ^[0-9]+$ ]] || n=0
    (( n >= want )) && break
    if (( n != seen )); then seen=$n; since=$(date +%s); fi
    (( $(date +%s) - since < STALL_TIMEOUT )) || die "nothing delivered for ${STALL_TIMEOUT}s ($n of $want)"
    sleep 0.5
  done
}

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RAW="$WORK_DIR/runs.tsv"; : > "$RAW"

# backlog N_NODES TAG MESSAGES: puts MESSAGES into fresh topics TAG through
# N_NODES nodes that send at 1 recipient/s in all, then stops them (SIGTERM):
# what they did not send stays in Kafka for the nodes started next on the same
# topics and group. Sets BACKLOG to the messages left (sent ones subtracted).
BACKLOG=0
backlog() {
  local n="$1" tag="$2" m="$3" sent
  start_nodes "$n" "$tag" 1/s
  sim_reset
  inject "$m" "$SESSIONS" "$tag"
  stop_nodes
  sent=$(sim_total)
  BACKLOG=$(( m - sent ))
  sim_reset
  log "  backlog in Kafka: $BACKLOG messages ($sent sent while injecting)"
}

for (( rep = 1; rep <= RUNS; rep++ )); do
  for n in $NODES; do
    tag="scale$n-r$rep-$RANDOM"
    log "run $rep, $n nodes ($tag)"
    backlog "$n" "$tag" "$MESSAGES"
    samples="$WORK_DIR/samples-$tag.txt"
    sim_poll_start "$samples" "$POLL_INTERVAL"
    start_nodes "$n" "$tag" unlimited
    # from every node up to the backlog delivered: how busy the machine was,
    # and the nodes' CPU per delivered message
    m0=$(machine_ticks); c0=$(nodes_cpu); d0=$(sim_total); t0=$(date +%s.%N)
    k0=$(group_cpu "$KAFKA_PG"); s0=$(group_cpu "$SIM_PG"); th0=$(cg_throttled)
    wait_delivered "$BACKLOG" "$samples"
    m1=$(machine_ticks); c1=$(nodes_cpu); d1=$(sim_total); t1=$(date +%s.%N)
    k1=$(group_cpu "$KAFKA_PG"); s1=$(group_cpu "$SIM_PG"); th1=$(cg_throttled)
    busy=$(machine_busy_pct "$m0" "$m1")
    cpu_ms=$(awk -v a="$c0" -v b="$c1" -v d=$(( d1 - d0 )) 'BEGIN { printf "%.2f", (d > 0 ? 1000 * (b - a) / d : 0) }')
    # CPU split over the drain, in CPUs (CPU seconds per second of the drain):
    # the nodes together, the broker, the simulator, and the machine as a whole
    split=$(awk -v t="$t1" -v u="$t0" -v c0="$c0" -v c1="$c1" -v k0="$k0" -v k1="$k1" -v s0="$s0" -v s1="$s1" \
      -v b="$busy" -v nc="$(nproc)" 'BEGIN { w = t - u; if (w <= 0) w = 1;
        printf "%.2f %.2f %.2f %.2f", (c1 - c0) / w, (k1 - k0) / w, (s1 - s0) / w, b * nc / 100 }')
    read -r cpu_nodes cpu_broker cpu_sim cpu_machine <<< "$split"
    throttled=$(( th1 - th0 ))
    sleep 2
    sim_poll_stop
    total=$(sim_total)
    read -r _ _ _ _ rate rate_all _ <<< "$(rate_window "$samples" "$BACKLOG" 0.1 0.9)"
    stop_nodes
    log "  $n nodes: $rate msg/s (10-90 %), $total accepted of $BACKLOG; machine ${busy}% busy, nodes ${cpu_ms} ms CPU per message"
    log "  CPU (CPUs over the drain): nodes $cpu_nodes, broker $cpu_broker, simulator $cpu_sim, machine $cpu_machine; nodes throttled in $throttled periods"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$rep" "$rate" "$rate_all" "$total" "$BACKLOG" "$busy" "$cpu_ms" \
      "$cpu_nodes" "$cpu_broker" "$cpu_sim" "$cpu_machine" "$throttled" >> "$RAW"
  done
done

# ---------------------------------------------------------------- accuracy
ACC_RAW="$WORK_DIR/accuracy.tsv"; : > "$ACC_RAW"
for (( rep = 1; rep <= RATE_RUNS; rep++ )); do
  tag="rate-r$rep-$RANDOM"
  log "accuracy run $rep: MaxSendRate $RATE/s, $RATE_NODES nodes, $RATE_MESSAGES messages ($tag)"
  curl -sSf -X PUT "$SIM_URL/_sluice/quota?max-send-rate=unlimited" > /dev/null \
    || die "could not reset the simulator's MaxSendRate"
  backlog "$RATE_NODES" "$tag" "$RATE_MESSAGES"
  curl -sSf -X PUT "$SIM_URL/_sluice/quota?max-send-rate=$RATE" > /dev/null \
    || die "could not set the simulator's MaxSendRate"
  sim_sends_snapshot "$WORK_DIR/metrics-before.txt"
  samples="$WORK_DIR/samples-$tag.txt"
  sim_poll_start "$samples" "$POLL_INTERVAL"
  start_nodes "$RATE_NODES" "$tag" account
  wait_delivered "$BACKLOG" "$samples"
  sleep 2
  sim_poll_stop
  sim_sends_snapshot "$WORK_DIR/metrics-after.txt"
  total=$(sim_total)
  read -r t0 tlo thi _ rate rate_all _ <<< "$(rate_window "$samples" "$BACKLOG" 0.1 0.9)"
  read -r wmin wmax <<< "$(window_rates "$samples" "$tlo" "$thi")"
  up_after=$(awk -v a="$SETTLED_AT" -v b="$t0" 'BEGIN { printf "%.1f", a - b }')
  calls=$(sim_sends_delta "$WORK_DIR/metrics-before.txt" "$WORK_DIR/metrics-after.txt" v2)
  throttled=$(sim_sends_delta "$WORK_DIR/metrics-before.txt" "$WORK_DIR/metrics-after.txt" v2 'rate_exceeded')
  stop_nodes
  log "  $rate/s (10-90 %), 10 s windows $wmin..$wmax/s, $throttled of $calls calls throttled, $total accepted of $BACKLOG"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$rep" "$rate" "$rate_all" "$wmin" "$wmax" "$up_after" \
    "$calls" "$throttled" "$total" "$BACKLOG" >> "$ACC_RAW"
done

# ---------------------------------------------------------------- report
declare -A MED
if (( RUNS > 0 )); then
  for n in $NODES; do
    MED[$n]=$(median $(awk -F'\t' -v n="$n" '$1 == n { print $3 }' "$RAW"))
  done
  first=${NODES%% *}
  echo
  echo "Distributed mode: $PARTITIONS partitions, one broker, simulator latency $LATENCY, --max-in-flight $IN_FLIGHT per node${NODE_CPU:+, $NODE_CPU CPU per node (cgroup)}"
  printf '%-8s %14s %12s %12s %10s   %s\n' nodes "delivered/s" "vs $first node" "per node" "vs N x $first" "runs (machine busy %, node CPU ms/message)"
  for n in $NODES; do
    runs=$(awk -F'\t' -v n="$n" '$1 == n { printf "%s (%s%%, %s) ", $3, $7, $8 }' "$RAW")
    printf '%-8s %14.1f %11.2fx %12.1f %10.2f   %s\n' "$n" "${MED[$n]}" \
      "$(awk -v a="${MED[$n]}" -v b="${MED[$first]}" 'BEGIN { print (b > 0 ? a / b : 0) }')" \
      "$(awk -v a="${MED[$n]}" -v n="$n" 'BEGIN { print a / n }')" \
      "$(awk -v a="${MED[$n]}" -v b="${MED[$first]}" -v n="$n" -v f="$first" 'BEGIN { print (b > 0 ? (a / n) / (b / f) : 0) }')" "$runs"
  done
  echo "CPU split over each drain, medians (CPUs): nodes, broker, simulator, whole machine; periods the nodes were throttled"
  for n in $NODES; do
    printf '  %-6s nodes %s  broker %s  simulator %s  machine %s  throttled %s\n' "$n" \
      "$(median $(awk -F'\t' -v n="$n" '$1 == n { print $9 }' "$RAW"))" \
      "$(median $(awk -F'\t' -v n="$n" '$1 == n { print $10 }' "$RAW"))" \
      "$(median $(awk -F'\t' -v n="$n" '$1 == n { print $11 }' "$RAW"))" \
      "$(median $(awk -F'\t' -v n="$n" '$1 == n { print $12 }' "$RAW"))" \
      "$(median $(awk -F'\t' -v n="$n" '$1 == n { print $13 }' "$RAW"))"
  done
fi
pct() { awk -v r="$1" -v t="$RATE" 'BEGIN { printf "%+.2f", 100 * (r - t) / t }'; }
if (( RATE_RUNS > 0 )); then
  ACC_MED=$(median $(cut -f2 "$ACC_RAW"))
  echo
  echo "Account rate: $RATE_NODES nodes, MaxSendRate $RATE/s: median $ACC_MED/s between 10 % and 90 % of each backlog ($(pct "$ACC_MED") %)"
  printf '  %-4s %10s %8s %12s %16s %10s %10s %10s\n' run "rate/s" error "whole run/s" "10 s windows/s" calls throttled "accepted"
  while IFS=$'\t' read -r r rate all wmin wmax up calls thr total bl; do
    printf '  %-4s %10s %7s%% %12s %16s %10s %10s %10s\n' "$r" "$rate" "$(pct "$rate")" "$all" "$wmin..$wmax" "$calls" "$thr" "$total/$bl"
  done < "$ACC_RAW"
fi

jnum() { if [[ "$1" == "-" ]]; then echo null; else echo "$1"; fi; }
JSON="$OUT_DIR/kafka-scaling-$STAMP.json"
{
  printf '{\n  "benchmark": "kafka-scaling", "timestamp": "%s", "git_revision": "%s", "cores": %d,\n' \
    "$STAMP" "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" "$(nproc)"
  printf '  "settings": {"partitions": %d, "latency": "%s", "in_flight_per_node": %d, "messages": %d, "sessions_per_node": %d, "max_send_rate": %d, "rate_nodes": %d, "rate_messages": %d, "node_cpu": %s},\n' \
    "$PARTITIONS" "$LATENCY" "$IN_FLIGHT" "$MESSAGES" "$SESSIONS" "$RATE" "$RATE_NODES" "$RATE_MESSAGES" "${NODE_CPU:-null}"
  printf '  "delivered_rate_median": {'
  sep=""; if (( RUNS > 0 )); then for n in $NODES; do printf '%s"%s": %s' "$sep" "$n" "${MED[$n]}"; sep=", "; done; fi
  printf '},\n  "runs": ['
  sep=""; while IFS=$'\t' read -r n r rate all total backlog busy cpu_ms cn cb cs cm thr; do
    printf '%s\n    {"nodes": %s, "run": %s, "delivered_rate": %s, "whole_run_rate": %s, "accepted": %s, "backlog": %s, "machine_busy_pct": %s, "node_cpu_ms_per_message": %s, "cpus": {"nodes": %s, "broker": %s, "simulator": %s, "machine": %s}, "throttled_periods": %s}' \
      "$sep" "$n" "$r" "$rate" "$all" "$total" "$backlog" "$busy" "$cpu_ms" "$cn" "$cb" "$cs" "$cm" "$thr"; sep=","
  done < "$RAW"
  printf '\n  ],\n  "accuracy_rate_median": %s,\n  "accuracy": [' "${ACC_MED:-null}"
  sep=""; while IFS=$'\t' read -r r rate all wmin wmax up calls thr total bl; do
    printf '%s\n    {"run": %s, "rate_10_90": %s, "error_pct": %s, "window10s_min": %s, "window10s_max": %s, "whole_run_rate": %s, "all_up_after_first_delivery_s": %s, "calls": %s, "throttled": %s, "accepted": %s, "backlog": %s}' \
      "$sep" "$r" "$rate" "$(pct "$rate")" "$(jnum "$wmin")" "$(jnum "$wmax")" "$all" "$up" "$calls" "$thr" "$total" "$bl"; sep=","
  done < "$ACC_RAW"
  printf '\n  ]\n}\n'
} > "$JSON"
jq -e . "$JSON" > /dev/null || die "wrote invalid JSON: $JSON"
echo "JSON: $JSON"
