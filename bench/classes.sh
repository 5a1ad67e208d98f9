#!/usr/bin/env bash
# Traffic classes under a bulk backlog: `sluice simulator` with MaxSendRate
# 200/s, a backlog of MESSAGES bulk messages in the relay's spool, and
# transactional mail (X-Sluice-Class: transactional, the class's share 30 % by
# default) submitted while the backlog drains. Targets: transactional p99
# queue-to-SES latency under 1 s; bulk keeps at least 95 % of the rate
# transactional leaves. Reports; asserts nothing. See bench/README.md.
#
# Options are environment variables:
#   RATE=200            the simulator's MaxSendRate, recipients per second
#   MESSAGES=100000     the bulk backlog, one recipient each
#   TX_SHARE=30         transactional's share of the rate, percent
#   TX_RATE=40          transactional messages submitted per second
#   WARM=10             seconds of draining before transactional starts
#   MEASURE=90          seconds transactional is submitted and measured
#   LATENCY=50ms        the simulator's latency
#   SESSIONS=20         smtp-source sessions filling the backlog
#   MSG_SIZE=512        payload bytes per message (smtp-source -l)
#   SLUICE_IN_FLIGHT=64 the relay's --max-in-flight
#   START_TIMEOUT=600, WORK_PARENT=/var/tmp, KEEP=0, OUT_DIR=bench/out
#
# ---------------------------------------------------------------- measurement
# The backlog is real: the relay is started with --hold, smtp-source puts
# MESSAGES into its spool (no class header: the default class, bulk), the
# relay is stopped, and started again on the same spool without --hold, so the
# whole backlog is due at once. After WARM seconds, a client submits one
# transactional message every 1/TX_RATE s over one SMTP session for MEASURE
# seconds, noting when each was answered 250. Its latency is the simulator's
# acceptance time (from /_sluice/messages, millisecond precision, same
# machine clock) minus that. Bulk's share is bulk's delivered rate over the
# window divided by RATE minus transactional's delivered rate over it.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
BENCH_NAME=classes
# shellcheck source=bench/lib/common.sh
. "$BENCH_DIR/lib/common.sh"
# shellcheck source=bench/lib/postfix.sh
. "$BENCH_DIR/lib/postfix.sh"
# shellcheck source=bench/lib/simulator.sh
. "$BENCH_DIR/lib/simulator.sh"
# shellcheck source=bench/lib/relay.sh
. "$BENCH_DIR/lib/relay.sh"

RATE="${RATE:-200}"
MESSAGES="${MESSAGES:-100000}"
TX_SHARE="${TX_SHARE:-30}"
TX_RATE="${TX_RATE:-40}"
WARM="${WARM:-10}"
MEASURE="${MEASURE:-90}"
LATENCY="${LATENCY:-50ms}"
SESSIONS="${SESSIONS:-20}"
MSG_SIZE="${MSG_SIZE:-512}"
SLUICE_IN_FLIGHT="${SLUICE_IN_FLIGHT:-64}"
START_TIMEOUT="${START_TIMEOUT:-600}"
WORK_PARENT="${WORK_PARENT:-/var/tmp}"
KEEP="${KEEP:-0}"
OUT_DIR="${OUT_DIR:-$BENCH_DIR/out}"
CLASSES="transactional:${TX_SHARE}%,bulk:$(( 100 - TX_SHARE ))%"
COMMON="--http-port off --smtp-port {port} --spool-dir {dir} --classes $CLASSES --class-default bulk"
HOLD_CMD="./sluice relay --hold $COMMON"
SLUICE_CMD="./sluice relay --hold=false $COMMON --upstream {upstream} --max-send-rate account --max-in-flight $SLUICE_IN_FLIGHT"

case "${1:-}" in
  -h|--help) usage_from_header "${BASH_SOURCE[0]}"; exit 0 ;;
  "") ;;
  *) usage_from_header "${BASH_SOURCE[0]}" >&2; die "options are environment variables; unknown argument: $1" ;;
esac
for v in RATE MESSAGES TX_SHARE TX_RATE WARM MEASURE SESSIONS MSG_SIZE SLUICE_IN_FLIGHT; do
  is_uint "${!v}" || die "bad $v: ${!v}"
done
(( TX_SHARE >= 1 && TX_SHARE <= 99 && TX_RATE >= 1 && MEASURE >= 10 )) || die "TX_SHARE 1..99, TX_RATE >= 1, MEASURE >= 10"

pf_tools
ensure_command curl curl
ensure_command jq jq
ensure_command python3 python3
mkdir -p "$WORK_PARENT" "$OUT_DIR"
WORK_DIR="$(mktemp -d "$WORK_PARENT/sluice-classes.XXXXXX")"
mkdir -p "$WORK_DIR/logs"

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  relay_stop 10
  sim_stop
  if (( KEEP )); then
    echo "$BENCH_NAME: work directory kept: $WORK_DIR" >&2
  else
    rm -rf "$WORK_DIR"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cd "$REPO_DIR"
./sluice --version > /dev/null || die "./sluice could not be built"
export SLUICE_NO_BUILD=1

# The ring keeps what the window delivers and more; transactional is read from it by sender.
INBOX=$(( (RATE + TX_RATE) * (WARM + MEASURE + 60) ))
sim_start "$WORK_DIR/logs/simulator.log" "$WORK_DIR/simulator.pem" --latency "$LATENCY" \
  --max-send-rate "$RATE/s" --max-24h-send unlimited \
  --inbox-size "$INBOX" --inbox-bytes "$(( INBOX * (MSG_SIZE + 1024) / 1048576 + 64 ))MB"
