#!/usr/bin/env bash
# Benchmarks, run by hand (not in CI): `bench/run.sh [ACCOUNTS]` (default 1000).
# Builds release binaries, starts the test mail servers on loopback, and compares
# `mbadmin test account` with the equivalent curl calls and `mbadmin test --all` with a
# sequential curl loop, in the same run. Results go to BENCH.md (ratios and peak memory).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p mbadmin
cargo build --release -p mailbox-admin-core --example mailservers
exec scripts/with-keyring.sh python3 bench/bench.py "${1:-1000}"
