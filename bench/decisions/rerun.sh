#!/usr/bin/env bash
# Re-runs the decision step of a world run.sh already ran, with its registered champion
# model (no retraining), then grades again: for trying reason and policy settings.
#   bench/decisions/rerun.sh SEED [OUT_ROOT]
set -euo pipefail
cd "$(dirname "$0")/../.."
seed="${1:?usage: rerun.sh SEED [OUT_ROOT]}"
root="${2:-out/decisions}"
bin="${CHURNWATCH_BIN:-build/release/churnwatch}"
dir="$root/seed-$seed"
grep -q '^mode = "champion"' "$dir/world/run.toml" || sed -i 's/^\[model\]$/[model]\nmode = "champion"/' "$dir/world/run.toml"
nice -n 10 "$bin" run --config "$dir/world/run.toml" > "$dir/rerun.txt" 2>&1
budget=$(sed -n 's/^total *= *\([0-9.]*\).*/\1/p' "$dir/world/run.toml" | head -1)
out=$(sed -n 's/^  action list: \(.*\)\/actions.csv$/\1/p' "$dir/rerun.txt")
"$bin" grade --truth "$dir/world/truth.csv" --plan "$out/actions.csv" --customers "$out/customers.csv" \
  --policy "$dir/world/run.toml" --budget "$budget" > "$dir/grade.txt"
"$bin" grade --truth "$dir/world/truth.csv" --plan "$out/actions.csv" --customers "$out/customers.csv" \
  --policy "$dir/world/run.toml" --budget "$budget" --json > "$dir/grade.json"
python3 - "$dir/grade.json" "$seed" <<'PY'
import json, sys
g = json.load(open(sys.argv[1]))
def share(k):
    p = g.get(k)
    return "n/a" if not p else f"{p['share_of_oracle']:.3f}"
r = g["reasons"]
print(f"seed {sys.argv[2]} (champion re-run): auc {g['auc']:.3f}; top1 {r['top1']:.3f} top3 {r['top3']:.3f} "
      f"(visible {r['visible']}); plan/oracle {share('plan')}; overdue-coupon/oracle {share('most_overdue_coupon')}; "
      f"p×spend-by-reason/oracle {share('top_p_spend_by_reason')}; budget {g['budget']}")
PY
