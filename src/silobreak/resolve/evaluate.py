"""Score a resolver against a scenario's truth.json: pairwise and cluster precision/recall.

Pairwise: over all pairs of truth records, a pair is predicted a match if both records got
the same canonical id, and is a true match if both have the same true id. Namesake decoys
(different people with the same name) are counted separately: merging any of them is an error
that invents a convergence.

Pairwise scores weigh a large entity by the square of its records, so a few big entities can
hide many small errors. Two cluster measures weigh entities and records instead:

- **exact clusters**: a predicted entity is right only if it holds exactly the records of one
  true entity (singletons included). Precision is the share of predicted entities that are
  right, recall the share of true entities recovered whole: what an investigator sees when
  opening entities one by one.
- **B-cubed**: for each record, the share of its predicted entity that is truly its entity
  (precision) and the share of its true entity that its predicted entity holds (recall),
  averaged over records: partial credit for an entity that is almost right.
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


@dataclass(frozen=True)
class ClusterScore:
    exact_precision: float
    exact_recall: float
    exact_f1: float
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    true_entities: int
    predicted_entities: int


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def cluster_scores(true_of: dict[str, str], predicted_of: dict[str, str]) -> ClusterScore:
    """Exact-cluster and B-cubed scores of ``predicted_of`` (record -> predicted entity)
    against ``true_of`` (record -> true entity), over the records of ``true_of``; a record
    with no prediction is its own entity."""
    true_groups: dict[str, set[str]] = defaultdict(set)
    pred_groups: dict[str, set[str]] = defaultdict(set)
    for key, tid in true_of.items():
        true_groups[tid].add(key)
        pred_groups[predicted_of.get(key, f"\0{key}")].add(key)
    true_sets = {frozenset(g) for g in true_groups.values()}
    exact = sum(1 for g in pred_groups.values() if frozenset(g) in true_sets)
    exact_p = exact / len(pred_groups) if pred_groups else 1.0
    exact_r = exact / len(true_groups) if true_groups else 1.0
    b_precision = b_recall = 0.0
    for group in pred_groups.values():
        shared: dict[str, int] = defaultdict(int)
        for key in group:
            shared[true_of[key]] += 1
        for tid, n in shared.items():  # n records of the group, each sharing n with its truth
            b_precision += n * n / len(group)
            b_recall += n * n / len(true_groups[tid])
    records = len(true_of) or 1
    b_p, b_r = b_precision / records, b_recall / records
    return ClusterScore(
        round(exact_p, 4),
        round(exact_r, 4),
        round(_f1(exact_p, exact_r), 4),
        round(b_p, 4),
        round(b_r, 4),
        round(_f1(b_p, b_r), 4),
        len(true_groups),
        len(pred_groups),
    )


def _record_key(rec: dict[str, Any]) -> str:
    return f"{rec['dataset']}/{rec['entity_id']}"


def _true_ids(truth: dict[str, Any]) -> dict[str, str]:
    """Each truth record's true id (a record is listed once per mention; the first counts)."""
    true_of: dict[str, str] = {}
    for rec in truth["records"]:
        true_of.setdefault(_record_key(rec), rec["true_id"])
    return true_of


def clusters(truth: dict[str, Any], canonical: dict[str, str]) -> ClusterScore:
    """Cluster scores of a resolver (``dataset/entity_id`` -> canonical id) against a
    scenario's truth."""
    return cluster_scores(_true_ids(truth), canonical)


def _pairs(groups: dict[str, list[str]]) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for members in groups.values():
        out.update(combinations(sorted(members), 2))
    return out


def pairwise(truth: dict[str, Any], canonical: dict[str, str]) -> PairwiseScore:
    """``canonical`` maps ``dataset/entity_id`` to canonical id for the truth's records."""
    true_groups: dict[str, list[str]] = defaultdict(list)
    pred_groups: dict[str, list[str]] = defaultdict(list)
    true_of = _true_ids(truth)
    for key, tid in true_of.items():
        true_groups[tid].append(key)
        pred_groups[canonical.get(key, key)].append(key)
    truth_pairs = _pairs(true_groups)
    predicted = _pairs(pred_groups)
    tp = len(truth_pairs & predicted)
    precision = tp / len(predicted) if predicted else 1.0
    recall = tp / len(truth_pairs) if truth_pairs else 1.0
    f1 = _f1(precision, recall)
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


def score_resolver(
    truth: dict[str, Any], rows: list[dict[str, Any]]
) -> tuple[int, PairwiseScore, ClusterScore]:
    """Pairwise and cluster scores of resolver ``rows`` (``dataset``, ``entity_id``,
    ``canonical_id``) over the truth records they hold, and how many records that is: a
    reader who may see part of the workspace is scored on that part."""
    canonical = {_record_key(r): r["canonical_id"] for r in rows}
    seen = {**truth, "records": [r for r in truth["records"] if _record_key(r) in canonical]}
    return len(_true_ids(seen)), pairwise(seen, canonical), clusters(seen, canonical)
