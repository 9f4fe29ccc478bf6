"""``silobreak org``: the member organizations of the hub."""

from __future__ import annotations

import click
from rich.table import Table

from silobreak.cli.context import CliContext, console, pass_ctx
from silobreak.model.records import Org
from silobreak.model.taxonomy import taxonomy


@click.group("org")
def org_group() -> None:
    """Member organizations (each owns its datasets and decides what it shares)."""


@org_group.command("add")
@click.argument("name")
@click.option(
    "--sector",
    required=True,
    type=click.Choice(list(taxonomy().sectors)),
    help="The organization's sector.",
)
@click.option("--country", default=None, help="ISO 3166-1 alpha-2 country code, e.g. KE.")
@pass_ctx
def org_add(ctx: CliContext, name: str, sector: str, country: str | None) -> None:
    """Register organization NAME (idempotent when sector and country are unchanged)."""
    from followthemoney.types import registry

    code = None
    if country:
        code = registry.country.clean(country)
        if code is None:
            raise click.BadParameter(f"unknown country {country!r}", param_hint="--country")
    with ctx.store() as store:
        org = store.add_org(Org(name.strip(), sector, code))
    console.print(
        f"organization [bold]{org.name}[/] ({org.sector}"
        f"{', ' + org.country.upper() if org.country else ''})"
    )


@org_group.command("list")
@pass_ctx
def org_list(ctx: CliContext) -> None:
    """List organizations."""
    with ctx.store(read_only=True) as store:
        table = Table("name", "sector", "country", "created")
        for org in store.list_orgs():
            table.add_row(
                org.name,
                org.sector,
                (org.country or "").upper(),
                f"{org.created_at:%Y-%m-%d}" if org.created_at else "",
            )
    console.print(table)
