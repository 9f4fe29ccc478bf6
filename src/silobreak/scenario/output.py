"""Writers for scenario files, and the truth ledger that records who each record really is."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson


class Truth:
    """The answer key: true identity of each record, planted networks, decoys, bad rows."""

    def __init__(self) -> None:
        self.records: list[dict[str, str]] = []
        self.entity_domains: dict[str, set[str]] = {}
        self.entity_orgs: dict[str, set[str]] = {}
        self.expected_quarantine: list[dict[str, Any]] = []
        self._planting = False

    def record(
        self, dataset: str, entity_id: str, tid: str, org: str, domain: str | None = None
    ) -> None:
        """Record ``entity_id`` in ``dataset`` as true entity ``tid`` (named there in a record
        of crime ``domain``, if given)."""
        if self._planting:
            return  # the row will be quarantined: it names no entity in the store
        self.records.append({"dataset": dataset, "entity_id": entity_id, "true_id": tid})
        self.entity_orgs.setdefault(tid, set()).add(org)
        if domain is not None:
            self.domain(tid, domain)

    @contextmanager
    def planting_bad_row(self) -> Iterator[None]:
        """Records written inside this block belong to a row that ingest must quarantine."""
        self._planting = True
        try:
            yield
        finally:
            self._planting = False

    def domain(self, tid: str, domain: str) -> None:
        """``tid`` is directly named in a record of that crime domain."""
        if self._planting:
            return
        self.entity_domains.setdefault(tid, set()).add(domain)

    def bad_row(self, dataset: str, line: int, why: str) -> None:
        self.expected_quarantine.append({"dataset": dataset, "line": line, "why": why})


class CsvOut:
    """A CSV file with a fixed header; tracks the line number of each row written."""

    def __init__(self, path: Path, columns: list[str]):
        self.fh = path.open("w", encoding="utf-8", newline="")
        self.columns = columns
        self.writer = csv.DictWriter(self.fh, columns)
        self.writer.writeheader()
        self.line = 1

    def row(self, **values: Any) -> int:
        unknown = set(values) - set(self.columns)
        if unknown:
            raise KeyError(f"unknown columns {sorted(unknown)}")
        self.writer.writerow({k: ("" if v is None else v) for k, v in values.items()})
        self.line += 1
        return self.line

    def close(self) -> None:
        self.fh.close()


class FtmOut:
    """FtM JSON lines: one entity per line."""

    def __init__(self, path: Path):
        self.fh = path.open("wb")
        self.line = 0

    def entity(self, entity_id: str, schema: str, **props: Any) -> int:
        properties = {}
        for key, value in props.items():
            values = value if isinstance(value, list) else [value]
            values = [str(v) for v in values if v not in (None, "")]
            if values:
                properties[key] = values
        data = {"id": entity_id, "schema": schema, "properties": properties}
        return self.raw(orjson.dumps(data).decode())

    def raw(self, text: str) -> int:
        self.fh.write(text.encode("utf-8") + b"\n")
        self.line += 1
        return self.line

    def close(self) -> None:
        self.fh.close()
