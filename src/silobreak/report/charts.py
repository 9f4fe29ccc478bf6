"""Small inline SVG charts, so that a report is one self-contained HTML file."""

from __future__ import annotations

from html import escape

TLP_COLOURS = {
    "TLP:CLEAR": "#d9d9d9",
    "TLP:GREEN": "#33cc33",
    "TLP:AMBER": "#ffc000",
    "TLP:AMBER+STRICT": "#e08a00",
    "TLP:RED": "#ff2b2b",
}


def bar_chart(rows: list[tuple[str, int, str]], width: int = 640, unit: str = "") -> str:
    """Horizontal bars: ``(label, value, colour)``; labels on the left, values on the right."""
    if not rows:
        return "<p>No data.</p>"
    bar_h, gap, label_w, value_w = 20, 6, 210, 80
    top = max(v for _, v, _ in rows) or 1
    height = len(rows) * (bar_h + gap)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img">'
    ]
    span = width - label_w - value_w
    for i, (label, value, colour) in enumerate(rows):
        y = i * (bar_h + gap)
        w = max(1, round(span * value / top))
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 14}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" fill="{colour}" '
            f'stroke="#555" stroke-width="0.5"><title>{escape(label)}: {value:,}{unit}</title>'
            f'</rect><text x="{label_w + w + 6}" y="{y + 14}">{value:,}{unit}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def matrix(rows: list[str], cols: list[str], cells: dict[tuple[str, str], int]) -> str:
    """A presence matrix (organizations x crime domains) as an HTML table with shaded cells."""
    top = max(cells.values(), default=0) or 1
    head = "".join(f"<th>{escape(c.replace('_', ' '))}</th>" for c in cols)
    body = []
    for r in rows:
        tds = []
        for c in cols:
            value = cells.get((r, c), 0)
            alpha = 0.15 + 0.85 * value / top if value else 0
            style = f' style="background: rgba(192, 57, 43, {alpha:.2f})"' if value else ""
            tds.append(f"<td{style}>{value:,}</td>" if value else "<td></td>")
        body.append(f"<tr><th>{escape(r)}</th>{''.join(tds)}</tr>")
    return f'<table class="matrix"><tr><th></th>{head}</tr>{"".join(body)}</table>'
