"""Deduplication of Splink's historical_figures_with_errors_50k (50,000 records, 5,156 people).

    python benchmarks/er/bench_historical.py [--data ../shared/data] [--limit N]

Each row becomes an FtM Person (full name, first-and-surname as alias, birth date, birth place,
postcode as address, gender) in one dataset; resolved with the defaults. Reported:
pairwise precision, recall and F1 against ``cluster``, blocking recall (share of true pairs
that became candidates), and time. The issue's anchor, measured on this machine by the project
owner: Splink 5 with its demo model, F1 0.743 at p >= 0.5 (0.824 from clusters at 0.9),
blocking recall 0.67, 8.8 s.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections import defaultdict
from datetime import date
from itertools import combinations
from pathlib import Path

import pyarrow.parquet as pq

from silobreak.ingest import IngestOptions, ingest_file
from silobreak.model.records import Org
from silobreak.policy import SYSTEM
from silobreak.resolve.evaluate import cluster_scores
from silobreak.resolve.records import Record, load_records
from silobreak.resolve.run import resolve_records
from silobreak.store import open_store


def valid_date(text: str | None) -> str | None:
    try:
        return date.fromisoformat(text).isoformat() if text else None
    except ValueError:
        return None


def load(
    data: Path, limit: int | None = None
) -> tuple[list[Record], set[tuple[int, int]], dict[str, str]]:
    """The data set ingested as FtM Persons, its records as resolution reads them, the true
    pairs of record indexes (from ``cluster``) and each record index's true cluster."""
    path = data / "er/splink_datasets/historical_figures_with_errors_50k.parquet"
    rows = pq.read_table(path).to_pylist()[:limit]
    work = Path(tempfile.mkdtemp(prefix="sb-hist-"))
    with (work / "people.json").open("w") as fh:
        for row in rows:
            props: dict[str, list[str]] = {}
            for key, prop in (("full_name", "name"), ("first_and_surname", "alias")):
                if row[key]:
                    props.setdefault(prop, []).append(row[key])
            if valid_date(row["dob"]):
                props["birthDate"] = [row["dob"]]
            if row["birth_place"]:
                props["birthPlace"] = [row["birth_place"]]
            if row["postcode_fake"]:
                props["address"] = [row["postcode_fake"]]
            if row["gender"] in ("male", "female"):
                props["gender"] = [row["gender"]]
            fh.write(
                json.dumps({"id": row["unique_id"], "schema": "Person", "properties": props}) + "\n"
            )
    with open_store(work / "ws") as store:
        store.add_org(Org("wiki", "academia"))
        ingest_file(store, work / "people.json", IngestOptions("wiki", "people", progress=False))
        records = list(load_records(store, SYSTEM))
    cluster_of = {row["unique_id"]: row["cluster"] for row in rows}
    truth_groups: dict[str, list[int]] = defaultdict(list)
    for index, record in enumerate(records):
        truth_groups[cluster_of[record.entity_id]].append(index)
    truth = {pair for members in truth_groups.values() for pair in combinations(members, 2)}
    true_of = {str(i): str(cluster_of[r.entity_id]) for i, r in enumerate(records)}
    return records, truth, true_of


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--data", type=Path, default=Path(os.environ.get("SILOBREAK_DATA", "../shared/data"))
    )
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    records, truth, true_of = load(args.data, args.limit)
    started = time.perf_counter()
    result = resolve_records(records)
    elapsed = time.perf_counter() - started
    predicted = {pair for members in result.clusters for pair in combinations(sorted(members), 2)}
    candidates = {(c.left, c.right) for c in result.comparisons}
    tp = len(truth & predicted)
    precision = tp / len(predicted) if predicted else 0.0
    recall = tp / len(truth)
    entities = cluster_scores(
        true_of, {str(i): str(n) for n, members in enumerate(result.clusters) for i in members}
    )
    print(
        json.dumps(
            {
                "records": len(records),
                "true_pairs": len(truth),
                "candidate_pairs": len(candidates),
                "blocking_recall": round(len(truth & candidates) / len(truth), 4),
                "precision": round(precision, 4),
                "recall": round(recall, 4),
                "f1": round(2 * precision * recall / (precision + recall), 4) if tp else 0.0,
                "cluster_f1": entities.exact_f1,
                "bcubed_f1": entities.bcubed_f1,
                "resolve_s": round(elapsed, 1),
            }
        )
    )
    print("reproduce: python benchmarks/er/bench_historical.py")


if __name__ == "__main__":
    main()
