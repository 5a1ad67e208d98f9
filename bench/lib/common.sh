# shellcheck shell=bash
# Helpers shared by the bench/*.sh scripts: messages, tools, processes, CPU
# accounting, ports. Source it from a script that has set BENCH_NAME; it
# defines functions and a few read-only values and starts nothing.

: "${BENCH_NAME:?set BENCH_NAME before sourcing bench/lib/common.sh}"

# shellcheck disable=SC2034  # for the scripts that source this file
NCORES=$(nproc)
CLK_TCK=$(getconf CLK_TCK)

die() { echo "$BENCH_NAME: $*" >&2; exit 2; }
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
is_uint() { [[ "$1" =~ ^[0-9]+$ ]]; }

# Prints the text of the script's leading comment block, from line 2 up to the
# first line that starts with "# ------", without the "# " prefixes.
usage_from_header() {
  sed -n '2,/^# ------/p' "$1" | sed -e '$d' -e 's/^# \{0,1\}//'
}

# ---------------------------------------------------------------- tools
# smtp-source, smtp-sink, postfix, postconf, postsuper all come with the postfix
# package; Debian puts them in /usr/sbin, other builds in the daemon directory.
find_tool() {
  local name="$1" d
  for d in /usr/sbin /usr/lib/postfix/sbin /usr/libexec/postfix /usr/local/sbin; do
    [[ -x "$d/$name" ]] && { echo "$d/$name"; return 0; }
  done
  command -v "$name" 2>/dev/null || return 1
}

port25_listeners() { ss -Htln 'sport = :25' 2>/dev/null | wc -l; }

# Installs the Debian postfix package when smtp-source or postfix is missing,
# without letting it set up a system-wide mail system.
ensure_postfix() {
  if find_tool smtp-source >/dev/null && find_tool postfix >/dev/null \
      && find_tool postconf >/dev/null && find_tool postsuper >/dev/null; then
    return 0
  fi
  log "postfix (smtp-source, smtp-sink) not found; installing the Debian package"
  [[ $(id -u) -eq 0 ]] || die "postfix is missing and we are not root: apt-get install postfix"
  local before; before=$(port25_listeners)
  # "No configuration": the package writes no main.cf and sets up no mail system.
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  timeout 600 apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq postfix >&2
  find_tool smtp-source >/dev/null && find_tool postfix >/dev/null || die "postfix install failed"
  # The package enables its system-wide service; the scripts only need the
  # programs. Stop and disable what the install may have started.
  if [[ -d /run/systemd/system ]]; then
    systemctl disable --now postfix.service >/dev/null 2>&1 || true
  fi
  if (( $(port25_listeners) > before )); then
    log "the package started a system-wide Postfix on port 25; stopping it"
    postfix stop >/dev/null 2>&1 || invoke-rc.d postfix stop >/dev/null 2>&1 || service postfix stop >/dev/null 2>&1 || true
    for _ in $(seq 1 50); do (( $(port25_listeners) <= before )) && break; sleep 0.2; done
    (( $(port25_listeners) <= before )) || die "could not stop the system-wide Postfix the install started on port 25"
  fi
}

# Installs a Debian package for a missing command (root only).
ensure_command() {
  local cmd="$1" pkg="$2"
  command -v "$cmd" >/dev/null 2>&1 && return 0
  [[ $(id -u) -eq 0 ]] || die "$cmd is missing: apt-get install $pkg"
  log "$cmd not found; installing the Debian package $pkg"
  timeout 600 apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq "$pkg" >&2
  command -v "$cmd" >/dev/null 2>&1 || die "installing $pkg did not provide $cmd"
}

# ---------------------------------------------------------------- processes
# Alive and not a zombie.
alive() {
  local st
  st=$(awk '{ s = $0; sub(/.*\) /, "", s); split(s, a, " "); print a[1] }' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ -n "$st" && "$st" != Z ]]
}

# Whether any live process is in process group $1.
group_alive() {
  local f line rest
  local -a a
  for f in /proc/[0-9]*/stat; do
    { read -r line < "$f"; } 2>/dev/null || continue
    rest="${line##*) }"; read -ra a <<< "$rest"
    [[ "${a[2]:-}" == "$1" && "${a[0]}" != Z ]] && return 0
  done
  return 1
}

# SIGTERM to process group $1, SIGKILL after ${2:-10} seconds.
stop_group() {
  local pg="$1" grace="${2:-10}"
  group_alive "$pg" || return 0
  kill -TERM -- "-$pg" 2>/dev/null || true
  for _ in $(seq 1 $(( grace * 10 ))); do
    group_alive "$pg" || return 0
    sleep 0.1
  done
  log "  process group $pg still running ${grace}s after SIGTERM; sending SIGKILL"
  kill -KILL -- "-$pg" 2>/dev/null || true
  sleep 0.2
}

