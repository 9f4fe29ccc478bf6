"""How resolution grows with the number of records: 100k to 1M, DuckDB and Spark engines.

    python benchmarks/er/bench_scale.py [--sizes 100000 300000 1000000] [--engine duckdb]

Records are synthetic people, written here rather than by ``scenario generate`` (whose name
pools are small, so a million of its people would share a few thousand names): given and
family names are built from syllables and drawn with Zipf-like frequencies (a few common
names, a long tail), so names repeat as they do in real registries. A third of the people
are reported two to four times, with the corruption clerks add: typos, dropped or initialled
middle names, family name first, a birth date with a typo or missing, a passport or not.
Each size runs in its own process so its peak memory is its own. Reported per size: records,
candidate pairs, seconds, records per second, peak RSS of the main process, peak memory of
the whole process tree (proportional set size: forked workers share pages), pairwise
precision, recall, F1.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from collections import defaultdict
from datetime import date
from itertools import combinations
from pathlib import Path

from silobreak.resolve.engines import make_engine
from silobreak.resolve.records import Record
from silobreak.resolve.run import resolve_records

# the benchmarks folder, for the memory sampler the scale benchmarks share
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from memory import TreeMemory

_ONSETS = (*"bcdfghjklmnprstvz", "br", "ch", "dr", "kh", "sh", "st", "tr")
_VOWELS = ["a", "e", "i", "o", "u", "a", "e", "i", "o", "ia", "ou"]
_CODAS = ["", "", "", "n", "r", "s", "l", "m", "v", "k"]
_COUNTRIES = ("ke", "tz", "ug", "ru", "ua", "kz", "ae", "sa", "eg", "cn")


def _word(rng: random.Random, syllables: int) -> str:
    return "".join(
        rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(syllables)
    ).capitalize()


def _vocabulary(rng: random.Random, size: int, syllables: tuple[int, int]) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add(_word(rng, rng.randint(*syllables)))
    return sorted(words)


def _zipf(rng: random.Random, words: list[str]) -> str:
    """Rank r drawn with probability ~ 1/r: a few very common names, a long tail."""
    rank = int(len(words) ** rng.random())
    return words[min(rank, len(words) - 1)]


def _typo(rng: random.Random, text: str, letters: str = "aeiourstnl") -> str:
    if len(text) < 4:
        return text
    k = rng.randrange(1, len(text) - 1)
    while not text[k].isalnum():
        k = rng.randrange(1, len(text) - 1)
    return text[:k] + rng.choice(letters) + text[k + 1 :]


def people(n_records: int, seed: int = 1) -> tuple[list[Record], list[int]]:
    """``n_records`` person records and the true person of each."""
    rng = random.Random(seed)
    given = _vocabulary(rng, 20_000, (1, 3))
    family = _vocabulary(rng, 200_000, (2, 3))
    records: list[Record] = []
    truth: list[int] = []
    person = 0
    while len(records) < n_records:
        first, last = _zipf(rng, given), _zipf(rng, family)
        middle = _zipf(rng, given) if rng.random() < 0.4 else ""
        born = f"{rng.randint(1940, 2004)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        country = rng.choice(_COUNTRIES)
        passport = f"{country.upper()}{rng.randint(1_000_000, 9_999_999)}"
        copies = 1 if rng.random() < 0.67 else rng.randint(2, 4)
        for _ in range(copies):
            if len(records) >= n_records:
                break
            f, m, la = first, middle, last
            if rng.random() < 0.2:
                f = _typo(rng, f)
            if rng.random() < 0.15:
                la = _typo(rng, la)
            if m and rng.random() < 0.3:
                m = m[0] + "." if rng.random() < 0.5 else ""
            name = f"{la.upper()}, {f} {m}".strip() if rng.random() < 0.3 else f"{f} {m} {la}"
            key = f"d{len(records) % 7}/r{len(records)}"
            record = Record(
                key, key.split("/")[0], key.split("/")[1], "Person", f"org{len(records) % 7}"
            )
            record.names = frozenset({" ".join(name.split())})
            if rng.random() < 0.8:
                typo = _typo(rng, born, "0123456789")
                try:  # a mistyped date that is still a date: ingest refuses the others
                    date.fromisoformat(typo)
                except ValueError:
                    typo = born
                record.birth_dates = frozenset({born if rng.random() < 0.9 else typo})
            record.countries = frozenset({country})
            if rng.random() < 0.3:
                record.ids["passport"] = frozenset({passport})
            records.append(record)
            truth.append(person)
        person += 1
    return records, truth


def run_one(size: int, engine_name: str) -> dict[str, object]:
    with TreeMemory() as memory:
        records, truth = people(size)
        engine = make_engine(engine_name)
        started = time.perf_counter()
        result = resolve_records(records, engine=engine)
        elapsed = time.perf_counter() - started
    stop = getattr(engine, "stop", None)
    if stop is not None:
        stop()
    groups: dict[int, list[int]] = defaultdict(list)
    for index, person in enumerate(truth):
        groups[person].append(index)
    true_pairs = {p for members in groups.values() for p in combinations(members, 2)}
    predicted = {p for members in result.clusters for p in combinations(sorted(members), 2)}
    tp = len(true_pairs & predicted)
    precision = tp / len(predicted) if predicted else 0.0
    recall = tp / len(true_pairs) if true_pairs else 0.0
    return {
        "engine": engine_name,
        "records": size,
        "candidate_pairs": len(result.comparisons),
        "seconds": round(elapsed, 1),
        "records_per_s": round(size / elapsed),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "peak_tree_pss_mb": round(memory.peak / 2**20),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(2 * precision * recall / (precision + recall), 4) if tp else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 300_000, 1_000_000])
    parser.add_argument("--engine", default="duckdb")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.engine)), flush=True)
        return
    for size in args.sizes:
        subprocess.run(
            [sys.executable, __file__, "--one", str(size), "--engine", args.engine], check=True
        )
    sizes = " ".join(map(str, args.sizes))
    print(f"reproduce: python benchmarks/er/bench_scale.py --sizes {sizes} --engine {args.engine}")


if __name__ == "__main__":
    main()
