#!/usr/bin/env bash
# Builds the installable packages of Mailbox Admin: a .deb (Debian, Ubuntu) and an .rpm
# (Fedora, RHEL, openSUSE), each with the app, `mbadmin` on the PATH, the desktop entry and
# its icons, and the dependencies (WebKitGTK 4.1, GTK 3, OpenSSL, SQLite, D-Bus, a Secret
# Service such as gnome-keyring). Tauri's bundler (the npm `tauri` CLI in ui/) writes both.
#   scripts/package.sh           release build → target/release/bundle/{deb,rpm}/
#   scripts/package.sh --debug   debug build (what the test command installs; faster)
# Prints the paths of the two packages last, one per line.
# Needs what `scripts/install-deps.sh app` installs (no network at bundle time: the
# AppImage, which downloads its tools, is not built here — see docs/PACKAGING.md).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

profile=release
cargo_flags=(--release)
tauri_flags=()
if [ "${1:-}" = --debug ]; then
  profile=debug
  cargo_flags=()
  tauri_flags=(--debug)
elif [ -n "${1:-}" ]; then
  echo "usage: scripts/package.sh [--debug]" >&2
  exit 2
fi

# The window embeds ui/dist at compile time: build the UI first, then both binaries in one
# cargo call (the same feature set as the test command's build, so nothing is rebuilt), then
# let the bundler wrap what was built (`tauri bundle` does not compile again).
[ -d ui/node_modules ] || (cd ui && npm ci --no-audit --no-fund)
(cd ui && npm run build >/dev/null)
cargo build "${cargo_flags[@]}" -p mailbox-admin -p mbadmin

# tauri.conf.json names the release mbadmin; a debug package takes the debug one.
mbadmin="../target/$profile/mbadmin"
files="{\"/usr/bin/mbadmin\":\"$mbadmin\"}"
config="{\"bundle\":{\"linux\":{\"deb\":{\"files\":$files},\"rpm\":{\"files\":$files}}}}"
rm -rf "target/$profile/bundle/deb" "target/$profile/bundle/rpm"
(cd src-tauri && ../ui/node_modules/.bin/tauri bundle "${tauri_flags[@]}" --bundles deb,rpm \
  --config "$config" >&2)

shopt -s nullglob
debs=("target/$profile/bundle/deb/"*.deb)
rpms=("target/$profile/bundle/rpm/"*.rpm)
[ ${#debs[@]} -eq 1 ] && [ ${#rpms[@]} -eq 1 ] || {
  echo "expected one .deb and one .rpm under target/$profile/bundle" >&2
  exit 1
}
# Names without spaces, as package tools and shells expect them.
version=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' src-tauri/tauri.conf.json | head -1)
deb="target/$profile/bundle/deb/mailbox-admin_${version}_amd64.deb"
rpm="target/$profile/bundle/rpm/mailbox-admin-${version}-1.x86_64.rpm"
mv "${debs[0]}" "$deb"
mv "${rpms[0]}" "$rpm"
printf '%s\n' "$PWD/$deb" "$PWD/$rpm"
