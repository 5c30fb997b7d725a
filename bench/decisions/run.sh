#!/usr/bin/env bash
# Decision quality on simulated worlds (docs/simulate.md): for tune seeds 1, 2 and held-out
# seeds 11, 12, 13, `churnwatch simulate` a world of 20,000 customers, `churnwatch run` on
# it, `churnwatch grade` the run against the truth with the world's budget, and write the
# table to bench/results/decisions.txt. Choose settings on the tune seeds; report the
# held-out ones.
#   CUSTOMERS=20000 SEEDS="1 2 11 12 13" TUNE="1 2" bench/decisions/run.sh
# REUSE=1 keeps worlds and runs already in $WORK and only grades again.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="${CHURNWATCH_BIN:-$PWD/build/release/churnwatch}"
[ -x "$bin" ] || { echo "build the release churnwatch first (cmake --preset release && cmake --build --preset release --target churnwatch)" >&2; exit 1; }
customers="${CUSTOMERS:-20000}"
seeds="${SEEDS:-1 2 11 12 13}"
tune=" ${TUNE:-1 2} "
work="${WORK:-$PWD/build/bench-decisions}"
out="${OUT:-bench/results/decisions.txt}"
mkdir -p "$work" "$(dirname "$out")"
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
started="$(date -u '+%Y-%m-%d %H:%M UTC')"
load="$(cut -d' ' -f1-3 /proc/loadavg)"
for seed in $seeds; do
  w="$work/seed$seed"
  if [ "${REUSE:-0}" != 1 ] || [ ! -f "$w/out/actions.csv" ]; then
    rm -rf "$w"
    echo "== seed $seed: simulate, run, grade" >&2
    nice -n 10 "$bin" simulate --customers "$customers" --seed "$seed" --out "$w" --json >"$w.simulate.json"
    /usr/bin/time -f '%e' -o "$w.run.time" nice -n 10 "$bin" run --config "$w/run.toml" --quiet --json >"$w.run.json"
  fi
  budget="$(sed -n 's/^total = //p' "$w/run.toml")"
  nice -n 10 "$bin" grade --truth "$w/truth.csv" --plan "$w/out/actions.csv" --customers "$w/out/customers.csv" \
    --policy "$w/run.toml" --budget "$budget" --json >"$w.grade.json"
done
python3 - "$work" "$out" "$customers" "$started" "$load" "$tune" $seeds <<'PY'
import json, statistics, sys
work, out, customers, started, load, tune = sys.argv[1:7]
seeds = sys.argv[7:]
tune = tune.split()
def pct(x): return "   -  " if x is None else f"{100 * x:5.1f}%"
def num(x, f="{:.3f}"): return "  -  " if x is None else f.format(x)
rows, held = [], []
for s in seeds:
    g = json.load(open(f"{work}/seed{s}.grade.json"))
    sim = json.load(open(f"{work}/seed{s}.simulate.json"))
    run_s = float(open(f"{work}/seed{s}.run.time").read().split()[0])
    o = g["oracle"]["net"]
    share = lambda p: None if p is None or o <= 0 else p["net"] / o
    r = dict(seed=s, set="tune" if s in tune else "held-out", scored=g["scored"], churners=g["active_churners"],
             auc=g["auc"], auc_np=g["auc_no_purchase"], visible=g["reasons"]["visible"], top1=g["reasons"]["top1"],
             top3=g["reasons"]["top3"], recall=g["lead_time"]["recall"], lead=g["lead_time"]["median_days"],
             budget=g["budget"], plan=g["plan"]["net"], plan_cost=g["plan"]["cost"], oracle=o,
             plan_share=share(g["plan"]), overdue_share=share(g["most_overdue_coupon"]),
             topp_share=share(g["top_p_spend_by_reason"]), actions=g["plan"]["by_action"],
             oracle_winback=g["oracle"].get("net_not_active", 0) / o if o > 0 else None, oracle_actions=g["oracle"]["by_action"],
             by_cause=g["reasons"]["by_cause"], named=g["reasons"]["named_first"], run_s=run_s,
             customers=sim["customers"], events=sim["events"], tx=sim["transactions"])
    rows.append(r)
    if r["set"] == "held-out": held.append(r)
with open(out, "w") as f:
    p = lambda *a: print(*a, file=f)
    p(f"# churnwatch decisions on simulated worlds — {started}, load average {load}")
    p(f"# per seed: churnwatch simulate --customers {customers} --seed S --out W; churnwatch run --config W/run.toml;")
    p("#   churnwatch grade --truth W/truth.csv --plan W/out/actions.csv --customers W/out/customers.csv --policy W/run.toml --budget <run.toml total>")
    p("# AUC: p_churn vs truth's churned (and vs 'no order in 90 days'); top-1/top-3: reason names the cause, over churners whose")
    p("# cause left a trace and began >= 7 days before the cutoff; recall: churners in red/yellow; lead: median days cutoff -> leaving;")
    p("# money: expected net = sum P(churn|truth) x value x response - cost, as a share of the oracle's (same budget).")
    p("")
    p(f"{'seed':>4} {'set':<8} {'scored':>6} {'churn':>5} {'AUC':>6} {'AUC-np':>6} {'visible':>7} {'top-1':>6} {'top-3':>6} {'recall':>6} {'lead':>4} "
      f"{'budget':>8} {'spent':>8} {'plan net':>9} {'oracle':>9} {'plan/or':>7} {'overdue':>7} {'top-p':>7} {'run s':>6}")
    for r in rows:
        p(f"{r['seed']:>4} {r['set']:<8} {r['scored']:>6} {r['churners']:>5} {num(r['auc']):>6} {num(r['auc_np']):>6} {r['visible']:>7} "
          f"{pct(r['top1'])} {pct(r['top3'])} {pct(r['recall'])} {num(r['lead'], '{:.0f}'):>4} {r['budget']:>8.0f} {r['plan_cost']:>8.0f} "
          f"{r['plan']:>9.0f} {r['oracle']:>9.0f} {pct(r['plan_share']):>7} {pct(r['overdue_share']):>7} {pct(r['topp_share']):>7} {r['run_s']:>6.0f}")
    if held:
        m = lambda k: statistics.mean(x[k] for x in held if x[k] is not None)
        p(f"{'mean':>4} {'held-out':<8} {'':>6} {'':>5} {m('auc'):>6.3f} {m('auc_np'):>6.3f} {'':>7} {pct(m('top1'))} {pct(m('top3'))} "
          f"{pct(m('recall'))} {m('lead'):>4.0f} {'':>8} {'':>8} {'':>9} {'':>9} {pct(m('plan_share')):>7} {pct(m('overdue_share')):>7} {pct(m('topp_share')):>7}")
    p("")
    for r in rows:
        p(f"seed {r['seed']}: {r['customers']} customers, {r['tx']} transaction rows, {r['events']} events")
        p("  top-1 by cause: " + ", ".join(f"{c} {pct(v['top1']).strip()} of {v['visible']}" for c, v in sorted(r["by_cause"].items())))
        p("  named first for visible churners: " + ", ".join(f"{k} {v}" for k, v in sorted(r["named"].items(), key=lambda kv: -kv[1])))
        p("  plan's actions: " + ", ".join(f"{k} {v}" for k, v in sorted(r["actions"].items(), key=lambda kv: -kv[1])))
        p("  oracle's actions: " + ", ".join(f"{k} {v}" for k, v in sorted(r["oracle_actions"].items(), key=lambda kv: -kv[1]))
          + f"; {pct(r['oracle_winback']).strip()} of its net from customers not active at the cutoff (win-back)")
print(open(out).read())
PY
