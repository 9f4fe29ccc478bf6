"""``silobreak ingest``: load a file into a dataset, quarantining what cannot be loaded."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from silobreak.cli.context import CliContext, console, err_console, pass_ctx
from silobreak.ingest import IngestOptions, IngestRefused, ingest_file
from silobreak.ingest.readers import FORMATS
from silobreak.model.taxonomy import taxonomy


@click.command("ingest")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--org", required=True, help="The organization that owns the data.")
@click.option("--dataset", required=True, help="Dataset name (created on first ingest).")
@click.option(
    "--domain",
    "domains",
    multiple=True,
    type=click.Choice(list(taxonomy().domains)),
    help="Crime domain the dataset covers (repeatable).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="Input format (default: from the file name).",
)
@click.option(
    "--mapping",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="FtM mapping file (YAML, as `ftm map` reads) for csv/xlsx.",
)
@click.option(
    "--marking",
    default=None,
    help="TLP 2.0 marking: CLEAR, GREEN, AMBER, AMBER+STRICT, RED (default AMBER).",
)
@click.option("--handling", default=None, help="Handling code H0-H3 (default H1).")
@click.option("--source-grade", default=None, help="Source reliability A-F (Admiralty scale).")
@click.option(
    "--retain-until",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Date after which these statements must be deleted.",
)
@click.option(
    "--deduplicated/--not-deduplicated",
    default=None,
    help="The dataset holds one record per entity (a registry, a customer file): "
    "resolution never merges two of its records and links it one to one with other "
    "deduplicated datasets (default: as declared before, else not).",
)
@click.option("--strict", is_flag=True, help="Refuse the whole file if any row is bad.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@pass_ctx
def ingest_command(
    ctx: CliContext,
    path: Path,
    org: str,
    dataset: str,
    domains: tuple[str, ...],
    fmt: str | None,
    mapping: Path | None,
    marking: str | None,
    handling: str | None,
    source_grade: str | None,
    retain_until: datetime | None,
    deduplicated: bool | None,
    strict: bool,
    quiet: bool,
) -> None:
    """Load PATH (FtM JSON lines, or CSV/Excel with --mapping) into DATASET of ORG."""
    options = IngestOptions(
        org=org,
        dataset=dataset,
        domains=domains,
        format=fmt,
        mapping=mapping,
        marking=marking,
        handling=handling,
        source_grade=source_grade,
        retain_until=retain_until.date() if retain_until else None,
        strict=strict,
        progress=not quiet,
        deduplicated=deduplicated,
    )
    with ctx.store() as store:
        try:
            result = ingest_file(store, path, options)
        except IngestRefused as exc:
            for problem in exc.result.problems:
                err_console.print(f"{problem.file}:{problem.line}: {problem.reason}")
            more = exc.result.problem_count - len(exc.result.problems)
            if more > 0:
                err_console.print(f"... and {more} more")
            raise click.ClickException(
                f"{path}: {exc.result.problem_count} bad rows of {exc.result.rows}; "
                "nothing loaded (--strict)"
            ) from exc
    load = result.load
    assert load is not None
    console.print(
        f"{path}: {result.rows:,} rows read; loaded {load.entities:,} entities "
        f"({load.statements_new:,} new statements, {load.statements_seen:,} already known) "
        f"into [bold]{load.dataset}[/]; [bold]{load.quarantined:,} quarantined[/]"
    )
    if load.quarantined:
        for problem in result.problems[:5]:
            console.print(f"  {problem.file}:{problem.line}: {problem.reason}")
        console.print(f"  see `silobreak quarantine list --dataset {load.dataset}`")
