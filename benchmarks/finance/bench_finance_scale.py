"""Transaction scoring end to end at scale: generate, train, score; time and peak memory.

    python benchmarks/finance/bench_finance_scale.py [--sizes 1000000 3000000 10000000]

For each size, silobreak's generator writes the file (timed apart), then ``finance train``
(features on the whole file, negatives sampled to 500k rows for the fit) and ``finance score``
(features again, scores written for every row) run as one would run them. Peak memory is the
whole process tree's (DuckDB spills beyond SILOBREAK_FINANCE_MEMORY, default 4GB).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from memory import TreeMemory
from silobreak.finance.pipeline import score_file, train_file
from silobreak.scenario.transactions import TransactionSpec, generate_transactions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 3_000_000, 10_000_000])
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-finance-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    for size in args.sizes:
        data = work / f"tx_{size}.csv"
        started = time.perf_counter()
        spec = TransactionSpec(
            accounts=size // 40, transactions=size, days=365, schemes=size // 1_000, seed=17
        )
        generate_transactions(data, spec)
        generated = time.perf_counter() - started
        with TreeMemory() as memory:
            started = time.perf_counter()
            model = train_file(data, report=print)
            trained = time.perf_counter() - started
            started = time.perf_counter()
            rows, flagged = score_file(data, model, work / f"scores_{size}.csv", report=print)
            scored = time.perf_counter() - started
        total = trained + scored
        print(
            f"{size:>11,} transactions: generate {generated:.0f} s; train {trained:.0f} s, "
            f"score {scored:.0f} s ({rows / scored:,.0f} tx/s); end to end {total:.0f} s; "
            f"peak memory {memory.peak / 2**30:.1f} GB; validation F1 "
            f"{model.meta.validation['f1']:.3f}; flagged {flagged:,}",
            flush=True,
        )
        data.unlink()
        (work / f"scores_{size}.csv").unlink()
    shutil.rmtree(work, ignore_errors=True)
    print(
        "reproduce: python benchmarks/finance/bench_finance_scale.py --sizes "
        + " ".join(map(str, args.sizes))
    )


if __name__ == "__main__":
    main()
