#!/usr/bin/env bash
# Bulk-test benchmarks, run by hand (not in CI); results go to BENCH.md by hand.
#   bench/bulk.sh relay [ACCOUNTS] [CONCURRENCIES] [CURL_ACCOUNTS]
#       `mbadmin test --all -c C` over ACCOUNTS (1000) accounts through bench/relay.py (20 ms
#       per chunk and direction, 40 ms round trip) in front of the test setup's Dovecot and
#       Postfix, for each C of CONCURRENCIES (10,25,50,100,200), against the sequential curl
#       loop of bench.py through the same relay (over CURL_ACCOUNTS accounts, default all,
#       scaled linearly); wall time, and CPU time per account of mbadmin and of curl.
#   bench/bulk.sh big [ACCOUNTS] [REAL] [CONCURRENCY]
#       `mbadmin test --all -c CONCURRENCY` (50) over ACCOUNTS (10000) accounts, REAL (1000)
#       of them against Dovecot/Postfix on loopback, the rest against a closed loopback port
#       (no stored password): peak RSS and when the result lines appear on stdout (streaming).
# Release builds; accounts seeded through the core (crates/core/examples/bench_seed.rs, one
# keyring entry each) under a private gnome-keyring (scripts/with-keyring.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p mbadmin >&2
cargo build --release -p mailbox-admin-core --example mailservers --example bench_seed >&2
exec scripts/with-keyring.sh python3 bench/bulk.py "$@"
