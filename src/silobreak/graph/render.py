"""Pictures of networks: a static SVG for reports and a self-contained interactive HTML page.

Both draw the same thing from an ``expand`` result (or any ``{"nodes", "edges"}`` dict with
node ``id``, ``name``, ``schema``, ``domains``, ``score``): nodes coloured by their strongest
crime domain (grey when none), sized by convergence score, edges labelled with their kind
and, on hover, the datasets and organizations behind them. The layout is computed once here
(igraph's Fruchterman-Reingold, seeded), so the SVG and the HTML agree and every run of the
same data draws the same picture. The HTML page needs no network: its script is inline.
"""

from __future__ import annotations

import json
import random
from html import escape
from typing import Any

import igraph as ig

DOMAIN_COLOURS = {
    "corruption": "#8e44ad",
    "environmental_crime": "#27ae60",
    "organized_crime": "#c0392b",
    "illicit_trade": "#d35400",
    "financial_crime": "#2980b9",
    "human_trafficking": "#e84393",
    "cybercrime": "#16a085",
}
NO_DOMAIN = "#95a5a6"
SHAPES = {"Event": "square", "Sanction": "square", "EconomicActivity": "square"}


def layout(data: dict[str, Any], width: int, height: int) -> dict[str, tuple[float, float]]:
    """Node positions inside ``width`` x ``height`` (with a margin for labels)."""
    ids = [n["id"] for n in data["nodes"]]
    if not ids:
        return {}
    index = {node_id: k for k, node_id in enumerate(ids)}
    pairs = [
        (index[e["source"]], index[e["target"]])
        for e in data["edges"]
        if e["source"] in index and e["target"] in index
    ]
    g = ig.Graph(n=len(ids), edges=pairs)
    random.seed(0)
    coords = g.layout_fruchterman_reingold(niter=500).coords if len(ids) > 1 else [[0.0, 0.0]]
    xs, ys = [c[0] for c in coords], [c[1] for c in coords]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    margin = 70
    return {
        node_id: (
            margin + (coords[k][0] - min(xs)) / span_x * (width - 2 * margin),
            margin / 2 + (coords[k][1] - min(ys)) / span_y * (height - margin),
        )
        for node_id, k in index.items()
    }


def colour(node: dict[str, Any]) -> str:
    domains = node.get("domains") or []
    return DOMAIN_COLOURS.get(domains[0], NO_DOMAIN) if domains else NO_DOMAIN


def radius(node: dict[str, Any]) -> float:
    return 6.0 + 10.0 * min(float(node.get("score") or 0.0), 2.0) / 2.0


def svg(data: dict[str, Any], width: int = 900, height: int = 600, title: str = "") -> str:
    """A static SVG picture of the network."""
    pos = layout(data, width, height)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="network" viewBox="0 0 {width} '
        f'{height}" width="{width}" height="{height}" role="img" font-family="sans-serif" '
        f'font-size="10"><title>{escape(title)}</title>'
        f'<rect width="{width}" height="{height}" fill="#fff"/>'
    ]
    for edge in data["edges"]:
        if edge["source"] not in pos or edge["target"] not in pos:
            continue
        (x1, y1), (x2, y2) = pos[edge["source"]], pos[edge["target"]]
        tip = f"{edge['kind']}: {', '.join(edge['datasets'])} ({', '.join(edge['orgs'])})"
        parts.append(
            f'<g><title>{escape(tip)}</title><line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" '
            f'y2="{y2:.1f}" stroke="#999" stroke-width="1"/>'
            f'<text x="{(x1 + x2) / 2:.1f}" y="{(y1 + y2) / 2:.1f}" fill="#777" '
            f'font-size="8" text-anchor="middle">{escape(edge["kind"])}</text></g>'
        )
    for node in data["nodes"]:
        x, y = pos[node["id"]]
        r = radius(node)
        tip = f"{node['name']} ({node['schema']}) {', '.join(node.get('domains') or [])}"
        shape = (
            f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}"'
            if SHAPES.get(node["schema"]) == "square"
            else f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}"'
        )
        parts.append(
            f'<g><title>{escape(tip)}</title>{shape} fill="{colour(node)}" stroke="#333"/>'
            f'<text x="{x:.1f}" y="{y + r + 11:.1f}" text-anchor="middle">'
            f"{escape(_short(node['name']))}</text></g>"
        )
    parts.append(_legend(width))
    parts.append("</svg>")
    return "".join(parts)


def html(data: dict[str, Any], title: str, width: int = 1100, height: int = 750) -> str:
    """An interactive page: drag nodes, zoom with the wheel, hover for the evidence."""
    pos = layout(data, width, height)
    nodes = [
        {
            **n,
            "x": round(pos[n["id"]][0], 1),
            "y": round(pos[n["id"]][1], 1),
            "colour": colour(n),
            "r": radius(n),
            "square": SHAPES.get(n["schema"]) == "square",
        }
        for n in data["nodes"]
    ]
    payload = json.dumps({"nodes": nodes, "edges": data["edges"]}, ensure_ascii=False)
    payload = payload.replace("</", "<\\/")
    legend = "".join(
        f'<span><i style="background:{c}"></i>{escape(d.replace("_", " "))}</span>'
        for d, c in DOMAIN_COLOURS.items()
    )
    return _PAGE.format(
        title=escape(title), width=width, height=height, data=payload, legend=legend
    )


