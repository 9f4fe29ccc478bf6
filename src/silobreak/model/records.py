"""The records silobreak stores: organizations, datasets, statements, loads, quarantine.

Statements follow the column names of FollowTheMoney's own statement format (nomenklatura) and
add the provenance and sharing columns a multi-organization hub needs: ``org``, ``marking``,
``handling``, ``source_grade`` and ``retention_until``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

# Column order of the statement table and of every statement export.
STATEMENT_COLUMNS: tuple[str, ...] = (
    "id",
    "entity_id",
    "dataset",
    "schema",
    "prop",
    "prop_type",
    "value",
    "original_value",
    "lang",
    "external",
    "org",
    "origin",
    "first_seen",
    "last_seen",
    "marking",
    "handling",
    "source_grade",
    "retention_until",
    "load_id",
)

# The property FtM uses for the statement that records that an entity exists at all.
BASE_PROP = "id"


@dataclass(frozen=True)
class Org:
    """A member organization of the hub."""

    name: str
    sector: str
    country: str | None = None
    created_at: datetime | None = None


@dataclass(frozen=True)
class Dataset:
    """A named collection of statements owned by one organization."""

    name: str
    org: str
    domains: tuple[str, ...] = ()
    marking: str = "TLP:AMBER"
    handling: str = "H1"
    source_grade: str | None = None
    created_at: datetime | None = None
    # One record per entity (a registry, a customer file): see resolve/cluster.py.
    deduplicated: bool = False


@dataclass(frozen=True)
class LoadInfo:
    """Provenance of one ingest run: who loaded which file into which dataset, and the result."""

    load_id: str
    dataset: str
    org: str
    path: str
    sha256: str
    format: str
    started_at: datetime
    finished_at: datetime | None = None
    entities: int = 0
    statements_new: int = 0
    statements_seen: int = 0
    quarantined: int = 0


@dataclass(frozen=True)
class QuarantineRow:
    """A row of input that could not be loaded, kept with the reason so that nothing is lost."""

    file: str
    line: int
    reason: str
    raw: str
    dataset: str = ""
    org: str = ""
    load_id: str = ""
    created_at: datetime | None = None


@dataclass
class EntityRecord:
    """One validated FtM entity ready to become statements (values already cleaned)."""

    entity_id: str
    schema: str
    values: list[tuple[str, str, str, str | None]] = field(default_factory=list)
    """``(prop, prop_type, value, original_value)``; the original only when cleaning changed it."""
    line: int = 0
    """The input line (or spreadsheet row) the entity came from."""


@dataclass(frozen=True)
class StatementDefaults:
    """The provenance and sharing values stamped on every statement of one load."""

    dataset: str
    org: str
    origin: str
    marking: str
    handling: str
    source_grade: str | None
    retention_until: date | None
    load_id: str
    seen_at: datetime
