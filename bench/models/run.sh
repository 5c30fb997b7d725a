#!/bin/sh
# Models benchmark: Online Retail training time, 1M synthetic customers scored end to end
# (features + ensemble + reasons for the top 20 %), single-customer latency. Writes
# bench/results/models.txt. Env: CHURNWATCH_BUILD (release build dir with benchmarks on),
# CUSTOMERS (default 1000000), THREADS (default 2). Then quality.sh: model quality against a
# plain pandas + xgboost + scikit-learn pipeline on Online Retail (models_quality.txt).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${CHURNWATCH_BUILD:-$ROOT/build/release}
OUT=$ROOT/bench/results/models.txt
mkdir -p "$ROOT/bench/results"
BIN=$BUILD/bench/models/bench_models_scale
if [ ! -x "$BIN" ]; then
  cmake --build "$BUILD" --target bench_models_scale -j2
fi
# XGBoost's OpenMP threads spin while waiting; on an oversubscribed machine that burns the
# cores the other thread needs (perf showed 77 % of samples in libgomp's spin loop).
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
{
  echo "# churnwatch models benchmark — $(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# targets: 1M customers end to end < 60 s on 2 cores; single-customer p99 < 1 ms"
  /usr/bin/time -f "process: %e s wall, %U s user, %S s sys, max RSS %M kB" "$BIN" "${CUSTOMERS:-1000000}" "${THREADS:-2}" 2>&1
} > "$OUT"
cat "$OUT"
# Quality against the peer pipeline on Online Retail (bench/results/models_quality.txt).
CHURNWATCH_BUILD="$BUILD" sh "$HERE/quality.sh"
