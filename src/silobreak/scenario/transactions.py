"""Synthetic transactions with planted laundering typologies, for tests, demos and scale runs.

Background activity is what banks see every day: each account has a handful of regular
counterparties it pays again and again (rent, suppliers, family), occasional one-off payments
to popular merchants, amounts on a log-normal scale of its own, and times in business hours.
Laundering is planted on top, each instance with its own members and a window of days:

- ``fan_out`` / ``fan_in``: one account pays (is paid by) 6-12 fresh counterparties;
- ``cycle``: 3-6 accounts pass money round in time order, a small fee off at each hop;
- ``scatter_gather`` / ``gather_scatter``: through 6-10 intermediaries;
- ``structuring``: 4-8 deposits just under the 10,000 reporting threshold;
- ``layering_chain``: 4-7 hops, each within hours of the previous, fees off.

Laundering accounts are partly fresh mule accounts (first seen with the scheme) and partly
established ones, so "new account" alone does not give them away. Deterministic per seed;
generated with numpy in blocks so ten million rows take a minute, not an hour.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

TYPOLOGIES = (
    "fan_out",
    "fan_in",
    "cycle",
    "scatter_gather",
    "gather_scatter",
    "structuring",
    "layering_chain",
)
COLUMNS = ("id", "source", "target", "amount", "currency", "timestamp", "is_laundering")
START = datetime(2025, 1, 1)


@dataclass(frozen=True)
class TransactionSpec:
    accounts: int = 2_000
    transactions: int = 50_000
    days: int = 180
    schemes: int = 40  # laundering instances, spread over the typologies
    currency: str = "EUR"
    seed: int = 1


@dataclass
class Planted:
    """Laundering rows: (source, target, amount, seconds from START) and their typology."""

    rows: list[tuple[int, int, float, int]]
    typology: list[str]
    scheme: list[int]


def _names(accounts: int, names: list[str] | None) -> np.ndarray:
    if names:
        extra = [f"ACC{i:08d}" for i in range(len(names), accounts)]
        return np.array([*names, *extra][:accounts], dtype=object)
    return np.array([f"ACC{i:08d}" for i in range(accounts)], dtype=object)


def _business_seconds(rng: np.random.Generator, days: np.ndarray) -> np.ndarray:
    hours = np.clip(rng.normal(13, 3, len(days)), 0, 23.99)
    return (days * 86_400 + hours * 3_600).astype(np.int64)


def _accounts_in_turn(rng: np.random.Generator, pool: np.ndarray, suspects: int) -> Iterator[int]:
    """The suspects, then the rest of ``pool`` in a random order; a small world whose schemes
    need more accounts than it has starts over with a new order (accounts then serve in two
    schemes) rather than run out. The first order is drawn at once, as it always was, so a
    seed still gives the same file."""
    first = rng.permutation(pool[suspects:])

    def turns() -> Iterator[int]:
        yield from pool[:suspects]
        yield from first
        while True:
            yield from rng.permutation(pool[suspects:])

    return turns()


def _plant(
    rng: np.random.Generator, spec: TransactionSpec, pool: np.ndarray, suspects: int
) -> Planted:
    """Draw the laundering schemes from ``pool`` (its first ``suspects`` go first)."""
    planted = Planted([], [], [])
    fresh = _accounts_in_turn(rng, pool, suspects)
    for k in range(spec.schemes):
        kind = TYPOLOGIES[k % len(TYPOLOGIES)]
        day0 = int(rng.integers(5, max(6, spec.days - 35)))
        t0 = day0 * 86_400 + int(rng.integers(8, 18)) * 3_600

        def when(offset_days: float, t0: int = t0) -> int:
            return int(t0 + offset_days * 86_400 + rng.integers(0, 3_600))

        def add(s: int, d: int, amount: float, at: int, kind: str = kind, k: int = k) -> None:
            planted.rows.append((s, d, round(float(amount), 2), at))
            planted.typology.append(kind)
            planted.scheme.append(k)

        base = float(np.exp(rng.normal(8.0, 0.6)))
        if kind in ("fan_out", "fan_in"):
            hub = next(fresh)
            for i in range(int(rng.integers(6, 13))):
                other = next(fresh)
                amount = base * rng.uniform(0.3, 0.9)
                s, d = (hub, other) if kind == "fan_out" else (other, hub)
                add(s, d, amount, when(i * rng.uniform(0.2, 1.5)))
        elif kind in ("cycle", "layering_chain"):
            size = int(rng.integers(3, 7)) if kind == "cycle" else int(rng.integers(5, 8))
            members = [next(fresh) for _ in range(size)]
            path = [*members, members[0]] if kind == "cycle" else members
            amount, at = base, when(0)
            for a, b in pairwise(path):
                add(a, b, amount, at)
                amount *= rng.uniform(0.95, 0.99)
                at += int(rng.uniform(0.1, 2.0 if kind == "cycle" else 0.5) * 86_400)
        elif kind in ("scatter_gather", "gather_scatter"):
            head, tail = next(fresh), next(fresh)
            middles = [next(fresh) for _ in range(int(rng.integers(6, 11)))]
            if kind == "scatter_gather":
                for i, m in enumerate(middles):
                    amount = base * rng.uniform(0.3, 0.8)
                    at = when(i * rng.uniform(0.1, 0.6))
                    add(head, m, amount, at)
                    add(
                        m,
                        tail,
                        amount * rng.uniform(0.95, 0.99),
                        at + int(rng.uniform(1, 4) * 86_400),
                    )
            else:
                hub = head
                for i, m in enumerate(middles):
                    add(m, hub, base * rng.uniform(0.3, 0.8), when(i * rng.uniform(0.1, 0.5)))
                targets = [next(fresh) for _ in range(int(rng.integers(6, 11)))]
                for i, target in enumerate(targets):
                    add(
                        hub,
                        target,
                        base * rng.uniform(0.3, 0.8),
                        when(6 + i * rng.uniform(0.1, 0.5)),
                    )
        else:  # structuring
            target = next(fresh)
            for i in range(int(rng.integers(4, 9))):
                source = next(fresh) if rng.random() < 0.5 else target
                source = source if source != target else next(fresh)
                add(source, target, rng.uniform(9_000, 9_990), when(i * rng.uniform(0.3, 1.2)))
    return planted


def generate_transactions(
    out: Path,
    spec: TransactionSpec,
    account_names: list[str] | None = None,
    suspects: int = 0,
) -> tuple[int, dict[str, int]]:
    """Write ``out`` (the canonical transaction CSV, with ``is_laundering``) and beside it
    ``<stem>_truth.csv`` (``id,typology,scheme``). Returns (rows, laundering rows per type).

    ``account_names`` name the first accounts (a scenario's IBANs); the first ``suspects`` of
    them always take part in laundering, so the world's criminals hold the laundering accounts.
    """
    rng = np.random.default_rng(spec.seed)
    n_acc = max(50, spec.accounts)
    n_mules = max(20, spec.schemes * 8)  # fresh accounts that exist only for the schemes
    names = _names(n_acc + n_mules, account_names)
    activity = rng.pareto(1.5, n_acc) + 0.2
    activity /= activity.sum()
    scale = np.exp(rng.normal(5.0, 1.0, n_acc))  # each account's typical payment
    partners = rng.integers(0, n_acc, size=(n_acc, 6))
    popular = rng.pareto(1.2, n_acc) + 0.05
    popular /= popular.sum()
    established = rng.choice(
        np.arange(suspects, n_acc), size=min(n_acc - suspects, spec.schemes * 12), replace=False
    )
    pool = np.concatenate([np.arange(suspects), established, np.arange(n_acc, n_acc + n_mules)])
    planted = _plant(rng, spec, pool, suspects)
    n_bg = max(0, spec.transactions - len(planted.rows))

    cols: dict[str, list[np.ndarray]] = {c: [] for c in ("s", "d", "a", "t", "y")}
    block = 2_000_000
    for start in range(0, n_bg, block):
        n = min(block, n_bg - start)
        s = rng.choice(n_acc, size=n, p=activity)
        regular = rng.random(n) < 0.75
        d = np.where(
            regular, partners[s, rng.integers(0, 6, n)], rng.choice(n_acc, size=n, p=popular)
        )
        d = np.where(d == s, (d + 1) % n_acc, d)
        amount = np.round(scale[s] * np.exp(rng.normal(0, 0.5, n)), 2)
        amount = np.maximum(amount, 1.0)
        t = _business_seconds(rng, rng.integers(0, spec.days, n))
        for key, values in zip("sdaty", (s, d, amount, t, np.zeros(n, dtype=bool)), strict=True):
            cols[key].append(values)
    if planted.rows:
        arr = np.array(planted.rows, dtype=float)
        for key, values in zip(
            "sdat",
            (
                arr[:, 0].astype(np.int64),
                arr[:, 1].astype(np.int64),
                arr[:, 2],
                arr[:, 3].astype(np.int64),
            ),
            strict=True,
        ):
            cols[key].append(values)
        cols["y"].append(np.ones(len(arr), dtype=bool))
    s, d, a, t, y = (np.concatenate(cols[k]) for k in "sdaty")
    order = np.argsort(t, kind="stable")
    s, d, a, t, y = s[order], d[order], a[order], t[order], y[order]
    ids = np.char.add("T", np.arange(1, len(s) + 1).astype(str))
    stamps = (np.datetime64(START, "s") + t.astype("timedelta64[s]")).astype(str)
    table = pa.table(
        {
            "id": ids,
            "source": names[s].astype(str),
            "target": names[d].astype(str),
            "amount": a,
            "currency": np.full(len(s), spec.currency),
            "timestamp": np.char.add(stamps.astype(str), "Z"),
            "is_laundering": y.astype(np.int8),
        }
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    pacsv.write_csv(table, out, pacsv.WriteOptions(quoting_style="needed"))
    # the truth: which planted row became which id
    positions = np.nonzero(order >= n_bg)[0]
    counts: dict[str, int] = {}
    with out.with_name(out.stem + "_truth.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "typology", "scheme"])
        for pos in positions:
            k = int(order[pos]) - n_bg
            writer.writerow([ids[pos], planted.typology[k], planted.scheme[k]])
            counts[planted.typology[k]] = counts.get(planted.typology[k], 0) + 1
    return len(s), counts