def _short(name: str, limit: int = 28) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _legend(width: int) -> str:
    items = []
    for k, (domain, col) in enumerate(DOMAIN_COLOURS.items()):
        x = 10 + (k % 4) * 150
        y = 12 + (k // 4) * 14
        items.append(
            f'<circle cx="{x}" cy="{y - 3}" r="4" fill="{col}"/>'
            f'<text x="{x + 8}" y="{y}">{escape(domain.replace("_", " "))}</text>'
        )
    return "<g>" + "".join(items) + "</g>"


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: sans-serif; margin: 1em; }}
#net {{ border: 1px solid #ccc; cursor: grab; }}
#tip {{ position: fixed; background: #fffbe6; border: 1px solid #aaa; padding: 6px;
       font-size: 12px; max-width: 420px; display: none; pointer-events: none; }}
.legend span {{ margin-right: 1em; font-size: 12px; }}
.legend i {{ display: inline-block; width: 10px; height: 10px; border-radius: 5px;
            margin-right: 4px; }}
</style></head><body>
<h1>{title}</h1>
<p class="legend">{legend}<span><i style="background:#95a5a6"></i>no domain</span></p>
<p>Drag nodes, scroll to zoom, hover a node or a link for its evidence.</p>
<svg id="net" width="{width}" height="{height}" viewBox="0 0 {width} {height}"></svg>
<div id="tip"></div>
<script>
const data = {data};
const NS = "http://www.w3.org/2000/svg";
const svg = document.getElementById("net"), tip = document.getElementById("tip");
const byId = {{}};
data.nodes.forEach(n => byId[n.id] = n);
function el(name, attrs, parent) {{
  const e = document.createElementNS(NS, name);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  parent.appendChild(e); return e;
}}
function show(evt, text) {{
  tip.textContent = text; tip.style.display = "block";
  tip.style.left = (evt.clientX + 12) + "px"; tip.style.top = (evt.clientY + 12) + "px";
}}
function hide() {{ tip.style.display = "none"; }}
const edgeLayer = el("g", {{}}, svg), nodeLayer = el("g", {{}}, svg);
data.edges.forEach(e => {{
  const a = byId[e.source], b = byId[e.target];
  if (!a || !b) return;
  e.line = el("line", {{stroke: "#999", "stroke-width": 1.2}}, edgeLayer);
  e.label = el("text", {{fill: "#777", "font-size": 9, "text-anchor": "middle"}}, edgeLayer);
  e.label.textContent = e.kind;
  const text = e.kind + "\\ndatasets: " + e.datasets.join(", ") + "\\norganizations: " +
    e.orgs.join(", ") + "\\nmarkings: " + e.markings.join(", ");
  e.line.addEventListener("mousemove", evt => show(evt, text));
  e.line.addEventListener("mouseleave", hide);
}});
function place() {{
  data.edges.forEach(e => {{
    if (!e.line) return;
    const a = byId[e.source], b = byId[e.target];
    e.line.setAttribute("x1", a.x); e.line.setAttribute("y1", a.y);
    e.line.setAttribute("x2", b.x); e.line.setAttribute("y2", b.y);
    e.label.setAttribute("x", (a.x + b.x) / 2); e.label.setAttribute("y", (a.y + b.y) / 2);
  }});
  data.nodes.forEach(n => n.g.setAttribute("transform", `translate(${{n.x}},${{n.y}})`));
}}
let dragging = null;
data.nodes.forEach(n => {{
  n.g = el("g", {{"class": "node"}}, nodeLayer);
  const shape = n.square
    ? el("rect", {{x: -n.r, y: -n.r, width: 2 * n.r, height: 2 * n.r}}, n.g)
    : el("circle", {{r: n.r}}, n.g);
  shape.setAttribute("fill", n.colour); shape.setAttribute("stroke", "#333");
  const label = el("text", {{y: n.r + 12, "text-anchor": "middle", "font-size": 11}}, n.g);
  label.textContent = n.name.length > 30 ? n.name.slice(0, 29) + "…" : n.name;
  const text = n.name + " (" + n.schema + ")\\nscore " + n.score.toFixed(3) +
    "\\ndomains: " + (n.domains.join(", ") || "none") + "\\ndatasets: " +
    n.datasets.join(", ") + "\\norganizations: " + n.orgs.join(", ") +
    (n.path ? "\\npath: " + n.path.map(p => byId[p] ? byId[p].name : p).join(" > ") : "");
  n.g.addEventListener("mousemove", evt => {{ if (!dragging) show(evt, text); }});
  n.g.addEventListener("mouseleave", hide);
  n.g.addEventListener("mousedown", evt => {{ dragging = n; evt.preventDefault(); }});
}});
function point(evt) {{
  const p = svg.createSVGPoint(); p.x = evt.clientX; p.y = evt.clientY;
  return p.matrixTransform(svg.getScreenCTM().inverse());
}}
svg.addEventListener("mousemove", evt => {{
  if (!dragging) return;
  const p = point(evt); dragging.x = p.x; dragging.y = p.y; place();
}});
window.addEventListener("mouseup", () => {{ dragging = null; }});
let box = [0, 0, {width}, {height}];
svg.addEventListener("wheel", evt => {{
  evt.preventDefault();
  const p = point(evt), k = evt.deltaY > 0 ? 1.15 : 1 / 1.15;
  box = [p.x - (p.x - box[0]) * k, p.y - (p.y - box[1]) * k, box[2] * k, box[3] * k];
  svg.setAttribute("viewBox", box.join(" "));
}}, {{passive: false}});
place();
</script></body></html>
"""
