# shellcheck shell=bash
# `sluice simulator` for the bench/*.sh scripts, and how they count what it
# accepted. Needs bench/lib/common.sh, REPO_DIR and curl.
#
#   sim_start LOG CERT FLAGS...   starts it on free loopback ports (HTTP and SMTP,
#                                 no HTTPS), writes its certificate to CERT, sets
#                                 SIM_HTTP_PORT, SIM_SMTP_PORT, SIM_PG, SIM_URL
#   sim_stop
#   sim_total                     messages accepted since start or the last reset
#                                 (every accepted send call, duplicates included)
#   sim_reset                     POST /_sluice/reset: forgets messages, counters
#                                 and quota usage; Prometheus counters keep counting
#   sim_sends_snapshot FILE       the simulator_sends_total lines of /metrics
#   sim_sends_delta A B [IFACE] [OUTCOME-REGEX]
#                                 sum of the increase of those counters from
#                                 snapshot A to B
#   sim_poll_start FILE INTERVAL  appends "epoch-seconds total" to FILE every
#                                 INTERVAL seconds, over one keep-alive connection
#   sim_poll_stop
#   sim_harvest_start FILE INTERVAL
#                                 appends "messageId recipient" of every accepted
#                                 message to FILE, reading the inspection ring
#   sim_harvest_stop
#   rate_window SAMPLES N LO HI   delivered rate between LO*N and HI*N messages
#   window_rates SAMPLES T_LO T_HI  lowest and highest rate of 10-second windows

SIM_PG=""
SIM_HTTP_PORT=""
SIM_SMTP_PORT=""
SIM_URL=""
SIM_LOG=""
SIM_POLL_PID=""
SIM_HARVEST_PID=""

sim_start() {
  SIM_LOG="$1"; local cert="$2"; shift 2
  local cmd=(./sluice simulator --bind-address 127.0.0.1 --http-port 0 --https-port off --smtp-port 0
    --export-cert "$cert" "$@")
  log "starting the simulator: ${cmd[*]}"
  ( cd "$REPO_DIR" && exec setsid "${cmd[@]}" ) > "$SIM_LOG" 2>&1 < /dev/null &
  SIM_PG=$!
  local started; started=$(date +%s)
  while ! grep -q 'simulator: ready' "$SIM_LOG" 2>/dev/null; do
    if ! group_alive "$SIM_PG"; then
      tail -n 30 "$SIM_LOG" >&2
      die "the simulator exited before it was ready"
    fi
    (( $(date +%s) - started < ${START_TIMEOUT:-600} )) || { tail -n 30 "$SIM_LOG" >&2; die "the simulator was not ready within ${START_TIMEOUT:-600}s"; }
    sleep 0.2
  done
  SIM_HTTP_PORT=$(sed -n 's#.*v2/v1 API http://127\.0\.0\.1:\([0-9]*\).*#\1#p' "$SIM_LOG" | head -n1)
  SIM_SMTP_PORT=$(sed -n 's#.*SMTP endpoint smtp://127\.0\.0\.1:\([0-9]*\).*#\1#p' "$SIM_LOG" | head -n1)
  [[ -n "$SIM_HTTP_PORT" && -n "$SIM_SMTP_PORT" ]] || { cat "$SIM_LOG" >&2; die "could not read the simulator's ports from its output"; }
  [[ -s "$cert" ]] || die "the simulator did not write its certificate to $cert"
  SIM_URL="http://127.0.0.1:$SIM_HTTP_PORT"
  sed 's/^/    /' "$SIM_LOG" >&2
}

sim_stop() {
  sim_poll_stop
  sim_harvest_stop
  [[ -n "$SIM_PG" ]] && stop_group "$SIM_PG"
  SIM_PG=""
}

sim_get() { curl -sSf --max-time 30 "$SIM_URL$1"; }

