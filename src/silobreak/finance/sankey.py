"""A traced flow drawn as a Sankey diagram: one self-contained HTML page, no script, no network.

Columns are hops: the traced account, then the accounts the money reached at hop 1, 2, ...
(reversed for a backward trace, so money always moves left to right). An account reached at
two hops appears in both columns, so the picture never loops. Band widths are proportional to
the amounts; hovering a band shows its transactions and dates.
"""

from __future__ import annotations

from collections import defaultdict
from html import escape

from silobreak.finance.trace import Trace

WIDTH, HEIGHT, NODE_W, GAP, MARGIN = 1100, 620, 14, 10, 40


def _money(amount: float) -> str:
    return f"{amount:,.0f}" if amount >= 100 else f"{amount:,.2f}"


def render_sankey(result: Trace) -> str:
    """A whole HTML page: heading, note and the diagram."""
    levels = max((f.hop for f in result.flows), default=0)
    span = " to ".join(
        d.strftime("%Y-%m-%d") if d else "any time" for d in (result.start, result.end)
    )
    heading = (
        f"{result.direction.capitalize()} trace of {escape(result.account)}: "
        f"{_money(result.total)} over {levels} hop(s), {span}"
    )
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{heading}</title></head><body style='font-family:sans-serif'>"
        f"<h2>{heading}</h2><p>{escape(sankey_note(result))}</p>{sankey_svg(result)}"
        "</body></html>"
    )


def sankey_note(result: Trace) -> str:
    return (
        "Amounts are apportioned pro rata over time-respecting payments. "
        "Red: the traced account; grey: money resting there. "
        f"Dropped as too small to follow: {_money(result.dropped)}."
    )


def sankey_svg(result: Trace) -> str:
    """The diagram alone, an inline SVG for pages and reports."""
    forward = result.direction == "forward"
    levels = max((f.hop for f in result.flows), default=0)
    node_in: dict[tuple[str, int], float] = defaultdict(float)
    node_out: dict[tuple[str, int], float] = defaultdict(float)
    links = []
    for f in result.flows:
        src = (f.source, f.hop - 1) if forward else (f.source, f.hop)
        dst = (f.target, f.hop) if forward else (f.target, f.hop - 1)
        node_out[src] += f.amount
        node_in[dst] += f.amount
        links.append((src, dst, f))
    nodes = set(node_in) | set(node_out) or {(result.account, 0)}
    size = {n: max(node_in[n], node_out[n]) for n in nodes}
    columns: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for n in sorted(nodes, key=lambda n: -size[n]):
        columns[n[1]].append(n)
    usable = HEIGHT - 2 * MARGIN
    scale = min(
        (usable - GAP * (len(col) - 1)) / max(1e-9, sum(size[n] for n in col))
        for col in columns.values()
    )
    step = (WIDTH - 2 * MARGIN - 220) / max(1, levels)
    pos: dict[tuple[str, int], tuple[float, float, float]] = {}
    for level, col in columns.items():
        x = MARGIN + (level if forward else levels - level) * step
        y = float(MARGIN)
        for n in col:
            h = max(2.0, size[n] * scale)
            pos[n] = (x, y, h)
            y += h + GAP
    out_off: dict[tuple[str, int], float] = defaultdict(float)
    in_off: dict[tuple[str, int], float] = defaultdict(float)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        'font-family="sans-serif" font-size="11">'
    ]
    # bands leave a node in the order of their targets and enter in the order of their
    # sources, so they do not cross needlessly
    y0s: dict[int, float] = {}
    for i in sorted(range(len(links)), key=lambda i: pos[links[i][1]][1]):
        src, _, f = links[i]
        w = max(1.0, f.amount * scale)
        y0s[i] = pos[src][1] + out_off[src] + w / 2
        out_off[src] += w
    for i in sorted(range(len(links)), key=lambda i: pos[links[i][0]][1]):
        src, dst, f = links[i]
        sx, _, _ = pos[src]
        tx, ty, _ = pos[dst]
        w = max(1.0, f.amount * scale)
        y0 = y0s[i]
        y1 = ty + in_off[dst] + w / 2
        in_off[dst] += w
        x0, x1 = sx + NODE_W, float(tx)
        mid = (x0 + x1) / 2
        ids = ", ".join(f.transactions[:12]) + (" ..." if len(f.transactions) > 12 else "")
        title = (
            f"{f.source} -> {f.target}: {_money(f.amount)} (hop {f.hop}), "
            f"{f.first:%Y-%m-%d} to {f.last:%Y-%m-%d}; transactions {ids}"
        )
        parts.append(
            f'<path d="M{x0:.1f},{y0:.1f} C{mid:.1f},{y0:.1f} {mid:.1f},{y1:.1f} '
            f'{x1:.1f},{y1:.1f}" '
            f'fill="none" stroke="#4a78b5" stroke-opacity="0.35" stroke-width="{w:.1f}">'
            f"<title>{escape(title)}</title></path>"
        )
    for n, (x, y, h) in pos.items():
        account, level = n
        if account == result.account and level == 0:
            colour = "#c0392b"
        elif account in result.kept and node_out[n] == 0:
            colour = "#7f8c8d"
        else:
            colour = "#2c3e50"
        label = f"{account} ({_money(size[n])})"
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{NODE_W}" height="{h:.1f}" fill="{colour}">'
            f"<title>{escape(label)}</title></rect>"
            f'<text x="{x + NODE_W + 4:.1f}" y="{y + h / 2 + 4:.1f}">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
