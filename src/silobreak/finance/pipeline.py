"""Files to features to scores: what ``finance train`` and ``finance score`` run.

DuckDB holds the transactions and computes the features (``features.feature_sql``); the
feature matrix goes to LightGBM as float32. Scoring streams the result in batches so that a
file of tens of millions of transactions never sits in memory twice.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.csv as pacsv

from silobreak.finance.features import FEATURES, SEQ_SPAN, account_sql, feature_sql
from silobreak.finance.rates import Rates, in_one_currency, single_currency
from silobreak.finance.scoring import Matrix, TrainConfig, TrainedModel, train
from silobreak.finance.spark_features import spark_features
from silobreak.finance.table import LoadedTransactions, load_transactions
from silobreak.finance.transactions import TransactionFileError

BATCH = 500_000
# transactions whose account windows DuckDB computes at once (beyond, in parts by account)
PART_ROWS = 1_000_000


@dataclass(frozen=True)
class FeatureBatch:
    ids: list[str]
    x: Matrix


def connect(memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that spills to a private temporary folder beyond ``memory_limit``
    (env SILOBREAK_FINANCE_MEMORY, default 2GB): ten million transactions in a few GB."""
    con = duckdb.connect()
    limit = memory_limit or os.environ.get("SILOBREAK_FINANCE_MEMORY", "2GB")
    con.execute(f"SET memory_limit = '{limit}'")
    spill = tempfile.mkdtemp(prefix="silobreak-duckdb-")
    con.execute(f"SET temp_directory = '{spill}'")
    weakref.finalize(con, shutil.rmtree, spill, True)
    con.execute("SET preserve_insertion_order = true")
    return con


def load(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    skip_bad_rows: bool,
    report: Callable[[str], None],
    rates: Rates | None = None,
) -> LoadedTransactions:
    """Load ``path`` into ``tx``; report bad rows; stop on them unless ``skip_bad_rows``;
    amounts in the base currency of ``rates`` when given (see ``finance.rates``)."""
    loaded = load_transactions(con, path)
    for line, reason in loaded.rejects:
        report(f"{path}:{line}: {reason}")
    if loaded.rejected and not skip_bad_rows:
        raise TransactionFileError(
            f"{loaded.rejected} bad row(s) in {path}; fix them or use --skip-bad-rows"
        )
    if loaded.rows == 0:
        raise TransactionFileError(f"{path}: no valid transactions")
    in_one_currency(con, rates, str(path), report)
    return loaded


def _matrix(table: pa.Table) -> Matrix:
    return np.column_stack(
        [table.column(n).to_numpy(zero_copy_only=False).astype(np.float32) for n in FEATURES]
    )