RELAY_UPSTREAM="ses-v2+http://127.0.0.1:$SIM_HTTP_PORT"
SPOOL="$WORK_DIR/spool"

relay_start "$HOLD_CMD" "$SPOOL" "$WORK_DIR/logs/relay-hold.log"
log "$MESSAGES bulk messages into the held spool ($SESSIONS sessions)"
source_run $(( 600 + MESSAGES / 5 )) "$WORK_DIR/logs/source.out" "$WORK_DIR/logs/source.stat" \
  -4 -s "$SESSIONS" -m "$MESSAGES" -l "$MSG_SIZE" -d -N -f bulk@example.com -t rcpt@example.net \
  "127.0.0.1:$RELAY_PORT" || { cat "$WORK_DIR/logs/source.out" >&2; die "smtp-source failed"; }
relay_stop 30
held=$(relay_spool_count "$SPOOL")
[[ "$held" == "$MESSAGES" ]] || die "the held spool has '${held}' messages, expected $MESSAGES"
log "  backlog in the spool: $held messages"

sim_reset
relay_start "$SLUICE_CMD" "$SPOOL" "$WORK_DIR/logs/relay.log"
log "draining for ${WARM}s before transactional starts"
sleep "$WARM"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
T_START=$EPOCHREALTIME
TOTAL_START=$(sim_total)
log "submitting $TX_RATE transactional messages/s for ${MEASURE}s"
python3 - "$RELAY_PORT" "$TX_RATE" "$MEASURE" > "$WORK_DIR/tx-sent.txt" <<'PY'
import smtplib, sys, time
port, rate, seconds = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
s = smtplib.SMTP("127.0.0.1", port)
start = time.time()
i = 0
while time.time() - start < seconds:
    due = start + i / rate
    if due > time.time():
        time.sleep(due - time.time())
    to = "tx%d@example.net" % i
    body = ("X-Sluice-Class: transactional\r\nFrom: tx@example.com\r\nTo: %s\r\n"
            "Subject: tx %d\r\n\r\nHello.\r\n" % (to, i))
    s.sendmail("tx@example.com", [to], body)
    print(to, "%.3f" % time.time(), flush=True)
    i += 1
s.quit()
PY
T_END=$EPOCHREALTIME
TOTAL_END=$(sim_total)
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
sleep 5
SENT=$(wc -l < "$WORK_DIR/tx-sent.txt")
sim_get "/_sluice/messages?from=tx@example.com&limit=$(( SENT + 100 ))" \
  | jq -r '.messages[] | "\(.recipients[0]) \(.timestamp)"' > "$WORK_DIR/tx-received.txt"
relay_stop 30

python3 - "$WORK_DIR/tx-sent.txt" "$WORK_DIR/tx-received.txt" "$T_START" "$T_END" \
  "$TOTAL_START" "$TOTAL_END" "$RATE" "$TX_SHARE" "$TX_RATE" "$MESSAGES" "$LOAD_BEFORE" "$LOAD_AFTER" \
  > "$WORK_DIR/report.txt" <<'PY'
import sys
from datetime import datetime
sent_f, recv_f, t0, t1, n0, n1, rate, share, txrate, backlog, load0, load1 = sys.argv[1:]
t0, t1, n0, n1, rate = float(t0), float(t1), int(n0), int(n1), float(rate)
sent = dict(l.split() for l in open(sent_f))
recv = {}
for l in open(recv_f):
    to, ts = l.split()
    recv[to] = datetime.fromisoformat(ts.replace("Z", "+00:00")).timestamp()
lat = sorted(recv[t] - float(s) for t, s in sent.items() if t in recv)
missing = [t for t in sent if t not in recv]
def pct(p):
    return lat[min(len(lat) - 1, int(p / 100.0 * len(lat)))] if lat else float("nan")
window = t1 - t0
tx_in_window = sum(1 for t in recv.values() if t0 <= t <= t1)
total = n1 - n0
bulk = total - tx_in_window
tx_rate = tx_in_window / window
bulk_rate = bulk / window
print("classes bench: simulator MaxSendRate %.0f/s, bulk backlog %s, transactional share %s%%,"
      " %s transactional/s submitted" % (rate, backlog, share, txrate))
print("window            %.1f s" % window)
print("transactional     %d submitted, %d delivered, %d not seen" % (len(sent), len(lat), len(missing)))
print("  latency (s)     p50 %.3f  p99 %.3f  max %.3f   (target p99 < 1 s)" % (pct(50), pct(99), lat[-1] if lat else float("nan")))
print("delivered rate    %.1f/s in all: transactional %.1f/s, bulk %.1f/s" % (total / window, tx_rate, bulk_rate))
print("bulk's share      %.1f%% of the %.1f/s transactional left   (target >= 95%%)" % (100 * bulk_rate / (rate - tx_rate), rate - tx_rate))
print("load average      %s at the start, %s at the end (2 cores)" % (load0, load1))
PY
cat "$WORK_DIR/report.txt"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
cp "$WORK_DIR/report.txt" "$OUT_DIR/classes-$STAMP.txt"
log "report: $OUT_DIR/classes-$STAMP.txt"
