#!/usr/bin/env bash
# Builds the UI and the desktop app and launches it on the embedded default database
# (the OS data directory; pass --db PATH or set MAILBOX_ADMIN_DB to use another).
# Without a display it runs under Xvfb; without a Secret Service it starts one.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d ui/node_modules ] || (cd ui && npm ci --no-audit --no-fund)
(cd ui && npm run build)
cargo build --release -p mailbox-admin -p mbadmin
app=target/release/mailbox-admin
run=("$app" "$@")
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No display: starting the window under Xvfb (screen :99 is not visible here)." >&2
  run=(xvfb-run -a -s "-screen 0 1280x900x24" "${run[@]}")
fi
# Keep the private keyring between launches when no desktop keyring exists.
export KEYRING_DIR=${KEYRING_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/mailbox-admin/keyring}
exec scripts/with-keyring.sh "${run[@]}"
