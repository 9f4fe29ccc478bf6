"""``silobreak scenario``: synthetic multi-organization worlds for demos, tests and benchmarks."""

from __future__ import annotations

from pathlib import Path

import click

from silobreak.cli.context import CliContext, console, pass_ctx
from silobreak.scenario.world import SIZES


@click.group("scenario")
def scenario_group() -> None:
    """Generate and load synthetic scenarios with a known answer (truth.json)."""


@scenario_group.command("generate")
@click.option("--seed", type=int, required=True, help="Random seed; same seed, same files.")
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--size", type=click.Choice(list(SIZES)), default="small", show_default=True)
def scenario_generate(seed: int, out: Path, size: str) -> None:
    """Write one file per organization, mappings, scenario.yml and truth.json to OUT."""
    from silobreak.scenario import generate

    info = generate(seed, out, size)
    console.print(
        f"scenario seed {seed} ({size}): {len(info.files)} organization files, "
        f"{info.records:,} records of {len(info.world.persons):,} people and "
        f"{len(info.world.companies):,} companies, {len(info.world.networks)} planted "
        f"networks -> {out}"
    )


@scenario_group.command("ingest")
@click.argument("scenario", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--quiet", is_flag=True, help="No progress bars.")
@pass_ctx
def scenario_ingest(ctx: CliContext, scenario: Path, quiet: bool) -> None:
    """Register SCENARIO's organizations and ingest all its datasets into the workspace."""
    from silobreak.pipeline import ingest_scenario

    with ctx.store() as store:
        results = ingest_scenario(store, scenario, progress=not quiet)
    for result in results:
        load = result.load
        assert load is not None
        console.print(
            f"{load.dataset}: {load.entities:,} entities, "
            f"{load.statements_new:,} new statements, {load.quarantined} quarantined"
        )


@scenario_group.command("transactions")
@click.option("--seed", type=int, required=True, help="Random seed; same seed, same file.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--transactions", "count", default=50_000, show_default=True)
@click.option("--accounts", default=2_000, show_default=True)
@click.option("--days", default=180, show_default=True)
@click.option("--schemes", default=40, show_default=True, help="Planted laundering instances.")
def scenario_transactions(
    seed: int, out: Path, count: int, accounts: int, days: int, schemes: int
) -> None:
    """Write a transaction file with planted laundering typologies (canonical CSV with
    is_laundering) and OUT's *_truth.csv naming each laundering row's typology."""
    from silobreak.scenario.transactions import TransactionSpec, generate_transactions

    spec = TransactionSpec(accounts, count, days, schemes, seed=seed)
    rows, planted = generate_transactions(out, spec)
    summary = ", ".join(f"{n} {kind}" for kind, n in sorted(planted.items()))
    console.print(f"{rows:,} transactions, laundering: {summary} -> {out}")


@scenario_group.command("score")
@click.argument("scenario", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of text.")
@pass_ctx
def scenario_score(ctx: CliContext, scenario: Path, as_json: bool) -> None:
    """Score the workspace's resolver against SCENARIO's truth.json: pairwise, exact-cluster
    and B-cubed precision, recall and F1, and namesake pairs merged.

    Only the records the reader may see are scored (run `resolve` first).
    """
    import json
    from dataclasses import asdict

    from silobreak.resolve.evaluate import score_resolver

    truth_file = scenario / "truth.json"
    if not truth_file.exists():
        raise click.ClickException(f"{truth_file}: no truth.json (not a generated scenario)")
    truth = json.loads(truth_file.read_text())
    with ctx.store(read_only=True) as store:
        rows = store.read_resolver(ctx.viewer).read_all().to_pylist()
    if not rows:
        raise click.ClickException("the workspace has no resolver: run `silobreak resolve`")
    scored, pairs, entities = score_resolver(truth, rows)
    total = len({(r["dataset"], r["entity_id"]) for r in truth["records"]})
    if as_json:
        click.echo(
            json.dumps(
                {
                    "records": scored,
                    "pairwise": asdict(pairs),
                    "clusters": asdict(entities),
                }
            )
        )
        return
    console.print(
        f"{scored:,} of {total:,} truth records resolved\n"
        f"pairwise        precision {pairs.precision:.4f}  recall {pairs.recall:.4f}  "
        f"F1 {pairs.f1:.4f}\n"
        f"exact entities  precision {entities.exact_precision:.4f}  "
        f"recall {entities.exact_recall:.4f}  F1 {entities.exact_f1:.4f}\n"
        f"B-cubed         precision {entities.bcubed_precision:.4f}  "
        f"recall {entities.bcubed_recall:.4f}  F1 {entities.bcubed_f1:.4f}\n"
        f"namesake record pairs merged: {pairs.namesakes_merged} of {pairs.namesake_pairs}"
    )
