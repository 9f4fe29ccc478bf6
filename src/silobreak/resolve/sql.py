"""SQL that both engines run as written (DuckDB and Spark SQL share this dialect subset:
window counts, ``bool_or``, ``count(*) FILTER``, ``left``, positional ``?`` parameters)."""

from __future__ import annotations

# Candidate pairs from a table ``keys(key, rec, other_script)``; parameters: max records per
# key, rare name part or address, rare key of any kind.
# The first letter of a key is its kind (see ``blocking.py``). Keys of pairs of name symbols
# (``nt:``) pair only a record written in another script than Latin with any record: among
# Latin records, whose spellings other keys already meet, they would only add pairs such as
# Zhou / Chiu (one name to rigour) and with them ambiguity.
CANDIDATE_PAIRS = """
WITH k AS (
    SELECT key, rec, other_script, count(*) OVER (PARTITION BY key) AS n,
        bool_or(other_script) OVER (PARTITION BY key) AS any_other_script
    FROM keys
),
usable AS (
    SELECT key, rec, other_script, n FROM k
    WHERE n BETWEEN 2 AND ? AND (left(key, 3) <> 'nt:' OR any_other_script)
),
shared AS (
    SELECT a.rec AS i, b.rec AS j, a.key AS key, a.n AS n
    FROM usable a JOIN usable b ON a.key = b.key AND a.rec < b.rec
    WHERE left(a.key, 3) <> 'nt:' OR a.other_script OR b.other_script
)
SELECT i, j FROM shared GROUP BY i, j
HAVING bool_or(left(key, 3) IN ('id:', 'nt:'))
    OR count(*) FILTER (WHERE left(key, 2) = 'n:') >= 2
    OR count(DISTINCT left(key, 1)) >= 2
    OR min(n) FILTER (WHERE left(key, 2) IN ('n:', 'a:')
                         OR left(key, 3) IN ('nn:', 'nq:', 'nx:', 'nd:', 'np:', 'nl:', 'na:')) <= ?
    OR min(n) <= ?
ORDER BY i, j
"""
