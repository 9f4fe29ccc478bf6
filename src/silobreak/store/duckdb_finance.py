"""The transaction table of the DuckDB store: atomic loads and policy-filtered reads.

Loads go through ``finance.table.load_transactions`` on the store's own connection, inside the
load's transaction: rows replace those with the same ``(dataset, id)`` (a file loaded twice
gives the same table), bad rows go to the quarantine with their line and reason, and a crash
before the commit leaves the table as it was.

Reads return the file-loaded rows *and* the FtM ``Payment`` statements the viewer may see,
as transactions: the payer's and beneficiary's account label (IBAN or account number of the
``payerAccount``/``beneficiaryAccount`` entity) or, without accounts, the party's entity id;
their ids are ``ftm:ENTITY_ID`` so that a finding links back to the statements.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from silobreak.finance.table import LoadedTransactions, load_transactions
from silobreak.model.records import QuarantineRow, StatementDefaults
from silobreak.policy.rules import statement_predicate
from silobreak.policy.viewer import Viewer

COLUMNS = "dataset, id, source, target, amount, currency, ts, is_laundering, org, marking"


def insert_transactions(
    con: duckdb.DuckDBPyConnection, path: Path, defaults: StatementDefaults
) -> tuple[LoadedTransactions, list[QuarantineRow]]:
    """Stage ``path`` and merge it into ``transactions`` (inside the caller's transaction)."""
    loaded = load_transactions(con, path, keep_rejects=0)
    con.execute(
        "DELETE FROM transactions WHERE dataset = ? AND id IN (SELECT id FROM tx)",
        [defaults.dataset],
    )
    con.execute(
        "INSERT INTO transactions SELECT ?, id, source, target, amount, currency, ts, "
        "is_laundering, ?, ?, ?, ? FROM tx ORDER BY t, seq",
        [defaults.dataset, defaults.org, defaults.marking, defaults.handling, defaults.load_id],
    )
    rejects = [
        QuarantineRow(str(path), int(line), str(reason), str(raw))
        for line, reason, raw in con.execute(
            "SELECT line, reason, raw FROM tx_rejects ORDER BY line"
        ).fetchall()
    ]
    con.execute("DROP TABLE tx")
    con.execute("DROP TABLE tx_rejects")
    return loaded, rejects


def read_transactions(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, dataset: str | None = None
) -> pa.Table:
    """Transactions ``viewer`` may see (``dataset`` only, if given), file rows and Payments."""
    where, params = statement_predicate(viewer)
    only = " AND dataset = ?" if dataset else ""
    extra = [dataset] if dataset else []
    cur = con.cursor()  # a fresh cursor: earlier results on ``con`` may still be open
    table = cur.sql(
        f"""
        WITH pay AS (
          SELECT dataset, entity_id, any_value(org) AS org, any_value(marking) AS marking,
            max(value) FILTER (WHERE prop = 'amount') AS amount,
            max(value) FILTER (WHERE prop = 'currency') AS currency,
            max(value) FILTER (WHERE prop = 'date') AS day,
            max(value) FILTER (WHERE prop = 'payer') AS payer,
            max(value) FILTER (WHERE prop = 'payerAccount') AS payer_account,
            max(value) FILTER (WHERE prop = 'beneficiary') AS beneficiary,
            max(value) FILTER (WHERE prop = 'beneficiaryAccount') AS beneficiary_account
          FROM statements WHERE schema = 'Payment' AND {where}{only}
          GROUP BY dataset, entity_id
        ),
        label AS (
          SELECT dataset, entity_id, min(value) AS label FROM statements
          WHERE prop IN ('iban', 'accountNumber') AND {where}
          GROUP BY dataset, entity_id
        )
        SELECT {COLUMNS} FROM transactions WHERE {where}{only}
        UNION ALL
        SELECT p.dataset, 'ftm:' || p.entity_id,
          coalesce(a.label, p.payer_account, p.payer),
          coalesce(b.label, p.beneficiary_account, p.beneficiary),
          TRY_CAST(p.amount AS DOUBLE), upper(coalesce(p.currency, '')),
          TRY_CAST(p.day AS TIMESTAMP), NULL, p.org, p.marking
        FROM pay p
        LEFT JOIN label a ON a.dataset = p.dataset AND a.entity_id = p.payer_account
        LEFT JOIN label b ON b.dataset = p.dataset AND b.entity_id = p.beneficiary_account
        WHERE TRY_CAST(p.amount AS DOUBLE) > 0 AND TRY_CAST(p.day AS TIMESTAMP) IS NOT NULL
          AND coalesce(a.label, p.payer_account, p.payer) IS NOT NULL
          AND coalesce(b.label, p.beneficiary_account, p.beneficiary) IS NOT NULL
        ORDER BY 7, 1, 2
        """,
        params=[*params, *extra, *params, *params, *extra],
    ).to_arrow_table()
    cur.close()
    return table
