from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from silobreak.ingest import IngestOptions, ingest_file
from silobreak.model.records import Org
from silobreak.policy import SYSTEM, Viewer
from silobreak.store import Store, StoreError, open_store
from tests.conftest import entity, write_jsonl


def test_new_workspace_is_migrated(workspace: Path) -> None:
    with open_store(workspace) as store:
        assert store.schema_version() >= 1  # type: ignore[attr-defined]
    assert (workspace / "silobreak.duckdb").exists()


def test_workspace_newer_than_code_is_refused(workspace: Path) -> None:
    with open_store(workspace):
        pass
    con = duckdb.connect(str(workspace / "silobreak.duckdb"))
    con.execute("INSERT INTO schema_migrations VALUES (999, 'future', now())")
    con.close()
    with pytest.raises(RuntimeError, match="newer than this silobreak"):
        open_store(workspace)


def test_read_only_open_of_an_older_workspace_brings_it_up_to_date(workspace: Path) -> None:
    """`dataset list` opens read-only: a workspace of an older silobreak must not fail on a
    column a later migration added."""
    with open_store(workspace) as store:
        store.add_org(Org("police", "law_enforcement"))
        ingest_file(
            store,
            write_jsonl(workspace.parent / "a.json", [entity("p1", "Person", name="A")]),
            IngestOptions("police", "reg", progress=False),
        )
    con = duckdb.connect(str(workspace / "silobreak.duckdb"))
    con.execute("ALTER TABLE datasets DROP COLUMN deduplicated")
    con.execute("DELETE FROM schema_migrations WHERE version = 6")
    con.close()
    with open_store(workspace, read_only=True) as store:
        (dataset,) = store.list_datasets()
        assert dataset.name == "reg" and dataset.deduplicated is False
        assert store.dataset_stats(SYSTEM)[0].entities == 1
    con = duckdb.connect(str(workspace / "silobreak.duckdb"))
    con.execute("INSERT INTO schema_migrations VALUES (999, 'future', now())")
    con.close()
    with pytest.raises(StoreError, match="newer than this silobreak"):
        open_store(workspace, read_only=True)


def test_read_only_open_of_missing_workspace_explains(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no silobreak workspace"):
        open_store(tmp_path / "nothing", read_only=True)


def test_org_add_is_idempotent_but_not_silent_on_conflict(store: Store) -> None:
    again = store.add_org(Org("police", "law_enforcement", "ke"))
    assert again.sector == "law_enforcement"
    with pytest.raises(StoreError, match="already exists as law_enforcement"):
        store.add_org(Org("police", "ngo", "ke"))
    assert [o.name for o in store.list_orgs()] == ["bank", "police"]


def _load_two_orgs(store: Store, tmp_path: Path) -> None:
    police = write_jsonl(tmp_path / "p.json", [entity("p1", "Person", name="Ivan Petrov")])
    bank = write_jsonl(
        tmp_path / "b.json",
        [entity("c1", "Person", name="Ivan Petrov"), entity("c2", "Person", name="Olga Sokolova")],
    )
    ingest_file(
        store, police, IngestOptions("police", "oc_register", marking="RED", progress=False)
    )
    ingest_file(store, bank, IngestOptions("bank", "customers", marking="GREEN", progress=False))


def test_policy_filters_every_read(store: Store, tmp_path: Path) -> None:
    _load_two_orgs(store, tmp_path)
    bank_viewer = Viewer(org="bank", user="analyst")
    police_viewer = Viewer(org="police", user="detective")
    outsider = Viewer(org="ngo-x", user="researcher")
    assert store.count_statements(SYSTEM) == 6
    # the bank sees its own statements, not the police's RED ones
    assert store.count_statements(bank_viewer) == 4
    seen = store.read_statements(bank_viewer).read_all().to_pylist()
    assert {row["org"] for row in seen} == {"bank"}
    # the police sees its own and the bank's GREEN statements
    assert store.count_statements(police_viewer) == 6
    # an outsider sees only community (GREEN/CLEAR) data
    assert store.count_statements(outsider) == 4
    stats = {s.dataset: s.statements for s in store.dataset_stats(outsider)}
    assert stats == {"customers": 4, "oc_register": 0}
    assert {s for s, _, _ in store.schema_stats(outsider)} == {"Person"}


def test_dataset_belongs_to_one_org(store: Store, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "p.json", [entity("p1", "Person", name="A B")])
    ingest_file(store, path, IngestOptions("police", "contested_name", progress=False))
    with pytest.raises(StoreError, match="belongs to organization 'police'"):
        ingest_file(store, path, IngestOptions("bank", "contested_name", progress=False))


def test_data_survives_reopen(workspace: Path, tmp_path: Path) -> None:
    with open_store(workspace) as store:
        store.add_org(Org("police", "law_enforcement"))
        path = write_jsonl(tmp_path / "p.json", [entity("p1", "Person", name="A B")])
        ingest_file(store, path, IngestOptions("police", "d", progress=False))
    with open_store(workspace, read_only=True) as store:
        assert store.count_statements(SYSTEM) == 2
        assert store.list_loads(SYSTEM)[0].entities == 1
