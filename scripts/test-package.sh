#!/usr/bin/env bash
# The packages as an administrator gets them: builds the .deb and .rpm (debug build, to keep
# the test command's time in check; `scripts/package.sh` builds the release ones), checks
# their contents and dependencies, installs the .deb with apt, runs the installed `mbadmin`
# and the installed window (through tauri-driver, tests/package/), and removes the package.
# Run by scripts/test.sh inside scripts/with-keyring.sh and xvfb-run.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

fail() { echo "package test: $*" >&2; exit 1; }

if dpkg-query -W -f='${Status}' mailbox-admin 2>/dev/null | grep -q "install ok installed"; then
  fail "mailbox-admin is installed on this machine already; this test installs and removes it (remove it first)"
fi

built=$(scripts/package.sh --debug) || fail "scripts/package.sh --debug failed"
mapfile -t pkgs <<<"$built"
deb=${pkgs[0]}
rpm=${pkgs[1]}
echo "built: $deb"
echo "built: $rpm"

# ---- contents and dependencies, before anything is installed
want_files=(/usr/bin/mailbox-admin /usr/bin/mbadmin "/usr/share/applications/Mailbox Admin.desktop"
  /usr/share/icons/hicolor/32x32/apps/mailbox-admin.png /usr/share/icons/hicolor/128x128/apps/mailbox-admin.png
  /usr/share/icons/hicolor/256x256/apps/mailbox-admin.png)
deb_files=$(dpkg-deb --fsys-tarfile "$deb" | tar -t | sed 's#^\./#/#; s#^\([^/]\)#/\1#')
rpm_files=$(rpm -qlp "$rpm")
for f in "${want_files[@]}"; do
  grep -qxF "$f" <<<"$deb_files" || fail "the .deb lacks $f"
  grep -qxF "$f" <<<"$rpm_files" || fail "the .rpm lacks $f"
done
deb_depends=$(dpkg-deb -f "$deb" Depends)
for d in libwebkit2gtk-4.1-0 libgtk-3-0 libssl3 libsqlite3-0 gnome-keyring; do
  grep -q "$d" <<<"$deb_depends" || fail "the .deb does not depend on $d: $deb_depends"
done
rpm_requires=$(rpm -qRp "$rpm")
for d in 'libwebkit2gtk-4.1.so.0' 'libgtk-3.so.0' openssl-libs sqlite-libs gnome-keyring; do
  grep -q "$d" <<<"$rpm_requires" || fail "the .rpm does not require $d: $rpm_requires"
done
x=$(mktemp -d)
trap 'rm -rf "$x"' EXIT
dpkg-deb -x "$deb" "$x"
desktop-file-validate "$x/usr/share/applications/Mailbox Admin.desktop"
grep -q '^Exec=mailbox-admin' "$x/usr/share/applications/Mailbox Admin.desktop" || fail "desktop entry does not start mailbox-admin"
grep -q '^Comment\[de\]=' "$x/usr/share/applications/Mailbox Admin.desktop" || fail "desktop entry has no German comment"
echo "contents and dependencies: ok"

# ---- install as an administrator does, then use what was installed
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$deb" >/dev/null
trap 'rm -rf "$x"; $SUDO env DEBIAN_FRONTEND=noninteractive apt-get remove -y -q mailbox-admin >/dev/null' EXIT
[ "$(command -v mbadmin)" = /usr/bin/mbadmin ] || fail "mbadmin is not on the PATH from the package"
v=$(/usr/bin/mbadmin --version)
[ "$v" = "mbadmin $(dpkg-query -W -f='${Version}' mailbox-admin)" ] || fail "installed mbadmin says '$v'"
echo "installed: $v"

db="$x/cli.db"
mbadmin --db "$db" server add --name "Paket IMAP" --host imap.example.com --security tls >/dev/null
mbadmin --db "$db" server list | grep -q "Paket IMAP" || fail "the installed CLI does not list what it added"
set +e
out=$(mbadmin --db "$db" --lang de server add --name "Falscher Port" --host imap.example.com --port 0 2>&1)
rc=$?
set -e
[ $rc -ne 0 ] || fail "port 0 was accepted"
grep -q -- "--port: Der Port muss zwischen 1 und 65535 liegen" <<<"$out" || fail "no German field error: $out"
mbadmin --db "$db" server list | grep -q "Falscher Port" && fail "a refused server was saved"
echo "installed CLI round: ok"

E2E_APP=/usr/bin/mailbox-admin E2E_MBADMIN=/usr/bin/mbadmin \
  node --test --test-reporter=spec tests/package/

$SUDO env DEBIAN_FRONTEND=noninteractive apt-get remove -y -q mailbox-admin >/dev/null
trap 'rm -rf "$x"' EXIT
[ ! -e /usr/bin/mbadmin ] && [ ! -e /usr/bin/mailbox-admin ] || fail "binaries left after removal"
echo "removed: ok"
