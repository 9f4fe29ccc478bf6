"""Entity resolution: identifiers, blocking across scripts, the model, conflicts, judgements."""

from __future__ import annotations

import gc
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from silobreak.cli import main
from silobreak.ingest import IngestOptions, ingest_file
from silobreak.pipeline import ingest_scenario
from silobreak.policy import SYSTEM, Viewer
from silobreak.resolve import engines, keys
from silobreak.resolve.blocking import MAX_KEY_RECORDS, RARE_KEY_RECORDS
from silobreak.resolve.cluster import Clusterer, ambiguous_records
from silobreak.resolve.compare import FEATURES, Comparison, compare_records, documents_alone
from silobreak.resolve.engines import DuckDBEngine
from silobreak.resolve.evaluate import cluster_scores, clusters, pairwise
from silobreak.resolve.frequency import name_frequencies, pair_frequency
from silobreak.resolve.identifiers import normalize
from silobreak.resolve.keys import key_pass
from silobreak.resolve.legal_forms import legal_forms
from silobreak.resolve.model import FellegiSunter, estimate_u, train
from silobreak.resolve.names import DEFAULT_THRESHOLD, compare_names
from silobreak.resolve.records import Record
from silobreak.resolve.run import family_pairs, resolve_records, resolve_store
from silobreak.store import Store, open_store
from tests.conftest import entity, write_jsonl


@pytest.mark.parametrize(
    ("prop", "a", "b"),
    [
        ("iban", "DE89 3704 0044 0532 0130 00", "de89370400440532013000"),
        ("imoNumber", "IMO 9321483", "9321483"),
        ("registrationNumber", "KE12345678", "123-45678"),
        ("email", "Ivan.Petrov@Mail.com", "ivan.petrov@mail.com"),
        (
            "publicKey",
            "0xABCDEF0123456789abcdef0123456789ABCDEF01",
            "0xabcdef0123456789abcdef0123456789abcdef01",
        ),
    ],
)
def test_identifiers_normalise_to_one_form(prop: str, a: str, b: str) -> None:
    assert normalize(prop, a) == normalize(prop, b) is not None


def test_invalid_identifier_is_not_evidence() -> None:
    assert normalize("iban", "DE89370400440532013001") is None
    assert normalize("imoNumber", "IMO 9321484") is None


def _rec(key: str, schema: str, names: set[str], **kw: object) -> Record:
    """A record as ``load_records`` builds it: every set of values frozen."""
    dataset, _, entity_id = key.partition("/")
    frozen = {
        k: {kind: frozenset(v) for kind, v in value.items()}
        if isinstance(value, dict)
        else frozenset(value)  # type: ignore[call-overload]
        for k, value in kw.items()
    }
    return Record(key, dataset, entity_id, schema, dataset, names=frozenset(names), **frozen)  # type: ignore[arg-type]


def _pairs(records: list[Record]) -> list[tuple[int, int]]:
    return DuckDBEngine().candidate_pairs(key_pass(records).keys)


def test_blocking_pairs_names_across_scripts_and_identifiers() -> None:
    records = [
        _rec("a/1", "Person", {"Mohammed Al-Husseini"}),
        _rec("b/1", "Person", {"محمد الحسيني"}),
        _rec("c/1", "Vessel", {"Ocean Pearl"}, ids={"imo": {"9321483"}}),
        _rec("d/1", "Vessel", {"Blue Horizon"}, ids={"imo": {"9321483"}}),
        _rec("e/1", "Company", {"Unrelated Holdings"}),
    ]
    pairs = set(_pairs(records))
    assert (0, 1) in pairs  # common name symbols across scripts
    assert (2, 3) in pairs  # the same IMO number despite different names
    assert not any(4 in p for p in pairs)


def test_blocking_pairs_a_record_in_another_script_by_two_common_names() -> None:
    """ "صالح حسين" alone, against "Hussein Saleh" among many Husseins and Salehs: each name
    symbol alone is too common to pair on, the two together are not."""
    records = [
        _rec("a/1", "Person", {"صالح حسين"}),
        _rec("b/1", "Person", {"Hussein Saleh"}),
        *(_rec(f"c/{k}", "Person", {f"Hussein Kov{k}ski"}) for k in range(12)),
        *(_rec(f"d/{k}", "Person", {f"Petro{k}vic Saleh"}) for k in range(12)),
    ]
    pairs = set(_pairs(records))
    assert (0, 1) in pairs
    assert not any(0 in p for p in pairs - {(0, 1)})  # one common name is not enough


def test_blocking_pairs_latin_transliterations_that_share_no_spelling() -> None:
    """A German and an English transliteration of one Russian name share no part, sound or
    beginning, only rigour's name symbols, each held by many: the rare pair of them pairs
    the two."""
    given = ["Pavel", "Igor", "Oleg", "Sergei", "Dmitri", "Anton"]
    family = ["Ivanova", "Petrova", "Smirnova", "Kuznetsova", "Popova", "Vasilyeva"]
    records = [
        _rec("a/1", "Person", {"SACHAROW LUDMILA"}),
        _rec("b/1", "Person", {"Lyudmila Tatjana Zaharov"}),
        *(_rec(f"c/{k}", "Person", {f"{name} Zaharov"}) for k, name in enumerate(given)),
        *(_rec(f"d/{k}", "Person", {f"Lyudmila {name}"}) for k, name in enumerate(family)),
    ]
    assert (0, 1) in set(_pairs(records))


def test_blocking_pairs_names_whose_syllables_are_split_or_joined() -> None:
    """ "Zi Xuan Yao" and "Zixuan Yao" share no part, and "Yao" is held by too many records to
    pair them on it: the parts written together ("zixuanyao") do. Without that pair, the
    trafficking record of one Zixuan Yao met only the police record of his namesake (a
    symbol pair of its Chinese alias) and merged with it."""
    records = [
        _rec("a/1", "Person", {"Zi Xuan Yao"}),
        _rec("b/1", "Person", {"Zixuan Yao"}),
        _rec("c/1", "Person", {"Abdul Rahman Al-Saud"}),
        _rec("d/1", "Person", {"SAUD, Abdulrahman"}),
        *(_rec(f"e/{k}", "Person", {f"Mei Lin{k}g Yao"}) for k in range(RARE_KEY_RECORDS + 2)),
        *(_rec(f"f/{k}", "Person", {f"Zixuan Wan{k}g"}) for k in range(RARE_KEY_RECORDS + 2)),
    ]
    pairs = set(_pairs(records))
    assert {(0, 1), (2, 3)} <= pairs
    assert not any(p[0] in (0, 1) and p[1] > 3 for p in pairs)


def test_blocking_pairs_a_company_name_many_companies_share() -> None:
    """ "Northern Agro B.V." written by 30 organizations (more than a rare key), its words each
    in hundreds of names: the whole name still pairs its records, and only those."""
    many = MAX_KEY_RECORDS + 1
    records = [
        *(
            _rec(f"a/{k}", "Company", {"Northern Agro B.V." if k % 2 else "NORTHERN AGRO BV"})
            for k in range(RARE_KEY_RECORDS + 10)
        ),
        *(_rec(f"b/{k}", "Company", {f"Northern Tim{k}ber Ltd"}) for k in range(many)),
        *(_rec(f"c/{k}", "Company", {f"Sah{k}ara Agro GmbH"}) for k in range(many)),
    ]
    pairs = set(_pairs(records))
    named = range(RARE_KEY_RECORDS + 10)
    assert {(i, j) for i in named for j in named if i < j} <= pairs
    assert not any(i in named and j not in named for i, j in pairs)


def test_blocking_pairs_a_company_name_with_one_word_mistyped() -> None:
    """A company's many customs declarations hold each of its words, and each pair of them,
    past the rare-key limit: a declaration that misspells the one distinctive word ("SAHHARA")
    still meets its company through the beginnings of the whole name, and no other company
    (a name of other beginnings, or of other words)."""
    declarations = RARE_KEY_RECORDS + 5
    many = MAX_KEY_RECORDS + 1
    records = [
        _rec("registry/1", "Company", {"SAHARA DELTA FISHERIES GMBH"}),
        _rec("customs/typo", "Company", {"SAHHARA DELTA FISHERIES G.M.B.H."}),
        *(_rec(f"customs/{k}", "Company", {"SAHARA DELTA FISHERIES"}) for k in range(declarations)),
        *(_rec(f"b/{k}", "Company", {f"Delta Fisheries Tim{k}ber Ltd"}) for k in range(many)),
        _rec("c/1", "Company", {"SAHARA DELTA SHIPPING"}),
    ]
    pairs = set(_pairs(records))
    assert (0, 1) in pairs
    assert not any(1 in p and max(p) >= 2 + declarations for p in pairs)


