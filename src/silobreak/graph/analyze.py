"""``silobreak analyze``: build the viewer's resolved graph, score convergence, find networks.

An entity's final score blends its own convergence (``score.py``) with its network's
(``networks.py``): ``(1 - NETWORK_WEIGHT) * entity + NETWORK_WEIGHT * share``, the share
being what the network's core within the entity's reach brings besides the entity's own
evidence (``network_share``). A weak member of a network that spans four domains (a wallet, a
lieutenant named once) then ranks above a person who merely appears in two unrelated files,
which is how investigators follow a minor case to the larger operation. Results are stored
per view, with a signature of the inputs (loads, resolver run): a run on unchanged inputs
reuses the stored results.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from silobreak.graph.model import Graph, load_graph
from silobreak.graph.networks import Network, find_networks
from silobreak.graph.score import Convergence, propagate, score_nodes
from silobreak.policy.viewer import Viewer, view_of
from silobreak.store.base import AnalysisRun, Store

NETWORK_WEIGHT = 0.5
# Raised whenever the scoring changes, so that results stored by an older version are not
# reused as if the inputs alone decided them.
SCORING_VERSION = 3


@dataclass
class Analysis:
    graph: Graph
    convergences: list[Convergence]
    networks: list[Network]
    membership: list[int]  # node -> index into networks, -1 for none

    def by_node(self) -> dict[int, Convergence]:
        return {c.node: c for c in self.convergences}


def analyze_graph(graph: Graph) -> Analysis:
    """Convergence of every actor that touches a domain, and the ranked networks."""
    evidence = propagate(graph)
    convergences = score_nodes(graph, evidence)
    networks, membership = find_networks(graph)
    for item in convergences:
        item.entity_score = item.score
        item.network = membership[item.node]
        share = network_share(networks, item.network, item.node)
        item.score = round((1 - NETWORK_WEIGHT) * item.entity_score + NETWORK_WEIGHT * share, 6)
    convergences.sort(key=lambda c: (-c.score, graph.nodes[c.node].id))
    return Analysis(graph, convergences, networks, membership)


def network_share(networks: list[Network], index: int, node: int) -> float:
    """What a node's network adds to it: the score of the core within its reach without the
    node's own evidence (``networks.py``); 0 for a node in no network or out of reach."""
    if index < 0:
        return 0.0
    network = networks[index]
    return network.share.get(node, 0.0)


def signature(store: Store, viewer: Viewer) -> str:
    """What the analysis of this view depends on: the visible loads and the resolver run."""
    loads = sorted(load.load_id for load in store.list_loads(viewer))
    runs = store.list_resolve_runs()
    latest = max((r.finished_at for r in runs), default=None)
    data = json.dumps([loads, str(latest), NETWORK_WEIGHT, SCORING_VERSION])
    return hashlib.sha1(data.encode()).hexdigest()


def run_analysis(store: Store, viewer: Viewer, force: bool = False) -> tuple[AnalysisRun, bool]:
    """Analyse and store the results for the viewer's view; ``(run, recomputed)``.

    Unless ``force``, a view whose inputs have not changed since its last run keeps it.
    """
    sig = signature(store, viewer)
    previous, _, _ = store.read_analysis(viewer)
    if previous is not None and previous.signature == sig and not force:
        return previous, False
    started = datetime.now(UTC).replace(tzinfo=None)
    graph = load_graph(store, viewer)
    analysis = analyze_graph(graph)
    view = view_of(viewer)
    run = AnalysisRun(
        run_id=uuid.uuid4().hex,
        view=view,
        started_at=started,
        finished_at=datetime.now(UTC).replace(tzinfo=None),
        nodes=len(graph.nodes),
        edges=len(graph.edges),
        convergent=len(analysis.convergences),
        networks=len(analysis.networks),
        signature=sig,
    )
    store.save_analysis(run, convergence_table(analysis, view), network_table(analysis, view))
    return run, True


