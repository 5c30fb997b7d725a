#!/bin/sh
# Validation-only model selection on Online Retail (issue 5's split, H = 90): trains one
# configuration per line of the settings file and prints the purged validation figures of
# `churnwatch train --json` (components trained only on train cutoffs whose label window
# ends by the validation cutoff 2011-06-11; see docs/models.md). The test cutoff
# 2011-09-09 is never read here: settings are chosen on these numbers alone, then the one
# chosen configuration is evaluated once with `churnwatch evaluate`.
#
# Usage: bench/models/select_online_retail.sh [SETTINGS_FILE]
#   each line: a label, then `churnwatch train` flags (cutoffs via @monthly, @14d, @7d and
#   an optional @from=YYYY-MM-DD, default 2011-01-01); lines starting with # are skipped.
# Env: CHURNWATCH (binary, default build/release/churnwatch), DB (store with Online Retail
#   ingested, default sqlite:/tmp/churnwatch_retail.db; ingested when missing); VALID and
#   LAST_TRAIN (default 2011-06-11 and 2011-06-01) to repeat a comparison on an earlier
#   validation cutoff as a robustness check (VALID + 90 days must stay <= 2011-09-09).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN=${CHURNWATCH:-$ROOT/build/release/churnwatch}
DB=${DB:-sqlite:/tmp/churnwatch_retail.db}
SETTINGS=${1:-$HERE/selection_settings.txt}
VALID=${VALID:-2011-06-11}
LAST_TRAIN=${LAST_TRAIN:-2011-06-01}
if [ ! -f "${DB#sqlite:}" ]; then
  "$BIN" ingest --db "$DB" --mapping "$ROOT/examples/mappings/online_retail.toml" \
    --transactions "$ROOT/../shared/data/online_retail/online_retail.csv.gz" >/dev/null
fi
# Train cutoffs counted back from LAST_TRAIN (the issue's last train cutoff) in STEP days
# down to FROM; monthly = first of each month.
cutoffs() {  # $1 = monthly | STEP in days, $2 = FROM
  python3 - "$1" "$2" "$LAST_TRAIN" <<'PY'
import datetime as d, sys
last, first = d.date.fromisoformat(sys.argv[3]), d.date.fromisoformat(sys.argv[2])
if sys.argv[1] == "monthly":
    out = [d.date(y, m, 1) for y in (2010, 2011) for m in range(1, 13)]
    out = [c for c in out if first <= c <= last]
else:
    out, c = [], last
    while c >= first:
        out.append(c)
        c -= d.timedelta(days=int(sys.argv[1]))
print(",".join(str(c) for c in sorted(out)))
PY
}
printf '%-28s %7s %7s %7s %7s %7s | %7s %7s %7s | %5s %6s\n' setting ens_auc ens_pr xf_ece xf_brier ens_ece \
  trees lr bgnbd trees rows
grep -v '^#' "$SETTINGS" | grep -v '^[[:space:]]*$' | while read -r label rest; do
  spacing=monthly
  from=2011-01-01
  flags=""
  for w in $rest; do
    case "$w" in
      @monthly) spacing=monthly ;;
      @7d) spacing=7 ;;
      @14d) spacing=14 ;;
      @from=*) from=${w#@from=} ;;
      *) flags="$flags $w" ;;
    esac
  done
  # shellcheck disable=SC2086  # flags are words on purpose
  out=$("$BIN" train --db "$DB" --horizon-days 90 --train-cutoffs "$(cutoffs $spacing $from)" \
    --valid-cutoff "$VALID" --no-champion --json $flags)
  echo "$out" | jq -r --arg l "$label" '.purged_valid_metrics as $p |
    [$l, $p.ensemble.roc_auc, $p.ensemble.pr_auc, $p.ensemble_crossfit.ece, $p.ensemble_crossfit.brier,
     $p.ensemble.ece, $p.trees.roc_auc, $p.logistic.roc_auc, ($p.bgnbd.roc_auc // null), .best_iteration,
     .train_rows] | @tsv' |
    awk -F'\t' '{printf "%-28s %7.4f %7.4f %7.4f %7.4f %7.4f | %7.4f %7.4f %7.4f | %5d %6d\n", $1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11}'
done