def compute_features(con: duckdb.DuckDBPyConnection, spark: Any = None) -> bool:
    """The table ``tx_features`` (``id, t, seq`` and ``FEATURES``) for every row of ``tx``,
    computed by DuckDB, or by ``spark`` (a SparkSession) when given. True when its rows are
    stored in time order (``t, seq``, as ``tx``): DuckDB's positional path keeps them so."""
    if spark is not None:
        spark_features(spark, con)
        return False
    rows = con.execute("SELECT count(*) FROM tx").fetchone()
    parts = max(1, -(-int(rows[0] if rows else 0) // PART_ROWS))
    if parts == 1:  # sorted as tx is, each side in turn: lined up by position
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE tx_accounts AS {account_sql()} ORDER BY o, t, seq"
        )
    else:  # joined on seq: sorting back costs more than the joins
        con.execute(f"CREATE OR REPLACE TEMP TABLE tx_accounts AS {account_sql()} LIMIT 0")
        for k in range(parts):
            part = f"hash(acct) % {parts} = {k}"
            con.execute(f"INSERT INTO tx_accounts {account_sql(part=part)}")
    features = feature_sql(accounts="tx_accounts", aligned=parts == 1)
    con.execute(f"CREATE OR REPLACE TEMP TABLE tx_features AS {features}")
    con.execute("DROP TABLE tx_accounts")
    return parts == 1


def feature_batches(
    con: duckdb.DuckDBPyConnection, batch: int = BATCH, spark: Any = None
) -> Iterator[FeatureBatch]:
    """Features of every transaction of ``tx``, in time order, ``batch`` rows at a time."""
    yield from stored_batches(con, compute_features(con, spark), batch)


def stored_batches(
    con: duckdb.DuckDBPyConnection, in_order: bool, batch: int = BATCH
) -> Iterator[FeatureBatch]:
    """``tx_features`` in time order. Rows ``in_order`` (stored as ``tx``) are read as they
    lie, since sorting eighty columns again cost a tenth of the features' time, and checked
    on the way: out of order there is a bug, and mixing two transactions' rows is worse."""
    query = "SELECT * FROM tx_features" + ("" if in_order else " ORDER BY t, seq")
    last: int | None = None
    for record_batch in con.sql(query).to_arrow_reader(batch):
        table = pa.Table.from_batches([record_batch])
        # one number per row that orders as (t, seq) does (seq < SEQ_SPAN, as in the features)
        key = table.column("t").to_numpy() * SEQ_SPAN + table.column("seq").to_numpy()
        if not len(key):
            continue
        if np.any(np.diff(key) <= 0) or (last is not None and key[0] <= last):
            raise RuntimeError("transaction features out of time order")
        last = int(key[-1])
        yield FeatureBatch(table.column("id").to_pylist(), _matrix(table))


def training_data(
    con: duckdb.DuckDBPyConnection, spark: Any = None, max_rows: int = TrainConfig.max_rows
) -> tuple[Matrix, npt.NDArray[np.bool_], npt.NDArray[np.float32]]:
    """Features, labels and weights of ``tx`` in time order; every row must carry a label.

    Beyond ``max_rows``, negatives are thinned evenly over time (by a hash of their line, so
    the same file gives the same sample) and weighted up by the inverse of the rate kept:
    ten million transactions train in the memory of half a million."""
    counts = con.execute(
        "SELECT count(*) FILTER (WHERE is_laundering IS NULL), "
        "count(*) FILTER (WHERE is_laundering), count(*) FROM tx"
    ).fetchone()
    assert counts is not None
    unlabelled, positives, total = (int(c) for c in counts)
    if unlabelled:
        raise TransactionFileError(
            f"{unlabelled} transaction(s) without is_laundering: training needs every label"
        )
    compute_features(con, spark)
    rate = min(1.0, (max_rows - positives) / max(1, total - positives))
    keep = int(rate * 1_000_000)
    rows = con.sql(
        f"""SELECT f.*, x.is_laundering AS label FROM tx_features f JOIN tx x USING (seq)
            WHERE x.is_laundering OR hash(f.seq) % 1000000 < {keep}
            ORDER BY f.t, f.seq"""
    ).to_arrow_table()
    y = rows.column("label").to_numpy(zero_copy_only=False).astype(bool)
    weights = np.where(y, 1.0, 1.0 / max(rate, 1e-9)).astype(np.float32)
    return _matrix(rows), y, weights


def train_file(
    path: Path,
    config: TrainConfig | None = None,
    skip_bad_rows: bool = False,
    report: Callable[[str], None] = print,
    spark: Any = None,
    rates: Rates | None = None,
) -> TrainedModel:
    con = connect()
    loaded = load(con, path, skip_bad_rows, report, rates)
    if not loaded.labelled:
        raise TransactionFileError(f"{path}: no is_laundering column: training needs labels")
    config = config or TrainConfig()
    x, y, weights = training_data(con, spark, config.max_rows)
    model = train(x, y, config, weights, loaded.rows)
    model.meta.currency = single_currency(con)
    return model


def score_file(
    path: Path,
    model: TrainedModel,
    out: Path,
    skip_bad_rows: bool = False,
    explain: int = 0,
    report: Callable[[str], None] = print,
    spark: Any = None,
    rates: Rates | None = None,
) -> tuple[int, int]:
    """Write ``id,score,flagged`` (and ``explanation`` when ``explain``) for every valid
    transaction of ``path``; labels in the file are never read. Returns (rows, flagged)."""
    con = connect()
    load(con, path, skip_bad_rows, report, rates)
    currency = single_currency(con)
    if model.meta.currency and currency and currency != model.meta.currency:
        raise TransactionFileError(
            f"{path}: amounts in {currency}, but the model learnt from amounts in "
            f"{model.meta.currency}: give --rates with base currency {model.meta.currency}"
        )
    con.execute("ALTER TABLE tx DROP COLUMN is_laundering")  # scoring never sees labels
    rows = flagged = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    columns = ["id", "score", "flagged", *(["explanation"] if explain else [])]
    schema = pa.schema([(c, pa.string()) for c in columns])
    options = pacsv.WriteOptions(quoting_style="needed")
    with pacsv.CSVWriter(tmp, schema, write_options=options) as writer:
        for batch in feature_batches(con, spark=spark):
            scores = model.predict(batch.x)
            flags = scores >= model.meta.threshold
            data = [
                batch.ids,
                np.char.mod("%.6f", scores).tolist(),
                np.where(flags, "true", "false").tolist(),
            ]
            if explain:
                reasons = iter(model.explain(batch.x[flags], explain))
                data.append([_reason(next(reasons)) if f else "" for f in flags])
            writer.write_table(pa.table(data, schema=schema))
            rows += len(batch.ids)
            flagged += int(flags.sum())
    tmp.replace(out)
    return rows, flagged


def _reason(parts: list[tuple[str, float, float]]) -> str:
    return "; ".join(
        f"{name}={'none' if np.isnan(value) else f'{value:g}'} (+{contrib:.2f})"
        for name, value, contrib in parts
    )
