"""The issue's convergence baseline on Splink's own clusters: records clustered by Splink 5,
each cluster scored by the number of distinct crime domains of its records' datasets.

Splink is not a silobreak dependency. Run this in its own environment, on the records that
``bench_convergence.py --baseline-dir DIR`` wrote:

    python -m venv /tmp/anchor && /tmp/anchor/bin/pip install splink==5.0.0 pandas
    python benchmarks/graph/bench_convergence.py --sizes medium --seeds 7 --baseline-dir DIR
    /tmp/anchor/bin/python benchmarks/graph/anchor_splink_convergence.py DIR

The model is a Splink tutorial's, fitted without labels on each world: names (Jaro-Winkler
and term frequencies, on the name's words sorted so that "LAST, First" equals "First
Last"), date of birth, country and the record's main identifier (passport, registration
number, IBAN, IMO, wallet address, user name or e-mail), compared only within one family of
schemata (people, organizations, vessels, accounts, wallets, user accounts); clusters at
match probability 0.9. Ranked and scored with the same functions as ``bench_convergence.py``
(``ranking.py``): precision@K, recall@2K and decoys in the top K.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from itertools import combinations
from pathlib import Path
from typing import Any

import pandas as pd
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ranking import (
    merged_namesakes,
    metrics,
    planted_and_decoys,
    rank_true_ids,
    true_identities,
)


def splink_clusters(frame: pd.DataFrame, threshold: float) -> dict[str, str]:
    """unique_id -> Splink cluster id, at match probability ``threshold``."""
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("family", "name"),
            block_on("family", "identifier"),
            block_on("family", "substr(name,1,3)"),
            block_on("family", "substr(name,1,4)", "birth_date"),
            block_on("family", "birth_date", "country"),
        ],
        comparisons=[
            cl.JaroWinklerAtThresholds("name", [0.95, 0.88, 0.8]).configure(
                term_frequency_adjustments=True
            ),
            cl.DateOfBirthComparison("birth_date", input_is_string=True),
            cl.ExactMatch("country").configure(term_frequency_adjustments=True),
            cl.ExactMatch("identifier"),
        ],
    )
    linker = Linker(DuckDBAPI().register(frame), settings)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("family", "identifier"), block_on("family", "name", "birth_date")],
        recall=0.7,
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("family", "name"))
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("family", "identifier")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("family", "birth_date")
    )
    predictions = linker.inference.predict()
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, threshold)
    out = clusters.as_pandas_dataframe()
    return dict(zip(out["unique_id"].astype(str), out["cluster_id"].astype(str), strict=True))


def _pairs(groups: dict[str, list[tuple[str, str]]]) -> set[tuple[tuple[str, str], ...]]:
    return {(a, b) for members in groups.values() for a, b in combinations(sorted(members), 2)}


def pairwise(
    canonical_of: dict[tuple[str, str], str], true_id: dict[tuple[str, str], str]
) -> dict[str, float]:
    """Pairwise precision, recall and F1 of the clusters over the records truth.json knows,
    so that the baseline's resolution can be read beside silobreak's (bench_scenarios.py)."""
    found: dict[str, list[tuple[str, str]]] = {}
    real: dict[str, list[tuple[str, str]]] = {}
    for record, cluster in canonical_of.items():
        if record in true_id:
            found.setdefault(cluster, []).append(record)
            real.setdefault(true_id[record], []).append(record)
    predicted, truth = _pairs(found), _pairs(real)
    tp = len(predicted & truth)
    precision = tp / len(predicted) if predicted else 0.0
    recall = tp / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def world(folder: Path, threshold: float) -> dict[str, Any]:
    frame = pd.read_parquet(folder / "records.parquet")
    truth = json.loads((folder / "truth.json").read_text())
    domains = {d: set(v) for d, v in json.loads((folder / "domains.json").read_text()).items()}
    frame["unique_id"] = frame["dataset"] + "/" + frame["entity_id"]
    started = time.perf_counter()
    cluster_of = splink_clusters(frame.drop(columns=["dataset", "entity_id"]), threshold)
    elapsed = time.perf_counter() - started
    canonical_of: dict[tuple[str, str], str] = {}
    cluster_domains: dict[str, set[str]] = {}
    for dataset, entity_id, uid in zip(
        frame["dataset"], frame["entity_id"], frame["unique_id"], strict=True
    ):
        cluster = cluster_of[uid]
        canonical_of[(dataset, entity_id)] = cluster
        cluster_domains.setdefault(cluster, set()).update(domains.get(dataset, ()))
    planted, decoys = planted_and_decoys(truth)
    true_id = {(r["dataset"], r["entity_id"]): r["true_id"] for r in truth["records"]}
    scored = [(c, float(len(d))) for c, d in cluster_domains.items()]
    ranked = rank_true_ids(scored, true_identities(truth, canonical_of))
    return {
        "world": folder.name,
        "records": len(frame),
        "clusters": len(cluster_domains),
        "splink_s": round(elapsed, 1),
        "pairwise": pairwise(canonical_of, true_id),
        "splink_clusters_dataset_domains": metrics(
            ranked, planted, decoys, merged_namesakes(truth, canonical_of)
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path, help="bench_convergence.py's --baseline-dir")
    parser.add_argument("--threshold", type=float, default=0.5)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    for folder in sorted(p for p in args.folder.iterdir() if (p / "records.parquet").exists()):
        print(json.dumps(world(folder, args.threshold)), flush=True)
    print(
        "reproduce: python benchmarks/graph/anchor_splink_convergence.py"
        f" {args.folder} --threshold {args.threshold}"
    )


if __name__ == "__main__":
    main()
