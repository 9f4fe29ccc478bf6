"""The resolved knowledge graph in memory: nodes, edges and the direct domain evidence.

Built from the store's graph inputs (``Store.graph_inputs``), which go through policy: a
viewer's graph holds only what the viewer may see. Node ids are canonical ids (or
``dataset/entity_id`` for entities resolution does not merge); edge ``kind`` is the FtM
relationship schema (``Ownership``) or ``Schema:property`` for entity-typed properties of
other schemata (``Event:involved``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pyarrow as pa

from silobreak.model.schemata import merge_schemata
from silobreak.model.taxonomy import taxonomy
from silobreak.policy.viewer import Viewer
from silobreak.runtime import cycle_collection_paused
from silobreak.store.base import Store

# Schemata ranked for convergence: the actors of illicit economies. Events, sanctions and
# customs declarations carry evidence and connect actors, but are not ranked themselves.
ACTOR_SCHEMATA = frozenset(
    {
        "Person",
        "Company",
        "Organization",
        "LegalEntity",
        "PublicBody",
        "Vessel",
        "BankAccount",
        "CryptoWallet",
        "UserAccount",
    }
)


@dataclass
class Node:
    id: str
    schema: str
    name: str
    datasets: list[str]
    orgs: list[str]
    records: int
    last_seen: datetime | None
    topics: list[Topic] = field(default_factory=list)

    @property
    def actor(self) -> bool:
        return self.schema in ACTOR_SCHEMATA


@dataclass(frozen=True)
class Topic:
    """A topic statement on a node: direct evidence of a crime domain."""

    topic: str
    domain: str
    dataset: str
    entity_id: str
    org: str
    marking: str
    grade: str | None
    last_seen: datetime | None


@dataclass(frozen=True)
class Edge:
    source: int
    target: int
    kind: str
    datasets: tuple[str, ...]
    orgs: tuple[str, ...]
    markings: tuple[str, ...]
    grade: str | None
    statements: int
    last_seen: datetime | None


@dataclass
class Graph:
    nodes: list[Node]
    edges: list[Edge]
    index: dict[str, int]
    sectors: dict[str, str]  # org -> sector
    adjacency: list[list[int]] = field(default_factory=list)  # node -> edge indices
    # Merged entities only: edge -> the records it names at its (source, target) ends, and
    # node -> the pairs resolution compared among its records, with their probability.
    ends: dict[int, tuple[frozenset[str], frozenset[str]]] = field(default_factory=dict)
    links: dict[int, list[tuple[str, str, float]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.adjacency = [[] for _ in self.nodes]
        for k, edge in enumerate(self.edges):
            self.adjacency[edge.source].append(k)
            self.adjacency[edge.target].append(k)

    def other(self, edge: Edge, node: int) -> int:
        return edge.target if edge.source == node else edge.source

    @property
    def now(self) -> datetime | None:
        """The latest date in the graph: recency is measured from here, not from the clock,
        so that the same data always scores the same."""
        seen = [n.last_seen for n in self.nodes if n.last_seen is not None]
        return max(seen) if seen else None


@cycle_collection_paused()
def load_graph(store: Store, viewer: Viewer) -> Graph:
    """The viewer's resolved graph."""
    tables = store.graph_inputs(viewer)
    tax = taxonomy()
    nodes: list[Node] = []
    index: dict[str, int] = {}
    table = tables["nodes"]
    cols = {name: table.column(name).to_pylist() for name in table.column_names}
    for k in range(table.num_rows):
        schemata = cols["schemata"][k]
        index[cols["node"][k]] = len(nodes)
        nodes.append(
            Node(
                cols["node"][k],
                merge_schemata(tuple(schemata)) or schemata[0],
                _display_name(cols["names"][k] or cols["labels"][k] or []) or cols["node"][k],
                cols["datasets"][k],
                cols["orgs"][k],
                cols["records"][k],
                cols["last_seen"][k],
            )
        )
    del cols
    for row in tables["topics"].to_pylist():
        at = index.get(row["node"])
        if at is None:
            continue
        for domain in sorted(tax.domains_for_topics([row["topic"]])):
            nodes[at].topics.append(
                Topic(
                    row["topic"],
                    domain,
                    row["dataset"],
                    row["entity_id"],
                    row["org"],
                    row["marking"],
                    row["grade"],
                    row["last_seen"],
                )
            )
    edges = _edges(tables["edges"], index)
    sectors = {org.name: org.sector for org in store.list_orgs()}
    graph = Graph(nodes, edges, index, sectors)
    graph.ends = _ends(tables["ends"], index, edges)
    for row in tables["links"].to_pylist():
        at = index.get(row["node"])
        if at is not None:
            link = (row["left_record"], row["right_record"], row["probability"])
            graph.links.setdefault(at, []).append(link)
    return graph


def _ends(
    table: pa.Table, index: dict[str, int], edges: list[Edge]
) -> dict[int, tuple[frozenset[str], frozenset[str]]]:
    """Edge index -> the records it names at a merged entity's end (``ends`` table)."""
    if not table.num_rows:
        return {}
    at = {(e.source, e.target, e.kind): k for k, e in enumerate(edges)}
    found: dict[int, tuple[set[str], set[str]]] = {}
    for row in table.to_pylist():
        source, target = index.get(row["source"]), index.get(row["target"])
        k = (
            at.get((source, target, row["kind"]))
            if source is not None and target is not None
            else None
        )
        if k is None:
            continue
        sources, targets = found.setdefault(k, (set(), set()))
        if row["source_record"] is not None:
            sources.add(row["source_record"])
        if row["target_record"] is not None:
            targets.add(row["target_record"])
    return {k: (frozenset(a), frozenset(b)) for k, (a, b) in found.items()}


def _edges(table: pa.Table, index: dict[str, int]) -> list[Edge]:
    """Edges from the store's table, column by column (millions of rows: no dict per row)."""
    cols = {name: table.column(name).to_pylist() for name in table.column_names}
    out: list[Edge] = []
    for k in range(table.num_rows):
        source, target = index.get(cols["source"][k]), index.get(cols["target"][k])
        if source is None or target is None:
            continue
        out.append(
            Edge(
                source,
                target,
                cols["kind"][k],
                tuple(cols["datasets"][k]),
                tuple(cols["orgs"][k]),
                tuple(cols["markings"][k]),
                cols["grade"][k],
                cols["statements"][k],
                cols["last_seen"][k],
            )
        )
    return out


def _display_name(names: list[Any]) -> str:
    """The most readable name: mixed case before all caps, then the shortest."""
    if not names:
        return ""
    return str(sorted(names, key=lambda n: (str(n).isupper(), len(str(n)), str(n)))[0])
