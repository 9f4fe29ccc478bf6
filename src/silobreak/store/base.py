"""The one Store interface every backend implements (DuckDB now, PostgreSQL later).

Every read takes a :class:`~silobreak.policy.Viewer`; backends build their SQL with the
predicates from :mod:`silobreak.policy.rules`, so policy lives in one place.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import pyarrow as pa

from silobreak.model.records import (
    Dataset,
    EntityRecord,
    LoadInfo,
    Org,
    QuarantineRow,
    StatementDefaults,
)
from silobreak.policy.viewer import Viewer


class StoreError(Exception):
    """A problem the user can fix (unknown org, dataset owned by someone else, locked store)."""


@dataclass(frozen=True)
class DatasetStats:
    """What one viewer can see of one dataset."""

    dataset: str
    org: str
    domains: tuple[str, ...]
    marking: str
    handling: str
    entities: int
    statements: int
    quarantined: int
    deduplicated: bool = False


@dataclass(frozen=True)
class Judgement:
    """A person's decision that two records are the same entity, different, or unsure."""

    left: str
    right: str
    judgement: str  # "same" | "different" | "unsure"
    user: str
    created_at: datetime | None = None


@dataclass(frozen=True)
class ResolveRun:
    """What one resolution run did, with its estimated model (JSON)."""

    run_id: str
    started_at: datetime
    finished_at: datetime
    engine: str
    records: int
    candidate_pairs: int
    merged_records: int
    clusters: int
    model: str


class LoadSession(ABC):
    """One atomic load: statements and quarantine rows become visible together at commit."""

    @abstractmethod
    def add_entities(self, records: list[EntityRecord]) -> None:
        """Stage a batch of validated entities."""

    @abstractmethod
    def add_quarantine(self, rows: list[QuarantineRow]) -> None:
        """Stage rows that failed validation, with their reason."""

    @abstractmethod
    def add_transactions(self, path: Path) -> tuple[int, list[QuarantineRow]]:
        """Stage the transaction file ``path`` (canonical CSV): its rows replace those with
        the same ids in the dataset; returns (rows loaded, rows set aside)."""

    @abstractmethod
    def commit(self) -> LoadInfo:
        """Merge staged statements (new ones inserted, known ones' ``last_seen`` moved)."""

    @abstractmethod
    def rollback(self) -> None:
        """Discard everything staged; the store is as it was before the load."""

    def __enter__(self) -> LoadSession:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is not None:
            self.rollback()


@dataclass(frozen=True)
class AnalysisRun:
    """One ``silobreak analyze`` run for one view (an organization, or '' for the system)."""

    run_id: str
    view: str
    started_at: datetime
    finished_at: datetime
    nodes: int
    edges: int
    convergent: int
    networks: int
    signature: str  # what the inputs were: unchanged inputs, unchanged results


