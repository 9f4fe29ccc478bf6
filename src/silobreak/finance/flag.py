"""Financial findings as statements, so that they reach the graph and the convergence score.

``finance flag`` turns each finding (a typology found by ``patterns``, or transactions flagged
by a trained model) into FtM entities in the transactions' own dataset: every account in it
becomes a ``BankAccount`` (its IBAN, or its account number) with the topic ``crime.fin``
(domain ``financial_crime``) and a summary of the evidence. Resolution then merges that
account with the same account known elsewhere (a bank's customer file says who holds it), so
the holder's convergence score counts the financial evidence, with its provenance: the dataset
and organization of the transactions.
"""

from __future__ import annotations

import csv
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from rigour.ids import IBAN

from silobreak.finance.patterns import Finding
from silobreak.finance.transactions import Transaction, TransactionFileError

TOPIC = "crime.fin"


def account_entity_id(account: str) -> str:
    return "acct-" + hashlib.sha1(account.encode()).hexdigest()[:16]


def findings_entities(findings: list[Finding]) -> Iterator[dict[str, Any]]:
    """One FtM BankAccount per account taking part in a finding, the findings as evidence."""
    evidence: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        for account in finding.accounts:
            evidence[account].append(finding)
    for account, found in sorted(evidence.items()):
        kinds = sorted({f.type for f in found})
        best = max(found, key=lambda f: f.score)
        summary = (
            f"{len(found)} laundering finding(s): {', '.join(kinds)}; strongest {best.type} "
            f"{best.start:%Y-%m-%d} to {best.end:%Y-%m-%d}, {best.amount:,.2f} over "
            f"{len(best.transactions)} transaction(s), score {best.score:.2f}"
        )
        label = "iban" if IBAN.is_valid(account) else "accountNumber"
        value = IBAN.normalize(account) if label == "iban" else account
        yield {
            "id": account_entity_id(account),
            "schema": "BankAccount",
            "properties": {label: [value], "topics": [TOPIC], "description": [summary]},
        }


def read_scores(path: Path) -> dict[str, float]:
    """The flagged rows of a ``finance score`` output (``id,score,flagged``): id -> score.
    Errors name the file and line."""
    flagged: dict[str, float] = {}
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        if not {"id", "score", "flagged"} <= set(reader.fieldnames or []):
            raise TransactionFileError(f"{path}: needs columns id,score,flagged")
        for line, row in enumerate(reader, start=2):
            mark = (row["flagged"] or "").strip().lower()
            if mark not in ("true", "false"):
                raise TransactionFileError(f"{path}:{line}: flagged: not true/false: {mark!r}")
            try:
                score = float(row["score"])
            except ValueError:
                raise TransactionFileError(
                    f"{path}:{line}: score: not a number: {row['score']!r}"
                ) from None
            if mark == "true":
                flagged[row["id"].strip()] = score
    return flagged


def model_findings(
    transactions: list[Transaction],
    scores: dict[str, float],
    dataset: str,
    report: Callable[[str], None],
) -> list[Finding]:
    """One finding per transaction the model flagged, naming its payer and payee accounts:
    the same evidence path as a typology, so the holders' convergence counts it."""
    found = [
        Finding("model", (t.source, t.target), (t.id,), t.timestamp, t.timestamp, t.amount, s)
        for t in transactions
        if (s := scores.get(t.id)) is not None
    ]
    unknown = len(scores) - len(found)
    if unknown:
        report(f"{unknown:,} flagged transaction id(s) are not in dataset {dataset}; skipped")
    return found
