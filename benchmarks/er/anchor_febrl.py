"""Anchors for bench_febrl.py: Splink 5 and recordlinkage on Febrl 4a x 4b, timed live.

Neither is a silobreak dependency. Run this in its own environment, in the same session:

    python -m venv /tmp/anchor && /tmp/anchor/bin/pip install splink==5.0.0 recordlinkage==0.16
    /tmp/anchor/bin/python benchmarks/er/anchor_febrl.py [--data ../shared/data]

recordlinkage: the model of its Febrl 4 tutorial (blocking on given name, surname or birth
date; Jaro-Winkler names, exact birth date, suburb and state, Levenshtein address) plus exact
postcode and social security number, classified by its unsupervised ECM. Splink: link-only
with name, birth date, address, postcode and social security number comparisons, blocking on
name, birth date or postcode, trained without labels by random sampling for u and EM for m.
Both are scored as bench_febrl.py scores silobreak: predicted links against ``rec-N-org`` ~
``rec-N-dup-k``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import time
from pathlib import Path

import pandas as pd
import recordlinkage
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on


def load(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, skipinitialspace=True, dtype=str).fillna("")
    frame.columns = [c.strip() for c in frame.columns]
    return frame.set_index("rec_id", drop=False)


def score(links: set[tuple[str, str]]) -> dict[str, float]:
    def person(rec_id: str) -> str:
        return rec_id.split("-")[1]

    tp = sum(1 for a, b in links if person(a) == person(b))
    precision = tp / len(links) if links else 0.0
    recall = tp / 5000
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def run_recordlinkage(a: pd.DataFrame, b: pd.DataFrame) -> dict[str, object]:
    started = time.perf_counter()
    indexer = recordlinkage.Index()
    indexer.block("given_name")
    indexer.block("surname")
    indexer.block("date_of_birth")
    pairs = indexer.index(a, b)
    compare = recordlinkage.Compare()
    compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85)
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85)
    compare.exact("date_of_birth", "date_of_birth")
    compare.exact("suburb", "suburb")
    compare.exact("state", "state")
    compare.string("address_1", "address_1", method="levenshtein", threshold=0.85)
    compare.exact("postcode", "postcode")
    compare.exact("soc_sec_id", "soc_sec_id")
    features = compare.compute(pairs, a, b)
    matches = recordlinkage.ECMClassifier().fit_predict(features)
    links = {(str(x), str(y)) for x, y in matches}
    return {"anchor": "recordlinkage 0.16 ECM", **score(links), "seconds": _since(started)}


def run_splink(a: pd.DataFrame, b: pd.DataFrame) -> dict[str, object]:
    started = time.perf_counter()
    frames = []
    for frame, source in ((a, "a"), (b, "b")):
        frame = frame.reset_index(drop=True).rename(columns={"rec_id": "unique_id"})
        frame["address"] = frame["street_number"] + " " + frame["address_1"]
        frame["source_dataset"] = source
        frames.append(frame.replace("", None))
    settings = SettingsCreator(
        link_type="link_only",
        blocking_rules_to_generate_predictions=[
            block_on("given_name"),
            block_on("surname"),
            block_on("date_of_birth"),
            block_on("postcode"),
        ],
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.LevenshteinAtThresholds("date_of_birth", [1, 2]),
            cl.LevenshteinAtThresholds("address", [1, 3]),
            cl.ExactMatch("suburb"),
            cl.ExactMatch("postcode"),
            cl.LevenshteinAtThresholds("soc_sec_id", [1, 2]),
        ],
    )
    db_api = DuckDBAPI()
    linker = Linker([db_api.register(f) for f in frames], settings)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname", "date_of_birth")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("postcode"))
    predictions = linker.inference.predict(threshold_match_probability=0.9).as_pandas_dataframe()
    links = set(zip(predictions["unique_id_l"], predictions["unique_id_r"], strict=True))
    return {"anchor": "splink 5.0.0", **score(links), "seconds": _since(started)}


def _since(started: float) -> float:
    return round(time.perf_counter() - started, 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--data", type=Path, default=Path(os.environ.get("SILOBREAK_DATA", "../shared/data"))
    )
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    a = load(args.data / "er/febrl/dataset4a.csv")
    b = load(args.data / "er/febrl/dataset4b.csv")
    print(json.dumps(run_recordlinkage(a, b)))
    print(json.dumps(run_splink(a, b)))
    print("reproduce: python benchmarks/er/anchor_febrl.py")


if __name__ == "__main__":
    main()
