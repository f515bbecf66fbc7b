#!/usr/bin/env bash
# Runs one fuzz target for RUNS executions (default 10 million) with its input size and
# dictionary, one worker, low priority; prints libFuzzer's final statistics.
#   fuzz/run.sh imap [RUNS]
# docs/FUZZING.md records what the runs reached.
set -euo pipefail
cd "$(dirname "$0")"
target=$1
runs=${2:-10000000}
case $target in
  imap | pop3 | smtp) max=4096 dict=(-dict=dict/$target.dict) ;;
  export_import) max=16384 dict=() ;;
  certificate) max=4096 dict=() ;;
  csv_import) max=2048 dict=() ;;
  autoconfig) max=8192 dict=() ;;
  *) max=1024 dict=() ;;
esac
# Stable Rust takes libFuzzer's nightly flags with RUSTC_BOOTSTRAP=1 when no nightly is there.
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  toolchain=(+nightly)
else
  toolchain=()
  export RUSTC_BOOTSTRAP=1
fi
exec nice -n 10 cargo "${toolchain[@]}" fuzz run -s none -a "$target" "corpus/$target" -- \
  -runs="$runs" -max_len="$max" -timeout=10 -rss_limit_mb=1024 -print_final_stats=1 "${dict[@]}"
