"""Convergence: which entities touch several crime domains, on independent evidence.

The score of an entity (see docs/convergence.md for the worked formula):

1. **Direct evidence.** A topic statement on a node (``crime.env`` on a seizure, ``role.pep``
   on a person) puts that node in a domain with the confidence of its source: the source
   grade (A 1.0 ... E 0.3, unknown 0.6) times a marking factor (TLP:CLEAR 0.9, GREEN 0.95,
   restricted 1.0: public lists are the least verified). Several records of the same
   domain corroborate each other as a noisy-or, which saturates: ten seizures are not ten
   times one.
2. **Close links.** A domain reaches other nodes along edges, multiplied at each hop by the
   decay of the link's kind (being named in a case 0.9, ownership or control 0.7, family or
   association 0.6, employment 0.5, a payment 0.4) and by 1/sqrt of the degree of every
   node passed through beyond the second edge, so that a bank or a registry hub does not
   pass every domain to everyone. At most ``MAX_HOPS`` hops; for each domain only the best
   path counts, and it is kept as the evidence.
3. **Breadth, not size.** With the domain strengths in decreasing order s1 >= s2 >= ...
   (below ``MIN_STRENGTH`` ignored), breadth = 0.25 s1 + s2 + s3/2 + s4/4 + ...: one domain
   alone (a repeat offender) scores a quarter of one, and more records never add domains.
4. **Independence.** The organizations and sectors behind the evidence paths:
   independence = 1 - 1/(1 + (orgs + sectors)/2). One organization alone halves the score.
5. **Recency.** 0.5 + 0.5 * 2^(-age/2 years), the age measured from the newest date in the
   graph to the newest statement on the evidence paths.
6. **Certainty of a merge.** In an entity resolution merged from several records, each domain
   arrives at some of its records (the records its topics sit on, or that the evidence path's
   first link names). Seen from one record, a domain that arrives at other records is worth
   its strength times the certainty that they are one: the most probable chain of pairs the
   resolution run compared between them (the product of their probabilities); the record
   that gives the highest breadth is the one the entity is seen from. Two domains joined by
   a link of p = 0.6 (a name and a country) are then a weaker convergence than two joined by
   a passport (p = 1.0): a merge is a hypothesis, and a namesake wrongly merged must not
   invent a convergence at full strength. Propagation through a merged entity is not
   discounted (tried: precision@K fell on half of the tuning worlds).

score = breadth x independence x recency. Entities resolution kept apart are different
nodes, so namesakes never pool their domains.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field
from datetime import datetime

from silobreak.graph.model import Edge, Graph, Topic
from silobreak.resolve.records import record_key

MAX_HOPS = 3
MIN_STRENGTH = 0.15
FIRST_DOMAIN_WEIGHT = 0.25
HALF_LIFE_DAYS = 730.0
GRADES = {"A": 1.0, "B": 0.9, "C": 0.75, "D": 0.5, "E": 0.3, "F": 0.6}
UNKNOWN_GRADE = 0.6
MARKING_FACTOR = {"TLP:CLEAR": 0.9, "TLP:GREEN": 0.95}
# Decay of a domain along one link, by the kind of link (FtM schema, or Schema:property).
DECAY: dict[str, float] = {
    "Event:involved": 0.9,
    "Event:organizer": 0.9,
    "Sanction:entity": 0.9,
    "UnknownLink": 0.8,
    "EconomicActivity:sender": 0.8,
    "EconomicActivity:receiver": 0.8,
    "CourtCaseParty": 0.9,
    "Ownership": 0.7,
    "Directorship": 0.7,
    "Control": 0.7,
    "Membership": 0.7,
    "Occupancy": 0.7,
    "UserAccount:owner": 0.8,
    "CryptoWallet:holder": 0.8,
    "BankAccount:owner": 0.8,
    "Passport:holder": 0.8,
    "Family": 0.6,
    "Associate": 0.6,
    "Representation": 0.5,
    "Employment": 0.5,
    "Payment": 0.4,
    "Debt": 0.4,
}
DEFAULT_DECAY = 0.4


def decay(kind: str) -> float:
    return DECAY.get(kind, DEFAULT_DECAY)


def topic_confidence(topic: Topic) -> float:
    grade = GRADES.get(topic.grade or "", UNKNOWN_GRADE)
    return grade * MARKING_FACTOR.get(topic.marking, 1.0)


@dataclass
class DomainEvidence:
    """The best path by which a domain reaches a node."""

    domain: str
    strength: float
    path: list[int]  # node indices, from the node to the one carrying the topic
    edges: list[int]  # edge indices along the path
    topics: list[Topic]  # the topic statements at the end of the path
    # how sure resolution is that the records this domain arrives at are one with the record
    # the entity is seen from (1.0: the same records, or joined by certain links)
    certainty: float = 1.0
    # the compared pairs (left record, right record, probability) of that chain, for a
    # reviewer to judge with ``silobreak why`` / ``judge``; empty when certainty is 1.0
    merge: tuple[tuple[str, str, float], ...] = ()


@dataclass
class Convergence:
    node: int
    score: float
    breadth: float
    independence: float
    recency: float
    evidence: list[DomainEvidence]
    orgs: list[str] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    datasets: list[str] = field(default_factory=list)
    entity_score: float = 0.0  # the score before the network's share (see analyze.py)
    network: int = -1  # index of its network, -1 for none

    @property
    def domains(self) -> list[str]:
        return [e.domain for e in self.evidence]


def seeds(graph: Graph) -> dict[str, dict[int, tuple[float, list[Topic]]]]:
    """Per domain, the nodes that carry it directly, with their corroborated confidence."""
    out: dict[str, dict[int, tuple[float, list[Topic]]]] = {}
    for index, node in enumerate(graph.nodes):
        by_domain: dict[str, list[Topic]] = {}
        for topic in node.topics:
            by_domain.setdefault(topic.domain, []).append(topic)
        for domain, topics in by_domain.items():
            missing = 1.0
            for topic in topics:
                missing *= 1.0 - min(topic_confidence(topic), 0.999)
            out.setdefault(domain, {})[index] = (1.0 - missing, topics)
    return out


def propagate(graph: Graph, max_hops: int = MAX_HOPS) -> list[dict[str, DomainEvidence]]:
    """For every node, the best evidence path to each domain it touches."""
    best: list[dict[str, DomainEvidence]] = [{} for _ in graph.nodes]
    degree = [len(a) for a in graph.adjacency]
    for domain, sources in sorted(seeds(graph).items()):
        strength: dict[int, float] = {}
        back: dict[int, tuple[int, int] | None] = {}
        hops: dict[int, int] = {}
        origin: dict[int, int] = {}
        heap: list[tuple[float, int]] = []
        for node, (value, _) in sources.items():
            strength[node], back[node], hops[node], origin[node] = value, None, 0, node
            heapq.heappush(heap, (-value, node))
        while heap:
            negative, node = heapq.heappop(heap)
            if -negative < strength[node] or hops[node] >= max_hops:
                continue
            damp = 1.0 if hops[node] == 0 else 1.0 / math.sqrt(max(degree[node] - 1, 1))
            for k in graph.adjacency[node]:
                edge = graph.edges[k]
                other = graph.other(edge, node)
                value = strength[node] * decay(edge.kind) * damp
                if value > strength.get(other, 0.0) + 1e-12:
                    strength[other], back[other] = value, (node, k)
                    hops[other], origin[other] = hops[node] + 1, origin[node]
                    heapq.heappush(heap, (-value, other))
        for node, value in strength.items():
            if value < MIN_STRENGTH:
                continue
            path, edges = [node], []
            step = back[node]
            while step is not None:
                previous, k = step
                path.append(previous)
                edges.append(k)
                step = back[previous]
            best[node][domain] = DomainEvidence(
                domain, value, path, edges, sources[origin[node]][1]
            )
    return best


def score_nodes(graph: Graph, evidence: list[dict[str, DomainEvidence]]) -> list[Convergence]:
    """Convergence of every actor that touches at least one domain, best first."""
    now = graph.now
    out: list[Convergence] = []
    for index, node in enumerate(graph.nodes):
        found = sorted(evidence[index].values(), key=lambda e: (-e.strength, e.domain))
        if not node.actor or not found:
            continue
        out.append(_convergence(graph, index, found, now))
    out.sort(key=lambda c: (-c.score, graph.nodes[c.node].id))
    return out


def _convergence(
    graph: Graph, index: int, found: list[DomainEvidence], now: datetime | None
) -> Convergence:
    if len(found) > 1 and index in graph.links:
        found = _weigh_merges(graph, index, found)
    strengths = [e.strength for e in found]
    orgs: set[str] = set(graph.nodes[index].orgs)
    datasets: set[str] = set(graph.nodes[index].datasets)
    latest: datetime | None = None
    for item in found:
        for topic in item.topics:
            orgs.add(topic.org)
            datasets.add(topic.dataset)
            latest = _later(latest, topic.last_seen)
        for k in item.edges:
            edge: Edge = graph.edges[k]
            orgs.update(edge.orgs)
            datasets.update(edge.datasets)
            latest = _later(latest, edge.last_seen)
    sectors = {graph.sectors.get(org, org) for org in orgs}
    recency = 1.0
    if now is not None and latest is not None:
        age = max((now - latest).total_seconds() / 86400.0, 0.0)
        recency = 0.5 + 0.5 * 2.0 ** (-age / HALF_LIFE_DAYS)
    spread, apart = breadth(strengths), independence(orgs, sectors)
    return Convergence(
        index,
        round(spread * apart * recency, 6),
        spread,
        apart,
        recency,
        found,
        sorted(orgs),
        sorted(sectors),
        sorted(datasets),
    )


def _weigh_merges(graph: Graph, index: int, found: list[DomainEvidence]) -> list[DomainEvidence]:
    """Each domain's strength times the certainty of the merge it arrives through (point 6
    of the module docstring), seen from the record that gives the best breadth."""
    arrivals = [arrival(graph, index, item) for item in found]
    anchors = sorted(set().union(*arrivals))
    if len({a for a in arrivals if a}) < 2:
        return found  # every domain arrives at the same records
    best: tuple[float, list[float], list[str | None], Chains] | None = None
    for anchor in anchors:
        chains = Chains(graph.links[index], anchor)
        ends = [chains.nearest(records) for records in arrivals]
        factors = [1.0 if end is None else chains.certainty[end] for end in ends]
        values = (e.strength * f for e, f in zip(found, factors, strict=True))
        spread = breadth(sorted(values, reverse=True))
        if best is None or spread > best[0] + 1e-12:
            best = (spread, factors, ends, chains)
    assert best is not None
    _, factors, ends, chains = best
    weighed = [
        DomainEvidence(
            e.domain,
            e.strength * f,
            e.path,
            e.edges,
            e.topics,
            round(f, 4),
            chains.path(end) if end is not None and f < 1.0 else (),
        )
        for e, f, end in zip(found, factors, ends, strict=True)
    ]
    return sorted(weighed, key=lambda e: (-e.strength, e.domain))


def arrival(graph: Graph, index: int, item: DomainEvidence) -> frozenset[str]:
    """The records of a merged entity at which a domain arrives: those its topics sit on,
    or those the first link of its evidence path names (empty when not known)."""
    if not item.edges:
        return frozenset(record_key(t.dataset, t.entity_id) for t in item.topics)
    k = item.edges[0]
    ends = graph.ends.get(k)
    if ends is None:
        return frozenset()
    return ends[0] if graph.edges[k].source == index else ends[1]


class Chains:
    """From one record of a merged entity, the most probable chain of compared pairs to each
    record it reaches (the highest product of pair probabilities: how sure resolution is
    that the two are one), with the pairs along it."""

    def __init__(self, links: list[tuple[str, str, float]], start: str) -> None:
        around: dict[str, list[tuple[str, float]]] = {}
        for left, right, p in links:
            around.setdefault(left, []).append((right, p))
            around.setdefault(right, []).append((left, p))
        self.certainty = {start: 1.0}
        self.back: dict[str, tuple[str, float]] = {}
        heap = [(-1.0, start)]
        while heap:
            negative, record = heapq.heappop(heap)
            if -negative < self.certainty[record]:
                continue
            for other, p in around.get(record, ()):
                value = -negative * min(max(p, 0.0), 1.0)
                if value > self.certainty.get(other, 0.0) + 1e-12:
                    self.certainty[other] = value
                    self.back[other] = (record, p)
                    heapq.heappush(heap, (-value, other))

    def nearest(self, records: frozenset[str]) -> str | None:
        """The most certainly joined of ``records`` (None: none is reached, or none known)."""
        reached = [r for r in records if r in self.certainty]
        return max(reached, key=lambda r: (self.certainty[r], r)) if reached else None

    def path(self, record: str) -> tuple[tuple[str, str, float], ...]:
        """The pairs of the chain from the start to ``record``, from the start outwards."""
        pairs: list[tuple[str, str, float]] = []
        while record in self.back:
            previous, p = self.back[record]
            pairs.append((previous, record, p))
            record = previous
        return tuple(reversed(pairs))


def breadth(strengths: list[float]) -> float:
    """0.25 s1 + s2 + s3/2 + s4/4 + ... over strengths sorted in decreasing order."""
    return FIRST_DOMAIN_WEIGHT * strengths[0] + sum(
        s * 0.5 ** (k - 1) for k, s in enumerate(strengths[1:], start=1)
    )


def independence(orgs: set[str], sectors: set[str]) -> float:
    """1 - 1/(1 + (organizations + sectors)/2): one organization alone halves a score."""
    return 1.0 - 1.0 / (1.0 + (len(orgs) + len(sectors)) / 2.0)


def _later(a: datetime | None, b: datetime | None) -> datetime | None:
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)
