"""``silobreak dataset``: what each dataset holds, as the viewer sees it."""

from __future__ import annotations

from dataclasses import replace

import click
from rich.table import Table

from silobreak.cli.context import CliContext, console, pass_ctx
from silobreak.store import StoreError


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


@dataset_group.command("set")
@click.argument("name")
@click.option("--org", required=True, help="The organization that owns the dataset.")
@click.option(
    "--deduplicated/--not-deduplicated",
    default=None,
    help="The dataset holds one record per entity (see `ingest --deduplicated`).",
)
@pass_ctx
def dataset_set(ctx: CliContext, name: str, org: str, deduplicated: bool | None) -> None:
    """Change what NAME is declared to be; only its owner ORG may (the next `resolve`
    applies it)."""
    with ctx.store() as store:
        dataset = store.get_dataset(name)
        if dataset is None:
            raise StoreError(f"unknown dataset {name!r}; `silobreak dataset list` shows them")
        if dataset.org != org:
            raise StoreError(f"dataset {name!r} belongs to organization {dataset.org!r}")
        if deduplicated is not None:
            dataset = store.save_dataset(replace(dataset, deduplicated=deduplicated))
    console.print(f"{name}: {'deduplicated' if dataset.deduplicated else 'not deduplicated'}")
