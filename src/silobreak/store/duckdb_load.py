"""Atomic loads into the DuckDB store: stage a file's statements, then merge in one transaction.

Known statement ids get their ``last_seen`` moved, new ones are inserted, schemata of an
entity id are reconciled, and incompatible rows go to the quarantine. A crash or kill before
``COMMIT`` leaves the file as it was (DuckDB rolls back the uncommitted transaction).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import orjson
import pyarrow as pa

from silobreak.model.records import (
    BASE_PROP,
    EntityRecord,
    LoadInfo,
    QuarantineRow,
    StatementDefaults,
)
from silobreak.model.schemata import merge_schemata
from silobreak.store.base import LoadSession
from silobreak.store.duckdb_finance import insert_transactions

_STAGING_SCHEMA = pa.schema(
    [
        ("line", pa.int64()),
        ("entity_id", pa.string()),
        ("schema", pa.string()),
        ("prop", pa.string()),
        ("prop_type", pa.string()),
        ("value", pa.string()),
        ("original_value", pa.string()),
    ]
)


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class DuckDBLoadSession(LoadSession):
    """Stages one file's statements, then merges them into ``statements`` in one transaction."""

    def __init__(self, con: duckdb.DuckDBPyConnection, load: LoadInfo, defaults: StatementDefaults):
        self.con = con
        self.load = load
        self.defaults = defaults
        self.quarantined = 0
        self._open = True
        con.execute("BEGIN TRANSACTION")
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _staging (id VARCHAR, line BIGINT, "
            "entity_id VARCHAR, schema VARCHAR, prop VARCHAR, prop_type VARCHAR, "
            "value VARCHAR, original_value VARCHAR)"
        )

    def add_entities(self, records: list[EntityRecord]) -> None:
        cols: dict[str, list[Any]] = {name: [] for name in _STAGING_SCHEMA.names}
        for rec in records:
            for prop, prop_type, value, original in rec.values:
                cols["line"].append(rec.line)
                cols["entity_id"].append(rec.entity_id)
                cols["schema"].append(rec.schema)
                cols["prop"].append(prop)
                cols["prop_type"].append(prop_type)
                cols["value"].append(value)
                cols["original_value"].append(original)
        # The statement id is FtM's: sha1("dataset.entity_id.prop.value"), computed in SQL.
        # from_arrow + insert_into copies the batch; a registered view would keep every
        # batch's Arrow buffers alive until the connection closes.
        prefix = "'" + self.defaults.dataset.replace("'", "''") + ".'"
        self.con.from_arrow(pa.Table.from_pydict(cols, schema=_STAGING_SCHEMA)).project(
            f"sha1({prefix} || entity_id || '.' || prop || '.' || value) AS id, line, "
            "entity_id, schema, prop, prop_type, value, original_value"
        ).insert_into("_staging")

    def add_quarantine(self, rows: list[QuarantineRow]) -> None:
        if not rows:
            return
        now = utc_now()
        params = []
        for row in rows:
            key = f"{self.defaults.dataset}|{self.load.sha256}|{row.line}|{row.reason}"
            params.append(
                [
                    key,
                    self.load.load_id,
                    self.defaults.dataset,
                    self.defaults.org,
                    row.file,
                    row.line,
                    row.reason,
                    row.raw,
                    now,
                ]
            )
        self.con.executemany(
            "INSERT INTO quarantine SELECT sha1(?), ?, ?, ?, ?, ?, ?, ?, ? "
            "ON CONFLICT (id) DO NOTHING",
            params,
        )
        self.quarantined += len(rows)

    def _reconcile_schemata(self) -> None:
        """Give each entity one schema across this load and earlier loads of its dataset.

        Compatible schemata merge to the most specific (LegalEntity + Person -> Person);
        rows whose schema cannot merge with the entity's (Person vs Vessel) are quarantined,
        keeping the schema already in the store, or else the one of the earliest line.
        """
        con, dataset = self.con, self.defaults.dataset
        # Two steps, so that a load of millions of entities stays within the memory limit:
        # plain aggregates (which spill to disk) find the few entities with several schemata,
        # and only those are gathered into lists.
        conflicts = con.execute(
            "WITH seen AS (SELECT entity_id, schema, min(line) AS line FROM _staging "
            "GROUP BY ALL UNION ALL SELECT DISTINCT t.entity_id, t.schema, -1 AS line "
            "FROM statements t SEMI JOIN (SELECT DISTINCT entity_id FROM _staging) s "
            "ON t.entity_id = s.entity_id WHERE t.dataset = ?), "
            "multi AS (SELECT entity_id FROM (SELECT DISTINCT entity_id, schema FROM seen) "
            "GROUP BY entity_id HAVING count(*) > 1) "
            "SELECT s.entity_id, list(s.schema ORDER BY s.line), list(s.line ORDER BY s.line) "
            "FROM seen s SEMI JOIN multi m ON s.entity_id = m.entity_id GROUP BY s.entity_id",
            [dataset],
        ).fetchall()
        merged: dict[str, list[str | None]] = {"entity_id": [], "schema": []}
        refused: list[tuple[str, str, str]] = []
        for entity_id, schemata, _lines in conflicts:
            keep = [schemata[0]]
            for schema in schemata[1:]:
                if merge_schemata((*keep, schema)) is None:
                    refused.append((entity_id, schema, schemata[0]))
                elif schema not in keep:
                    keep.append(schema)
            merged["entity_id"].append(entity_id)
            merged["schema"].append(merge_schemata(tuple(sorted(keep))))
        if refused:
            self._quarantine_conflicts(refused)
        if merged["entity_id"]:
            con.register("_merged", pa.table(merged))
            con.execute(
                "UPDATE _staging SET schema = m.schema FROM _merged m "
                "WHERE _staging.entity_id = m.entity_id"
            )
            con.execute(
                "UPDATE statements SET schema = m.schema FROM _merged m "
                "WHERE statements.dataset = ? AND statements.entity_id = m.entity_id",
                [dataset],
            )
            con.unregister("_merged")

    def _quarantine_conflicts(self, refused: list[tuple[str, str, str]]) -> None:
        """Move staged rows with an incompatible schema to the quarantine, rebuilt as FtM."""
        rows = []
        for entity_id, schema, other in refused:
            staged = self.con.execute(
                "SELECT line, prop, coalesce(original_value, value) FROM _staging "
                "WHERE entity_id = ? AND schema = ? ORDER BY line, prop",
                [entity_id, schema],
            ).fetchall()
            by_line: dict[int, dict[str, list[str]]] = {}
            for line, prop, value in staged:
                props = by_line.setdefault(line, {})
                if prop != BASE_PROP:
                    props.setdefault(prop, []).append(value)
            for line, props in by_line.items():
                raw = orjson.dumps({"id": entity_id, "schema": schema, "properties": props})
                reason = (
                    f"entity id {entity_id!r} is a {other} elsewhere in dataset "
                    f"{self.defaults.dataset!r}; {schema} cannot be merged with it"
                )
                rows.append(QuarantineRow(self.load.path, line, reason, raw.decode()))
            self.con.execute(
                "DELETE FROM _staging WHERE entity_id = ? AND schema = ?", [entity_id, schema]
            )
        self.add_quarantine(rows)

    def add_transactions(self, path: Path) -> tuple[int, list[QuarantineRow]]:
        loaded, rejects = insert_transactions(self.con, path, self.defaults)
        self.add_quarantine(rejects)
        return loaded.rows, rejects

    def commit(self) -> LoadInfo:
        d = self.defaults
        con = self.con
        self._reconcile_schemata()
        entities = scalar(con, "SELECT count(DISTINCT entity_id) FROM _staging")
        # Known statements: seen again now; the latest load's sharing terms apply.
        seen = scalar(
            con,
            "WITH s AS (SELECT id, any_value(schema) AS schema FROM _staging GROUP BY id) "
            "SELECT count(*) FROM statements t JOIN s ON t.id = s.id",
        )
        con.execute(
            "UPDATE statements AS t SET last_seen = ?, schema = s.schema, marking = ?, "
            "handling = ?, source_grade = ?, retention_until = ? "
            "FROM (SELECT id, any_value(schema) AS schema FROM _staging GROUP BY id) AS s "
            "WHERE t.id = s.id",
            [d.seen_at, d.marking, d.handling, d.source_grade, d.retention_until],
        )
        before = scalar(con, "SELECT count(*) FROM statements")
        con.execute(
            "INSERT INTO statements SELECT s.id, s.entity_id, ?, s.schema, s.prop, s.prop_type, "
            "s.value, s.original_value, NULL, FALSE, ?, ?, ?, ?, ?, ?, ?, ?, ? "
            "FROM (SELECT DISTINCT ON (id) * FROM _staging) AS s "
            "WHERE NOT EXISTS (SELECT 1 FROM statements t WHERE t.id = s.id)",
            [
                d.dataset,
                d.org,
                d.origin,
                d.seen_at,
                d.seen_at,
                d.marking,
                d.handling,
                d.source_grade,
                d.retention_until,
                d.load_id,
            ],
        )
        new = scalar(con, "SELECT count(*) FROM statements") - before
        info = LoadInfo(
            load_id=self.load.load_id,
            dataset=self.load.dataset,
            org=self.load.org,
            path=self.load.path,
            sha256=self.load.sha256,
            format=self.load.format,
            started_at=self.load.started_at,
            finished_at=utc_now(),
            entities=entities,
            statements_new=new,
            statements_seen=seen,
            quarantined=self.quarantined,
        )
        con.execute(
            "INSERT INTO loads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                info.load_id,
                info.dataset,
                info.org,
                info.path,
                info.sha256,
                info.format,
                info.started_at,
                info.finished_at,
                info.entities,
                info.statements_new,
                info.statements_seen,
                info.quarantined,
            ],
        )
        con.execute("DROP TABLE _staging")
        con.execute("COMMIT")
        self._open = False
        return info

    def rollback(self) -> None:
        if self._open:
            self.con.execute("ROLLBACK")
            self._open = False


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> int:
    row = con.execute(sql, params or []).fetchone()
    return int(row[0]) if row and row[0] is not None else 0
