"""Laundering typologies found without labels, each finding explainable on its own.

Every finding names its type, the accounts and transactions in it, its time window, the
amount moved and a score in (0, 1]. The rules (``PatternConfig``, defaults below) are the
typologies' textbook shapes over *fresh links* (``new_links``: the first payment between two
accounts, that way round): business pays the same counterparties again and again, a scheme
builds new links in a burst, and without this rule every busy shop is a fan-in. All windows
are on transaction time, and every multi-hop shape
is *time-respecting* (each hop after the previous one), so money that could not have flowed
that way is never chained.

- **fan-out / fan-in**: one account pays (receives from) at least ``fan`` distinct
  counterparties within ``window``; score = distinct / (2 x fan), capped at 1.
- **structuring**: at least ``structuring_count`` deposits into one account within
  ``window``, each just under the reporting ``threshold`` (within ``band`` of it).
- **cycle**: money leaves an account and comes back through 2 to ``max_cycle`` hops within
  ``window``, each hop keeping at least half of the first amount; score = smallest / largest
  amount.
- **scatter-gather**: one account pays ``fan`` or more intermediaries that each pay the same
  final account later within ``window``.
- **gather-scatter**: ``fan`` or more sources pay one account that then pays ``fan`` or more
  targets within ``window``.
- **rapid in-out**: an account passes on at least ``pass_share`` of a received amount within
  ``rapid``; score grows as the delay shrinks.
- **layering chain**: a time-respecting path of at least ``chain`` hops, each within
  ``chain_gap`` of the previous, each keeping ``pass_share`` to 100% of the previous amount
  (fees come off, nothing is added).
- **cross-bank flow**: such a path (two hops or more) through accounts at ``banks`` or more
  banks (read off IBANs); score grows with the number of banks.
- **round trip**: such a path that leaves an account of a party and ends at an account of the
  same or a related party (``related`` maps accounts to groups of related parties; the
  workspace derives it from holders and their links); score grows with the share that came
  back.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from silobreak.finance.transactions import Transaction

TYPES = (
    "fan_out",
    "fan_in",
    "structuring",
    "cycle",
    "scatter_gather",
    "gather_scatter",
    "rapid_in_out",
    "layering_chain",
    "cross_bank",
    "round_trip",
)

# Length of the bank identifier at the start of the BBAN, per IBAN country (default 4): enough
# to tell banks apart, not to name them.
BANK_CODE = {"DE": 8, "FR": 5, "AT": 5, "CH": 5, "BE": 3, "IT": 6, "TR": 5, "PL": 8, "SE": 3}


@dataclass(frozen=True)
class PatternConfig:
    window: timedelta = timedelta(days=7)
    fan: int = 5
    threshold: float = 10_000.0
    band: float = 0.1
    structuring_count: int = 3
    max_cycle: int = 5
    rapid: timedelta = timedelta(hours=24)
    pass_share: float = 0.8
    chain: int = 4
    chain_gap: timedelta = timedelta(hours=72)
    max_steps: int = 5_000  # search steps per starting transaction (bounded cost)
    new_links: bool = True  # fans, cycles, scatter/gather and chains only over fresh links
    banks: int = 3  # distinct banks a cross-bank flow passes through
    related: dict[str, str] | None = None  # account -> party group (round-tripping)


@dataclass(frozen=True)
class Finding:
    type: str
    accounts: tuple[str, ...]
    transactions: tuple[str, ...]
    start: datetime
    end: datetime
    amount: float
    score: float

    def to_json(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "accounts": list(self.accounts),
            "transactions": list(self.transactions),
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "amount": round(self.amount, 2),
            "score": round(self.score, 4),
        }


class Ledger:
    """Transactions indexed by account, in time order."""

    def __init__(self, transactions: list[Transaction]):
        self.transactions = sorted(transactions, key=lambda t: (t.timestamp, t.id))
        self.outgoing: dict[str, list[Transaction]] = defaultdict(list)
        self.incoming: dict[str, list[Transaction]] = defaultdict(list)
        for tx in self.transactions:
            self.outgoing[tx.source].append(tx)
            self.incoming[tx.target].append(tx)
        self._out_times = {a: [t.timestamp for t in txs] for a, txs in self.outgoing.items()}
        seen: set[tuple[str, str]] = set()
        self.fresh: set[str] = set()  # first payment between its two accounts, that way round
        for tx in self.transactions:
            if (tx.source, tx.target) not in seen:
                seen.add((tx.source, tx.target))
                self.fresh.add(tx.id)

    def usable(self, tx: Transaction, config: PatternConfig) -> bool:
        return not config.new_links or tx.id in self.fresh

    def out_after(self, account: str, after: datetime, until: datetime) -> list[Transaction]:
        """Payments from ``account`` strictly after ``after`` and no later than ``until``."""
        times = self._out_times.get(account)
        if not times:
            return []
        lo = bisect.bisect_right(times, after)
        hi = bisect.bisect_right(times, until)
        return self.outgoing[account][lo:hi]


def find_patterns(
    transactions: list[Transaction], config: PatternConfig | None = None
) -> list[Finding]:
    """Every finding of every type, strongest first within each type."""
    config = config or PatternConfig()
    ledger = Ledger(transactions)
    found: list[Finding] = []
    for detect in (
        fans,
        structuring,
        cycles,
        scatter_gather,
        gather_scatter,
        rapid_in_out,
        layering_chains,
        cross_bank,
        round_trips,
    ):
        found.extend(detect(ledger, config))
    found.sort(key=lambda f: (TYPES.index(f.type), -f.score, f.start, f.transactions))
    return found


def _finding(kind: str, txs: list[Transaction], accounts: list[str], score: float) -> Finding:
    ordered = sorted(txs, key=lambda t: (t.timestamp, t.id))
    return Finding(
        kind,
        tuple(dict.fromkeys(accounts)),
        tuple(t.id for t in ordered),
        ordered[0].timestamp,
        ordered[-1].timestamp,
        sum(t.amount for t in ordered),
        min(1.0, score),
    )


def _windows(
    txs: list[Transaction], window: timedelta, key: str, minimum: int
) -> Iterator[list[Transaction]]:
    """Maximal non-overlapping windows in which ``key`` takes ``minimum`` distinct values."""
    start = 0
    counts: Counter[str] = Counter()
    for end, tx in enumerate(txs):
        counts[getattr(tx, key)] += 1
        while tx.timestamp - txs[start].timestamp > window:
            old = getattr(txs[start], key)
            counts[old] -= 1
            if not counts[old]:
                del counts[old]
            start += 1
        closes = end + 1 == len(txs) or txs[end + 1].timestamp - txs[start].timestamp > window
        if len(counts) >= minimum and closes:
            yield txs[start : end + 1]
            start, counts = end + 1, Counter()


def fans(ledger: Ledger, config: PatternConfig) -> Iterator[Finding]:
    for kind, index, other in (
        ("fan_out", ledger.outgoing, "target"),
        ("fan_in", ledger.incoming, "source"),
    ):
        for account, all_txs in index.items():
            txs = [t for t in all_txs if ledger.usable(t, config)]
            for group in _windows(txs, config.window, other, config.fan):
                parties = sorted({getattr(t, other) for t in group})
                yield _finding(kind, group, [account, *parties], len(parties) / (2 * config.fan))


def structuring(ledger: Ledger, config: PatternConfig) -> Iterator[Finding]:
    low = config.threshold * (1 - config.band)
    for account, txs in ledger.incoming.items():
        under = [t for t in txs if low <= t.amount < config.threshold]
        if len(under) < config.structuring_count:
            continue
        # distinct "ids" make every deposit count, whoever made it
        for group in _windows(under, config.window, "id", config.structuring_count):
            sources = sorted({t.source for t in group})
            yield _finding(
                "structuring",
                group,
                [account, *sources],
                len(group) / (2 * config.structuring_count),
            )


def cycles(ledger: Ledger, config: PatternConfig) -> Iterator[Finding]:
    seen: set[frozenset[str]] = set()
    for first in ledger.transactions:
        if not ledger.usable(first, config):
            continue
        home, deadline = first.source, first.timestamp + config.window
        steps = 0
        stack: list[list[Transaction]] = [[first]]
        while stack and steps < config.max_steps:
            path = stack.pop()
            last = path[-1]
            for nxt in ledger.out_after(last.target, last.timestamp, deadline):
                steps += 1
                if not ledger.usable(nxt, config):
                    continue
                if nxt.amount < 0.5 * first.amount or nxt.amount > 1.1 * first.amount:
                    continue
                if nxt.target == home:
                    ids = frozenset(t.id for t in (*path, nxt))
                    if ids not in seen:
                        seen.add(ids)
                        hops = [*path, nxt]
                        amounts = [t.amount for t in hops]
                        yield _finding(
                            "cycle",
                            hops,
                            [t.source for t in hops],
                            min(amounts) / max(amounts),
                        )
                elif len(path) + 1 < config.max_cycle and nxt.target not in {
                    t.source for t in path
                }:
                    stack.append([*path, nxt])


def scatter_gather(ledger: Ledger, config: PatternConfig) -> Iterator[Finding]:
    for account, outs in ledger.outgoing.items():
        if len({t.target for t in outs}) < config.fan:
            continue
        via: dict[str, dict[str, list[Transaction]]] = defaultdict(dict)
        for out in outs:
            if not ledger.usable(out, config):
                continue
            for onward in ledger.out_after(
                out.target, out.timestamp, out.timestamp + config.window
            ):
                if onward.target in (account, out.target) or not ledger.usable(onward, config):
                    continue
                legs = via[onward.target].setdefault(out.target, [])
                legs.extend(t for t in (out, onward) if t not in legs)
        for final, middles in via.items():
            if len(middles) >= config.fan:
                txs = [t for legs in middles.values() for t in legs]
                yield _finding(
                    "scatter_gather",
                    txs,
                    [account, *sorted(middles), final],
                    len(middles) / (2 * config.fan),
                )


def gather_scatter(ledger: Ledger, config: PatternConfig) -> Iterator[Finding]:
    for account, all_ins in ledger.incoming.items():
        ins = [t for t in all_ins if ledger.usable(t, config)]
        if len({t.source for t in ins}) < config.fan:
            continue
        for group in _windows(ins, config.window, "source", config.fan):
            begin = group[0].timestamp
            outs = [
                t
                for t in ledger.out_after(account, begin, begin + config.window)
                if ledger.usable(t, config)
            ]
            targets = {t.target for t in outs}
            if len(targets) >= config.fan:
                sources = sorted({t.source for t in group})
                yield _finding(
                    "gather_scatter",
                    [*group, *outs],
                    [*sources, account, *sorted(targets)],
                    min(len(sources), len(targets)) / (2 * config.fan),
                )


def rapid_in_out(ledger: Ledger, config: PatternConfig) -> Iterator[Finding]:
    for account, ins in ledger.incoming.items():
        used: set[str] = set()
        for received in ins:
            low = config.pass_share * received.amount
            for sent in ledger.out_after(
                account, received.timestamp, received.timestamp + config.rapid
            ):
                if sent.id not in used and low <= sent.amount <= received.amount:
                    used.add(sent.id)
                    delay = (sent.timestamp - received.timestamp) / config.rapid
                    yield _finding(
                        "rapid_in_out",
                        [received, sent],
                        [received.source, account, sent.target],
                        1.0 - 0.5 * delay,
                    )
                    break


def layering_chains(ledger: Ledger, config: PatternConfig) -> Iterator[Finding]:
    """Maximal chains only: a chain contained in a longer one found is not reported again."""
    covered: set[str] = set()
    for first in ledger.transactions:
        if first.id in covered or not ledger.usable(first, config):
            continue
        best: list[Transaction] = []
        steps = 0
        stack: list[list[Transaction]] = [[first]]
        while stack and steps < config.max_steps:
            path = stack.pop()
            last = path[-1]
            extended = False
            visited = {t.source for t in path} | {last.target}
            for nxt in ledger.out_after(
                last.target, last.timestamp, last.timestamp + config.chain_gap
            ):
                steps += 1
                if nxt.target in visited or not ledger.usable(nxt, config):
                    continue
                if config.pass_share * last.amount <= nxt.amount <= last.amount:
                    stack.append([*path, nxt])
                    extended = True
            if not extended and len(path) > len(best):
                best = path
        if len(best) >= config.chain:
            covered.update(t.id for t in best)
            kept = best[-1].amount / best[0].amount
            yield _finding(
                "layering_chain",
                best,
                [best[0].source, *(t.target for t in best)],
                min(1.0, len(best) / (2 * config.chain)) * (0.5 + 0.5 * kept),
            )


def bank_of(account: str) -> str | None:
    """The bank of an IBAN-shaped account (country and bank identifier), else None."""
    code = account.replace(" ", "").upper()
    if len(code) < 12 or not (code[:2].isalpha() and code[2:4].isdigit()):
        return None
    return code[:2] + code[4 : 4 + BANK_CODE.get(code[:2], 4)]


def _flows(
    ledger: Ledger, config: PatternConfig, first: Transaction, accept: int
) -> Iterator[list[Transaction]]:
    """Time-respecting onward paths from ``first`` (each hop within ``chain_gap`` of the
    previous, keeping ``pass_share`` to 100% of its amount), of at least ``accept`` hops."""
    steps = 0
    stack: list[list[Transaction]] = [[first]]
    while stack and steps < config.max_steps:
        path = stack.pop()
        last = path[-1]
        if len(path) >= accept:
            yield path
        if len(path) >= config.chain + 2:
            continue
        visited = {t.source for t in path} | {last.target}
        for nxt in ledger.out_after(last.target, last.timestamp, last.timestamp + config.chain_gap):
            steps += 1
            if nxt.target in visited and nxt.target != first.source:
                continue
            if config.pass_share * last.amount <= nxt.amount <= last.amount:
                stack.append([*path, nxt])


def cross_bank(ledger: Ledger, config: PatternConfig) -> Iterator[Finding]:
    """Money passed on quickly through accounts at ``banks`` or more different banks: each
    bank sees one ordinary-looking transfer; only the pooled view sees the chain."""
    covered: set[str] = set()
    for first in ledger.transactions:
        if first.id in covered or bank_of(first.source) is None:
            continue
        best: list[Transaction] = []
        for path in _flows(ledger, config, first, 2):
            accounts = [first.source, *(t.target for t in path)]
            banks = {b for b in map(bank_of, accounts) if b}
            if len(banks) >= config.banks and len(path) > len(best):
                best = path
        if best:
            covered.update(t.id for t in best)
            accounts = [best[0].source, *(t.target for t in best)]
            banks = {b for b in map(bank_of, accounts) if b}
            yield _finding("cross_bank", best, accounts, len(banks) / (2 * config.banks) + 0.25)


def round_trips(ledger: Ledger, config: PatternConfig) -> Iterator[Finding]:
    """Money that leaves a party's account and comes back to an account of the same party or
    of a related one (``related``: account -> group of related parties) through others, in
    time order and keeping most of the amount: the textbook disguise of own funds as income."""
    if not config.related:
        return
    group = config.related
    seen: set[frozenset[str]] = set()
    for first in ledger.transactions:
        home = group.get(first.source)
        if home is None or group.get(first.target) == home:
            continue
        for path in _flows(ledger, config, first, 2):
            end = path[-1].target
            if group.get(end) != home or any(group.get(t.target) == home for t in path[:-1]):
                continue
            ids = frozenset(t.id for t in path)
            if ids in seen:
                continue
            seen.add(ids)
            kept = path[-1].amount / first.amount
            yield _finding(
                "round_trip",
                path,
                [first.source, *(t.target for t in path)],
                0.5 + 0.5 * kept,
            )
