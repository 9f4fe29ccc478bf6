from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import yaml

from silobreak.pipeline import ingest_scenario
from silobreak.policy import SYSTEM
from silobreak.scenario import generate
from silobreak.store import open_store


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.suffix != ".xlsx"
    }


def test_deterministic_per_seed(tmp_path: Path, scenario_dir: Path) -> None:
    generate(11, tmp_path / "again", "small")
    generate(12, tmp_path / "other", "small")
    assert _digest(tmp_path / "again") == _digest(scenario_dir)
    assert _digest(tmp_path / "other") != _digest(scenario_dir)


def test_organizations_formats_and_sectors(scenario_dir: Path) -> None:
    manifest = yaml.safe_load((scenario_dir / "scenario.yml").read_text())
    assert len(manifest["orgs"]) >= 8
    assert len({o["sector"] for o in manifest["orgs"]}) >= 5
    assert {d["format"] for d in manifest["datasets"]} == {"ftm", "csv", "xlsx"}
    for ds in manifest["datasets"]:
        assert (scenario_dir / ds["file"]).is_file()
        if ds["mapping"]:
            assert (scenario_dir / ds["mapping"]).is_file()


def test_names_vary_across_scripts_and_styles(scenario_dir: Path) -> None:
    text = "".join(
        p.read_text("utf-8")
        for p in scenario_dir.iterdir()
        if p.suffix in (".csv", ".json") and p.name != "truth.json"
    )
    assert any("\u0400" <= ch <= "\u04ff" for ch in text), "no Cyrillic"
    assert any("\u0600" <= ch <= "\u06ff" for ch in text), "no Arabic"
    assert "LIMITED LIABILITY COMPANY" in text or "LLC" in text or "ООО" in text


def test_truth_matches_what_is_ingested(tmp_path: Path, scenario_dir: Path) -> None:
    truth = json.loads((scenario_dir / "truth.json").read_text())
    with open_store(tmp_path / "ws") as store:
        results = ingest_scenario(store, scenario_dir, progress=False)
        rows = store.read_statements(SYSTEM).read_all().to_pylist()
        quarantined = {(q.dataset, q.line) for q in store.list_quarantine(SYSTEM)}
    loaded = {(r["dataset"], r["entity_id"]) for r in rows}
    records = {(r["dataset"], r["entity_id"]) for r in truth["records"]}
    assert records <= loaded, sorted(records - loaded)[:5]
    # exactly the planted bad rows are quarantined, nothing else
    planted = {(q["dataset"], q["line"]) for q in truth["expected_quarantine"]}
    assert quarantined == planted
    assert all(r.load and r.load.entities > 0 for r in results)


def test_planted_networks_and_decoys(scenario_dir: Path) -> None:
    truth = json.loads((scenario_dir / "truth.json").read_text())
    entities = truth["entities"]
    assert truth["convergences"]
    for network in truth["convergences"]:
        assert len(network["domains"]) >= 3
        orgs = {o for m in network["members"] for o in entities[m]["orgs"]}
        assert len(orgs) >= 3
    for a, b in truth["decoys"]["namesakes"]:
        assert entities[a]["name"] == entities[b]["name"]
        assert entities[a]["birth_date"] != entities[b]["birth_date"]
        # one domain each: only a wrong merge makes them a convergence
        assert len(entities[a]["domains"]) == len(entities[b]["domains"]) == 1
        assert entities[a]["domains"] != entities[b]["domains"]
    # background noise plants no convergence: nobody outside a network is in two domains
    members = {m for network in truth["convergences"] for m in network["members"]}
    for tid, info in entities.items():
        if info["kind"] in ("background", "legit", "repeater"):
            assert len(info["domains"]) <= 1, (tid, info)
    assert members
    # nor through the registry: a company's officers are in no other domain than it is
    true_of = {(r["dataset"], r["entity_id"]): r["true_id"] for r in truth["records"]}
    with (scenario_dir / "registry_companies.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["officer_id"]]
    assert rows
    for row in rows:
        company, officer = (
            true_of["registry_companies", row[k]] for k in ("company_id", "officer_id")
        )
        if company in members or officer in members:
            continue
        joint = {*entities[company]["domains"], *entities[officer]["domains"]}
        assert len(joint) <= 1, (company, officer, joint)
    for tid in truth["decoys"]["legit_everywhere"]:
        assert entities[tid]["domains"] == [] and len(entities[tid]["orgs"]) >= 3
    # nor through a ship: a repeat offender's seizures name no network's vessel
    seizures: dict[str, set[str]] = {}
    with (scenario_dir / "wildlife_seizures.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            for ref in (row["suspect_ref"], row["vessel_ref"]):
                tid = true_of.get(("wildlife_seizures", ref))
                if tid:
                    seizures.setdefault(row["seizure_id"], set()).add(tid)
    repeaters = set(truth["decoys"]["repeat_offenders"])
    assert any(named & repeaters and named - repeaters for named in seizures.values())
    for named in seizures.values():
        assert not (named & repeaters and named & members), named
    for tid in truth["decoys"]["repeat_offenders"]:
        assert entities[tid]["domains"] == ["environmental_crime"]
        records = [r for r in truth["records"] if r["true_id"] == tid]
        assert len(records) >= 3
