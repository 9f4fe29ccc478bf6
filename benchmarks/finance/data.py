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


def synthfin_csv(data: Path, work: Path) -> tuple[Path, dict[str, str]]:
    """synthfin-aml 5k in the canonical CSV; it has no typology labels (all 'fraud')."""
    folder = data / "aml" / "synthfin_aml_5k"
    out = work / "synthfin_aml_5k.csv"
    con = duckdb.connect()
    if not out.exists():
        con.execute(
            f"""COPY (SELECT txn_id AS id, source_id AS source, target_id AS target,
                    amount, 'USD' AS currency,
                    strftime(CAST(timestamp AS TIMESTAMP), '%Y-%m-%dT%H:%M:%S.%f') AS timestamp,
                    is_fraud AS is_laundering
                FROM read_csv('{folder / "transactions.csv.gz"}', all_varchar = true)
                ORDER BY CAST(timestamp AS TIMESTAMP), CAST(txn_id AS BIGINT))
              TO '{out}' (HEADER)"""
        )
    ids = con.execute(f"SELECT id FROM read_csv('{out}') WHERE is_laundering = 1").fetchall()
    return out, {str(i[0]): "fraud" for i in ids}


def generated_csv(work: Path, transactions: int, seed: int) -> tuple[Path, dict[str, str]]:
    """silobreak's own generator (``scenario transactions``) with its truth file."""
    from silobreak.scenario.transactions import TransactionSpec, generate_transactions

    out = work / f"generated_{transactions}_{seed}.csv"
    if not out.exists():
        accounts = max(2_000, transactions // 40)
        schemes = max(20, transactions // 1_000)
        spec = TransactionSpec(accounts, transactions, 365, schemes, seed=seed)
        generate_transactions(out, spec)
    truth = duckdb.connect().execute(
        f"SELECT id, typology FROM read_csv('{out.with_name(out.stem + '_truth.csv')}')"
    )
    return out, dict(truth.fetchall())
