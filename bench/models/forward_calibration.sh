#!/bin/sh
# Forward-in-time check of calibration designs on Online Retail (H = 90), entirely before
# the test cutoff 2011-09-09, which is never read here. For each triple (A, B, C): the
# components are trained on cutoffs every 14 days back from A (down to 2011-01-01), the
# stacker and calibration are fitted with B as the validation cutoff, and the model is then
# evaluated on the later cutoff C (C + 90 days <= 2011-09-09). This mirrors the real use —
# calibrate on the latest observed cutoff, score a later one — on cutoffs whose labels are
# all observed before the test window. A design that transfers forward has a low ECE at C.
#
# Usage: bench/models/forward_calibration.sh [DESIGNS_FILE]
#   each line: a label, then `churnwatch train` flags; lines starting with # are skipped.
# Env: CHURNWATCH (binary), DB (store with Online Retail ingested; ingested when missing),
#   TRIPLES (space-separated A,B,C; default below), EXTRA (flags added to every design,
#   e.g. --drop-features to compare on an older feature set).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN=${CHURNWATCH:-$ROOT/build/release/churnwatch}
DB=${DB:-sqlite:/tmp/churnwatch_retail.db}
DESIGNS=${1:-$HERE/calibration_designs.txt}
# B is 10 days after A (as 2011-06-11 after 2011-06-01); C is 40-60 days after B (a full
# 90-day gap as on the acceptance split would need C > 2011-06-11 or B before the
# earliest usable cutoffs).
DEFAULT_TRIPLES="2011-04-01,2011-04-11,2011-06-11 2011-04-22,2011-05-02,2011-06-11"
DEFAULT_TRIPLES="$DEFAULT_TRIPLES 2011-04-08,2011-04-18,2011-05-28 2011-03-25,2011-04-04,2011-05-14"
TRIPLES=${TRIPLES:-$DEFAULT_TRIPLES}
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
if [ ! -f "${DB#sqlite:}" ]; then
  "$BIN" ingest --db "$DB" --mapping "$ROOT/examples/mappings/online_retail.toml" \
    --transactions "$ROOT/../shared/data/online_retail/online_retail.csv.gz" >/dev/null
fi
cutoffs() {  # $1 = last train cutoff A; every 14 days back to 2011-01-01
  python3 - "$1" <<'PY'
import datetime as d, sys
c, out = d.date.fromisoformat(sys.argv[1]), []
while c >= d.date(2011, 1, 1):
    out.append(c)
    c -= d.timedelta(days=14)
print(",".join(str(c) for c in sorted(out)))
PY
}
printf '%-24s %-10s %-10s %7s %7s %7s %7s %7s\n' design valid check ens_auc ens_ece brier rate mean_p
grep -v '^#' "$DESIGNS" | grep -v '^[[:space:]]*$' | while read -r label flags; do
  for t in $TRIPLES; do
    a=${t%%,*}
    rest=${t#*,}
    b=${rest%%,*}
    c=${rest#*,}
    # shellcheck disable=SC2086  # flags are words on purpose
    v=$("$BIN" train --db "$DB" --horizon-days 90 --train-cutoffs "$(cutoffs "$a")" --valid-cutoff "$b" \
      --no-champion --json $flags ${EXTRA:-} | jq -r .model_version)
    "$BIN" evaluate --db "$DB" --model "$v" --test-cutoff "$c" --json 2>/dev/null |
      jq -r --arg l "$label" --arg b "$b" --arg c "$c" '.models.ensemble as $e |
        [$l, $b, $c, $e.roc_auc, $e.ece, $e.brier, $e.base_rate,
         (([$e.calibration[] | .rows * .mean_predicted] | add) / ([$e.calibration[] | .rows] | add))] | @tsv' |
      awk -F'\t' '{printf "%-24s %-10s %-10s %7.4f %7.4f %7.4f %7.4f %7.4f\n", $1,$2,$3,$4,$5,$6,$7,$8}'
  done
done
