"""Export the statements a viewer may see, as CSV, Parquet or FtM JSON lines.

CSV and Parquet carry every statement column (provenance and markings included); FtM JSON
lines rebuild one entity per (dataset, entity id), which is what other FtM tools read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from silobreak.model.records import BASE_PROP
from silobreak.model.schemata import merge_schemata
from silobreak.policy.viewer import Viewer
from silobreak.store.base import Store

EXPORT_FORMATS = ("csv", "parquet", "ftm")


def export_statements(
    store: Store,
    viewer: Viewer,
    fmt: str,
    out: Path,
    dataset: str | None = None,
    qualify_ids: bool = False,
) -> int:
    """Write the viewer's statements to ``out``; return how many statements (csv, parquet) or
    entities (ftm) were written."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "ftm":
        ordered = store.read_statements(viewer, dataset=dataset, order_by_entity=True)
        count = 0
        with out.open("wb") as fh:
            for entity in _entities(ordered, qualify_ids):
                fh.write(orjson.dumps(entity, option=orjson.OPT_APPEND_NEWLINE))
                count += 1
        return count
    reader = store.read_statements(viewer, dataset=dataset)
    count = 0
    writer: Any = (
        pacsv.CSVWriter(str(out), reader.schema)
        if fmt == "csv"
        else pq.ParquetWriter(str(out), reader.schema)
    )
    with writer:
        for batch in reader:
            writer.write_batch(batch)
            count += batch.num_rows
    return count


def _entities(batches: Iterable[pa.RecordBatch], qualify: bool) -> Iterator[dict[str, Any]]:
    """Group statements ordered by (dataset, entity_id) into FtM entity objects."""
    current: dict[str, Any] | None = None
    key: tuple[str, str] | None = None
    schemata: set[str] = set()
    for batch in batches:
        for row in batch.to_pylist():
            row_key = (row["dataset"], row["entity_id"])
            if row_key != key:
                if current is not None:
                    yield _finish(current, schemata)
                key = row_key
                schemata = set()
                entity_id = (
                    _qualify(row["dataset"], row["entity_id"]) if qualify else row["entity_id"]
                )
                current = {
                    "id": entity_id,
                    "schema": row["schema"],
                    "properties": {},
                    "datasets": [row["dataset"]],
                    "first_seen": row["first_seen"],
                    "last_seen": row["last_seen"],
                }
            assert current is not None
            schemata.add(row["schema"])
            current["first_seen"] = min(current["first_seen"], row["first_seen"])
            current["last_seen"] = max(current["last_seen"], row["last_seen"])
            if row["prop"] == BASE_PROP:
                continue
            value = row["value"]
            if qualify and row["prop_type"] == "entity":
                value = _qualify(row["dataset"], value)
            current["properties"].setdefault(row["prop"], []).append(value)
    if current is not None:
        yield _finish(current, schemata)


def _finish(entity: dict[str, Any], schemata: set[str]) -> dict[str, Any]:
    if len(schemata) > 1:
        names = tuple(sorted(schemata))
        entity["schema"] = merge_schemata(names) or names[0]
    entity["first_seen"] = entity["first_seen"].isoformat(timespec="seconds")
    entity["last_seen"] = entity["last_seen"].isoformat(timespec="seconds")
    return entity


def _qualify(dataset: str, entity_id: str) -> str:
    return f"{dataset}.{entity_id}"
