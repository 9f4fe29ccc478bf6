"""Anchor for bench_names.py: nomenklatura logic-v2 on the same name pairs, timed live.

nomenklatura is not a silobreak dependency. Run this in its own environment, in the same
session as bench_names.py:

    python -m venv /tmp/anchor && /tmp/anchor/bin/pip install nomenklatura==4.17.4
    /tmp/anchor/bin/python benchmarks/er/anchor_logicv2_names.py [--data ../shared/data]

Each pair becomes two single-name entities of the case's schema, scored by logic-v2's
``name_match`` feature (the name part of ``LogicV2.compare``, which the frozen scores
record). Prints F1 at 0.7 and pairs per second.
"""

from __future__ import annotations

import argparse
import csv
import os
import time
from pathlib import Path

from followthemoney import model
from nomenklatura.matching.logic_v2.model import LogicV2
from nomenklatura.matching.logic_v2.names.match import name_match


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--data", type=Path, default=Path(os.environ.get("SILOBREAK_DATA", "../shared/data"))
    )
    parser.add_argument("--threshold", type=float, default=0.7)
    args = parser.parse_args()
    with (args.data / "names" / "name_bench_cases.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    config = LogicV2.default_config()

    def score(row: dict[str, str]) -> float:
        left = model.make_entity(row["schema"])
        left.id = "q"
        left.add("name", row["name1"])
        right = model.make_entity(row["schema"])
        right.id = "r"
        right.add("name", row["name2"])
        return float(name_match(left, right, config).score)

    scores = [score(row) for row in rows]  # pass 1: one-time loading, as in bench_names.py
    started = time.perf_counter()  # pass 2, timed
    for row in rows:
        score(row)
    elapsed = time.perf_counter() - started
    t = args.threshold
    tp = sum(1 for r, s in zip(rows, scores, strict=True) if s >= t and r["is_match"] == "true")
    fp = sum(1 for r, s in zip(rows, scores, strict=True) if s >= t and r["is_match"] != "true")
    fn = sum(1 for r, s in zip(rows, scores, strict=True) if s < t and r["is_match"] == "true")
    p, rc = tp / (tp + fp), tp / (tp + fn)
    print(
        f"logic-v2 live on {len(rows)} cases: F1 {2 * p * rc / (p + rc):.3f} precision {p:.3f} "
        f"recall {rc:.3f} at {t}"
    )
    print(f"logic-v2: {len(rows) / elapsed:,.0f} pairs/s ({elapsed * 1e6 / len(rows):.0f} us/pair)")


if __name__ == "__main__":
    main()
