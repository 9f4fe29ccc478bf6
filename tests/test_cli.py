"""The command line end to end, as a user types it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner, Result

from silobreak.cli import main
from tests.conftest import entity, write_jsonl


def run(workspace: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--workspace", str(workspace), *args])


def test_org_ingest_quarantine_export(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert (
        run(
            ws, "org", "add", "national-police", "--sector", "law_enforcement", "--country", "Kenya"
        ).exit_code
        == 0
    )
    listed = run(ws, "org", "list")
    assert "national-police" in listed.output and "KE" in listed.output
    data = write_jsonl(
        tmp_path / "register.json",
        [
            entity("p1", "Person", name="Ivan Petrov", topics="crime.boss"),
            '{"id": "p2", "schema": "Person", "properties": {"birthDate": ["1999-02-31"]}}',
        ],
    )
    result = run(
        ws,
        "ingest",
        str(data),
        "--org",
        "national-police",
        "--dataset",
        "oc",
        "--domain",
        "organized_crime",
        "--marking",
        "RED",
        "--handling",
        "H3",
    )
    assert result.exit_code == 0, result.output
    assert "loaded 1 entities" in result.output
    assert "1 quarantined" in result.output
    assert "register.json:2: invalid date '1999-02-31'" in result.output
    quarantine = run(ws, "quarantine", "list")
    assert "invalid date" in quarantine.output and "oc" in quarantine.output
    datasets = run(ws, "dataset", "list")
    assert "organized_crime" in datasets.output and "TLP:RED" in datasets.output
    assert "yes" not in datasets.output
    declared = run(ws, "dataset", "set", "oc", "--org", "national-police", "--deduplicated")
    assert declared.exit_code == 0 and "oc: deduplicated" in declared.output
    assert "yes" in run(ws, "dataset", "list").output
    run(ws, "org", "add", "bank", "--sector", "financial_institution")
    stranger = run(ws, "dataset", "set", "oc", "--org", "bank", "--not-deduplicated")
    assert (
        stranger.exit_code == 1 and "belongs to organization 'national-police'" in stranger.output
    )
    assert "yes" in run(ws, "dataset", "list").output
    out = tmp_path / "out.ftm.json"
    exported = run(ws, "export", "statements", "--format", "ftm", "--out", str(out))
    assert exported.exit_code == 0 and "wrote 1 entities" in exported.output
    assert json.loads(out.read_text())["properties"]["name"] == ["Ivan Petrov"]


def test_user_errors_exit_1_with_a_message(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    data = write_jsonl(tmp_path / "x.json", [entity("p1", "Person", name="A")])
    run(ws, "org", "add", "police", "--sector", "law_enforcement")
    unknown = run(ws, "ingest", str(data), "--org", "nobody", "--dataset", "d")
    assert unknown.exit_code == 1
    assert "unknown organization 'nobody'" in unknown.output
    bad_sector = run(ws, "org", "add", "x", "--sector", "army")
    assert bad_sector.exit_code == 2 and "army" in bad_sector.output
    bad = write_jsonl(tmp_path / "bad.json", ["{nope"])
    strict = run(ws, "ingest", str(bad), "--org", "police", "--dataset", "d", "--strict")
    assert strict.exit_code == 1
    assert "bad.json:1: malformed JSON" in strict.output
    assert "nothing loaded (--strict)" in strict.output
    missing = run(tmp_path / "nowhere", "dataset", "list")
    assert missing.exit_code == 1 and "no silobreak workspace" in missing.output


def test_workspace_from_environment(tmp_path: Path) -> None:
    ws = tmp_path / "env-ws"
    result = CliRunner().invoke(
        main, ["org", "add", "ngo1", "--sector", "ngo"], env={"SILOBREAK_WORKSPACE": str(ws)}
    )
    assert result.exit_code == 0
    assert (ws / "silobreak.duckdb").exists()


def test_scenario_generate_and_ingest(tmp_path: Path) -> None:
    out = tmp_path / "sc"
    generated = CliRunner().invoke(main, ["scenario", "generate", "--seed", "3", "--out", str(out)])
    assert generated.exit_code == 0 and "planted networks" in generated.output
    ingested = run(tmp_path / "ws", "scenario", "ingest", str(out), "--quiet")
    assert ingested.exit_code == 0
    assert ingested.output.count("new statements") == 9


def test_demo_writes_a_report(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["demo", "--no-serve", "--out", str(tmp_path / "d")])
    assert result.exit_code == 0, result.output
    report = tmp_path / "d" / "report.html"
    assert str(report.resolve()) in result.output
    assert "against the scenario's known answer: pairwise F1 0." in result.output
    html = report.read_text()
    for needle in (
        "national-police",
        "customs_declarations",
        "Quarantine",
        "<svg",
        "invalid IBAN",
        "TLP:AMBER+STRICT",
    ):
        assert needle in html
    again = CliRunner().invoke(main, ["demo", "--no-serve", "--out", str(tmp_path / "d")])
    assert "0 new statements" in again.output  # idempotent

    def finance(output: str) -> str:
        return next(line for line in output.splitlines() if "3/6 finance" in line)

    # findings are made on the resolved graph both times, so a second run finds the same
    assert finance(again.output) == finance(result.output)


def test_python_dash_m() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "silobreak", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.startswith("silobreak, version")


def test_reading_as_an_organization_applies_policy(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    run(ws, "org", "add", "police", "--sector", "law_enforcement")
    run(ws, "org", "add", "bank", "--sector", "financial_institution")
    secret = write_jsonl(
        tmp_path / "s.json", [entity("p1", "Person", name="Secret Boss"), "{broken"]
    )
    public = write_jsonl(tmp_path / "p.json", [entity("c1", "Company", name="Open Co")])
    run(ws, "ingest", str(secret), "--org", "police", "--dataset", "oc", "--marking", "RED")
    run(ws, "ingest", str(public), "--org", "bank", "--dataset", "reg", "--marking", "CLEAR")
    out = tmp_path / "bank.ftm.json"
    as_bank = ["--workspace", str(ws), "--as-org", "bank"]
    exported = CliRunner().invoke(
        main, [*as_bank, "export", "statements", "--format", "ftm", "--out", str(out)]
    )
    assert exported.exit_code == 0
    assert "Open Co" in out.read_text() and "Secret Boss" not in out.read_text()
    quarantine = CliRunner().invoke(main, [*as_bank, "quarantine", "list"])
    assert "malformed JSON" not in quarantine.output  # the police's raw rows stay theirs
    assert "malformed JSON" in run(ws, "quarantine", "list").output
    run(ws, "resolve")
    hidden = CliRunner().invoke(main, [*as_bank, "entity", "oc/p1"])
    assert hidden.exit_code == 1 and "Secret Boss" not in hidden.output


def test_report_command(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    run(ws, "org", "add", "police", "--sector", "law_enforcement")
    data = write_jsonl(tmp_path / "a.json", [entity("p1", "Person", name="A B")])
    run(ws, "ingest", str(data), "--org", "police", "--dataset", "oc")
    out = tmp_path / "r.html"
    result = run(ws, "report", "--out", str(out), "--title", "Weekly")
    assert result.exit_code == 0 and str(out.resolve()) in result.output
    html = out.read_text()
    assert "<title>Weekly</title>" in html and "police" in html