def explain(analysis: Analysis, item: Convergence) -> dict[str, Any]:
    """The score's parts and, per domain, the evidence path with its statements."""
    graph = analysis.graph
    network = analysis.networks[item.network] if item.network >= 0 else None
    return {
        "score": item.score,
        "entity_score": item.entity_score,
        "breadth": round(item.breadth, 4),
        "independence": round(item.independence, 4),
        "recency": round(item.recency, 4),
        "network": network.id if network else None,
        "network_score": network.score if network else 0.0,
        "network_share": network_share(analysis.networks, item.network, item.node),
        "domains": [
            {
                "domain": ev.domain,
                "strength": round(ev.strength, 4),
                "certainty": ev.certainty,
                "merge": [
                    {"left": left, "right": right, "probability": round(p, 4)}
                    for left, right, p in ev.merge
                ],
                "path": [
                    {
                        "id": graph.nodes[n].id,
                        "name": graph.nodes[n].name,
                        "schema": graph.nodes[n].schema,
                    }
                    for n in ev.path
                ],
                "links": [
                    {
                        "kind": graph.edges[k].kind,
                        "datasets": list(graph.edges[k].datasets),
                        "orgs": list(graph.edges[k].orgs),
                        "markings": list(graph.edges[k].markings),
                    }
                    for k in ev.edges
                ],
                "statements": [
                    {
                        "topic": t.topic,
                        "dataset": t.dataset,
                        "entity_id": t.entity_id,
                        "org": t.org,
                        "marking": t.marking,
                        "grade": t.grade,
                    }
                    for t in ev.topics
                ],
            }
            for ev in item.evidence
        ],
    }


def convergence_table(analysis: Analysis, view: str) -> pa.Table:
    graph = analysis.graph
    rows: dict[str, list[Any]] = {
        k: []
        for k in (
            "view",
            "canonical_id",
            "schema",
            "name",
            "score",
            "entity_score",
            "network_id",
            "domains",
            "orgs",
            "datasets",
            "explanation",
        )
    }
    for item in analysis.convergences:
        node = graph.nodes[item.node]
        rows["view"].append(view)
        rows["canonical_id"].append(node.id)
        rows["schema"].append(node.schema)
        rows["name"].append(node.name)
        rows["score"].append(item.score)
        rows["entity_score"].append(item.entity_score)
        rows["network_id"].append(analysis.networks[item.network].id if item.network >= 0 else None)
        rows["domains"].append(item.domains)
        rows["orgs"].append(item.orgs)
        rows["datasets"].append(item.datasets)
        rows["explanation"].append(json.dumps(explain(analysis, item), ensure_ascii=False))
    strings = pa.list_(pa.string())
    schema = pa.schema(
        [
            ("view", pa.string()),
            ("canonical_id", pa.string()),
            ("schema", pa.string()),
            ("name", pa.string()),
            ("score", pa.float64()),
            ("entity_score", pa.float64()),
            ("network_id", pa.string()),
            ("domains", strings),
            ("orgs", strings),
            ("datasets", strings),
            ("explanation", pa.string()),
        ]
    )
    return pa.table(rows, schema=schema)


def network_table(analysis: Analysis, view: str) -> pa.Table:
    graph = analysis.graph
    strings = pa.list_(pa.string())
    return pa.table(
        {
            "view": [view] * len(analysis.networks),
            "network_id": [n.id for n in analysis.networks],
            "score": [n.score for n in analysis.networks],
            "domains": [list(n.domains) for n in analysis.networks],
            "orgs": [n.orgs for n in analysis.networks],
            "members": [[graph.nodes[m].id for m in n.members] for n in analysis.networks],
            "brokers": [[graph.nodes[m].id for m in n.brokers] for n in analysis.networks],
        },
        schema=pa.schema(
            [
                ("view", pa.string()),
                ("network_id", pa.string()),
                ("score", pa.float64()),
                ("domains", strings),
                ("orgs", strings),
                ("members", strings),
                ("brokers", strings),
            ]
        ),
    )
