from __future__ import annotations

from pathlib import Path

from silobreak.ingest import IngestOptions, ingest_file
from silobreak.policy import SYSTEM, Viewer
from silobreak.report.charts import bar_chart, matrix
from silobreak.report.html import render_report
from silobreak.store import Store
from tests.conftest import entity, write_jsonl


def test_report_shows_only_what_the_viewer_may_see(store: Store, tmp_path: Path) -> None:
    secret = write_jsonl(
        tmp_path / "s.json", [entity("p1", "Person", name="Secret Boss"), "{broken"]
    )
    public = write_jsonl(tmp_path / "p.json", [entity("c1", "Company", name="Open Co")])
    ingest_file(
        store,
        secret,
        IngestOptions("police", "oc", ("organized_crime",), marking="RED", progress=False),
    )
    ingest_file(store, public, IngestOptions("bank", "registry", marking="CLEAR", progress=False))
    full = render_report(store, SYSTEM)
    assert "malformed JSON" in full
    assert "organized crime" in full
    bank = render_report(store, Viewer("bank"))
    assert "malformed JSON" not in bank  # another org's quarantine is not the bank's to see
    assert "s.json" not in bank  # nor the police's load history
    assert "Open Co" not in full  # the report shows counts, never values


def test_charts_escape_and_scale() -> None:
    svg = bar_chart([("<b>x</b>", 10, "#000"), ("y", 5, "#111")])
    assert "&lt;b&gt;" in svg and "<b>" not in svg
    assert 'width="350"' in svg and 'width="175"' in svg  # bars scale to the longest
    table = matrix(["org"], ["a", "b"], {("org", "a"): 3})
    assert "rgba(192, 57, 43, 1.00)" in table
