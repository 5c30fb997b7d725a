#!/usr/bin/env bash
# Store throughput (bench_store, Google Benchmark) on 541,909 Online-Retail-shaped order
# lines: a fresh SQLite load, a re-load of the same rows (all already present), a full scan,
# and a PostgreSQL load (COPY + ON CONFLICT) against a throwaway server from
# scripts/with-postgres. Results: bench/results/store.txt.
# Env: CHURNWATCH_BUILD (release build dir with benchmarks; default build/release).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD="${CHURNWATCH_BUILD:-$PWD/build/release}"
BENCH="$BUILD/bench/store/bench_store"
[ -x "$BENCH" ] || { echo "missing $BENCH (build the release preset, which enables benchmarks)" >&2; exit 1; }
OUT=bench/results/store.txt
TMP=$(mktemp)
trap 'rm -f "$TMP"' EXIT
scripts/with-postgres "$BENCH" --benchmark_format=console >"$TMP" 2>&1
{
  echo "# churnwatch store benchmark ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg))"
  echo "# 541,909 order lines per run; 'Time' is wall clock, 'CPU' is this process's CPU time"
  echo "# (PostgreSQL's work happens in the server process, so its CPU column is the client's only)."
  grep -E "^(BM_|Benchmark|-)" "$TMP"
} | tee "$OUT"
