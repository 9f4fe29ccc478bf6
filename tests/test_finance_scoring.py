"""Transaction files, features (no future leakage, DuckDB = Spark), training and scoring,
tracing and the transaction generator."""

from __future__ import annotations

import csv
import json
import math
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from silobreak.cli import main
from silobreak.finance.features import FEATURES
from silobreak.finance.pipeline import connect, feature_batches, load
from silobreak.finance.table import load_transactions
from silobreak.finance.trace import trace
from silobreak.finance.transactions import TransactionFileError
from silobreak.scenario.transactions import TYPOLOGIES, TransactionSpec, generate_transactions

HEADER = "id,source,target,amount,currency,timestamp"


def write(path: Path, rows: list[str], header: str = HEADER) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def features_of(path: Path, spark: object = None) -> dict[str, dict[str, float]]:
    con = connect()
    load(con, path, False, print)
    out: dict[str, dict[str, float]] = {}
    for batch in feature_batches(con, spark=spark):
        for tx_id, row in zip(batch.ids, batch.x, strict=True):
            out[tx_id] = dict(zip(FEATURES, row.tolist(), strict=True))
    return out


def test_bad_rows_are_named_by_line_and_reason(tmp_path: Path) -> None:
    path = write(
        tmp_path / "tx.csv",
        [
            "t1,A,B,100,EUR,2026-01-01T10:00:00Z",
            "t2,A,,100,EUR,2026-01-01T10:00:00Z",
            "t3,A,B,-5,EUR,2026-01-01T10:00:00Z",
            "t4,A,B,ten,EUR,2026-01-01T10:00:00Z",
            "t5,A,B,100,EUR,yesterday",
            "t1,A,B,100,EUR,2026-01-02T10:00:00Z",
            "t6,A,B,100,eur,2026-01-01T12:00:00+02:00",
        ],
    )
    con = connect()
    loaded = load_transactions(con, path)
    assert loaded.rows == 2 and loaded.rejected == 5
    assert loaded.rejects == [
        (3, "target: empty"),
        (4, "amount: not positive: '-5'"),
        (5, "amount: not a number: 'ten'"),
        (6, "timestamp: not ISO 8601: 'yesterday'"),
        (7, "id: duplicate of line 2"),
    ]
    # the offset is applied: 12:00+02:00 is 10:00 UTC, and the currency is upper-cased
    assert con.execute("SELECT ts, currency FROM tx WHERE id = 't6'").fetchone() == (
        con.execute("SELECT ts FROM tx WHERE id = 't1'").fetchone()[0],  # type: ignore[index]
        "EUR",
    )
    with pytest.raises(TransactionFileError, match="5 bad row"):
        load(connect(), path, False, lambda _: None)
    with pytest.raises(TransactionFileError, match="missing column"):
        load_transactions(connect(), write(tmp_path / "x.csv", ["1,A,B"], "id,source,target"))


def test_features_count_fans_new_links_and_two_hop_shapes(tmp_path: Path) -> None:
    rows = [
        # day 1: S scatters to M1..M3; day 2 they gather to G; G pays S back (a cycle)
        "s1,S,M1,100,EUR,2026-01-01T09:00:00Z",
        "s2,S,M2,100,EUR,2026-01-01T10:00:00Z",
        "s3,S,M3,100,EUR,2026-01-01T11:00:00Z",
        "g1,M1,G,95,EUR,2026-01-02T09:00:00Z",
        "g2,M2,G,95,EUR,2026-01-02T10:00:00Z",
        "g3,M3,G,95,EUR,2026-01-02T11:00:00Z",
        "c1,G,S,250,EUR,2026-01-03T09:00:00Z",
        "r1,S,M1,100,EUR,2026-01-20T09:00:00Z",
        "x1,S,G,80,EUR,2026-01-21T09:00:00Z",
    ]
    f = features_of(write(tmp_path / "tx.csv", rows))
    assert f["s3"]["src_out_n_7d"] == 3 and f["s3"]["src_out_d_7d"] == 3
    assert f["s3"]["src_out_new_7d"] == 3
    assert f["g3"]["dst_in_d_7d"] == 3 and f["g3"]["dst_in_d_all"] == 3
    # r1 repeats an old link: not new, the pair's second payment, 19 days after the first
    assert f["r1"]["pair_n"] == 2 and f["r1"]["pair_gap_days"] == 19
    assert f["r1"]["src_out_new_7d"] == 0 and f["r1"]["src_out_d_7d"] == 1
    assert f["s1"]["src_age_days"] == 0 and f["x1"]["src_age_days"] == 20
    # x1: S -> G again through M1, M2, M3 (scatter-gather), and G paid S (reverse pair)
    assert f["x1"]["sg_30d"] == 3 and f["x1"]["pair_rev_n"] == 1
    # c1 closes cycles S -> Mi -> G -> S
    assert f["c1"]["cycle_30d"] == 3 and f["g3"]["cycle_30d"] == 0
    assert f["s1"]["sg_30d"] == 0
    # money passed on keeps its amount: M1 received 100 and pays 95 on; S had received nothing
    assert f["g1"]["amount_ratio_last_in"] == pytest.approx(0.95)
    assert f["c1"]["amount_ratio_last_in"] == pytest.approx(250 / 95)
    assert math.isnan(f["s1"]["amount_ratio_last_in"])


