"""Evidence from neighbours: two records whose linked entities resolved to one entity.

A thin record (a "Joseph Mutua" named in one cyber incident, with no birth date or
identifier) matches the registry's Joseph Mutua on the name alone, which for a name shared by
a few people is not enough to merge. But if the company involved in that incident is the
company the registry's Joseph Mutua directs, and resolution has already found the incident's
"Sahara Freight BV" to be the registry's "Sahara Freight B.V.", the two records are far more
likely one person. This is collective resolution in a few rounds: resolve, look at what
each record's neighbours resolved to, resolve again (at most ``ROUNDS`` times).

- A record's **neighbours** are the records it links to, directly (a wallet's ``holder``) or
  through one entity that is not itself resolved (a relationship such as Directorship, an
  Event's ``involved``), in the same dataset. Entities linked to more than ``HUB_RECORDS``
  records (a bank, a port, a registry-wide event) are no one's neighbour and have none:
  they tell nothing, and would cost a comparison of hundreds of neighbours per pair.
- Two records **share a neighbour** when a neighbour of one and a different neighbour record
  of the other are in one entity that is neither of theirs, or in two entities that a
  candidate pair links with probability >= ``LIKELY``: the link is confirmed across records,
  not the same link seen twice. The second case lets two thin pairs support each other: the
  incident's "Joseph Mutua" and "Sahara Freight BV", each matched on its name alone, are
  much more likely right together when the registry's Joseph Mutua directs its Sahara
  Freight B.V.
- The **factor** is estimated from the data like the model's other weights, without labels:
  m = the share of confidently matched pairs (p >= ``CONFIDENT``) that share a neighbour,
  u = the share of rejected candidate pairs (p < ``REJECTED``, blocked together, so hard
  negatives) that do, both among pairs whose records both have neighbours; the factor
  m / u (bounded by ``MAX_FACTOR``) multiplies the odds of a pair that shares one.
  Not sharing one is not counted against a pair: most records have no neighbours at all.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from silobreak.resolve.records import Record

HUB_RECORDS = 25
LIKELY = 0.5  # neighbours in a candidate pair this likely count as one entity
CONFIDENT = 0.99
REJECTED = 0.01
MAX_FACTOR = 4096.0
ROUNDS = 3  # rounds of looking at neighbours again after the merges of the last
SAMPLE = 200_000  # pairs of each kind looked at to estimate the factor


def neighbourhoods(
    records: Sequence[Record], links: Iterable[tuple[str, str]]
) -> list[tuple[int, ...]]:
    """For each record, the indices of its neighbour records (see the module docstring).
    ``links`` are (record key, record key) of entity-typed statements (``load_records``).

    Built with arrays, not a set per node: a million records with three million links take
    seconds and a few hundred MB."""
    index = {r.key: i for i, r in enumerate(records)}
    n = len(records)
    other: dict[str, int] = {}  # entities that are not records (links, events) -> node id
    ends = array("q")
    for a, b in links:
        ia = index.get(a)
        if ia is None:
            ia = other.setdefault(a, n + len(other))
        ib = index.get(b)
        if ib is None:
            ib = other.setdefault(b, n + len(other))
        if ia != ib:
            ends.extend((ia, ib))
    del index, other
    pairs = np.frombuffer(ends, dtype=np.int64).reshape(-1, 2)
    edges = _unique_pairs(np.concatenate([pairs, pairs[:, ::-1]]))  # both ways, once
    del ends, pairs
    # record -> record, directly
    direct = edges[(edges[:, 0] < n) & (edges[:, 1] < n)]
    # record -> entity -> record, through entities linked to at most HUB_RECORDS records
    via = edges[(edges[:, 0] >= n) & (edges[:, 1] < n)]  # (entity, record), sorted by entity
    starts = np.flatnonzero(np.r_[True, via[1:, 0] != via[:-1, 0]]) if len(via) else via[:0, 0]
    sizes = np.diff(np.r_[starts, len(via)])
    keep = np.repeat(sizes <= HUB_RECORDS, sizes)
    via, sizes = via[keep], sizes[sizes <= HUB_RECORDS]
    starts = np.r_[0, np.cumsum(sizes)[:-1]] if len(sizes) else sizes
    # every pair of records around one entity: for each member, the whole group
    group_of = np.repeat(np.arange(len(sizes)), sizes)
    left = np.repeat(via[:, 1], sizes[group_of])
    offsets = np.repeat(starts[group_of], sizes[group_of])
    within = np.arange(len(left)) - np.repeat(
        np.cumsum(sizes[group_of]) - sizes[group_of], sizes[group_of]
    )
    right = via[offsets + within, 1]
    found = np.concatenate([direct, np.stack([left, right], axis=1)])
    found = _unique_pairs(found[found[:, 0] != found[:, 1]])
    counts = np.bincount(found[:, 0], minlength=n)
    hub = counts > HUB_RECORDS
    found = found[~hub[found[:, 0]] & ~hub[found[:, 1]]]
    bounds = np.r_[0, np.cumsum(np.bincount(found[:, 0], minlength=n))]
    targets = found[:, 1].tolist()
    return [tuple(targets[bounds[i] : bounds[i + 1]]) for i in range(n)]


def _unique_pairs(pairs: np.ndarray) -> np.ndarray:
    """Distinct rows of an (n, 2) array of non-negative ints, sorted (one int64 key per row:
    far faster than ``np.unique(axis=0)``)."""
    if not len(pairs):
        return pairs.reshape(0, 2)
    span = int(pairs[:, 1].max()) + 1
    keys = np.sort(pairs[:, 0] * span + pairs[:, 1])
    keys = keys[np.r_[True, keys[1:] != keys[:-1]]]
    return np.stack([keys // span, keys % span], axis=1)


class Entities:
    """What a round found: the entity of each record, and the pairs of entities that a
    candidate pair links with at least ``LIKELY`` probability (not merged, not excluded)."""

    def __init__(
        self,
        groups: Sequence[Sequence[int]],
        records: int,
        pairs: Sequence[tuple[int, int]],
        probabilities: Sequence[float],
    ):
        self.of = [0] * records
        for g, members in enumerate(groups):
            for i in members:
                self.of[i] = g
        self.likely: set[tuple[int, int]] = set()
        for (a, b), p in zip(pairs, probabilities, strict=True):
            ea, eb = self.of[a], self.of[b]
            if p >= LIKELY and ea != eb:
                self.likely.add((min(ea, eb), max(ea, eb)))

    def together(self, x: int, y: int) -> bool:
        """Whether two different records are one entity, or likely so."""
        ex, ey = self.of[x], self.of[y]
        return x != y and (ex == ey or (min(ex, ey), max(ex, ey)) in self.likely)


def shared_neighbour(
    a: int, b: int, around: Sequence[tuple[int, ...]], entities: Entities
) -> tuple[int, int] | None:
    """A neighbour record of ``a`` and one of ``b`` that are one entity (or likely so), an
    entity other than the two records' own, if there are such."""
    own = (entities.of[a], entities.of[b])
    for x in around[a]:
        if entities.of[x] in own:
            continue
        for y in around[b]:
            if entities.of[y] not in own and entities.together(x, y):
                return x, y
    return None


