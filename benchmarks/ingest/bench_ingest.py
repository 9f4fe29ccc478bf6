"""Ingest throughput and peak memory against FtM's own command line, on the same files.

    python benchmarks/ingest/bench_ingest.py [--sizes 100000 1000000] [--out DIR]

For each size it writes a FtM JSON-lines file of generated entities (valid identifiers, a mix
of people, companies, ownerships and bank accounts), then runs, each in a fresh process:

* silobreak: ``silobreak ingest FILE`` into an empty workspace (parse, validate, clean, stage,
  merge, commit), and again on the same file (the idempotent re-load);
* the anchor: ``ftm validate -i FILE -o /dev/null`` (FtM parses and cleans every entity).

Peak memory is the child's maximum resident set size (``wait4``). Times are wall-clock on this
machine; compare the ratio, not the absolute numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from silobreak.scenario.bulk import write_bulk_ftm

BIN = Path(sys.executable).parent


def run(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Run ``cmd``; return (seconds, peak RSS in MiB) of that child alone."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(
            f"{' '.join(cmd)} failed: {proc.stderr.read().decode() if proc.stderr else ''}"
        )
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    results = []
    for size in args.sizes:
        path = args.out / f"bulk_{size}.ftm.json"
        values = write_bulk_ftm(path, size)
        statements = values + size  # one "id" statement per entity
        workspace = args.out / f"ws_{size}"
        shutil.rmtree(workspace, ignore_errors=True)
        env = {**os.environ, "SILOBREAK_WORKSPACE": str(workspace)}
        subprocess.run(
            [str(BIN / "silobreak"), "org", "add", "bench", "--sector", "ngo"],
            env=env,
            check=True,
            capture_output=True,
        )
        ingest = [
            str(BIN / "silobreak"),
            "ingest",
            str(path),
            "--org",
            "bench",
            "--dataset",
            "bulk",
            "--quiet",
        ]
        sb_time, sb_rss = run(ingest, env)
        again_time, again_rss = run(ingest, env)
        ftm_time, ftm_rss = run([str(BIN / "ftm"), "validate", "-i", str(path), "-o", "/dev/null"])
        row = {
            "entities": size,
            "statements": statements,
            "file_mb": round(path.stat().st_size / 2**20, 1),
            "silobreak_s": round(sb_time, 2),
            "silobreak_entities_per_s": round(size / sb_time),
            "silobreak_statements_per_s": round(statements / sb_time),
            "silobreak_peak_mb": round(sb_rss),
            "reload_s": round(again_time, 2),
            "reload_peak_mb": round(again_rss),
            "ftm_validate_s": round(ftm_time, 2),
            "ftm_entities_per_s": round(size / ftm_time),
            "ftm_peak_mb": round(ftm_rss),
            "speedup_vs_ftm": round(ftm_time / sb_time, 2),
        }
        results.append(row)
        print(json.dumps(row), flush=True)
        path.unlink()
        shutil.rmtree(workspace, ignore_errors=True)
    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "results": results,
        "command": "python benchmarks/ingest/bench_ingest.py --sizes "
        + " ".join(map(str, args.sizes)),
    }
    (args.out / "ingest.json").write_text(json.dumps(report, indent=2))
    print(f"\nreproduce: {report['command']}")


if __name__ == "__main__":
    main()
