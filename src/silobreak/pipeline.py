"""Load a generated scenario into a workspace.

Used by ``silobreak demo``, ``silobreak scenario ingest``, tests and benchmarks, so that all
of them load a scenario the same way: organizations from ``scenario.yml``, then one ingest per
dataset with the manifest's format, mapping, domains and markings, then its transaction files
into the transaction table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from silobreak.finance.workspace import load_transaction_file
from silobreak.ingest import IngestOptions, IngestResult, ingest_file
from silobreak.model.records import Org
from silobreak.scenario import MANIFEST
from silobreak.store.base import Store, StoreError


def read_manifest(scenario: Path) -> dict[str, Any]:
    path = scenario / MANIFEST
    if not path.is_file():
        raise StoreError(
            f"{scenario}: no {MANIFEST}; generate one with `silobreak scenario "
            "generate --seed N --out DIR`"
        )
    data = yaml.safe_load(path.read_text("utf-8"))
    if not isinstance(data, dict) or "orgs" not in data or "datasets" not in data:
        raise StoreError(f"{path}: expected 'orgs' and 'datasets'")
    return data


def ingest_scenario(store: Store, scenario: Path, progress: bool = True) -> list[IngestResult]:
    """Register the scenario's organizations and ingest each of its datasets."""
    manifest = read_manifest(scenario)
    for org in manifest["orgs"]:
        store.add_org(Org(org["name"], org["sector"], org.get("country")))
    results = []
    for ds in manifest["datasets"]:
        options = IngestOptions(
            org=ds["org"],
            dataset=ds["name"],
            domains=tuple(ds.get("domains") or ()),
            format=ds.get("format"),
            mapping=scenario / ds["mapping"] if ds.get("mapping") else None,
            marking=ds.get("marking"),
            handling=ds.get("handling"),
            source_grade=ds.get("source_grade"),
            progress=progress,
        )
        results.append(ingest_file(store, scenario / ds["file"], options))
    for tx in manifest.get("transactions") or []:
        options = IngestOptions(
            org=tx["org"],
            dataset=tx["name"],
            domains=("financial_crime",),
            marking=tx.get("marking"),
            handling=tx.get("handling"),
            source_grade=tx.get("source_grade"),
        )
        load_transaction_file(store, scenario / tx["file"], options)
    return results
