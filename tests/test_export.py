from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq

from silobreak.export.statements import export_statements
from silobreak.ingest import IngestOptions, ingest_file
from silobreak.model.records import STATEMENT_COLUMNS, Org
from silobreak.policy import SYSTEM, Viewer
from silobreak.store import Store, open_store
from tests.conftest import entity, write_jsonl

ENTITIES = [
    entity("p1", "Person", name=["Ivan Petrov", "Иван Петров"], birthDate="1975"),
    entity("c1", "Company", name="Romashka OOO"),
    entity("o1", "Ownership", owner="p1", asset="c1"),
]


def _load(store: Store, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "in.json", ENTITIES)
    ingest_file(store, path, IngestOptions("police", "register", marking="RED", progress=False))
    other = write_jsonl(tmp_path / "other.json", [entity("p1", "Vessel", name="Ocean Pearl")])
    ingest_file(store, other, IngestOptions("bank", "fleet", marking="GREEN", progress=False))


def test_csv_and_parquet_carry_every_column(store: Store, tmp_path: Path) -> None:
    _load(store, tmp_path)
    n = export_statements(store, SYSTEM, "csv", tmp_path / "out.csv")
    with (tmp_path / "out.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert n == len(rows) == store.count_statements(SYSTEM)
    assert tuple(rows[0]) == STATEMENT_COLUMNS
    m = export_statements(store, SYSTEM, "parquet", tmp_path / "out.parquet")
    table = pq.read_table(tmp_path / "out.parquet")
    assert m == table.num_rows == n
    assert set(table.column("marking").to_pylist()) == {"TLP:RED", "TLP:GREEN"}


def test_exports_go_through_policy(store: Store, tmp_path: Path) -> None:
    _load(store, tmp_path)
    n = export_statements(store, Viewer("bank"), "csv", tmp_path / "bank.csv")
    with (tmp_path / "bank.csv").open() as fh:
        assert {row["org"] for row in csv.DictReader(fh)} == {"bank"}
    assert n == 2


def test_ftm_export_round_trips(store: Store, tmp_path: Path) -> None:
    _load(store, tmp_path)
    out = tmp_path / "out.ftm.json"
    assert export_statements(store, SYSTEM, "ftm", out, dataset="register") == 3
    entities = {e["id"]: e for e in map(json.loads, out.read_text().splitlines())}
    assert sorted(entities["p1"]["properties"]["name"]) == ["Ivan Petrov", "Иван Петров"]
    assert entities["o1"]["properties"] == {"asset": ["c1"], "owner": ["p1"]}
    assert entities["p1"]["datasets"] == ["register"]
    # ingesting the export elsewhere gives the same statements
    with open_store(tmp_path / "ws2") as other:
        other.add_org(Org("police", "law_enforcement"))
        ingest_file(other, out, IngestOptions("police", "register", progress=False))
        again = {
            (r["entity_id"], r["prop"], r["value"])
            for r in other.read_statements(SYSTEM).read_all().to_pylist()
        }
    original = {
        (r["entity_id"], r["prop"], r["value"])
        for r in store.read_statements(SYSTEM, dataset="register").read_all().to_pylist()
    }
    assert again == original


def test_qualified_ids_keep_datasets_apart(store: Store, tmp_path: Path) -> None:
    _load(store, tmp_path)
    out = tmp_path / "all.ftm.json"
    export_statements(store, SYSTEM, "ftm", out, qualify_ids=True)
    entities = {e["id"]: e for e in map(json.loads, out.read_text().splitlines())}
    assert entities["register.p1"]["schema"] == "Person"
    assert entities["fleet.p1"]["schema"] == "Vessel"
    assert entities["register.o1"]["properties"]["owner"] == ["register.p1"]


def test_empty_export_still_has_a_header(store: Store, tmp_path: Path) -> None:
    assert export_statements(store, SYSTEM, "csv", tmp_path / "e.csv") == 0
    assert (tmp_path / "e.csv").read_text().startswith('"id","entity_id"')
