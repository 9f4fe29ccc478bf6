"""Anchor: IBM snapml's Graph Feature Preprocessor + LightGBM, with silobreak's protocol.

snapml is proprietary: it is never a dependency of silobreak. Run this in a separate venv:

    python3 -m venv /tmp/snap && /tmp/snap/bin/pip install snapml lightgbm duckdb numpy
    /tmp/snap/bin/python benchmarks/finance/anchor_snapml.py --csv WORK/amlsim_aml12k.csv \
        [--truth alert_transactions.csv]

The CSV is the canonical one that ``bench_scoring.py`` writes into its work folder. Same
protocol and same LightGBM settings as silobreak's ``finance train``: time order, train on the
first 80% (its latest 20% held out for early stopping and the F1-best threshold), then
report F1 / precision / recall / PR-AUC on the last 20%. GFP parameters as in the local
reference run of ../shared/data/aml/local_baseline.json: fan, degree, vertex statistics of
the amount, scatter-gather (14 days), temporal cycles (30 days), batches of 2048, 2 threads.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import duckdb
import lightgbm as lgb
import numpy as np
from snapml import GraphFeaturePreprocessor

DAY = 86_400
BINS = list(range(2, 16))  # pattern sizes 2..15, one histogram bin each


def best_threshold(y: np.ndarray, s: np.ndarray) -> float:
    order = np.argsort(-s, kind="stable")
    ranked, hits = s[order], y[order].astype(float)
    f1 = 2 * np.cumsum(hits) / (np.arange(1, len(s) + 1) + hits.sum())
    f1 = np.where(np.r_[ranked[1:] != ranked[:-1], True], f1, -1)
    return float(ranked[int(np.argmax(f1))])


def average_precision(y: np.ndarray, s: np.ndarray) -> float:
    hits = y[np.argsort(-s, kind="stable")]
    precision = np.cumsum(hits) / np.arange(1, len(y) + 1)
    return float((precision * hits).sum() / max(1, hits.sum()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--csv", type=Path, required=True)
    parser.add_argument("--truth", type=Path, default=None, help="alert_transactions.csv")
    args = parser.parse_args()
    con = duckdb.connect()
    rows = con.execute(
        f"""SELECT id, 0, 0, epoch(CAST(timestamp AS TIMESTAMPTZ)),
                   amount, is_laundering, source, target
            FROM read_csv('{args.csv}', all_varchar = true) ORDER BY 4, CAST(id AS BIGINT)"""
    ).fetchall()
    accounts = {a: i for i, a in enumerate(sorted({r[6] for r in rows} | {r[7] for r in rows}))}
    ids = [r[0] for r in rows]
    edges = np.array(
        [[i, accounts[r[6]], accounts[r[7]], float(r[3]), float(r[4])] for i, r in enumerate(rows)],
        dtype=np.float64,
    )
    y = np.array([r[5] in ("1", "true", "True") for r in rows])
    gfp = GraphFeaturePreprocessor()
    gfp.set_params(
        {
            "num_threads": 2,
            "vertex_stats": True,
            "vertex_stats_cols": [4],
            "vertex_stats_feats": [0, 1, 2, 3, 4, 8, 9, 10],
            "vertex_stats_tw": 14 * DAY,
            "fan": True,
            "fan_tw": 14 * DAY,
            "fan_bins": BINS,
            "degree": True,
            "degree_tw": 14 * DAY,
            "degree_bins": BINS,
            "scatter-gather": True,
            "scatter-gather_tw": 14 * DAY,
            "scatter-gather_bins": BINS,
            "temp-cycle": True,
            "temp-cycle_tw": 30 * DAY,
            "temp-cycle_bins": BINS,
            "lc-cycle": False,
        }
    )
    started = time.perf_counter()
    parts = [gfp.transform(edges[i : i + 2048]) for i in range(0, len(edges), 2048)]
    seconds = time.perf_counter() - started
    x = np.vstack(parts)[:, 4:]  # the amount and the graph features
    n = len(y)
    cut = int(n * 0.8)
    vcut = int(cut * 0.8)
    params = {
        "objective": "binary",
        "learning_rate": 0.02,
        "num_leaves": 63,
        "min_child_samples": 10,
        "scale_pos_weight": 5.0,
        "feature_fraction": 0.8,
        "bagging_fraction": 0.8,
        "bagging_freq": 1,
        "seed": 7,
        "deterministic": True,
        "verbose": -1,
    }
    fit = lgb.train(
        params,
        lgb.Dataset(x[:vcut], y[:vcut]),
        1500,
        valid_sets=[lgb.Dataset(x[vcut:cut], y[vcut:cut])],
        callbacks=[lgb.early_stopping(50, verbose=False)],
    )
    trees = int(fit.best_iteration or 1500)
    threshold = best_threshold(y[vcut:cut], fit.predict(x[vcut:cut], num_iteration=trees))
    scores = fit.predict(x[cut:], num_iteration=trees)
    flagged = scores >= threshold
    yt = y[cut:]
    tp = int((flagged & yt).sum())
    p, r = tp / max(1, int(flagged.sum())), tp / max(1, int(yt.sum()))
    print(f"snapml GFP + LightGBM on {args.csv.name}: {n:,} transactions, test {n - cut:,}")
    print(
        f"test: F1 {2 * p * r / max(1e-9, p + r):.3f}  precision {p:.3f}  recall {r:.3f}  "
        f"PR-AUC {average_precision(yt, scores):.3f}  trees {trees}"
    )
    if args.truth:
        kinds = dict(
            con.execute(
                "SELECT CAST(tran_id AS VARCHAR), alert_type FROM "
                f"read_csv('{args.truth}', all_varchar = true)"
            ).fetchall()
        )
        per: dict[str, list[int]] = {}
        for tx_id, hit, truth in zip(ids[cut:], flagged, yt, strict=True):
            if truth:
                per.setdefault(kinds.get(tx_id, "?"), [0, 0])
                per[kinds.get(tx_id, "?")][0] += int(hit)
                per[kinds.get(tx_id, "?")][1] += 1
        print(
            "recall per typology: " + ", ".join(f"{k} {a}/{b}" for k, (a, b) in sorted(per.items()))
        )
    print(f"GFP features: {n / seconds:,.0f} transactions/s ({seconds:.2f} s, 2 threads)")


if __name__ == "__main__":
    main()
