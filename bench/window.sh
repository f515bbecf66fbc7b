#!/usr/bin/env bash
# Window benchmarks, run by hand (not in CI); results go to BENCH.md by hand.
#   bench/window.sh launch [RUNS]   launch → first tab ready (Mailbox Admin) against launch →
#                                   first paint (bench/hello, with WebKit's defaults and with
#                                   the compositor off as the app), in turn, and the memory of
#                                   each process tree 2 s later
#   bench/window.sh memory          memory with every tab opened (tauri-driver) against hello
#   bench/window.sh accounts [N] [QUERY]   the Accounts tab over N (10000) seeded accounts:
#                                   list render and search per keystroke (WebDriver), and
#                                   `mbadmin account list --search` over the same database
# Builds release binaries: the UI, the app, mbadmin, the seeding example, and the hello-world
# Tauri v2 peer in bench/hello (the workspace's Cargo.lock copied in, so it has the same crate
# versions; built in the main target dir so that crates with the same features are reused).
# Everything runs under one Xvfb screen (1280x900x24), a private D-Bus session and keyring
# (scripts/with-keyring.sh); needs tauri-driver and WebKitWebDriver for `memory`/`accounts`.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${BENCH_NO_BUILD:-}" ]; then
  (cd ui && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run build) >&2
  cargo build --release -p mailbox-admin -p mbadmin >&2
  cargo build --release -p mailbox-admin-core --example seed_accounts >&2
  cp Cargo.lock bench/hello/Cargo.lock
  CARGO_TARGET_DIR="$PWD/target" cargo build --release --manifest-path bench/hello/Cargo.toml >&2
fi
exec xvfb-run -a -s "-screen 0 1280x900x24" scripts/with-keyring.sh python3 bench/window.py "$@"
