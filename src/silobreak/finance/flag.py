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

import hashlib
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from rigour.ids import IBAN

from silobreak.finance.patterns import Finding

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
