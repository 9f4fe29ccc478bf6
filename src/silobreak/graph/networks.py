"""Networks: communities of the resolved graph, ranked by convergence, with their brokers.

Communities come from the Leiden algorithm (igraph, constant Potts model, link weights = the
decay of their kind, so that ownership binds more than a payment). A network's score uses the
entity formula of ``score.py`` over its members: for each domain the strongest direct
evidence any member carries, breadth over those, independence over the organizations and
sectors that report them; but only over a **core**, the evidence carriers within ``MAX_HOPS``
links of one of them (the best core's score is the network's). Leiden joins members along
chains of directorships longer than any evidence path: in a large world, a poacher and an
organized-crime cell five registry links apart sat in one community, and every company and
account between them took a two-domain share.

What the network adds to a member (``share``, used by ``analyze.py``) is read from the core
within its reach, not from the best core wherever it lies: a member that carries evidence
(its own topics, or an event's that names no other actor of the network) gets its own core's
score without its evidence, what the others within reach bring; any other member gets the
best core of a carrier within ``MAX_HOPS`` links of it; a member out of reach of every
carrier gets nothing. A one-domain namesake boss is then lifted neither by a convergence he
half makes himself nor by one four directorships away that Leiden put in his community.

Brokers are the members with the highest betweenness inside the network (shortest paths
weighted by ``-log(decay)``): the people and companies through which its domains connect (in
networks of more than 2,000 nodes, where betweenness would cost too much, the members with
the most weighted links).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import igraph as ig

from silobreak.graph.model import Graph
from silobreak.graph.score import MAX_HOPS, MIN_STRENGTH, breadth, decay, independence, seeds

MIN_ACTORS = 2
LEIDEN_ITERATIONS = 4  # fixed, not "until stable": bounded cost on large graphs
# The constant Potts model, not modularity: modularity's communities grow with the graph (its
# resolution limit), so in a world of 10,000 records the planted networks sat in communities
# of a hundred background customers and directors, all of whom shared the network's score. A
# CPM community must be denser inside than this (in link weight per pair of its nodes),
# whatever the size of the graph. Chosen on the scenario seeds 1 and 2.
LEIDEN_RESOLUTION = 0.01
BROKER_NETWORKS = 100  # brokers are computed for the best networks only
BROKER_CUTOFF = 6  # betweenness over paths no longer than this (in -log(decay) units)
BROKER_MAX_NODES = 2_000  # larger networks rank brokers by weighted degree instead
# Payments and customs declarations are many and mostly ordinary commerce: they trace money
# and goods (``finance trace``, the evidence paths) but do not define who belongs to which
# network. With declarations counted, each network's suppliers joined it and took its score.
COMMUNITY_WEIGHT = {
    "Payment": 0.0,
    "EconomicActivity:sender": 0.0,
    "EconomicActivity:receiver": 0.0,
}
BROKERS = 3


@dataclass
class Network:
    id: str
    members: list[int]
    domains: dict[str, float]  # domain -> strongest direct evidence among members
    orgs: list[str]
    score: float
    brokers: list[int]
    # member -> what the network adds to it: the best score of a core within reach of it,
    # over the other members' evidence (members out of reach of every core: 0)
    share: dict[int, float] = field(default_factory=dict)


def to_igraph(graph: Graph) -> ig.Graph:
    g = ig.Graph(n=len(graph.nodes), edges=[(e.source, e.target) for e in graph.edges])
    g.es["weight"] = [COMMUNITY_WEIGHT.get(e.kind, decay(e.kind)) for e in graph.edges]
    g.es["distance"] = [-math.log(decay(e.kind)) for e in graph.edges]
    return g


def find_networks(graph: Graph, seed: int = 0) -> tuple[list[Network], list[int]]:
    """Networks that touch at least one domain, best first, and each node's network index
    into that list (-1 for none)."""
    g = to_igraph(graph)
    random.seed(seed)  # igraph's Leiden draws from Python's random module
    parts = g.community_leiden(
        objective_function="CPM",
        weights="weight",
        resolution=LEIDEN_RESOLUTION,
        n_iterations=LEIDEN_ITERATIONS,
    )
    direct = seeds(graph)
    networks: list[Network] = []
    for members in parts:
        actors = [m for m in members if graph.nodes[m].actor]
        if len(actors) < MIN_ACTORS:
            continue
        inside = set(members)
        evidence: dict[int, list[tuple[str, float, list[str]]]] = {}
        for domain, carriers in direct.items():
            for m in members:
                if m in carriers:
                    value, topics = carriers[m]
                    owner = _owner(graph, m, inside)
                    evidence.setdefault(owner, []).append((domain, value, [t.org for t in topics]))
        # The network's score is its most convergent core's: Leiden joins members along
        # chains of directorships longer than any evidence path, and two offenders of two
        # domains five links apart in one community are not one convergence. For the same
        # reason a member shares only in a core within reach: a carrier in its own (without
        # its evidence), any other member in the best core of a carrier within reach of it.
        tallies: dict[frozenset[int], _Tally] = {}
        share: dict[int, float] = {}
        best: _Tally | None = None
        best_score = 0.0
        for carrier, reached in _reaches(graph, evidence, inside):
            core = frozenset(reached & evidence.keys())
            tally = tallies.get(core)
            if tally is None:
                tally = tallies[core] = _tally(graph, actors, core, evidence)
            score = tally.score()
            if score is not None and (best is None or score > best_score):
                best, best_score = tally, score
            share[carrier] = tally.score(without=carrier) or 0.0
            for m in reached:
                if m not in evidence and (score or 0.0) > share.get(m, 0.0):
                    share[m] = score or 0.0
        if best is None:
            continue
        networks.append(
            Network(
                "",
                sorted(members),
                {d: top[0][0] for d, top in sorted(best.best.items())},
                sorted(best.orgs),
                best_score,
                [],
                share,
            )
        )
    networks.sort(key=lambda n: (-n.score, graph.nodes[n.members[0]].id))
    for net in networks[:BROKER_NETWORKS]:
        net.brokers = _brokers(g, net.members, graph)
    membership = [-1] * len(graph.nodes)
    for k, net in enumerate(networks):
        net.id = f"N{k + 1:04d}"
        for m in net.members:
            membership[m] = k
    return networks, membership


def _reaches(
    graph: Graph, evidence: dict[int, list[tuple[str, float, list[str]]]], inside: set[int]
) -> Iterator[tuple[int, set[int]]]:
    """Each member that carries evidence, with the members within ``MAX_HOPS`` links of it
    through the network's own links (the ones that weigh in the communities); the carriers
    among them are its core."""
    for carrier in sorted(evidence):
        reached = {carrier}
        frontier = [carrier]
        for _ in range(MAX_HOPS):
            step = []
            for node in frontier:
                for k in graph.adjacency[node]:
                    other = graph.other(graph.edges[k], node)
                    if (
                        other in inside
                        and other not in reached
                        and COMMUNITY_WEIGHT.get(graph.edges[k].kind, 1.0) > 0.0
                    ):
                        reached.add(other)
                        step.append(other)
            frontier = step
        yield carrier, reached


def _tally(
    graph: Graph,
    actors: list[int],
    core: frozenset[int],
    evidence: dict[int, list[tuple[str, float, list[str]]]],
) -> _Tally:
    tally = _Tally(graph)
    for m in actors:
        tally.bring(m, graph.nodes[m].orgs)
    for carrier in sorted(core):
        for domain, value, orgs in evidence[carrier]:
            tally.carry(carrier, domain, value, orgs)
    return tally


def _owner(graph: Graph, node: int, inside: set[int]) -> int:
    """Whose evidence a node's topics are: an actor's own, or an event's (a case, a seizure)
    that names a single actor of the network, that actor's; else the node's own."""
    if graph.nodes[node].actor:
        return node
    actors = {
        other
        for k in graph.adjacency[node]
        if (other := graph.other(graph.edges[k], node)) in inside and graph.nodes[other].actor
    }
    return actors.pop() if len(actors) == 1 else node


class _Tally:
    """A network's direct evidence by member, so that its score can be taken without any one
    member in time independent of the network's size: per domain the two strongest members,
    per organization how many members bring it."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.best: dict[str, list[tuple[float, int]]] = {}  # domain -> top two (value, member)
        self.count: dict[str, int] = {}  # org -> members that bring it
        self.by_member: dict[int, set[str]] = {}
        self.carriers: set[int] = set()

    def bring(self, member: int, orgs: Iterable[str]) -> None:
        mine = self.by_member.setdefault(member, set())
        for org in set(orgs) - mine:
            mine.add(org)
            self.count[org] = self.count.get(org, 0) + 1

    def carry(self, member: int, domain: str, value: float, orgs: Iterable[str]) -> None:
        self.carriers.add(member)
        top = self.best.setdefault(domain, [])
        top.append((value, member))
        top.sort(key=lambda x: (-x[0], x[1]))
        del top[2:]
        self.bring(member, orgs)

    @property
    def orgs(self) -> set[str]:
        return set(self.count)

    def score(self, without: int | None = None) -> float | None:
        """Breadth times independence over the members' evidence (but ``without``'s); None
        if no domain is strong enough."""
        values = []
        for top in self.best.values():
            kept = [value for value, member in top if member != without]
            if kept and kept[0] >= MIN_STRENGTH:
                values.append(kept[0])
        if not values:
            return None
        mine = self.by_member.get(without, set()) if without is not None else set()
        orgs = {o for o, n in self.count.items() if n > (1 if o in mine else 0)}
        sectors = {self.graph.sectors.get(o, o) for o in orgs}
        return round(breadth(sorted(values, reverse=True)) * independence(orgs, sectors), 6)


def _brokers(g: ig.Graph, members: list[int], graph: Graph) -> list[int]:
    sub = g.subgraph(members)
    if len(members) > BROKER_MAX_NODES:
        # Betweenness costs nodes x links: in a very large community rank by weighted degree.
        between = sub.strength(weights="weight")
    else:
        between = sub.betweenness(weights="distance", cutoff=BROKER_CUTOFF)
    ranked = sorted(
        (k for k in range(len(members)) if graph.nodes[members[k]].actor),
        key=lambda k: (-between[k], graph.nodes[members[k]].id),
    )
    return [members[k] for k in ranked[:BROKERS] if between[k] > 0]
