"""Why two records were, or were not, merged (``silobreak why``).

An analyst about to judge a pair needs the resolver's reasons, not only its verdict: which
features spoke for and against, with what weight, and which rule kept two likely records
apart. The answer is read from the last run (the pair's levels, evidence and probability,
kept for every compared pair) and, for what the run cannot tell (a pair never compared, or
data changed since), from a comparison made now with the run's model.

Policy: the two records are read as the viewer may see them. The run compared everything the
records hold; its levels and evidence are shown only to a reader who sees all of it (the
records' fingerprints as the viewer sees them equal the run's), since a level such as "birth
dates conflict" tells of a value the reader may not see. Other readers get the comparison of
what they can see and the outcome, which the resolver already shows them.
"""

from __future__ import annotations

import json
import math
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from silobreak.policy.viewer import Viewer
from silobreak.resolve.blocking import record_keys
from silobreak.resolve.cluster import Clusterer, ambiguous_records
from silobreak.resolve.compare import compare_records, documents_alone, vouches_for_dates
from silobreak.resolve.entity import one_record_key
from silobreak.resolve.model import FellegiSunter, probability_of
from silobreak.resolve.records import Record, record_key, records_of, split_key
from silobreak.resolve.run import DEFAULT_THRESHOLD
from silobreak.store.base import Judgement, Store, StoreError


@dataclass(frozen=True)
class _Run:
    model: FellegiSunter
    threshold: float
    finished_at: str


def explain_pair(store: Store, viewer: Viewer, first: str, second: str) -> dict[str, Any]:
    """Everything the viewer may know about why ``first`` and ``second`` (record ids as
    ``judge`` takes them) are one entity or two."""
    left = one_record_key(store, viewer, first)
    right = one_record_key(store, viewer, second)
    if left == right:
        raise StoreError("both ids name the same record")
    run = _last_run(store)
    canonical = _canonical_ids(store, viewer, [left, right])
    records = records_of(store, viewer, [left, right])
    for key in (left, right):
        if key not in records:
            raise StoreError(f"{key} is not a record resolution compares (no name, no schema)")
    prints, pairs = store.resolve_details([left, right])
    changed = [k for k in (left, right) if prints.get(k) != records[k].fingerprint()]
    sees_all = viewer.system or not changed
    judged = _judgement(store.list_judgements(), left, right)
    stored = next((p for p in pairs if {p["left_key"], p["right_key"]} == {left, right}), None)
    out: dict[str, Any] = {
        "records": [_describe(records[k], canonical.get(k)) for k in (left, right)],
        "same_entity": left in canonical and canonical[left] == canonical.get(right),
        "threshold": run.threshold,
        "run_finished_at": run.finished_at,
        "judgement": None
        if judged is None
        else {"verdict": judged.judgement, "user": judged.user, "at": str(judged.created_at)},
        "changed_since_run": changed if viewer.system else [],
        "run": None,
        "now": _comparison_now(run.model, records[left], records[right]),
    }
    if sees_all:
        out["run"] = {"compared": False}
        if stored is not None:
            out["run"] = {"compared": True, **_stored_comparison(run.model, stored)}
            if not changed and out["now"]["comparable"]:
                # The run explains only the links that merged records; unchanged records
                # compare now as they did then, so the evidence of now is the run's.
                out["run"]["evidence"] = out["run"]["evidence"] or out["now"]["evidence"]
    if out["same_entity"]:
        out["path"] = _path(store, viewer, run, canonical[left], left, right)
    out["reasons"] = _reasons(store, viewer, run, out, records, stored, pairs)
    return out


def _last_run(store: Store) -> _Run:
    runs = store.list_resolve_runs()
    if not runs:
        raise StoreError("no resolution yet: run `silobreak resolve` first")
    data = json.loads(runs[-1].model)
    return _Run(
        FellegiSunter.from_dict(data),
        # runs before the threshold was saved with the model used the default
        float(data.get("threshold", DEFAULT_THRESHOLD)),
        str(runs[-1].finished_at),
    )


def _canonical_ids(store: Store, viewer: Viewer, keys: Iterable[str]) -> dict[str, str]:
    wanted = set(keys)
    rows = store.read_resolver_rows(viewer, entity_ids=sorted({split_key(k)[1] for k in wanted}))
    found = {record_key(r["dataset"], r["entity_id"]): r["canonical_id"] for r in rows}
    return {k: c for k, c in found.items() if k in wanted}


def _member_keys(store: Store, viewer: Viewer, canonical: str) -> list[str]:
    """The records of one entity the viewer may see."""
    rows = store.read_resolver_rows(viewer, canonical_id=canonical)
    return [record_key(r["dataset"], r["entity_id"]) for r in rows]


def _judgement(judgements: list[Judgement], left: str, right: str) -> Judgement | None:
    """The latest judgement on the pair (a later one overrides an earlier one)."""
    found = [j for j in judgements if {j.left, j.right} == {left, right}]
    return found[-1] if found else None


