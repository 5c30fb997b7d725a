#!/bin/sh
# Scale benchmark: `churnwatch train` on CUSTOMERS synthetic customers (default 1,000,000)
# as one process and as 2 and 4 local workers joined through XGBoost's collective, and
# `churnwatch score --buckets` throughput per worker. Writes bench/results/scale.txt.
# Env: CHURNWATCH_BUILD (release build dir), CUSTOMERS, TRANSACTIONS (default 5x), ROUNDS
# (default 100), WORK (scratch dir, default a temp dir). Runs under nice: the machine is shared.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${CHURNWATCH_BUILD:-$ROOT/build/release}
CUSTOMERS=${CUSTOMERS:-1000000}
TRANSACTIONS=${TRANSACTIONS:-$((CUSTOMERS * 5))}
ROUNDS=${ROUNDS:-100}
WORK=${WORK:-$(mktemp -d)}
OUT=$ROOT/bench/results/scale.txt
mkdir -p "$ROOT/bench/results"
for t in churnwatch bench_scale_make_store; do
  [ -x "$BUILD/$t" ] || [ -x "$BUILD/bench/scale/$t" ] || cmake --build "$BUILD" --target "$t" -j2
done
BIN=$BUILD/churnwatch
STORE=sqlite:$WORK/scale.db
export OMP_WAIT_POLICY=passive
[ -f "$WORK/scale.db" ] || nice -n 10 "$BUILD/bench/scale/bench_scale_make_store" "$CUSTOMERS" "$TRANSACTIONS" "$CUSTOMERS" "$STORE"
# One training cutoff and a validation cutoff one horizon later (no purge), one logistic C,
# BG/NBD off (workers need it off): the same work in every configuration.
TRAIN="train --db $STORE --train-cutoffs 2011-03-01 --valid-cutoff 2011-06-01 --no-bgnbd --no-champion --threads 1 \
  --max-rounds $ROUNDS --logistic-c 0.01 --json"
timed() {  # label, command...: prints "label: wall s, max RSS" (max RSS of the largest process)
  label=$1; shift
  /usr/bin/time -f "$label: %e s wall, %U s user, max RSS %M kB (launcher)" nice -n 10 "$@" >"$WORK/out.json" 2>"$WORK/err.txt" ||
    { echo "$label: FAILED"; tail -3 "$WORK/err.txt"; return 0; }
  tail -1 "$WORK/err.txt"
}
{
  echo "# churnwatch scale benchmark — $(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# $CUSTOMERS customers, $TRANSACTIONS transactions; train: 1 cutoff + validation, $ROUNDS rounds max, 1 thread per process"
  echo "# speed-up = T(1 process) / T(W workers); efficiency = speed-up / min(W, cores)"
  for w in 1 2 4; do
    if [ "$w" = 1 ]; then timed "train, 1 process" "$BIN" $TRAIN
    else timed "train, $w workers" "$BIN" $TRAIN --workers "$w"; fi
    grep -h "^worker \|^all " "$WORK/err.txt" || true
    grep -o '"roc_auc": [0-9.]*' "$WORK/out.json" | head -1 | sed "s/^/  validation /"
  done
  # Scoring: one process over all buckets, then 2 scorers on half the buckets each at once.
  MODEL=$("$BIN" train --db "$STORE" --train-cutoffs 2011-03-01 --valid-cutoff 2011-06-01 --no-bgnbd --no-champion \
          --threads 1 --max-rounds 20 --logistic-c 0.01 --json 2>/dev/null | grep -o '"model_version": "[^"]*"' | cut -d'"' -f4)
  SCORE="score --db $STORE --model $MODEL --as-of 2011-10-01 --threads 1 --no-store --explain approx"
  timed "score, 1 process, all buckets" "$BIN" $SCORE --out "$WORK/all.csv"
  echo "  customers scored: $(($(wc -l < "$WORK/all.csv") - 1))"
  start=$(date +%s.%N)
  nice -n 10 "$BIN" $SCORE --buckets 0:512 --out "$WORK/a.csv" >/dev/null 2>&1 &
  nice -n 10 "$BIN" $SCORE --buckets 512:1024 --out "$WORK/b.csv" >/dev/null 2>&1 &
  wait
  end=$(date +%s.%N)
  n=$(($(wc -l < "$WORK/a.csv") + $(wc -l < "$WORK/b.csv") - 2))
  echo "score, 2 scorers (--buckets 0:512, 512:1024): $(echo "$end - $start" | bc) s wall for $n customers"
} > "$OUT"
cat "$OUT"
