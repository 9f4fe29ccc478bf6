"""The workspace report: organizations, datasets, domains, statement counts and quarantine.

Pipeline stages add their sections: entity resolution (merged entities and their evidence),
convergence (top entities with evidence paths, top networks with pictures), financial
tracking (laundering findings in the transactions, and a traced flow).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, select_autoescape

from silobreak import __version__
from silobreak.finance.patterns import find_patterns
from silobreak.finance.pipeline import connect
from silobreak.finance.sankey import sankey_note, sankey_svg
from silobreak.finance.table import use_transactions
from silobreak.finance.trace import trace
from silobreak.finance.transactions import as_transactions
from silobreak.finance.workspace import FLAG_TYPES
from silobreak.graph.expand import expand, stored_scores
from silobreak.graph.model import load_graph
from silobreak.graph.render import svg
from silobreak.model.taxonomy import taxonomy
from silobreak.policy.viewer import Viewer
from silobreak.report.charts import TLP_COLOURS, bar_chart, matrix
from silobreak.resolve.entity import merged_entity
from silobreak.store.base import Store

REPORT_PATTERN_LIMIT = 2_000_000


def render_report(store: Store, viewer: Viewer, title: str = "silobreak workspace") -> str:
    """Render the report as one self-contained HTML page for what ``viewer`` may see."""
    datasets = store.dataset_stats(viewer)
    orgs = store.list_orgs()
    schemata = store.schema_stats(viewer)
    quarantine = store.list_quarantine(viewer, limit=200)
    loads = store.list_loads(viewer)
    domains = list(taxonomy().domains)
    cells: dict[tuple[str, str], int] = {}
    for ds in datasets:
        for domain in ds.domains:
            cells[(ds.org, domain)] = cells.get((ds.org, domain), 0) + ds.entities
    chart = bar_chart(
        [(ds.dataset, ds.statements, TLP_COLOURS.get(ds.marking, "#999")) for ds in datasets]
    )
    schema_chart = bar_chart([(name, ents, "#5b8def") for name, ents, _ in schemata[:15]])
    env = Environment(autoescape=select_autoescape(default=True))
    template = env.from_string(
        resources.files("silobreak.report")
        .joinpath("templates", "report.html.j2")
        .read_text("utf-8")
    )
    per_org = {o.name: sum(1 for d in datasets if d.org == o.name) for o in orgs}
    return template.render(
        resolution=_resolution(store, viewer),
        convergence=_convergence(store, viewer),
        finance=_finance(store, viewer),
        title=title,
        version=__version__,
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        orgs=orgs,
        per_org=per_org,
        datasets=datasets,
        totals={
            "orgs": len(orgs),
            "datasets": len(datasets),
            "entities": sum(d.entities for d in datasets),
            "statements": sum(d.statements for d in datasets),
            "quarantined": sum(d.quarantined for d in datasets),
        },
        chart=chart,
        schema_chart=schema_chart,
        domain_matrix=matrix([o.name for o in orgs], domains, cells),
        quarantine=quarantine,
        loads=loads,
        tlp=TLP_COLOURS,
    )


def _resolution(store: Store, viewer: Viewer, examples: int = 8) -> dict[str, Any] | None:
    """Resolution summary and the entities that span the most organizations, with evidence."""
    runs = store.list_resolve_runs()
    if not runs:
        return None
    rows = store.read_resolver(viewer).read_all().to_pylist()
    clusters: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        clusters.setdefault(row["canonical_id"], []).append(row)
    merged = {cid: members for cid, members in clusters.items() if len(members) > 1}
    spans: list[tuple[int, int, str]] = []
    for cid, members in merged.items():
        datasets = {m["dataset"] for m in members}
        spans.append((len(datasets), len(members), cid))
    spans.sort(reverse=True)
    shown = []
    for _, _, cid in spans[:examples]:
        entity = merged_entity(store, viewer, cid)
        links = []
        for member in clusters[cid]:
            if member["evidence"]:
                data = json.loads(member["evidence"])
                links.append(
                    {
                        "pair": " ~ ".join(data["pair"]),
                        "p": data["probability"],
                        "evidence": "; ".join(f"{k}: {v}" for k, v in data["evidence"].items()),
                    }
                )
        unique_links = list({link["pair"]: link for link in links}.values())
        shown.append({"entity": entity, "links": unique_links[:6]})
    last = runs[-1]
    return {
        "run": last,
        "entities": len(clusters),
        "merged_entities": len(merged),
        "merged_records": sum(len(m) for m in merged.values()),
        "cross_dataset": sum(1 for n, _, _ in spans if n > 1),
        "examples": shown,
    }


def _convergence(
    store: Store, viewer: Viewer, top: int = 10, networks: int = 3
) -> dict[str, Any] | None:
    """Top convergences with their evidence paths, and top networks with a picture each."""
    run, rows, nets = store.read_analysis(viewer)
    if run is None:
        return None
    graph = load_graph(store, viewer)
    scores = stored_scores(graph, rows)
    shown = []
    for row in rows.slice(0, top).to_pylist():
        explained = json.loads(row["explanation"])
        shown.append({**row, "explained": explained})
    pictures = []
    for net in nets.slice(0, networks).to_pylist():
        broker = net["brokers"][0] if net["brokers"] else net["members"][0]
        start = graph.index.get(broker)
        if start is None:
            continue
        data = expand(graph, scores, start, hops=2)
        members = set(net["members"])
        data["nodes"] = [n for n in data["nodes"] if n["id"] in members]
        kept = {n["id"] for n in data["nodes"]}
        data["edges"] = [e for e in data["edges"] if e["source"] in kept and e["target"] in kept]
        names = {n["id"]: n["name"] for n in data["nodes"]}
        pictures.append(
            {
                **net,
                "svg": svg(data, width=860, height=520, title=net["network_id"]),
                "broker_names": [names.get(b, b) for b in net["brokers"]],
            }
        )
    return {"run": run, "top": shown, "networks": pictures}


def _finance(store: Store, viewer: Viewer, top: int = 10) -> dict[str, Any] | None:
    """Transactions the viewer may see: the strongest laundering findings, and the money of
    the strongest one traced forward, drawn as a Sankey diagram."""
    rows = store.read_transactions(viewer)
    if rows.num_rows == 0:
        return None
    summary = {
        "transactions": rows.num_rows,
        "datasets": sorted(set(rows.column("dataset").to_pylist())),
        "amount": sum(rows.column("amount").to_pylist()),
    }
    if rows.num_rows > REPORT_PATTERN_LIMIT:  # the typologies are for the commands at scale
        return {**summary, "findings": [], "counts": {}, "trace": None}
    found = [f for f in find_patterns(as_transactions(rows)) if f.type in FLAG_TYPES]
    counts: dict[str, int] = {}
    for f in found:
        counts[f.type] = counts.get(f.type, 0) + 1
    found.sort(key=lambda f: (-f.score, -f.amount))
    picture = None
    # shapes that start where the money starts: their first account is worth following
    movers = [f for f in found if f.type in ("scatter_gather", "layering_chain", "cycle")]
    if movers:
        best = movers[0]
        con = connect()
        use_transactions(con, rows)
        until = best.end + timedelta(days=14)
        result = trace(con, best.accounts[0], "forward", best.start, until)
        if result.flows:
            picture = {"finding": best, "svg": sankey_svg(result), "note": sankey_note(result)}
    return {**summary, "findings": found[:top], "counts": counts, "trace": picture}


def write_report(
    store: Store, viewer: Viewer, out: Path, title: str = "silobreak workspace"
) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_report(store, viewer, title), "utf-8")
    return out
