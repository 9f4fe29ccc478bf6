"""What nearest neighbours would add to blocking on the historical figures: each record a
TF-IDF vector of its names' letter trigrams (optionally its birth date's parts, birth place
and postcode), and its K most similar records (cosine) added to today's candidates.

    python benchmarks/er/blocking_neighbours.py [--data ../shared/data] [--k 5 10 20 40]

Reported per vector and K: the pairs added, how many are true, and the blocking recall with
them. Today's candidates are the default blocking's (``key_pass`` and the DuckDB engine's
candidate query). scipy comes with LightGBM; this is a probe, not part of silobreak.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import unicodedata
from pathlib import Path

import numpy as np
from scipy import sparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_historical import load

from silobreak.resolve.engines import DuckDBEngine
from silobreak.resolve.keys import key_pass
from silobreak.resolve.records import Record

SLICE = 2_000  # rows of the similarity matrix held at once


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in text if ch.isalnum() or ch == " ")


def features(record: Record, extra: str) -> set[str]:
    """Letter trigrams of the names' words; with ``d`` the birth year, day-month and date;
    with ``p`` also the birth place and the postcode."""
    out: set[str] = set()
    for name in record.names:
        for word in _fold(name).split():
            padded = f" {word} "
            out.update("n" + padded[i : i + 3] for i in range(len(padded) - 2))
    if "d" in extra:
        for d in record.birth_dates:
            out.update(("y" + d[:4], "m" + d[5:], "d" + d))
    if "p" in extra:
        out.update("p" + _fold(p) for p in record.birth_places)
        out.update("a" + _fold(a) for a in record.addresses)
    return out


def neighbours(records: list[Record], extra: str, k: int) -> np.ndarray:
    """Each record's ``k`` most similar other records, most similar first."""
    vocab: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for i, record in enumerate(records):
        for feature in features(record, extra):
            rows.append(i)
            cols.append(vocab.setdefault(feature, len(vocab)))
    shape = (len(records), len(vocab))
    x = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=shape)
    idf = np.log(len(records) / np.asarray((x > 0).sum(0)).ravel()).astype(np.float32)
    x = sparse.csr_matrix(x.multiply(idf))
    norms = np.sqrt(np.asarray(x.multiply(x).sum(1)).ravel())
    x = sparse.csr_matrix(sparse.diags(1 / np.where(norms == 0, 1, norms)) @ x)
    xt = x.T.tocsr()
    out = np.zeros((len(records), k), dtype=np.int64)
    for start in range(0, len(records), SLICE):
        sims = (x[start : start + SLICE] @ xt).toarray()
        sims[np.arange(sims.shape[0]), np.arange(start, start + sims.shape[0])] = -1
        top = np.argpartition(-sims, k, axis=1)[:, :k]
        order = np.argsort(-np.take_along_axis(sims, top, 1), axis=1)
        out[start : start + SLICE] = np.take_along_axis(top, order, 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--data", type=Path, default=Path(os.environ.get("SILOBREAK_DATA", "../shared/data"))
    )
    parser.add_argument("--k", type=int, nargs="+", default=[5, 10, 20, 40])
    args = parser.parse_args()
    records, truth, _ = load(args.data)
    candidates = set(DuckDBEngine().candidate_pairs(key_pass(records).keys))
    found = len(truth & candidates)
    print(f"true pairs {len(truth):,}; candidates {len(candidates):,}; ", end="")
    print(f"blocking recall {found / len(truth):.4f}")
    print("| vector | K | pairs added | true among them | blocking recall | seconds |")
    print("|---|---:|---:|---:|---:|---:|")
    for extra, label in (("", "name trigrams"), ("d", "+ birth date"), ("dp", "+ place, postcode")):
        started = time.perf_counter()
        nearest = neighbours(records, extra, max(args.k))
        elapsed = time.perf_counter() - started
        for k in args.k:
            added = {
                (min(i, int(j)), max(i, int(j)))
                for i in range(len(records))
                for j in nearest[i, :k]
            } - candidates
            hits = len(added & truth)
            print(
                f"| {label} | {k} | {len(added):,} | {hits:,} | "
                f"{(found + hits) / len(truth):.4f} | {elapsed:.1f} |"
            )
    print(
        "reproduce: python benchmarks/er/blocking_neighbours.py --k " + " ".join(map(str, args.k))
    )


if __name__ == "__main__":
    main()
