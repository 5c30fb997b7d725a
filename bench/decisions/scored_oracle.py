#!/usr/bin/env python3
"""Where the plan's gap to the oracle comes from: the oracle of `churnwatch grade` may act on
any customer in the truth, including those who lapsed long before the scoring date, which
churnwatch does not score (it scores the active customers and the win-back window H..2H).

Usage: scored_oracle.py WORLD_DIR BUDGET   (WORLD_DIR holds truth.csv, run.toml and out/)

Prints the greedy oracle (by net benefit per unit of cost, one action per customer, as
grade's relaxation) over all customers and over the scored ones only, and the plan's net.
Action costs are the default playbook's.
"""
import csv
import sys

world, budget = sys.argv[1], float(sys.argv[2])
cost = {"coupon": 5, "gift": 8, "service_recovery": 15, "vip_manager_call": 25, "alternative_products": 1,
        "app_push": 0.2, "member_perk": 6}
truth = {r["customer_id"]: r for r in csv.DictReader(open(f"{world}/truth.csv"))}
scored = {r["customer_id"] for r in csv.DictReader(open(f"{world}/out/customers.csv"))}


def net(r, action, c):
    return float(r["p_churn"]) * float(r["value"]) * float(r["response_" + action]) - c


def oracle(ids):
    opts = []
    for cid in ids:
        for a, c in cost.items():
            b = net(truth[cid], a, c)
            if b > 0:
                opts.append((b / c, b, c, cid))
    opts.sort(reverse=True)
    spent, taken, total = 0.0, set(), 0.0
    for _, b, c, cid in opts:
        if cid in taken or spent + c > budget:
            continue
        spent += c
        taken.add(cid)
        total += b
    return total


plan = sum(net(truth[a["customer_id"]], a["action"], float(a["action_cost"]))
           for a in csv.DictReader(open(f"{world}/out/actions.csv")))
everyone, only_scored = oracle(truth), oracle(scored)
print(f"oracle over all {len(truth)} customers {everyone:.0f}; over the {len(scored)} scored {only_scored:.0f} "
      f"({only_scored / everyone:.1%} of it); plan {plan:.0f} = {plan / only_scored:.1%} of the scored-customer oracle")
