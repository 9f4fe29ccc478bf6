"""Cost of the neighbourhoods that resolution's neighbour rounds use, as records and links grow.

    python benchmarks/er/bench_neighbours.py [--sizes 200000 1000000]

A synthetic workspace: N person records in five datasets and 1.5 N relationship entities,
each linking two records of one dataset (3 N entity-typed statements), as ``load_records``
collects them. Reported: seconds and the memory ``neighbourhoods`` adds beyond its inputs
(peak resident size, so run one size per process for clean numbers: ``--sizes`` does).
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import time

from silobreak.resolve.neighbours import neighbourhoods
from silobreak.resolve.records import Record


def one(n: int) -> None:
    rng = random.Random(1)
    records = [Record(f"d{i % 5}/E{i}", f"d{i % 5}", f"E{i}", "Person", "org") for i in range(n)]
    links: list[tuple[str, str]] = []
    for k in range(n * 3 // 2):
        a = rng.randrange(n)
        d = a % 5
        b = rng.randrange(n // 5) * 5 + d
        links += [(f"d{d}/R{k}", f"d{d}/E{a}"), (f"d{d}/R{k}", f"d{d}/E{b}")]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    around = neighbourhoods(records, links)
    elapsed = time.perf_counter() - started
    added = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    mean = sum(map(len, around)) / n
    print(
        f"{n:,} records, {len(links):,} links: {elapsed:.1f} s, +{added / 1e6:.2f} GB "
        f"(inputs {before / 1e6:.2f} GB), {mean:.1f} neighbours per record",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[200_000, 1_000_000])
    parser.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(args.one)
        return
    for n in args.sizes:
        subprocess.run([sys.executable, __file__, "--one", str(n)], check=True)
    print(
        "reproduce: python benchmarks/er/bench_neighbours.py --sizes "
        + " ".join(map(str, args.sizes))
    )


if __name__ == "__main__":
    main()
