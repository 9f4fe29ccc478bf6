"""``silobreak dataset``: what each dataset holds, as the viewer sees it."""

from __future__ import annotations

import click
from rich.table import Table

from silobreak.cli.context import CliContext, console, pass_ctx


@click.group("dataset")
def dataset_group() -> None:
    """Datasets (created by `ingest`; owned by one organization)."""


@dataset_group.command("list")
@pass_ctx
def dataset_list(ctx: CliContext) -> None:
    """List datasets with owner, domains, marking and counts."""
    with ctx.store(read_only=True) as store:
        table = Table(
            "dataset",
            "org",
            "domains",
            "marking",
            "handling",
            "entities",
            "statements",
            "quarantined",
            "deduplicated",
        )
        for st in store.dataset_stats(ctx.viewer):
            table.add_row(
                st.dataset,
                st.org,
                ", ".join(st.domains),
                st.marking,
                st.handling,
                f"{st.entities:,}",
                f"{st.statements:,}",
                f"{st.quarantined:,}",
                "yes" if st.deduplicated else "",
            )
    console.print(table)