class Store(ABC):
    """Statements, organizations, datasets, loads and quarantine of one workspace."""

    backend: str

    # -- organizations and datasets (the directory of members is not secret) --
    @abstractmethod
    def add_org(self, org: Org) -> Org: ...

    @abstractmethod
    def get_org(self, name: str) -> Org | None: ...

    @abstractmethod
    def list_orgs(self) -> list[Org]: ...

    @abstractmethod
    def save_dataset(self, dataset: Dataset) -> Dataset:
        """Create the dataset, or widen its domains; its owner never changes."""

    @abstractmethod
    def get_dataset(self, name: str) -> Dataset | None: ...

    @abstractmethod
    def list_datasets(self) -> list[Dataset]: ...

    # -- writes --
    @abstractmethod
    def begin_load(
        self, load: LoadInfo, defaults: StatementDefaults, dataset: Dataset
    ) -> LoadSession:
        """Start an atomic load of one file into ``dataset`` (saved in the same transaction);
        ``defaults`` stamps provenance and sharing terms on its statements."""

    # -- reads, always through policy --
    @abstractmethod
    def read_statements(
        self,
        viewer: Viewer,
        dataset: str | None = None,
        order_by_entity: bool = False,
        batch_size: int = 100_000,
    ) -> pa.RecordBatchReader:
        """Statements the viewer may see, streamed as Arrow batches (``STATEMENT_COLUMNS``)."""

    @abstractmethod
    def count_statements(self, viewer: Viewer, dataset: str | None = None) -> int: ...

    @abstractmethod
    def dataset_stats(self, viewer: Viewer) -> list[DatasetStats]: ...

    @abstractmethod
    def schema_stats(self, viewer: Viewer) -> list[tuple[str, int, int]]:
        """``(schema, entities, statements)`` the viewer may see, most entities first."""

    @abstractmethod
    def list_quarantine(
        self, viewer: Viewer, dataset: str | None = None, limit: int | None = None
    ) -> list[QuarantineRow]: ...

    @abstractmethod
    def list_loads(self, viewer: Viewer, dataset: str | None = None) -> list[LoadInfo]: ...

    # -- resolution --
    @abstractmethod
    def save_resolution(
        self, assignments: pa.Table, run: ResolveRun, fingerprints: pa.Table, pairs: pa.Table
    ) -> None:
        """Replace the resolver: ``assignments`` (dataset, entity_id, canonical_id, score,
        evidence) for resolved records; every other entity becomes its own singleton. Also
        keep the state the next incremental run starts from: each record's ``fingerprints``
        (record_key, fingerprint) and the compared ``pairs`` (left_key, right_key, levels,
        evidence, conflict, probability)."""

    @abstractmethod
    def resolve_state(self) -> tuple[pa.Table, pa.Table]:
        """The fingerprints and compared pairs saved by the last run (empty tables if none)."""

    @abstractmethod
    def resolve_details(self, keys: list[str]) -> tuple[dict[str, str], list[dict[str, Any]]]:
        """For these record keys, the last run's fingerprints (record key -> fingerprint)
        and every compared pair with a record among them. Not filtered by policy: the
        caller (``why.py``) shows them only to a reader who sees all the records hold."""

    @abstractmethod
    def read_resolver(self, viewer: Viewer) -> pa.RecordBatchReader:
        """(dataset, entity_id, canonical_id, score, evidence) for entities the viewer may see."""

    @abstractmethod
    def read_resolver_rows(
        self,
        viewer: Viewer,
        entity_ids: list[str] | None = None,
        canonical_id: str | None = None,
    ) -> list[dict[str, Any]]:
        """Resolver rows (as dicts) of visible entities with these ids or this canonical id."""

    @abstractmethod
    def read_entity_statements(
        self, viewer: Viewer, keys: list[tuple[str, str]]
    ) -> list[dict[str, Any]]:
        """All visible statements of the given (dataset, entity_id) records."""

    @abstractmethod
    def save_analysis(self, run: AnalysisRun, convergence: pa.Table, networks: pa.Table) -> None:
        """Replace the convergence results of ``run.view`` in one transaction."""

    @abstractmethod
    def read_analysis(self, viewer: Viewer) -> tuple[AnalysisRun | None, pa.Table, pa.Table]:
        """The latest analysis computed for this viewer's view: run, convergence, networks."""

    @abstractmethod
    def graph_inputs(self, viewer: Viewer) -> dict[str, pa.Table]:
        """The viewer's resolved graph: ``nodes``, ``edges`` and ``topics`` tables (see
        ``duckdb_graph.py`` for their columns)."""

    @abstractmethod
    def read_transactions(self, viewer: Viewer, dataset: str | None = None) -> pa.Table:
        """Transactions the viewer may see: loaded files and FtM Payment statements."""

    @abstractmethod
    def add_judgement(self, judgement: Judgement) -> None: ...

    @abstractmethod
    def list_judgements(self) -> list[Judgement]: ...

    @abstractmethod
    def list_resolve_runs(self) -> list[ResolveRun]: ...

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
