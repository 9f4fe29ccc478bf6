"""Transactions in the workspace: loading files, and flagging what the typologies find.

Both go through the store's atomic loads: the transaction rows (``finance load``) and the
findings written back as statements (``finance flag``) each commit at once or not at all, and
bad rows land in the quarantine with their line and reason.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import duckdb
import orjson

from silobreak.finance.flag import findings_entities, model_findings
from silobreak.finance.patterns import Finding, PatternConfig, find_patterns
from silobreak.finance.rates import Rates, in_one_currency
from silobreak.finance.table import in_time_order, use_transactions
from silobreak.finance.transactions import Transaction
from silobreak.ingest.load import IngestOptions, dataset_for, ingest_file, new_load
from silobreak.model.records import Dataset, LoadInfo, QuarantineRow
from silobreak.policy.viewer import Viewer
from silobreak.store.base import Store

# Shapes that honest business rarely makes; fans and rapid in-out are everyday commerce
# on their own and are written back only when asked for.
FLAG_TYPES = (
    "cycle",
    "scatter_gather",
    "gather_scatter",
    "structuring",
    "layering_chain",
    "cross_bank",
    "round_trip",
)


def load_transaction_file(
    store: Store, path: Path, options: IngestOptions
) -> tuple[LoadInfo, int, list[QuarantineRow]]:
    """Load ``path`` into the transaction table of ``options.dataset`` in one commit."""
    dataset = dataset_for(store, options)
    load, defaults = new_load(path, dataset, "transactions")
    with store.begin_load(load, defaults, dataset) as session:
        rows, rejects = session.add_transactions(path)
        info = session.commit()
    return info, rows, rejects


def workspace_transactions(
    store: Store,
    viewer: Viewer,
    dataset: str | None,
    rates: Rates | None = None,
    report: Callable[[str], None] = print,
) -> list[Transaction]:
    """The viewer's transactions in time order, amounts in one currency when ``rates``."""
    con = duckdb.connect()
    use_transactions(con, store.read_transactions(viewer, dataset))
    in_one_currency(con, rates, f"dataset {dataset}" if dataset else "the workspace", report)
    return in_time_order(con)


# Links that make two parties "related" for round-tripping: control, kinship, association.
RELATED_KINDS = {
    "Ownership",
    "Directorship",
    "Family",
    "Associate",
    "Membership",
    "Employment",
    "Representation",
    "UnknownLink",
}


def related_accounts(store: Store, viewer: Viewer) -> dict[str, str]:
    """Account label (IBAN or number) -> a group of related parties, from the resolved graph
    the viewer may see: an account's holders (Ownership of the account), joined with every
    party linked to them by control, kinship or association. Accounts nobody holds are left
    out, so they never make a round trip."""
    tables = store.graph_inputs(viewer)
    labels = {
        r["node"]: r["labels"] or []
        for r in tables["nodes"].to_pylist()
        if "BankAccount" in (r["schemata"] or [])
    }
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    holders: dict[str, str] = {}
    for edge in tables["edges"].to_pylist():
        if edge["kind"] not in RELATED_KINDS:
            continue
        source, target = edge["source"], edge["target"]
        if target in labels and source not in labels:
            holders[target] = source
            find(source)
        elif source not in labels and target not in labels:
            parent[find(source)] = find(target)
    return {label: find(holder) for account, holder in holders.items() for label in labels[account]}


def flag_dataset(
    store: Store,
    viewer: Viewer,
    dataset: Dataset,
    config: PatternConfig,
    min_score: float,
    types: set[str] | None = None,
    out: Path | None = None,
    rates: Rates | None = None,
    report: Callable[[str], None] = print,
    scores: dict[str, float] | None = None,
) -> list[Finding]:
    """Typologies in ``dataset``'s transactions (as ``viewer`` sees them), and the
    transactions a trained model flagged (``scores``: id -> score, from ``finance score``),
    written back into ``dataset`` as statements; returns the findings kept (typologies with
    score >= ``min_score``, every flagged transaction)."""
    config = replace(config, related=related_accounts(store, viewer))
    transactions = workspace_transactions(store, viewer, dataset.name, rates, report)
    found = [
        f
        for f in find_patterns(transactions, config)
        if f.score >= min_score and f.type in (types or set(FLAG_TYPES))
    ]
    if scores is not None:
        found += model_findings(transactions, scores, dataset.name, report)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(b"".join(orjson.dumps(f.to_json()) + b"\n" for f in found))
    with tempfile.TemporaryDirectory(prefix="silobreak-flag-") as folder:
        path = Path(folder) / f"{dataset.name}_findings.ftm.json"
        path.write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in findings_entities(found)))
        options = IngestOptions(
            org=dataset.org,
            dataset=dataset.name,
            format="ftm",
            marking=dataset.marking,
            handling=dataset.handling,
            source_grade=dataset.source_grade,
            progress=False,
        )
        ingest_file(store, path, options)
    return found
