"""Anchor for bench_historical.py: Splink 5 with its demo model, timed live in the same session.

Splink is not a silobreak dependency. Run this in its own environment:

    python -m venv /tmp/anchor && /tmp/anchor/bin/pip install splink==5.0.0 pandas
    /tmp/anchor/bin/python benchmarks/er/anchor_splink_historical.py [--data ../shared/data]

The model is the one of Splink's "deduplicate 50k synthetic" tutorial: name comparisons with
term frequencies, date of birth, postcode, birth place and occupation; blocking on first name
and surname prefixes, name and birth date, name and postcode, birth date and place, ...
Prints blocking recall, pairwise precision, recall and F1 at p >= 0.5 and from clusters at
0.9, exact-cluster and B-cubed F1 of the clusters (silobreak's own measures,
``resolve/evaluate.py``, pure Python, read from the source tree), and the time from loading
to clusters.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from itertools import combinations
from pathlib import Path

import pandas as pd
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
from silobreak.resolve.evaluate import cluster_scores


def pairs_of(frame: pd.DataFrame, group: str) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for members in frame.groupby(group)["unique_id"]:
        out.update(combinations(sorted(members[1]), 2))
    return out


def score(found: set[tuple[str, str]], truth: set[tuple[str, str]]) -> dict[str, float]:
    tp = len(found & truth)
    precision = tp / len(found) if found else 0.0
    recall = tp / len(truth)
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--data", type=Path, default=Path(os.environ.get("SILOBREAK_DATA", "../shared/data"))
    )
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    frame = pd.read_parquet(
        args.data / "er/splink_datasets/historical_figures_with_errors_50k.parquet"
    )
    frame["unique_id"] = frame["unique_id"].astype(str)
    truth = pairs_of(frame, "cluster")
    started = time.perf_counter()
    rules = [
        block_on("substr(first_name,1,3)", "substr(surname,1,4)"),
        block_on("surname", "dob"),
        block_on("first_name", "dob"),
        block_on("postcode_fake", "first_name"),
        block_on("postcode_fake", "surname"),
        block_on("dob", "birth_place"),
        block_on("substr(postcode_fake,1,3)", "dob"),
        block_on("substr(postcode_fake,1,3)", "first_name"),
        block_on("substr(postcode_fake,1,3)", "surname"),
        block_on("substr(first_name,1,2)", "substr(surname,1,2)", "substr(dob,1,4)"),
    ]
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=rules,
        comparisons=[
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.PostcodeComparison("postcode_fake"),
            cl.ExactMatch("birth_place").configure(term_frequency_adjustments=True),
            cl.ExactMatch("occupation").configure(term_frequency_adjustments=True),
        ],
    )
    db_api = DuckDBAPI()
    linker = Linker(db_api.register(frame.drop(columns=["cluster"])), settings)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob"), block_on("surname", "dob", "postcode_fake")],
        recall=0.6,
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_name", "surname")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    predictions = linker.inference.predict()
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.9)
    cluster_frame = clusters.as_pandas_dataframe()
    elapsed = time.perf_counter() - started
    pred = predictions.as_pandas_dataframe()
    pred_pairs = {
        tuple(sorted((str(a), str(b))))
        for a, b in zip(pred["unique_id_l"], pred["unique_id_r"], strict=True)
    }
    matched = pred[pred["match_probability"] >= 0.5]
    match_pairs = {
        tuple(sorted((str(a), str(b))))
        for a, b in zip(matched["unique_id_l"], matched["unique_id_r"], strict=True)
    }
    cluster_frame["unique_id"] = cluster_frame["unique_id"].astype(str)
    entities = cluster_scores(
        dict(zip(frame["unique_id"], frame["cluster"].astype(str), strict=True)),
        dict(zip(cluster_frame["unique_id"], cluster_frame["cluster_id"].astype(str), strict=True)),
    )
    print(
        json.dumps(
            {
                "anchor": "splink 5.0.0 demo model",
                "true_pairs": len(truth),
                "blocking_recall": round(len(pred_pairs & truth) / len(truth), 4),
                "pairwise_p>=0.5": score(match_pairs, truth),  # type: ignore[arg-type]
                "clusters_0.9": score(pairs_of(cluster_frame, "cluster_id"), truth),
                "cluster_f1_0.9": entities.exact_f1,
                "bcubed_f1_0.9": entities.bcubed_f1,
                "seconds": round(elapsed, 1),
            }
        )
    )
    print("reproduce: python benchmarks/er/anchor_splink_historical.py")


if __name__ == "__main__":
    main()
