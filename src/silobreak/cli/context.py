"""Shared CLI plumbing: the workspace option, opening the store, turning errors into messages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import click
from rich.console import Console

from silobreak.ingest.readers import InputError
from silobreak.policy.viewer import SYSTEM, Viewer
from silobreak.store import Store, StoreError, open_store


def _console(stderr: bool = False) -> Console:
    """Rich output; when piped, wide enough that tables are not folded into 80 columns."""
    probe = Console(stderr=stderr)
    width = None if probe.is_terminal else 200
    return Console(stderr=stderr, highlight=False, soft_wrap=True, width=width)


console = _console()
err_console = _console(stderr=True)


@dataclass
class CliContext:
    """What every command gets: the workspace folder and who is reading."""

    workspace: Path
    viewer: Viewer = SYSTEM

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
