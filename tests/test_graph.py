"""Convergence analytics: the decoys a score must not reward, evidence paths, networks, lead
expansion, exports, policy, and connected components on both engines."""

from __future__ import annotations

import csv
import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from silobreak.cli import main
from silobreak.graph.analyze import Analysis, analyze_graph, explain, run_analysis
from silobreak.graph.components import components, spark_components
from silobreak.graph.expand import analysis_scores, expand
from silobreak.graph.model import Edge, Graph, Node, Topic, load_graph
from silobreak.graph.score import propagate, score_nodes
from silobreak.ingest import IngestOptions, ingest_file
from silobreak.model.records import Org
from silobreak.policy import SYSTEM, Viewer
from silobreak.resolve.run import resolve_store
from silobreak.store import Store, open_store
from tests.conftest import entity, write_jsonl

ORGS = [
    Org("registry", "government", "ke"),
    Org("bank", "financial_institution", "ke"),
    Org("wildlife", "government", "ke"),
    Org("customs", "government", "ke"),
    Org("police", "law_enforcement", "ke"),
]


def _load(store: Store, tmp: Path, org: str, dataset: str, rows: list[dict], **kw: str) -> None:
    path = write_jsonl(tmp / f"{dataset}.json", rows)
    options = IngestOptions(org, dataset, progress=False, **kw)  # type: ignore[arg-type]
    result = ingest_file(store, path, options)
    assert result.load is not None and not result.refused


@pytest.fixture
def world(tmp_path: Path) -> Store:
    """A hand-made world: one convergent broker, a legitimate company known everywhere, a
    repeat poacher, and two namesakes in different domains that resolution keeps apart."""
    store = open_store(tmp_path / "ws")
    for org in ORGS:
        store.add_org(org)
    broker = {"name": "Viktor Kasparian", "birthDate": "1971-03-02", "nationality": "ke"}
    namesake_a = {"name": "Joseph Mwangi", "birthDate": "1960-01-01"}
    namesake_b = {"name": "Joseph Mwangi", "birthDate": "1988-07-30"}
    _load(
        store,
        tmp_path,
        "registry",
        "registry",
        [
            entity("P1", "Person", **broker),
            entity("C1", "Company", name="Savanna Timber Ltd", jurisdiction="ke"),
            entity("C2", "Company", name="Honest Grain Ltd", jurisdiction="ke"),
            entity("D1", "Directorship", director="P1", organization="C1"),
            entity("P9", "Person", name="Amina Clerk", birthDate="1980-02-02"),
            entity("D2", "Directorship", director="P9", organization="C2"),
        ],
        marking="TLP:GREEN",
        source_grade="A",
    )
    _load(
        store,
        tmp_path,
        "bank",
        "bank",
        [
            entity("P1", "Person", **broker),
            entity("C2", "Company", name="Honest Grain Ltd", jurisdiction="ke"),
            entity(
                "STR1",
                "Event",
                name="Structured cash deposits",
                involved="P1",
                topics="crime.fin",
                date="2026-05-01",
            ),
            *[
                entity(f"T{n}", "Payment", payer="C2", beneficiary="P1", amount="100")
                for n in range(3)
            ],
        ],
        marking="TLP:AMBER",
        source_grade="B",
    )
    seizures = [
        entity("P1", "Person", **broker),
        entity("C1", "Company", name="Savanna Timber Limited"),
        entity("S1", "Event", name="Ivory seizure", involved=["P1", "C1"], topics="crime.env"),
        entity("P5", "Person", name="Kamau Poacher", birthDate="1975-05-05"),
        entity("NB", "Person", **namesake_b),
        entity("SX", "Event", name="Pangolin scales", involved="NB", topics="crime.env"),
    ]
    seizures += [
        entity(f"R{n}", "Event", name=f"Snare line {n}", involved="P5", topics="crime.env")
        for n in range(5)
    ]
    _load(store, tmp_path, "wildlife", "seizures", seizures, marking="TLP:AMBER", source_grade="A")
    _load(
        store,
        tmp_path,
        "customs",
        "customs",
        [
            entity("C1", "Company", name="SAVANNA TIMBER LTD", jurisdiction="ke"),
            entity(
                "K1", "Event", name="Undeclared medicines", involved="C1", topics="crime.traffick"
            ),
            entity("C2", "Company", name="Honest Grain Ltd", jurisdiction="ke"),
            entity("C3", "Company", name="Orient Supply Trading", jurisdiction="cn"),
            *[
                entity(f"E{n}", "EconomicActivity", sender="C3", receiver="C1", date="2026-04-01")
                for n in range(2)
            ],
        ],
        marking="TLP:AMBER",
        source_grade="B",
    )
    _load(
        store,
        tmp_path,
        "police",
        "police",
        [
            entity("NA", "Person", **namesake_a, topics="crime.boss"),
            entity("G1", "Organization", name="Mwangi clan", topics="crime.boss"),
            entity("M1", "Membership", member="NA", organization="G1"),
        ],
        marking="TLP:RED",
        source_grade="A",
    )
    resolve_store(store)
    return store