sim_total() {
  local body
  body=$(sim_get '/_sluice/messages?limit=1') || return 1
  [[ "$body" =~ \"total\":([0-9]+) ]] || return 1
  echo "${BASH_REMATCH[1]}"
}

sim_reset() { curl -sSf --max-time 30 -X POST "$SIM_URL/_sluice/reset" >/dev/null || die "simulator reset failed"; }

sim_sends_snapshot() { sim_get /metrics | grep '^simulator_sends_total{' > "$1" || die "could not read the simulator's /metrics"; }

# Lines look like: simulator_sends_total{interface="v2",outcome="accepted"} 12.0
sim_sends_delta() {
  awk -v want_if="${3:-}" -v want_out="${4:-.}" '
    { match($0, /interface="[^"]*"/); i = substr($0, RSTART + 11, RLENGTH - 12)
      match($0, /outcome="[^"]*"/); o = substr($0, RSTART + 9, RLENGTH - 10)
      if ((want_if == "" || i == want_if) && o ~ want_out) { if (FILENAME == ARGV[1]) a += $NF; else b += $NF } }
    END { printf "%d\n", b - a }' "$1" "$2"
}

# The poller: one keep-alive HTTP connection, bash built-ins only (no process
# per sample besides sleep), so it costs the measured machine next to nothing.
_sim_poll_loop() {
  local out="$1" interval="$2" line len body
  export LC_ALL=C
  while :; do
    if ! { exec 3<>"/dev/tcp/127.0.0.1/$SIM_HTTP_PORT"; } 2>/dev/null; then sleep "$interval"; continue; fi
    while :; do
      printf 'GET /_sluice/messages?limit=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n' >&3 2>/dev/null || break
      len=""
      while IFS= read -r -t 10 line <&3; do
        line=${line%$'\r'}
        [[ -z "$line" ]] && break
        if [[ "${line,,}" == content-length:* ]]; then len=${line#*:}; len=${len// /}; fi
      done
      [[ -n "$len" ]] || break
      IFS= read -r -N "$len" -t 10 body <&3 || break
      [[ "$body" =~ \"total\":([0-9]+) ]] && printf '%s %s\n' "$EPOCHREALTIME" "${BASH_REMATCH[1]}" >> "$out"
      sleep "$interval"
    done
    exec 3>&-
    sleep "$interval"
  done
}

sim_poll_start() {
  : > "$1"
  _sim_poll_loop "$1" "$2" &
  SIM_POLL_PID=$!
}

sim_poll_stop() {
  [[ -n "$SIM_POLL_PID" ]] || return 0
  kill "$SIM_POLL_PID" 2>/dev/null || true
  wait "$SIM_POLL_PID" 2>/dev/null || true
  SIM_POLL_PID=""
}

# Last sample of a poll file: "epoch-seconds total".
sim_poll_last() { tail -n 1 "$1" 2>/dev/null || true; }

# The harvester reads the inspection ring (newest first, up to 10,000 entries
# per call): each round asks for the messages accepted since the previous round
# plus a margin, so consecutive reads overlap and duplicates of the overlap are
# removed by message id later. The ring must hold more than one round's worth
# (--inbox-size, --inbox-bytes). A round that would need more than the ring
# holds is logged to FILE.gaps, and the count check of the caller fails.
_sim_harvest_loop() {
  local out="$1" interval="$2" seen=0 total want
  while :; do
    if total=$(sim_total 2>/dev/null); then
      if (( total < seen )); then seen=0; fi
      if (( total > seen )); then
        want=$(( total - seen + 200 ))
        if (( want > 10000 )); then
          echo "$(date +%s) $(( total - seen )) new since the last round, more than one read returns" >> "$out.gaps"
          want=10000
        fi
        if sim_get "/_sluice/messages?limit=$want" 2>/dev/null \
            | jq -r '.messages[] | .messageId as $id | .recipients[] | "\($id) \(.)"' >> "$out" 2>/dev/null; then
          seen=$total
        fi
      fi
    fi
    sleep "$interval"
  done
}

sim_harvest_start() {
  : > "$1"
  rm -f "$1.gaps"
  _sim_harvest_loop "$1" "$2" &
  SIM_HARVEST_PID=$!
}

sim_harvest_stop() {
  [[ -n "$SIM_HARVEST_PID" ]] || return 0
  kill "$SIM_HARVEST_PID" 2>/dev/null || true
  wait "$SIM_HARVEST_PID" 2>/dev/null || true
  SIM_HARVEST_PID=""
}

# One last harvest round after the loop stopped: everything since `seen` is in
# the newest `limit` entries when the ring is large enough.
sim_harvest_final() {
  local out="$1" limit="$2"
  sim_get "/_sluice/messages?limit=$limit" | jq -r '.messages[] | .messageId as $id | .recipients[] | "\($id) \(.)"' >> "$out"
}

# rate_window SAMPLES N LO HI: from a poll file, prints
#   t_first t_lo t_hi t_all rate_window rate_all samples
# t_* are epoch seconds at which the count passed 1, LO*N, HI*N and N
# (linear interpolation between samples; -1 when never reached);
# rate_window = (HI-LO)*N / (t_hi - t_lo); rate_all = (N-1) / (t_all - t_first).
rate_window() {
  awk -v N="$2" -v lo="$3" -v hi="$4" '
    function cross(k,   i) {
      for (i = 1; i <= n; i++) if (c[i] >= k) {
        if (i == 1 || c[i] == c[i - 1]) return t[i]
        return t[i - 1] + (k - c[i - 1]) * (t[i] - t[i - 1]) / (c[i] - c[i - 1])
      }
      return -1
    }
    NF == 2 { n++; t[n] = $1; c[n] = $2 }
    END {
      k1 = 1; klo = lo * N; khi = hi * N
      a = cross(k1); b = cross(klo); d = cross(khi); e = cross(N)
      rw = (b >= 0 && d > b) ? (khi - klo) / (d - b) : 0
      ra = (a >= 0 && e > a) ? (N - 1) / (e - a) : 0
      printf "%.6f %.6f %.6f %.6f %.3f %.3f %d\n", a, b, d, e, rw, ra, n
    }' "$1"
}

# window_rates SAMPLES T_LO T_HI: lowest and highest rate over consecutive
# 10-second windows between T_LO and T_HI.
window_rates() {
  awk -v lo="$2" -v hi="$3" '
    function at(x,   i) {   # count at time x, interpolated
      for (i = 2; i <= n; i++) if (t[i] >= x) return c[i - 1] + (x - t[i - 1]) * (c[i] - c[i - 1]) / (t[i] - t[i - 1])
      return c[n]
    }
    NF == 2 { n++; t[n] = $1; c[n] = $2 }
    END {
      mn = -1; mx = -1
      for (x = lo; x + 10 <= hi; x += 10) { r = (at(x + 10) - at(x)) / 10; if (mn < 0 || r < mn) mn = r; if (r > mx) mx = r }
      if (mn < 0) print "- -"; else printf "%.1f %.1f\n", mn, mx
    }' "$1"
}
