"""Resolution quality and speed on generated scenarios, scored against their truth.json.

    python benchmarks/er/bench_scenarios.py [--sizes small medium] [--seeds 7 8]

For each size and seed: generate, ingest, resolve (default threshold), then pairwise
precision, recall and F1 over the truth records, exact-cluster and B-cubed F1
(``resolve/evaluate.py``), how many namesake decoy pairs were merged
(should be 0), and the time and records per second of the resolve step; each world is
resolved twice, without and then with the neighbours' evidence (``resolve --no-neighbours``).
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

from silobreak.pipeline import ingest_scenario
from silobreak.policy import SYSTEM
from silobreak.resolve.evaluate import clusters, pairwise
from silobreak.resolve.run import resolve_store
from silobreak.scenario import generate
from silobreak.store import open_store


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", nargs="+", default=["small", "medium"])
    parser.add_argument("--seeds", type=int, nargs="+", default=[7, 8])
    args = parser.parse_args()
    from silobreak.resolve.names import compare_names

    compare_names("Person", "warm up", "warm up")  # rigour loads its name data once (~6 s)
    for size in args.sizes:
        for seed in args.seeds:
            base = Path(tempfile.mkdtemp(prefix="sb-bench-"))
            generate(seed, base / "scenario", size)
            truth = json.loads((base / "scenario" / "truth.json").read_text())
            with open_store(base / "ws") as store:
                ingest_scenario(store, base / "scenario", progress=False)
                for neighbours in (False, True):  # the same world without, then with them
                    started = time.perf_counter()
                    _, run = resolve_store(store, full=True, neighbours=neighbours)
                    elapsed = time.perf_counter() - started
                    rows = store.read_resolver(SYSTEM).read_all().to_pylist()
                    canonical = {
                        f"{r['dataset']}/{r['entity_id']}": r["canonical_id"] for r in rows
                    }
                    score = pairwise(truth, canonical)
                    entities = clusters(truth, canonical)
                    print(
                        json.dumps(
                            {
                                "size": size,
                                "seed": seed,
                                "neighbours": neighbours,
                                "records": run.records,
                                "candidate_pairs": run.candidate_pairs,
                                "precision": score.precision,
                                "recall": score.recall,
                                "f1": score.f1,
                                "cluster_f1": entities.exact_f1,
                                "cluster_precision": entities.exact_precision,
                                "cluster_recall": entities.exact_recall,
                                "bcubed_f1": entities.bcubed_f1,
                                "namesakes_merged": (
                                    f"{score.namesakes_merged}/{score.namesake_pairs}"
                                ),
                                "resolve_s": round(elapsed, 1),
                                "records_per_s": round(run.records / elapsed),
                            }
                        ),
                        flush=True,
                    )
            shutil.rmtree(base, ignore_errors=True)
    print(
        "reproduce: python benchmarks/er/bench_scenarios.py --sizes "
        + " ".join(args.sizes)
        + " --seeds "
        + " ".join(map(str, args.seeds))
    )


if __name__ == "__main__":
    main()
