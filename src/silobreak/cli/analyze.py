"""``silobreak analyze`` and ``expand``: convergence analytics and lead expansion."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.table import Table

from silobreak.cli.context import CliContext, console, pass_ctx
from silobreak.graph.analyze import analyze_graph, run_analysis
from silobreak.graph.expand import DEFAULT_HOPS, analysis_scores, expand, stored_scores
from silobreak.graph.model import load_graph
from silobreak.graph.render import html, svg
from silobreak.resolve.entity import find_record_keys
from silobreak.resolve.records import record_key, split_key


@click.command("analyze")
@click.option("--force", is_flag=True, help="Recompute even if nothing changed since the last run.")
@click.option("--top", default=10, show_default=True, help="How many convergences to list.")
@pass_ctx
def analyze_command(ctx: CliContext, force: bool, top: int) -> None:
    """Score convergence across crime domains and find networks in the resolved graph.

    Built from what the reader may see (`--as-org`); results are kept per organization and
    exported with `silobreak export convergence`.
    """
    with ctx.store() as store:
        run, recomputed = run_analysis(store, ctx.viewer, force=force)
        _, rows, networks = store.read_analysis(ctx.viewer)
    state = "analysed" if recomputed else "unchanged since the last run"
    console.print(
        f"{state}: {run.nodes:,} nodes, {run.edges:,} links; {run.convergent:,} entities touch "
        f"a crime domain; {run.networks:,} networks"
    )
    table = Table("score", "entity", "schema", "domains", "orgs", "network")
    for row in rows.slice(0, top).to_pylist():
        table.add_row(
            f"{row['score']:.3f}",
            row["name"],
            row["schema"],
            ", ".join(row["domains"]),
            str(len(row["orgs"])),
            row["network_id"] or "",
        )
    console.print(table)
    names = dict(
        zip(rows.column("canonical_id").to_pylist(), rows.column("name").to_pylist(), strict=True)
    )
    nets = Table("network", "score", "domains", "members", "orgs", "brokers")
    for row in networks.slice(0, min(top, 5)).to_pylist():
        nets.add_row(
            row["network_id"],
            f"{row['score']:.3f}",
            ", ".join(row["domains"]),
            str(len(row["members"])),
            str(len(row["orgs"])),
            "; ".join(names.get(b, b) for b in row["brokers"]),
        )
    console.print(nets)


@click.command("expand")
@click.argument("entity")
@click.option("--hops", default=DEFAULT_HOPS, show_default=True, type=click.IntRange(1, 6))
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write FILE (JSON) and, beside it, FILE's name with .html (interactive) and .svg.",
)
@pass_ctx
def expand_command(ctx: CliContext, entity: str, hops: int, out: Path | None) -> None:
    """The network around ENTITY (canonical id, DATASET/ENTITY_ID or entity id), ranked."""
    with ctx.store(read_only=True) as store:
        graph = load_graph(store, ctx.viewer)
        run, stored, _ = store.read_analysis(ctx.viewer)
        start = graph.index.get(entity)
        if start is None:
            keys = set(find_record_keys(store, ctx.viewer, entity))
            rows = store.read_resolver_rows(ctx.viewer, entity_ids=[split_key(k)[1] for k in keys])
            found = {
                r["canonical_id"] for r in rows if record_key(r["dataset"], r["entity_id"]) in keys
            }
            start = next((graph.index[c] for c in sorted(found) if c in graph.index), None)
    if start is None:
        raise click.ClickException(f"no entity {entity!r} visible in the graph")
    # The stored scores when `analyze` ran on these inputs; otherwise score now.
    fresh = run is not None and run.nodes == len(graph.nodes) and run.edges == len(graph.edges)
    scores = stored_scores(graph, stored) if fresh else analysis_scores(analyze_graph(graph))
    result = expand(graph, scores, start, hops)
    title = f"Around {graph.nodes[start].name} ({hops} hops)"
    text = json.dumps(result, ensure_ascii=False, indent=2, default=str)
    if out is None:
        click.echo(text)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    out.with_suffix(".html").write_text(html(result, title), encoding="utf-8")
    out.with_suffix(".svg").write_text(svg(result, title=title), encoding="utf-8")
    console.print(
        f"{len(result['nodes'])} entities and {len(result['edges'])} links around "
        f"{graph.nodes[start].name}: {out}, {out.with_suffix('.html')}, {out.with_suffix('.svg')}"
    )
