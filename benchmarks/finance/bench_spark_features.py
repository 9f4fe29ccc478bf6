"""Transaction features on Spark local mode against DuckDB, on a sample of AMLSim.

    python benchmarks/finance/bench_spark_features.py [--data ../shared/data] [--rows 50000]

The first ``--rows`` transactions in time order; the same feature SQL on both engines;
reports how many values differ beyond a relative 1e-9 and the time of each engine.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from data import DATA, amlsim_csv

from silobreak.finance.pipeline import connect, feature_batches, load
from silobreak.spark import spark_session


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-spark-features-"))
    full, _ = amlsim_csv(args.data, work)
    lines = full.read_text().splitlines()
    sample = work / "sample.csv"
    sample.write_text("\n".join(lines[: args.rows + 1]) + "\n")

    def features(spark: object = None) -> tuple[list[str], np.ndarray, float]:
        con = connect()
        load(con, sample, False, print)
        started = time.perf_counter()
        batches = list(feature_batches(con, spark=spark))
        seconds = time.perf_counter() - started
        return [i for b in batches for i in b.ids], np.vstack([b.x for b in batches]), seconds

    ids_duck, x_duck, duck_s = features()
    spark = spark_session("silobreak-bench")
    try:
        features(spark)  # warm the JVM
        ids_spark, x_spark, spark_s = features(spark)
    finally:
        spark.stop()
    same_rows = ids_duck == ids_spark
    close = np.isclose(x_duck, x_spark, rtol=1e-6, equal_nan=True)  # float32 matrices
    print(
        f"{args.rows:,} transactions x {x_duck.shape[1]} features: rows in the same order "
        f"{same_rows}; values differing {int((~close).sum())} of {close.size:,}; "
        f"DuckDB {duck_s:.1f} s, Spark local[2] {spark_s:.1f} s (warm)"
    )
    print(f"reproduce: python benchmarks/finance/bench_spark_features.py --rows {args.rows}")


if __name__ == "__main__":
    main()
