"""``silobreak resolve``, ``judge``, ``entity`` and ``why``: entity resolution and its review."""

from __future__ import annotations

import json

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from silobreak.cli.context import CliContext, console, err_console, pass_ctx
from silobreak.resolve.engines import ENGINES
from silobreak.resolve.entity import merged_entity, one_record_key
from silobreak.resolve.run import DEFAULT_THRESHOLD, resolve_store
from silobreak.resolve.why import explain_pair
from silobreak.store.base import Judgement, StoreError


@click.command("resolve")
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1),
    default=DEFAULT_THRESHOLD,
    show_default=True,
    help="Match probability at or above which records merge.",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="duckdb",
    show_default=True,
    help="duckdb: in process; spark: blocking and comparisons on Spark.",
)
@click.option(
    "--spark-master",
    default=None,
    help="Spark master URL (default $SILOBREAK_SPARK_MASTER or local[2]).",
)
@click.option(
    "--full", is_flag=True, help="Compare every candidate pair again (no reuse of the last run)."
)
@click.option(
    "--no-neighbours",
    is_flag=True,
    help="Weigh each pair on its own records only, not on what their neighbours resolved to.",
)
@pass_ctx
def resolve_command(
    ctx: CliContext,
    threshold: float,
    engine: str,
    spark_master: str | None,
    full: bool,
    no_neighbours: bool,
) -> None:
    """Resolve every entity in the workspace, within and across datasets.

    Statements are never rewritten: the result is the resolver (see `export resolver`).
    Judgements made with `silobreak judge` are honoured.
    """
    columns = (
        TextColumn("[bold]resolve[/] {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with (
        ctx.store() as store,
        Progress(
            *columns, transient=True, console=err_console, disable=not err_console.is_terminal
        ) as bar,
    ):
        task = bar.add_task("comparing candidate pairs", total=None)

        def progress(stage: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        result, run = resolve_store(
            store,
            threshold=threshold,
            engine=engine,
            progress=progress,
            full=full,
            spark_master=spark_master,
            neighbours=not no_neighbours,
        )
    cross = result.cross_org_entities()
    console.print(
        f"resolved {run.records:,} records: {run.candidate_pairs:,} candidate pairs "
        f"({result.compared:,} compared, {result.reused:,} reused from the last run), "
        f"{run.merged_records:,} records merged into {run.clusters:,} entities "
        f"({cross:,} across organizations); {result.refused_merges} merges refused for "
        "contradictions"
    )


@click.command("judge")
@click.argument("first")
@click.argument("second")
@click.option("--same", "verdict", flag_value="same", help="They are the same entity.")
@click.option("--different", "verdict", flag_value="different", help="They are not.")
@click.option("--unsure", "verdict", flag_value="unsure", help="Cannot tell.")
@click.option("--user", default="cli", show_default=True, help="Who judges (recorded).")
@pass_ctx
def judge_command(ctx: CliContext, first: str, second: str, verdict: str | None, user: str) -> None:
    """Record a human judgement on two records (DATASET/ENTITY_ID, or an entity id that is
    unique across datasets). Honoured by every later `resolve`; --different is never merged,
    not even through other records."""
    if verdict is None:
        raise click.UsageError("say --same, --different or --unsure")
    with ctx.store() as store:
        try:
            left = one_record_key(store, ctx.viewer, first)
            right = one_record_key(store, ctx.viewer, second)
        except StoreError as exc:
            raise click.ClickException(str(exc)) from exc
        if left == right:
            raise click.ClickException("both ids name the same record")
        store.add_judgement(Judgement(left, right, verdict, user))
    console.print(f"judged {left} and {right}: {verdict} (re-run `silobreak resolve`)")


@click.command("entity")
@click.argument("ident")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_ctx
def entity_command(ctx: CliContext, ident: str, as_json: bool) -> None:
    """Show the merged entity behind IDENT (a canonical id, DATASET/ENTITY_ID or an entity
    id), with each value's datasets and organizations."""
    with ctx.store(read_only=True) as store:
        try:
            entity = merged_entity(store, ctx.viewer, ident)
        except StoreError as exc:
            raise click.ClickException(str(exc)) from exc
    if as_json:
        console.print_json(json.dumps(entity, ensure_ascii=False, default=str))
        return
    console.print(f"[bold]{entity['caption']}[/] {entity['canonical_id']} ({entity['schema']})")
    members = Table("dataset", "entity id", "org", "schema", "linked by")
    for member in entity["members"]:
        members.add_row(
            member["dataset"], member["entity_id"], member["org"], member["schema"], member["link"]
        )
    console.print(members)
    values = Table("property", "value", "datasets", "organizations")
    for prop, items in entity["properties"].items():
        for item in items:
            values.add_row(
                prop, item["value"], ", ".join(item["datasets"]), ", ".join(item["orgs"])
            )
    console.print(values)


@click.command("why")
@click.argument("first")
@click.argument("second")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@pass_ctx
def why_command(ctx: CliContext, first: str, second: str, as_json: bool) -> None:
    """Why two records (DATASET/ENTITY_ID, or an entity id unique across datasets) are one
    entity or two: the last run's comparison of the pair, feature by feature with its
    weight, the links that joined them or the rule that kept them apart."""
    with ctx.store(read_only=True) as store:
        try:
            found = explain_pair(store, ctx.viewer, first, second)
        except StoreError as exc:
            raise click.ClickException(str(exc)) from exc
    if as_json:
        console.print_json(json.dumps(found, ensure_ascii=False, default=str))
        return
    for record in found["records"]:
        console.print(
            f"[bold]{record['key']}[/] ({record['org']}, {record['schema']}) "
            f"{'; '.join(record['names'])} -> {record['canonical_id']}"
        )
    console.print("[bold]one entity[/]" if found["same_entity"] else "[bold]two entities[/]")
    for reason in found["reasons"]:
        console.print(f"  {reason}")
    for hop in found.get("path", []):
        console.print(f"  {' ~ '.join(hop['pair'])} " + _hop_label(hop))
    compared = found["run"] if found["run"] and found["run"]["compared"] else None
    shown = compared or found["now"]
    if not shown.get("comparable", True):
        return
    title = (
        "the last run's comparison"
        if compared
        else "compared now, on what you can see"
        if found["run"] is None
        else "compared now (the last run did not compare them)"
    )
    table = Table("feature", "level", "weight", "evidence", title=title)
    for feature, level in shown["levels"].items():
        if level != "absent":
            weight = shown["weights"].get(feature, 0.0)
            table.add_row(feature, level, f"{weight:+.2f}", shown["evidence"].get(feature, ""))
    table.add_row("prior", "", f"{shown['prior']:+.2f}", "odds of a random pair")
    if "adjustment" in shown:
        table.add_row("adjusted", "", f"{shown['adjustment']:+.2f}", "name frequency, neighbours")
    probability = shown["probability"]
    table.add_row("probability", "", "" if probability is None else f"{probability:.4f}", "")
    console.print(table)
    if found["changed_since_run"]:
        console.print(f"changed since the last run: {', '.join(found['changed_since_run'])}")


def _hop_label(hop: dict[str, object]) -> str:
    if "judged_same_by" in hop:
        return f"(judged the same by {hop['judged_same_by']})"
    return f"(p={hop['probability']})"