def _analysis(store: Store, viewer: Viewer = SYSTEM) -> Analysis:
    return analyze_graph(load_graph(store, viewer))


def _by_name(analysis: Analysis) -> dict[str, list]:
    out: dict[str, list] = {}
    for item in analysis.convergences:
        out.setdefault(analysis.graph.nodes[item.node].name, []).append(item)
    return out


def test_convergence_rewards_domains_not_size(world: Store) -> None:
    analysis = _analysis(world)
    found = _by_name(analysis)
    broker = found["Viktor Kasparian"][0]
    assert {"financial_crime", "environmental_crime", "illicit_trade"} <= set(broker.domains)
    # the broker and his company (customs, a seizure, his deposits) are the two convergences
    company = found["Savanna Timber Ltd"][0]
    assert {c.node for c in analysis.convergences[:2]} == {broker.node, company.node}
    assert set(broker.orgs) >= {"bank", "wildlife", "customs"}
    # known to every registry and bank, involved in nothing: no convergence at all
    assert "Honest Grain Ltd" not in found or found["Honest Grain Ltd"][0].score < 0.2
    # five seizures, one domain: below the broker, and a quarter of one domain at most
    poacher = found["Kamau Poacher"][0]
    assert poacher.domains == ["environmental_crime"]
    assert poacher.entity_score < 0.25 < broker.entity_score


def test_a_trading_partner_is_not_a_member_of_the_network(world: Store) -> None:
    """Customs declarations say who traded with whom, as payments say who paid whom: the
    supplier of the broker's company is a lead to follow, not one of his network."""
    analysis = _analysis(world)
    found = _by_name(analysis)
    broker, company = found["Viktor Kasparian"][0], found["Savanna Timber Ltd"][0]
    supplier = found["Orient Supply Trading"][0]
    assert "illicit_trade" in supplier.domains  # reached through the declarations
    assert broker.network == company.network >= 0
    assert supplier.network != broker.network
    assert supplier.score < company.score


def test_namesakes_kept_apart_do_not_pool_their_domains(world: Store) -> None:
    found = _by_name(_analysis(world))
    twins = found["Joseph Mwangi"]
    assert len(twins) == 2
    assert sorted(tuple(t.domains) for t in twins) == [
        ("environmental_crime",),
        ("organized_crime",),
    ]


def test_every_domain_has_an_evidence_path_with_statements(world: Store) -> None:
    analysis = _analysis(world)
    company = _by_name(analysis)["Savanna Timber Ltd"][0]
    evidence = {e.domain: e for e in company.evidence}
    direct = evidence["illicit_trade"]
    assert len(direct.path) == 2 and direct.topics[0].dataset == "customs"
    through = evidence["financial_crime"]  # the director's structured deposits
    names = [analysis.graph.nodes[n].name for n in through.path]
    assert names[0] == "Savanna Timber Ltd" and "Viktor Kasparian" in names
    # through the directorship (0.7 a link) or the seizure both are named in (0.9)
    kinds = [analysis.graph.edges[k].kind for k in through.edges]
    assert kinds[0] in ("Directorship", "Event:involved") and through.topics[0].topic == "crime.fin"
    assert through.strength < evidence["illicit_trade"].strength


def test_policy_shapes_the_graph(world: Store) -> None:
    """The registry sees only its own and GREEN/CLEAR statements: no seizures, no STRs."""
    analysis = _analysis(world, Viewer("registry"))
    assert analysis.convergences == []
    names = {n.name for n in analysis.graph.nodes}
    assert "Ivory seizure" not in names and "Viktor Kasparian" in names


