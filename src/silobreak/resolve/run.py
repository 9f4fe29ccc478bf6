"""``silobreak resolve``: records -> candidate pairs -> comparisons -> model -> clusters.

Statements are never rewritten: the result is the resolver (dataset, entity id -> canonical
id, with the score and the evidence of the link that merged the record) and a run record with
the estimated model.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pyarrow as pa

from silobreak.policy.viewer import SYSTEM
from silobreak.resolve.cluster import Clusterer, ambiguous_records, mutual_best
from silobreak.resolve.compare import (
    FEATURES,
    Comparison,
    documents_alone,
    intern_levels,
    vouches_for_dates,
)
from silobreak.resolve.engines import DuckDBEngine, Engine, make_engine
from silobreak.resolve.frequency import NameFrequencies, name_frequencies, pair_frequency
from silobreak.resolve.keys import key_pass
from silobreak.resolve.model import FellegiSunter, estimate_u, probability_of, train
from silobreak.resolve.neighbours import (
    ROUNDS,
    Entities,
    NeighbourFactor,
    estimate_factor,
    neighbourhoods,
    shared_neighbour,
)
from silobreak.resolve.records import Record, attach_members, load_records
from silobreak.runtime import cycle_collection_paused
from silobreak.store.base import ResolveRun, Store

# A match more likely than not. 0.9 was the default until the clustering's own checks
# (contradictions, ambiguous records, thin bridges) took over what the high bar guarded
# against: on the tuning worlds (scenario seeds 1, 2) F1 0.883 -> 0.919 and 0.890 -> 0.927,
# precision still 0.97, no namesake merged (BENCHMARKS.md).
DEFAULT_THRESHOLD = 0.5
# (left key, right key) -> (levels, evidence, conflict) of an earlier run's comparison
Previous = dict[tuple[str, str], tuple[dict[str, str], dict[str, str], bool]]
Progress = Callable[[str, int, int], None]


@dataclass
class Resolution:
    records: list[Record]
    comparisons: list[Comparison]
    probabilities: list[float]
    model: FellegiSunter
    clusters: list[list[int]]
    refused_merges: int
    compared: int = 0
    reused: int = 0
    frequencies: NameFrequencies = field(default_factory=lambda: NameFrequencies([], []))
    neighbour: NeighbourFactor | None = None
    # comparison index -> the two neighbour records, one of each side, found in one entity
    shared: dict[int, tuple[int, int]] = field(default_factory=dict)
    # record -> the comparison that merged it (its strongest link inside its cluster)
    links: dict[int, int] = field(default_factory=dict)
    # comparisons linked one to one between deduplicated datasets (``cluster.mutual_best``)
    paired: set[int] = field(default_factory=set)

    def weights(self, k: int) -> dict[str, float]:
        """The per-feature weights of comparison ``k``: name frequency and, where the pair
        shares a neighbour, the neighbour factor included."""
        comp = self.comparisons[k]
        out = self.model.weights(
            comp.levels, pair_frequency(self.frequencies, comp.left, comp.right)
        )
        if k in self.shared and self.neighbour is not None:
            out["neighbours"] = math.log2(self.neighbour.factor)
        return out

    def cross_org_entities(self) -> int:
        """Entities whose records come from more than one organization."""
        return sum(
            1 for members in self.clusters if len({self.records[i].org for i in members}) > 1
        )

    def canonical(self, members: list[int]) -> str:
        key = min(self.records[i].key for i in members)
        return "sb-" + hashlib.sha1(key.encode()).hexdigest()[:16]


@cycle_collection_paused()
def resolve_records(
    records: list[Record],
    judgements: Sequence[tuple[str, str, str]] = (),
    threshold: float = DEFAULT_THRESHOLD,
    progress: Progress | None = None,
    previous: Previous | None = None,
    engine: Engine | None = None,
    around: Sequence[tuple[int, ...]] | None = None,
    deduplicated: frozenset[str] = frozenset(),
) -> Resolution:
    """Resolve in memory (the DuckDB engine); ``judgements`` are (left key, right key, kind).

    ``deduplicated``: names of the datasets that hold one record per entity (``cluster.py``).

    ``previous`` holds comparisons of an earlier run between records that have not changed
    since (by record keys): they are reused instead of compared again. Comparisons depend
    only on the two records, so the result is the same as a full run.

    ``around`` (``neighbours.neighbourhoods``) adds up to ``ROUNDS`` more rounds: pairs below
    the threshold whose neighbours resolved to one entity are weighed again with the
    neighbour factor, and the records clustered again.
    """
    index = {r.key: i for i, r in enumerate(records)}
    previous = previous or {}
    engine = engine or DuckDBEngine()
    blocked = key_pass(records)
    pairs = engine.candidate_pairs(blocked.keys)
    frequencies = name_frequencies(records, blocked.part_sets)
    del blocked  # tens of millions of keys: not kept through comparison
    comparisons: list[Comparison] = []
    todo: list[tuple[int, int]] = []
    for i, j in pairs:
        known = previous.get((records[i].key, records[j].key))
        if known is not None:
            comparisons.append(Comparison(i, j, intern_levels(known[0]), known[1], known[2]))
        else:
            todo.append((i, j))
    reused = len(comparisons)
    if progress:
        progress("compare", 0, len(todo))
    comparisons.extend(engine.compare(records, todo))
    comparisons.sort(key=lambda c: (c.left, c.right))
    if progress:
        progress("compare", len(todo), len(todo))
    fixed: dict[tuple[int, int], float] = {}
    same: list[tuple[int, int]] = []
    different: list[tuple[int, int]] = []
    for left, right, kind in judgements:
        if left not in index or right not in index or kind == "unsure":
            continue
        pair = tuple(sorted((index[left], index[right])))
        fixed[(pair[0], pair[1])] = 1.0 if kind == "same" else 0.0
        (same if kind == "same" else different).append((pair[0], pair[1]))
    u = estimate_u(records, compare=engine.compare)
    model = train(comparisons, u, fixed, total_pairs=family_pairs(records))
    by_pattern: dict[tuple[str, ...], float] = {}
    probabilities = []
    for c in comparisons:
        verdict = fixed.get((c.left, c.right))
        if verdict is not None:
            probabilities.append(verdict)
            continue
        key = tuple(c.levels.values())
        if key not in by_pattern:
            by_pattern[key] = model.match_weight(c.levels)
        frequency = pair_frequency(frequencies, c.left, c.right)
        adjust = model.name_adjustment(c.levels["name"], frequency)
        probabilities.append(probability_of(by_pattern[key] + adjust))
    judged = Judged(fixed, same, different)
    groups, refused, paired = _cluster(
        records, comparisons, probabilities, threshold, judged, deduplicated
    )
    neighbour: NeighbourFactor | None = None
    shared: dict[int, tuple[int, int]] = {}
    if around is not None:
        scored = [(c.left, c.right) for c in comparisons]
        entities = Entities(groups, len(records), scored, probabilities)
        neighbour = estimate_factor(scored, probabilities, around, entities)
        # Each round's merges can confirm the neighbours of the next: an incident's company
        # merged in one round on its person's likely match confirms that person in the next.
        for _ in range(ROUNDS if neighbour.factor > 1 else 0):
            found_any = False
            for k, c in enumerate(comparisons):
                p = probabilities[k]
                if k in shared or p >= threshold or c.conflict or (c.left, c.right) in fixed:
                    continue
                found = shared_neighbour(c.left, c.right, around, entities)
                if found is not None:
                    shared[k] = found
                    probabilities[k] = p * neighbour.factor / (1 - p + p * neighbour.factor)
                    found_any = found_any or probabilities[k] >= threshold
            if not found_any:
                break
            groups, refused, paired = _cluster(
                records, comparisons, probabilities, threshold, judged, deduplicated
            )
            entities = Entities(groups, len(records), scored, probabilities)
    # Explanations (the aligned name parts cost a second comparison) only for the link that
    # merged each record: a sixth of the pairs above the threshold on historical figures.
    links = _merging_links(groups, comparisons, probabilities, threshold)
    unexplained = sorted(k for k in set(links.values()) if not comparisons[k].evidence)
    pairs_to_explain = [(comparisons[k].left, comparisons[k].right) for k in unexplained]
    for k, explained in zip(
        unexplained, engine.compare(records, pairs_to_explain, explain=True), strict=True
    ):
        comparisons[k] = explained
    return Resolution(
        records,
        comparisons,
        probabilities,
        model,
        groups,
        refused,
        len(pairs) - reused,
        reused,
        frequencies,
        neighbour,
        shared,
        links,
        paired,
    )


def _merging_links(
    groups: list[list[int]],
    comparisons: list[Comparison],
    probabilities: list[float],
    threshold: float,
) -> dict[int, int]:
    """Record -> the comparison that merged it: its strongest link inside its own cluster
    (a link above the threshold to a record kept in another cluster merged nothing)."""
    cluster_of = {i: g for g, members in enumerate(groups) if len(members) > 1 for i in members}
    best: dict[int, int] = {}
    for k, c in enumerate(comparisons):
        p = probabilities[k]
        group = cluster_of.get(c.left)
        if p < threshold or group is None or cluster_of.get(c.right) != group:
            continue
        for i in (c.left, c.right):
            if i not in best or p > probabilities[best[i]]:
                best[i] = k
    return best


@dataclass(frozen=True)
class Judged:
    """People's judgements by record index: pair -> 1.0 (same) or 0.0 (different)."""

    fixed: dict[tuple[int, int], float]
    same: list[tuple[int, int]]
    different: list[tuple[int, int]]


