"""Benchmark inputs in the canonical transaction CSV, converted from ../shared/data/aml."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

DATA = Path(os.environ.get("SILOBREAK_DATA", "../shared/data"))


def amlsim_csv(data: Path, work: Path) -> tuple[Path, dict[str, str]]:
    """AMLSim aml12k as ``id,source,target,amount,currency,timestamp,is_laundering`` and the
    typology of each laundering transaction (from alert_transactions.csv)."""
    folder = data / "aml" / "amlsim_aml12k"
    out = work / "amlsim_aml12k.csv"
    con = duckdb.connect()
    if not out.exists():
        con.execute(
            f"""COPY (SELECT tran_id AS id, orig_acct AS source, bene_acct AS target,
                    base_amt AS amount, 'USD' AS currency, tran_timestamp AS timestamp,
                    CASE WHEN is_sar THEN 1 ELSE 0 END AS is_laundering
                FROM read_csv('{folder / "transactions.csv.gz"}', all_varchar = true)
                ORDER BY tran_timestamp, CAST(tran_id AS BIGINT))
              TO '{out}' (HEADER)"""
        )
    types = dict(
        con.execute(
            f"SELECT CAST(tran_id AS VARCHAR), alert_type FROM "
            f"read_csv('{folder / 'alert_transactions.csv'}', all_varchar = true)"
        ).fetchall()
    )
    return out, types
