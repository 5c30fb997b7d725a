#!/usr/bin/env bash
# Whole-job benchmark: a raw export to a scored action list, churnwatch against the pandas +
# xgboost + scikit-learn peer (peer_job.py) on the same input, in the same run, stage by stage:
#   churnwatch ingest → train (features at the training and validation cutoffs, both models,
#   calibration) → evaluate (test cutoff) → score --out (features, ensemble, reasons, zones,
#   playbook, budget: the action list)
#   peer: read_csv → the same features → xgboost + logistic → test AUC → SHAP reasons, actions, budget.
# Inputs: Online Retail (examples/data) and synthetic retailers of SIZES customers (about 10
# order lines each, events included; gen_job_data). Wall time and peak RSS per process
# (/usr/bin/time); the peer is capped at PEER_CAP seconds and reported as "gave up" past it.
# Results: bench/results/job.txt.
# Env: CHURNWATCH_BUILD (release build dir), SIZES (default "100000 1000000"), PEER_CAP (1800).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD="${CHURNWATCH_BUILD:-$PWD/build/release}"
BIN="${CHURNWATCH_BIN:-$BUILD/churnwatch}"
GEN="$BUILD/bench/job/gen_job_data"
SIZES="${SIZES:-100000 1000000}"
PEER_CAP="${PEER_CAP:-1800}"
OUT=bench/results/job.txt
for f in "$BIN" "$GEN"; do [ -x "$f" ] || { echo "missing $f (build the release preset)" >&2; exit 1; }; done
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# measure NAME CMD...: runs CMD, appends "NAME wall_s peak_rss_mib exit" to $TMP/times.
measure() {
  local name=$1; shift
  local rc=0
  /usr/bin/time -f "%e %M" -o "$TMP/one" "$@" > "$TMP/$name.out" 2> "$TMP/$name.err" || rc=$?
  read -r wall rss < <(tail -1 "$TMP/one")
  echo "$name $wall $((rss / 1024)) $rc" >> "$TMP/times"
  if [ $rc -ne 0 ] && [ $rc -ne 124 ]; then
    echo "$name failed ($rc):" >&2; tail -5 "$TMP/$name.err" >&2
    # A failed churnwatch stage makes the comparison meaningless: stop rather than print a ratio.
    case $name in cw_*) exit 1 ;; esac
  fi
}

# job LABEL MAPPING TX EVENTS LAYOUT TRAIN VALID TEST ASOF
job() {
  local label=$1 mapping=$2 tx=$3 events=$4 layout=$5 train=$6 valid=$7 test=$8 asof=$9
  local db="sqlite:$TMP/$label.db" ev_flag=() peer_ev=()
  [ -n "$events" ] && ev_flag=(--events "$events") && peer_ev=(--events "$events")
  rm -f "$TMP/times" "$TMP/$label.db"
  measure cw_ingest "$BIN" ingest --db "$db" --mapping "$mapping" --transactions "$tx" "${ev_flag[@]}" -q
  measure cw_train "$BIN" train --db "$db" --train-cutoffs "$train" --valid-cutoff "$valid" -q
  measure cw_evaluate "$BIN" evaluate --db "$db" --test-cutoff "$test" --json -q
  measure cw_score "$BIN" score --db "$db" --as-of "$asof" --out "$TMP/cw_actions.csv" -q
  measure peer timeout "$PEER_CAP" /usr/bin/python3 bench/job/peer_job.py --transactions "$tx" "${peer_ev[@]}" \
    --layout "$layout" --train-cutoffs "$train" --valid-cutoff "$valid" --test-cutoff "$test" --as-of "$asof" \
    --out "$TMP/peer_actions.csv"
  local cw_auc peer_auc
  cw_auc=$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))["models"]; print("%.3f" % m.get("ensemble", next(iter(m.values())))["roc_auc"])' "$TMP/cw_evaluate.out" 2>/dev/null || echo "?")
  peer_auc=$(python3 -c 'import json,sys; print("%.3f" % json.load(open(sys.argv[1]))["test_roc_auc"])' "$TMP/peer.out" 2>/dev/null || echo "?")
  awk -v label="$label" -v cw_auc="$cw_auc" -v peer_auc="$peer_auc" -v cap="$PEER_CAP" '
    { wall[$1] = $2; rss[$1] = $3; rc[$1] = $4 }
    END {
      cw = wall["cw_ingest"] + wall["cw_train"] + wall["cw_evaluate"] + wall["cw_score"]
      cwrss = rss["cw_ingest"]; for (k in rss) if (k ~ /^cw_/ && rss[k] > cwrss) cwrss = rss[k]
      printf "%-22s churnwatch %7.2f s (ingest %.2f, train %.2f, evaluate %.2f, score %.2f), peak %5d MiB, test AUC %s\n", \
        label, cw, wall["cw_ingest"], wall["cw_train"], wall["cw_evaluate"], wall["cw_score"], cwrss, cw_auc
      if (rc["peer"] == 124) printf "%-22s peer       gave up after %d s (cap)\n", label, cap
      else if (rc["peer"] != 0) printf "%-22s peer       failed (exit %d) after %.2f s, peak %d MiB\n", label, rc["peer"], wall["peer"], rss["peer"]
      else printf "%-22s peer       %7.2f s, peak %5d MiB, test AUC %s  ->  churnwatch %.1fx faster, %.2fx the memory\n", \
        label, wall["peer"], rss["peer"], peer_auc, wall["peer"] / cw, cwrss / rss["peer"]
    }' "$TMP/times"
  grep -h '"seconds"' "$TMP/peer.out" | sed "s/^/$(printf '%-22s' "$label") peer stages: /" || true
}

{
  echo "# churnwatch whole-job benchmark — $(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# command: bash bench/job/run.sh (SIZES=\"$SIZES\", PEER_CAP=$PEER_CAP); wall = sum of the churnwatch processes"
  echo "# target (issue 21): 10^6 customers >= 10x the peer's wall time with less peak memory; Online Retail >= 3x"
  zcat examples/data/online_retail.csv.gz > "$TMP/online_retail.csv"
  job online_retail examples/mappings/online_retail.toml "$TMP/online_retail.csv" "" online_retail \
    2011-02-01,2011-03-01,2011-04-01,2011-05-01 2011-06-01 2011-09-09 2011-12-10
  for n in $SIZES; do
    mkdir -p "$TMP/s$n"
    "$GEN" "$n" "$TMP/s$n" 2>&1 | sed 's/^/# /'
    job "synthetic_$n" examples/mappings/canonical.toml "$TMP/s$n/transactions.csv" "$TMP/s$n/events.csv" canonical \
      2023-01-01,2023-02-01,2023-03-01,2023-04-01 2023-06-01 2023-09-01 2024-01-01
    rm -rf "$TMP/s$n" "$TMP/synthetic_$n.db"
  done
} | tee "$OUT"
