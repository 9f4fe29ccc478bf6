"""Money tracing: where did the funds go (forward), or where did they come from (backward).

Tracing follows time-respecting paths only: money that reached an account at time ``t`` can
leave only by a payment after ``t`` (forward), and money that left at ``t`` can only have come
in before ``t`` (backward). Amounts are *apportioned pro rata*: the traced amount ``x`` that
reached an account is spread over the account's later payments in proportion to their amounts,
and never more than the account paid on (``min(x, total)``). An account that pays nothing on
keeps what reached it (it is a sink, shown as such). Backward tracing is the mirror image over
earlier receipts.

Each hop is one query to DuckDB for the frontier's payments inside ``[start, end]``, so the cost
grows with the money's reach, not with the size of the file. Flows below ``min_share`` of the
traced total are dropped from further hops (and said so), so a hub does not flood the picture.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

import duckdb

Direction = Literal["forward", "backward"]


@dataclass(frozen=True)
class Flow:
    """Traced money moving ``source -> target`` at hop ``hop`` (1 = the account's own)."""

    hop: int
    source: str
    target: str
    amount: float
    transactions: tuple[str, ...]
    first: datetime
    last: datetime


@dataclass
class Trace:
    account: str
    direction: Direction
    start: datetime | None
    end: datetime | None
    hops: int
    total: float
    flows: list[Flow] = field(default_factory=list)
    kept: dict[str, float] = field(default_factory=dict)  # sinks: account -> amount resting
    dropped: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "direction": self.direction,
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
            "hops": self.hops,
            "total": round(self.total, 2),
            "flows": [
                {
                    "hop": f.hop,
                    "source": f.source,
                    "target": f.target,
                    "amount": round(f.amount, 2),
                    "transactions": list(f.transactions),
                    "first": f.first.isoformat(),
                    "last": f.last.isoformat(),
                }
                for f in self.flows
            ],
            "resting": {k: round(v, 2) for k, v in sorted(self.kept.items())},
            "dropped_below_min_share": round(self.dropped, 2),
        }


@dataclass(frozen=True)
class _Parcel:
    """Traced money at ``account``, available after (forward) or before (backward) ``when``."""

    account: str
    when: datetime
    amount: float


def _payments(
    con: duckdb.DuckDBPyConnection,
    accounts: list[str],
    direction: Direction,
    start: datetime | None,
    end: datetime | None,
) -> dict[str, list[tuple[str, str, float, datetime]]]:
    """(id, counterparty, amount, time) of the accounts' payments out (forward) or in."""
    mine, other = ("source", "target") if direction == "forward" else ("target", "source")
    where = [f"{mine} IN (SELECT unnest(?))"]
    params: list[Any] = [accounts]
    if start:
        where.append("ts >= ?")
        params.append(start)
    if end:
        where.append("ts <= ?")
        params.append(end)
    rows = con.execute(
        f"SELECT {mine}, id, {other}, amount, ts FROM tx WHERE {' AND '.join(where)} "
        "ORDER BY ts, seq",
        params,
    ).fetchall()
    out: dict[str, list[tuple[str, str, float, datetime]]] = defaultdict(list)
    for acct, tx_id, party, amount, ts in rows:
        out[acct].append((tx_id, party, float(amount), ts))
    return out


def trace(
    con: duckdb.DuckDBPyConnection,
    account: str,
    direction: Direction = "forward",
    start: datetime | None = None,
    end: datetime | None = None,
    hops: int = 3,
    min_share: float = 0.005,
) -> Trace:
    """Trace from ``account`` over the ``tx`` table of ``con`` (see ``finance.table``)."""
    forward = direction == "forward"
    first = _payments(con, [account], direction, start, end).get(account, [])
    result = Trace(account, direction, start, end, hops, sum(p[2] for p in first))
    if not first:
        return result
    # (hop, payer, payee) in the direction the money moved -> (amount, transaction, time)
    edges: dict[tuple[int, str, str], list[tuple[float, str, datetime]]] = defaultdict(list)
    frontier: list[_Parcel] = []
    for tx_id, party, amount, ts in first:
        edges[(1, account, party) if forward else (1, party, account)].append((amount, tx_id, ts))
        frontier.append(_Parcel(party, ts, amount))
    floor = min_share * result.total
    for hop in range(2, hops + 1):
        live = [p for p in frontier if p.amount >= floor]
        result.dropped += sum(p.amount for p in frontier if p.amount < floor)
        if not live:
            frontier = []
            break
        payments = _payments(con, sorted({p.account for p in live}), direction, start, end)
        frontier = []
        for parcel in live:
            onward = [
                p
                for p in payments.get(parcel.account, [])
                if (p[3] > parcel.when if forward else p[3] < parcel.when)
            ]
            paid = sum(p[2] for p in onward)
            if paid <= 0:
                result.kept[parcel.account] = result.kept.get(parcel.account, 0.0) + parcel.amount
                continue
            share = min(parcel.amount, paid) / paid
            if parcel.amount > paid:
                rest = parcel.amount - paid
                result.kept[parcel.account] = result.kept.get(parcel.account, 0.0) + rest
            for tx_id, party, amount, ts in onward:
                moved = amount * share
                key = (hop, parcel.account, party) if forward else (hop, party, parcel.account)
                edges[key].append((moved, tx_id, ts))
                frontier.append(_Parcel(party, ts, moved))
    for parcel in frontier:  # what the last hop delivered rests where it arrived
        result.kept[parcel.account] = result.kept.get(parcel.account, 0.0) + parcel.amount
    for (hop, source, target), parts in sorted(edges.items(), key=lambda e: (e[0][0], -_sum(e[1]))):
        times = [p[2] for p in parts]
        result.flows.append(
            Flow(
                hop,
                source,
                target,
                _sum(parts),
                tuple(dict.fromkeys(p[1] for p in parts)),
                min(times),
                max(times),
            )
        )
    return result


def _sum(parts: list[tuple[float, str, datetime]]) -> float:
    return sum(p[0] for p in parts)
