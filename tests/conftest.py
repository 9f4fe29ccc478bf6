"""Fixtures for every test: a fresh workspace per test, small files written by the tests themselves,
and one small generated scenario per session. No test reads the benchmark data folder."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from silobreak.model.records import Org
from silobreak.scenario import generate
from silobreak.store import Store, open_store


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return tmp_path / "ws"


@pytest.fixture
def store(workspace: Path) -> Iterator[Store]:
    with open_store(workspace) as opened:
        opened.add_org(Org("police", "law_enforcement", "ke"))
        opened.add_org(Org("bank", "financial_institution", "ae"))
        yield opened


def write_jsonl(path: Path, rows: list[Any]) -> Path:
    """Write entities (dicts) or raw strings, one per line."""
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(row if isinstance(row, str) else json.dumps(row, ensure_ascii=False))
            fh.write("\n")
    return path


def entity(eid: str, schema: str, **props: Any) -> dict[str, Any]:
    return {
        "id": eid,
        "schema": schema,
        "properties": {k: v if isinstance(v, list) else [v] for k, v in props.items()},
    }


@pytest.fixture(scope="session")
def scenario_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("scenario")
    generate(11, out, "small")
    return out
