"""Graph features of each transaction over time windows, written once as SQL for DuckDB and Spark.

Every feature of a transaction ``s -> d`` at time ``t`` is computed from transactions at or
before ``t`` only (same-second transactions count as "at its time"), so a model trained on them
never sees the future. Window frames are ``RANGE ... PRECEDING AND CURRENT ROW`` on epoch
seconds; account age is measured from the account's first transaction, which is never after
``t``; the two-hop shapes use the time each relationship was first seen, compared with ``t``.

The families, for the source account (``src_``) and the target account (``dst_``), each in the
windows 7 days, 30 days and all time (a 1-day window added nothing on AMLSim's validation
part, see BENCHMARKS.md):

- **fans and degrees**: transactions out and in (``out_n``, ``in_n``), distinct counterparties
  out and in (``out_d``, ``in_d``), amounts out and in (``out_amt``, ``in_amt``);
- **new relationships**: transactions that were the first between that pair in that direction
  (``out_new``, ``in_new``; over all time they are the distinct counterparties): laundering
  builds fresh links in bursts, business repeats old ones;
- **amount statistics**: mean and standard deviation of the amounts out and in
  (``out_avg``, ``out_std``, ``in_avg``, ``in_std``; 30 days and all time);
- **age and recency**: days since the account was first seen (``age_days``), since it last
  received and last paid before this moment (``last_in_days``, ``last_out_days``): money
  that moves on days after it arrived, along a walk of accounts, shows here.

For the pair: how many times this source paid this target so far (``pair_n``), how many times
the reverse (``pair_rev_n``), days since the previous payment (``pair_gap_days``) and between
the two before (``pair_gap_prev_days``) and their ratio (``pair_rhythm``, 1 for a steady
rhythm): business repeats on a rhythm, a scheme does not. For the
amount: the amount, its ratio to the source's mean payment, whether it is round. Two-hop shapes
over relationships first seen within 30 days: intermediaries ``m`` with ``s -> m -> d``
(scatter-gather, ``sg_30d``) and with ``d -> m -> s`` (a temporal cycle closing with this
payment, ``cycle_30d``).

Distinct counterparties in a sliding window are counted as runs begun less runs ended (see
``_window_columns``): running sums, where a distinct count over a sliding frame cost DuckDB more
(2M transactions' features 51 s -> 36-40 s) and needed other text on Spark (``collect_set``).
The only text that differs between engines is DuckDB's ``MATERIALIZED`` on the CTEs used
twice and how a transaction meets its two account rows (DuckDB by position, Spark by a join:
see ``_sides``).
"""

from __future__ import annotations

from typing import Literal

Dialect = Literal["duckdb", "spark"]

DAY = 86_400
WINDOWS: dict[str, int | None] = {"7d": 7 * DAY, "30d": 30 * DAY, "all": None}
TWO_HOP_WINDOW = 30 * DAY

_ACCOUNT = ("out_n", "in_n", "out_d", "in_d", "out_amt", "in_amt", "out_new", "in_new")
_STATS = ("out_avg", "out_std", "in_avg", "in_std")
STAT_WINDOWS = ("30d", "all")


def account_features() -> list[str]:
    # over all time, distinct counterparties are the fresh links: one column, not two
    names = [
        f"{kind}_{w}"
        for w in WINDOWS
        for kind in _ACCOUNT
        if not (w == "all" and kind in ("out_new", "in_new"))
    ]
    stats = [f"{kind}_{w}" for w in STAT_WINDOWS for kind in _STATS]
    return [*names, *stats, "age_days", "last_in_days", "last_out_days"]


FEATURES: tuple[str, ...] = (
    "amount",
    "amount_ratio_src",
    "amount_ratio_last_in",
    "amount_round",
    *(f"src_{n}" for n in account_features()),
    "src_last_in_amt",
    *(f"dst_{n}" for n in account_features()),
    "dst_last_in_amt",
    "pair_n",
    "pair_rev_n",
    "pair_gap_days",
    "pair_gap_prev_days",
    "pair_rhythm",
    "sg_30d",
    "cycle_30d",
)


def _frame(seconds: int | None) -> str:
    start = "UNBOUNDED PRECEDING" if seconds is None else f"{seconds} PRECEDING"
    return f"(PARTITION BY acct ORDER BY t RANGE BETWEEN {start} AND CURRENT ROW)"


