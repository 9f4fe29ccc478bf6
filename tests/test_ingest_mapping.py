from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from silobreak.ingest import IngestOptions, InputError, ingest_file
from silobreak.policy import SYSTEM
from silobreak.store import Store

MAPPING = """
donations:
  queries:
    - csv_url: donations.csv
      entities:
        party:
          schema: Organization
          key: Party
          properties:
            name: {column: Party}
        donor:
          schema: LegalEntity
          key: Donor
          properties:
            name: {column: Donor}
            country: {column: Country}
        donation:
          schema: Payment
          keys: [Party, Donor, Date, Amount]
          properties:
            payer: {entity: donor}
            beneficiary: {entity: party}
            date: {column: Date}
            amountEur: {column: Amount}
    - csv_url: donations.csv
      filters: {DonorType: PERSON}
      entities:
        donor:
          schema: Person
          key: Donor
"""

CSV = """Party,Amount,DonorType,Donor,Country,Date
Green Party,1000,PERSON,Anna Schmidt,Deutschland,2021-05-01
Green Party,250.5,COMPANY,Acme GmbH,de,2021-06-30
Blue Party,99,PERSON,Anna Schmidt,Germany,2021-07-01
Blue Party,10,PERSON,Bad Date,de,2021-13-01
Blue Party,10,PERSON,Nowhere Man,Narnia,2021-01-01
"""


def _opts(tmp_path: Path, **kw: object) -> IngestOptions:
    mapping = tmp_path / "donations.yml"
    mapping.write_text(MAPPING, "utf-8")
    base: dict[str, object] = {
        "org": "bank",
        "dataset": "donations",
        "mapping": mapping,
        "progress": False,
    }
    base.update(kw)
    return IngestOptions(**base)  # type: ignore[arg-type]


def _entities(store: Store) -> dict[str, set[str]]:
    rows = store.read_statements(SYSTEM).read_all().to_pylist()
    found: dict[str, set[str]] = {}
    for row in rows:
        if row["prop"] == "name":
            found.setdefault(row["schema"], set()).add(row["value"])
    return found


def test_csv_through_an_ftm_mapping(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "donations.csv"
    path.write_text(CSV, "utf-8")
    result = ingest_file(store, path, _opts(tmp_path))
    assert result.load is not None
    assert result.load.format == "csv"
    names = _entities(store)
    assert names["Organization"] == {"Green Party", "Blue Party"}
    assert "Anna Schmidt" in names["Person"]
    assert "Acme GmbH" in names["LegalEntity"]
    bad = {(q.line, q.reason) for q in store.list_quarantine(SYSTEM)}
    assert bad == {
        (5, "invalid date '2021-13-01' for Interval:date (column Date)"),
        (6, "invalid country 'Narnia' for Thing:country (column Country)"),
    }
    # the same donor in two rows is one entity: ids come from the mapping keys
    rows = store.read_statements(SYSTEM).read_all().to_pylist()
    anna = {r["entity_id"] for r in rows if r["prop"] == "name" and r["value"] == "Anna Schmidt"}
    assert len(anna) == 1
    again = ingest_file(store, path, _opts(tmp_path)).load
    assert again is not None and again.statements_new == 0
    assert len(store.list_quarantine(SYSTEM)) == 2  # quarantine is idempotent too


def test_semicolon_csv_and_ragged_rows(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "donations.csv"
    text = CSV.replace(",", ";").splitlines()
    text.append("Red Party;5;PERSON;Extra Field;de;2021-01-01;surprise")
    path.write_text("\n".join(text) + "\n", "utf-8")
    result = ingest_file(store, path, _opts(tmp_path))
    assert result.load is not None and result.load.entities >= 5
    reasons = [q.reason for q in store.list_quarantine(SYSTEM)]
    assert "row has 7 fields, the header has 6" in reasons


def test_excel_through_the_same_mapping(store: Store, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    for line in CSV.strip().splitlines():
        sheet.append(line.split(","))
    path = tmp_path / "donations.xlsx"
    book.save(path)
    result = ingest_file(store, path, _opts(tmp_path))
    assert result.load is not None and result.load.format == "xlsx"
    assert _entities(store)["Organization"] == {"Green Party", "Blue Party"}
    assert {q.line for q in store.list_quarantine(SYSTEM)} == {5, 6}


def test_a_broken_mapping_names_the_file(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "donations.csv"
    path.write_text(CSV, "utf-8")
    bad = tmp_path / "bad.yml"
    bad.write_text("donations:\n  queries:\n    - entities:\n        x: {schema: Nope, key: a}\n")
    with pytest.raises(InputError, match=r"bad\.yml"):
        ingest_file(store, path, _opts(tmp_path, mapping=bad))
    assert store.get_dataset("donations") is None


def test_invalid_utf8_is_quarantined(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "donations.csv"
    path.write_bytes(CSV.encode() + b"Blue Party,1,PERSON,Bad \xff Byte,de,2021-01-01\n")
    result = ingest_file(store, path, _opts(tmp_path))
    assert result.load is not None
    assert "not valid UTF-8 text" in {q.reason for q in store.list_quarantine(SYSTEM)}
