from __future__ import annotations

import gzip
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from followthemoney.statement import Statement

from silobreak.ingest import IngestOptions, IngestRefused, InputError, ingest_file
from silobreak.policy import SYSTEM
from silobreak.store import Store, StoreError
from tests.conftest import entity, write_jsonl

GOOD = [
    entity(
        "p1",
        "Person",
        name="Иван Петров",
        birthDate="1975-03-02",
        nationality="Russia",
        topics="crime.boss",
    ),
    entity("c1", "Company", name="ROMASHKA LLC", jurisdiction="ru", registrationNumber="77-123"),
    entity("o1", "Ownership", owner="p1", asset="c1", percentage="51"),
    entity("a1", "BankAccount", iban="DE89 3704 0044 0532 0130 00"),
]


def _opts(**kw: object) -> IngestOptions:
    base: dict[str, object] = {"org": "police", "dataset": "register", "progress": False}
    base.update(kw)
    return IngestOptions(**base)  # type: ignore[arg-type]


def _rows(store: Store) -> list[dict[str, object]]:
    return store.read_statements(SYSTEM).read_all().to_pylist()


def test_good_file_loads_with_provenance(store: Store, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "register.ftm.json", GOOD)
    result = ingest_file(
        store,
        path,
        _opts(
            domains=("organized_crime",), marking="amber+strict", handling="H3", source_grade="b"
        ),
    )
    assert result.load is not None
    assert result.load.entities == 4
    assert result.load.quarantined == 0
    rows = _rows(store)
    assert len(rows) == result.load.statements_new == 4 + 11
    person = {r["prop"]: r for r in rows if r["entity_id"] == "p1"}
    assert person["nationality"]["value"] == "ru"
    assert person["nationality"]["original_value"] == "Russia"
    assert person["name"]["value"] == "Иван Петров"
    for row in rows:
        assert row["org"] == "police"
        assert row["dataset"] == "register"
        assert row["marking"] == "TLP:AMBER+STRICT"
        assert row["handling"] == "H3"
        assert row["source_grade"] == "B"
        assert row["origin"] == "register.ftm.json"
        assert row["first_seen"] == row["last_seen"]
    # statement ids are FtM's own, so exports line up with nomenklatura tooling
    name = person["name"]
    assert name["id"] == Statement.make_key("register", "p1", "name", "Иван Петров", False)
    iban = next(r for r in rows if r["prop"] == "iban")
    assert iban["value"] == "DE89370400440532013000"
    dataset = store.get_dataset("register")
    assert dataset is not None and dataset.domains == ("organized_crime",)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"id": "x", "schema": "Person", "properties": {"name": ["A', "malformed JSON"),
        ('{"id": "x", "schema": "Persn", "properties": {}}', "unknown schema 'Persn'"),
        (
            '{"id": "x", "schema": "Person", "properties": {"colour": ["red"]}}',
            "unknown property 'colour' for schema Person",
        ),
        (
            '{"id": "x", "schema": "Person", "properties": {"birthDate": ["2021-02-30"]}}',
            "invalid date '2021-02-30' for Person:birthDate",
        ),
        (
            '{"id": "x", "schema": "BankAccount", '
            '"properties": {"iban": ["DE89370400440532013001"]}}',
            "invalid IBAN 'DE89370400440532013001' for BankAccount:iban",
        ),
        (
            '{"id": "x", "schema": "Vessel", "properties": {"imoNumber": ["IMO 9321484"]}}',
            "invalid IMO 'IMO 9321484' for Vessel:imoNumber",
        ),
        (
            '{"id": "x", "schema": "Person", "properties": {"nationality": ["Narnia"]}}',
            "invalid country 'Narnia' for Person:nationality",
        ),
        ('{"schema": "Person", "properties": {"name": ["No Id"]}}', "missing entity id"),
        (
            '{"id": "x", "schema": "Person", "properties": {"ownershipOwner": ["o1"]}}',
            "is the reverse of Ownership:owner",
        ),
        ("[1, 2]", "expected a JSON object"),
    ],
)
def test_bad_rows_are_quarantined_with_line_and_reason(
    store: Store, tmp_path: Path, line: str, reason: str
) -> None:
    path = write_jsonl(tmp_path / "mixed.json", [GOOD[0], line, GOOD[1]])
    result = ingest_file(store, path, _opts())
    assert result.load is not None
    assert result.load.entities == 2  # the good rows around the bad one still load
    assert result.load.quarantined == 1
    [row] = store.list_quarantine(SYSTEM)
    assert row.line == 2
    assert reason in row.reason
    assert row.raw == line  # kept whole: nothing is lost
    assert row.file == str(path)
    assert row.dataset == "register" and row.org == "police"


def test_strict_refuses_the_whole_file(store: Store, tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "mixed.json", [GOOD[0], "{broken", GOOD[1], '{"id": "y", "schema": "Nope"}']
    )
    with pytest.raises(IngestRefused) as info:
        ingest_file(store, path, _opts(strict=True))
    assert info.value.result.problem_count == 2
    assert [p.line for p in info.value.result.problems] == [2, 4]
    assert store.count_statements(SYSTEM) == 0
    assert store.list_quarantine(SYSTEM) == []
    assert store.get_dataset("register") is None  # not even the dataset was created
    assert store.list_loads(SYSTEM) == []