# Two counts share one windowed sum: the payer side's in the low 32 bits, the payee side's
# above. A windowed aggregate costs DuckDB about as much whatever it sums (20-30 ms per 242k
# account rows, most of the features' time), so packing the out and in counts of a frame
# into one halves their cost (37 aggregates became 22; AMLSim's features 1.3-1.45x faster,
# see BENCHMARKS.md). Counts stay below 2**31, so the sum fits a BIGINT on Spark and the
# halves are exact as doubles.
_HALF = 4_294_967_296


def _by_side(value: str, frame: str, name: str) -> str:
    return f"sum({value} * CASE WHEN o = 1 THEN 1 ELSE {_HALF} END) OVER {frame} AS {name}"


def _unpacked(packed: str, out: str, into: str) -> list[str]:
    low = f"({packed}) % {_HALF}"
    return [
        f"CAST({low} AS BIGINT) AS {out}",
        f"CAST((({packed}) - {low}) / {_HALF} AS BIGINT) AS {into}",
    ]


def _window_columns() -> list[str]:
    """The windowed aggregates, counts packed by side (``_by_side``); ``_account_columns``
    unpacks them.

    Distinct counterparties in a sliding window are counted as runs begun less runs ended:
    the times a counterparty was seen, cut where two are more than ``seconds`` apart, form
    runs; the counterparty is in the window at ``t`` exactly when a run started at or before
    ``t`` and its last time is no earlier than ``t - seconds``. So the count is the runs begun
    by ``t`` less the runs whose last time is at or before ``t - seconds - 1`` (times are whole
    seconds). Over all time, distinct counterparties are the first-time pairs (``new_all``)."""
    cols = []
    for name, seconds in WINDOWS.items():
        frame = _frame(seconds)
        cols += [
            _by_side("1", frame, f"n_{name}"),
            _by_side("first_pair", frame, f"new_{name}"),
            f"sum(o * amount) OVER {frame} AS out_amt_{name}",
            f"sum((1 - o) * amount) OVER {frame} AS in_amt_{name}",
        ]
        if seconds is not None:
            ended = (
                "(PARTITION BY acct ORDER BY t RANGE BETWEEN UNBOUNDED PRECEDING"
                f" AND {seconds + 1} PRECEDING)"
            )
            cols += [
                _by_side(f"run_start_{name}", _frame(None), f"began_{name}"),
                _by_side(f"run_end_{name}", ended, f"ended_{name}"),
            ]
    for name in STAT_WINDOWS:
        frame = _frame(WINDOWS[name])
        for side, flag in (("out", 1), ("in", 0)):
            value = f"CASE WHEN o = {flag} THEN amount END"
            cols.append(f"stddev_pop({value}) OVER {frame} AS {side}_std_{name}")
    cols.append(f"(t - min(t) OVER (PARTITION BY acct)) / CAST({DAY} AS DOUBLE) AS age_days")
    before = "(PARTITION BY acct ORDER BY t RANGE BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)"
    cols.append(
        f"(t - max(CASE WHEN o = 1 THEN t END) OVER {before}) / CAST({DAY} AS DOUBLE)"
        " AS last_out_days"
    )
    # The latest receipt before now, as one number that orders by time and breaks ties by line
    # (two receipts in one second must not make the result depend on the engine's sort): its
    # time and its line both come out of it (``_account_columns``).
    cols.append(f"max(CASE WHEN o = 0 THEN t * {SEQ_SPAN} + seq END) OVER {before} AS last_in")
    return cols


def _account_columns() -> list[str]:
    """``account_features()`` from ``_window_columns``'s packed sums."""
    cols = []
    for name, seconds in WINDOWS.items():
        cols += _unpacked(f"n_{name}", f"out_n_{name}", f"in_n_{name}")
        if seconds is None:
            cols += _unpacked(f"new_{name}", f"out_d_{name}", f"in_d_{name}")
        else:
            distinct = f"began_{name} - coalesce(ended_{name}, 0)"
            cols += _unpacked(distinct, f"out_d_{name}", f"in_d_{name}")
            cols += _unpacked(f"new_{name}", f"out_new_{name}", f"in_new_{name}")
        cols += [f"out_amt_{name}", f"in_amt_{name}"]
    for name in STAT_WINDOWS:
        for side in ("out", "in"):
            count = f"{side}_n_{name}"
            cols += [
                f"{side}_amt_{name} / CASE WHEN {count} > 0 THEN {count} END AS {side}_avg_{name}",
                f"{side}_std_{name}",
            ]
    # t * SEQ_SPAN is exact as a double (t * 5**9 < 2**53 until the year 2116)
    last_in_t = f"(last_in - last_in % {SEQ_SPAN}) / {SEQ_SPAN}"
    return [
        *cols,
        "age_days",
        f"(t - {last_in_t}) / CAST({DAY} AS DOUBLE) AS last_in_days",
        "last_out_days",
        f"last_in % {SEQ_SPAN} AS last_in_seq",
    ]


