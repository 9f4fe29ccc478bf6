"""``silobreak report``: the workspace report as one HTML file, for the reading viewer."""

from __future__ import annotations

from pathlib import Path

import click

from silobreak.cli.context import CliContext, console, pass_ctx
from silobreak.report.html import write_report


@click.command("report")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("silobreak-report.html"),
    show_default=True,
)
@click.option("--title", default="silobreak workspace", show_default=True)
@pass_ctx
def report_command(ctx: CliContext, out: Path, title: str) -> None:
    """Write the HTML report (organizations, datasets, domains, counts, merged entities,
    convergences, financial findings and a traced flow, quarantine, loads) as the reading
    viewer may see it (see --as-org)."""
    with ctx.store(read_only=True) as store:
        path = write_report(store, ctx.viewer, out, title=title)
    console.print(f"report: {path.resolve()}")