def _cluster(
    records: list[Record],
    comparisons: list[Comparison],
    probabilities: list[float],
    threshold: float,
    judged: Judged,
    deduplicated: frozenset[str],
) -> tuple[list[list[int]], int, set[int]]:
    """Clusters of the pairs at or above ``threshold``, strongest first (``cluster.py``):
    judgements first, never a pair with conflicting evidence (unless the two are linked one
    to one between deduplicated datasets and no identifier conflicts) or an ambiguous record.
    Returns the clusters, how many merges were refused, and the one-to-one comparisons."""
    paired = {
        k
        for k in mutual_best(records, comparisons, probabilities, deduplicated)
        if comparisons[k].levels["unique_id"] != "conflict"
    }
    # Two passports with nothing but a name and a country to join them are no link (a
    # namesake as likely as a renewal), nor a bridge for a chain (``Clusterer``).
    linkable = [
        not (c.conflict or documents_alone(c.levels)) or k in paired
        for k, c in enumerate(comparisons)
    ]
    strong_links = [
        (c.left, c.right)
        for k, (c, p) in enumerate(zip(comparisons, probabilities, strict=True))
        if p >= threshold and linkable[k]
    ]
    clusterer = Clusterer(
        records, cannot_link=judged.different, links=strong_links, deduplicated=deduplicated
    )
    for i, j in judged.same:
        clusterer.union(i, j, force=True)
    # Strongest first; equal probabilities (one pattern of levels gives one, up to the last
    # bits of the model's sums, which follow the order of the pairs) in the order of the
    # records' keys, not of where they sit in the list: the clusters must not depend on the
    # order in which the records were read.
    strong = sorted(
        (k for k, p in enumerate(probabilities) if p >= threshold),
        key=lambda k: (-round(probabilities[k], 12), *sorted(_keys(records, comparisons[k]))),
    )
    edges = [(comparisons[k].left, comparisons[k].right) for k in strong if linkable[k]]
    ambiguous = ambiguous_records(
        records,
        edges,
        deduplicated,
        [(comparisons[k].left, comparisons[k].right) for k in paired],
        _countries_apart(comparisons, edges),
    )
    for k in strong:
        comp = comparisons[k]
        if (comp.left, comp.right) in judged.fixed:
            continue  # judged: already applied
        if not linkable[k] or comp.left in ambiguous or comp.right in ambiguous:
            continue
        # A shared (or mistyped) strong identifier, or a one-to-one link, vouches for the pair
        # despite dates.
        vouched = vouches_for_dates(comp.levels) or k in paired
        clusterer.union(comp.left, comp.right, dates=not vouched)
    return clusterer.groups(), clusterer.refused, paired


