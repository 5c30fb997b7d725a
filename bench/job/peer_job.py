#!/usr/bin/python3
"""The peer for churnwatch's whole job (bench/job/run.sh): what an analyst writes with pandas,
xgboost and scikit-learn (Debian's python3-pandas, python3-xgboost, python3-sklearn) to go
from a raw export to a scored action list, doing the same work as
`churnwatch ingest` + `train` + `score --out`:

1. read the raw files (canonical transactions.csv and events.csv, or the Online Retail export);
2. point-in-time features at every training cutoff, the validation cutoff and the scoring
   day (recency, orders and net spend in 30/90/180/365 days, tenure, purchase days, mean gap,
   average order value, return rate, discount share, and event counts over 30/90 days
   when events exist), with the label "no purchase in [T, T+H)";
3. xgboost (binary:logistic, early stopping on the validation cutoff) and logistic
   regression on standardised features, averaged;
4. score the customers active on the scoring day; reasons from xgboost's SHAP
   contributions (pred_contribs) summed by category; one action per top reason; expected
   benefit = p x spend_365 x effect - cost; funded highest benefit first within the budget;
5. write the action list as CSV.

Prints one JSON object: seconds per stage, rows, test metrics when --test-cutoff is given.
Usage: peer_job.py --transactions CSV [--events CSV] [--layout canonical|online_retail]
       --train-cutoffs LIST --valid-cutoff DATE --as-of DATE [--test-cutoff DATE] --out CSV
"""
import argparse
import json
import sys
import time

import numpy as np
import pandas as pd
import xgboost as xgb
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

EXCLUDED = {"POST", "DOT", "M", "m", "D", "C2", "BANK CHARGES", "AMAZONFEE", "CRUK", "S", "B", "PADS"}
CATEGORY = {  # feature -> reason category, as a hand-written analyst's table would say
    "recency_days": "disengagement", "frequency_30": "disengagement", "frequency_90": "disengagement",
    "frequency_180": "disengagement", "frequency_365": "disengagement", "purchase_days_365": "disengagement",
    "interval_mean_days": "disengagement", "tenure_days": "disengagement",
    "monetary_30": "value_decline", "monetary_90": "value_decline", "monetary_180": "value_decline",
    "monetary_365": "value_decline", "aov_365": "value_decline",
    "return_rate": "experience", "complaint_90": "experience", "discount_share": "price",
    "competitor_view_30": "competition", "visit_30": "disengagement", "app_login_30": "disengagement",
}
ACTIONS = {"price": ("coupon", 5.0, 0.15), "experience": ("service_recovery", 15.0, 0.25),
           "competition": ("member_perk", 8.0, 0.15), "value_decline": ("alternative_products", 1.0, 0.08),
           "disengagement": ("app_push", 0.5, 0.05)}


def day_number(text):
    return int(np.datetime64(text, "D").astype(np.int64))


def load(a):
    if a.layout == "online_retail":
        df = pd.read_csv(a.transactions, dtype={"InvoiceNo": str, "StockCode": str, "CustomerID": str})
        df = df.drop_duplicates()
        df = df[df.CustomerID.notna() & ~df.StockCode.astype(str).isin(EXCLUDED)]
        tx = pd.DataFrame({
            "customer": df.CustomerID.str.replace(r"\.0$", "", regex=True), "order": df.InvoiceNo,
            "day": pd.to_datetime(df.InvoiceDate).values.astype("datetime64[D]").astype(np.int64),
            "amount": df.Quantity * df.UnitPrice, "discount": 0.0,
            "is_return": df.InvoiceNo.str.startswith("C") | (df.Quantity < 0)})
    else:
        df = pd.read_csv(a.transactions, dtype={"customer_id": str, "order_id": str})
        tx = pd.DataFrame({
            "customer": df.customer_id, "order": df.order_id,
            "day": pd.to_datetime(df.ts).values.astype("datetime64[D]").astype(np.int64),
            "amount": df.amount, "discount": df.discount.fillna(0.0), "is_return": df.quantity < 0})
    ev = None
    if a.events:
        e = pd.read_csv(a.events, dtype={"customer_id": str})
        ev = pd.DataFrame({"customer": e.customer_id, "type": e.type,
                           "day": pd.to_datetime(e.ts).values.astype("datetime64[D]").astype(np.int64)})
    return tx.reset_index(drop=True), ev