def test_blocking_pairs_a_company_name_mistyped_at_a_word_s_start() -> None:
    """A typo within a word's first three letters ("LINERALS") misses the beginnings' key
    (``nb:``); where every other key of the name is held past the limits, the words'
    endings still meet the company, and no company of another word."""
    declarations = RARE_KEY_RECORDS + 5
    many = MAX_KEY_RECORDS + 1
    records = [
        _rec("registry/1", "Company", {"HARBOR COASTAL MINERALS S.A."}),
        _rec("bank/typo", "Company", {"Harbor Coastal linerals SA"}),
        *(
            _rec(f"customs/{k}", "Company", {"HARBOR COASTAL MINERALS"})
            for k in range(declarations)
        ),
        *(_rec(f"b/{k}", "Company", {f"Harbor Coastal Tim{k}ber Ltd"}) for k in range(many)),
    ]
    pairs = set(_pairs(records))
    assert (0, 1) in pairs
    assert not any(1 in p and max(p) >= 2 + declarations for p in pairs)


def test_blocking_pairs_a_cantonese_given_name_with_its_pinyin() -> None:
    """ "Mei-wah Ma" and "MA, Meihua" (美华) share no key but the surname, which hundreds of
    records hold: the Cantonese given name's Pinyin readings pair them, with the name
    written whole or apart ("MA MEI HUA"), and not with another Ma ("MA, Zhiming")."""
    many = MAX_KEY_RECORDS + 1
    records = [
        _rec("bank/1", "Person", {"Mei-wah Ma"}),
        _rec("registry/1", "Person", {"MA, Meihua"}),
        _rec("police/1", "Person", {"MA MEI HUA"}),
        _rec("registry/2", "Person", {"MA, Zhiming"}),
        *(_rec(f"b/{k}", "Person", {f"Ma Ti{k}mo"}) for k in range(many)),
    ]
    pairs = set(_pairs(records))
    assert {(0, 1), (0, 2)} <= pairs
    assert (0, 3) not in pairs


def test_an_arabic_legal_form_is_a_legal_form() -> None:
    """rigour's data does not tag ش.ذ.م.م (a limited liability company): as a fourth word of
    the name, it kept a customs declaration's "ATLAS OCEAN HOLDINGS ش.ذ.م.م" from the key of
    the registry's "ATLAS OCEAN HOLDINGS FZE" (both words too common alone) and from the
    comparison. As a legal form it weighs little, pairs the two, and is no evidence of
    another form (its family of translations is not known here)."""
    many = MAX_KEY_RECORDS + 1
    records = [
        _rec("registry/1", "Company", {"ATLAS OCEAN HOLDINGS FZE"}),
        _rec("customs/1", "Company", {"ATLAS OCEAN HOLDINGS ش.ذ.م.م"}),
        # every pair of the three words is held by hundreds of names
        *(_rec(f"b/{k}", "Company", {f"Atlas Ocean Holdings Tim{k}ber Ltd"}) for k in range(many)),
    ]
    assert (0, 1) in set(_pairs(records))
    result = compare_names("Company", "ATLAS OCEAN HOLDINGS ش.ذ.م.م", "ATLAS OCEAN HOLDINGS FZE")
    assert "شذمم (only left, legal)" in result.explain()
    assert result.score >= DEFAULT_THRESHOLD
    assert legal_forms(["ATLAS OCEAN HOLDINGS ش.ذ.م.م"]) == frozenset()
    same = compare_records(0, 1, records[0], records[1])
    assert same is not None and same.levels["legal_form"] == "absent"


def test_comparison_levels_and_conflicts() -> None:
    a = _rec("a/1", "Person", {"Ivan Petrov"}, birth_dates={"1975-03-02"}, countries={"ru"})
    b = _rec("b/1", "Person", {"Иван Петров"}, birth_dates={"1975-02-03"}, countries={"ru"})
    c = _rec("c/1", "Person", {"Ivan Petrov"}, birth_dates={"1988-11-30"})
    v = _rec("d/1", "Vessel", {"Ivan Petrov"})
    same = compare_records(0, 1, a, b)
    assert same is not None
    assert same.levels["name"] in ("exact", "high")
    assert same.levels["birth_date"] == "swapped"  # day and month swapped
    assert same.levels["country"] == "match"
    assert not same.conflict
    namesake = compare_records(0, 2, a, c)
    assert namesake is not None and namesake.conflict
    assert compare_records(0, 3, a, v) is None  # a Person is never a Vessel


def test_chains_into_contradictions_are_cut() -> None:
    records = [
        _rec("a/1", "Vessel", {"Sea Falcon"}, ids={"imo": {"9321483"}}),
        _rec("b/1", "Vessel", {"Sea Falcon"}),
        _rec("c/1", "Vessel", {"Sea Falcon"}, ids={"imo": {"9176187"}}),
    ]
    clusterer = Clusterer(records)
    assert clusterer.union(0, 1)
    assert not clusterer.union(1, 2)  # would put two IMO numbers on one vessel
    assert clusterer.refused == 1
    judged = Clusterer(records[:2], cannot_link=[(0, 1)])
    assert not judged.union(0, 1)


def test_two_passports_meet_only_where_more_than_a_name_agrees() -> None:
    """A renewed passport is one person when the birth date (or an address, a phone)
    agrees; two passports joined by a name and a country alone are as likely two
    namesakes, so neither the pair nor a chain through a record holding none (the
    registry's entry, matching both) joins them. A mistyped number is no second passport."""
    police = _rec(
        "police/1",
        "Person",
        {"KORIR, David"},
        ids={"passport": {"N5476225"}},
        birth_dates={"1995-09-29"},
        countries={"tz"},
    )
    registry = _rec(
        "registry/1", "Person", {"KORIR, David"}, birth_dates={"1995-09-29"}, countries={"tz"}
    )
    seizure = _rec(
        "seizure/1", "Person", {"KORIR DAVID"}, ids={"passport": {"S6594318"}}, countries={"tz"}
    )
    renewed = _rec(
        "bank/1",
        "Person",
        {"David Korir"},
        ids={"passport": {"S6594318"}},
        birth_dates={"1995-09-29"},
    )
    mistyped = _rec("bank/2", "Person", {"David Korir"}, ids={"passport": {"N5467225"}})
    records = [police, registry, seizure, renewed, mistyped]

    def alone(i: int, j: int) -> bool:
        c = compare_records(i, j, records[i], records[j])
        assert c is not None
        return documents_alone(c.levels)

    assert alone(0, 2)
    assert not alone(0, 3)  # the birth date tells
    assert not alone(0, 4)  # a typo, one passport
    links = [(0, 1), (1, 2), (0, 3), (0, 4)]  # the pairs run.py would link
    chain = Clusterer(records, links=links)
    assert chain.union(0, 1)
    assert not chain.union(1, 2)
    assert chain.union(0, 3)
    assert chain.union(0, 4)
    # the bank's thin David Korir, matching the police's and the seizure's, could be either
    thin = [police, seizure, _rec("bank/3", "Person", {"David Korir"}, countries={"tz"})]
    assert ambiguous_records(thin, [(2, 0), (2, 1)]) == {2}
    assert ambiguous_records(thin, [(2, 0), (2, 1), (0, 1)]) == set()


