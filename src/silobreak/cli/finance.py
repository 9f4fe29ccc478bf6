"""``silobreak finance``: laundering typologies in transaction files."""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from silobreak.cli.context import CliContext, console, err_console, pass_ctx
from silobreak.finance.flag import read_scores
from silobreak.finance.patterns import TYPES, PatternConfig, find_patterns
from silobreak.finance.pipeline import connect, load, score_file, train_file
from silobreak.finance.rates import Rates, in_one_currency, read_rates
from silobreak.finance.sankey import render_sankey
from silobreak.finance.scoring import TrainConfig, TrainedModel
from silobreak.finance.table import in_time_order, use_transactions
from silobreak.finance.trace import Direction, trace
from silobreak.finance.transactions import TransactionFileError
from silobreak.finance.workspace import FLAG_TYPES, flag_dataset, load_transaction_file
from silobreak.ingest.load import IngestOptions
from silobreak.spark import spark_session


@click.group("finance")
def finance_group() -> None:
    """Financial tracking: typologies, transaction scoring and money tracing."""


RATES = click.option(
    "--rates",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="CSV currency,rate (one unit in the base currency, whose rate is 1): amounts are "
    "converted before they are compared. Without it, currencies are compared as numbers.",
)


def _rates(path: Path | None) -> Rates | None:
    try:
        return read_rates(path) if path else None
    except TransactionFileError as exc:
        raise click.ClickException(str(exc)) from exc


@finance_group.command("patterns")
@click.argument("transactions", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--threshold", default=10_000.0, show_default=True, help="Reporting threshold.")
@click.option("--window-days", default=7.0, show_default=True, help="Window of fans, cycles...")
@click.option("--fan", default=5, show_default=True, help="Counterparties that make a fan.")
@click.option(
    "--related",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="CSV account,party: accounts of the same or related parties (for round trips).",
)
@click.option("--skip-bad-rows", is_flag=True, help="Report bad rows and go on without them.")
@RATES
def patterns_command(
    transactions: Path,
    out: Path,
    threshold: float,
    window_days: float,
    fan: int,
    related: Path | None,
    skip_bad_rows: bool,
    rates: Path | None,
) -> None:
    """Find fan-in/out, structuring, cycles, scatter-gather, gather-scatter, rapid in-out,
    layering chains, cross-bank flows and (with --related) round trips; write one JSON object
    per finding to OUT (JSON lines)."""
    con = connect()
    try:
        load(con, transactions, skip_bad_rows, _report, _rates(rates))
    except TransactionFileError as exc:
        raise click.ClickException(str(exc)) from exc
    txs = in_time_order(con)
    config = PatternConfig(
        window=timedelta(days=window_days),
        fan=fan,
        threshold=threshold,
        related=_related(related) if related else None,
    )
    found = find_patterns(txs, config)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        for finding in found:
            fh.write(json.dumps(finding.to_json()) + "\n")
    counts = Counter(f.type for f in found)
    summary = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())) or "none"
    console.print(f"{len(txs):,} transactions: {len(found):,} findings ({summary}) -> {out}")


def _related(path: Path) -> dict[str, str]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        if not {"account", "party"} <= set(reader.fieldnames or []):
            raise click.ClickException(f"{path}: needs columns account,party")
        return {r["account"].strip(): r["party"].strip() for r in reader if r["account"].strip()}


def _report(message: str) -> None:
    err_console.print(message)


ENGINE = click.option(
    "--engine",
    type=click.Choice(["duckdb", "spark"]),
    default="duckdb",
    show_default=True,
    help="Where the features are computed (Spark: env SILOBREAK_SPARK_MASTER, default local[2]).",
)


@contextmanager
def _engine(name: str) -> Iterator[Any]:
    """None for DuckDB, a SparkSession (stopped afterwards) for Spark."""
    if name != "spark":
        yield None
        return
    spark = spark_session("silobreak-finance")
    try:
        yield spark
    finally:
        spark.stop()