SEQ_SPAN = 1_000_000_000  # more lines than any file has; times 2e9 seconds fits in BIGINT


def _two_hop(name: str, start: str, end: str, table: str) -> str:
    """Intermediaries ``m`` on legs ``x.start -> m -> x.end`` first seen within the window
    before ``x``: scatter-gather (source to target) or a cycle closing (target to source)."""
    return f"""{name} AS (
  SELECT x.seq, count(DISTINCT l.m) AS n
  FROM {table} x JOIN legs l ON l.a = x.{start} AND l.b = x.{end}
   AND l.f1 >= x.t - {TWO_HOP_WINDOW} AND l.f2 <= x.t
  WHERE l.m <> x.target AND l.m <> x.source
  GROUP BY x.seq
)"""


def account_sql(table: str = "tx", part: str = "TRUE") -> str:
    """The per-account and per-pair windows, one row per (transaction ``seq``, side ``o``: 1 =
    as payer, 0 = as payee), for the accounts ``acct`` that satisfy ``part``. Every window is
    partitioned by account, so the accounts can be taken in parts (DuckDB does, beyond a few
    million transactions, to keep its window state in memory) with the same result."""
    pair = "(PARTITION BY acct, other ORDER BY t RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"
    earlier = (
        "(PARTITION BY acct, other, o ORDER BY t RANGE BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)"
    )
    lagged = "(PARTITION BY acct, other, o ORDER BY t, seq)"
    runs = ", ".join(
        f"CASE WHEN prev_t IS NULL OR prev_t < t - {seconds} THEN 1 ELSE 0 END AS run_start_{name},"
        f" CASE WHEN next_t IS NULL OR next_t > t + {seconds} THEN 1 ELSE 0 END AS run_end_{name}"
        for name, seconds in WINDOWS.items()
        if seconds is not None
    )
    return f"""
WITH ev AS (
  SELECT * FROM (
    SELECT t, seq, source AS acct, target AS other, 1 AS o, amount FROM {table}
    UNION ALL
    SELECT t, seq, target AS acct, source AS other, 0 AS o, amount FROM {table}
  ) WHERE {part}
),
evp AS (
  SELECT ev.*,
    CASE WHEN row_number() OVER (PARTITION BY acct, other, o ORDER BY t, seq) = 1
         THEN 1 ELSE 0 END AS first_pair,
    {_by_side("1", pair, "pair")},
    t - max(t) OVER {earlier} AS pair_gap,
    lag(t, 1) OVER {lagged} AS prev_t,
    lead(t, 1) OVER {lagged} AS next_t,
    lag(t, 1) OVER {lagged} - lag(t, 2) OVER {lagged} AS pair_gap_prev
  FROM ev
),
evr AS (
  SELECT evp.*, {runs}
  FROM evp
),
win AS (
  SELECT seq, o, t, pair, pair_gap, pair_gap_prev,
    {", ".join(_window_columns())}
  FROM evr
)
SELECT seq, o, t, {", ".join(_unpacked("pair", "pair_n", "pair_rev_n"))}, pair_gap,
  pair_gap_prev, {", ".join(_account_columns())}
FROM win
"""


def _sides(positional: bool, x: str, accounts: str, columns: str) -> str:
    """``x`` beside its payer's (``s``) and payee's (``d``) account rows.

    By position when the accounts table is sorted by ``o, t, seq`` (``x`` is in ``t, seq``
    order): a positional join costs a third of a hash join on rows of forty columns, whose
    build side DuckDB's planner picks badly here. Otherwise (Spark; DuckDB's account rows
    computed in parts, where sorting twenty million wide rows back costs more than the
    joins) on ``seq``."""
    if positional:
        return (
            f"{x} x POSITIONAL JOIN (SELECT {columns} FROM {accounts} WHERE o = 1) s"
            f" POSITIONAL JOIN (SELECT {columns} FROM {accounts} WHERE o = 0) d"
        )
    return (
        f"{x} x JOIN (SELECT {columns} FROM {accounts} WHERE o = 1) s ON s.seq = x.seq"
        f" JOIN (SELECT {columns} FROM {accounts} WHERE o = 0) d ON d.seq = x.seq"
    )


