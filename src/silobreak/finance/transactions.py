"""A transaction, as the typologies and tracing see it: the canonical CSV's
``id,source,target,amount,currency,timestamp`` (and optionally ``is_laundering``), timestamps
as naive UTC. Files are read and checked by ``finance.table``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pyarrow as pa

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


class TransactionFileError(ValueError):
    """The file cannot be read at all (no header, missing columns)."""


def as_transactions(rows: pa.Table) -> list[Transaction]:
    """Transactions from a table with ``id, source, target, amount, currency, ts`` (and,
    optionally, ``is_laundering``) columns, in the table's order."""
    labels = (
        rows.column("is_laundering").to_pylist()
        if "is_laundering" in rows.column_names
        else [None] * rows.num_rows
    )
    return [
        Transaction(r["id"], r["source"], r["target"], r["amount"], r["currency"], r["ts"], y)
        for r, y in zip(
            rows.select(["id", "source", "target", "amount", "currency", "ts"]).to_pylist(),
            labels,
            strict=True,
        )
    ]
