# shellcheck shell=bash
# A private Postfix instance for the bench/*.sh scripts: its own
# config_directory, queue_directory and data_directory under the work
# directory, Debian's stock main.cf and master.cf plus what the instance needs,
# an smtpd on 127.0.0.1 at a free port, started with `postfix -c DIR start` and
# stopped by the script. Needs bench/lib/common.sh and root.
#
#   pf_tools                       finds (or installs) the Postfix programs
#   pf_init DIR                    lays out the instance under DIR, picks PF_PORT
#   pf_configure MAIN [MASTER...]  writes main.cf = stock + instance + MAIN,
#                                  and master.cf = stock + listener + MASTER lines
#                                  ("service/type = entry", as postconf -M takes)
#   pf_set "NAME = VALUE"...       changes main.cf settings (postconf -e)
#   pf_start / pf_stop             the instance; PF_PG is the master's process group
#
# The instance part of main.cf, beyond Debian's stock lines:
#   queue_directory, data_directory = under DIR
#   maillog_file = DIR/maillog (Postfix's own logger, postlogd): the machine may
#                  have no syslog daemon, and the scripts read the log
#   myhostname = sluice-bench.localdomain   a fixed fully qualified name
#   inet_interfaces = 127.0.0.1, inet_protocols = ipv4   loopback only
#   alias_maps =, alias_database =   no local delivery; the default maps are
#                  missing files (/etc/aliases.db) and NIS, which only log errors
# and in master.cf the "smtp inet" service listens on 127.0.0.1:PF_PORT instead
# of port 25, and no service is chrooted (Debian's file chroots some; a chroot
# would need files copied into the queue directory and does not change the
# work done per message).

PF_DIR=""
PF_ETC=""
PF_QUEUE=""
PF_DATA=""
PF_LOG=""
PF_PORT=""
PF_PG=""
PF_STARTED=0
POSTFIX=""
POSTCONF=""
POSTSUPER=""
POSTFIX_VERSION=""
SMTP_SOURCE=""

# shellcheck disable=SC2034  # SMTP_SOURCE and POSTFIX_VERSION are for the scripts
pf_tools() {
  ensure_postfix
  SMTP_SOURCE=$(find_tool smtp-source)
  POSTFIX=$(find_tool postfix)
  POSTCONF=$(find_tool postconf)
  POSTSUPER=$(find_tool postsuper)
  POSTFIX_VERSION=$("$POSTCONF" -h -d mail_version 2>/dev/null || echo unknown)
}

pf_init() {
  [[ $(id -u) -eq 0 ]] || die "a private Postfix instance has to be started as root"
  id postfix >/dev/null 2>&1 || die "user 'postfix' does not exist (the package creates it)"
  PF_DIR="$1"
  PF_ETC="$PF_DIR/etc"
  PF_QUEUE="$PF_DIR/queue"
  PF_DATA="$PF_DIR/data"
  PF_LOG="$PF_DIR/maillog"
  mkdir -p "$PF_ETC" "$PF_QUEUE" "$PF_DATA"
  # Postfix daemons run as user postfix and must reach the queue below this.
  chmod 755 "$PF_DIR"
  chown postfix "$PF_DATA"
  PF_PORT=$(free_port)
}

