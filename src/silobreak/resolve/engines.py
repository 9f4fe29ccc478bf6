"""Compute engines for resolution: where blocking and comparison run.

Both engines run the same blocking SQL (``resolve/sql.py``) and the same Python comparison
(``compare.py``); model estimation and clustering then run on the driver with the same code.
So for the same records they produce the same candidate pairs, the same comparisons and the
same clusters. ``duckdb`` runs on this machine (comparisons in forked workers); ``spark``
distributes blocking (Spark SQL) and comparison (Python workers) over a Spark cluster
(``local[2]`` unless a master URL is given).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import tempfile
from collections.abc import Iterable
from typing import Protocol

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from silobreak.resolve.blocking import BLOCKING_LIMITS
from silobreak.resolve.compare import Comparison, compare_records, intern_levels
from silobreak.resolve.names import load_name_data
from silobreak.resolve.records import Record
from silobreak.resolve.sql import CANDIDATE_PAIRS, candidate_parameters
from silobreak.runtime import default_workers
from silobreak.spark import spark_session

ENGINES = ("duckdb", "spark")


class Engine(Protocol):
    name: str

    def candidate_pairs(self, keys: pa.Table) -> list[tuple[int, int]]: ...

    def compare(
        self, records: list[Record], pairs: list[tuple[int, int]], explain: bool = False
    ) -> list[Comparison]: ...


class DuckDBEngine:
    """DuckDB for the blocking join, forked Python workers for comparisons (one per core,
    ``SILOBREAK_WORKERS`` to change)."""

    name = "duckdb"

    def __init__(self, workers: int | None = None):
        self.workers = workers or default_workers()

    def candidate_pairs(self, keys: pa.Table) -> list[tuple[int, int]]:
        # Bounded as the store is (SILOBREAK_DUCKDB_MEMORY): a large join spills to disk.
        with tempfile.TemporaryDirectory(prefix="silobreak-block-") as spill:
            config: dict[str, str | bool | int | float | list[str]] = {
                "memory_limit": os.environ.get("SILOBREAK_DUCKDB_MEMORY", "512MB"),
                "temp_directory": spill,
            }
            con = duckdb.connect(config=config)
            con.register("keys", keys)
            parts = max(1, -(-keys.num_rows // KEY_ROWS_PER_PART))
            rows = [
                row
                for part in range(parts)
                for row in con.sql(
                    CANDIDATE_PAIRS, params=candidate_parameters(BLOCKING_LIMITS, parts, part)
                ).fetchall()
            ]
            con.close()
        return sorted((int(i), int(j)) for i, j in rows)

    def compare(
        self, records: list[Record], pairs: list[tuple[int, int]], explain: bool = False
    ) -> list[Comparison]:
        """Compare in worker processes when there is enough work to share (``explain``: with
        the evidence, as ``compare_records``).

        Workers are forked, so they inherit the records and rigour's name data (loaded here
        first); chunks come back in order, so the result does not depend on the workers.
        Each chunk gets a fresh worker: a long-lived one fills its own copy of the name
        caches (about 15 KB per analysed name) and copies the pages it touches, which at a
        million records cost more than a gigabyte per worker; a fork per chunk costs
        milliseconds.
        """
        if self.workers < 2 or len(pairs) < _PARALLEL_MIN_PAIRS:
            return _compare_chunk(records, pairs, explain)
        load_name_data()
        global _SHARED_RECORDS
        _SHARED_RECORDS = records
        size = max(1000, len(pairs) // (self.workers * 32) + 1)
        chunks = [pairs[k : k + size] for k in range(0, len(pairs), size)]
        context = multiprocessing.get_context("fork")
        # Frozen objects are skipped by the garbage collector: the workers' collections do not
        # write to every record's header, so the pages stay shared instead of being copied.
        gc.freeze()
        try:
            with context.Pool(self.workers, maxtasksperchild=1) as pool:
                found = pool.starmap(_compare_shared, [(chunk, explain) for chunk in chunks])
        finally:
            gc.unfreeze()
            _SHARED_RECORDS = []
        return [
            Comparison(c.left, c.right, intern_levels(c.levels), c.evidence, c.conflict)
            for chunk in found
            for c in chunk
        ]


_PARALLEL_MIN_PAIRS = 20_000
# Blocking keys per part of DuckDB's candidate query: its aggregate holds one group per pair
# of records and did not spill within 512MB at 1M records (14M keys) in one part. Measured:
# 4.3M keys needed more than 200MB in one part.
KEY_ROWS_PER_PART = 2_000_000
_SHARED_RECORDS: list[Record] = []


def _compare_chunk(
    records: list[Record], pairs: list[tuple[int, int]], explain: bool = False
) -> list[Comparison]:
    out = []
    for i, j in pairs:
        comp = compare_records(i, j, records[i], records[j], explain=explain)
        if comp is not None:
            out.append(comp)
    return out


def _compare_shared(pairs: list[tuple[int, int]], explain: bool) -> list[Comparison]:
    return _compare_chunk(_SHARED_RECORDS, pairs, explain)


class SparkEngine:
    """Spark SQL for the blocking join, Python workers for comparisons."""

    name = "spark"

    def __init__(self, master: str | None = None):
        self.spark = spark_session("silobreak-resolve", master)

    def candidate_pairs(self, keys: pa.Table) -> list[tuple[int, int]]:
        # Keys reach Spark as a Parquet file, not through the driver's socket: a million
        # records make tens of millions of keys.
        with tempfile.TemporaryDirectory(prefix="silobreak-keys-") as folder:
            path = os.path.join(folder, "keys.parquet")
            pq.write_table(keys, path)
            self.spark.read.parquet(path).createOrReplaceTempView("keys")
            rows = self.spark.sql(
                CANDIDATE_PAIRS, args=candidate_parameters(BLOCKING_LIMITS)
            ).collect()
        return [(int(row[0]), int(row[1])) for row in rows]

    def compare(
        self, records: list[Record], pairs: list[tuple[int, int]], explain: bool = False
    ) -> list[Comparison]:
        if not pairs:
            return []
        shared = self.spark.sparkContext.broadcast(records)

        def run(part: Iterable[tuple[int, int]]) -> Iterable[Comparison]:
            local = shared.value
            for i, j in part:
                comp = compare_records(i, j, local[i], local[j], explain=explain)
                if comp is not None:
                    yield comp

        slices = max(2, min(64, len(pairs) // 2000))
        found = self.spark.sparkContext.parallelize(pairs, slices).mapPartitions(run).collect()
        shared.unpersist()
        found = [
            Comparison(c.left, c.right, intern_levels(c.levels), c.evidence, c.conflict)
            for c in found
        ]
        return sorted(found, key=lambda c: (c.left, c.right))

    def stop(self) -> None:
        self.spark.stop()


def make_engine(name: str, master: str | None = None) -> DuckDBEngine | SparkEngine:
    if name == "duckdb":
        return DuckDBEngine()
    if name == "spark":
        return SparkEngine(master)
    raise ValueError(f"unknown engine {name!r}; use one of {', '.join(ENGINES)}")