def test_a_record_linked_to_two_people_of_two_countries_is_left_alone() -> None:
    """A cyber incident's thin "Guo Dong Lin" matched both the police's Guodong Lin (China)
    and a seizure's (Malaysia), whom resolution compared and kept apart on their countries:
    merging the thin record with either would be a guess, and through it the two namesakes
    became one entity (large world 1)."""
    police = _rec("police/1", "Person", {"LIN, Guodong"}, countries={"cn"})
    seizure = _rec("seizure/1", "Person", {"LIN GUO DONG"}, countries={"my"})
    thin = _rec("cert/1", "Person", {"Guo Dong Lin"})
    records = [police, seizure, thin]
    compared = compare_records(0, 1, police, seizure)
    assert compared is not None and compared.levels["country"] == "conflict"
    apart = {(0, 1)}
    assert ambiguous_records(records, [(2, 0), (2, 1)], apart=apart) == {2}
    assert ambiguous_records(records, [(2, 0), (2, 1), (0, 1)], apart=apart) == set()
    assert ambiguous_records(records, [(2, 0), (2, 1)]) == set()


@pytest.fixture
def resolved(tmp_path: Path, scenario_dir: Path) -> Store:
    store = open_store(tmp_path / "ws")
    ingest_scenario(store, scenario_dir, progress=False)
    resolve_store(store)
    return store


def _thin_namesake_records(store: Store, truth: dict[str, Any]) -> set[str]:
    """Keys of the namesakes' records that hold neither a birth date nor an identifier."""
    namesakes = {t for pair in truth["decoys"]["namesakes"] for t in pair}
    keys = {
        f"{r['dataset']}/{r['entity_id']}" for r in truth["records"] if r["true_id"] in namesakes
    }
    dated = {
        f"{r['dataset']}/{r['entity_id']}"
        for r in store.read_statements(SYSTEM).read_all().to_pylist()
        if r["prop"] == "birthDate" or r["prop_type"] == "identifier"
    }
    return keys - dated


def test_cluster_scores_weigh_entities_and_records() -> None:
    # truth: A = {a1, a2, a3}, B = {b1}, C = {c1, c2}; prediction: a1+a2, a3+b1, c1+c2
    true_of = {"a1": "A", "a2": "A", "a3": "A", "b1": "B", "c1": "C", "c2": "C"}
    predicted = {"a1": "x", "a2": "x", "a3": "y", "b1": "y", "c1": "z", "c2": "z"}
    score = cluster_scores(true_of, predicted)
    assert (score.exact_precision, score.exact_recall) == (round(1 / 3, 4), round(1 / 3, 4))
    # B-cubed precision: a1, a2 1; a3, b1 1/2; c1, c2 1 -> 5/6; recall: a1, a2 2/3; a3 1/3
    assert score.bcubed_precision == round(5 / 6, 4)
    assert score.bcubed_recall == round((2 / 3 + 2 / 3 + 1 / 3 + 1 + 1 + 1) / 6, 4)
    # a record nobody resolved is its own entity; a perfect resolver scores 1
    alone = cluster_scores(true_of, {k: v for k, v in predicted.items() if k != "b1"})
    assert alone.predicted_entities == 4
    assert (alone.exact_precision, alone.exact_recall) == (0.5, round(2 / 3, 4))
    assert alone.bcubed_precision == 1.0
    assert cluster_scores(true_of, dict(true_of)).exact_f1 == 1.0


def test_scenario_is_resolved_across_organizations(resolved: Store, scenario_dir: Path) -> None:
    truth = json.loads((scenario_dir / "truth.json").read_text())
    rows = resolved.read_resolver(SYSTEM).read_all().to_pylist()
    canonical = {f"{r['dataset']}/{r['entity_id']}": r["canonical_id"] for r in rows}
    score = pairwise(truth, canonical)
    assert score.f1 >= 0.85, score
    assert score.precision >= 0.9, score
    entities = clusters(truth, canonical)
    assert entities.bcubed_f1 >= 0.85, entities
    assert entities.exact_f1 >= 0.8, entities
    # namesakes in different domains stay apart wherever a birth date or an identifier tells
    # them apart; a record with nothing but a name (and a country) may join the namesake whose
    # spelling it is closer to (a limit, docs/resolution.md)
    assert score.namesake_pairs > 0
    thin = _thin_namesake_records(resolved, truth)
    twins = {t: u for a, b in truth["decoys"]["namesakes"] for t, u in ((a, b), (b, a))}
    true_of = {f"{r['dataset']}/{r['entity_id']}": r["true_id"] for r in truth["records"]}
    for key, tid in true_of.items():
        if tid in twins:
            joined = {k for k, t in true_of.items() if t == twins[tid]}
            if any(canonical.get(k, k) == canonical.get(key, key) for k in joined):
                assert key in thin or joined & thin, key
    # every ingested entity has a resolver row, singletons included
    assert len(rows) == len({(r["dataset"], r["entity_id"]) for r in rows})
    merged = [r for r in rows if r["evidence"]]
    evidence = json.loads(merged[0]["evidence"])
    assert set(evidence) >= {"pair", "probability", "levels", "weights", "evidence"}
    # each merged record's evidence is the link that merged it: a pair inside its entity,
    # with the record on one side and the aligned name parts spelled out
    sizes = Counter(r["canonical_id"] for r in rows)
    for row in rows:
        key = f"{row['dataset']}/{row['entity_id']}"
        if sizes[row["canonical_id"]] == 1:
            assert row["evidence"] is None
            continue
        data = json.loads(row["evidence"])
        assert key in data["pair"]
        assert {canonical[k] for k in data["pair"]} == {row["canonical_id"]}
        assert data["probability"] == pytest.approx(row["score"], abs=1e-4)
    resolved.close()


def test_judgements_are_honoured(store: Store, tmp_path: Path) -> None:
    police = write_jsonl(
        tmp_path / "p.json",
        [entity("p1", "Person", name="Ivan Petrov", birthDate="1975-03-02", nationality="ru")],
    )
    bank = write_jsonl(
        tmp_path / "b.json",
        [
            entity("c1", "Person", name="Ivan Petrov", birthDate="1975-03-02", nationality="ru"),
            entity("c2", "Person", name="Olga Sokolova"),
        ],
    )
    ingest_file(store, police, IngestOptions("police", "oc", progress=False))
    ingest_file(store, bank, IngestOptions("bank", "customers", progress=False))

    def canonical() -> dict[str, str]:
        rows = store.read_resolver(SYSTEM).read_all().to_pylist()
        return {f"{r['dataset']}/{r['entity_id']}": r["canonical_id"] for r in rows}

    resolve_store(store)
    assert canonical()["oc/p1"] == canonical()["customers/c1"]
    from silobreak.store.base import Judgement

    store.add_judgement(Judgement("oc/p1", "customers/c1", "different", "analyst"))
    resolve_store(store)
    assert canonical()["oc/p1"] != canonical()["customers/c1"]
    store.add_judgement(Judgement("oc/p1", "customers/c2", "same", "analyst"))
    resolve_store(store)
    assert canonical()["oc/p1"] == canonical()["customers/c2"]
    # the resolver goes through policy too: the bank cannot see the police record's row
    bank_rows = store.read_resolver(Viewer("bank")).read_all().to_pylist()
    assert {r["dataset"] for r in bank_rows} == {"customers"}


