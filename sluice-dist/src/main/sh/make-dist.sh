#!/usr/bin/env bash
# Builds the release artifacts from the shaded sluice.jar: a Java runtime of only the modules sluice
# needs (jlink), an AOT cache of the classes a start loads, the installed file tree, and from it the
# Debian package (dpkg-deb) and a tarball of the same tree. Run by the sluice-dist module in the
# package phase, with its inputs in DIST_* environment variables (see sluice-dist/pom.xml).
set -euo pipefail
: "${DIST_JDK:?}" "${DIST_VERSION:?}" "${DIST_JAR:?}" "${DIST_SRC:?}" "${DIST_GENERATED:?}" "${DIST_OUT:?}"
compression="${DIST_COMPRESSION:-gzip}"
level="${DIST_COMPRESSION_LEVEL:-1}"

for tool in dpkg-deb asciidoctor strip; do
  command -v "$tool" >/dev/null || {
    echo "make-dist: $tool is needed to build the packages (Debian: apt-get install dpkg asciidoctor binutils)" >&2
    exit 1
  }
done

# Debian versions sort '~' before anything: 0.1.0~SNAPSHOT comes before 0.1.0.
deb_version="${DIST_VERSION//-/\~}"
arch=amd64
work="$(dirname "$DIST_OUT")/dist-work"
root="$work/root"
lib="$root/usr/lib/sluice"
rm -rf "$work" "$DIST_OUT"
mkdir -p "$work" "$DIST_OUT" "$lib"
step() { printf 'make-dist: %s\n' "$*" >&2; }

# 1. The runtime: jlink with the listed modules.
feature="$("$DIST_JDK/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
modules="$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$DIST_SRC/jlink/modules" | paste -sd, -)"
if [ "${DIST_CHECK_MODULES:-false}" = true ]; then
  step "checking the module list against jdeps"
  needed="$("$DIST_JDK/bin/jdeps" --multi-release "$feature" --ignore-missing-deps --print-module-deps "$DIST_JAR")"
  for m in ${needed//,/ }; do
    case ",$modules," in
      *",$m,"*) ;;
      *) echo "make-dist: jdeps finds module $m in use; add it to sluice-dist/src/jlink/modules" >&2; exit 1 ;;
    esac
  done
fi
step "jlink: $modules"
# java.desktop is in the list for java.beans only: its native libraries (AWT, fonts, image codecs,
# sound, the splash screen) are never loaded by a server and are left out.
excluded=""
for so in awt_xawt splashscreen jsound javajpeg lcms freetype fontmanager mlib_image jawt; do
  excluded="$excluded${excluded:+,}glob:/java.desktop/lib/lib$so.so"
done
"$DIST_JDK/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --compress=zip-6 --exclude-files="$excluded" --output "$lib/runtime"
# Debian ships ELF files stripped of what only a debugger reads (as dh_strip does); their dynamic
# symbols stay.
find "$lib/runtime" -type f \( -name '*.so' -o -path '*/bin/*' -o -name jspawnhelper -o -name jexec \) -print0 |
  xargs -0 strip --strip-unneeded --remove-section=.comment --remove-section=.note

# 2. The program, its launcher, and the AOT cache, trained on the packaged runtime and jar in place
#    (a cache is only taken by the same runtime with the same jar, checked by its size and time).
install -m 0644 -p "$DIST_JAR" "$lib/sluice.jar"
install -D -m 0755 "$DIST_SRC/deb/sluice" "$root/usr/bin/sluice"
if [ "$feature" -ge 25 ]; then
  # The training run (dev.sluice.app.AotTraining) is a relay with a fresh spool, free ports and its
  # embedded simulator that takes DIST_AOT_TRAINING_MESSAGES (default 2,000) over SMTP and HTTP
  # and delivers them, then stops: the cache then holds the classes a relay's start and its hot
  # path load, which include the whole command tree that --version builds, and the JIT profiles
  # of that hot path (JEP 515). The packaged runtime runs it with the options the launcher gives
  # (--enable-native-access must match), on the jar in place; no outside environment leaks in.
  step "AOT cache (training run)"
  train="$work/train"
  mkdir -p "$train"
  if ! (cd "$train" && exec env -i PATH="$PATH" HOME="$train" "$lib/runtime/bin/java" -Xlog:disable \
    -Xlog:all=error:stderr --enable-native-access=ALL-UNNAMED "-XX:AOTCacheOutput=$lib/sluice.aot" \
    -cp "$lib/sluice.jar" dev.sluice.app.AotTraining ${DIST_AOT_TRAINING_MESSAGES:-} \
    >"$train/log" 2>&1); then
    cat "$train/log" >&2
    echo "make-dist: the AOT training run failed" >&2
    exit 1
  fi
  step "$(grep '^sluice AOT training:' "$train/log")"
  [ -f "$lib/sluice.aot" ] || { cat "$train/log" >&2; echo "make-dist: no AOT cache written" >&2; exit 1; }
