"""Febrl 4a x 4b record linkage (5,000 x 5,000 people, 5,000 true links).

    python benchmarks/er/bench_febrl.py [--data ../shared/data]

Each Febrl record becomes an FtM Person (name from given name and surname, birth date,
address, the social security number as national id); 4a and 4b are ingested as two datasets
of two organizations and resolved with the default settings. Scored: the predicted links
between the two datasets against the true ones (``rec-N-org`` ~ ``rec-N-dup-k``). Birth dates
that are not real dates (Febrl corrupts some) are left out, as ingest would refuse them.
Run twice: with the datasets as plain datasets, and declared deduplicated (``ingest
--deduplicated``: Febrl 4a holds one record per person and 4b one duplicate of each), which
makes the link one to one (``silobreak.resolve.cluster``).
Anchors quoted in the issue, measured by the project owner on this machine: Splink 0.9991,
recordlinkage 0.9998 (F1).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import tempfile
import time
from datetime import date
from itertools import combinations
from pathlib import Path

from silobreak.ingest import IngestOptions, ingest_file
from silobreak.model.records import Org
from silobreak.policy import SYSTEM
from silobreak.resolve.run import resolve_store
from silobreak.store import open_store


def iso(raw: str) -> str | None:
    raw = raw.strip()
    if len(raw) != 8 or not raw.isdigit():
        return None
    try:
        return date(int(raw[:4]), int(raw[4:6]), int(raw[6:])).isoformat()
    except ValueError:
        return None


def convert(src: Path, out: Path) -> int:
    dropped = 0
    with src.open() as fh, out.open("w") as dst:
        for row in csv.DictReader(fh, skipinitialspace=True):
            props: dict[str, list[str]] = {}
            name = " ".join(p for p in (row["given_name"], row["surname"]) if p.strip())
            if name:
                props["name"] = [name]
            birth = iso(row["date_of_birth"])
            if birth:
                props["birthDate"] = [birth]
            elif row["date_of_birth"].strip():
                dropped += 1
            address = ", ".join(
                p
                for p in (
                    row["street_number"],
                    row["address_1"],
                    row["address_2"],
                    row["suburb"],
                    row["postcode"],
                    row["state"],
                )
                if p.strip()
            )
            if address:
                props["address"] = [address]
            if row["soc_sec_id"].strip():
                props["idNumber"] = [row["soc_sec_id"].strip()]
            props["country"] = ["au"]
            dst.write(
                json.dumps({"id": row["rec_id"].strip(), "schema": "Person", "properties": props})
                + "\n"
            )
    return dropped


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--data", type=Path, default=Path(os.environ.get("SILOBREAK_DATA", "../shared/data"))
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sb-febrl-"))
    dropped = convert(args.data / "er/febrl/dataset4a.csv", work / "a.json")
    dropped += convert(args.data / "er/febrl/dataset4b.csv", work / "b.json")
    for deduplicated in (False, True):
        print(
            json.dumps(
                {
                    "deduplicated": deduplicated,
                    **run(work, deduplicated),
                    "birth_dates_dropped": dropped,
                }
            )
        )
    print("reproduce: python benchmarks/er/bench_febrl.py")


def run(work: Path, deduplicated: bool) -> dict[str, object]:
    """Ingest both files into a new workspace, resolve, and score the links."""
    with open_store(work / f"ws-{deduplicated}") as store:
        store.add_org(Org("org-a", "government"))
        store.add_org(Org("org-b", "financial_institution"))
        for name, org, path in (("febrl_a", "org-a", "a.json"), ("febrl_b", "org-b", "b.json")):
            options = IngestOptions(org, name, progress=False, deduplicated=deduplicated)
            ingest_file(store, work / path, options)
        started = time.perf_counter()
        _, resolved = resolve_store(store)
        elapsed = time.perf_counter() - started
        rows = store.read_resolver(SYSTEM).read_all().to_pylist()
    groups: dict[str, list[tuple[str, str]]] = {}
    for row in rows:
        groups.setdefault(row["canonical_id"], []).append((row["dataset"], row["entity_id"]))
    predicted = set()
    for members in groups.values():
        for (da, ea), (db, eb) in combinations(sorted(members), 2):
            if da != db:
                predicted.add((ea, eb) if da == "febrl_a" else (eb, ea))
    a_ids = {r["entity_id"] for r in rows if r["dataset"] == "febrl_a"}
    b_ids = {r["entity_id"] for r in rows if r["dataset"] == "febrl_b"}
    by_rec = {a.split("-")[1]: a for a in a_ids}
    truth = {(by_rec[b.split("-")[1]], b) for b in b_ids if b.split("-")[1] in by_rec}
    tp = len(predicted & truth)
    precision = tp / len(predicted) if predicted else 0.0
    recall = tp / len(truth)
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    return {
        "records": resolved.records,
        "candidate_pairs": resolved.candidate_pairs,
        "true_links": len(truth),
        "predicted_links": len(predicted),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "resolve_s": round(elapsed, 1),
    }


if __name__ == "__main__":
    main()
