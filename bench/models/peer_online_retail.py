#!/usr/bin/python3
"""The peer for `churnwatch train` + `evaluate` on Online Retail: the plain pipeline an
analyst would write with pandas, xgboost and scikit-learn (Debian's python3-xgboost and
python3-sklearn), on the same split and the same churn definition as churnwatch.

- Rows: the raw CSV, cleaned as examples/mappings/online_retail.toml does (rows without a
  customer id dropped, exact duplicate lines dropped, the non-product stock codes dropped;
  invoices starting with "C" or with a negative quantity are returns; amount = quantity x
  unit price; the day is the invoice date).
- Population and label (SPEC.md §4, docs/features.md): at cutoff T a customer is eligible
  with a purchase in [T-365, T) and recency <= H; churned = no purchase in [T, T+H);
  rows whose label window runs past the data are dropped.
- Features: RFM-style, the ones such a pipeline has (recency, orders and net spend in the
  last 30/90/180/365 days, tenure, distinct purchase days, mean gap, average order value,
  return rate).
- Models: xgboost (binary:logistic, early stopping on the validation cutoff), logistic
  regression on standardised features, and the recency rule (score = recency).

Never tunes anything: the settings below are the common defaults of such notebooks.
Prints one JSON object (models -> metrics, plus the test population) on stdout.

Usage: peer_online_retail.py CSV_GZ --train-cutoffs LIST --valid-cutoff DATE --test-cutoff DATE [--horizon 90]
"""
import argparse
import json
import sys
import time

import numpy as np
import pandas as pd
import xgboost as xgb
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

EXCLUDED = {"POST", "DOT", "M", "m", "D", "C2", "BANK CHARGES", "AMAZONFEE", "CRUK", "S", "B", "PADS"}
EXCLUDED_PREFIXES = ("DCGS", "gift_0001_")


def day_number(text):
    return int(np.datetime64(text, "D").astype(np.int64))


def load(path):
    df = pd.read_csv(path, dtype={"InvoiceNo": str, "StockCode": str, "CustomerID": str})
    df = df.drop_duplicates()
    df = df[df.CustomerID.notna()]
    code = df.StockCode.astype(str)
    df = df[~code.isin(EXCLUDED) & ~code.str.startswith(EXCLUDED_PREFIXES)]
    out = pd.DataFrame({
        "customer": df.CustomerID.str.replace(r"\.0$", "", regex=True),
        "order": df.InvoiceNo,
        "day": pd.to_datetime(df.InvoiceDate).values.astype("datetime64[D]").astype(np.int64),
        "amount": df.Quantity * df.UnitPrice,
        "is_return": df.InvoiceNo.str.startswith("C") | (df.Quantity < 0),
    })
    return out.reset_index(drop=True)


def snapshot(df, T, H, last_day):
    """Eligible customers at T: features from rows before T, the label of [T, T+H)."""
    past = df[df.day < T]
    buys = past[~past.is_return]
    last = buys.groupby("customer").day.max()
    recency = T - last
    eligible = recency[(recency <= H) & (recency <= 365)].index
    win = past[(past.day >= T - 365) & past.customer.isin(eligible)]
    wbuys = win[~win.is_return]
    orders = wbuys.drop_duplicates(["customer", "order", "day"])
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
    # Label: a purchase in [T, T+H) = retained; none and the window fully observed = churned.
    future = df[(df.day >= T) & (df.day < T + H) & ~df.is_return]
    bought = pd.Series(1, index=future.customer.unique())
    retained = bought.reindex(eligible).fillna(0).astype(bool)
    out["churned"] = (~retained).astype(int)
    if last_day < T + H - 1:
        out = out[retained]
    return out


def ece(y, p, bins=10):
    """Expected calibration error over 10 equal-width bins (as churnwatch computes it)."""
    b = np.minimum((np.clip(p, 0, 1) * bins).astype(int), bins - 1)
    total = 0.0
    for k in range(bins):
        m = b == k
        if m.any():
            total += m.mean() * abs(p[m].mean() - y[m].mean())
    return total


def metrics(y, p, probability=True):
    m = {"roc_auc": roc_auc_score(y, p), "pr_auc": average_precision_score(y, p)}
    if probability:
        m["brier"] = float(np.mean((p - y) ** 2))
        m["ece"] = ece(y, p)
    return m


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("csv")
    ap.add_argument("--train-cutoffs", required=True)
    ap.add_argument("--valid-cutoff", required=True)
    ap.add_argument("--test-cutoff", required=True)
    ap.add_argument("--horizon", type=int, default=90)
    a = ap.parse_args()
    t0 = time.perf_counter()
    df = load(a.csv)
    last_day = int(df.day.max())
    H = a.horizon
    train = pd.concat([snapshot(df, day_number(c), H, last_day) for c in a.train_cutoffs.split(",")])
    valid = snapshot(df, day_number(a.valid_cutoff), H, last_day)
    test = snapshot(df, day_number(a.test_cutoff), H, last_day)
    features = [c for c in train.columns if c != "churned"]
    y_train, y_valid, y_test = (t.churned.to_numpy() for t in (train, valid, test))

    params = {"objective": "binary:logistic", "eta": 0.05, "max_depth": 4, "subsample": 0.8,
              "colsample_bytree": 0.8, "eval_metric": "auc", "seed": 0, "nthread": 2}
    dtrain = xgb.DMatrix(train[features], label=y_train)
    dvalid = xgb.DMatrix(valid[features], label=y_valid)
    booster = xgb.train(params, dtrain, num_boost_round=2000, evals=[(dvalid, "valid")],
                        early_stopping_rounds=50, verbose_eval=False)
    p_xgb = booster.predict(xgb.DMatrix(test[features]), iteration_range=(0, booster.best_iteration + 1))

    fill = train[features].median()
    logistic = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=5000))
    logistic.fit(train[features].fillna(fill), y_train)
    p_log = logistic.predict_proba(test[features].fillna(fill))[:, 1]

    result = {
        "train_rows": int(len(train)), "valid_rows": int(len(valid)),
        "test_rows": int(len(test)), "test_base_rate": float(y_test.mean()),
        "xgboost_rounds": int(booster.best_iteration + 1),
        "models": {
            "pandas_xgboost": metrics(y_test, p_xgb),
            "sklearn_logistic": metrics(y_test, p_log),
            "recency_rule": metrics(y_test, test.recency_days.to_numpy(), probability=False),
        },
        "seconds": time.perf_counter() - t0,
        "versions": {"pandas": pd.__version__, "xgboost": xgb.__version__,
                     "sklearn": __import__("sklearn").__version__},
    }
    json.dump(result, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
