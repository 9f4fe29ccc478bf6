"""``silobreak why``: the reasons two records are one entity or two, through policy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from silobreak.cli import main
from silobreak.pipeline import ingest_scenario
from silobreak.policy import SYSTEM
from silobreak.resolve.run import resolve_store
from silobreak.resolve.why import explain_pair
from silobreak.store import open_store
from tests.conftest import entity, write_jsonl


class Workspace:
    def __init__(self, root: Path):
        self.root = root
        self.runner = CliRunner()

    def run(self, *args: str, ok: bool = True) -> str:
        result = self.runner.invoke(main, ["--workspace", str(self.root / "ws"), *args])
        assert (result.exit_code == 0) == ok, result.output
        return result.output

    def why(self, first: str, second: str, *viewer: str) -> dict[str, Any]:
        found: dict[str, Any] = json.loads(self.run(*viewer, "why", first, second, "--json"))
        return found


def _police_and_bank(tmp_path: Path) -> Workspace:
    """Ivan Petrov at the police and at the bank (one person), his namesake born another
    year, a record of that name with no birth date (either of them), Olga (no one's
    namesake); and a vessel with no IMO number between two of one name with two numbers."""
    ws = Workspace(tmp_path)
    ws.run("org", "add", "police", "--sector", "law_enforcement")
    ws.run("org", "add", "bank", "--sector", "financial_institution")
    petrov = {"name": "Ivan Petrov", "nationality": "ru"}
    police = write_jsonl(
        tmp_path / "police.json",
        [
            entity("p1", "Person", **petrov),
            entity("v1", "Vessel", name="Sea Falcon", imoNumber="IMO 9321483", flag="pa"),
        ],
    )
    # the police's birth date and informant are theirs alone (TLP:AMBER); the name is shared
    # (TLP:GREEN)
    dates = write_jsonl(
        tmp_path / "dates.json",
        [
            entity("p1", "Person", birthDate="1975-03-02"),
            entity("p9", "Person", name="Ivan Petrovich"),
        ],
    )
    bank = write_jsonl(
        tmp_path / "bank.json",
        [
            entity("c1", "Person", birthDate="1975-03-02", **petrov),
            entity("c2", "Person", name="Olga Sokolova", birthDate="1980-01-01"),
            entity("c3", "Person", birthDate="1988-11-20", **petrov),
            entity("c4", "Person", name="Petrov Ivan", nationality="ru"),
            entity("v2", "Vessel", name="Sea Falcon", flag="pa"),
            entity("v3", "Vessel", name="Sea Falcon", imoNumber="IMO 9176187", flag="pa"),
        ],
    )
    ws.run("ingest", str(police), "--org", "police", "--dataset", "oc", "--marking", "green")
    ws.run("ingest", str(dates), "--org", "police", "--dataset", "oc", "--marking", "amber")
    ws.run("ingest", str(bank), "--org", "bank", "--dataset", "customers")
    return ws


def test_why_explains_merges_refusals_and_pairs_never_compared(tmp_path: Path) -> None:
    ws = _police_and_bank(tmp_path)
    ws.run("why", "p1", "c1", ok=False)  # no resolution yet: says so
    ws.run("resolve")

    merged = ws.why("p1", "c1")
    assert merged["same_entity"]
    assert merged["run"]["compared"] and merged["run"]["levels"]["birth_date"] == "exact"
    (hop,) = merged["path"]
    assert set(hop["pair"]) == {"oc/p1", "customers/c1"}
    assert hop["probability"] >= merged["threshold"]
    assert merged["reasons"][0].startswith("linked directly")

    namesake = ws.why("p1", "c3")
    assert not namesake["same_entity"]
    assert namesake["run"]["levels"]["birth_date"] == "conflict"
    assert namesake["run"]["weights"]["birth_date"] < 0
    assert "birth_date conflict" in namesake["reasons"][0]
    assert "1975-03-02 vs 1988-11-20" in namesake["run"]["evidence"]["birth_date"]

    # likely matches of two people (or two vessels): left alone, and said so
    for thin, other in (("c4", "p1"), ("v2", "v1"), ("v2", "v3")):
        kept = ws.why(thin, other)
        assert not kept["same_entity"] and kept["run"]["probability"] >= kept["threshold"]
        assert f"customers/{thin} links to records that contradict" in kept["reasons"][0]
    assert "unique_id conflict" in ws.why("v1", "v3")["reasons"][0]

    apart = ws.why("p1", "c2")
    assert not apart["run"]["compared"] and apart["reasons"][0].startswith("never compared")
    assert apart["now"]["levels"]["name"] == "different"
    assert "never one thing" in ws.why("p1", "v1")["reasons"][0]
    text = ws.run("why", "oc/p1", "customers/c3")
    assert "two entities" in text and "the last run's comparison" in text

    ws.run("judge", "c4", "p1", "--same")
    ws.run("judge", "p1", "c1", "--different")
    ws.run("resolve")
    assert ws.why("c4", "p1")["reasons"] == ["judged the same by cli"]
    assert ws.why("p1", "c1")["reasons"][0].startswith("judged different by cli")

    # new data since the run: said, and the run's comparison is still the one shown
    moved = write_jsonl(tmp_path / "moved.json", [entity("c3", "Person", birthPlace="Omsk")])
    ws.run("ingest", str(moved), "--org", "bank", "--dataset", "customers")
    changed = ws.why("p1", "c3")
    assert changed["changed_since_run"] == ["customers/c3"]
    assert changed["run"]["levels"]["birth_date"] == "conflict"
    assert "changed since the last run: customers/c3" in ws.run("why", "p1", "c3")


def test_why_shows_a_member_only_what_it_may_see(tmp_path: Path) -> None:
    ws = _police_and_bank(tmp_path)
    ws.run("resolve")
    bank = ("--as-org", "bank")
    seen = ws.why("p1", "c3", *bank)
    # the police's birth date is hidden from the bank, and so is the run's comparison of it
    assert seen["records"][0]["birth_dates"] == []
    assert seen["run"] is None and "birth_date" not in seen["now"]["evidence"]
    assert "values you cannot see" in seen["reasons"][0]
    assert ws.why("p1", "c3")["run"]["levels"]["birth_date"] == "conflict"
    # two of its own records: the bank sees all they hold, so the run's comparison too
    assert ws.why("c1", "c3", *bank)["run"]["compared"]
    # not shared: no such record, for the bank
    assert "no record 'p9'" in ws.run("--as-org", "bank", "why", "p9", "c1", ok=False)
    assert "two entities" in ws.run("why", "p9", "c1")


def test_why_follows_the_links_that_joined_two_records(tmp_path: Path, scenario_dir: Path) -> None:
    """Records of one entity joined through another record: the path goes link by link,
    each above the threshold."""
    with open_store(tmp_path / "ws") as store:
        ingest_scenario(store, scenario_dir, progress=False)
        resolve_store(store)
        rows = store.read_resolver(SYSTEM).read_all().to_pylist()
        members: dict[str, list[str]] = {}
        for row in rows:
            members.setdefault(row["canonical_id"], []).append(
                f"{row['dataset']}/{row['entity_id']}"
            )
        checked = 0
        for keys in members.values():
            if len(keys) < 3:
                continue
            _, pairs = store.resolve_details(keys)
            direct = {
                frozenset((p["left_key"], p["right_key"])) for p in pairs if p["probability"] >= 0.5
            }
            apart = [(a, b) for a in keys for b in keys if a < b and {a, b} not in direct]
            for left, right in apart[:2]:
                found = explain_pair(store, SYSTEM, left, right)
                assert found["same_entity"] and len(found["path"]) >= 2
                node = left
                for hop in found["path"]:
                    assert node in hop["pair"] and hop["probability"] >= found["threshold"]
                    node = next(k for k in hop["pair"] if k != node)
                assert node == right
                checked += 1
    assert checked >= 3