@finance_group.command("train")
@click.argument("transactions", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--validation-share", default=0.2, show_default=True, help="Latest share held out.")
@click.option("--skip-bad-rows", is_flag=True, help="Report bad rows and go on without them.")
@RATES
@ENGINE
def train_command(
    transactions: Path,
    out: Path,
    validation_share: float,
    skip_bad_rows: bool,
    rates: Path | None,
    engine: str,
) -> None:
    """Learn to flag laundering from labelled TRANSACTIONS (is_laundering column): graph
    features over time windows, gradient boosting, a threshold chosen on the latest
    transactions held out. Writes the model to the folder OUT."""
    config = TrainConfig(validation_share=validation_share)
    try:
        with _engine(engine) as spark:
            model = train_file(transactions, config, skip_bad_rows, _report, spark, _rates(rates))
    except (TransactionFileError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    model.save(out)
    v = model.meta.validation
    console.print(
        f"{model.meta.rows:,} transactions ({model.meta.positives:,} laundering): "
        f"{model.meta.trees} trees, threshold {model.meta.threshold:.3f}; validation F1 "
        f"{v['f1']:.3f} (precision {v['precision']:.3f}, recall {v['recall']:.3f}) -> {out}"
    )


@finance_group.command("score")
@click.argument("transactions", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--model", "model_dir", required=True, type=click.Path(path_type=Path))
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--explain", default=0, show_default=True, help="Top features per flagged row.")
@click.option("--skip-bad-rows", is_flag=True, help="Report bad rows and go on without them.")
@RATES
@ENGINE
def score_command(
    transactions: Path,
    model_dir: Path,
    out: Path,
    explain: int,
    skip_bad_rows: bool,
    rates: Path | None,
    engine: str,
) -> None:
    """Score every transaction of TRANSACTIONS with a trained model; write id,score,flagged
    (and an explanation column with --explain N). Labels in the file are never read."""
    try:
        model = TrainedModel.load(model_dir)
        with _engine(engine) as spark:
            rows, flagged = score_file(
                transactions, model, out, skip_bad_rows, explain, _report, spark, _rates(rates)
            )
    except (TransactionFileError, FileNotFoundError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    console.print(f"{rows:,} transactions scored, {flagged:,} flagged -> {out}")


def _day(value: str | None, end: bool = False) -> datetime | None:
    if not value:
        return None
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"not an ISO 8601 date: {value!r}") from None
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(UTC).replace(tzinfo=None)
    if end and len(value) == 10:  # a bare date includes that whole day
        stamp += timedelta(days=1) - timedelta(microseconds=1)
    return stamp


@finance_group.command("trace")
@click.argument("account")
@click.option(
    "--transactions",
    default=None,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Transaction file (canonical CSV); default: the workspace's transactions.",
)
@click.option("--dataset", default=None, help="With the workspace: this dataset only.")
@click.option("--from", "start", default=None, help="Earliest date (ISO 8601).")
@click.option("--to", "end", default=None, help="Latest date (ISO 8601; a date includes the day).")
@click.option("--hops", default=3, show_default=True, type=click.IntRange(1, 10))
@click.option(
    "--direction", type=click.Choice(["forward", "backward"]), default="forward", show_default=True
)
@click.option("--min-share", default=0.005, show_default=True, help="Smallest share followed.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the trace as JSON here and the Sankey diagram beside it (.html).",
)
@click.option("--skip-bad-rows", is_flag=True, help="Report bad rows and go on without them.")
@RATES
@pass_ctx
def trace_command(
    ctx: CliContext,
    account: str,
    transactions: Path | None,
    dataset: str | None,
    start: str | None,
    end: str | None,
    hops: int,
    direction: Direction,
    min_share: float,
    out: Path | None,
    skip_bad_rows: bool,
    rates: Path | None,
) -> None:
    """Follow ACCOUNT's money forward (where it went) or backward (where it came from) through
    time-respecting payments, amounts apportioned pro rata; print the flows and draw them."""
    begin, finish = _day(start), _day(end, end=True)
    con = connect()
    try:
        if transactions is None:
            with ctx.store(read_only=True) as store:
                use_transactions(con, store.read_transactions(ctx.viewer, dataset))
            where = "the workspace" + (f" ({dataset})" if dataset else "")
            in_one_currency(con, _rates(rates), where, _report)
        else:
            load(con, transactions, skip_bad_rows, _report, _rates(rates))
            where = str(transactions)
    except TransactionFileError as exc:
        raise click.ClickException(str(exc)) from exc
    result = trace(con, account, direction, begin, finish, hops, min_share)
    if not result.flows:
        raise click.ClickException(
            f"account {account!r} has no {'payments' if direction == 'forward' else 'receipts'}"
            f" in {where} in that period"
        )
    table = Table(title=f"{direction} trace of {account}: {result.total:,.2f}")
    for column in ("hop", "from", "to", "amount", "transactions", "first", "last"):
        table.add_column(column, justify="right" if column in ("hop", "amount") else "left")
    for f in result.flows[:40]:
        table.add_row(
            str(f.hop),
            f.source,
            f.target,
            f"{f.amount:,.2f}",
            str(len(f.transactions)),
            f"{f.first:%Y-%m-%d}",
            f"{f.last:%Y-%m-%d}",
        )
    console.print(table)
    if len(result.flows) > 40:
        console.print(f"... {len(result.flows) - 40} more flows (see --out)")
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result.to_json(), indent=2) + "\n", encoding="utf-8")
        page = out.with_suffix(".html")
        page.write_text(render_sankey(result), encoding="utf-8")
        console.print(f"-> {out}, {page}")


@finance_group.command("load")
@click.argument("transactions", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--org", required=True, help="The organization that owns the transactions.")
@click.option("--dataset", required=True, help="Dataset name (created on first load).")
@click.option("--marking", default=None, help="TLP 2.0 marking (default AMBER).")
@click.option("--handling", default=None, help="Handling code H0-H3 (default H1).")
@click.option("--source-grade", default=None, help="Source reliability A-F.")
@pass_ctx
def load_command(
    ctx: CliContext,
    transactions: Path,
    org: str,
    dataset: str,
    marking: str | None,
    handling: str | None,
    source_grade: str | None,
) -> None:
    """Load a transaction file into the workspace's transaction table (DATASET of ORG):
    rows with the same id are replaced, bad rows go to the quarantine, all in one commit."""
    options = IngestOptions(
        org=org,
        dataset=dataset,
        domains=("financial_crime",),
        marking=marking,
        handling=handling,
        source_grade=source_grade,
    )
    with ctx.store() as store:
        info, rows, rejects = load_transaction_file(store, transactions, options)
    for row in rejects[:20]:
        err_console.print(f"{transactions}:{row.line}: {row.reason}")
    console.print(
        f"{dataset}: {rows:,} transactions loaded, {len(rejects):,} quarantined "
        f"(load {info.load_id[:12]})"
    )


@finance_group.command("flag")
@click.option("--dataset", required=True, help="The transaction dataset to examine.")
@click.option("--threshold", default=10_000.0, show_default=True, help="Reporting threshold.")
@click.option("--window-days", default=7.0, show_default=True)
@click.option("--fan", default=5, show_default=True)
@click.option("--min-score", default=0.5, show_default=True, help="Weakest finding written.")
@click.option(
    "--types",
    default=",".join(FLAG_TYPES),
    show_default=True,
    help="Finding types written back (comma-separated; fans and rapid in-out are common in "
    "honest business, so they are left out by default).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the findings as JSON lines.",
)
@click.option(
    "--scores",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A `finance score` output for this dataset's transactions: the flagged ones are "
    "written back too (type model), whatever --types says.",
)
@RATES
@pass_ctx
def flag_command(
    ctx: CliContext,
    dataset: str,
    threshold: float,
    window_days: float,
    fan: int,
    min_score: float,
    types: str,
    out: Path | None,
    scores: Path | None,
    rates: Path | None,
) -> None:
    """Find laundering typologies in DATASET's transactions and write them back as statements
    (accounts with topic crime.fin), so that resolution and convergence see them; with
    --scores, also the transactions a trained model flagged."""
    config = PatternConfig(window=timedelta(days=window_days), fan=fan, threshold=threshold)
    kinds = {t.strip() for t in types.split(",") if t.strip()}
    unknown = kinds - set(TYPES)
    if unknown:
        raise click.BadParameter(
            f"unknown type(s) {', '.join(sorted(unknown))}", param_hint="--types"
        )
    with ctx.store() as store:
        known = store.get_dataset(dataset)
        if known is None:
            raise click.ClickException(f"unknown dataset {dataset!r}")
        try:
            flagged = read_scores(scores) if scores else None
            found = flag_dataset(
                store,
                ctx.viewer,
                known,
                config,
                min_score,
                kinds,
                out,
                _rates(rates),
                _report,
                flagged,
            )
        except TransactionFileError as exc:
            raise click.ClickException(str(exc)) from exc
    counts = Counter(f.type for f in found)
    summary = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())) or "none"
    console.print(f"{dataset}: {len(found):,} findings with score >= {min_score} ({summary})")
