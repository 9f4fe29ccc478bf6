"""Versioned schema migrations: numbered SQL files applied once each, in order.

Each backend has its own folder under ``migrations/`` (``0001_init.sql``, ``0002_...``); the
version applied is recorded in ``schema_migrations`` so that opening an older workspace brings
it up to date and opening a newer one is refused rather than misread.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def available(backend: str) -> list[Migration]:
    """All migrations shipped for ``backend``, in version order."""
    folder = resources.files("silobreak.store").joinpath("migrations", backend)
    found = []
    for item in folder.iterdir():
        match = _NAME.match(item.name)
        if match:
            found.append(Migration(int(match.group(1)), match.group(2), item.read_text("utf-8")))
    return sorted(found, key=lambda m: m.version)


def pending(applied: Sequence[int], backend: str) -> list[Migration]:
    """Migrations not yet applied; raises if the workspace is newer than this code."""
    shipped = available(backend)
    latest = shipped[-1].version if shipped else 0
    if applied and max(applied) > latest:
        raise RuntimeError(
            f"workspace schema version {max(applied)} is newer than this silobreak "
            f"(knows up to {latest}); upgrade silobreak"
        )
    done = set(applied)
    return [m for m in shipped if m.version not in done]


def split_statements(sql: str) -> list[str]:
    """Split a migration into statements (no semicolons inside literals in our files)."""
    lines = [ln for ln in sql.splitlines() if not ln.strip().startswith("--")]
    return [part.strip() for part in "\n".join(lines).split(";") if part.strip()]


def apply_all(execute: Callable[[str], None], migrations: list[Migration]) -> None:
    """Run each migration's statements through ``execute`` (inside the caller's transaction)."""
    for migration in migrations:
        for statement in split_statements(migration.sql):
            execute(statement)