def _describe(record: Record, canonical: str | None) -> dict[str, Any]:
    return {
        "key": record.key,
        "org": record.org,
        "schema": record.schema,
        "canonical_id": canonical,
        "names": sorted(record.names),
        "birth_dates": sorted(record.birth_dates),
        "countries": sorted(record.countries),
        "identifiers": {k: sorted(v) for k, v in sorted(record.ids.items())},
    }


def _weights(model: FellegiSunter, levels: dict[str, str]) -> dict[str, float]:
    return {feature: round(w, 2) for feature, w in model.weights(levels).items()}


def _comparison_now(model: FellegiSunter, a: Record, b: Record) -> dict[str, Any]:
    """The two records compared now, as the viewer sees them, with the run's model (the
    run's name frequencies are not kept: a common name weighs here as an average one)."""
    comparison = compare_records(0, 1, a, b, explain=True)
    if comparison is None:
        return {"comparable": False}
    weight = model.match_weight(comparison.levels)
    return {
        "comparable": True,
        "levels": dict(comparison.levels),
        "evidence": comparison.evidence,
        "weights": _weights(model, comparison.levels),
        "prior": round(model.prior_weight(), 2),
        "probability": round(probability_of(weight), 4),
        "conflict": comparison.conflict,
    }


def _stored_comparison(model: FellegiSunter, row: dict[str, Any]) -> dict[str, Any]:
    """The run's comparison of the pair: its levels and evidence as compared then, and the
    probability it was given, whose difference from the levels' weights is what the run
    added (the names' frequencies, shared neighbours; a judgement fixes it to 0 or 1)."""
    levels = json.loads(row["levels"])
    probability = row.get("probability")
    out: dict[str, Any] = {
        "levels": levels,
        "evidence": json.loads(row["evidence"]),
        "weights": _weights(model, levels),
        "prior": round(model.prior_weight(), 2),
        "probability": None if probability is None else round(probability, 4),
        "conflict": bool(row["conflict"]),
    }
    if probability is not None and 0.0 < probability < 1.0:
        total = math.log2(probability / (1 - probability))
        out["adjustment"] = round(total - model.match_weight(levels), 2)
    return out


def _path(
    store: Store, viewer: Viewer, run: _Run, canonical: str, left: str, right: str
) -> list[dict[str, Any]]:
    """The fewest links above the threshold (or judged the same) that join the two records
    through records of their entity the viewer may see; empty if none does."""
    members = _member_keys(store, viewer, canonical)
    visible = set(members)
    _, pairs = store.resolve_details(members)
    edges: dict[str, dict[str, dict[str, Any]]] = {}

    def add(a: str, b: str, hop: dict[str, Any]) -> None:
        if a in visible and b in visible:
            edges.setdefault(a, {})[b] = hop
            edges.setdefault(b, {})[a] = hop

    for p in pairs:
        probability = p.get("probability")
        if probability is not None and probability >= run.threshold:
            hop = {"pair": [p["left_key"], p["right_key"]], "probability": round(probability, 4)}
            add(p["left_key"], p["right_key"], hop)
    for j in store.list_judgements():
        if j.judgement == "same":
            add(j.left, j.right, {"pair": [j.left, j.right], "judged_same_by": j.user})
    previous: dict[str, str] = {left: left}
    queue = deque([left])
    while queue:
        node = queue.popleft()
        if node == right:
            break
        # strongest links first, so that of equally short paths the strongest is kept
        for other, _hop in sorted(
            edges.get(node, {}).items(), key=lambda item: -item[1].get("probability", 1.0)
        ):
            if other not in previous:
                previous[other] = node
                queue.append(other)
    if right not in previous:
        return []
    hops: list[dict[str, Any]] = []
    node = right
    while node != left:
        hops.append(edges[previous[node]][node])
        node = previous[node]
    return hops[::-1]


