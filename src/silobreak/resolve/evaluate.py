"""Score a resolver against a scenario's truth.json: pairwise and cluster precision/recall.

Pairwise: over all pairs of truth records, a pair is predicted a match if both records got
the same canonical id, and is a true match if both have the same true id. Namesake decoys
(different people with the same name) are counted separately: merging any of them is an error
that invents a convergence.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations
from typing import Any


@dataclass(frozen=True)
class PairwiseScore:
    precision: float
    recall: float
    f1: float
    true_pairs: int
    predicted_pairs: int
    namesakes_merged: int
    namesake_pairs: int


def _pairs(groups: dict[str, list[str]]) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for members in groups.values():
        out.update(combinations(sorted(members), 2))
    return out


def pairwise(truth: dict[str, Any], canonical: dict[str, str]) -> PairwiseScore:
    """``canonical`` maps ``dataset/entity_id`` to canonical id for the truth's records."""
    true_groups: dict[str, list[str]] = defaultdict(list)
    pred_groups: dict[str, list[str]] = defaultdict(list)
    true_of: dict[str, str] = {}
    for rec in truth["records"]:
        key = f"{rec['dataset']}/{rec['entity_id']}"
        if key in true_of:
            continue
        true_of[key] = rec["true_id"]
        true_groups[rec["true_id"]].append(key)
        pred_groups[canonical.get(key, key)].append(key)
    truth_pairs = _pairs(true_groups)
    predicted = _pairs(pred_groups)
    tp = len(truth_pairs & predicted)
    precision = tp / len(predicted) if predicted else 1.0
    recall = tp / len(truth_pairs) if truth_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    namesake_ids = {tid for pair in truth["decoys"]["namesakes"] for tid in pair}
    twins = {a: b for a, b in truth["decoys"]["namesakes"]}
    merged = 0
    pairs = 0
    for key_a, key_b in combinations(sorted(k for k, t in true_of.items() if t in namesake_ids), 2):
        ta, tb = true_of[key_a], true_of[key_b]
        if twins.get(ta) == tb or twins.get(tb) == ta:
            pairs += 1
            merged += canonical.get(key_a, key_a) == canonical.get(key_b, key_b)
    return PairwiseScore(
        round(precision, 4),
        round(recall, 4),
        round(f1, 4),
        len(truth_pairs),
        len(predicted),
        merged,
        pairs,
    )
