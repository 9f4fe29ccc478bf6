"""``silobreak finance``: laundering typologies in transaction files."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta
from pathlib import Path

import click

from silobreak.cli.context import console, err_console
from silobreak.finance.patterns import PatternConfig, find_patterns
from silobreak.finance.transactions import TransactionFileError, read_transactions


@click.group("finance")
def finance_group() -> None:
    """Financial tracking: laundering typologies in transaction files."""


@finance_group.command("patterns")
@click.argument("transactions", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--threshold", default=10_000.0, show_default=True, help="Reporting threshold.")
@click.option("--window-days", default=7.0, show_default=True, help="Window of fans, cycles...")
@click.option("--fan", default=5, show_default=True, help="Counterparties that make a fan.")
@click.option("--skip-bad-rows", is_flag=True, help="Report bad rows and go on without them.")
def patterns_command(
    transactions: Path,
    out: Path,
    threshold: float,
    window_days: float,
    fan: int,
    skip_bad_rows: bool,
) -> None:
    """Find fan-in/out, structuring, cycles, scatter-gather, gather-scatter, rapid in-out and
    layering chains; write one JSON object per finding to OUT (JSON lines)."""
    try:
        txs, bad = read_transactions(transactions)
    except TransactionFileError as exc:
        raise click.ClickException(str(exc)) from exc
    for row in bad[:20]:
        err_console.print(f"{transactions}:{row.line}: {row.reason}")
    if bad and not skip_bad_rows:
        raise click.ClickException(
            f"{len(bad)} bad row(s) in {transactions}; fix them or use --skip-bad-rows"
        )
    config = PatternConfig(window=timedelta(days=window_days), fan=fan, threshold=threshold)
    found = find_patterns(txs, config)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        for finding in found:
            fh.write(json.dumps(finding.to_json()) + "\n")
    counts = Counter(f.type for f in found)
    summary = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())) or "none"
    console.print(f"{len(txs):,} transactions: {len(found):,} findings ({summary}) -> {out}")