pf_configure() {
  local extra="$1"; shift
  local master_src=/usr/share/postfix/master.cf.dist entry
  [[ -f "$master_src" ]] || master_src=/etc/postfix/master.cf
  [[ -f "$master_src" ]] || die "no stock master.cf found (/usr/share/postfix/master.cf.dist, /etc/postfix/master.cf)"
  cp "$master_src" "$PF_ETC/master.cf"
  cat > "$PF_ETC/main.cf" <<EOF
# Private instance of a bench/ script; see bench/lib/postfix.sh and the script.
# Debian's stock main.cf
smtpd_banner = \$myhostname ESMTP \$mail_name (Debian/GNU)
biff = no
append_dot_mydomain = no
readme_directory = no
compatibility_level = 3.6
# this instance
queue_directory = $PF_QUEUE
data_directory = $PF_DATA
maillog_file = $PF_LOG
myhostname = sluice-bench.localdomain
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
alias_maps =
alias_database =
# the benchmark
$extra
EOF
  # Listen on loopback at a free port instead of port 25; no chroot anywhere.
  "$POSTCONF" -c "$PF_ETC" -MX smtp/inet
  "$POSTCONF" -c "$PF_ETC" -M "127.0.0.1:$PF_PORT/inet = 127.0.0.1:$PF_PORT inet n - n - - smtpd"
  for entry in "$@"; do
    "$POSTCONF" -c "$PF_ETC" -M "$entry"
  done
  "$POSTCONF" -c "$PF_ETC" -F '*/*/chroot = n'
  "$POSTFIX" -c "$PF_ETC" check > "$PF_DIR/check.log" 2>&1 \
    || { cat "$PF_DIR/check.log" >&2; die "postfix check failed"; }
}

pf_set() {
  "$POSTCONF" -c "$PF_ETC" -e "$@" || die "postconf -e failed: $*"
}

pf_master_pid() { cat "$PF_QUEUE/pid/master.pid" 2>/dev/null | tr -d ' ' || true; }

pf_start() {
  log "starting Postfix $POSTFIX_VERSION: postfix -c $PF_ETC start (127.0.0.1:$PF_PORT)"
  "$POSTFIX" -c "$PF_ETC" start > "$PF_DIR/start.log" 2>&1 \
    || { cat "$PF_DIR/start.log" "$PF_LOG" >&2 2>/dev/null; die "postfix start failed"; }
  PF_STARTED=1
  local banner=""
  for _ in $(seq 1 100); do
    banner=$(smtp_banner "$PF_PORT")
    [[ "$banner" == 220* ]] && break
    sleep 0.1
  done
  [[ "$banner" == 220* ]] || { cat "$PF_DIR/start.log" >&2 2>/dev/null; tail -n 20 "$PF_LOG" >&2 2>/dev/null; die "Postfix did not answer on 127.0.0.1:$PF_PORT within 10 s"; }
  PF_PG=$(pf_master_pid)
  [[ -n "$PF_PG" ]] || die "Postfix master pid not found"
  log "  Postfix answers: $banner"
}

pf_stop() {
  (( PF_STARTED )) || return 0
  local pid
  pid=$(pf_master_pid)
  "$POSTFIX" -c "$PF_ETC" stop >/dev/null 2>&1 || true
  if [[ -n "$pid" ]]; then
    # The master and its children share a process group; wait for all of
    # them, so that no daemon still holds the listening socket when the
    # instance is started again.
    for _ in $(seq 1 100); do group_alive "$pid" || break; sleep 0.1; done
    group_alive "$pid" && kill -KILL -- "-$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do group_alive "$pid" || break; sleep 0.1; done
  fi
  PF_STARTED=0
  PF_PG=""
}

# Files in one queue (hold, incoming, active, deferred, ...).
pf_queue_count() { find "$PF_QUEUE/$1" -type f 2>/dev/null | wc -l; }

pf_queued_total() {
  echo $(( $(pf_queue_count maildrop) + $(pf_queue_count incoming) + $(pf_queue_count active) \
    + $(pf_queue_count deferred) + $(pf_queue_count hold) ))
}

# Deletes every queued message; dies if any is left.
pf_empty() {
  "$POSTSUPER" -c "$PF_ETC" -d ALL >/dev/null 2>&1 || true
  local n; n=$(pf_queued_total)
  (( n == 0 )) || die "Postfix queue not empty after postsuper -d ALL ($n files)"
}

pf_log_lines() { if [[ -f "$PF_LOG" ]]; then wc -l < "$PF_LOG"; else echo 0; fi; }

# Log lines after line $1.
pf_log_since() { tail -n +"$(( $1 + 1 ))" "$PF_LOG" 2>/dev/null || true; }

pf_settings() { "$POSTCONF" -c "$PF_ETC" -n; }
