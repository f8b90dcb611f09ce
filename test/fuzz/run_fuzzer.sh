#!/usr/bin/env bash
# Runs one libFuzzer target for a while: run_fuzzer.sh BINARY SEED_DIR WORK_DIR SECONDS.
# The seed corpus in the repo is read, never written; new inputs and crash artifacts go to
# WORK_DIR. Fails (and names the artifact) when the fuzzer finds a crash, leak or timeout.
set -euo pipefail
bin=$1 seeds=$2 work=$3 seconds=$4
mkdir -p "$work/corpus" "$work/artifacts"
exec "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
  -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$work/corpus" "$seeds"
