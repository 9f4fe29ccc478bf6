"""Company and product names from the ER-Magellan sets, compared by silobreak's names alone.

    python benchmarks/er/bench_magellan.py [--data ../shared/data]

A further check of the names component, not of full resolution: each labelled pair's first
attribute (restaurant name, product title, beer name, song name) is compared with
``compare_names`` (restaurants as Organization, beers as Company, products as Security, the
FtM schema whose names are treated as things). Reported per set: F1 on ``valid`` at the
default threshold (0.7); the threshold that maximises F1 on ``valid`` (chosen there only);
and F1 on ``test`` at that threshold, computed once. The test split is never used to choose.
"""

from __future__ import annotations

import argparse
import json
import os
import re
from pathlib import Path

from silobreak.resolve.names import DEFAULT_THRESHOLD, compare_names

SETS = {
    "Structured/Fodors-Zagats": "Organization",
    "Structured/Beer": "Company",
    "Structured/Amazon-Google": "Security",
    "Structured/Walmart-Amazon": "Security",
    "Structured/iTunes-Amazon": "Security",
    "Textual/Abt-Buy": "Security",
}
_FIRST = re.compile(r"COL \S+ VAL (.*?)(?= COL |$)")


def pairs(path: Path) -> list[tuple[str, str, bool]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        left, right, label = line.split("\t")
        a, b = _FIRST.search(left), _FIRST.search(right)
        out.append((a.group(1).strip() if a else "", b.group(1).strip() if b else "", label == "1"))
    return out


def f1(scored: list[tuple[float, bool]], threshold: float) -> float:
    tp = sum(1 for s, y in scored if s >= threshold and y)
    fp = sum(1 for s, y in scored if s >= threshold and not y)
    fn = sum(1 for s, y in scored if s < threshold and y)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--data", type=Path, default=Path(os.environ.get("SILOBREAK_DATA", "../shared/data"))
    )
    args = parser.parse_args()
    root = args.data / "er" / "er_magellan"
    for name, schema in SETS.items():
        scored = {}
        for split in ("valid", "test"):
            scored[split] = [
                (compare_names(schema, a, b).score, y)
                for a, b, y in pairs(root / name / f"{split}.txt")
            ]
        grid = [t / 100 for t in range(30, 100, 2)]
        best = max(grid, key=lambda t: (f1(scored["valid"], t), -abs(t - DEFAULT_THRESHOLD)))
        print(
            json.dumps(
                {
                    "set": name,
                    "schema": schema,
                    "valid_pairs": len(scored["valid"]),
                    "valid_f1_at_default": round(f1(scored["valid"], DEFAULT_THRESHOLD), 3),
                    "threshold_chosen_on_valid": best,
                    "valid_f1": round(f1(scored["valid"], best), 3),
                    "test_pairs": len(scored["test"]),
                    "test_f1": round(f1(scored["test"], best), 3),
                }
            ),
            flush=True,
        )
    print("reproduce: python benchmarks/er/bench_magellan.py")


if __name__ == "__main__":
    main()