def test_cli_resolve_judge_entity_export(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(main, ["--workspace", str(ws), *args])
        assert result.exit_code == 0, result.output
        return result.output

    run("org", "add", "police", "--sector", "law_enforcement")
    run("org", "add", "bank", "--sector", "financial_institution")
    police = write_jsonl(
        tmp_path / "p.json",
        [entity("p1", "Person", name="AL-HUSSEINI, Mohammed", birthDate="1970-01-05")],
    )
    bank = write_jsonl(
        tmp_path / "b.json",
        [entity("c1", "Person", name="محمد الحسيني", birthDate="1970-01-05", nationality="ae")],
    )
    run("ingest", str(police), "--org", "police", "--dataset", "oc")
    run("ingest", str(bank), "--org", "bank", "--dataset", "customers")
    assert "merged into 1 entities (1 across organizations)" in run("resolve")
    shown = run("entity", "oc/p1")
    assert "customers" in shown and "1970-01-05" in shown
    out = tmp_path / "resolver.csv"
    run("export", "resolver", "--out", str(out))
    lines = out.read_text().splitlines()
    assert lines[0] == '"dataset","entity_id","canonical_id"'
    assert len(lines) == 3 and lines[1].split(",")[2] == lines[2].split(",")[2]
    assert "judged oc/p1 and customers/c1: different" in run("judge", "p1", "c1", "--different")
    run("resolve")
    lines = out.read_text().splitlines()
    run("export", "resolver", "--out", str(out))
    lines = out.read_text().splitlines()
    assert lines[1].split(",")[2] != lines[2].split(",")[2]


def test_cli_scores_a_scenario_against_its_truth(tmp_path: Path, scenario_dir: Path) -> None:
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(main, ["--workspace", str(tmp_path / "ws"), *args])
        assert result.exit_code == 0, result.output
        return result.output

    refused = runner.invoke(
        main, ["--workspace", str(tmp_path / "ws"), "scenario", "score", str(tmp_path)]
    )
    assert refused.exit_code != 0 and "no truth.json" in refused.output
    run("scenario", "ingest", str(scenario_dir), "--quiet")
    unresolved = runner.invoke(
        main, ["--workspace", str(tmp_path / "ws"), "scenario", "score", str(scenario_dir)]
    )
    assert unresolved.exit_code != 0 and "silobreak resolve" in unresolved.output
    run("resolve")
    everything = json.loads(run("scenario", "score", str(scenario_dir), "--json"))
    truth = json.loads((scenario_dir / "truth.json").read_text())
    assert everything["records"] == len({(r["dataset"], r["entity_id"]) for r in truth["records"]})
    assert 0.85 <= everything["pairwise"]["f1"] < 1.0
    assert everything["clusters"]["exact_f1"] > 0.8
    assert "exact entities" in run("scenario", "score", str(scenario_dir))
    # a member organization is scored on the records it may see, not on everyone's
    police = json.loads(
        run("--as-org", "national-police", "scenario", "score", str(scenario_dir), "--json")
    )
    assert 0 < police["records"] < everything["records"]


def test_birth_date_typos_and_common_identifiers() -> None:
    a = _rec(
        "a/1", "Person", {"Amy White"}, birth_dates={"1975-03-12"}, ids={"passport": {"P1234567"}}
    )
    typo = _rec("b/1", "Person", {"Amy White"}, birth_dates={"1975-03-21"})
    far = _rec(
        "c/1", "Person", {"Amy White"}, birth_dates={"1990-07-01"}, ids={"passport": {"P1234567"}}
    )
    near = compare_records(0, 1, a, typo)
    assert near is not None and near.levels["birth_date"] == "typo" and not near.conflict
    vouched = compare_records(0, 2, a, far)
    # one passport on both outweighs a mistyped birth date; without it this would be a conflict
    assert vouched is not None and vouched.levels["birth_date"] == "conflict"
    assert not vouched.conflict
    # digits swapped across the month/day boundary (19100210 typed 19100120) is a typo too
    early = _rec("f/1", "Person", {"Amy White"}, birth_dates={"1910-02-10"})
    late = _rec("g/1", "Person", {"Amy White"}, birth_dates={"1910-01-20"})
    assert (c := compare_records(0, 1, early, late)) is not None
    assert c.levels["birth_date"] == "typo"


def test_passport_numbers_mistyped_or_different() -> None:
    """Numbers without check digits are mistyped like dates; a different one is not a
    contradiction (people renew passports), but with a different birth date it is."""
    a = _rec("a/1", "Person", {"Amy White"}, ids={"passport": {"P1234567"}})
    typo = _rec("b/1", "Person", {"Amy White"}, ids={"passport": {"P1234576"}})
    other = _rec("c/1", "Person", {"Amy White"}, ids={"passport": {"K9988776"}})
    assert (c := compare_records(0, 1, a, typo)) is not None
    assert c.levels["strong_id"] == "typo" and not c.conflict
    assert (c := compare_records(0, 2, a, other)) is not None
    assert c.levels["strong_id"] == "different" and not c.conflict
    born = _rec(
        "d/1", "Person", {"Amy White"}, ids={"passport": {"P1234576"}}, birth_dates={"1975-03-12"}
    )
    later = _rec(
        "e/1", "Person", {"Amy White"}, ids={"passport": {"P1234567"}}, birth_dates={"1990-07-01"}
    )
    # a number keyed in error vouches for a mistyped date, as a shared number does (Febrl)
    assert (c := compare_records(0, 1, born, later)) is not None
    assert c.levels["strong_id"] == "typo" and not c.conflict
    # numbers that differ only in their last character may be issued in sequence (a father's
    # and his son's): two numbers, and with two birth dates two people
    son = _rec(
        "h/1", "Person", {"Amy White"}, ids={"passport": {"P1234577"}}, birth_dates={"1990-07-01"}
    )
    assert (c := compare_records(0, 1, born, son)) is not None
    assert c.levels["strong_id"] == "different" and c.conflict
    # a checked identifier one keystroke away is another valid number: a conflict
    v1 = _rec("f/1", "Vessel", {"Ocean Pearl"}, ids={"imo": {"9321483"}})
    v2 = _rec("g/1", "Vessel", {"Ocean Pearl"}, ids={"imo": {"9321438"}})
    assert (c := compare_records(0, 1, v1, v2)) is not None
    assert c.levels["unique_id"] == "conflict" and c.conflict
    assert c.levels["strong_id"] == "absent"


def test_addresses_compare_by_token_overlap() -> None:
    a = _rec("a/1", "Company", {"Acme Ltd"}, addresses={"12 Harbour Road, Mombasa"})
    b = _rec("b/1", "Company", {"ACME LIMITED"}, addresses={"12 harbour road mombasa"})
    c = _rec("c/1", "Company", {"Acme Ltd"}, addresses={"5 Nile Street, Cairo"})
    close = compare_records(0, 1, a, b)
    far = compare_records(0, 2, a, c)
    assert close is not None and close.levels["address"] == "exact"
    assert far is not None and far.levels["address"] == "different"


def test_incremental_run_reuses_comparisons_and_equals_a_full_run(
    tmp_path: Path, scenario_dir: Path
) -> None:
    import yaml

    from silobreak.model.records import Org

    manifest = yaml.safe_load((scenario_dir / "scenario.yml").read_text())
    with open_store(tmp_path / "ws") as store:
        for org in manifest["orgs"]:
            store.add_org(Org(org["name"], org["sector"], org["country"]))

        def load(ds: dict[str, object]) -> None:
            mapping = scenario_dir / str(ds["mapping"]) if ds["mapping"] else None
            ingest_file(
                store,
                scenario_dir / str(ds["file"]),
                IngestOptions(str(ds["org"]), str(ds["name"]), mapping=mapping, progress=False),
            )

        for ds in manifest["datasets"][:-1]:
            load(ds)
        first, _ = resolve_store(store)
        assert first.reused == 0
        load(manifest["datasets"][-1])  # new data arrives
        incremental, _ = resolve_store(store)
        assert incremental.reused > 0
        assert incremental.compared < len(incremental.comparisons)
        after_incremental = store.read_resolver(SYSTEM).read_all().to_pylist()
        full, _ = resolve_store(store, full=True)
        assert full.reused == 0
        assert store.read_resolver(SYSTEM).read_all().to_pylist() == after_incremental


def test_clusters_do_not_depend_on_the_order_records_are_read(
    tmp_path: Path, scenario_dir: Path
) -> None:
    """The random pairs that measure u and the order of equally strong links follow the
    records' keys, not their place in the list: another reading order, the same entities."""
    import random

    from silobreak.resolve.records import load_records

    with open_store(tmp_path / "ws") as store:
        ingest_scenario(store, scenario_dir, progress=False)
        records = list(load_records(store, SYSTEM))
    shuffled = records[:]
    random.Random(3).shuffle(shuffled)

    def entities(recs: list[Record]) -> set[frozenset[str]]:
        result = resolve_records(recs)
        return {frozenset(recs[i].key for i in members) for members in result.clusters}

    # more pairs than estimate_u takes: it samples them
    assert sum(len(r.families) for r in records) > 300
    assert estimate_u(shuffled) == estimate_u(records)
    assert entities(shuffled) == entities(records)


@pytest.mark.slow
def test_spark_engine_gives_the_same_clusters(tmp_path: Path, scenario_dir: Path) -> None:
    """Same candidate pairs, same comparisons, same resolver, on Spark in local mode."""
    pytest.importorskip("pyspark")
    with open_store(tmp_path / "ws") as store:
        ingest_scenario(store, scenario_dir, progress=False)
        embedded, _ = resolve_store(store, full=True)
        on_duckdb = store.read_resolver(SYSTEM).read_all().to_pylist()
        spark, run = resolve_store(store, engine="spark", full=True)
        assert run.engine == "spark"
        assert [(c.left, c.right, c.levels) for c in spark.comparisons] == [
            (c.left, c.right, c.levels) for c in embedded.comparisons
        ]
        assert store.read_resolver(SYSTEM).read_all().to_pylist() == on_duckdb


def test_groups_joined_by_a_single_link_stay_apart() -> None:
    records = [_rec(f"d/{n}", "Company", {"Acme"}) for n in range(6)]
    group_a = [(0, 1), (0, 2), (1, 2)]
    group_b = [(3, 4), (3, 5), (4, 5)]
    bridge = [(2, 3)]
    clusterer = Clusterer(records, links=group_a + group_b + bridge)
    for i, j in group_a + group_b:
        assert clusterer.union(i, j)
    assert not clusterer.union(2, 3)  # one link between two groups of three is not enough
    assert sorted(len(g) for g in clusterer.groups()) == [3, 3]
    dense = Clusterer(records, links=group_a + group_b + [(0, 3), (1, 4), (2, 5)])
    for i, j in group_a + group_b:
        dense.union(i, j)
    assert dense.union(2, 5)


def test_address_and_birth_date_keys_pair_records_whose_names_differ() -> None:
    records = [
        _rec("a/1", "Person", {"Thomas Clifford"}, addresses={"Devon, TQ13 8DF"}),
        _rec("b/1", "Person", {"Tom Chudleigh"}, addresses={"tq13 8df"}, birth_dates={"1630"}),
        _rec("c/1", "Person", {"Mary Gow"}, birth_dates={"1851-12-25"}),
        _rec("d/1", "Person", {"Sidney Hall"}, birth_dates={"1851-12-25"}),
        _rec("e/1", "Person", {"Sidney Hall"}, addresses={"5 Nile Street, Cairo"}),
    ]
    pairs = _pairs(records)
    assert (0, 1) in pairs  # the postcode is rare: one common key is enough
    assert (2, 3) in pairs  # a rare birth date
    assert (3, 4) in pairs  # two name parts
    assert (0, 2) not in pairs and (1, 4) not in pairs


def test_a_common_surname_with_a_birth_place_pairs_records() -> None:
    """ "Bryant" is held by too many records to pair them alone, Sheffield by too many to be
    used at all; a Bryant born in Sheffield is rare."""
    records = [
        _rec("a/1", "Person", {"Walter Bryant"}, birth_places={"Sheffield"}),
        _rec("b/1", "Person", {"Wally Bryant"}, birth_places={"Sheffield"}),
    ]
    records += [_rec(f"c/{n}", "Person", {f"Zed{n} Bryant"}) for n in range(25)]
    records += [
        _rec(f"d/{n}", "Person", {f"Yan{n} Ho"}, birth_places={"Sheffield"}) for n in range(210)
    ]
    pairs = set(_pairs(records))
    assert (0, 1) in pairs
    assert (0, 2) not in pairs and (0, 30) not in pairs


def test_records_mistyped_two_ways_are_reconciled_by_a_third() -> None:
    """A record without a birth date linked to 1834-10-11 and 1835-10-14 is ambiguous, unless
    1834-10-14, within a typo of both, is linked too: one person written three ways."""
    undated = _rec("a/1", "Person", {"Ada Byron"})
    one = _rec("b/1", "Person", {"Ada Byron"}, birth_dates={"1834-10-11"})
    two = _rec("c/1", "Person", {"Ada Byron"}, birth_dates={"1835-10-14"})
    true = _rec("d/1", "Person", {"Ada Byron"}, birth_dates={"1834-10-14"})
    assert ambiguous_records([undated, one, two], [(0, 1), (0, 2)]) == {0}
    assert ambiguous_records([undated, one, two, true], [(0, 1), (0, 2), (0, 3)]) == set()
    ship = _rec("e/1", "Vessel", {"Sea Falcon"})
    imo1 = _rec("f/1", "Vessel", {"Sea Falcon"}, ids={"imo": {"9321483"}})
    imo2 = _rec("g/1", "Vessel", {"Sea Falcon"}, ids={"imo": {"9176187"}})
    bare = _rec("h/1", "Vessel", {"Sea Falcon"}, birth_dates={"2001-01-01"})
    # identifiers are never reconciled
    assert ambiguous_records([ship, imo1, imo2, bare], [(0, 1), (0, 2), (0, 3)]) == {0}


def test_two_registrations_in_one_jurisdiction_or_two_are_two_companies() -> None:
    """Two registered companies of one name in Kazakhstan, and a customs record naming one of
    them: the chain through the customs record stops. So does a chain to the same name
    registered in Cyprus (a company abroad is a company of its own), through a record that
    names no country; a record with no registration number joins either."""

    def company(key: str, country: str | None, number: str | None = None) -> Record:
        ids = {"registration": frozenset({number})} if number else {}
        countries = {country} if country else set()
        return _rec(key, "Company", {"Severny Put-Marin LLC"}, countries=countries, ids=ids)

    customs = company("a/1", "kz")
    first, second = company("b/1", "kz", "16598894"), company("b/2", "kz", "20974366")
    abroad, seizure = company("c/1", "cy", "555123"), company("d/1", None)
    bank = company("e/1", "cy")
    clusterer = Clusterer([customs, first, second, abroad, seizure, bank])
    assert clusterer.union(0, 1)
    assert not clusterer.union(0, 2)
    assert clusterer.union(1, 4) and not clusterer.union(4, 3)
    assert clusterer.union(3, 5)
    assert ambiguous_records([customs, first, second], [(0, 1), (0, 2)]) == {0}
    assert ambiguous_records([seizure, first, abroad], [(0, 1), (0, 2)]) == {0}
    # the bank's record of the first company carries its number: the second can never be it,
    # so the bank's record is not in doubt (it was left alone, and the company split in four)
    customer = company("e/2", "kz", "16598894")
    assert ambiguous_records([customer, first, second], [(0, 1), (0, 2)]) == set()


def test_legal_forms_compare_across_languages() -> None:
    """OOO is the Russian for LLC and "Pte Ltd" a Singapore Ltd: one form each. An LLC and a
    free-zone establishment of one name are two forms; a name without a form says nothing,
    nor does a person's name."""

    def level(schema: str, left: str, right: str) -> str:
        found = compare_records(0, 1, _rec("a/1", schema, {left}), _rec("b/1", schema, {right}))
        assert found is not None
        return found.levels["legal_form"]

    assert level("Company", "Romashka LLC", "ООО «Ромашка»") == "match"
    assert level("Company", "Golden Trading Pte Ltd", "GOLDEN TRADING LIMITED") == "match"
    assert level("Company", "Al Rayyan Cedar Pharma LLC", "AL RAYYAN CEDAR PHARMA FZE") == (
        "different"
    )
    assert level("Organization", "Cedar Pharma GmbH", "Cedar Pharma AG") == "different"
    assert level("Company", "Cedar Pharma GmbH", "CEDAR PHARMA") == "absent"
    assert level("Person", "Ivan Petrov LLC", "Ivan Petrov FZE") == "absent"


def test_a_different_legal_form_counts_against_a_match_and_a_shared_one_adds_nothing() -> None:
    """The registry writes "LLC", the bank "Limited Liability Company" (and "Ltd" /
    "Limited", ...): one form each, so EM, without labels, learns that a company's records
    rarely differ in form. A group's mainland LLC and its free-zone establishment share a
    name and a country; the bank's customer is the LLC, and its link to the FZE weighs less
    by that much. A shared form adds nothing: it follows from the country."""
    words = ("Amber", "Baobab", "Coral", "Delta", "Falcon", "Jade", "Nile", "Orient", "Zenith")
    trades = ("Logistics", "Timber", "Freight", "Textiles", "Fisheries", "Pharma")
    kinds = (
        ("LLC", "Limited Liability Company", "ae"),
        ("FZE", "Free Zone Establishment", "ae"),
        ("Ltd", "Limited", "gb"),
        ("GmbH", "G.m.b.H.", "de"),
        ("S.A.", "Sociedad Anonima", "mx"),
        ("B.V.", "Besloten Vennootschap", "nl"),
    )
    records = []
    for n in range(150):
        name = f"{words[n % 9]} {words[(n // 9) % 9]}{n} {trades[n % 6]}"
        short, long, country = kinds[n % 6]
        group = n in (0, 6, 12)  # three groups of an LLC and an FZE
        forms = [short, "FZE"] if group else [short]
        for k, form in enumerate(forms):
            number = str(10_000_000 * (k + 1) + n)
            records.append(
                _rec(
                    f"registry/{n}-{form}",
                    "Company",
                    {f"{name} {form}".upper()},
                    countries={country},
                    ids={"registration": {number}},
                )
            )
        records.append(_rec(f"bank/{n}", "Company", {f"{name} {long}"}, countries={country}))
    result = resolve_records(records)
    absent = dict.fromkeys(FEATURES, "absent")
    different = result.model.weights({**absent, "legal_form": "different"})["legal_form"]
    assert different < -3
    assert result.model.weights({**absent, "legal_form": "match"})["legal_form"] == 0
    index = {r.key: i for i, r in enumerate(records)}
    links = {(c.left, c.right): k for k, c in enumerate(result.comparisons)}
    for n in (0, 6, 12):
        bank = index[f"bank/{n}"]
        llc, fze = (
            links[tuple(sorted((bank, index[f"registry/{n}-{form}"])))] for form in ("LLC", "FZE")
        )
        assert result.comparisons[llc].levels["legal_form"] == "match"
        assert result.comparisons[fze].levels["legal_form"] == "different"
        gap = result.model.match_weight(result.comparisons[llc].levels) - result.model.match_weight(
            result.comparisons[fze].levels
        )
        assert gap == pytest.approx(-different)


def test_a_birth_year_alone_contradicts_another_year() -> None:
    """The police's "born 1968" and the bank's 1974-12-13 are two people: a chain through a
    record with no date stops, and that record, linked to both, is left alone."""
    undated = _rec("a/1", "Person", {"Mei Ling Xu"})
    police = _rec("b/1", "Person", {"Mei Ling Xu"}, birth_dates={"1968"})
    bank = _rec("c/1", "Person", {"Mei Ling Xu"}, birth_dates={"1974-12-13"})
    registry = _rec("d/1", "Person", {"Mei Ling Xu"}, birth_dates={"1968-05-02"})
    clusterer = Clusterer([undated, police, bank, registry])
    assert clusterer.union(0, 1) and clusterer.union(1, 3)  # the same year: one person
    assert not clusterer.union(0, 2)
    assert ambiguous_records([undated, police, bank], [(0, 1), (0, 2)]) == {0}


def test_common_names_weigh_less_than_rare_ones() -> None:
    records = [_rec(f"a/{n}", "Person", {"John Smith"}) for n in range(30)]
    records += [
        _rec(f"b/{n}", "Person", {f"Person Number{chr(97 + n % 26)}x{n}"}) for n in range(60)
    ]
    records += [_rec("c/1", "Person", {"Irwin Bevan"}), _rec("c/2", "Person", {"Irwin Bevan"})]
    frequencies = name_frequencies(records, key_pass(records).part_sets)
    model = FellegiSunter(0.001, {}, {"name": {"exact": 0.01}})
    common = model.name_adjustment("exact", pair_frequency(frequencies, 0, 1))
    rare = model.name_adjustment("exact", pair_frequency(frequencies, 90, 91))
    assert common < 0 <= rare
    assert model.name_adjustment("different", pair_frequency(frequencies, 0, 90)) == 0


def test_a_near_name_never_outweighs_the_same_name_spelt_identically() -> None:
    """Random pairs share an exact name (common names repeat) far more often than a near one,
    so ``u`` alone makes "Ghasan" ~ "Ghassan" weigh more than an identical name; with the
    name's frequency known, each level is capped by the closer levels' weights."""
    model = FellegiSunter(
        0.001,
        {"name": {"exact": 0.4, "high": 0.3, "good": 0.1, "fair": 0.05, "weak": 0.05}},
        {"name": {"exact": 4e-4, "high": 3e-5, "good": 1e-4, "fair": 1e-5, "weak": 0.02}},
    )
    absent = dict.fromkeys(FEATURES, "absent")

    def name_weight(level: str, frequency: tuple[float, float, float] | None) -> float:
        return model.weights({**absent, "name": level}, frequency)["name"]

    # without a frequency the model's own weights stand (EM and the pattern weights use them)
    assert name_weight("high", None) > name_weight("exact", None)
    for frequency in ((1e-6, 1e-4, 1e-4), (3e-4, 3e-4, 1e-4), (0.05, 0.05, 1e-4)):
        ordered = [name_weight(lvl, frequency) for lvl in ("exact", "high", "good", "fair")]
        assert ordered == sorted(ordered, reverse=True), frequency
    # a common name matched exactly is weak evidence, and a fair match of it no stronger
    common = (0.05, 0.05, 1e-4)
    assert name_weight("fair", common) <= name_weight("exact", common) < 5


def test_a_record_is_as_common_as_its_commonest_name() -> None:
    """A police record of "HU, Jianguo" that also writes 胡建国 is no rarer than the name:
    few records are written in Han characters, and the rare spelling must not make the
    common name count as rare against a bank's "Jianguo Woo" (the twin's record)."""
    records = [
        _rec("police/1", "Person", {"HU, Jianguo", "胡建国"}, countries={"my"}),
        _rec("bank/1", "Person", {"Jianguo Woo"}, countries={"my"}),
        *(_rec(f"reg/{n}", "Person", {"HU, Jianguo"}, countries={"my"}) for n in range(12)),
        *(_rec(f"x/{n}", "Person", {f"Ali Bakar{n}x"}, countries={"my"}) for n in range(40)),
    ]
    frequencies = name_frequencies(records, key_pass(records).part_sets)
    with_registry = pair_frequency(frequencies, 0, 2)
    with_bank = pair_frequency(frequencies, 0, 1)
    assert with_registry is not None and with_bank is not None
    assert with_bank[0] >= with_registry[0]


def test_an_identical_name_is_as_common_as_the_entities_that_carry_it() -> None:
    """Forty companies are built from "Jade" and "Freight"; one of them is "Jade Freight FZE".
    Its two records with the very same name, of two organizations, are that company, not one
    of forty: the exact name is rare even though its words are common, while a near match is
    judged by how many names hold both words."""
    middles = ("Coral", "Amber", "Savanna", "Ocean", "Falcon", "Crescent", "Emerald", "Nile")
    records = [
        _rec("registry/1", "Company", {"Jade Freight FZE"}),
        _rec("customs/1", "Company", {"JADE FREIGHT FZE"}),
        *(
            _rec(f"x/{n}", "Company", {f"Jade {middles[n % 8]} Freight {'ABCDE'[n // 8]}"})
            for n in range(40)
        ),
        *(_rec(f"y/{n}", "Company", {f"Company Number{chr(97 + n % 26)}x{n}"}) for n in range(60)),
    ]
    frequency = pair_frequency(name_frequencies(records, key_pass(records).part_sets), 0, 1)
    assert frequency is not None
    contains, same, floor = frequency
    assert same == floor and contains > 0.1
    model = FellegiSunter(0.001, {"name": {"exact": 0.5, "high": 0.3}}, {"name": {"exact": 0.01}})
    assert model.name_adjustment("exact", frequency) >= 0 > model.name_adjustment("high", frequency)
    # a country's count is smoothed with a fraction of a record: the pair's own two records
    # (2.08 with it) are not a measurement; a name held by four records is
    floor = 1e-3
    model = FellegiSunter(0.001, {"name": {"exact": 0.5}}, {"name": {"exact": floor}})
    assert model.name_adjustment("exact", (0.1, 2.08 * floor, floor)) == 0
    assert model.name_adjustment("exact", (0.1, 4 * floor, floor)) < 0


def test_a_name_is_counted_once_per_organization_that_reports_it() -> None:
    """A company known to three organizations is one company of its name, not three: its
    name is counted by the most records one organization holds with it. Three companies of
    one name in one registry are three."""
    fillers = [
        _rec(f"x/{n}", "Company", {f"Company Number{chr(97 + n % 26)}x{n}"}) for n in range(60)
    ]
    known = [
        _rec(f"{org}/1", "Company", {"Jade Freight FZE"}) for org in ("bank", "customs", "registry")
    ]
    registered = [_rec(f"registry/{n}", "Company", {"Jade Freight FZE"}) for n in range(3)]
    for records, entities in ((known + fillers, 1), (registered + fillers, 3)):
        frequency = pair_frequency(name_frequencies(records, key_pass(records).part_sets), 0, 1)
        assert frequency is not None
        _, same, floor = frequency
        assert same == pytest.approx(entities * floor)


def test_a_name_is_as_common_as_it_is_in_the_pair_s_country() -> None:
    """ "Li Wei" is held by a quarter of the Chinese records and by two British ones: two
    British records of that name share a rarer name than the same name overall, two Chinese
    ones a commoner one; a pair of no common country takes the overall frequency."""
    records = [
        *(_rec(f"cn/{n}", "Person", {"Li Wei"}, countries={"cn"}) for n in range(10)),
        *(_rec(f"cx/{n}", "Person", {f"Zhou Ming{n}x"}, countries={"cn"}) for n in range(30)),
        *(_rec(f"gb/{n}", "Person", {"Li Wei"}, countries={"gb"}) for n in range(2)),
        *(_rec(f"gx/{n}", "Person", {f"John Smith{n}x"}, countries={"gb"}) for n in range(38)),
    ]
    frequencies = name_frequencies(records, key_pass(records).part_sets)
    china, britain = (0, 1), (40, 41)
    overall = frequencies.overall[40]
    assert overall is not None
    british = pair_frequency(frequencies, *britain)
    chinese = pair_frequency(frequencies, *china)
    assert british is not None and chinese is not None
    assert british[0] < overall[0] < chinese[0]
    chinese_overall = frequencies.overall[0]
    assert chinese_overall is not None
    assert pair_frequency(frequencies, 0, 40) == max(chinese_overall, overall)


def test_prior_is_for_random_pairs_not_for_candidates() -> None:
    records = [_rec(f"a/{n}", "Person", {f"Anna Berg{n % 5}"}) for n in range(40)]
    pairs = _pairs(records)
    comparisons = DuckDBEngine().compare(records, pairs)
    model = train(comparisons, estimate_u(records), total_pairs=family_pairs(records))
    assert model.candidate_prior is not None
    expected = model.candidate_prior * len(comparisons) / (40 * 39 // 2)
    assert model.prior == pytest.approx(expected)


def test_a_training_rule_that_never_sees_a_feature_does_not_estimate_it() -> None:
    """Pairs sharing a passport but holding no birth dates say nothing about birth dates: a
    uniform guess from them, averaged in, once gave a birth-date typo a fifth of the matches
    in data that held none, and linked strangers who shared a given name and a near date."""
    absent = dict.fromkeys(FEATURES, "absent")

    def pairs(n: int, **levels: str) -> list[Comparison]:
        return [Comparison(0, 0, {**absent, **levels}, {}, False) for _ in range(n)]

    comparisons = [
        *pairs(40, strong_id="match", name="exact", country="match"),
        *pairs(300, name="exact", birth_date="exact", country="match"),
        *pairs(60, name="high", birth_date="exact", country="match"),
        *pairs(80, name="exact", birth_date="conflict", country="conflict"),
        *pairs(2000, name="different", birth_date="conflict", country="conflict"),
        *pairs(200, name="weak", birth_date="conflict", country="match"),
    ]
    u = {
        f: {lvl: 1 / len(levels) for lvl in levels if lvl != "absent"}
        for f, levels in FEATURES.items()
    }
    u["name"] = {
        "exact": 0.001,
        "high": 0.002,
        "good": 0.003,
        "fair": 0.01,
        "weak": 0.05,
        "different": 0.934,
    }
    u["birth_date"] = {
        "exact": 0.001,
        "swapped": 0.001,
        "typo": 0.002,
        "year": 0.01,
        "conflict": 0.986,
    }
    model = train(comparisons, u)
    birth = model.m["birth_date"]
    assert birth["typo"] < 0.02 and birth["swapped"] < 0.02 and birth["year"] < 0.02
    assert birth["exact"] > 0.7


def test_parallel_key_pass_equals_serial(monkeypatch: pytest.MonkeyPatch) -> None:
    records = [
        _rec(f"a/{n}", "Person", {f"Anna Berg{n % 7}", "Анна"}, birth_dates={f"19{n:02d}"})
        for n in range(60)
    ]
    serial = key_pass(records, workers=1)
    monkeypatch.setattr(keys, "_SLICE", 7)
    monkeypatch.setattr(keys, "_PARALLEL_MIN_RECORDS", 0)
    parallel = key_pass(records, workers=2)
    assert serial.keys.num_rows > 600
    assert parallel.keys.equals(serial.keys)
    assert parallel.part_sets == serial.part_sets
    assert serial.part_sets[3] == (("person", ("anna", "berg3")), ("person", ("anna",)))


def test_resolution_pauses_the_cycle_collector_and_restores_it() -> None:
    records = [
        _rec(f"a/{n}", "Person", {f"Anna Berg{n % 5}"}, ids={"passport": {f"X12345{n % 5}"}})
        for n in range(20)
    ]
    result = resolve_records(records)
    assert gc.isenabled()
    assert sorted(map(len, result.clusters)) == [4] * 5
    gc.disable()
    try:
        resolve_records(records)
        assert not gc.isenabled()  # a caller's own setting is left as it was
    finally:
        gc.enable()


def test_parallel_comparison_equals_serial(monkeypatch: pytest.MonkeyPatch) -> None:
    records = [_rec(f"a/{n}", "Person", {f"Anna Berg{n % 7}", "Anna"}) for n in range(60)]
    pairs = _pairs(records)
    serial = DuckDBEngine(workers=1).compare(records, pairs)
    monkeypatch.setattr(engines, "_PARALLEL_MIN_PAIRS", 0)
    parallel = DuckDBEngine(workers=2).compare(records, pairs)
    assert len(serial) > 100
    assert [(c.left, c.right, c.levels) for c in parallel] == [
        (c.left, c.right, c.levels) for c in serial
    ]


def test_neighbourhoods_go_through_links_and_skip_hubs() -> None:
    from silobreak.resolve.neighbours import HUB_RECORDS, neighbourhoods

    records = [
        _rec("inc/P1", "Person", {"Joseph Mutua"}),
        _rec("inc/C1", "Company", {"Sahara Freight BV"}),
        _rec("inc/W1", "CryptoWallet", set()),
        _rec("bank/BANK", "Company", {"Meridian Bank"}),
        *(_rec(f"bank/C{i}", "Person", {f"Customer {i}"}) for i in range(HUB_RECORDS + 1)),
    ]
    links = [
        ("inc/W1", "inc/P1"),  # a wallet's holder: direct
        ("inc/E1", "inc/P1"),  # an event (not a record) involving both
        ("inc/E1", "inc/C1"),
        *((f"bank/A{i}", f"bank/C{i}") for i in range(HUB_RECORDS + 1)),
        *((f"bank/A{i}", "bank/BANK") for i in range(HUB_RECORDS + 1)),
    ]
    around = neighbourhoods(records, links)
    assert around[0] == (1, 2)  # the incident's company and the wallet
    assert around[1] == (0,)
    assert around[3] == ()  # the bank, linked to more than HUB_RECORDS customers, has none ...
    assert 3 not in around[4]  # ... and is no one's neighbour


def test_shared_neighbours_count_other_records_of_one_entity_or_a_likely_pair() -> None:
    from silobreak.resolve.neighbours import Entities, estimate_factor, shared_neighbour

    # records 0 and 1: the thin pair; 2 and 3: their neighbours; 4: a neighbour of both
    groups = [[0], [1], [2, 3], [4]]
    around = [(2, 4), (3, 4), (0,), (1,), (0, 1)]
    entities = Entities(groups, 5, [], [])
    assert shared_neighbour(0, 1, around, entities) == (2, 3)
    # one record next to both is the same link seen twice, not a confirmation
    alone = [(4,), (4,), (), (), (0, 1)]
    assert shared_neighbour(0, 1, alone, entities) is None
    # two neighbours not merged but likely one entity (p >= LIKELY) count too
    split = Entities([[0], [1], [2], [3], [4]], 5, [(2, 3)], [0.6])
    assert shared_neighbour(0, 1, around, split) == (2, 3)
    unlikely = Entities([[0], [1], [2], [3], [4]], 5, [(2, 3)], [0.2])
    assert shared_neighbour(0, 1, around, unlikely) is None
    # the factor: confident pairs share neighbours far more often than rejected ones
    pairs = [(0, 1)] * 10 + [(0, 4)] * 1000
    probabilities = [0.999] * 10 + [0.001] * 1000
    factor = estimate_factor(pairs, probabilities, around, entities)
    assert factor.m > 0.9 and factor.u < 0.01 and factor.factor > 50


def test_thin_records_merge_when_their_neighbours_resolve_together(resolved: Store) -> None:
    """In the scenario, some pairs merge only because their neighbours resolved to one
    entity; their evidence names those neighbours, and both neighbours are in one entity."""
    rows = resolved.read_resolver(SYSTEM).read_all().to_pylist()
    canonical = {f"{r['dataset']}/{r['entity_id']}": r["canonical_id"] for r in rows}
    by_neighbours = [
        json.loads(r["evidence"])
        for r in rows
        if r["evidence"] and "neighbours" in json.loads(r["evidence"])["weights"]
    ]
    assert by_neighbours
    for evidence in by_neighbours:
        x, y = evidence["evidence"]["neighbours"].split(" ~ ")
        left, right = evidence["pair"]
        assert canonical[left] == canonical[right]
        assert evidence["weights"]["neighbours"] > 0
        assert x != y and x in canonical and y in canonical
    resolved.close()


def _twin_files(tmp_path: Path) -> tuple[Path, Path]:
    """A registry and a customer file of the same 40 people, one per person; the customer
    file mistypes person 7's birth date, and the registry also holds a second record exactly
    like person 0's (a namesake born the same day, at the same address)."""
    given = ["Ivan", "Olga", "Pavel", "Anna", "Sergei", "Elena", "Dmitri", "Irina", "Nikolai"]
    surnames = ["Petrov", "Sokolova", "Volkov", "Morozova", "Lebedev", "Kozlova", "Novikov"]
    registry, customers = [], []
    for n in range(40):
        name = f"{given[n % 9]} {surnames[n % 7]}{'aeiou'[n % 5] * (n // 9)}"
        born = f"19{60 + n % 30}-0{1 + n % 9}-1{n % 10}"
        props = {"name": name, "address": f"{n + 1} Lenina Street, Kazan", "nationality": "ru"}
        registry.append(entity(f"a{n}", "Person", birthDate=born, **props))
        typo = "1999-12-31" if n == 7 else born
        customers.append(entity(f"b{n}", "Person", birthDate=typo, **props))
        if n == 0:
            registry.append(entity("a-namesake", "Person", birthDate=born, **props))
    return write_jsonl(tmp_path / "reg.json", registry), write_jsonl(
        tmp_path / "cust.json", customers
    )


@pytest.mark.parametrize("deduplicated", [False, True])
def test_deduplicated_datasets_link_one_to_one(
    store: Store, tmp_path: Path, deduplicated: bool
) -> None:
    registry, customers = _twin_files(tmp_path)
    for org, name, path in (("police", "reg", registry), ("bank", "cust", customers)):
        ingest_file(
            store, path, IngestOptions(org, name, progress=False, deduplicated=deduplicated)
        )
    # declared once, kept by a later load that does not say
    ingest_file(store, customers, IngestOptions("bank", "cust", progress=False))
    assert store.get_dataset("cust").deduplicated is deduplicated  # type: ignore[union-attr]
    result, _ = resolve_store(store)
    rows = store.read_resolver(SYSTEM).read_all().to_pylist()
    canonical = {f"{r['dataset']}/{r['entity_id']}": r["canonical_id"] for r in rows}
    same = [canonical[f"reg/a{n}"] == canonical[f"cust/b{n}"] for n in range(40)]
    assert sum(same[1:]) == 38 + deduplicated
    # a birth-date conflict cuts the pair, unless each is the other's single best match
    # between datasets of one record per entity
    assert same[7] is deduplicated
    # two records of a deduplicated dataset are two people, however alike; the customer
    # who matches both equally could be either, and is left alone
    assert (canonical["reg/a0"] == canonical["reg/a-namesake"]) is not deduplicated
    assert (canonical["cust/b0"] == canonical["reg/a-namesake"]) is not deduplicated
    assert same[0] is not deduplicated
    paired = [result.comparisons[k] for k in result.paired]
    keys = {frozenset((result.records[c.left].key, result.records[c.right].key)) for c in paired}
    assert (frozenset(("reg/a7", "cust/b7")) in keys) is deduplicated
    assert frozenset(("reg/a0", "cust/b0")) not in keys  # a tie is no single best
    evidence = [r["evidence"] for r in rows if r["dataset"] == "cust" and r["entity_id"] == "b7"]
    assert ("one to one" in (evidence[0] or "")) is deduplicated


def test_a_different_passport_is_not_evidence_for_a_match() -> None:
    """Vessels' IMO numbers differ among strangers as conflicts, people's passports as
    "different": measured apart, a different passport is what strangers have (u near 1), so
    it weighs against a match, not for one as it did when pooled with the vessels."""
    vessels = [
        _rec(f"v/{n}", "Vessel", {f"Sea {n}"}, ids={"imo": {f"93{n:05d}"}}) for n in range(60)
    ]
    people = [
        _rec(
            f"p/{n}",
            "Person",
            {f"Person {n}"},
            ids={"passport": {f"P{(n * 7919) ** 3 % 10**7:07d}"}},
        )
        for n in range(20)
    ]
    u = estimate_u(vessels + people)
    assert u["strong_id"]["different"] > 0.99
    assert u["unique_id"]["conflict"] > 0.99
    records = [
        _rec("a/1", "Person", {"Zi Hao Ma"}, ids={"passport": {"X8930326"}}),
        _rec("b/1", "Person", {"MA ZI HAO"}, ids={"passport": {"H6570825"}}),
    ]
    assert (c := compare_records(0, 1, *records)) is not None
    model = FellegiSunter(0.01, {f: dict(v) for f, v in u.items()}, u)
    model.m["strong_id"] = {"match": 0.8, "typo": 0.05, "different": 0.15}
    assert model.weights(c.levels)["strong_id"] < 0


@pytest.mark.parametrize("shared_member", [False, True])
def test_groups_of_one_file_with_different_members_are_two_groups(
    store: Store, tmp_path: Path, shared_member: bool
) -> None:
    """Two "Al-Tamimi clan" entries of one police file, led by two different people, are
    two groups; with a member in common they may be one."""
    rows = [
        entity("g1", "Organization", name="Al-Tamimi clan", topics="crime"),
        entity("g2", "Organization", name="Al-Tamimi clan", topics="crime"),
        entity("p1", "Person", name="Ahmed Al-Tamimi", birthDate="1969-11-10"),
        entity("p2", "Person", name="Faisal Al-Tamimi", birthDate="1971-05-29"),
        entity("m1", "Membership", member="p1", organization="g1"),
        entity("m2", "Membership", member="p2", organization="g2"),
    ]
    if shared_member:
        rows.append(entity("m3", "Membership", member="p1", organization="g2"))
    path = write_jsonl(tmp_path / "police.json", rows)
    ingest_file(store, path, IngestOptions("police", "oc", progress=False))
    result, _ = resolve_store(store)
    groups = {
        result.records[i].key: result.records[i].members
        for i in range(len(result.records))
        if result.records[i].schema == "Organization"
    }
    assert groups["oc/g1"] == {"oc/p1"}
    resolver = store.read_resolver(SYSTEM).read_all().to_pylist()
    canonical = {f"{r['dataset']}/{r['entity_id']}": r["canonical_id"] for r in resolver}
    assert (canonical["oc/g1"] == canonical["oc/g2"]) is shared_member
    assert canonical["oc/p1"] != canonical["oc/p2"]
