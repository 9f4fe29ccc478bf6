"""Shared CLI plumbing: the workspace option, opening the store, turning errors into messages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import click
from rich.console import Console

from silobreak.ingest.readers import InputError
from silobreak.store import Store, StoreError, open_store

console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


@dataclass
class CliContext:
    """What every command gets: the workspace folder."""

    workspace: Path

    @contextmanager
    def store(self, read_only: bool = False) -> Iterator[Store]:
        """Open the workspace store; user-fixable problems become a clean error and exit 1."""
        try:
            store = open_store(self.workspace, read_only=read_only)
        except StoreError as exc:
            raise click.ClickException(str(exc)) from exc
        try:
            yield store
        except (StoreError, InputError) as exc:
            raise click.ClickException(str(exc)) from exc
        finally:
            store.close()


pass_ctx = click.make_pass_decorator(CliContext)