def test_reloading_is_idempotent_and_changes_add_statements(store: Store, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "register.json", GOOD)
    first = ingest_file(store, path, _opts()).load
    again = ingest_file(store, path, _opts()).load
    assert first is not None and again is not None
    assert again.statements_new == 0
    assert again.statements_seen == first.statements_new
    assert store.count_statements(SYSTEM) == first.statements_new
    changed = [
        entity(
            "p1",
            "Person",
            name="Иван Петров",
            birthDate="1975-03-20",
            nationality="ru",
            topics="crime.boss",
        ),
        *GOOD[1:],
    ]
    write_jsonl(path, changed)
    third = ingest_file(store, path, _opts()).load
    assert third is not None and third.statements_new == 1
    rows = [r for r in _rows(store) if r["entity_id"] == "p1" and r["prop"] == "birthDate"]
    old = next(r for r in rows if r["value"] == "1975-03-02")
    new = next(r for r in rows if r["value"] == "1975-03-20")
    assert new["first_seen"] > old["last_seen"]  # the old value was not seen again
    name = next(r for r in _rows(store) if r["entity_id"] == "p1" and r["prop"] == "name")
    assert name["last_seen"] > name["first_seen"]  # the unchanged value was


def test_entity_ids_are_scoped_by_dataset(store: Store, tmp_path: Path) -> None:
    police = write_jsonl(tmp_path / "a.json", [entity("1", "Person", name="Ivan Petrov")])
    bank = write_jsonl(tmp_path / "b.json", [entity("1", "Vessel", name="Ocean Pearl")])
    ingest_file(store, police, _opts())
    ingest_file(store, bank, _opts(org="bank", dataset="customers"))
    rows = [r for r in _rows(store) if r["entity_id"] == "1" and r["prop"] == "name"]
    assert {(r["dataset"], r["schema"], r["value"]) for r in rows} == {
        ("register", "Person", "Ivan Petrov"),
        ("customers", "Vessel", "Ocean Pearl"),
    }


def test_unknown_org_is_a_clear_error(store: Store, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "a.json", GOOD)
    with pytest.raises(StoreError, match="unknown organization 'polize'; did you mean police"):
        ingest_file(store, path, _opts(org="polize"))


def test_bad_options_are_clear_errors(store: Store, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "a.json", GOOD)
    with pytest.raises(StoreError, match="unknown marking"):
        ingest_file(store, path, _opts(marking="PINK"))
    with pytest.raises(InputError, match="needs --mapping"):
        ingest_file(store, path, _opts(format="csv"))
    with pytest.raises(InputError, match="cannot tell the format"):
        other = tmp_path / "data.bin"
        shutil.copy(path, other)
        ingest_file(store, other, _opts())


def test_gzip_input(store: Store, tmp_path: Path) -> None:
    plain = write_jsonl(tmp_path / "a.json", GOOD)
    packed = tmp_path / "a.json.gz"
    with gzip.open(packed, "wb") as fh:
        fh.write(plain.read_bytes())
    load = ingest_file(store, packed, _opts()).load
    assert load is not None and load.entities == 4 and load.format == "ftm"


def test_error_mid_load_rolls_back(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches already staged are discarded when the load fails part-way."""
    from silobreak.ingest import load as load_module

    path = write_jsonl(tmp_path / "a.json", GOOD * 3)
    monkeypatch.setattr(load_module, "BATCH_ENTITIES", 2)
    real_rows = load_module._rows

    def exploding_rows(*args: Any) -> Iterator[Any]:
        for number, row in enumerate(real_rows(*args), start=1):
            if number == 9:
                raise OSError("disk vanished")
            yield row

    monkeypatch.setattr(load_module, "_rows", exploding_rows)
    with pytest.raises(OSError, match="disk vanished"):
        ingest_file(store, path, _opts())
    assert store.count_statements(SYSTEM) == 0
    assert store.get_dataset("register") is None


def test_schemata_of_one_id_merge_or_are_refused(store: Store, tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "a.json",
        [
            entity("x", "LegalEntity", name="Anna Schmidt", country="de"),
            entity("x", "Person", birthDate="1980-01-01"),
            entity("y", "Person", name="Ocean Pearl"),
            entity("y", "Vessel", name="Ocean Pearl", imoNumber="IMO 9321483"),
        ],
    )
    result = ingest_file(store, path, _opts())
    assert result.load is not None and result.load.quarantined == 1
    rows = _rows(store)
    assert {r["schema"] for r in rows if r["entity_id"] == "x"} == {"Person"}
    assert {r["schema"] for r in rows if r["entity_id"] == "y"} == {"Person"}
    [refused] = store.list_quarantine(SYSTEM)
    assert refused.line == 4
    assert "is a Person elsewhere" in refused.reason
    assert '"imoNumber":["IMO 9321483"]' in refused.raw  # the original value, not the cleaned
    # a later load of the same dataset keeps the schema the store already has
    write_jsonl(path, [entity("y", "Vessel", name="Sea Falcon")])
    later = ingest_file(store, path, _opts())
    assert later.load is not None and later.load.quarantined == 1


def test_byte_order_mark_and_blank_lines(store: Store, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "bom.json", ["", *GOOD[:2]])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().lstrip(b"\n") + b"\n\n")
    load = ingest_file(store, path, _opts()).load
    assert load is not None and load.entities == 2 and load.quarantined == 0


def test_dataset_names_cannot_contain_a_slash(store: Store, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "a.json", GOOD)
    with pytest.raises(StoreError, match="invalid dataset name 'a/b'"):
        ingest_file(store, path, _opts(dataset="a/b"))
