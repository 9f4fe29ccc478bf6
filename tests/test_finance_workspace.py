"""Transactions in the workspace: atomic loads with quarantine, policy, FtM Payments read as
transactions, findings written back as statements that reach convergence, tracing."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner, Result

from silobreak.cli import main
from silobreak.policy.viewer import SYSTEM, Viewer
from silobreak.store import open_store
from tests.conftest import entity, write_jsonl

# valid IBANs (checksums right), one per account of the scheme
IBANS = {
    "boss": "DE89370400440532013000",
    "m1": "GB82WEST12345698765432",
    "m2": "FR1420041010050500013M02606",
    "m3": "NL91ABNA0417164300",
    "m4": "BE68539007547034",
    "m5": "AT611904300234573201",
    "sink": "CH9300762011623852957",
}


def run(ws: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--workspace", str(ws), *args])


def scheme_file(path: Path, bad: bool = False) -> Path:
    """boss scatters to five mules, each passes most of it to sink two days later."""
    rows = []
    for k in range(1, 6):
        rows.append(f"s{k},{IBANS['boss']},{IBANS[f'm{k}']},{1000 + k},EUR,2026-02-0{k}T10:00:00Z")
        rows.append(
            f"g{k},{IBANS[f'm{k}']},{IBANS['sink']},{950 + k},EUR,2026-02-0{k + 2}T10:00:00Z"
        )
    rows.append(f"x1,{IBANS['sink']},ACC-LOCAL-7,500,EUR,2026-02-20T10:00:00Z")
    if bad:
        rows.append("x2,A,B,-3,EUR,2026-02-21T10:00:00Z")
    path.write_text("id,source,target,amount,currency,timestamp\n" + "\n".join(rows) + "\n")
    return path


def test_load_is_atomic_idempotent_and_quarantines_bad_rows(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert run(ws, "org", "add", "bank", "--sector", "financial_institution").exit_code == 0
    data = scheme_file(tmp_path / "tx.csv", bad=True)
    first = run(ws, "finance", "load", str(data), "--org", "bank", "--dataset", "bank_tx")
    assert first.exit_code == 0, first.output
    assert "11 transactions loaded, 1 quarantined" in first.output
    assert "tx.csv:13: amount: not positive: '-3'" in first.output
    again = run(ws, "finance", "load", str(data), "--org", "bank", "--dataset", "bank_tx")
    assert again.exit_code == 0
    with open_store(ws, read_only=True) as store:
        rows = store.read_transactions(SYSTEM, "bank_tx")
        assert rows.num_rows == 11  # loaded twice, kept once
        quarantined = store.list_quarantine(SYSTEM, "bank_tx")
        assert any(q.line == 13 and "not positive" in q.reason for q in quarantined)
        # AMBER by default: another organization sees none of it
        assert store.read_transactions(Viewer("police", "u", "t")).num_rows == 0
        assert store.read_transactions(Viewer("bank", "u", "t")).num_rows == 11
    unknown = run(ws, "finance", "load", str(data), "--org", "nobody", "--dataset", "d")
    assert unknown.exit_code == 1 and "unknown organization" in unknown.output


def test_payments_read_as_transactions_with_account_labels(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    run(ws, "org", "add", "bank", "--sector", "financial_institution")
    ftm = write_jsonl(
        tmp_path / "payments.ftm.json",
        [
            entity("acc1", "BankAccount", iban=IBANS["boss"]),
            entity("acc2", "BankAccount", iban=IBANS["sink"]),
            entity("p1", "Person", name="Ann Payer"),
            entity(
                "pay1",
                "Payment",
                payer="p1",
                payerAccount="acc1",
                beneficiaryAccount="acc2",
                amount="2500.50",
                currency="eur",
                date="2026-03-01",
            ),
            entity("pay2", "Payment", payer="p1", amount="oops", date="2026-03-02"),
        ],
    )
    assert (
        run(ws, "ingest", str(ftm), "--org", "bank", "--dataset", "bank_ftm", "--quiet").exit_code
        == 0
    )
    with open_store(ws, read_only=True) as store:
        rows = store.read_transactions(SYSTEM).to_pylist()
    assert [(r["id"], r["source"], r["target"], r["amount"], r["currency"]) for r in rows] == [
        ("ftm:pay1", IBANS["boss"], IBANS["sink"], 2500.5, "EUR")
    ]


def test_findings_reach_the_holder_through_resolution_and_convergence(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    run(ws, "org", "add", "bank", "--sector", "financial_institution")
    run(ws, "org", "add", "police", "--sector", "law_enforcement")
    customers = write_jsonl(
        tmp_path / "customers.ftm.json",
        [
            entity("c1", "Person", name="Viktor Boss", birthDate="1970-01-01"),
            entity("a1", "BankAccount", iban=IBANS["boss"]),
            entity("o1", "Ownership", owner="c1", asset="a1"),
            # the sink is held by a company the boss owns: money comes home (round trip)
            entity("k1", "Company", name="Boss Holdings Ltd"),
            entity("o2", "Ownership", owner="c1", asset="k1"),
            entity("a2", "BankAccount", iban=IBANS["sink"]),
            entity("o3", "Ownership", owner="k1", asset="a2"),
        ],
    )
    assert (
        run(
            ws,
            "ingest",
            str(customers),
            "--org",
            "bank",
            "--dataset",
            "customers",
            "--marking",
            "GREEN",
            "--quiet",
        ).exit_code
        == 0
    )
    seizure = write_jsonl(
        tmp_path / "seizures.ftm.json",
        [entity("s1", "Person", name="Viktor Boss", birthDate="1970-01-01", topics="crime.env")],
    )
    assert (
        run(
            ws,
            "ingest",
            str(seizure),
            "--org",
            "police",
            "--dataset",
            "seizures",
            "--domain",
            "environmental_crime",
            "--marking",
            "GREEN",
            "--quiet",
        ).exit_code
        == 0
    )
    data = scheme_file(tmp_path / "tx.csv")
    run(
        ws,
        "finance",
        "load",
        str(data),
        "--org",
        "bank",
        "--dataset",
        "bank_tx",
        "--marking",
        "GREEN",
    )
    out = tmp_path / "findings.jsonl"
    flagged = run(ws, "finance", "flag", "--dataset", "bank_tx", "--out", str(out))
    assert flagged.exit_code == 0, flagged.output
    assert "scatter_gather" in flagged.output and "round_trip" in flagged.output
    trips = [line for line in out.read_text().splitlines() if '"round_trip"' in line]
    assert trips and all(IBANS["boss"] in t and IBANS["sink"] in t for t in trips)
    assert run(ws, "resolve").exit_code == 0
    assert run(ws, "analyze").exit_code == 0
    export = tmp_path / "convergence.csv"
    assert run(ws, "export", "convergence", "--out", str(export)).exit_code == 0
    with export.open() as fh:
        rows = {r["name"]: r for r in csv.DictReader(fh)}
    boss = rows["Viktor Boss"]
    assert set(boss["domains"].split(";")) == {"environmental_crime", "financial_crime"}
    assert "bank_tx" in boss["datasets"] or "bank_tx" in rows.get(IBANS["boss"], {}).get(
        "datasets", ""
    )
    bad_type = run(ws, "finance", "flag", "--dataset", "bank_tx", "--types", "fan_in,nope")
    assert bad_type.exit_code == 2 and "nope" in bad_type.output


def test_transactions_a_model_flagged_are_written_back_as_evidence(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    run(ws, "org", "add", "bank", "--sector", "financial_institution")
    data = scheme_file(tmp_path / "tx.csv")
    args = ["--org", "bank", "--dataset", "bank_tx", "--marking", "GREEN"]
    assert run(ws, "finance", "load", str(data), *args).exit_code == 0
    scores = tmp_path / "scores.csv"
    scores.write_text("id,score,flagged\nx1,0.91,true\ns1,0.20,false\nzz,0.99,true\n")
    out = tmp_path / "findings.jsonl"
    flag = ["finance", "flag", "--dataset", "bank_tx", "--types", "cycle", "--out", str(out)]
    flagged = run(ws, *flag, "--scores", str(scores))
    assert flagged.exit_code == 0, flagged.output
    assert "1 model" in flagged.output
    assert "1 flagged transaction id(s) are not in dataset bank_tx" in flagged.output
    found = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(f["type"], f["transactions"], f["score"]) for f in found] == [("model", ["x1"], 0.91)]
    assert found[0]["accounts"] == [IBANS["sink"], "ACC-LOCAL-7"]
    with open_store(ws) as store:
        rows = store.read_statements(SYSTEM, "bank_tx").read_all().to_pylist()
    accounts = {r["entity_id"] for r in rows if r["prop"] == "topics"}
    assert len(accounts) == 2  # the two accounts of the flagged payment, topic crime.fin
    scores.write_text("id,score,flagged\nx1,0.91,maybe\n")
    bad = run(ws, *flag, "--scores", str(scores))
    assert bad.exit_code == 1 and "scores.csv:2: flagged: not true/false: 'maybe'" in bad.output


def test_trace_reads_the_workspace_through_policy(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    run(ws, "org", "add", "bank", "--sector", "financial_institution")
    run(ws, "org", "add", "police", "--sector", "law_enforcement")
    run(
        ws,
        "finance",
        "load",
        str(scheme_file(tmp_path / "tx.csv")),
        "--org",
        "bank",
        "--dataset",
        "bank_tx",
    )
    seen = run(ws, "--as-org", "bank", "finance", "trace", IBANS["boss"], "--hops", "3")
    assert seen.exit_code == 0, seen.output
    assert IBANS["sink"] in seen.output and "ACC-LOCAL-7" in seen.output
    hidden = run(ws, "--as-org", "police", "finance", "trace", IBANS["boss"])
    assert hidden.exit_code == 1 and "no payments" in hidden.output
