"""What more blocking keys would buy on the historical figures: for each family of keys not
used today (or used only when very rare), the pairs it would add to today's candidates and how
many of them are true.

    python benchmarks/er/blocking_gains.py [--data ../shared/data] [--cap 20]

A key held by 2 to ``--cap`` records pairs all of them (the rule for rare name keys). Today's
candidates are the default blocking's (``key_pass`` and the DuckDB engine's candidate query).
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_historical import load

from silobreak.resolve.engines import DuckDBEngine
from silobreak.resolve.keys import key_pass
from silobreak.resolve.records import Record

KeyFamily = Callable[[Record, set[str]], set[str]]


def _surnames(record: Record) -> set[str]:
    return {name.split()[-1] for name in record.names if name.split()}


def _existing(prefix: str) -> KeyFamily:
    return lambda record, keys: {k for k in keys if k.startswith(prefix)}


FAMILIES: dict[str, KeyFamily] = {
    "name part with birth year (ny:)": _existing("ny:"),
    "name sound (nm:)": _existing("nm:"),
    "full birth date (d:)": _existing("d:"),
    "birth place (p:)": _existing("p:"),
    "birth date with the surname's initial": lambda r, _: {
        f"{d}:{s[0]}" for d in r.birth_dates if len(d) == 10 for s in _surnames(r)
    },
    "birth year with birth place": lambda r, _: {
        f"{d[:4]}:{p}" for d in r.birth_dates for p in r.birth_places
    },
    "birth year with the surname's first three letters": lambda r, _: {
        f"{d[:4]}:{s[:3]}" for d in r.birth_dates for s in _surnames(r) if len(s) >= 3
    },
    "year-month or year-day of birth with the surname's first two letters": lambda r, _: {
        f"{part}:{s[:2]}"
        for d in r.birth_dates
        if len(d) == 10
        for part in (d[:7], f"{d[:4]}-{d[8:]}")
        for s in _surnames(r)
    },
}


def _row(label: str, new: set[tuple[int, int]], truth: set[tuple[int, int]]) -> None:
    hits = len(new & truth)
    print(
        f"| {label} | {len(new):,} | {hits:,} | {hits / len(truth):.4f} | "
        f"{hits / max(1, len(new)):.2f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--data", type=Path, default=Path(os.environ.get("SILOBREAK_DATA", "../shared/data"))
    )
    parser.add_argument("--cap", type=int, default=20)
    args = parser.parse_args()
    records, truth, _ = load(args.data)
    found = key_pass(records)
    candidates = set(DuckDBEngine().candidate_pairs(found.keys))
    keys_of: dict[int, set[str]] = defaultdict(set)
    for key, rec in zip(
        found.keys.column("key").to_pylist(), found.keys.column("rec").to_pylist(), strict=True
    ):
        keys_of[rec].add(key)
    print(
        f"true pairs {len(truth):,}; candidates {len(candidates):,}; "
        f"blocking recall {len(truth & candidates) / len(truth):.4f}"
    )
    print("| key | new pairs | true | recall gained | precision of the new pairs |")
    print("|---|---:|---:|---:|---:|")
    union: set[tuple[int, int]] = set()
    for label, family in FAMILIES.items():
        groups: dict[str, list[int]] = defaultdict(list)
        for index, record in enumerate(records):
            for key in family(record, keys_of[index]):
                groups[key].append(index)
        new = {
            pair
            for members in groups.values()
            if 2 <= len(members) <= args.cap
            for pair in itertools.combinations(sorted(members), 2)
        } - candidates
        union |= new
        _row(label, new, truth)
    _row("all of them", union, truth)
    print(f"reproduce: python benchmarks/er/blocking_gains.py --cap {args.cap}")


if __name__ == "__main__":
    main()