def snapshot(tx, ev, T, H, last_day, labelled=True):
    past = tx[tx.day < T]
    buys = past[~past.is_return]
    last = buys.groupby("customer").day.max()
    recency = T - last
    eligible = recency[recency <= H].index
    win = past[(past.day >= T - 365) & past.customer.isin(eligible)]
    wbuys = win[~win.is_return]
    orders = wbuys.drop_duplicates(["customer", "order"])
    out = pd.DataFrame(index=eligible)
    out["recency_days"] = recency.loc[eligible]
    for w in (30, 90, 180, 365):
        out[f"frequency_{w}"] = orders[T - orders.day <= w].groupby("customer").size()
        out[f"monetary_{w}"] = win[T - win.day <= w].groupby("customer").amount.sum()
    out = out.fillna(0.0)
    out["tenure_days"] = T - buys.groupby("customer").day.min().loc[eligible]
    days = wbuys.drop_duplicates(["customer", "day"]).groupby("customer").day
    out["purchase_days_365"] = days.size()
    span = days.max() - days.min()
    out["interval_mean_days"] = (span / (out.purchase_days_365 - 1)).where(out.purchase_days_365 > 1)
    gross = wbuys.groupby("customer").amount.sum()
    out["aov_365"] = gross / out.frequency_365
    out["return_rate"] = (-win[win.is_return].groupby("customer").amount.sum()).reindex(eligible).fillna(0) / gross
    out["discount_share"] = (wbuys[wbuys.discount > 0].groupby("customer").amount.sum().reindex(eligible)
                             .fillna(0) / gross)
    if ev is not None:
        recent = ev[(ev.day < T) & (ev.day >= T - 90) & ev.customer.isin(eligible)]
        for kind, w in (("visit", 30), ("app_login", 30), ("competitor_view", 30), ("complaint", 90)):
            sel = recent[(recent.type == kind) & (T - recent.day <= w)]
            out[f"{kind}_{w}"] = sel.groupby("customer").size().reindex(eligible).fillna(0)
    if labelled:
        future = tx[(tx.day >= T) & (tx.day < T + H) & ~tx.is_return]
        retained = pd.Series(True, index=future.customer.unique()).reindex(eligible).fillna(False).astype(bool)
        out["churned"] = (~retained).astype(int)
        if last_day < T + H - 1:
            out = out[retained]
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--transactions", required=True)
    ap.add_argument("--events")
    ap.add_argument("--layout", default="canonical", choices=["canonical", "online_retail"])
    ap.add_argument("--train-cutoffs", required=True)
    ap.add_argument("--valid-cutoff", required=True)
    ap.add_argument("--test-cutoff")
    ap.add_argument("--as-of", required=True)
    ap.add_argument("--horizon", type=int, default=90)
    ap.add_argument("--budget", type=float, default=5000.0)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    seconds = {}
    t = time.perf_counter()

    def lap(name):
        nonlocal t
        now = time.perf_counter()
        seconds[name] = round(now - t, 3)
        t = now

    tx, ev = load(a)
    lap("read")
    H, last_day = a.horizon, int(tx.day.max())
    train = pd.concat([snapshot(tx, ev, day_number(c), H, last_day) for c in a.train_cutoffs.split(",")])
    valid = snapshot(tx, ev, day_number(a.valid_cutoff), H, last_day)
    lap("features")
    features = [c for c in train.columns if c != "churned"]
    params = {"objective": "binary:logistic", "eta": 0.05, "max_depth": 4, "subsample": 0.8,
              "colsample_bytree": 0.8, "eval_metric": "auc", "seed": 0, "nthread": 2, "tree_method": "hist"}
    booster = xgb.train(params, xgb.DMatrix(train[features], label=train.churned), num_boost_round=2000,
                        evals=[(xgb.DMatrix(valid[features], label=valid.churned), "valid")],
                        early_stopping_rounds=50, verbose_eval=False)
    rounds = (0, booster.best_iteration + 1)
    fill = train[features].median()
    logistic = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=5000))
    logistic.fit(train[features].fillna(fill), train.churned)
    lap("train")

    def predict(frame):
        d = xgb.DMatrix(frame[features])
        p = booster.predict(d, iteration_range=rounds)
        return 0.5 * (p + logistic.predict_proba(frame[features].fillna(fill))[:, 1]), d

    result = {"train_rows": int(len(train)), "valid_rows": int(len(valid)), "xgboost_rounds": rounds[1]}
    if a.test_cutoff:
        test = snapshot(tx, ev, day_number(a.test_cutoff), H, last_day)
        p, _ = predict(test)
        result["test_rows"] = int(len(test))
        result["test_roc_auc"] = float(roc_auc_score(test.churned, p))
        lap("evaluate")

    now = snapshot(tx, ev, day_number(a.as_of), H, last_day, labelled=False)
    p, d = predict(now)
    contribs = booster.predict(d, pred_contribs=True, iteration_range=rounds)[:, :-1]
    reasons = sorted(set(CATEGORY.values()))
    to_reason = np.array([[CATEGORY.get(f, "disengagement") == r for r in reasons] for f in features], dtype=float)
    reason = pd.Series(np.array(reasons)[(contribs @ to_reason).argmax(axis=1)], index=now.index)
    action = reason.map({r: v[0] for r, v in ACTIONS.items()})
    cost = reason.map({r: v[1] for r, v in ACTIONS.items()})
    effect = reason.map({r: v[2] for r, v in ACTIONS.items()})
    plan = pd.DataFrame({"p_churn": p, "reason_1": reason, "action": action, "action_cost": cost,
                         "expected_benefit": p * now.monetary_365.clip(lower=0) * effect - cost}, index=now.index)
    plan = plan.sort_values("expected_benefit", ascending=False)
    plan["funded"] = (plan.expected_benefit > 0) & (plan.action_cost.cumsum() <= a.budget)
    plan.index.name = "customer_id"
    plan.to_csv(a.out)
    lap("score")
    result.update({"scored": int(len(plan)), "funded": int(plan.funded.sum()), "seconds": seconds,
                   "total_seconds": round(sum(seconds.values()), 3)})
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
