# Finds a JDK 21 or newer for ./mvnw, ./sluice, .ci/run and the benchmark scripts, so that they
# work on a machine whose default `java` is older while a newer JDK is installed beside it.
# POSIX sh, meant to be sourced; it only defines functions.

# Prints the major Java version of the JDK at $1 (e.g. 25), or nothing.
sluice_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java.specification.version = //p' | head -n 1 | cut -d. -f1
}

# Prints the JDK to use, or fails with a message on stderr. With no argument, JAVA_HOME wins when
# it is 21 or newer (the user chose it); with "newest", the newest JDK >= 21 found wins. Looked at:
# JAVA_HOME, the javac on PATH, /usr/lib/jvm, /usr/java, /opt/java, SDKMAN's and macOS's folders.
sluice_find_jdk() {
  _sfj_mode="${1:-}"
  if [ -z "$_sfj_mode" ] && [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    _sfj_v="$(sluice_java_major "$JAVA_HOME")"
    if [ "${_sfj_v:-0}" -ge 21 ] 2>/dev/null; then
      printf '%s\n' "$JAVA_HOME"
      return 0
    fi
  fi
  _sfj_path_jdk=""
  _sfj_javac="$(command -v javac 2>/dev/null || true)"
  if [ -n "$_sfj_javac" ]; then
    _sfj_path_jdk="$(dirname "$(dirname "$(readlink -f "$_sfj_javac" 2>/dev/null || echo "$_sfj_javac")")")"
  fi
  # The callers may run with globbing off (mvnw sets -f); turn it on for the loop only.
  case $- in *f*) _sfj_noglob=1; set +f ;; *) _sfj_noglob=0 ;; esac
  _sfj_best=""
  _sfj_best_v=0
  for _sfj_d in ${JAVA_HOME:-} $_sfj_path_jdk /usr/lib/jvm/* /usr/java/* /opt/java/* \
    "${HOME:-/nonexistent}"/.sdkman/candidates/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -x "$_sfj_d/bin/java" ] && [ -x "$_sfj_d/bin/javac" ] || continue
    _sfj_v="$(sluice_java_major "$_sfj_d")"
    case "$_sfj_v" in '' | *[!0-9]*) continue ;; esac
    if [ "$_sfj_v" -gt "$_sfj_best_v" ]; then
      _sfj_best="$_sfj_d"
      _sfj_best_v="$_sfj_v"
    fi
  done
  [ "$_sfj_noglob" = 1 ] && set -f
  if [ "$_sfj_best_v" -lt 21 ]; then
    echo "Sluice needs a JDK 21 or newer: set JAVA_HOME to one, or install one (for example under /usr/lib/jvm)." >&2
    [ -n "${JAVA_HOME:-}" ] && echo "JAVA_HOME=$JAVA_HOME is older than 21 or not a JDK." >&2
    return 1
  fi
  printf '%s\n' "$_sfj_best"
}
