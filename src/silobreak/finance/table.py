"""Transaction files loaded into DuckDB, checked row by row, at the scale of millions.

``finance train``, ``score`` and ``trace`` read files of tens of millions of rows, which the
row-at-a-time reader of ``transactions.py`` could not hold in memory as Python objects. This
loader reads the canonical CSV as text with DuckDB, checks every row and keeps the good rows in
a table ``tx``:

    id VARCHAR, source VARCHAR, target VARCHAR, amount DOUBLE, currency VARCHAR,
    ts TIMESTAMP (naive UTC), t BIGINT (epoch seconds), seq BIGINT (line order),
    is_laundering BOOLEAN (NULL when the file has no labels)

and the bad ones, with their line and reason, in ``tx_rejects``. Nothing is dropped
silently: callers report the rejects and stop unless told to go on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from silobreak.finance.transactions import (
    REQUIRED,
    Transaction,
    TransactionFileError,
    as_transactions,
)


@dataclass(frozen=True)
class LoadedTransactions:
    rows: int
    rejects: list[tuple[int, str]]  # (line, reason), first ones only
    rejected: int
    labelled: bool


def _columns(con: duckdb.DuckDBPyConnection, path: Path) -> dict[str, str]:
    """Canonical (lower-case, trimmed) column name -> the file's own spelling."""
    try:
        rel = con.sql(
            "SELECT * FROM read_csv(?, all_varchar = true, header = true) LIMIT 0",
            params=[str(path)],
        )
    except duckdb.Error as exc:
        raise TransactionFileError(f"{path}: cannot be read as CSV: {exc}") from exc
    return {c.strip().lower(): c for c in rel.columns}


def load_transactions(
    con: duckdb.DuckDBPyConnection, path: Path, keep_rejects: int = 20
) -> LoadedTransactions:
    """Create ``tx`` and ``tx_rejects`` in ``con`` from the CSV at ``path``."""
    columns = _columns(con, path)
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise TransactionFileError(f"{path}: missing column(s) {', '.join(missing)}")
    labelled = "is_laundering" in columns
    col = {name: '"' + spelled.replace('"', '""') + '"' for name, spelled in columns.items()}
    label = f"r.{col['is_laundering']}" if labelled else "NULL"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE tx_raw AS
        SELECT row_number() OVER () + 1 AS line,
               trim(r.{col["id"]}) AS id, trim(r.{col["source"]}) AS source,
               trim(r.{col["target"]}) AS target, trim(r.{col["amount"]}) AS amount,
               upper(trim(r.{col["currency"]})) AS currency,
               trim(r.{col["timestamp"]}) AS stamp, lower(trim({label})) AS label
        FROM read_csv(?, all_varchar = true, header = true) r
        """,
        [str(path)],
    )
    # the first failed check names the row's problem
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE tx_checked AS
        SELECT *,
          CASE
            WHEN coalesce(id, '') = '' THEN 'id: empty'
            WHEN first_line < line THEN 'id: duplicate of line ' || first_line
            WHEN coalesce(source, '') = '' THEN 'source: empty'
            WHEN coalesce(target, '') = '' THEN 'target: empty'
            WHEN coalesce(amount, '') = '' THEN 'amount: empty'
            WHEN coalesce(currency, '') = '' THEN 'currency: empty'
            WHEN coalesce(stamp, '') = '' THEN 'timestamp: empty'
            WHEN TRY_CAST(amount AS DOUBLE) IS NULL
              THEN 'amount: not a number: ''' || amount || ''''
            WHEN NOT TRY_CAST(amount AS DOUBLE) > 0
              THEN 'amount: not positive: ''' || amount || ''''
            WHEN TRY_CAST(stamp AS TIMESTAMPTZ) IS NULL
              THEN 'timestamp: not ISO 8601: ''' || stamp || ''''
          END AS reason
        FROM (SELECT *, min(line) OVER (PARTITION BY id) AS first_line FROM tx_raw)
        """
    )
    con.execute("SET TimeZone = 'UTC'")
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE tx AS
        SELECT id, source, target, CAST(amount AS DOUBLE) AS amount, currency,
               CAST(CAST(stamp AS TIMESTAMPTZ) AS TIMESTAMP) AS ts,
               CAST(epoch(CAST(stamp AS TIMESTAMPTZ)) AS BIGINT) AS t,
               line AS seq,
               CASE WHEN label IS NULL OR label = '' THEN NULL
                    ELSE label IN ('1', 'true', 'yes') END AS is_laundering
        FROM tx_checked WHERE reason IS NULL
        ORDER BY t, seq
        """
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE tx_rejects AS "
        "SELECT line, reason, concat_ws(',', id, source, target, amount, currency, stamp, label) "
        "AS raw FROM tx_checked WHERE reason IS NOT NULL ORDER BY line"
    )
    con.execute("DROP TABLE tx_raw")
    con.execute("DROP TABLE tx_checked")
    rows = _count(con, "tx")
    rejected = _count(con, "tx_rejects")
    shown = con.execute(f"SELECT line, reason FROM tx_rejects LIMIT {int(keep_rejects)}").fetchall()
    return LoadedTransactions(rows, [(int(a), str(b)) for a, b in shown], rejected, labelled)


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0


def use_transactions(con: duckdb.DuckDBPyConnection, rows: pa.Table) -> int:
    """Make ``tx`` in ``con`` from rows read out of the workspace (``Store.read_transactions``),
    with the same columns as a loaded file; returns the number of rows."""
    con.register("tx_rows", rows)
    con.execute(
        """CREATE OR REPLACE TEMP TABLE tx AS
        SELECT id, source, target, amount, currency, ts,
               CAST(epoch(ts) AS BIGINT) AS t,
               row_number() OVER (ORDER BY ts, dataset, id) AS seq,
               is_laundering
        FROM tx_rows ORDER BY t, seq"""
    )
    con.unregister("tx_rows")
    return _count(con, "tx")


def in_time_order(con: duckdb.DuckDBPyConnection) -> list[Transaction]:
    """The rows of ``tx`` as transactions, in time order (typologies and tests read these)."""
    return as_transactions(con.sql("SELECT * FROM tx ORDER BY t, seq").to_arrow_table())
