"""Stores: one interface, an embedded DuckDB backend (default) and later PostgreSQL."""

from __future__ import annotations

import os
from pathlib import Path

from silobreak.store.base import DatasetStats, LoadSession, Store, StoreError

DEFAULT_WORKSPACE = "silobreak-workspace"


def workspace_path(value: str | os.PathLike[str] | None = None) -> Path:
    """The workspace folder: the argument, else ``$SILOBREAK_WORKSPACE``, else the default."""
    if value is not None:
        return Path(value)
    return Path(os.environ.get("SILOBREAK_WORKSPACE", DEFAULT_WORKSPACE))


def open_store(workspace: Path, read_only: bool = False) -> Store:
    """Open (creating and migrating when writable) the workspace's store."""
    from silobreak.store.duckdb_store import DuckDBStore

    return DuckDBStore(workspace, read_only=read_only)


__all__ = [
    "DatasetStats",
    "LoadSession",
    "Store",
    "StoreError",
    "open_store",
    "workspace_path",
]