def test_analyze_export_and_expand_commands(world: Store, tmp_path: Path) -> None:
    workspace = world.workspace  # type: ignore[attr-defined]
    world.close()
    runner = CliRunner()
    first = runner.invoke(main, ["--workspace", str(workspace), "analyze"])
    assert first.exit_code == 0, first.output
    again = runner.invoke(main, ["--workspace", str(workspace), "analyze"])
    assert "unchanged since the last run" in again.output
    out = tmp_path / "conv.csv"
    result = runner.invoke(
        main, ["--workspace", str(workspace), "export", "convergence", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    with out.open() as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == [
        "canonical_id",
        "schema",
        "name",
        "score",
        "domains",
        "orgs",
        "datasets",
    ]
    assert {rows[0]["name"], rows[1]["name"]} == {"Viktor Kasparian", "Savanna Timber Ltd"}
    assert "environmental_crime" in rows[0]["domains"].split(";")
    scores = [float(r["score"]) for r in rows]
    assert scores == sorted(scores, reverse=True)
    lead = tmp_path / "lead.json"
    result = runner.invoke(
        main,
        ["--workspace", str(workspace), "expand", "seizures/S1", "--hops", "2", "--out", str(lead)],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(lead.read_text())
    assert data["nodes"][0]["name"] == "Ivory seizure"
    broker = next(n for n in data["nodes"] if n["name"] == "Viktor Kasparian")
    assert broker["hops"] == 1 and broker["links"][0]["kind"] == "Event:involved"
    assert lead.with_suffix(".svg").read_text().startswith("<svg")
    assert "Viktor Kasparian" in lead.with_suffix(".html").read_text()


def test_expansion_ranks_close_convergent_actors_first(world: Store) -> None:
    analysis = _analysis(world)
    start = next(i for i, n in enumerate(analysis.graph.nodes) if n.name == "Ivory seizure")
    result = expand(analysis.graph, analysis_scores(analysis), start, hops=3)
    names = [n["name"] for n in result["nodes"]]
    assert names[0] == "Ivory seizure"
    assert names.index("Viktor Kasparian") < names.index("Honest Grain Ltd")


def test_stored_results_follow_the_viewer(world: Store) -> None:
    run, recomputed = run_analysis(world, SYSTEM)
    assert recomputed and run.convergent > 0
    _, rows, networks = world.read_analysis(SYSTEM)
    assert rows.num_rows == run.convergent and networks.num_rows == run.networks
    _, theirs, _ = world.read_analysis(Viewer("registry"))
    assert theirs.num_rows == 0  # the registry's view has not been analysed


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium")
def test_interactive_page_draws_in_a_browser(world: Store, tmp_path: Path) -> None:
    analysis = _analysis(world)
    from silobreak.graph.render import html

    start = next(i for i, n in enumerate(analysis.graph.nodes) if n.name == "Ivory seizure")
    data = expand(analysis.graph, analysis_scores(analysis), start, hops=2)
    page = tmp_path / "net.html"
    page.write_text(html(data, "test"), encoding="utf-8")
    dom = subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    drawn = dom.count("<circle") + dom.count("<rect")
    assert drawn == len(data["nodes"])  # the script drew every node
    assert dom.count("<line") == len(data["edges"])


def test_components_on_spark_equal_the_embedded_ones() -> None:
    pytest.importorskip("pyspark")
    from silobreak.resolve.engines import SparkEngine

    rng = random.Random(3)
    nodes = 300
    edges = [(rng.randrange(nodes), rng.randrange(nodes)) for _ in range(220)]
    edges += [(k, k + 1) for k in range(250, 280)]  # a long chain needs several rounds
    engine = SparkEngine()
    try:
        assert spark_components(engine.spark, nodes, edges) == components(nodes, edges)
    finally:
        engine.stop()


def test_graph_build_on_spark_equals_the_embedded_one(world: Store) -> None:
    pytest.importorskip("pyspark")
    from silobreak.graph.spark_build import spark_graph_inputs
    from silobreak.resolve.engines import SparkEngine

    def normal(rows: list[dict]) -> list[dict]:
        return [{k: ([] if v is None and k in LISTS else v) for k, v in r.items()} for r in rows]

    engine = SparkEngine()
    try:
        for viewer in (SYSTEM, Viewer("bank")):
            embedded = world.graph_inputs(viewer)
            on_spark = spark_graph_inputs(engine.spark, world, viewer)
            for name in ("nodes", "edges", "topics", "ends", "links"):
                assert normal(on_spark[name]) == normal(embedded[name].to_pylist()), name
    finally:
        engine.stop()


LISTS = {"names", "labels", "schemata", "datasets", "orgs", "markings"}


def _merged_boss(probability: float) -> Graph:
    """A police boss (organized crime, on his police record) merged by resolution with a
    poacher's seizure record (environmental crime) by a link of ``probability``."""

    def topic(domain: str, org: str, record: str) -> list[Topic]:
        dataset, entity_id = record.split("/")
        return [Topic("crime", domain, dataset, entity_id, org, "TLP:AMBER", "A", None)]

    nodes = [
        Node(
            "boss",
            "Person",
            "Zeid Bakri",
            ["police", "seizures"],
            ["police", "wildlife"],
            2,
            None,
            topic("organized_crime", "police", "police/PN-1"),
        ),
        Node(
            "seizure",
            "Event",
            "Ivory",
            ["seizures"],
            ["wildlife"],
            1,
            None,
            topic("environmental_crime", "wildlife", "seizures/S-1"),
        ),
    ]
    edges = [
        Edge(1, 0, "Event:involved", ("seizures",), ("wildlife",), ("TLP:AMBER",), "A", 1, None)
    ]
    sectors = {"police": "law_enforcement", "wildlife": "government"}
    graph = Graph(nodes, edges, {n.id: k for k, n in enumerate(nodes)}, sectors)
    graph.ends = {0: (frozenset(), frozenset({"seizures/WS-1"}))}
    graph.links = {
        0: [("police/PN-1", "police/PN-2", 0.99), ("police/PN-2", "seizures/WS-1", probability)]
    }
    return graph


def test_a_domain_joined_by_a_weak_merge_counts_as_much_as_the_merge_is_sure() -> None:
    """Two domains that meet only because resolution merged a boss's police record with a
    seizure's record on a name and a country (p = 0.6) are a weaker convergence than the same
    two joined by a passport (p = 1.0): one domain counts times the chain of links between
    the two records (0.99 x 0.6), and the evidence says so."""
    weak = score_nodes(_merged_boss(0.6), propagate(_merged_boss(0.6)))
    sure = score_nodes(_merged_boss(1.0), propagate(_merged_boss(1.0)))
    (weak_boss,) = [c for c in weak if c.node == 0]
    (sure_boss,) = [c for c in sure if c.node == 0]
    # seen from whichever record gives the better breadth, the other domain is discounted
    assert sorted(e.certainty for e in weak_boss.evidence) == [round(0.99 * 0.6, 4), 1.0]
    assert sorted(e.certainty for e in sure_boss.evidence) == [0.99, 1.0]
    # the chain a reviewer would judge: the three records, through the boss's second one
    (weak_domain,) = [e for e in weak_boss.evidence if e.certainty < 1.0]
    assert sorted(p for *_, p in weak_domain.merge) == [0.6, 0.99]
    assert {r for pair in weak_domain.merge for r in pair[:2]} == {
        "police/PN-1",
        "police/PN-2",
        "seizures/WS-1",
    }
    assert all(not e.merge for e in weak_boss.evidence if e.certainty == 1.0)
    assert weak_boss.score < sure_boss.score
    # the seizure itself is one record: nothing to discount there
    assert all(e.certainty == 1.0 for c in weak if c.node != 0 for e in c.evidence)


def test_the_graph_knows_which_records_of_a_merged_entity_each_link_names(world: Store) -> None:
    """The broker is one entity of four records (registry, bank, seizures): the structured
    deposits name his bank record, the ivory seizure his seizure record, and the run's
    compared pairs join his records with their probabilities."""
    graph = load_graph(world, SYSTEM)
    broker = next(k for k, n in enumerate(graph.nodes) if n.name == "Viktor Kasparian")
    named = {
        graph.nodes[graph.other(graph.edges[k], broker)].name: graph.ends[k]
        for k in graph.adjacency[broker]
        if k in graph.ends
    }
    assert named["Structured cash deposits"][1] == {"bank/P1"}
    assert named["Ivory seizure"][1] == {"seizures/P1"}
    records = {r for link in graph.links[broker] for r in link[:2]}
    assert records == {"registry/P1", "bank/P1", "seizures/P1"}
    assert all(0.5 <= p <= 1.0 for _, _, p in graph.links[broker])
    # a viewer who cannot see the seizures sees neither that record nor its links
    bank = load_graph(world, Viewer("bank"))
    mine = bank.index[graph.nodes[broker].id]
    assert all("seizures/P1" not in link[:2] for link in bank.links.get(mine, []))


def test_a_member_is_lifted_by_what_the_others_bring_not_by_itself() -> None:
    """A police boss (organized crime) in one group with a poacher named in a seizure
    (environmental crime) and a clerk with no record: the network spans two domains, but
    what it adds to the boss is the poacher's domain alone, to the poacher the boss's (the
    seizure names no one else: it is the poacher's evidence), and to the clerk both."""

    def topic(domain: str, org: str) -> list[Topic]:
        return [Topic("crime", domain, org, domain, org, "TLP:AMBER", "A", None)]

    nodes = [
        Node("boss", "Person", "boss", ["p"], ["police"], 1, None, topic("organized_crime", "p")),
        Node("poacher", "Person", "poacher", ["w"], ["wildlife"], 1, None),
        Node("clerk", "Person", "clerk", ["r"], ["registry"], 1, None),
        Node("group", "Organization", "Star Brotherhood", ["p"], ["police"], 1, None),
        Node("seizure", "Event", "Ivory", ["w"], ["wildlife"], 1, None),
    ]
    nodes[4].topics = topic("environmental_crime", "wildlife")

    def edge(a: int, b: int, kind: str) -> Edge:
        return Edge(a, b, kind, ("d",), ("police",), ("TLP:AMBER",), "A", 1, None)

    edges = [edge(k, 3, "Membership") for k in range(3)] + [edge(4, 1, "Event:involved")]
    sectors = {"police": "law_enforcement", "wildlife": "government", "registry": "government"}
    graph = Graph(nodes, edges, {n.id: k for k, n in enumerate(nodes)}, sectors)
    analysis = analyze_graph(graph)
    (network,) = analysis.networks
    assert set(network.domains) == {"organized_crime", "environmental_crime"}
    by_id = {graph.nodes[c.node].id: c for c in analysis.convergences}
    shares = {name: explain(analysis, by_id[name])["network_share"] for name in by_id}
    assert shares["boss"] == network.share[0] < network.score
    assert shares["poacher"] == network.share[1] < network.score
    assert shares["clerk"] == network.score
    boss = by_id["boss"]
    assert boss.score == round(0.5 * boss.entity_score + 0.5 * shares["boss"], 6)


def test_a_member_shares_only_in_a_core_within_its_reach() -> None:
    """A poacher and a trafficker who direct one front company, and a police boss four
    directorships away from it: one community, whose convergence (environmental crime and
    trafficking) is out of the boss's reach, so it adds nothing to him (he is not part of
    it), while a director between them, within reach of the poacher, shares it."""

    def topic(domain: str, org: str) -> list[Topic]:
        return [Topic("crime", domain, org, domain, org, "TLP:AMBER", "A", None)]

    names = ["poacher", "trafficker", "front", "d1", "c2", "d3", "boss"]
    nodes = [
        Node(n, "Company" if n in ("front", "c2") else "Person", n, ["r"], ["registry"], 1, None)
        for n in names
    ]
    nodes[0].topics = topic("environmental_crime", "wildlife")
    nodes[1].topics = topic("human_trafficking", "ngo")
    nodes[6].topics = topic("organized_crime", "police")
    pairs = [(0, 2), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6)]
    edges = [
        Edge(a, b, "Directorship", ("d",), ("registry",), ("TLP:AMBER",), "A", 1, None)
        for a, b in pairs
    ]
    sectors = {
        "police": "law_enforcement",
        "wildlife": "environment",
        "ngo": "civil_society",
        "registry": "government",
    }
    graph = Graph(nodes, edges, {n.id: k for k, n in enumerate(nodes)}, sectors)
    analysis = analyze_graph(graph)
    (network,) = analysis.networks
    assert len(network.members) == len(names)
    assert set(network.domains) == {"environmental_crime", "human_trafficking"}
    by_id = {graph.nodes[c.node].id: c for c in analysis.convergences}
    shares = {name: explain(analysis, by_id[name])["network_share"] for name in by_id}
    assert shares["boss"] == 0.0
    assert by_id["boss"].score == round(0.5 * by_id["boss"].entity_score, 6)
    assert shares["d1"] == network.score > 0.0


@pytest.mark.parametrize(("links", "domains"), [(3, 2), (5, 1)])
def test_a_network_converges_where_its_domains_meet(links: int, domains: int) -> None:
    """A poacher and a police boss at the two ends of a chain of directorships: one Leiden
    community either way, but a convergence only where the two are within the reach of an
    evidence path (``MAX_HOPS`` links), not five companies and directors apart."""

    def topic(domain: str, org: str) -> list[Topic]:
        return [Topic("crime", domain, org, domain, org, "TLP:AMBER", "A", None)]

    chain = [
        Node(f"n{k}", "Company" if k % 2 else "Person", f"n{k}", ["r"], ["registry"], 1, None)
        for k in range(links + 1)
    ]
    chain[0].topics = topic("environmental_crime", "wildlife")
    chain[-1].topics = topic("organized_crime", "police")
    edges = [
        Edge(k, k + 1, "Directorship", ("d",), ("registry",), ("TLP:AMBER",), "A", 1, None)
        for k in range(links)
    ]
    sectors = {"police": "law_enforcement", "wildlife": "environment", "registry": "government"}
    graph = Graph(chain, edges, {n.id: k for k, n in enumerate(chain)}, sectors)
    (network,) = analyze_graph(graph).networks
    assert len(network.members) == links + 1
    assert len(network.domains) == domains