@dataclass(frozen=True)
class NeighbourFactor:
    """The estimated factor and what it was estimated from (kept in the run's model)."""

    factor: float
    m: float
    u: float
    confident_pairs: int
    rejected_pairs: int

    def to_dict(self) -> dict[str, float]:
        return {
            "factor": round(self.factor, 2),
            "m": round(self.m, 5),
            "u": round(self.u, 6),
            "confident_pairs": self.confident_pairs,
            "rejected_pairs": self.rejected_pairs,
        }


def estimate_factor(
    pairs: Sequence[tuple[int, int]],
    probabilities: Sequence[float],
    around: Sequence[tuple[int, ...]],
    entities: Entities,
) -> NeighbourFactor:
    """m / u of sharing a neighbour, from the first round's confident and rejected pairs
    (add-one smoothed, so a few pairs cannot make it infinite)."""
    counts = {True: [0, 0], False: [0, 0]}  # confident?: [pairs, sharing]
    for (a, b), p in zip(pairs, probabilities, strict=True):
        if REJECTED <= p < CONFIDENT or not around[a] or not around[b]:
            continue
        seen = counts[p >= CONFIDENT]
        if seen[0] >= SAMPLE:
            continue
        seen[0] += 1
        seen[1] += shared_neighbour(a, b, around, entities) is not None
    (nc, sc), (nr, sr) = counts[True], counts[False]
    m = (sc + 1) / (nc + 2)
    u = (sr + 1) / (nr + 2)
    return NeighbourFactor(min(MAX_FACTOR, max(1.0, m / u)), m, u, nc, nr)
