"""Name matching on nomenklatura's name_bench cases, against logic-v2's frozen scores.

    python benchmarks/er/bench_names.py [--data ../shared/data] [--threshold 0.7]

Prints F1, precision and recall at the threshold (the anchor's 0.7 by default) for silobreak
and for nomenklatura logic-v2 (its frozen scores from the same file, read from the data
folder), errors on STRONG pairs, a breakdown by case group and schema, and pairs per second.
Two halves of the cases, split by a hash of the case, are reported separately: the "tune"
half is the one used while developing the comparator, the "check" half was not looked at.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import time
from collections import defaultdict
from pathlib import Path

from silobreak.resolve.names import DEFAULT_THRESHOLD, clear_caches, compare_names


def f1(rows: list[dict[str, str]], key: str, threshold: float) -> tuple[float, float, float]:
    tp = sum(1 for r in rows if float(r[key]) >= threshold and r["is_match"] == "true")
    fp = sum(1 for r in rows if float(r[key]) >= threshold and r["is_match"] != "true")
    fn = sum(1 for r in rows if float(r[key]) < threshold and r["is_match"] == "true")
    p = tp / (tp + fp) if tp + fp else 0.0
    rc = tp / (tp + fn) if tp + fn else 0.0
    return (2 * p * rc / (p + rc) if p + rc else 0.0), p, rc


def half(row: dict[str, str]) -> str:
    key = "|".join((row["case_group"], row["schema"], row["name1"], row["name2"]))
    return "tune" if hashlib.blake2b(key.encode(), digest_size=1).digest()[0] % 2 else "check"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--data", type=Path, default=Path(os.environ.get("SILOBREAK_DATA", "../shared/data"))
    )
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()
    names = args.data / "names"
    with (names / "name_bench_cases.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    with (names / "name_bench_logicv2_frozen.csv").open() as fh:
        frozen = {
            (r["case_group"], r["schema"], r["name1"], r["name2"]): r["score"]
            for r in csv.DictReader(fh)
        }
    for row in rows:  # pass 1: loads rigour's automata and ICU's transliterators once
        result = compare_names(row["schema"], row["name1"], row["name2"])
        row["silobreak"] = str(result.score)
        row["explain"] = result.explain()
    clear_caches()  # pass 2, timed: every name analysed and compared again (no cache hit)
    started = time.perf_counter()
    for row in rows:
        compare_names(row["schema"], row["name1"], row["name2"])
    elapsed = time.perf_counter() - started
    clear_caches(analysis=False)
    started = time.perf_counter()  # pass 3, timed: names already analysed (as in resolution)
    for row in rows:
        compare_names(row["schema"], row["name1"], row["name2"])
    warm = time.perf_counter() - started
    for row in rows:
        row["half"] = half(row)
    everything = rows
    # The frozen run predates some cases: compare head to head on the cases both have.
    rows = [r for r in rows if (r["case_group"], r["schema"], r["name1"], r["name2"]) in frozen]
    for row in rows:
        row["logicv2"] = frozen[(row["case_group"], row["schema"], row["name1"], row["name2"])]
    t = args.threshold
    score, p, r = f1(everything, "silobreak", t)
    print(f"all {len(everything)} cases: silobreak F1 {score:.3f} precision {p:.3f} recall {r:.3f}")
    print(f"{len(rows)} cases scored by both, threshold {t}")
    for subset_name, subset in [
        ("all", rows),
        ("tune half", [r for r in rows if r["half"] == "tune"]),
        ("check half", [r for r in rows if r["half"] == "check"]),
    ]:
        for key in ("silobreak", "logicv2"):
            score, p, r = f1(subset, key, t)
            print(f"  {subset_name:10s} {key:9s} F1 {score:.3f}  precision {p:.3f}  recall {r:.3f}")
    strong = [r for r in rows if r["quality"] == "STRONG"]
    for key in ("silobreak", "logicv2"):
        wrong = [r for r in strong if (float(r[key]) >= t) != (r["is_match"] == "true")]
        print(f"  STRONG errors {key}: {len(wrong)} of {len(strong)}")
    groups: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        groups[f"group {row['case_group']}"].append(row)
        groups[f"schema {row['schema']}"].append(row)
    for name, subset in sorted(groups.items()):
        ours, theirs = f1(subset, "silobreak", t)[0], f1(subset, "logicv2", t)[0]
        print(f"  {name:28s} n={len(subset):4d}  silobreak {ours:.3f}  logicv2 {theirs:.3f}")
    n = len(everything)
    print(
        f"silobreak: {n / elapsed:,.0f} pairs/s ({elapsed * 1e6 / n:.0f} us/pair) analysing "
        f"every name; {n / warm:,.0f} pairs/s ({warm * 1e6 / n:.0f} us/pair) with names "
        "analysed once; 1 core"
    )
    if args.show_errors:
        for row in rows:
            if row["half"] == "tune" and (float(row["silobreak"]) >= t) != (
                row["is_match"] == "true"
            ):
                print(
                    f"{row['is_match']:5s} {float(row['silobreak']):.2f} {row['logicv2']} "
                    f"{row['schema']:8s} {row['name1']} | {row['name2']} :: {row['explain']}"
                )
    print("reproduce: python benchmarks/er/bench_names.py")


if __name__ == "__main__":
    main()