def _in_line(positional: bool) -> str:
    """Stop rather than mix two transactions' rows if the order ever differed."""
    if not positional:
        return ""
    return (
        "WHERE CASE WHEN s.seq = x.seq AND d.seq = x.seq THEN TRUE"
        " ELSE error('account rows out of line with the transactions') END"
    )


def feature_sql(
    dialect: Dialect = "duckdb", table: str = "tx", accounts: str = "acc", aligned: bool = True
) -> str:
    """One query over ``table`` (``id, source, target, amount, t, seq``, stored in ``t, seq``
    order) and ``accounts`` (``account_sql``'s rows; ``aligned``: sorted by ``o, t, seq``)
    giving ``id``, ``t``, ``seq`` and every name of ``FEATURES`` as DOUBLE (unordered: sort
    by ``t, seq``).

    The narrow lookups (the last receipt's amount, the two-hop counts) are joined first and
    the forty account columns of each side last, so no join carries wide rows."""
    src = ", ".join(f"s.{n} AS src_{n}" for n in account_features())
    dst = ", ".join(f"d.{n} AS dst_{n}" for n in account_features())
    w = TWO_HOP_WINDOW
    # DuckDB would inline a CTE used twice (computing it twice, planning joins blind);
    # Spark has no such keyword
    materialized = "MATERIALIZED " if dialect == "duckdb" else ""
    positional = dialect == "duckdb" and aligned
    ordered = "(FROM lookups ORDER BY t, seq)" if positional else "lookups"
    return f"""
WITH pairs AS {materialized}(
  SELECT source, target, min(t) AS f FROM {table} GROUP BY source, target
),
legs AS {materialized}(
  SELECT p1.source AS a, p1.target AS m, p2.target AS b, p1.f AS f1, p2.f AS f2
  FROM pairs p1 JOIN pairs p2 ON p2.source = p1.target
  WHERE p2.f BETWEEN p1.f AND p1.f + {w} AND p1.source <> p2.target
),
{_two_hop("sg", "source", "target", table)},
{_two_hop("cyc", "target", "source", table)},
lookups AS {materialized}(
  SELECT x.id, x.t, x.seq, x.amount,
    sli.amount AS src_last_in_amt, dli.amount AS dst_last_in_amt,
    coalesce(sg.n, 0) AS sg_30d, coalesce(cyc.n, 0) AS cycle_30d
  FROM {_sides(positional, table, accounts, "seq, last_in_seq")}
  LEFT JOIN {table} sli ON sli.seq = s.last_in_seq
  LEFT JOIN {table} dli ON dli.seq = d.last_in_seq
  LEFT JOIN sg ON sg.seq = x.seq
  LEFT JOIN cyc ON cyc.seq = x.seq
  {_in_line(positional)}
),
joined AS (
  SELECT x.id, x.t, x.seq, x.amount,
    x.amount / (s.out_amt_all / s.out_n_all) AS amount_ratio_src,
    x.amount / x.src_last_in_amt AS amount_ratio_last_in,
    x.src_last_in_amt, x.dst_last_in_amt,
    CASE WHEN x.amount % 100 = 0 THEN 1 ELSE 0 END AS amount_round,
    {src}, {dst},
    s.pair_n, s.pair_rev_n, s.pair_gap / CAST({DAY} AS DOUBLE) AS pair_gap_days,
    s.pair_gap_prev / CAST({DAY} AS DOUBLE) AS pair_gap_prev_days,
    CASE WHEN s.pair_gap_prev > 0 THEN CAST(s.pair_gap AS DOUBLE) / s.pair_gap_prev END
      AS pair_rhythm,
    x.sg_30d, x.cycle_30d
  FROM {_sides(positional, ordered, accounts, "*")}
  {_in_line(positional)}
)
SELECT id, t, seq, {", ".join(f"CAST({n} AS DOUBLE) AS {n}" for n in FEATURES)}
FROM joined
"""