def test_distinct_counterparties_in_windows_match_a_direct_count(tmp_path: Path) -> None:
    """Runs begun less runs ended equals counting distinct counterparties in each window,
    with payments exactly on the window's edge, one second past it, and in the same second."""
    rng = np.random.default_rng(4)
    day = 86_400
    steps = rng.choice([0, 1, 3_600, day // 2, 2 * day], size=300)
    times = (1_767_225_600 + np.cumsum(steps)).tolist()  # from 2026-01-01, ties included
    accounts = [f"A{i}" for i in range(6)]
    tx = [
        (f"t{i}", *map(str, rng.choice(accounts, 2, replace=False)), t) for i, t in enumerate(times)
    ]
    # B pays C0 exactly 7 days, then 30 days, then 1 s past 7 days apart; C1 in the same seconds
    edge = times[-1] + day
    for k, offset in enumerate([0, 7 * day, 37 * day, 44 * day + 1]):
        tx += [(f"e{k}", "B", "C0", edge + offset), (f"f{k}", "B", "C1", edge + offset)]
    rows = [
        f"{i},{s},{d},10,EUR,{datetime.fromtimestamp(t, UTC):%Y-%m-%dT%H:%M:%SZ}"
        for i, s, d, t in tx
    ]
    f = features_of(write(tmp_path / "tx.csv", rows))

    def distinct(acct: str, t: int, seconds: int, out: bool) -> int:
        return len(
            {
                (d if out else s)
                for _, s, d, u in tx
                if (s if out else d) == acct and t - seconds <= u <= t
            }
        )

    for tx_id, s, d, t in tx:
        for name, seconds in (("7d", 7 * day), ("30d", 30 * day)):
            got = f[tx_id]
            assert got[f"src_out_d_{name}"] == distinct(s, t, seconds, True), (tx_id, name)
            assert got[f"src_in_d_{name}"] == distinct(s, t, seconds, False), (tx_id, name)
            assert got[f"dst_out_d_{name}"] == distinct(d, t, seconds, True), (tx_id, name)
            assert got[f"dst_in_d_{name}"] == distinct(d, t, seconds, False), (tx_id, name)


def test_features_never_see_the_future(tmp_path: Path) -> None:
    spec = TransactionSpec(accounts=300, transactions=4_000, days=60, schemes=14, seed=5)
    full = tmp_path / "full.csv"
    generate_transactions(full, spec)
    lines = full.read_text().splitlines()
    prefix = write(tmp_path / "prefix.csv", lines[1:2_001], lines[0])
    # the prefix ends on a time strictly before the next row: ties would share "now"
    last, nxt = (lines[i].split(",")[5] for i in (2_000, 2_001))
    assert last < nxt
    early, everything = features_of(prefix), features_of(full)
    assert len(early) == 2_000
    for tx_id, values in early.items():
        assert values == pytest.approx(everything[tx_id], nan_ok=True), tx_id


def test_features_on_spark_equal_duckdb(tmp_path: Path) -> None:
    pytest.importorskip("pyspark")
    from silobreak.spark import spark_session

    path = tmp_path / "tx.csv"
    generate_transactions(path, TransactionSpec(accounts=200, transactions=1_500, days=40, seed=2))
    spark = spark_session("silobreak-test")
    try:
        on_spark = features_of(path, spark)
    finally:
        spark.stop()
    embedded = features_of(path)
    assert on_spark.keys() == embedded.keys()
    for tx_id, values in embedded.items():
        assert on_spark[tx_id] == pytest.approx(values, rel=1e-9, nan_ok=True), tx_id


def test_train_and_score_find_planted_laundering_without_reading_labels(tmp_path: Path) -> None:
    runner = CliRunner()
    data = tmp_path / "tx.csv"
    made = runner.invoke(
        main,
        [
            "scenario",
            "transactions",
            "--seed",
            "4",
            "--out",
            str(data),
            "--transactions",
            "30000",
            "--accounts",
            "1500",
            "--days",
            "120",
            "--schemes",
            "70",
        ],
    )
    assert made.exit_code == 0, made.output
    lines = data.read_text().splitlines()
    cut = int(len(lines) * 0.7)
    train_file = write(tmp_path / "train.csv", lines[1:cut], lines[0])
    test_rows = lines[cut:]
    model = tmp_path / "model"
    trained = runner.invoke(main, ["finance", "train", str(train_file), "--out", str(model)])
    assert trained.exit_code == 0, trained.output
    assert json.loads((model / "model.json").read_text())["features"] == list(FEATURES)

    # score the whole period (history included, as a bank would); judge on the later part
    scores = tmp_path / "scores.csv"
    test_file = data
    scored = runner.invoke(
        main,
        [
            "finance",
            "score",
            str(test_file),
            "--model",
            str(model),
            "--out",
            str(scores),
            "--explain",
            "2",
        ],
    )
    assert scored.exit_code == 0, scored.output
    with scores.open() as fh:
        out = list(csv.DictReader(fh))
    assert list(out[0]) == ["id", "score", "flagged", "explanation"]
    truth = {r.split(",")[0].strip('"'): r.endswith(",1") for r in test_rows}
    flagged = {r["id"] for r in out if r["flagged"] == "true" and r["id"] in truth}
    positives = {k for k, v in truth.items() if v}
    tp = len(flagged & positives)
    assert tp / len(positives) > 0.7 and tp / max(1, len(flagged)) > 0.7
    assert all(r["explanation"] for r in out if r["flagged"] == "true")

    # flipping every label changes nothing: scoring never reads them
    flipped = [r[:-1] + ("0" if r.endswith("1") else "1") for r in lines[1:]]
    again = tmp_path / "again.csv"
    runner.invoke(
        main,
        [
            "finance",
            "score",
            str(write(tmp_path / "flip.csv", flipped, lines[0])),
            "--model",
            str(model),
            "--out",
            str(again),
        ],
    )
    with again.open() as fh:
        assert [r["score"] for r in csv.DictReader(fh)] == [r["score"] for r in out]

    # the same payments booked in another currency: refused, then converted back with rates
    assert json.loads((model / "model.json").read_text())["currency"] == "EUR"
    with data.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    doubled = tmp_path / "doubled.csv"
    with doubled.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "amount": f"{2 * float(row['amount']):.2f}", "currency": "XTS"})
    rates = tmp_path / "rates.csv"
    rates.write_text("currency,rate\nEUR,1\nXTS,0.5\n", encoding="utf-8")
    args = ["finance", "score", str(doubled), "--model", str(model), "--out", str(again)]
    refused = runner.invoke(main, args)
    assert refused.exit_code == 1
    assert "amounts in XTS, but the model learnt from amounts in EUR" in refused.output
    converted = runner.invoke(main, [*args, "--rates", str(rates)])
    assert converted.exit_code == 0, converted.output
    with again.open() as fh:
        assert [r["score"] for r in csv.DictReader(fh)] == [r["score"] for r in out]

    missing = runner.invoke(
        main,
        [
            "finance",
            "score",
            str(test_file),
            "--model",
            str(tmp_path / "nope"),
            "--out",
            str(again),
        ],
    )
    assert missing.exit_code == 1 and "not a model folder" in missing.output
    unlabelled = write(tmp_path / "u.csv", [",".join(r.split(",")[:6]) for r in test_rows])
    refused = runner.invoke(main, ["finance", "train", str(unlabelled), "--out", str(model)])
    assert refused.exit_code == 1 and "needs labels" in refused.output


