"""``silobreak demo``: generate a scenario, run every pipeline stage, write the report."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from silobreak.cli.context import console
from silobreak.store import open_store

DEFAULT_DEMO_DIR = "silobreak-demo"


@click.command("demo")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=f"Folder for scenario, workspace and report (default ./{DEFAULT_DEMO_DIR}).",
)
@click.option("--seed", type=int, default=7, show_default=True)
@click.option(
    "--size", type=click.Choice(["small", "medium", "large"]), default="small", show_default=True
)
@click.option("--no-serve", is_flag=True, help="Exit when done instead of serving the web app.")
def demo_command(out: Path | None, seed: int, size: str, no_serve: bool) -> None:
    """End to end on a synthetic world: generate, ingest, flag transactions, resolve, analyze,
    report.

    Runs twice without harm: the same seed writes the same files, and loading them again adds
    no statement (it only moves their last_seen).
    """
    from silobreak.finance.patterns import PatternConfig
    from silobreak.finance.workspace import flag_dataset
    from silobreak.graph.analyze import run_analysis
    from silobreak.pipeline import ingest_scenario
    from silobreak.policy.viewer import SYSTEM
    from silobreak.report.html import write_report
    from silobreak.resolve.evaluate import score_resolver
    from silobreak.resolve.run import resolve_store
    from silobreak.scenario import generate

    base = out or Path(DEFAULT_DEMO_DIR)
    started = time.perf_counter()
    info = generate(seed, base / "scenario", size)
    console.print(
        f"[bold]1/6 scenario[/] seed {seed} ({size}): {info.records:,} records from "
        f"{len(info.files)} organizations -> {info.out}"
    )
    with open_store(base / "workspace") as store:
        results = ingest_scenario(store, info.out)
        new = sum(r.load.statements_new for r in results if r.load)
        seen = sum(r.load.statements_seen for r in results if r.load)
        bad = sum(r.load.quarantined for r in results if r.load)
        console.print(
            f"[bold]2/6 ingest[/] {len(results)} datasets: {new:,} new statements, "
            f"{seen:,} already known, {bad} rows quarantined"
        )
        bank_tx = store.get_dataset("bank_transactions")
        # Round trips through related parties need the resolved graph: resolve first, flag,
        # then resolve again (incremental) for the accounts the findings add. Flagging on
        # unresolved records found fewer patterns on a first run than on a second.
        resolve_store(store)
        found = flag_dataset(store, SYSTEM, bank_tx, PatternConfig(), 0.5) if bank_tx else []
        rows = store.read_transactions(SYSTEM).num_rows
        console.print(
            f"[bold]3/6 finance[/] {rows:,} transactions: {len(found):,} laundering findings "
            "written back as evidence on their accounts"
        )
        resolution, run = resolve_store(store)
        cross = resolution.cross_org_entities()
        console.print(
            f"[bold]4/6 resolve[/] {run.records:,} records: {run.merged_records:,} "
            f"merged into {run.clusters:,} entities ({cross:,} across organizations)"
        )
        _, pairs, entities = score_resolver(
            json.loads((info.out / "truth.json").read_text()),
            store.read_resolver(SYSTEM).read_all().to_pylist(),
        )
        console.print(
            f"    against the scenario's known answer: pairwise F1 {pairs.f1:.3f}, "
            f"entities exactly right F1 {entities.exact_f1:.3f}, namesake record pairs "
            f"merged {pairs.namesakes_merged} of {pairs.namesake_pairs}"
        )
        analysis, _ = run_analysis(store, SYSTEM, force=True)
        console.print(
            f"[bold]5/6 analyze[/] {analysis.convergent:,} entities touch a crime domain, "
            f"{analysis.networks:,} networks"
        )
        report = write_report(
            store, SYSTEM, base / "report.html", title=f"silobreak demo (seed {seed}, {size})"
        )
    console.print(f"[bold]6/6 report[/] {report.resolve()}")
    console.print(
        f"done in {time.perf_counter() - started:.1f}s; workspace: {(base / 'workspace').resolve()}"
    )
    if not no_serve:
        console.print("the web app is not built yet; nothing to serve (use --no-serve)")
