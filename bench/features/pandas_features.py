#!/usr/bin/python3
"""The features a pandas user would write for churn at several cutoffs (the peer for
`churnwatch features`): RFM windows, window trends, inter-purchase statistics, weekly trend,
returns, basket, unit price, eligibility and the churn label, per cutoff, stacked.

Reads the same SQLite store as churnwatch (transactions table), so both start from the same
rows. Prints timings as `key=value` lines; with --compare CSV it checks the shared columns
against churnwatch's output (the same definitions, see docs/features.md).

Usage: pandas_features.py DB_PATH CUTOFFS(comma list) [--horizon 90] [--compare ours.csv]
"""
import argparse
import sqlite3
import sys
import time

import numpy as np
import pandas as pd


def features_at(df, T, H):
    """One cutoff: df has customer_id, order, day, amount, quantity, is_return."""
    past = df[df.day < T]
    win = past[past.day >= T - 365]
    buy = win[~win.is_return]
    d = T - buy.day
    last = past[~past.is_return].groupby("customer_id").day.max()
    recency = T - last
    eligible = recency[recency <= H].index
    out = pd.DataFrame(index=eligible)
    out["recency_days"] = recency.loc[eligible]
    orders = buy.drop_duplicates(["customer_id", "order", "day"])
    od = T - orders.day
    for w in (30, 90, 180, 365):
        out[f"frequency_{w}"] = orders[od <= w].groupby("customer_id").size()
        out[f"monetary_{w}"] = win[T - win.day <= w].groupby("customer_id").amount.sum()
    out["frequency_prev90"] = orders[(od > 90) & (od <= 180)].groupby("customer_id").size()
    out["monetary_prev90"] = win[(T - win.day > 90) & (T - win.day <= 180)].groupby("customer_id").amount.sum()
    out = out.fillna({c: 0.0 for c in out.columns})
    for c in ("monetary_30", "monetary_90", "monetary_180", "monetary_365", "monetary_prev90"):
        out[c] = out[c].where(out[c].abs() >= 1e-6, 0.0)  # fully returned windows are 0, not 1e-14
    out["freq_change"] = out.frequency_90 / out.frequency_prev90.replace(0, np.nan)
    out["monetary_change"] = out.monetary_90 / out.monetary_prev90.where(out.monetary_prev90 > 0)
    gross90 = buy[d <= 90].groupby("customer_id").amount.sum()
    gross_p90 = buy[(d > 90) & (d <= 180)].groupby("customer_id").amount.sum()
    out["aov_90"] = gross90 / out.frequency_90.replace(0, np.nan)
    aov_p90 = gross_p90 / out.frequency_prev90.replace(0, np.nan)
    out["aov_change"] = out.aov_90 / aov_p90.where(aov_p90 > 0)
    first = past[~past.is_return].groupby("customer_id").day.min()
    out["tenure_days"] = T - first.loc[eligible]
    # inter-purchase intervals over distinct purchase days in the last 365 days
    days = buy[["customer_id", "day"]].drop_duplicates().sort_values(["customer_id", "day"])
    gaps = days.groupby("customer_id").day.diff().dropna()
    by = gaps.groupby(days.loc[gaps.index, "customer_id"])
    out["interval_mean_days"] = by.mean()
    out["interval_std_days"] = by.std(ddof=0)  # population std
    out["overdue_ratio"] = out.recency_days / out.interval_mean_days
    out["purchase_days_365"] = days.groupby("customer_id").size()
    # weekly purchase trend (26 weeks) and active weeks (52)
    week = (od - 1) // 7
    o26 = orders[week < 26]
    out["weekly_trend_26"] = ((25 - week[week < 26]) - 12.5).groupby(o26.customer_id).sum() / 1462.5
    o52 = orders.assign(week=week)[week < 52]
    out["active_weeks_share_52"] = o52.groupby("customer_id").week.nunique() / 52.0
    out[["weekly_trend_26", "active_weeks_share_52"]] = out[["weekly_trend_26", "active_weeks_share_52"]].fillna(0.0)
    # returns, basket, unit price
    returned = win[win.is_return].groupby("customer_id").amount.sum().abs()
    gross365 = buy.groupby("customer_id").amount.sum()
    out["return_rate"] = returned.reindex(eligible).fillna(0.0) / gross365.where(gross365 > 0)
    pos = buy[buy.quantity > 0]
    pd_ = T - pos.day
    q90 = pos[pd_ <= 90].groupby("customer_id").quantity.sum()
    out["basket_size_90"] = q90 / out.frequency_90.replace(0, np.nan)
    a90 = pos[pd_ <= 90].groupby("customer_id").amount.sum()
    qp90 = pos[(pd_ > 90) & (pd_ <= 180)].groupby("customer_id").quantity.sum()
    ap90 = pos[(pd_ > 90) & (pd_ <= 180)].groupby("customer_id").amount.sum()
    out["unit_price_90"] = a90 / q90
    out["unit_price_change"] = out.unit_price_90 / (ap90 / qp90)
    # label: a purchase in [T, T+H)
    fut = df[(df.day >= T) & (df.day < T + H) & ~df.is_return].customer_id.unique()
    out["label"] = np.where(out.index.isin(fut), "retained", "churned")
    if df.day.max() < T + H - 1:
        out.loc[out.label == "churned", "label"] = "unknown"
    out["cutoff"] = T
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("db")
    ap.add_argument("cutoffs")
    ap.add_argument("--horizon", type=int, default=90)
    ap.add_argument("--compare")
    a = ap.parse_args()
    t0 = time.perf_counter()
    con = sqlite3.connect(a.db)
    df = pd.read_sql_query("SELECT customer_id, order_id, ts, amount, quantity, is_return FROM transactions", con)
    t_read = time.perf_counter() - t0
    t1 = time.perf_counter()
    df["day"] = df.ts // 86400
    df["is_return"] = df.is_return.astype(bool)
    df["order"] = df.order_id.astype("category").cat.codes
    cutoffs = [int((pd.Timestamp(c) - pd.Timestamp("1970-01-01")).days) for c in a.cutoffs.split(",")]
    table = pd.concat([features_at(df, T, a.horizon) for T in cutoffs])
    t_feat = time.perf_counter() - t1
    print(f"pandas_read_seconds={t_read:.3f}")
    print(f"pandas_feature_seconds={t_feat:.3f}")
    print(f"pandas_rows={len(table)}")
    print(f"pandas_features={len([c for c in table.columns if c not in ('label', 'cutoff')])}")
    if a.compare:
        ours = pd.read_csv(a.compare, dtype={"customer_id": str})
        ours["cutoff"] = [int((pd.Timestamp(c) - pd.Timestamp("1970-01-01")).days) for c in ours.cutoff]
        ours = ours.set_index(["customer_id", "cutoff"])
        theirs = table.reset_index().rename(columns={"index": "customer_id"})
        theirs["customer_id"] = theirs.customer_id.astype(str)
        theirs = theirs.set_index(["customer_id", "cutoff"])
        common = [c for c in theirs.columns if c in ours.columns and c != "label"]
        same_rows = len(ours) == len(theirs) and ours.index.sort_values().equals(theirs.index.sort_values())
        worst = 0.0
        mism = []
        for c in common:
            x = ours.loc[theirs.index, c].astype(float).to_numpy()
            y = theirs[c].astype(float).to_numpy()
            both_nan = np.isnan(x) & np.isnan(y)
            diff = np.where(both_nan, 0.0, np.abs(x - y) / np.maximum(1.0, np.abs(y)))
            diff = np.where(np.isnan(diff), np.inf, diff)
            if diff.max() > 1e-6:
                mism.append(f"{c}:{int((diff > 1e-6).sum())}")
            worst = max(worst, float(diff.max()))
        labels_same = bool((ours.loc[theirs.index, "label"].to_numpy() == theirs.label.to_numpy()).all())
        print(f"compare_rows_equal={same_rows}")
        print(f"compare_columns={len(common)}")
        print(f"compare_max_rel_diff={worst:.3g}")
        print(f"compare_labels_equal={labels_same}")
        if mism:
            print("compare_mismatches=" + ",".join(mism))
    return 0


if __name__ == "__main__":
    sys.exit(main())
