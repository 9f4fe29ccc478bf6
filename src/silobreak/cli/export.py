"""``silobreak export``: statements, the resolver and convergences."""

from __future__ import annotations

from pathlib import Path

import click

from silobreak.cli.context import CliContext, console, pass_ctx
from silobreak.export.statements import EXPORT_FORMATS, export_statements


@click.group("export")
def export_group() -> None:
    """Write data out for other tools."""


@export_group.command("statements")
@click.option(
    "--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="csv", show_default=True
)
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dataset", default=None, help="Only this dataset.")
@click.option(
    "--qualify-ids",
    is_flag=True,
    help="ftm only: prefix entity ids (and references) with their dataset, so ids "
    "from different datasets cannot collide.",
)
@pass_ctx
def export_statements_command(
    ctx: CliContext, fmt: str, out: Path, dataset: str | None, qualify_ids: bool
) -> None:
    """Export statements (csv, parquet) or entities (ftm: FtM JSON lines)."""
    with ctx.store(read_only=True) as store:
        count = export_statements(
            store, ctx.viewer, fmt, out, dataset=dataset, qualify_ids=qualify_ids
        )
    what = "entities" if fmt == "ftm" else "statements"
    console.print(f"wrote {count:,} {what} to {out}")


@export_group.command("resolver")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--with-evidence", is_flag=True, help="Add the score and evidence columns.")
@pass_ctx
def export_resolver_command(ctx: CliContext, out: Path, with_evidence: bool) -> None:
    """Write dataset,entity_id,canonical_id for every ingested entity (singletons included)."""
    import pyarrow.csv as pacsv

    with ctx.store(read_only=True) as store:
        table = store.read_resolver(ctx.viewer).read_all()
    if table.num_rows == 0:
        raise click.ClickException("no resolver yet: run `silobreak resolve` first")
    columns = ["dataset", "entity_id", "canonical_id"]
    if with_evidence:
        columns += ["score", "evidence"]
    out.parent.mkdir(parents=True, exist_ok=True)
    pacsv.write_csv(table.select(columns), str(out))
    merged = table.num_rows - len(set(table.column("canonical_id").to_pylist()))
    console.print(f"wrote {table.num_rows:,} entities ({merged:,} merged away) to {out}")


CONVERGENCE_COLUMNS = ("canonical_id", "schema", "name", "score", "domains", "orgs", "datasets")


@export_group.command("convergence")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--with-explanation", is_flag=True, help="Add entity_score, network_id and explanation."
)
@pass_ctx
def export_convergence_command(ctx: CliContext, out: Path, with_explanation: bool) -> None:
    """Write canonical_id,schema,name,score,domains,orgs,datasets, best first.

    One row per canonical entity that touches at least one crime domain, from the last
    `silobreak analyze` of the reader's view (lists are `;`-separated).
    """
    import csv

    with ctx.store(read_only=True) as store:
        run, table, _ = store.read_analysis(ctx.viewer)
    if run is None:
        raise click.ClickException("no analysis yet: run `silobreak analyze` first")
    columns = list(CONVERGENCE_COLUMNS)
    if with_explanation:
        columns += ["entity_score", "network_id", "explanation"]
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        for row in table.to_pylist():
            writer.writerow(
                [";".join(row[c]) if isinstance(row[c], list) else row[c] for c in columns]
            )
    console.print(f"wrote {table.num_rows:,} convergent entities to {out}")
