#!/bin/sh
# Model quality against the peer pipeline, same data, same split, same run: churnwatch
# (ingest, train on the documented cutoffs, evaluate on the test cutoff) and a plain
# pandas + xgboost + scikit-learn pipeline (peer_online_retail.py) on Online Retail, H = 90.
# Both evaluate the same customers (the script checks the test rows and churn rate agree).
# Writes bench/results/models_quality.txt. Env: CHURNWATCH_BUILD (release build dir).
#
# This reads the test cutoff: it reports, it never chooses. Settings are chosen on
# validation cutoffs only (bench/models/select_online_retail.sh, docs/models.md).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${CHURNWATCH_BUILD:-$ROOT/build/release}
BIN=$BUILD/churnwatch
DATA=$ROOT/examples/data/online_retail.csv.gz
OUT=$ROOT/bench/results/models_quality.txt
TRAIN=2011-01-12,2011-01-26,2011-02-09,2011-02-23,2011-03-09,2011-03-23,2011-04-06,2011-04-20,2011-05-04,2011-05-18,2011-06-01
VALID=2011-06-11
TEST=2011-09-09
PY=/usr/bin/python3
if ! $PY -c "import xgboost, sklearn" 2>/dev/null; then
  echo "models quality: the peer needs python3-xgboost and python3-sklearn (scripts/install-deps bench)" >&2
  exit 1
fi
[ -x "$BIN" ] || cmake --build "$BUILD" --target churnwatch -j2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}

now() { date +%s.%N; }
t0=$(now)
"$BIN" ingest --quiet --db "sqlite:$TMP/retail.db" --mapping "$ROOT/examples/mappings/online_retail.toml" \
  --transactions "$DATA" --rejects-dir "$TMP" >/dev/null
"$BIN" train --quiet --db "sqlite:$TMP/retail.db" --horizon-days 90 --train-cutoffs "$TRAIN" \
  --valid-cutoff "$VALID" --json > "$TMP/train.json"
"$BIN" evaluate --db "sqlite:$TMP/retail.db" --test-cutoff "$TEST" --json > "$TMP/ours.json"
t1=$(now)
$PY "$HERE/peer_online_retail.py" "$DATA" --train-cutoffs "$TRAIN" --valid-cutoff "$VALID" \
  --test-cutoff "$TEST" > "$TMP/peer.json"
t2=$(now)

{
  echo "# churnwatch models vs a plain pandas + xgboost + scikit-learn pipeline — $(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# Online Retail, H = 90, train cutoffs $TRAIN, validation $VALID, test $TEST"
  echo "# reproduce: bash bench/models/quality.sh (after scripts/install-deps bench)"
  $PY - "$TMP/ours.json" "$TMP/peer.json" "$TMP/train.json" "$t0" "$t1" "$t2" <<'EOF'
import json, sys
ours, peer, train = (json.load(open(p)) for p in sys.argv[1:4])
t0, t1, t2 = (float(x) for x in sys.argv[4:7])
om = ours["models"]
rows = om["ensemble"]["rows"]
rate = om["ensemble"]["base_rate"]
print(f"test population: churnwatch {rows} customers, churn rate {rate:.3f}; "
      f"peer {peer['test_rows']} customers, churn rate {peer['test_base_rate']:.3f}")
if rows != peer["test_rows"] or abs(rate - peer["test_base_rate"]) > 1e-9:
    print("WARNING: the two test populations differ; the figures below are not comparable")
print(f"peer versions: pandas {peer['versions']['pandas']}, xgboost {peer['versions']['xgboost']}, "
      f"scikit-learn {peer['versions']['sklearn']}; peer xgboost rounds {peer['xgboost_rounds']}")
print()
print(f"{'model':<34}{'ROC-AUC':>9}{'PR-AUC':>9}{'Brier':>9}{'ECE':>9}")
def line(name, m):
    f = lambda k: f"{m[k]:9.3f}" if k in m and m[k] is not None else f"{'-':>9}"
    print(f"{name:<34}{f('roc_auc')}{f('pr_auc')}{f('brier')}{f('ece')}")
for key, name in [("ensemble", "churnwatch ensemble"), ("trees", "churnwatch trees"),
                  ("logistic", "churnwatch logistic"), ("bgnbd", "churnwatch BG/NBD"),
                  ("recency_rule", "churnwatch recency rule (> H/2)")]:
    if key in om:
        line(name, om[key])
line("peer pandas + xgboost", peer["models"]["pandas_xgboost"])
line("peer scikit-learn logistic", peer["models"]["sklearn_logistic"])
line("peer recency (ranked by days)", {k: v for k, v in peer["models"]["recency_rule"].items()})
e, x = om["ensemble"]["roc_auc"], peer["models"]["pandas_xgboost"]["roc_auc"]
print()
print(f"ensemble ROC-AUC minus peer xgboost: {e - x:+.3f}; issue 5 target: ROC-AUC >= 0.77, ECE <= 0.03")
print(f"whole job, wall: churnwatch ingest + train + evaluate {t1 - t0:.1f} s ({train['train_rows']} training rows); "
      f"peer read + features + fit + evaluate {t2 - t1:.1f} s")
EOF
} > "$OUT"
cat "$OUT"
