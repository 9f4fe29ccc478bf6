"""The ``silobreak`` command line: one module per command group."""

from __future__ import annotations

from pathlib import Path

import click

from silobreak import __version__
from silobreak.cli.analyze import analyze_command, expand_command
from silobreak.cli.context import CliContext
from silobreak.cli.dataset import dataset_group
from silobreak.cli.demo import demo_command
from silobreak.cli.export import export_group
from silobreak.cli.finance import finance_group
from silobreak.cli.ingest import ingest_command
from silobreak.cli.names import names_group
from silobreak.cli.org import org_group
from silobreak.cli.quarantine import quarantine_group
from silobreak.cli.report import report_command
from silobreak.cli.resolve import entity_command, judge_command, resolve_command, why_command
from silobreak.cli.scenario import scenario_group
from silobreak.policy.viewer import SYSTEM, Viewer
from silobreak.store import DEFAULT_WORKSPACE


@click.group()
@click.option(
    "--workspace",
    envvar="SILOBREAK_WORKSPACE",
    default=DEFAULT_WORKSPACE,
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Workspace folder (env SILOBREAK_WORKSPACE).",
)
@click.option(
    "--as-org",
    default=None,
    envvar="SILOBREAK_AS_ORG",
    help="Read as this organization (policy applies); default: the hub operator, "
    "who sees everything.",
)
@click.option("--user", default="cli", show_default=True, help="Who is reading (with --as-org).")
@click.option("--purpose", default="analysis", show_default=True, help="Why (with --as-org).")
@click.version_option(__version__, prog_name="silobreak")
@click.pass_context
def main(ctx: click.Context, workspace: Path, as_org: str | None, user: str, purpose: str) -> None:
    """silobreak: pool what organizations know about illicit economies and find convergences."""
    viewer = Viewer(as_org, user, purpose) if as_org else SYSTEM
    ctx.obj = CliContext(workspace, viewer)


for command in (
    org_group,
    dataset_group,
    ingest_command,
    quarantine_group,
    export_group,
    names_group,
    resolve_command,
    why_command,
    judge_command,
    entity_command,
    analyze_command,
    expand_command,
    finance_group,
    scenario_group,
    report_command,
    demo_command,
):
    main.add_command(command)
