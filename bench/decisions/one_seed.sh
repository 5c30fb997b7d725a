#!/usr/bin/env bash
# Decisions on a simulated world: simulate → run → grade, for one seed.
#   bench/decisions/one_seed.sh SEED [CUSTOMERS] [OUT_ROOT]
# Writes OUT_ROOT/seed-SEED/{world,grade.json,grade.txt} and prints one summary line: ROC-AUC,
# top-1 / top-3 reason accuracy where the cause was visible, and the plan's expected net
# against the oracle and the two naive plans under the same budget.
# Environment: CHURNWATCH_BIN (default build/release/churnwatch), POLICY (an extra policy
# file whose tables are appended to the world's run.toml, for trying settings).
set -euo pipefail
cd "$(dirname "$0")/../.."
seed="${1:?usage: one_seed.sh SEED [CUSTOMERS] [OUT_ROOT]}"
customers="${2:-20000}"
root="${3:-out/decisions}"
bin="${CHURNWATCH_BIN:-build/release/churnwatch}"
dir="$root/seed-$seed"
rm -rf "$dir"
mkdir -p "$dir"
nice -n 10 "$bin" simulate --customers "$customers" --seed "$seed" --out "$dir/world" > "$dir/simulate.txt"
if [[ -n "${POLICY:-}" ]]; then cat "$POLICY" >> "$dir/world/run.toml"; fi
start=$(date +%s)
nice -n 10 "$bin" run --config "$dir/world/run.toml" > "$dir/run.txt" 2>&1
end=$(date +%s)
budget=$(sed -n 's/^total *= *\([0-9.]*\).*/\1/p' "$dir/world/run.toml" | head -1)
out=$(sed -n 's/^  action list: \(.*\)\/actions.csv$/\1/p' "$dir/run.txt")
"$bin" grade --truth "$dir/world/truth.csv" --plan "$out/actions.csv" --customers "$out/customers.csv" \
  --policy "$dir/world/run.toml" --budget "$budget" > "$dir/grade.txt"
"$bin" grade --truth "$dir/world/truth.csv" --plan "$out/actions.csv" --customers "$out/customers.csv" \
  --policy "$dir/world/run.toml" --budget "$budget" --json > "$dir/grade.json"
python3 - "$dir/grade.json" "$seed" "$((end - start))" <<'PY'
import json, sys
g = json.load(open(sys.argv[1]))
def share(k):
    p = g.get(k)
    return "n/a" if not p else f"{p['share_of_oracle']:.3f}"
r = g["reasons"]
print(f"seed {sys.argv[2]}: run {sys.argv[3]} s; auc {g['auc']:.3f}; top1 {r['top1']:.3f} top3 {r['top3']:.3f} "
      f"(visible {r['visible']}); plan/oracle {share('plan')}; overdue-coupon/oracle {share('most_overdue_coupon')}; "
      f"p×spend-by-reason/oracle {share('top_p_spend_by_reason')}; budget {g['budget']}")
PY
