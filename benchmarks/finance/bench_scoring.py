"""Transaction scoring with the issue's protocol on AMLSim, synthfin-aml or our generator.

    python benchmarks/finance/bench_scoring.py [--dataset amlsim|synthfin|generated]
        [--data ../shared/data] [--work DIR] [--transactions N --seed S]

Sort by time; train (``finance train``'s code) on the first 80% with labels (it holds out the
latest 20% of those for early stopping and the threshold); score the whole file without labels
(``finance score``'s code); report F1, precision, recall and PR-AUC of ``flagged`` on the last
20%, recall per typology (alert_transactions.csv), and feature throughput.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from data import DATA, amlsim_csv, generated_csv, synthfin_csv

from silobreak.finance.pipeline import connect, feature_batches, load, training_data
from silobreak.finance.scoring import TrainConfig, TrainedModel, best_threshold, train


def average_precision(y: np.ndarray, s: np.ndarray) -> float:
    order = np.argsort(-s, kind="stable")
    hits = y[order]
    tp = np.cumsum(hits)
    precision = tp / np.arange(1, len(y) + 1)
    return float((precision * hits).sum() / max(1, hits.sum()))


def seed_spread(
    model: TrainedModel,
    seeds: list[int],
    x_train: np.ndarray,
    y_train: np.ndarray,
    w_train: np.ndarray,
    x_test: np.ndarray,
    y_test: np.ndarray,
) -> None:
    """How much F1 moves with LightGBM's seed alone, and what averaging the models gives
    (threshold chosen on the averaged validation scores, as ``train`` does for one)."""
    cut = int(len(y_train) * (1 - TrainConfig().validation_share))
    models = [model, *(train(x_train, y_train, TrainConfig(seed=s), w_train) for s in seeds)]
    valid = [m.predict(x_train[cut:]) for m in models]
    test = [m.predict(x_test) for m in models]
    for seed, m, t in zip([TrainConfig().seed, *seeds], models, test, strict=True):
        print(
            f"seed {seed}: validation F1 {m.meta.validation['f1']:.4f}, "
            f"test F1 {f1_at(y_test, t, m.meta.threshold):.3f}"
        )
    for k in range(2, len(models) + 1):
        threshold, valid_f1 = best_threshold(
            y_train[cut:], np.mean(valid[:k], axis=0), w_train[cut:]
        )
        print(
            f"average of the first {k} models: validation F1 {valid_f1:.4f}, "
            f"test F1 {f1_at(y_test, np.mean(test[:k], axis=0), threshold):.3f}"
        )


def f1_at(labels: np.ndarray, scores: np.ndarray, threshold: float) -> float:
    flagged = scores >= threshold
    return float(2 * (flagged & labels).sum() / max(1, flagged.sum() + labels.sum()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--train-share", type=float, default=0.8)
    parser.add_argument("--dataset", choices=["amlsim", "synthfin", "generated"], default="amlsim")
    parser.add_argument("--transactions", type=int, default=500_000, help="generated only")
    parser.add_argument("--seed", type=int, default=11, help="generated only")
    parser.add_argument(
        "--model-seeds",
        type=int,
        nargs="*",
        default=[],
        help="also fit with these LightGBM seeds: each one's F1, and their average's",
    )
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-scoring-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.dataset == "amlsim":
        csv_path, typology = amlsim_csv(args.data, work)
    elif args.dataset == "synthfin":
        csv_path, typology = synthfin_csv(args.data, work)
    else:
        csv_path, typology = generated_csv(work, args.transactions, args.seed)
    print(f"dataset {args.dataset}: {csv_path}")

    con = connect()
    load(con, csv_path, False, print)
    n = con.execute("SELECT count(*) FROM tx").fetchone()[0]
    cut = int(n * args.train_share)
    # train file = the first 80% in time order
    con.execute("CREATE TEMP TABLE tx_all AS SELECT * FROM tx")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE tx AS SELECT * FROM tx_all ORDER BY t, seq LIMIT {cut}"
    )
    started = time.perf_counter()
    x_train, y_train, w_train = training_data(con)
    train_features = time.perf_counter() - started
    started = time.perf_counter()
    model = train(x_train, y_train, TrainConfig(), w_train)
    fit_seconds = time.perf_counter() - started

    # score everything, labels dropped
    con.execute("CREATE OR REPLACE TEMP TABLE tx AS SELECT * EXCLUDE (is_laundering) FROM tx_all")
    started = time.perf_counter()
    batches = list(feature_batches(con))
    feature_seconds = time.perf_counter() - started
    ids = [i for b in batches for i in b.ids]
    x = np.vstack([b.x for b in batches])
    scores = model.predict(x)
    labels = dict(con.execute("SELECT id, is_laundering FROM tx_all").fetchall())
    y = np.array([labels[i] for i in ids], dtype=bool)
    test = slice(cut, None)
    yt, st = y[test], scores[test]
    flagged = st >= model.meta.threshold
    tp = int((flagged & yt).sum())
    precision = tp / max(1, int(flagged.sum()))
    recall = tp / max(1, int(yt.sum()))
    f1 = 2 * precision * recall / max(1e-9, precision + recall)
    print(
        f"transactions {n:,}; train {cut:,} ({int(y_train.sum())} laundering); "
        f"test {n - cut:,} ({int(yt.sum())} laundering)"
    )
    print(
        f"validation (inside train): {model.meta.validation}; "
        f"threshold {model.meta.threshold:.4f}; trees {model.meta.trees}"
    )
    print(
        f"test: F1 {f1:.3f}  precision {precision:.3f}  recall {recall:.3f}  "
        f"PR-AUC {average_precision(yt, st):.3f}  flagged {int(flagged.sum())}"
    )
    test_ids = ids[cut:]
    per: dict[str, list[int]] = {}
    for tx_id, hit, truth in zip(test_ids, flagged, yt, strict=True):
        if truth:
            kind = typology.get(tx_id, "?")
            per.setdefault(kind, [0, 0])
            per[kind][0] += int(hit)
            per[kind][1] += 1
    print("recall per typology: " + ", ".join(f"{k} {a}/{b}" for k, (a, b) in sorted(per.items())))
    print(
        f"features: {n / feature_seconds:,.0f} transactions/s ({feature_seconds:.2f} s for {n:,}); "
        f"training features {train_features:.2f} s, fit {fit_seconds:.1f} s"
    )
    booster = model.booster
    top = sorted(
        zip(booster.feature_importance("gain"), model.meta.features, strict=True), reverse=True
    )[:12]
    print("top features (gain): " + ", ".join(f"{name}" for _, name in top))
    if args.model_seeds:
        seed_spread(model, args.model_seeds, x_train, y_train, w_train, x[test], yt)
    extra = f" --transactions {args.transactions} --seed {args.seed}" * (
        args.dataset == "generated"
    ) + (" --model-seeds " + " ".join(map(str, args.model_seeds))) * bool(args.model_seeds)
    print(
        f"reproduce: python benchmarks/finance/bench_scoring.py --dataset {args.dataset} "
        f"--data {args.data}{extra}"
    )


if __name__ == "__main__":
    main()
