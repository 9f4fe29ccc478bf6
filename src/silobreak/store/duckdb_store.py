"""The embedded default store: one DuckDB file per workspace, no server to run.

Loads run in ``duckdb_load.py``; this module opens the workspace, migrates it, and answers
every read through the policy predicate.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from silobreak.model.records import (
    STATEMENT_COLUMNS,
    Dataset,
    LoadInfo,
    Org,
    QuarantineRow,
    StatementDefaults,
)
from silobreak.policy.rules import owner_predicate, statement_predicate
from silobreak.policy.viewer import Viewer, view_of
from silobreak.store import migrate
from silobreak.store.base import (
    AnalysisRun,
    DatasetStats,
    Judgement,
    LoadSession,
    ResolveRun,
    Store,
    StoreError,
)
from silobreak.store.duckdb_finance import read_transactions
from silobreak.store.duckdb_graph import graph_inputs
from silobreak.store.duckdb_load import DuckDBLoadSession, scalar, utc_now

DB_FILE = "silobreak.duckdb"
BACKEND = "duckdb"


class DuckDBStore(Store):
    """A workspace folder with one DuckDB file."""

    backend = BACKEND

    def __init__(self, workspace: Path, read_only: bool = False, memory_limit: str | None = None):
        self.workspace = workspace
        path = workspace / DB_FILE
        if read_only and not path.exists():
            raise StoreError(
                f"no silobreak workspace at {workspace} (expected {path}); create one with "
                "`silobreak org add` and `silobreak ingest`, or run `silobreak demo`"
            )
        workspace.mkdir(parents=True, exist_ok=True)
        config: dict[str, str | bool | int | float | list[str]] = {
            "memory_limit": memory_limit or os.environ.get("SILOBREAK_DUCKDB_MEMORY", "512MB")
        }
        self.con = self._connect(path, read_only, config)
        if read_only and self._pending_readable():
            # A workspace written by an older silobreak: bring it up to date first, or a
            # read would meet tables and columns it does not have yet.
            self.con.close()
            self.con = self._connect(path, False, config)
            self._migrate()
            self.con.close()
            self.con = self._connect(path, True, config)
        self.con.execute("SET preserve_insertion_order = false")
        if not read_only:
            self._migrate()

    def _connect(
        self, path: Path, read_only: bool, config: dict[str, str | bool | int | float | list[str]]
    ) -> duckdb.DuckDBPyConnection:
        try:
            return duckdb.connect(str(path), read_only=read_only, config=config)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise StoreError(
                    f"workspace {self.workspace} is in use by another silobreak process; "
                    "wait for it to finish"
                ) from exc
            raise

    def _pending(self) -> list[migrate.Migration]:
        """Migrations this code knows and the workspace has not had (raises RuntimeError if
        the workspace is newer than this code)."""
        applied = [
            r[0] for r in self.con.execute("SELECT version FROM schema_migrations").fetchall()
        ]
        return migrate.pending(applied, BACKEND)

    def _pending_readable(self) -> bool:
        """``_pending`` for a read-only open, whose errors are the user's to read."""
        try:
            return bool(self._pending())
        except RuntimeError as exc:  # the workspace is newer than this code
            raise StoreError(str(exc)) from exc

    def _migrate(self) -> None:
        con = self.con
        con.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
            "name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
        )
        todo = self._pending()
        if not todo:
            return
        con.execute("BEGIN TRANSACTION")
        try:
            migrate.apply_all(self._execute, todo)
            for m in todo:
                con.execute(
                    "INSERT INTO schema_migrations VALUES (?, ?, ?)", [m.version, m.name, utc_now()]
                )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise

    def _execute(self, sql: str) -> None:
        self.con.execute(sql)

    def schema_version(self) -> int:
        return scalar(self.con, "SELECT max(version) FROM schema_migrations")

    # -- organizations and datasets --
    def add_org(self, org: Org) -> Org:
        existing = self.get_org(org.name)
        if existing is not None:
            if (existing.sector, existing.country) != (org.sector, org.country):
                raise StoreError(
                    f"organization {org.name!r} already exists as {existing.sector}"
                    f"{' (' + existing.country + ')' if existing.country else ''}"
                )
            return existing
        created = Org(org.name, org.sector, org.country, utc_now())
        self.con.execute(
            "INSERT INTO orgs VALUES (?, ?, ?, ?)",
            [created.name, created.sector, created.country, created.created_at],
        )
        return created

    def get_org(self, name: str) -> Org | None:
        row = self.con.execute("SELECT * FROM orgs WHERE name = ?", [name]).fetchone()
        return Org(*row) if row else None

    def list_orgs(self) -> list[Org]:
        return [Org(*r) for r in self.con.execute("SELECT * FROM orgs ORDER BY name").fetchall()]

    def save_dataset(self, dataset: Dataset) -> Dataset:
        existing = self.get_dataset(dataset.name)
        if existing is None:
            created = Dataset(
                dataset.name,
                dataset.org,
                tuple(sorted(set(dataset.domains))),
                dataset.marking,
                dataset.handling,
                dataset.source_grade,
                utc_now(),
                dataset.deduplicated,
            )
            self.con.execute(
                "INSERT INTO datasets VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    created.name,
                    created.org,
                    list(created.domains),
                    created.marking,
                    created.handling,
                    created.source_grade,
                    created.created_at,
                    created.deduplicated,
                ],
            )
            return created
        if existing.org != dataset.org:
            raise StoreError(
                f"dataset {dataset.name!r} belongs to organization {existing.org!r}, "
                f"not {dataset.org!r}; choose another dataset name"
            )
        domains = tuple(sorted(set(existing.domains) | set(dataset.domains)))
        self.con.execute(
            "UPDATE datasets SET domains = ?, marking = ?, handling = ?, source_grade = ?, "
            "deduplicated = ? WHERE name = ?",
            [
                list(domains),
                dataset.marking,
                dataset.handling,
                dataset.source_grade,
                dataset.deduplicated,
                dataset.name,
            ],
        )
        return Dataset(
            dataset.name,
            dataset.org,
            domains,
            dataset.marking,
            dataset.handling,
            dataset.source_grade,
            existing.created_at,
            dataset.deduplicated,
        )

    def get_dataset(self, name: str) -> Dataset | None:
        row = self.con.execute("SELECT * FROM datasets WHERE name = ?", [name]).fetchone()
        return _dataset(row) if row else None

    def list_datasets(self) -> list[Dataset]:
        rows = self.con.execute("SELECT * FROM datasets ORDER BY name").fetchall()
        return [_dataset(r) for r in rows]

    # -- writes --
    def begin_load(
        self, load: LoadInfo, defaults: StatementDefaults, dataset: Dataset
    ) -> LoadSession:
        session = DuckDBLoadSession(self.con, load, defaults)
        try:
            self.save_dataset(dataset)
        except Exception:
            session.rollback()
            raise
        return session

    # -- reads --
    def read_statements(
        self,
        viewer: Viewer,
        dataset: str | None = None,
        order_by_entity: bool = False,
        batch_size: int = 100_000,
    ) -> pa.RecordBatchReader:
        where, params = statement_predicate(viewer)
        if dataset is not None:
            where += " AND dataset = ?"
            params.append(dataset)
        order = " ORDER BY dataset, entity_id, prop, value" if order_by_entity else ""
        cols = ", ".join(STATEMENT_COLUMNS)
        query = f"SELECT {cols} FROM statements WHERE {where}{order}"
        # A cursor of its own, so that streaming does not hold the main connection.
        return self.con.cursor().sql(query, params=params).to_arrow_reader(batch_size=batch_size)

    def count_statements(self, viewer: Viewer, dataset: str | None = None) -> int:
        where, params = statement_predicate(viewer)
        if dataset is not None:
            where += " AND dataset = ?"
            params.append(dataset)
        return scalar(self.con, f"SELECT count(*) FROM statements WHERE {where}", params)

    def dataset_stats(self, viewer: Viewer) -> list[DatasetStats]:
        where, params = statement_predicate(viewer, "s.")
        qwhere, qparams = owner_predicate(viewer, "q.")
        rows = self.con.execute(
            "SELECT d.name, d.org, d.domains, d.marking, d.handling, "
            "coalesce(st.entities, 0), coalesce(st.statements, 0), coalesce(qu.n, 0), "
            "coalesce(d.deduplicated, false) "
            "FROM datasets d "
            "LEFT JOIN (SELECT dataset, count(DISTINCT entity_id) AS entities, "
            f"count(*) AS statements FROM statements s WHERE {where} GROUP BY dataset) st "
            "ON st.dataset = d.name "
            f"LEFT JOIN (SELECT dataset, count(*) AS n FROM quarantine q WHERE {qwhere} "
            "GROUP BY dataset) qu ON qu.dataset = d.name ORDER BY d.name",
            [*params, *qparams],
        ).fetchall()
        return [
            DatasetStats(
                r[0], r[1], tuple(r[2]), r[3], r[4], int(r[5]), int(r[6]), int(r[7]), bool(r[8])
            )
            for r in rows
        ]

    def schema_stats(self, viewer: Viewer) -> list[tuple[str, int, int]]:
        where, params = statement_predicate(viewer)
        rows = self.con.execute(
            "SELECT schema, count(DISTINCT (dataset, entity_id)), count(*) FROM statements "
            f"WHERE {where} GROUP BY schema ORDER BY 2 DESC, 1",
            params,
        ).fetchall()
        return [(r[0], int(r[1]), int(r[2])) for r in rows]

    def list_quarantine(
        self, viewer: Viewer, dataset: str | None = None, limit: int | None = None
    ) -> list[QuarantineRow]:
        where, params = owner_predicate(viewer)
        if dataset is not None:
            where += " AND dataset = ?"
            params.append(dataset)
        sql = (
            "SELECT file, line, reason, raw, dataset, org, load_id, created_at FROM quarantine "
            f"WHERE {where} ORDER BY created_at, file, line"
        )
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [QuarantineRow(*r) for r in self.con.execute(sql, params).fetchall()]

    def list_loads(self, viewer: Viewer, dataset: str | None = None) -> list[LoadInfo]:
        where, params = owner_predicate(viewer)
        if dataset is not None:
            where += " AND dataset = ?"
            params.append(dataset)
        rows = self.con.execute(
            f"SELECT * FROM loads WHERE {where} ORDER BY started_at", params
        ).fetchall()
        return [LoadInfo(*r) for r in rows]

    # -- resolution --
    def save_resolution(
        self, assignments: pa.Table, run: ResolveRun, fingerprints: pa.Table, pairs: pa.Table
    ) -> None:
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute("DELETE FROM resolve_fingerprints")
            con.execute("DELETE FROM resolve_pairs")
            con.from_arrow(fingerprints).insert_into("resolve_fingerprints")
            con.from_arrow(pairs).insert_into("resolve_pairs")
            con.execute("DELETE FROM resolver")
            con.register("_assign", assignments)
            con.execute(
                "INSERT INTO resolver SELECT e.dataset, e.entity_id, "
                "coalesce(a.canonical_id, 'sb-' || substr(sha1(e.dataset || '/' || "
                "e.entity_id), 1, 16)), a.score, a.evidence, ? "
                "FROM (SELECT DISTINCT dataset, entity_id FROM statements) e "
                "LEFT JOIN _assign a ON a.dataset = e.dataset AND a.entity_id = e.entity_id",
                [run.finished_at],
            )
            con.unregister("_assign")
            con.execute(
                "INSERT INTO resolve_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    run.run_id,
                    run.started_at,
                    run.finished_at,
                    run.engine,
                    run.records,
                    run.candidate_pairs,
                    run.merged_records,
                    run.clusters,
                    run.model,
                ],
            )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise

    def resolve_state(self) -> tuple[pa.Table, pa.Table]:
        fingerprints = self.con.sql("SELECT * FROM resolve_fingerprints").to_arrow_table()
        pairs = self.con.sql("SELECT * FROM resolve_pairs").to_arrow_table()
        return fingerprints, pairs

    def resolve_details(self, keys: list[str]) -> tuple[dict[str, str], list[dict[str, Any]]]:
        con = self.con.cursor()
        prints = con.execute(
            "SELECT record_key, fingerprint FROM resolve_fingerprints "
            "WHERE list_contains(?, record_key)",
            [keys],
        ).fetchall()
        cursor = con.execute(
            "SELECT * FROM resolve_pairs WHERE list_contains(?, left_key) "
            "OR list_contains(?, right_key) ORDER BY left_key, right_key",
            [keys, keys],
        )
        columns = [d[0] for d in cursor.description]
        pairs = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        return dict(prints), pairs

    def read_resolver(self, viewer: Viewer) -> pa.RecordBatchReader:
        where, params = statement_predicate(viewer, "s.")
        query = (
            "SELECT r.dataset, r.entity_id, r.canonical_id, r.score, r.evidence FROM resolver r "
            "WHERE EXISTS (SELECT 1 FROM statements s WHERE s.dataset = r.dataset AND "
            f"s.entity_id = r.entity_id AND {where}) ORDER BY r.canonical_id, r.dataset, "
            "r.entity_id"
        )
        return self.con.cursor().sql(query, params=params).to_arrow_reader(batch_size=100_000)

    def read_resolver_rows(
        self,
        viewer: Viewer,
        entity_ids: list[str] | None = None,
        canonical_id: str | None = None,
    ) -> list[dict[str, Any]]:
        where, params = statement_predicate(viewer, "s.")
        conditions: list[str] = []
        args: list[Any] = []
        if entity_ids is not None:
            conditions.append("list_contains(?, r.entity_id)")
            args.append(entity_ids)
        if canonical_id is not None:
            conditions.append("r.canonical_id = ?")
            args.append(canonical_id)
        filters = " AND ".join(conditions) or "TRUE"
        cursor = self.con.execute(
            "SELECT r.* FROM resolver r WHERE " + filters + " AND EXISTS (SELECT 1 FROM "
            "statements s WHERE s.dataset = r.dataset AND s.entity_id = r.entity_id AND "
            f"{where}) ORDER BY r.dataset, r.entity_id",
            [*args, *params],
        )
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def read_entity_statements(
        self, viewer: Viewer, keys: list[tuple[str, str]]
    ) -> list[dict[str, Any]]:
        if not keys:
            return []
        where, params = statement_predicate(viewer)
        cols = ", ".join(STATEMENT_COLUMNS)
        cursor = self.con.execute(
            f"SELECT {cols} FROM statements WHERE list_contains(?, dataset || '/' || "
            f"entity_id) AND {where} ORDER BY dataset, entity_id, prop, value",
            [[f"{d}/{e}" for d, e in keys], *params],
        )
        return [dict(zip(STATEMENT_COLUMNS, row, strict=True)) for row in cursor.fetchall()]

    def graph_inputs(self, viewer: Viewer) -> dict[str, pa.Table]:
        return graph_inputs(self.con, viewer)

    def save_analysis(self, run: AnalysisRun, convergence: pa.Table, networks: pa.Table) -> None:
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            for table in ("convergence", "networks", "analysis_runs"):
                con.execute(f"DELETE FROM {table} WHERE view = ?", [run.view])
            con.from_arrow(convergence).insert_into("convergence")
            con.from_arrow(networks).insert_into("networks")
            con.execute(
                "INSERT INTO analysis_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    run.run_id,
                    run.view,
                    run.started_at,
                    run.finished_at,
                    run.nodes,
                    run.edges,
                    run.convergent,
                    run.networks,
                    run.signature,
                ],
            )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise

    def read_analysis(self, viewer: Viewer) -> tuple[AnalysisRun | None, pa.Table, pa.Table]:
        view = view_of(viewer)
        rows = self.con.execute(
            "SELECT * FROM analysis_runs WHERE view = ? ORDER BY finished_at DESC LIMIT 1", [view]
        ).fetchall()
        run = AnalysisRun(*rows[0]) if rows else None
        convergence = self.con.sql(
            "SELECT * FROM convergence WHERE view = ? ORDER BY score DESC, canonical_id",
            params=[view],
        ).to_arrow_table()
        networks = self.con.sql(
            "SELECT * FROM networks WHERE view = ? ORDER BY score DESC, network_id",
            params=[view],
        ).to_arrow_table()
        return run, convergence, networks

    def read_transactions(self, viewer: Viewer, dataset: str | None = None) -> pa.Table:
        return read_transactions(self.con, viewer, dataset)

    def add_judgement(self, judgement: Judgement) -> None:
        self.con.execute(
            "INSERT INTO judgements VALUES (?, ?, ?, ?, ?)",
            [
                judgement.left,
                judgement.right,
                judgement.judgement,
                judgement.user,
                judgement.created_at or utc_now(),
            ],
        )

    def list_judgements(self) -> list[Judgement]:
        rows = self.con.execute("SELECT * FROM judgements ORDER BY created_at").fetchall()
        return [Judgement(*r) for r in rows]

    def list_resolve_runs(self) -> list[ResolveRun]:
        rows = self.con.execute("SELECT * FROM resolve_runs ORDER BY started_at").fetchall()
        return [ResolveRun(*r) for r in rows]

    def close(self) -> None:
        self.con.close()


def _dataset(row: tuple[Any, ...]) -> Dataset:
    return Dataset(row[0], row[1], tuple(row[2]), row[3], row[4], row[5], row[6], bool(row[7]))
