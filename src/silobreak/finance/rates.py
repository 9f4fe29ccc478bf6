"""Amounts in one currency before they are compared.

A payment of 9,500 USD and one of 9,500 EUR are not the same amount: structuring is "just under
the reporting threshold" in the threshold's currency, and fans, amount statistics and traced
flows add amounts up. With ``--rates FILE`` (columns ``currency,rate``: what one unit is worth
in the base currency, the one whose rate is 1) every amount of the transaction table ``tx`` is
converted to the base currency before anything reads it, and the currency column says so.
Without rates, a file of several currencies is compared as numbers, and the caller is told.

A currency the rates do not cover stops the run with the currencies and their counts: a rate
is configuration, and guessing one (or dropping those rows) would change every finding.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from silobreak.finance.transactions import TransactionFileError

_CODE = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class Rates:
    path: Path
    base: str
    rates: dict[str, float]  # currency -> value of one unit in ``base``


def read_rates(path: Path) -> Rates:
    """The rates file, checked line by line (errors name the file and the line)."""
    rates: dict[str, float] = {}
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        fields = {f.strip().lower(): f for f in reader.fieldnames or []}
        if not {"currency", "rate"} <= set(fields):
            raise TransactionFileError(f"{path}: needs columns currency,rate")
        for line, row in enumerate(reader, start=2):
            code = (row[fields["currency"]] or "").strip().upper()
            text = (row[fields["rate"]] or "").strip()
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
            if code in rates:
                raise TransactionFileError(f"{path}:{line}: currency: {code} given twice")
            rates[code] = rate
    bases = [code for code, rate in rates.items() if rate == 1.0]
    if len(bases) != 1:
        raise TransactionFileError(
            f"{path}: exactly one currency must have rate 1 (the base currency); "
            f"found {', '.join(bases) or 'none'}"
        )
    return Rates(path, bases[0], rates)


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
    missing = [(c, n) for c, n in used if c not in rates.rates]
    if missing:
        listed = ", ".join(f"{c} ({n:,} transactions)" for c, n in missing)
        raise TransactionFileError(f"{source}: no rate in {rates.path} for {listed}")
    con.execute("CREATE OR REPLACE TEMP TABLE tx_rates (currency VARCHAR, rate DOUBLE)")
    con.executemany("INSERT INTO tx_rates VALUES (?, ?)", list(rates.rates.items()))
    con.execute(
        "UPDATE tx SET amount = tx.amount * r.rate, currency = ? FROM tx_rates r "
        "WHERE tx.currency = r.currency AND tx.currency <> ?",
        [rates.base, rates.base],
    )
    con.execute("DROP TABLE tx_rates")


def single_currency(con: duckdb.DuckDBPyConnection) -> str | None:
    """The one currency of ``tx`` (after any conversion), or None when it holds several."""
    used = currencies(con)
    return used[0][0] if len(used) == 1 else None
