#!/usr/bin/env bash
# Every check and every test, as CI runs them (.ci/run): formatting, lint, type checks, the
# UI's component tests, the Rust unit and integration tests (a real Secret Service included),
# and the end-to-end test through the real window under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

step() { printf '\n== %s\n' "$*"; }

step "format"
cargo fmt --all -- --check

step "ui: svelte-check, component tests, build"
(cd ui && npm run check && npm test && npm run build)

step "clippy"
cargo clippy --workspace --all-targets -- -D warnings

step "rust tests (unit, CLI, Secret Service, connection tests against Dovecot/Postfix)"
cargo test --workspace

step "build the app and the CLI for the end-to-end test"
cargo build -p mailbox-admin -p mbadmin
cargo build -p mailbox-admin-core --example mailservers

step "end to end through the real window (tauri-driver + WebKitWebDriver, Xvfb)"
scripts/with-keyring.sh xvfb-run -a -s "-screen 0 1280x900x24" \
  node --test --test-reporter=spec tests/e2e/

step "packages: build the .deb and .rpm, install the .deb, run the installed CLI and window, remove it"
scripts/with-keyring.sh xvfb-run -a -s "-screen 0 1280x900x24" scripts/test-package.sh
