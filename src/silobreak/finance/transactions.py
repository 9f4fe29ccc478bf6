"""Transactions in the canonical CSV: ``id,source,target,amount,currency,timestamp``
(and optionally ``is_laundering``).

Reading refuses nothing silently: a row with a missing field, an amount that is not a positive
number or a timestamp that is not ISO 8601 is set aside with its line and the reason, and the
caller decides (``finance patterns`` reports them and stops unless ``--skip-bad-rows``).
Timestamps are kept as naive UTC (an offset, if given, is applied).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

REQUIRED = ("id", "source", "target", "amount", "currency", "timestamp")


@dataclass(frozen=True)
class Transaction:
    id: str
    source: str
    target: str
    amount: float
    currency: str
    timestamp: datetime
    is_laundering: bool | None = None


@dataclass(frozen=True)
class BadRow:
    line: int
    reason: str
    raw: dict[str, str]


class TransactionFileError(ValueError):
    """The file cannot be read at all (no header, missing columns)."""


def read_transactions(path: Path) -> tuple[list[Transaction], list[BadRow]]:
    """All valid transactions of ``path``, sorted by time, and the rows that were not."""
    good: list[Transaction] = []
    bad: list[BadRow] = []
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            raise TransactionFileError(f"{path}: missing column(s) {', '.join(missing)}")
        for row in reader:
            line = reader.line_num
            try:
                good.append(_parse(row))
            except ValueError as exc:
                bad.append(BadRow(line, str(exc), {k: v for k, v in row.items() if k}))
    good.sort(key=lambda t: (t.timestamp, t.id))
    return good, bad


def _parse(row: dict[str, str]) -> Transaction:
    for field in REQUIRED:
        if not (row.get(field) or "").strip():
            raise ValueError(f"{field}: empty")
    try:
        amount = float(row["amount"])
    except ValueError:
        raise ValueError(f"amount: not a number: {row['amount']!r}") from None
    if not amount > 0:
        raise ValueError(f"amount: not positive: {row['amount']!r}")
    try:
        stamp = datetime.fromisoformat(row["timestamp"].strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"timestamp: not ISO 8601: {row['timestamp']!r}") from None
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(UTC).replace(tzinfo=None)
    label = (row.get("is_laundering") or "").strip().lower()
    return Transaction(
        row["id"].strip(),
        row["source"].strip(),
        row["target"].strip(),
        amount,
        row["currency"].strip().upper(),
        stamp,
        None if label == "" else label in ("1", "true", "yes"),
    )
