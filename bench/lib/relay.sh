# shellcheck shell=bash
# The Sluice relay (or any SMTP server standing in for it) for the bench/*.sh
# scripts. Needs bench/lib/common.sh and REPO_DIR.
#
#   relay_start TEMPLATE SPOOL LOG
#       runs TEMPLATE in its own session from the repository root, with {port}
#       replaced by a free loopback port (RELAY_PORT), {dir} by SPOOL and
#       {upstream} by RELAY_UPSTREAM, and waits until it greets with 220
#       (START_TIMEOUT seconds; the launcher builds the jar on first use)
#   relay_stop [GRACE]   SIGTERM to its process group, SIGKILL after GRACE s
#   relay_spool_count SPOOL
#       `sluice queue stats` on a stopped relay's spool: prints the total, or
#       nothing when it cannot be read

RELAY_PG=""
RELAY_PORT=""
RELAY_UPSTREAM="${RELAY_UPSTREAM:-}"

relay_expand() {
  local c="$1"
  c="${c//\{port\}/$RELAY_PORT}"
  c="${c//\{dir\}/$2}"
  c="${c//\{upstream\}/$RELAY_UPSTREAM}"
  printf '%s' "$c"
}

relay_start() {
  local template="$1" spool="$2" logf="$3" cmd
  RELAY_PORT=$(free_port)
  mkdir -p "$spool"
  cmd=$(relay_expand "$template" "$spool")
  log "starting the relay: $cmd"
  ( cd "$REPO_DIR" && exec setsid bash -c "exec $cmd" ) > "$logf" 2>&1 < /dev/null &
  RELAY_PG=$!
  local started banner="" next_note
  started=$(date +%s); next_note=$(( started + 30 ))
  while :; do
    banner=$(smtp_banner "$RELAY_PORT")
    [[ "$banner" == 220* ]] && break
    if ! group_alive "$RELAY_PG"; then
      echo "---- relay output ($logf) ----" >&2; tail -n 40 "$logf" >&2
      RELAY_PG=""
      die "the relay exited before accepting connections on 127.0.0.1:$RELAY_PORT: $cmd"
    fi
    if (( $(date +%s) - started >= ${START_TIMEOUT:-600} )); then
      echo "---- relay output ($logf) ----" >&2; tail -n 40 "$logf" >&2
      die "the relay did not greet with 220 on 127.0.0.1:$RELAY_PORT within ${START_TIMEOUT:-600}s (START_TIMEOUT): $cmd"
    fi
    if (( $(date +%s) >= next_note )); then
      log "  still waiting for 127.0.0.1:$RELAY_PORT ($(( $(date +%s) - started ))s; the launcher may be building)"
      next_note=$(( next_note + 30 ))
    fi
    sleep 0.2
  done
  log "  relay answers on 127.0.0.1:$RELAY_PORT: $banner"
}

relay_stop() {
  [[ -n "$RELAY_PG" ]] && stop_group "$RELAY_PG" "${1:-30}"
  RELAY_PG=""
}

relay_spool_count() {
  local stats
  stats=$(cd "$REPO_DIR" && SLUICE_NO_BUILD=1 ./sluice queue stats --spool-dir "$1" 2>&1) \
    || { log "WARNING: sluice queue stats failed: $stats"; return 0; }
  awk '$1 == "total" { print $2 }' <<< "$stats"
}