def test_trace_follows_time_and_apportions_pro_rata(tmp_path: Path) -> None:
    path = write(
        tmp_path / "tx.csv",
        [
            "e0,B,E,500,EUR,2026-01-01T08:00:00Z",  # before the money came: not followed
            "a1,A,B,50,EUR,2026-01-01T09:00:00Z",
            "b1,B,C,60,EUR,2026-01-02T09:00:00Z",
            "b2,B,D,40,EUR,2026-01-03T09:00:00Z",
            "c1,C,F,30,EUR,2026-01-04T09:00:00Z",
            "z1,Z,B,10,EUR,2026-01-01T07:00:00Z",
        ],
    )
    con = connect()
    load(con, path, False, print)
    forward = trace(con, "A", "forward", hops=3)
    flows = {(f.hop, f.source, f.target): round(f.amount, 2) for f in forward.flows}
    assert flows == {(1, "A", "B"): 50, (2, "B", "C"): 30, (2, "B", "D"): 20, (3, "C", "F"): 30}
    assert forward.kept == pytest.approx({"F": 30, "D": 20})
    backward = trace(con, "D", "backward", hops=2)
    back = {(f.hop, f.source, f.target): round(f.amount, 2) for f in backward.flows}
    # D's 40 came through B, who had received 50 from A and 10 from Z before paying D
    assert back == {(1, "B", "D"): 40, (2, "A", "B"): 33.33, (2, "Z", "B"): 6.67}

    out = tmp_path / "trace.json"
    result = CliRunner().invoke(
        main,
        [
            "finance",
            "trace",
            "A",
            "--transactions",
            str(path),
            "--hops",
            "2",
            "--from",
            "2026-01-01",
            "--to",
            "2026-01-03",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    saved = json.loads(out.read_text())
    assert {(f["source"], f["target"]) for f in saved["flows"]} == {
        ("A", "B"),
        ("B", "C"),
        ("B", "D"),
    }
    page = out.with_suffix(".html").read_text()
    assert page.count("<path") == 3 and ">A (" in page and "transactions b1" in page
    nothing = CliRunner().invoke(main, ["finance", "trace", "F", "--transactions", str(path)])
    assert nothing.exit_code == 1 and "no payments" in nothing.output


def test_generator_is_deterministic_and_plants_every_typology(tmp_path: Path) -> None:
    spec = TransactionSpec(accounts=400, transactions=6_000, days=90, schemes=21, seed=9)
    rows, planted = generate_transactions(tmp_path / "a.csv", spec)
    generate_transactions(tmp_path / "b.csv", spec)
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert rows == 6_000 and set(planted) == set(TYPOLOGIES)
    with (tmp_path / "a_truth.csv").open() as fh:
        truth = {r["id"]: r["typology"] for r in csv.DictReader(fh)}
    with (tmp_path / "a.csv").open() as fh:
        labelled = {r["id"] for r in csv.DictReader(fh) if r["is_laundering"] == "1"}
    assert set(truth) == labelled and sum(planted.values()) == len(labelled)
    con = connect()
    assert load_transactions(con, tmp_path / "a.csv").rejected == 0
    amounts = np.array(con.execute("SELECT amount FROM tx").fetchnumpy()["amount"])
    assert amounts.min() > 0


def test_features_computed_in_parts_equal_one_query(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import silobreak.finance.pipeline as pipeline

    path = tmp_path / "tx.csv"
    generate_transactions(path, TransactionSpec(accounts=300, transactions=3_000, days=60, seed=8))
    whole = features_of(path)
    monkeypatch.setattr(pipeline, "PART_ROWS", 700)  # five parts by account
    parts = features_of(path)
    assert parts.keys() == whole.keys()
    for tx_id, values in whole.items():
        assert parts[tx_id] == pytest.approx(values, rel=1e-12, nan_ok=True), tx_id


def test_features_stop_when_account_rows_are_out_of_line(tmp_path: Path) -> None:
    """The account rows are lined up with the transactions by position: a table in any other
    order must stop the query, never pair one transaction with another's accounts."""
    import duckdb

    from silobreak.finance.features import account_sql, feature_sql

    path = tmp_path / "tx.csv"
    generate_transactions(path, TransactionSpec(accounts=50, transactions=400, days=20, seed=3))
    con = connect()
    load(con, path, False, print)
    con.execute(f"CREATE TABLE acc AS {account_sql()} ORDER BY o, t DESC, seq DESC")
    with pytest.raises(duckdb.Error, match="out of line"):
        con.execute(f"CREATE TABLE f AS {feature_sql()}")


def test_features_stored_out_of_time_order_are_sorted_or_refused(tmp_path: Path) -> None:
    """Features said to be stored in time order are read without sorting, so a table that is
    not must stop the reader; one not said to be is sorted."""
    from silobreak.finance.pipeline import compute_features, stored_batches

    path = tmp_path / "tx.csv"
    generate_transactions(path, TransactionSpec(accounts=50, transactions=400, days=20, seed=3))
    con = connect()
    load(con, path, False, print)
    assert compute_features(con)  # one part: stored as tx is
    in_order = [i for b in stored_batches(con, True, batch=64) for i in b.ids]
    con.execute("CREATE TABLE shuffled AS SELECT * FROM tx_features ORDER BY hash(seq)")
    con.execute("CREATE OR REPLACE TEMP TABLE tx_features AS SELECT * FROM shuffled")
    assert [i for b in stored_batches(con, False, batch=64) for i in b.ids] == in_order
    with pytest.raises(RuntimeError, match="out of time order"):
        list(stored_batches(con, True, batch=64))