def _countries_apart(
    comparisons: list[Comparison], edges: list[tuple[int, int]]
) -> set[tuple[int, int]]:
    """Pairs of records of two countries among those one record links to: the only pairs
    ``ambiguous_records`` asks about, found in one pass over the comparisons instead of a
    map of millions of pairs."""
    linked: dict[int, list[int]] = {}
    for i, j in edges:
        linked.setdefault(i, []).append(j)
        linked.setdefault(j, []).append(i)
    wanted = {
        (min(x, y), max(x, y))
        for others in linked.values()
        if len(others) > 1
        for x, y in itertools.combinations(others, 2)
    }
    return {
        (c.left, c.right)
        for c in comparisons
        if c.levels["country"] == "conflict" and (c.left, c.right) in wanted
    }


def _keys(records: list[Record], comparison: Comparison) -> tuple[str, str]:
    return records[comparison.left].key, records[comparison.right].key


def family_pairs(records: list[Record]) -> int:
    """How many pairs of records of one family there are: what the prior is a share of."""
    sizes: dict[str, int] = {}
    for record in records:
        for family in record.families:
            sizes[family] = sizes.get(family, 0) + 1
    return sum(n * (n - 1) // 2 for n in sizes.values())


@cycle_collection_paused()
def resolve_store(
    store: Store,
    threshold: float = DEFAULT_THRESHOLD,
    engine: str = "duckdb",
    progress: Progress | None = None,
    full: bool = False,
    spark_master: str | None = None,
    neighbours: bool = True,
) -> tuple[Resolution, ResolveRun]:
    """Resolve everything in the workspace and save the resolver.

    Incremental unless ``full``: comparisons between records unchanged since the last run
    are reused, so new data is compared against what exists without redoing all of it.
    ``neighbours``: weigh pairs again on what their neighbours resolved to (``neighbours.py``).
    """
    runner = make_engine(engine, spark_master)
    started = datetime.now(UTC).replace(tzinfo=None)
    links: list[tuple[str, str]] | None = [] if neighbours else None
    memberships: dict[str, dict[str, str]] = {}
    records = list(load_records(store, SYSTEM, links, memberships))
    attach_members(records, memberships)
    del memberships
    around = neighbourhoods(records, links) if links is not None else None
    del links
    judgements = [(j.left, j.right, j.judgement) for j in store.list_judgements()]
    fingerprints = {r.key: r.fingerprint() for r in records}
    previous = {} if full else _previous(store, fingerprints)
    deduplicated = frozenset(d.name for d in store.list_datasets() if d.deduplicated)
    try:
        result = resolve_records(
            records, judgements, threshold, progress, previous, runner, around, deduplicated
        )
    finally:
        stop = getattr(runner, "stop", None)
        if stop is not None:
            stop()
    evidence: dict[int, str] = {}
    for k in set(result.links.values()):
        comp, p = result.comparisons[k], result.probabilities[k]
        explained = dict(comp.evidence)
        if k in result.shared:
            x, y = result.shared[k]
            explained["neighbours"] = f"{records[x].key} ~ {records[y].key}"
        if k in result.paired:
            explained["one to one"] = "each the other's best match in deduplicated datasets"
        evidence[k] = json.dumps(
            {
                "pair": [records[comp.left].key, records[comp.right].key],
                "probability": round(p, 4),
                "levels": comp.levels,
                "weights": {name: round(v, 2) for name, v in result.weights(k).items()},
                "evidence": explained,
            },
            ensure_ascii=False,
        )
    rows: dict[str, list[object]] = {
        "dataset": [],
        "entity_id": [],
        "canonical_id": [],
        "score": [],
        "evidence": [],
    }
    merged = 0
    for members in result.clusters:
        canonical = result.canonical(members)
        for i in members:
            record = records[i]
            rows["dataset"].append(record.dataset)
            rows["entity_id"].append(record.entity_id)
            rows["canonical_id"].append(canonical)
            link = result.links.get(i)
            rows["score"].append(None if link is None else result.probabilities[link])
            rows["evidence"].append(None if link is None else evidence[link])
        merged += len(members) if len(members) > 1 else 0
    run = ResolveRun(
        run_id=uuid.uuid4().hex,
        started_at=started,
        finished_at=datetime.now(UTC).replace(tzinfo=None),
        engine=engine,
        records=len(records),
        candidate_pairs=len(result.comparisons),
        merged_records=merged,
        clusters=sum(1 for c in result.clusters if len(c) > 1),
        model=json.dumps(
            {
                **result.model.to_dict(),
                "threshold": threshold,
                "neighbours": result.neighbour.to_dict() if result.neighbour else None,
            }
        ),
    )
    table = pa.table(
        rows,
        schema=pa.schema(
            [
                ("dataset", pa.string()),
                ("entity_id", pa.string()),
                ("canonical_id", pa.string()),
                ("score", pa.float64()),
                ("evidence", pa.string()),
            ]
        ),
    )
    store.save_resolution(table, run, _fingerprint_table(fingerprints), _pair_table(result))
    return result, run


def _previous(store: Store, fingerprints: dict[str, str]) -> Previous:
    """Saved comparisons whose two records are unchanged since they were compared."""
    saved_prints, saved_pairs = store.resolve_state()
    unchanged = {
        key
        for key, fp in zip(
            saved_prints.column("record_key").to_pylist(),
            saved_prints.column("fingerprint").to_pylist(),
            strict=True,
        )
        if fingerprints.get(key) == fp
    }
    out: Previous = {}
    for row in saved_pairs.to_pylist():
        if row["left_key"] in unchanged and row["right_key"] in unchanged:
            levels = json.loads(row["levels"])
            if levels.keys() != FEATURES.keys():
                return {}  # compared by a version with other features: compare again
            out[(row["left_key"], row["right_key"])] = (
                levels,
                json.loads(row["evidence"]),
                row["conflict"],
            )
    return out


def _fingerprint_table(fingerprints: dict[str, str]) -> pa.Table:
    return pa.table(
        {"record_key": list(fingerprints), "fingerprint": list(fingerprints.values())},
        schema=pa.schema([("record_key", pa.string()), ("fingerprint", pa.string())]),
    )


def _pair_table(result: Resolution) -> pa.Table:
    records, comps = result.records, result.comparisons
    return pa.table(
        {
            "left_key": [records[c.left].key for c in comps],
            "right_key": [records[c.right].key for c in comps],
            "levels": [json.dumps(c.levels) for c in comps],
            "evidence": [json.dumps(c.evidence, ensure_ascii=False) for c in comps],
            "conflict": [c.conflict for c in comps],
            "probability": result.probabilities,
        },
        schema=pa.schema(
            [
                ("left_key", pa.string()),
                ("right_key", pa.string()),
                ("levels", pa.string()),
                ("evidence", pa.string()),
                ("conflict", pa.bool_()),
                ("probability", pa.float64()),
            ]
        ),
    )
