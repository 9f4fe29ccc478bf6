"""Graph build and convergence at scale, and connected components on Spark against embedded.

    python benchmarks/graph/bench_graph_scale.py [--entities 100000 1000000] [--links-per 5]
        [--spark-max-links 2000000]

Writes a synthetic FtM file of N actors (people, companies, accounts, vessels, wallets),
N/10 events carrying crime-domain topics, and ``links-per`` x N relationships (ownership,
directorship, association, payments, event involvement), with a few hubs as real data has
(payments cluster on popular accounts). It is ingested into a fresh workspace as one dataset,
then timed separately: the graph's inputs read through policy (SQL), the in-memory graph,
convergence propagation and scores, Leiden networks and brokers, embedded connected
components; and on Spark local mode the graph build (edges compared with the embedded
build) and the components (compared label by label), skipped above ``--spark-max-links``.
Peak memory is the process tree's (proportional set size sampled, Spark's JVM included).
Resolution is not run: its scale is benchmarks/er/bench_scale.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import orjson

from silobreak.graph.analyze import analyze_graph
from silobreak.graph.components import components, spark_components
from silobreak.graph.model import load_graph
from silobreak.ingest import IngestOptions, ingest_file
from silobreak.model.records import Org
from silobreak.policy import SYSTEM
from silobreak.store import open_store

# the benchmarks folder, for the memory sampler the scale benchmarks share
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from memory import TreeMemory

# The graph's SQL aggregates lists per link (datasets, organizations, markings); at millions
# of links they need more than the store's 512MB default, which an analysis host can spare.
os.environ.setdefault("SILOBREAK_DUCKDB_MEMORY", "4GB")
TOPICS = ("crime.env", "crime.fin", "crime.traffick", "crime.cyber", "role.pep", "crime.boss")


def write_world(path: Path, actors: int, links_per: int, seed: int = 5) -> int:
    """Write the synthetic world; return the number of relationships."""
    rng = random.Random(seed)
    kinds = ["Person"] * 8 + ["Company"] * 6 + ["BankAccount"] * 4 + ["Vessel", "CryptoWallet"]
    schema_of = [kinds[rng.randrange(len(kinds))] for _ in range(actors)]
    hubs = [rng.randrange(actors) for _ in range(max(1, actors // 5000))]
    links = 0
    with path.open("wb") as fh:

        def write(eid: str, schema: str, **props: object) -> None:
            fh.write(
                orjson.dumps(
                    {"id": eid, "schema": schema, "properties": props},
                    option=orjson.OPT_APPEND_NEWLINE,
                )
            )

        for n, schema in enumerate(schema_of):
            name = f"{schema} {n:07d}"
            if schema == "BankAccount":
                write(f"a{n}", schema, accountNumber=[f"ACC{n:09d}"])
            elif schema == "CryptoWallet":
                write(f"a{n}", schema, publicKey=[f"0x{n:040x}"])
            else:
                write(f"a{n}", schema, name=[name])
        for e in range(actors // 10):
            write(f"e{e}", "Event", name=[f"Case {e}"], topics=[rng.choice(TOPICS)])
        target = links_per * actors
        while links < target:
            a = rng.randrange(actors)
            roll = rng.random()
            if roll < 0.1:
                write(
                    f"l{links}",
                    "Event",
                    name=[f"Report {links}"],
                    involved=[f"a{a}"],
                    date=["2026-01-01"],
                )
            elif roll < 0.3:
                write(
                    f"l{links}", "Ownership", owner=[f"a{a}"], asset=[f"a{rng.randrange(actors)}"]
                )
            elif roll < 0.4:
                write(
                    f"l{links}",
                    "Directorship",
                    director=[f"a{a}"],
                    organization=[f"a{rng.randrange(actors)}"],
                )
            elif roll < 0.5:
                write(
                    f"l{links}",
                    "Associate",
                    person=[f"a{a}"],
                    associate=[f"a{rng.randrange(actors)}"],
                )
            elif roll < 0.6:
                write(
                    f"inv{links}",
                    "Event",
                    name=[f"Seizure {links}"],
                    involved=[f"a{a}"],
                    topics=[rng.choice(TOPICS)],
                )
            else:
                other = rng.choice(hubs) if rng.random() < 0.2 else rng.randrange(actors)
                write(
                    f"l{links}",
                    "Payment",
                    payer=[f"a{a}"],
                    beneficiary=[f"a{other}"],
                    amount=["100"],
                    currency=["EUR"],
                )
            links += 1
    return links


def run(actors: int, links_per: int, spark_max_links: int) -> dict[str, object]:
    base = Path(tempfile.mkdtemp(prefix="sb-graph-"))
    out: dict[str, object] = {"actors": actors}
    try:
        with TreeMemory() as memory:
            started = time.perf_counter()
            out["relationships"] = write_world(base / "world.json", actors, links_per)
            out["write_s"] = round(time.perf_counter() - started, 1)
            with open_store(base / "ws") as store:
                store.add_org(Org("hub", "government"))
                started = time.perf_counter()
                ingest_file(
                    store, base / "world.json", IngestOptions("hub", "world", progress=False)
                )
                out["ingest_s"] = round(time.perf_counter() - started, 1)
                started = time.perf_counter()
                graph = load_graph(store, SYSTEM)
                out["graph_build_s"] = round(time.perf_counter() - started, 1)
                if actors * links_per <= spark_max_links:
                    from silobreak.graph.spark_build import spark_graph_inputs
                    from silobreak.resolve.engines import SparkEngine

                    engine = SparkEngine()
                    try:
                        started = time.perf_counter()
                        built = spark_graph_inputs(engine.spark, store, SYSTEM)
                        out["spark_graph_build_s"] = round(time.perf_counter() - started, 1)
                        mine = store.graph_inputs(SYSTEM)["edges"]
                        out["spark_edges_equal"] = [
                            (r["source"], r["target"], r["kind"]) for r in built["edges"]
                        ] == list(
                            zip(
                                mine.column("source").to_pylist(),
                                mine.column("target").to_pylist(),
                                mine.column("kind").to_pylist(),
                                strict=True,
                            )
                        )
                    finally:
                        engine.stop()
            out["nodes"], out["edges"] = len(graph.nodes), len(graph.edges)
            started = time.perf_counter()
            analysis = analyze_graph(graph)
            out["analyze_s"] = round(time.perf_counter() - started, 1)
            out["convergent"], out["networks"] = len(analysis.convergences), len(analysis.networks)
            pairs = [(e.source, e.target) for e in graph.edges]
            started = time.perf_counter()
            embedded = components(len(graph.nodes), pairs)
            out["components_s"] = round(time.perf_counter() - started, 1)
            out["components"] = len(set(embedded))
            if len(pairs) <= spark_max_links:
                from silobreak.resolve.engines import SparkEngine

                engine = SparkEngine()
                try:
                    started = time.perf_counter()
                    on_spark = spark_components(engine.spark, len(graph.nodes), pairs)
                    out["spark_components_s"] = round(time.perf_counter() - started, 1)
                    out["spark_equal"] = on_spark == embedded
                finally:
                    engine.stop()
        out["peak_tree_pss_mb"] = round(memory.peak / 2**20)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entities", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--links-per", type=int, default=5)
    parser.add_argument("--spark-max-links", type=int, default=2_000_000)
    args = parser.parse_args()
    for actors in args.entities:
        print(json.dumps(run(actors, args.links_per, args.spark_max_links)), flush=True)
    print(
        "reproduce: python benchmarks/graph/bench_graph_scale.py --entities "
        + " ".join(map(str, args.entities))
        + f" --links-per {args.links_per} --spark-max-links {args.spark_max_links}",
        file=sys.stdout,
    )


if __name__ == "__main__":
    main()
