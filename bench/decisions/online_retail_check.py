#!/usr/bin/env python3
"""Checks a `churnwatch run` output folder against the decision acceptance of Online Retail.

Usage: online_retail_check.py OUT_DIR   (OUT_DIR holds churnwatch.db, customers.csv,
actions.csv, alerts.csv and report.html, e.g. after `make demo`).

Prints: red customers who bought on a single day (and for the first time in the last 30
days before the scoring date), alerted customers without a reason line, the budget spent
and whether money was left while an unfunded action had a positive expected value, and
whether the red, onboarding and win-back lists appear in the action list and the report.
"""
import csv
import sqlite3
import sys
from collections import defaultdict
from datetime import datetime, timezone

out = sys.argv[1]
db = sqlite3.connect(f"{out}/churnwatch.db")
days = defaultdict(set)
first = {}
for cid, ts in db.execute("SELECT customer_id, ts FROM transactions WHERE is_return = 0 AND customer_id IS NOT NULL"):
    d = ts // 86400
    days[cid].add(d)
    first[cid] = min(first.get(cid, d), d)
last_day = max(max(v) for v in days.values())
as_of = last_day + 1

customers = list(csv.DictReader(open(f"{out}/customers.csv", encoding="utf-8")))
red = [c for c in customers if c["zone"] == "red"]
one_day = [c for c in red if len(days[c["customer_id"]]) == 1]
first_recent = [c for c in one_day if as_of - first[c["customer_id"]] <= 30]
alerted = {a["customer_id"] for a in csv.DictReader(open(f"{out}/alerts.csv", encoding="utf-8"))}
by_id = {c["customer_id"]: c for c in customers}
no_reason = [cid for cid in alerted if cid in by_id and not by_id[cid].get("reason_1_en")]
actions = list(csv.DictReader(open(f"{out}/actions.csv", encoding="utf-8")))
tracks = defaultdict(int)
for a in actions:
    tracks[a.get("track", "(no track column)")] += 1
spent = sum(float(a["action_cost"] or 0) for a in actions)
unfunded_positive = [c for c in customers if c["funded"] == "0" and c["expected_benefit"] and float(c["expected_benefit"]) > 0]
report = open(f"{out}/report.html", encoding="utf-8").read()

print(f"customers scored: {len(customers)}; red: {len(red)}")
print(f"red customers with a single purchase day: {len(one_day)} (first purchase within 30 days of the scoring date: {len(first_recent)})")
print(f"alerted customers: {len(alerted)}; without a reason line: {len(no_reason)}")
print(f"funded actions: {len(actions)}; by track: {dict(tracks)}; spent {spent:.2f}")
print(f"unfunded customers whose proposed action has a positive expected value: {len(unfunded_positive)}")
for key, label in [("onboard", "onboarding list"), ("winback", "win-back list")]:
    anchor = 'id="' + key
    print(f"{label} in the report: {'yes' if anchor in report else 'no'}")
