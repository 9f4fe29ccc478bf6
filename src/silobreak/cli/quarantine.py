"""``silobreak quarantine``: rows that could not be loaded, with file, line and reason."""

from __future__ import annotations

import click
from rich.table import Table

from silobreak.cli.context import CliContext, console, pass_ctx


@click.group("quarantine")
def quarantine_group() -> None:
    """Rows refused at ingest (kept whole, so that nothing is lost)."""


@quarantine_group.command("list")
@click.option("--dataset", default=None, help="Only this dataset.")
@click.option("--limit", type=int, default=100, show_default=True)
@click.option("--raw", is_flag=True, help="Also show the raw row.")
@pass_ctx
def quarantine_list(ctx: CliContext, dataset: str | None, limit: int, raw: bool) -> None:
    """List quarantined rows, oldest first."""
    with ctx.store(read_only=True) as store:
        rows = store.list_quarantine(ctx.viewer, dataset=dataset, limit=limit)
    table = Table("dataset", "file", "line", "reason", *(["raw"] if raw else []))
    for row in rows:
        table.add_row(
            row.dataset, row.file, str(row.line), row.reason, *([row.raw[:200]] if raw else [])
        )
    console.print(table)
    console.print(f"{len(rows)} quarantined rows shown")
