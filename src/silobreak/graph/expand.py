"""Lead expansion: from one seizure, report, listing or person to the network around it.

Every node within ``hops`` links of the start is returned with the strongest path to it
(the product of the link decays of ``score.py``, the same weights convergence uses) and a
relevance: path strength times (0.1 + its convergence score), so that close, convergent
actors come first and a bank three payments away comes last.
"""

from __future__ import annotations

import heapq
from typing import Any

import pyarrow as pa

from silobreak.graph.analyze import Analysis
from silobreak.graph.model import Graph
from silobreak.graph.score import decay

DEFAULT_HOPS = 2
MAX_NODES = 300


# node index -> (convergence score, domains)
Scores = dict[int, tuple[float, list[str]]]


def analysis_scores(analysis: Analysis) -> Scores:
    return {c.node: (c.score, c.domains) for c in analysis.convergences}


def stored_scores(graph: Graph, table: pa.Table) -> Scores:
    """Scores from a stored analysis (``Store.read_analysis``): no need to score again."""
    out: Scores = {}
    for node_id, score, domains in zip(
        table.column("canonical_id").to_pylist(),
        table.column("score").to_pylist(),
        table.column("domains").to_pylist(),
        strict=True,
    ):
        index = graph.index.get(node_id)
        if index is not None:
            out[index] = (score, domains)
    return out


def expand(graph: Graph, scores: Scores, start: int, hops: int = DEFAULT_HOPS) -> dict[str, Any]:
    """The network around node ``start``, ranked, with paths (JSON-ready)."""
    strength = {start: 1.0}
    depth = {start: 0}
    back: dict[int, tuple[int, int]] = {}
    heap = [(-1.0, start)]
    while heap:
        negative, node = heapq.heappop(heap)
        if -negative < strength[node] or depth[node] >= hops:
            continue
        for k in graph.adjacency[node]:
            edge = graph.edges[k]
            other = graph.other(edge, node)
            value = strength[node] * decay(edge.kind)
            if value > strength.get(other, 0.0):
                strength[other], depth[other], back[other] = value, depth[node] + 1, (node, k)
                heapq.heappush(heap, (-value, other))

    def relevance(node: int) -> float:
        found = scores.get(node)
        return strength[node] * (0.1 + (found[0] if found else 0.0))

    ranked = sorted(strength, key=lambda n: (n != start, -relevance(n), graph.nodes[n].id))
    kept = ranked[:MAX_NODES]
    chosen = set(kept)
    nodes = []
    for node in kept:
        path, links = [node], []
        while path[-1] in back:
            previous, k = back[path[-1]]
            links.append(k)
            path.append(previous)
        found = scores.get(node)
        item = graph.nodes[node]
        nodes.append(
            {
                "id": item.id,
                "name": item.name,
                "schema": item.schema,
                "hops": depth[node],
                "path_strength": round(strength[node], 4),
                "relevance": round(relevance(node), 4),
                "score": found[0] if found else 0.0,
                "domains": found[1] if found else sorted({t.domain for t in item.topics}),
                "datasets": item.datasets,
                "orgs": item.orgs,
                "path": [graph.nodes[p].id for p in reversed(path)],
                "links": [_edge(graph, k) for k in reversed(links)],
            }
        )
    edges = [
        _edge(graph, k)
        for k, edge in enumerate(graph.edges)
        if edge.source in chosen and edge.target in chosen
    ]
    return {
        "start": graph.nodes[start].id,
        "hops": hops,
        "nodes": nodes,
        "edges": edges,
        "truncated": len(ranked) > MAX_NODES,
    }


def _edge(graph: Graph, k: int) -> dict[str, Any]:
    edge = graph.edges[k]
    return {
        "source": graph.nodes[edge.source].id,
        "target": graph.nodes[edge.target].id,
        "kind": edge.kind,
        "datasets": list(edge.datasets),
        "orgs": list(edge.orgs),
        "markings": list(edge.markings),
        "grade": edge.grade,
    }
