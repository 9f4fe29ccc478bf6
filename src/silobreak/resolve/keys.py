"""The key pass: every record's blocking keys and name part sets, in forked workers.

Analysing a million records' names is the costliest step before comparison (about a tenth of
a run), so it happens once, here, for both blocking (the keys, an Arrow table the engines
join in SQL) and name frequencies (the part sets). Slices of records go to forked workers,
one per core: each returns its keys as an Arrow table, which crosses the process boundary as
a few buffers instead of millions of pickled strings. The result does not depend on the
number of workers: slices come back in order and each record's keys are sorted.
"""

from __future__ import annotations

import multiprocessing
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from silobreak.resolve.blocking import PartSets, other_script, record_keys
from silobreak.resolve.names import load_name_data
from silobreak.resolve.records import Record
from silobreak.runtime import default_workers

_SCHEMA = pa.schema([("key", pa.string()), ("rec", pa.int64()), ("other_script", pa.bool_())])
_SLICE = 20_000  # records per task at most: a fork per task costs milliseconds
_PARALLEL_MIN_RECORDS = 2 * _SLICE


@dataclass(frozen=True)
class KeyPass:
    """Blocking keys (columns ``key, rec, other_script``) and, per record, its part sets."""

    keys: pa.Table
    part_sets: list[PartSets]


def key_pass(records: list[Record], workers: int | None = None) -> KeyPass:
    """Keys and part sets of all records."""
    workers = workers or default_workers()
    others = [other_script(record) for record in records]
    if workers < 2 or len(records) < _PARALLEL_MIN_RECORDS:
        return _slice(records, others, 0, len(records))
    load_name_data()
    global _SHARED
    _SHARED = (records, others)
    size = len(records)
    # At least four slices per worker, so that no worker is left with the last long slice.
    step = min(_SLICE, -(-size // (4 * workers)))
    bounds = [(start, min(start + step, size)) for start in range(0, size, step)]
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            found = pool.starmap(_shared_slice, bounds)
    finally:
        _SHARED = None
    return KeyPass(
        pa.concat_tables(part.keys for part in found),
        [sets for part in found for sets in part.part_sets],
    )


_SHARED: tuple[list[Record], list[bool]] | None = None


def _shared_slice(start: int, stop: int) -> KeyPass:
    assert _SHARED is not None
    records, others = _SHARED
    return _slice(records, others, start, stop)


def _slice(records: list[Record], others: list[bool], start: int, stop: int) -> KeyPass:
    rows: dict[str, list[Any]] = {"key": [], "rec": [], "other_script": []}
    part_sets: list[PartSets] = []
    for index in range(start, stop):
        keys, sets = record_keys(records[index])
        part_sets.append(sets)
        for key in sorted(keys):
            rows["key"].append(key)
            rows["rec"].append(index)
            rows["other_script"].append(others[index])
    return KeyPass(pa.table(rows, schema=_SCHEMA), part_sets)
