"""``silobreak names``: compare names in any script, with an explanation for every score."""

from __future__ import annotations

import csv
from pathlib import Path

import click
from followthemoney import model

from silobreak.cli.context import console
from silobreak.resolve.names import DEFAULT_THRESHOLD, compare_names

REQUIRED = ("schema", "name1", "name2")


@click.group("names")
def names_group() -> None:
    """Name matching (the component resolution and screening use)."""


@names_group.command("compare")
@click.option(
    "--in",
    "in_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV with columns schema,name1,name2 (other columns are passed through).",
)
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1),
    default=DEFAULT_THRESHOLD,
    show_default=True,
    help="Score at or above which `match` is true.",
)
def names_compare(in_path: Path, out_path: Path, threshold: float) -> None:
    """Score each pair: adds `score` (0-1), `match` (true/false) and `explanation`."""
    with in_path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        header = list(reader.fieldnames or [])
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise click.ClickException(
                f"{in_path}: missing column(s) {', '.join(missing)}; expected schema,name1,name2"
            )
        extra = [c for c in ("score", "match", "explanation") if c not in header]
        out_path.parent.mkdir(parents=True, exist_ok=True)
        count = matches = 0
        with out_path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, [*header, *extra])
            writer.writeheader()
            for line, row in enumerate(reader, start=2):
                schema = (row.get("schema") or "").strip() or "LegalEntity"
                if model.get(schema) is None:
                    raise click.ClickException(f"{in_path}:{line}: unknown schema {schema!r}")
                result = compare_names(schema, row.get("name1") or "", row.get("name2") or "")
                row["score"] = f"{result.score:.4f}"
                row["match"] = "true" if result.score >= threshold else "false"
                row["explanation"] = result.explain()
                writer.writerow(row)
                count += 1
                matches += result.score >= threshold
    console.print(f"{count:,} pairs scored, {matches:,} matches at {threshold} -> {out_path}")