# CPU seconds (user + system) of process group $1: every live member, plus the
# leader's reaped children (Postfix's master reaps the daemons that exit after
# max_use), so processes that come and go during a run are counted.
group_cpu() {
  local pg="$1" f line rest total=0
  local -a a
  for f in /proc/[0-9]*/stat; do
    { read -r line < "$f"; } 2>/dev/null || continue
    rest="${line##*) }"
    read -ra a <<< "$rest"
    # a[0]=state a[1]=ppid a[2]=pgrp ... a[11]=utime a[12]=stime a[13]=cutime a[14]=cstime
    if [[ "${a[2]:-}" == "$pg" ]]; then
      total=$(( total + a[11] + a[12] ))
      [[ "${f#/proc/}" == "$pg/stat" ]] && total=$(( total + a[13] + a[14] ))
    fi
  done
  awk -v t="$total" -v hz="$CLK_TCK" 'BEGIN { printf "%.3f", t / hz }'
}

# Machine-wide "busy total" ticks from /proc/stat.
machine_ticks() {
  local _cpu user nice system idle iowait irq softirq steal _rest
  read -r _cpu user nice system idle iowait irq softirq steal _rest < /proc/stat
  echo "$(( user + nice + system + irq + softirq + steal )) $(( user + nice + system + idle + iowait + irq + softirq + steal ))"
}

# Busy share of the whole machine, in %, between two machine_ticks readings.
machine_busy_pct() {
  awk -v a="$1" -v b="$2" 'BEGIN { split(a, p, " "); split(b, q, " "); d = q[2] - p[2]
    printf "%.1f", (d > 0 ? 100 * (q[1] - p[1]) / d : 0) }'
}

# CPU seconds of a finished child, from a copy of /proc/PID/stat taken by the
# shell that waited for it (its cutime + cstime).
stat_child_cpu() {
  awk -v hz="$CLK_TCK" '{ x = $0; sub(/.*\) /, "", x); split(x, f, " "); printf "%.3f", (f[14] + f[15]) / hz; exit }' "$1" 2>/dev/null || echo 0
}

load1() { cut -d' ' -f1 /proc/loadavg; }

# ---------------------------------------------------------------- load
# source_run LIMIT OUT STATF ARGS...: runs smtp-source (SMTP_SOURCE) with ARGS
# for at most LIMIT seconds, its output to OUT, through a shell that copies its
# own /proc stat line to STATF afterwards (cutime + cstime there are
# smtp-source's CPU time; see stat_child_cpu). Returns smtp-source's exit
# status. SRC_PID is set while it runs, for the script's cleanup.
SRC_PID=""
source_run() {
  local limit="$1" out="$2" statf="$3" rc=0
  shift 3
  OUT="$out" STATF="$statf" timeout --kill-after=5 "$limit" \
    bash -c '"$@" > "$OUT" 2>&1; rc=$?; cat /proc/$$/stat > "$STATF"; exit $rc' _ \
    "$SMTP_SOURCE" "$@" &
  SRC_PID=$!
  wait "$SRC_PID" || rc=$?
  SRC_PID=""
  return "$rc"
}

# ---------------------------------------------------------------- network
free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$(( 20000 + RANDOM % 40000 ))
    ss -Htan "( sport = :$p or dport = :$p )" 2>/dev/null | grep -q . || { echo "$p"; return 0; }
  done
  die "no free port found"
}

# Prints the server's greeting line, or nothing when nobody answers.
smtp_banner() {
  timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    IFS= read -r -t 2 line <&3 || exit 1
    printf "QUIT\r\n" >&3
    printf "%s\n" "$line"' _ "$1" 2>/dev/null | tr -d '\r' || true
}

# ---------------------------------------------------------------- files
# Refuses a work directory on tmpfs or ramfs, where fsync does nothing (and
# removes it); sets FS_TYPE to the file system type.
FS_TYPE=""
require_disk_fs() {
  local dir="$1"
  FS_TYPE=$(stat -f -c %T "$dir")
  if [[ "$FS_TYPE" == tmpfs || "$FS_TYPE" == ramfs ]]; then
    rm -rf "$dir"
    die "$dir is on $FS_TYPE, where fsync does nothing; use a disk file system (WORK_PARENT)"
  fi
}

# ---------------------------------------------------------------- statistics
# Median of the numbers given as arguments.
median() {
  printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) exit; if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# JSON string literal of $1.
json_str() {
  local s="$1"
  s=${s//\\/\\\\}; s=${s//\"/\\\"}; s=${s//$'\t'/\\t}; s=${s//$'\n'/\\n}; s=${s//$'\r'/\\r}
  printf '"%s"' "$s"
}
