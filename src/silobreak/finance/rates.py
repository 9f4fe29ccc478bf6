"""Amounts in one currency before they are compared.

A payment of 9,500 USD and one of 9,500 EUR are not the same amount: structuring is "just under
the reporting threshold" in the threshold's currency, and fans, amount statistics and traced
flows add amounts up. With ``--rates FILE`` (columns ``currency,rate``: what one unit is worth
in the base currency, the one whose rate is 1; optionally ``date``, for daily rates) every
amount of the transaction table ``tx`` is converted to the base currency before anything reads
it, and the currency column says so.
Without rates, a file of several currencies is compared as numbers, and the caller is told.

A currency the rates do not cover stops the run with the currencies and their counts: a rate
is configuration, and guessing one (or dropping those rows) would change every finding.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from silobreak.finance.transactions import TransactionFileError

_CODE = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class Rates:
    path: Path
    base: str
    # (currency, first day it applies or None for always, value of one unit in ``base``)
    rows: list[tuple[str, date | None, float]]

    @property
    def currencies(self) -> set[str]:
        return {code for code, _, _ in self.rows}


def read_rates(path: Path) -> Rates:
    """The rates file, checked line by line (errors name the file and the line). Columns
    ``currency,rate`` and optionally ``date``: with dates, a transaction takes its currency's
    latest rate on or before its day (rates published daily); then every line has one."""
    rows: list[tuple[str, date | None, float]] = []
    seen: set[tuple[str, date | None]] = set()
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        fields = {f.strip().lower(): f for f in reader.fieldnames or []}
        if not {"currency", "rate"} <= set(fields):
            raise TransactionFileError(f"{path}: needs columns currency,rate")
        for line, row in enumerate(reader, start=2):
            code = (row[fields["currency"]] or "").strip().upper()
            text = (row[fields["rate"]] or "").strip()
            stamp = (row[fields["date"]] or "").strip() if "date" in fields else ""
            if not _CODE.match(code):
                raise TransactionFileError(
                    f"{path}:{line}: currency: not an ISO 4217 code: {code!r}"
                )
            try:
                rate = float(text)
            except ValueError:
                raise TransactionFileError(f"{path}:{line}: rate: not a number: {text!r}") from None
            if not rate > 0:
                raise TransactionFileError(f"{path}:{line}: rate: not positive: {text!r}")
            day = None
            if "date" in fields:
                try:
                    day = date.fromisoformat(stamp)
                except ValueError:
                    raise TransactionFileError(
                        f"{path}:{line}: date: not an ISO 8601 day: {stamp!r}"
                    ) from None
            if (code, day) in seen:
                when = f" on {day}" if day else ""
                raise TransactionFileError(f"{path}:{line}: currency: {code}{when} given twice")
            seen.add((code, day))
            rows.append((code, day, rate))
    bases = sorted(
        code
        for code in {c for c, _, _ in rows}
        if all(rate == 1.0 for c, _, rate in rows if c == code)
    )
    if len(bases) != 1:
        raise TransactionFileError(
            f"{path}: exactly one currency must have rate 1 (the base currency); "
            f"found {', '.join(bases) or 'none'}"
        )
    return Rates(path, bases[0], rows)


def currencies(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """The currencies of ``tx`` with their transaction counts, most used first."""
    rows = con.execute(
        "SELECT currency, count(*) AS n FROM tx GROUP BY currency ORDER BY n DESC, currency"
    ).fetchall()
    return [(str(c), int(n)) for c, n in rows]


def in_one_currency(
    con: duckdb.DuckDBPyConnection,
    rates: Rates | None,
    source: str,
    report: Callable[[str], None],
) -> None:
    """Convert ``tx``'s amounts to the base currency of ``rates``; without rates, say when
    ``source`` mixes currencies (they are then compared as numbers)."""
    used = currencies(con)
    if rates is None:
        if len(used) > 1:
            listed = ", ".join(f"{c} ({n:,})" for c, n in used)
            report(
                f"{source}: {len(used)} currencies ({listed}) compared as plain numbers; "
                "give --rates to convert them to one"
            )
        return
    missing = [(c, n) for c, n in used if c not in rates.currencies]
    if missing:
        listed = ", ".join(f"{c} ({n:,} transactions)" for c, n in missing)
        raise TransactionFileError(f"{source}: no rate in {rates.path} for {listed}")
    # an undated rate applies from the first day on: one as-of join serves both kinds of file
    con.execute("CREATE OR REPLACE TEMP TABLE tx_rates (currency VARCHAR, day DATE, rate DOUBLE)")
    con.executemany(
        "INSERT INTO tx_rates VALUES (?, ?, ?)",
        [(code, day or date.min, rate) for code, day, rate in rates.rows],
    )
    # each transaction: its currency's latest rate on or before its day
    con.execute(
        """CREATE OR REPLACE TEMP TABLE tx_rate AS
        SELECT x.seq, x.currency, CAST(x.ts AS DATE) AS day, r.rate
        FROM tx x ASOF LEFT JOIN tx_rates r
          ON x.currency = r.currency AND CAST(x.ts AS DATE) >= r.day
        WHERE x.currency <> ?""",
        [rates.base],
    )
    early = con.execute(
        "SELECT currency, count(*), min(day) FROM tx_rate WHERE rate IS NULL "
        "GROUP BY currency ORDER BY currency"
    ).fetchall()
    if early:
        listed = ", ".join(f"{c} ({n:,} transactions from {d})" for c, n, d in early)
        raise TransactionFileError(
            f"{source}: no rate in {rates.path} on or before the day of {listed}"
        )
    con.execute(
        "UPDATE tx SET amount = tx.amount * r.rate, currency = ? FROM tx_rate r "
        "WHERE tx.seq = r.seq",
        [rates.base],
    )
    con.execute("DROP TABLE tx_rate")
    con.execute("DROP TABLE tx_rates")


def single_currency(con: duckdb.DuckDBPyConnection) -> str | None:
    """The one currency of ``tx`` (after any conversion), or None when it holds several."""
    used = currencies(con)
    return used[0][0] if len(used) == 1 else None