def _reasons(
    store: Store,
    viewer: Viewer,
    run: _Run,
    out: dict[str, Any],
    records: dict[str, Record],
    stored: dict[str, Any] | None,
    pairs: list[dict[str, Any]],
) -> list[str]:
    """The outcome in sentences, most decisive first. ``stored``: the run's comparison of
    the pair, ``pairs``: all its compared pairs with either record; both are read only for
    a reader who sees all the records hold (``out["run"]`` is set)."""
    left, right = (r["key"] for r in out["records"])
    judged = out["judgement"]
    if out["same_entity"]:
        if judged and judged["verdict"] == "same":
            return [f"judged the same by {judged['user']}"]
        hops = out.get("path", [])
        if len(hops) == 1 and "probability" in hops[0]:
            return [f"linked directly: p={_p(hops[0]['probability'])} >= {run.threshold}"]
        if hops:
            return [f"linked through {len(hops) - 1} other record(s) of the entity"]
        return ["merged through records you cannot see"]
    if judged and judged["verdict"] == "different":
        return [f"judged different by {judged['user']}: never merged, not even through others"]
    if not out["now"]["comparable"]:
        return [f"a {records[left].schema} and a {records[right].schema} are never one thing"]
    if out["run"] is None:
        return [
            "the last run compared values you cannot see (or that changed since): only the "
            "comparison of what you see is shown"
        ]
    if stored is None:
        return _never_compared(records[left], records[right])
    probability = stored.get("probability")
    levels = json.loads(stored["levels"])
    if probability is None:
        return ["compared by a run that kept no probabilities: run `silobreak resolve` again"]
    weights = out["run"]["weights"]
    against = sorted((w, f) for f, w in weights.items() if w < 0)
    if probability < run.threshold:
        said = f"scored p={_p(probability)}, below the threshold {run.threshold}"
        if against:
            said += "; against: " + ", ".join(f"{f} {levels[f]} ({w:+.1f})" for w, f in against)
        return [said]
    if stored["conflict"]:
        what = [f for f in ("unique_id", "birth_date") if levels.get(f) == "conflict"]
        return [f"scored p={_p(probability)} but conflicting evidence ({', '.join(what)}) forbids"]
    if documents_alone(levels):
        return [
            f"scored p={_p(probability)}, but the two hold different documents (passports, "
            "national ids) and nothing beyond the name and country agrees: as likely a namesake"
        ]
    return [
        f"scored p={_p(probability)}, but the clustering kept them apart: "
        + _clustering_reason(store, viewer, run, out, levels, pairs)
    ]


def _p(probability: float) -> str:
    """A probability as people read it: 0.0002, not 0.00."""
    return f"{probability:.2f}" if 0.01 <= probability <= 0.99 else f"{probability:.4f}"


def _never_compared(a: Record, b: Record) -> list[str]:
    """Why blocking did not pair them, as far as their own keys tell (how many other records
    hold a key is known only to the run)."""
    shared = sorted(record_keys(a)[0] & record_keys(b)[0])
    if not shared:
        return [
            "never compared: the two share no blocking key (no identifier, name part, "
            "birth date, place or address in common)"
        ]
    return [
        "never compared: the blocking keys they share ("
        + ", ".join(shared[:8])
        + (", ..." if len(shared) > 8 else "")
        + ") are each held by too many records to pair them on their own"
    ]


def _clustering_reason(
    store: Store,
    viewer: Viewer,
    run: _Run,
    out: dict[str, Any],
    levels: dict[str, str],
    own: list[dict[str, Any]],
) -> str:
    """Replay the clustering's checks on the two entities as they are now (``own``: the
    run's compared pairs with either record)."""
    left, right = (r["key"] for r in out["records"])
    members = {r["key"]: _member_keys(store, viewer, r["canonical_id"]) for r in out["records"]}
    # The records each of the two links to strongly, for the ambiguity check: a record
    # left alone for ambiguity links to records of other entities.
    linked = {
        k
        for p in own
        if (p.get("probability") or 0.0) >= run.threshold
        for k in (p["left_key"], p["right_key"])
    }
    keys = sorted(set(members[left]) | set(members[right]) | linked)
    records = records_of(store, viewer, keys)
    order = [k for k in keys if k in records]
    index = {k: i for i, k in enumerate(order)}
    _, pairs = store.resolve_details(order)
    strong = [
        (index[p["left_key"]], index[p["right_key"]])
        for p in pairs
        if p["left_key"] in index
        and p["right_key"] in index
        and (p.get("probability") or 0.0) >= run.threshold
    ]
    different = [
        (index[j.left], index[j.right])
        for j in store.list_judgements()
        if j.judgement == "different" and j.left in index and j.right in index
    ]
    deduplicated = frozenset(d.name for d in store.list_datasets() if d.deduplicated)
    listed = [records[k] for k in order]
    clusterer = Clusterer(listed, different, strong, deduplicated)
    for side in (left, right):
        group = [index[k] for k in members[side] if k in index]
        for other in group[1:]:
            clusterer.union(group[0], other, force=True)
    reason = clusterer.conflict(
        clusterer.find(index[left]), clusterer.find(index[right]), not vouches_for_dates(levels)
    )
    if reason is not None:
        return f"their entities would hold {reason}" if reason.startswith("different") else reason
    apart = {
        (
            min(index[p["left_key"]], index[p["right_key"]]),
            max(index[p["left_key"]], index[p["right_key"]]),
        )
        for p in pairs
        if p["left_key"] in index
        and p["right_key"] in index
        and json.loads(p["levels"]).get("country") == "conflict"
    }
    ambiguous = ambiguous_records(listed, strong, deduplicated, apart=apart)
    lonely = [k for k in (left, right) if index[k] in ambiguous]
    if lonely:
        return (
            f"{', '.join(lonely)} links to records that contradict each other (identifiers, "
            "birth dates or countries), so it is left on its own until someone judges"
        )
    return (
        "the links it would need were refused when the entities were smaller (their "
        "contradictions were met in another order); `judge` decides"
    )
