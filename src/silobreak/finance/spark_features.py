"""The transaction features on Spark: the same query text as DuckDB's (``feature_sql``).

The transactions go to Spark as Parquet and the features come back as Parquet, so nothing
large passes through the driver's socket; DuckDB then reads them like its own result.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any

import duckdb

from silobreak.finance.features import account_sql, feature_sql


def spark_features(spark: Any, con: duckdb.DuckDBPyConnection, table: str = "tx_features") -> None:
    """Compute the features of ``tx`` on ``spark`` into the DuckDB table ``table``."""
    with tempfile.TemporaryDirectory(prefix="silobreak-tx-") as folder:
        source = os.path.join(folder, "tx.parquet")
        result = os.path.join(folder, "features.parquet")
        con.execute(
            f"COPY (SELECT id, source, target, amount, t, seq FROM tx) TO '{source}' "
            "(FORMAT parquet)"
        )
        spark.read.parquet(source).createOrReplaceTempView("tx")
        # computed once and kept: the features read each side's account rows twice
        accounts = spark.sql(account_sql()).persist()
        accounts.createOrReplaceTempView("acc")
        try:
            spark.sql(feature_sql("spark")).write.parquet(result)
        finally:
            accounts.unpersist()
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} AS "
            f"SELECT * FROM read_parquet('{result}/*.parquet')"
        )
