"""Precision@K of a ranking of canonical entities against a scenario's truth.

Pure Python with no silobreak import, so that the Splink baseline
(``anchor_splink_convergence.py``, run in its own environment) scores its clusters with the
very same functions as ``bench_convergence.py``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any


def planted_and_decoys(truth: dict[str, Any]) -> tuple[set[str], dict[str, set[str]]]:
    """The planted convergent entities (network members and what they hold, where some
    organization reports them) and the decoys by kind."""
    members = {m for c in truth["convergences"] for m in c["members"]}
    planted = {
        tid
        for tid, info in truth["entities"].items()
        if (tid in members or info.get("holder") in members) and info["orgs"]
    }
    decoys = truth["decoys"]
    return planted, {
        "namesakes": {t for pair in decoys["namesakes"] for t in pair},
        "legit": set(decoys["legit_everywhere"]),
        "repeaters": set(decoys["repeat_offenders"]),
    }


def true_identities(
    truth: dict[str, Any], canonical_of: dict[tuple[str, str], str]
) -> dict[str, str]:
    """Each canonical entity's true identity: the one most of its records have."""
    votes: dict[str, Counter[str]] = {}
    for rec in truth["records"]:
        canonical = canonical_of.get((rec["dataset"], rec["entity_id"]))
        if canonical is not None:
            votes.setdefault(canonical, Counter())[rec["true_id"]] += 1
    return {c: v.most_common(1)[0][0] for c, v in votes.items()}


def rank_true_ids(scored: Iterable[tuple[str, float]], true_of: dict[str, str]) -> list[str]:
    """True identities in order of their best-scored canonical entity."""
    ranked: list[str] = []
    seen: set[str] = set()
    for canonical, _ in sorted(scored, key=lambda x: (-x[1], x[0])):
        tid = true_of.get(canonical)
        if tid is not None and tid not in seen:
            seen.add(tid)
            ranked.append(tid)
    return ranked


def merged_namesakes(truth: dict[str, Any], canonical_of: dict[tuple[str, str], str]) -> set[str]:
    """The namesake decoys resolution did not keep apart: some canonical entity holds
    records of both twins. Their joint domains are a resolution error, not the score's."""
    holders: dict[str, set[str]] = {}
    for rec in truth["records"]:
        canonical = canonical_of.get((rec["dataset"], rec["entity_id"]))
        if canonical is not None:
            holders.setdefault(rec["true_id"], set()).add(canonical)
    return {
        tid
        for pair in truth["decoys"]["namesakes"]
        if len(pair) == 2 and holders.get(pair[0], set()) & holders.get(pair[1], set())
        for tid in pair
    }


def metrics(
    ranked: list[str],
    planted: set[str],
    decoys: dict[str, set[str]],
    merged: set[str] | None = None,
) -> dict[str, Any]:
    """Precision@K, recall@2K and decoys in the top K; with ``merged``
    (``merged_namesakes``), also how many of the namesakes there resolution had merged."""
    k = len(planted)
    top = set(ranked[:k])
    out: dict[str, Any] = {
        "K": k,
        "precision_at_K": round(len(top & planted) / k, 3),
        "recall_at_2K": round(len(set(ranked[: 2 * k]) & planted) / k, 3),
    }
    for name, ids in decoys.items():
        out[f"{name}_in_top_K"] = len(top & ids)
    if merged is not None:
        out["merged_namesakes_in_top_K"] = len(top & decoys["namesakes"] & merged)
    return out