else
  step "no AOT cache: the JDK building the package is $feature; -XX:AOTCacheOutput needs 25"
fi

# 3. Configuration, service, user and directory.
install -D -m 0644 "$DIST_GENERATED/relay.conf" "$root/etc/sluice/relay.conf"
install -D -m 0644 "$DIST_SRC/deb/sluice-relay.service" "$root/usr/lib/systemd/system/sluice-relay.service"
install -D -m 0644 "$DIST_SRC/deb/sysusers.conf" "$root/usr/lib/sysusers.d/sluice.conf"
install -D -m 0644 "$DIST_SRC/deb/tmpfiles.conf" "$root/usr/lib/tmpfiles.d/sluice.conf"
install -d -m 0755 "$root/var/lib/sluice"

# 4. Completions and manual pages, generated from the command line model.
install -D -m 0644 "$DIST_GENERATED/bash/sluice" "$root/usr/share/bash-completion/completions/sluice"
install -D -m 0644 "$DIST_GENERATED/zsh/_sluice" "$root/usr/share/zsh/vendor-completions/_sluice"
step "manual pages"
asciidoctor -b manpage -D "$work/man" "$DIST_GENERATED"/man/*.adoc
install -d -m 0755 "$root/usr/share/man/man1"
for page in "$work"/man/*.1; do
  gzip -9nc "$page" >"$root/usr/share/man/man1/$(basename "$page").gz"
done

# 5. Documentation Debian asks of every package, and lintian's overrides, each explained.
doc="$root/usr/share/doc/sluice"
install -D -m 0644 "$DIST_SRC/deb/copyright" "$doc/copyright"
install -D -m 0644 "$DIST_SRC/deb/lintian-overrides" "$root/usr/share/lintian/overrides/sluice"
when="$(git -C "$DIST_SRC" log -1 --format=%cD 2>/dev/null || date -R)"
printf 'sluice (%s) unstable; urgency=medium\n\n  * Built from the sources of sluice %s.\n\n -- Sluice developers <packages@sluice.dev>  %s\n' \
  "$deb_version" "$DIST_VERSION" "$when" | gzip -9n >"$doc/changelog.gz"
chmod 0644 "$doc/changelog.gz"

# 6. The Debian control area. Modes as Debian wants them: 0755 for directories and programs, 0644
#    for everything else (jlink writes its legal notices 0444).
find "$root" -type d -exec chmod 0755 {} +
find "$root" -type f -perm /111 -exec chmod 0755 {} +
find "$root" -type f ! -perm /111 -exec chmod 0644 {} +
control="$root/DEBIAN"
mkdir -p "$control"
for f in postinst prerm postrm; do install -m 0755 "$DIST_SRC/deb/DEBIAN/$f" "$control/$f"; done
install -m 0644 "$DIST_SRC/deb/DEBIAN/conffiles" "$control/conffiles"
size="$(du -sk --exclude=DEBIAN "$root" | cut -f1)"
# What the runtime's ELF files and the native libraries in the jar (RocksDB, Netty, the AWS CRT,
# zstd) link against, at the newest symbol versions they use (GLIBC_2.17, GLIBCXX_3.4.19).
depends="adduser, libc6 (>= 2.17), libstdc++6 (>= 4.8.1), libgcc-s1 | libgcc1"
sed -e "s/@VERSION@/$deb_version/" -e "s/@INSTALLED_SIZE@/$size/" -e "s/@DEPENDS@/$depends/" \
  "$DIST_SRC/deb/DEBIAN/control.in" >"$control/control"
(cd "$root" && find . -path ./DEBIAN -prune -o -path ./etc -prune -o -type f -printf '%P\0' |
  sort -z | xargs -0 md5sum) >"$control/md5sums"
chmod 0644 "$control/control" "$control/md5sums"

# 7. The package and the tarball.
deb="$DIST_OUT/sluice_${deb_version}_${arch}.deb"
step "dpkg-deb ($compression -$level)"
dpkg-deb --root-owner-group -Z"$compression" -z"$level" --build "$root" "$deb" >/dev/null
case "$compression" in xz) ext=xz ;; *) ext=gz ;; esac
tarball="$DIST_OUT/sluice-${DIST_VERSION}-linux-x86_64.tar.$ext"
step "tarball"
tar --owner=0 --group=0 --numeric-owner --sort=name -C "$root" --exclude=./DEBIAN -cf - . |
  "$compression" -"$level" >"$tarball"
step "$(ls -l "$deb" "$tarball" | awk '{print $5, $9}' | tr '\n' ' ')"

# 8. -Prelease: lintian, failing on any error or warning not overridden (and explained) above.
if [ "${DIST_LINT:-false}" = true ]; then
  command -v lintian >/dev/null || { echo "make-dist: lintian is needed for a release build (apt-get install lintian)" >&2; exit 1; }
  step "lintian"
  lintian --fail-on error,warning "$deb" >&2
fi
