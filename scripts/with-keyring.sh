#!/usr/bin/env bash
# Runs a command with a Secret Service available. On a desktop session that already has
# one, it just runs the command. Otherwise (a server over SSH, CI, Xvfb) it starts a private
# D-Bus session and an unlocked gnome-keyring for the command's lifetime.
#   KEYRING_DIR       where the keyring files live (default: a fresh temp dir; set it to
#                     keep secrets between runs, e.g. ~/.local/share for the real one)
#   KEYRING_PASSWORD  the unlock password (default: "mailbox-admin"; set your own for a
#                     keyring kept between runs)
set -euo pipefail

has_secrets() {
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'
}

if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  exec dbus-run-session -- "$0" "$@"
fi

if ! has_secrets; then
  dir=${KEYRING_DIR:-$(mktemp -d)}
  mkdir -p "$dir"
  # An empty password leaves the new login keyring unusable ("no result found"): use one.
  # Only the daemon keeps its files in $dir: the command keeps its own data directory.
  printf %s "${KEYRING_PASSWORD:-mailbox-admin}" |
    XDG_DATA_HOME="$dir" gnome-keyring-daemon --unlock --components=secrets >/dev/null
  for _ in $(seq 1 100); do has_secrets && break; sleep 0.1; done
  has_secrets || { echo "gnome-keyring did not come up on the session bus" >&2; exit 1; }
fi
exec "$@"
