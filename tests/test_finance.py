"""Laundering typologies on small hand-made transaction graphs, and the command line."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from click.testing import CliRunner

from silobreak.cli import main
from silobreak.finance.patterns import PatternConfig, find_patterns
from silobreak.finance.pipeline import connect, load
from silobreak.finance.rates import read_rates
from silobreak.finance.table import in_time_order
from silobreak.finance.transactions import Transaction, TransactionFileError

T0 = datetime(2026, 3, 1, 9, 0)


class Book:
    """Builds transactions with increasing ids; ``at`` is hours after T0."""

    def __init__(self) -> None:
        self.txs: list[Transaction] = []

    def pay(self, source: str, target: str, amount: float, at: float) -> str:
        tx = Transaction(
            f"t{len(self.txs) + 1}", source, target, amount, "EUR", T0 + timedelta(hours=at)
        )
        self.txs.append(tx)
        return tx.id

    def found(self, kind: str, **config: object) -> list:
        return [f for f in find_patterns(self.txs, PatternConfig(**config)) if f.type == kind]  # type: ignore[arg-type]


def test_fan_out_and_fan_in_need_enough_distinct_counterparties_in_the_window() -> None:
    book = Book()
    for k in range(6):
        book.pay("hub", f"mule{k}", 900, at=k)
    for k in range(4):  # too few, and spread over weeks
        book.pay("shop", f"client{k}", 50, at=24 * 10 * k)
    for k in range(5):
        book.pay(f"payer{k}", "sink", 300, at=k * 2)
    fan_out = book.found("fan_out")
    assert [f.accounts[0] for f in fan_out] == ["hub"]
    assert len(fan_out[0].transactions) == 6 and fan_out[0].amount == 5400
    assert [f.accounts[0] for f in book.found("fan_in")] == ["sink"]
    assert book.found("fan_out", window=timedelta(hours=3)) == []


def test_structuring_is_deposits_just_under_the_threshold() -> None:
    book = Book()
    for k, amount in enumerate((9_500, 9_800, 9_900, 9_700)):
        book.pay(f"cash{k}", "acct", amount, at=k * 5)
    book.pay("cash9", "other", 9_900, at=1)
    book.pay("x", "other", 12_000, at=2)
    book.pay("y", "other", 9_990, at=3)
    found = book.found("structuring")
    assert [f.accounts[0] for f in found] == ["acct"]
    assert len(found[0].transactions) == 4


def test_cycles_are_time_respecting_and_keep_the_money() -> None:
    book = Book()
    book.pay("a", "b", 1000, at=0)
    book.pay("b", "c", 980, at=5)
    book.pay("c", "a", 960, at=9)
    # a loop on paper, but no order of its legs follows the money in time
    book.pay("d", "e", 500, at=20)
    book.pay("e", "f", 500, at=10)
    book.pay("f", "d", 500, at=30)
    # a return leg with a tenth of the money is not the money coming back
    book.pay("p", "q", 1000, at=30)
    book.pay("q", "p", 100, at=31)
    found = book.found("cycle")
    assert len(found) == 1
    assert found[0].accounts == ("a", "b", "c") and found[0].transactions == ("t1", "t2", "t3")
    assert book.found("cycle", window=timedelta(hours=8)) == []  # slower than the window
    assert 0.95 < found[0].score <= 1.0


def test_scatter_gather_and_gather_scatter() -> None:
    book = Book()
    for k in range(5):
        book.pay("origin", f"m{k}", 2000, at=k)
        book.pay(f"m{k}", "collector", 1900, at=10 + k)
    for k in range(5):
        book.pay(f"s{k}", "broker", 700, at=100 + k)
        book.pay("broker", f"d{k}", 650, at=110 + k)
    sg = book.found("scatter_gather")
    assert len(sg) == 1 and sg[0].accounts[0] == "origin" and sg[0].accounts[-1] == "collector"
    assert len(sg[0].transactions) == 10
    gs = book.found("gather_scatter")
    assert [("broker" in f.accounts) for f in gs] == [True]


def test_rapid_in_out_and_layering_chains() -> None:
    book = Book()
    book.pay("victim", "mule", 5000, at=0)
    book.pay("mule", "abroad", 4800, at=2)
    book.pay("salary", "worker", 3000, at=0)
    book.pay("worker", "landlord", 900, at=3)  # a share, not the money passed on
    rapid = book.found("rapid_in_out")
    assert [f.accounts for f in rapid] == [("victim", "mule", "abroad")]
    chain = Book()
    amount = 10_000.0
    for hop, (a, b) in enumerate(zip("ABCDEF", "BCDEFG", strict=True)):
        chain.pay(a, b, amount, at=hop * 10)
        amount *= 0.97
    found = chain.found("layering_chain")
    assert len(found) == 1 and found[0].accounts == tuple("ABCDEFG")
    broken = Book()
    broken.pay("A", "B", 1000, at=0)
    broken.pay("B", "C", 990, at=1)
    broken.pay("C", "D", 2000, at=2)  # more money than arrived: not the same funds
    broken.pay("D", "E", 1990, at=3)
    assert broken.found("layering_chain") == []


def test_reading_names_bad_rows_and_the_command(tmp_path: Path) -> None:
    path = tmp_path / "tx.csv"
    rows = ["id,source,target,amount,currency,timestamp,is_laundering"]
    rows += [f"t{k},hub,m{k},900,eur,2026-03-01T{9 + k:02d}:00:00Z,{int(k < 3)}" for k in range(6)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    con = connect()
    loaded = load(con, path, skip_bad_rows=False, report=print)
    txs = in_time_order(con)
    assert len(txs) == 6 and not loaded.rejected and txs[0].currency == "EUR"
    assert txs[0].is_laundering
    assert txs[0].timestamp == datetime(2026, 3, 1, 9, 0)
    out = tmp_path / "patterns.jsonl"
    runner = CliRunner()
    result = runner.invoke(main, ["finance", "patterns", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    findings = [json.loads(line) for line in out.read_text().splitlines()]
    assert findings[0]["type"] == "fan_out"
    assert set(findings[0]) == {
        "type",
        "accounts",
        "transactions",
        "start",
        "end",
        "amount",
        "score",
    }
    with path.open("a", encoding="utf-8") as fh:
        fh.write("t9,hub,x,-5,EUR,2026-03-01T10:00:00,0\nt10,hub,y,5,EUR,yesterday,0\n")
    refused = runner.invoke(main, ["finance", "patterns", str(path), "--out", str(out)])
    assert refused.exit_code == 1
    assert "tx.csv:8: amount: not positive" in refused.output
    assert "tx.csv:9: timestamp: not ISO 8601" in refused.output
    skipped = runner.invoke(
        main, ["finance", "patterns", str(path), "--out", str(out), "--skip-bad-rows"]
    )
    assert skipped.exit_code == 0, skipped.output


def test_cross_bank_flows_need_several_banks() -> None:
    de, gb, fr = "DE89370400440532013000", "GB82WEST12345698765432", "FR1420041010050500013M02606"
    de2 = "DE89370400440532013999"  # same bank as ``de``
    book = Book()
    book.pay(de, gb, 1000, at=0)
    book.pay(gb, fr, 980, at=5)
    book.pay(fr, "X-LOCAL", 960, at=9)
    found = book.found("cross_bank")
    assert len(found) == 1 and found[0].accounts[:3] == (de, gb, fr)
    assert len(found[0].transactions) == 3
    same = Book()
    same.pay(de, de2, 1000, at=0)
    same.pay(de2, de, 990, at=3)
    assert same.found("cross_bank") == []
    assert book.found("cross_bank", banks=4) == []


def test_round_trips_come_back_to_a_related_party() -> None:
    book = Book()
    book.pay("A1", "X", 1000, at=0)
    book.pay("X", "Y", 950, at=10)
    book.pay("Y", "A2", 900, at=20)
    book.pay("Y", "Z", 10, at=21)
    related = {"A1": "party-1", "A2": "party-1", "Z": "party-2"}
    found = book.found("round_trip", related=related)
    assert [f.accounts for f in found] == [("A1", "X", "Y", "A2")]
    assert found[0].score == 0.5 + 0.5 * 0.9
    assert book.found("round_trip") == []  # nobody's relations known: no round trip
    late = Book()  # the money came back before it left: not a round trip
    late.pay("Y", "A2", 900, at=0)
    late.pay("A1", "X", 1000, at=10)
    late.pay("X", "Y", 950, at=20)
    assert late.found("round_trip", related=related) == []


def _deposits(path: Path, currency: str, amounts: list[float]) -> Path:
    rows = ["id,source,target,amount,currency,timestamp"]
    rows += [
        f"d{k},payer{k},shop,{amount},{currency},2026-03-0{k + 1}T10:00:00Z"
        for k, amount in enumerate(amounts)
    ]
    rows.append("e1,shop,supplier,120,EUR,2026-03-09T10:00:00Z")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_amounts_are_compared_in_one_currency_with_rates(tmp_path: Path) -> None:
    """Three deposits of 10,400 USD are 9,568 EUR each, just under a 10,000 EUR threshold:
    structuring that comparing the numbers as they are would miss."""
    tx = _deposits(tmp_path / "tx.csv", "usd", [10_400, 10_450, 10_380])
    rates = tmp_path / "rates.csv"
    rates.write_text("currency,rate\nEUR,1\nUSD,0.92\n", encoding="utf-8")
    runner = CliRunner()
    plain, converted = tmp_path / "plain.jsonl", tmp_path / "converted.jsonl"
    result = runner.invoke(main, ["finance", "patterns", str(tx), "--out", str(plain)])
    assert result.exit_code == 0, result.output
    assert "2 currencies (USD (3), EUR (1)) compared as plain numbers" in result.output
    assert not [f for f in map(json.loads, plain.read_text().splitlines())]
    args = ["finance", "patterns", str(tx), "--out", str(converted), "--rates", str(rates)]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    found = [json.loads(line) for line in converted.read_text().splitlines()]
    assert [f["type"] for f in found] == ["structuring"]
    assert found[0]["amount"] == round(0.92 * (10_400 + 10_450 + 10_380), 2)


def test_a_currency_without_a_rate_stops_the_run(tmp_path: Path) -> None:
    tx = _deposits(tmp_path / "tx.csv", "GBP", [9_500, 9_600, 9_700])
    rates = tmp_path / "rates.csv"
    rates.write_text("currency,rate\nEUR,1\nUSD,0.92\n", encoding="utf-8")
    args = ["finance", "patterns", str(tx), "--out", str(tmp_path / "o.jsonl")]
    result = CliRunner().invoke(main, [*args, "--rates", str(rates)])
    assert result.exit_code != 0
    assert f"no rate in {rates} for GBP (3 transactions)" in result.output
    assert not (tmp_path / "o.jsonl").exists()


def test_bad_rates_name_the_file_and_line(tmp_path: Path) -> None:
    cases = {
        "currency,rate\nEUR,1\nUS,0.9\n": "rates.csv:3: currency: not an ISO 4217 code: 'US'",
        "currency,rate\nEUR,1\nUSD,-2\n": "rates.csv:3: rate: not positive: '-2'",
        "currency,rate\nEUR,1\nUSD,abc\n": "rates.csv:3: rate: not a number: 'abc'",
        "currency,rate\nEUR,1\nEUR,1\n": "rates.csv:3: currency: EUR given twice",
        "currency,rate\nUSD,0.9\n": "exactly one currency must have rate 1",
        "code,value\nEUR,1\n": "needs columns currency,rate",
    }
    path = tmp_path / "rates.csv"
    for text, message in cases.items():
        path.write_text(text, encoding="utf-8")
        try:
            read_rates(path)
        except TransactionFileError as exc:
            assert message in str(exc), (text, str(exc))
        else:
            raise AssertionError(f"accepted {text!r}")


def test_daily_rates_take_the_latest_rate_on_or_before_each_day(tmp_path: Path) -> None:
    tx = _deposits(tmp_path / "tx.csv", "USD", [10_500, 10_500, 10_500])
    rates = tmp_path / "rates.csv"
    rates.write_text(
        "currency,date,rate\nEUR,2026-01-01,1\nUSD,2026-03-01,0.9\nUSD,2026-03-03,0.95\n",
        encoding="utf-8",
    )
    out = tmp_path / "o.jsonl"
    args = ["finance", "patterns", str(tx), "--out", str(out), "--rates", str(rates)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    found = [json.loads(line) for line in out.read_text().splitlines()]
    assert [f["type"] for f in found] == ["structuring"]
    assert found[0]["amount"] == round(10_500 * (0.9 + 0.9 + 0.95), 2)
    # a payment before the first published rate of its currency stops the run
    rates.write_text("currency,date,rate\nEUR,2026-01-01,1\nUSD,2026-03-02,0.9\n")
    result = CliRunner().invoke(main, args)
    assert result.exit_code != 0
    assert "on or before the day of USD (1 transactions from 2026-03-01)" in result.output
    rates.write_text("currency,date,rate\nEUR,2026-01-01,1\nUSD,01/03/2026,0.9\n")
    result = CliRunner().invoke(main, args)
    assert "rates.csv:3: date: not an ISO 8601 day: '01/03/2026'" in result.output
