"""Transaction scoring at scale: the commands as a user runs them; time and peak memory.

    python benchmarks/finance/bench_finance_scale.py [--sizes 1000000 10000000]

For each size, ``silobreak scenario transactions`` writes the file, then ``silobreak finance
train`` (features over the whole file, negatives sampled to 500k rows for the fit) and
``silobreak finance score`` (features again, a score written for every row) run as separate
processes. Peak memory is the whole process tree's, sampled twice a second; DuckDB spills
beyond SILOBREAK_FINANCE_MEMORY (default 2GB).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from memory import TreeMemory

SILOBREAK = [str(Path(sys.executable).with_name("silobreak"))]


def timed(args: list[str]) -> tuple[float, float, str]:
    """(seconds, peak GB, last line of output) of one command."""
    with TreeMemory() as memory:
        started = time.perf_counter()
        done = subprocess.run([*SILOBREAK, *args], capture_output=True, text=True, check=True)
        seconds = time.perf_counter() - started
    return seconds, memory.peak / 2**30, done.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-finance-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    for size in args.sizes:
        data, model, scores = work / f"tx_{size}.csv", work / f"model_{size}", work / "s.csv"
        gen = [
            "scenario", "transactions", "--seed", "17", "--out", str(data),
            "--transactions", str(size), "--accounts", str(size // 40),
            "--days", "365", "--schemes", str(size // 1_000),
        ]  # fmt: skip
        generated, _, _ = timed(gen)
        trained, train_gb, train_line = timed(["finance", "train", str(data), "--out", str(model)])
        scored, score_gb, score_line = timed(
            ["finance", "score", str(data), "--model", str(model), "--out", str(scores)]
        )
        print(
            f"{size:>11,} transactions (generated in {generated:.0f} s): train {trained:.0f} s "
            f"({train_gb:.1f} GB), score {scored:.0f} s ({size / scored:,.0f} tx/s, "
            f"{score_gb:.1f} GB); train + score {trained + scored:.0f} s\n"
            f"    {train_line}\n    {score_line}",
            flush=True,
        )
        for path in (data, scores, data.with_name(data.stem + "_truth.csv")):
            path.unlink(missing_ok=True)
    shutil.rmtree(work, ignore_errors=True)
    sizes = " ".join(map(str, args.sizes))
    print(f"reproduce: python benchmarks/finance/bench_finance_scale.py --sizes {sizes}")


if __name__ == "__main__":
    main()
