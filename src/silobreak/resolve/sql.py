"""SQL that both engines run as written (DuckDB and Spark SQL share this dialect subset:
``bool_or``, ``left``, ``%``, positional ``?`` parameters)."""

from __future__ import annotations

# Candidate pairs from a table ``keys(key, rec, other_script)``; parameters (in
# ``candidate_parameters``' order): max records per key, rare name key (for ``nt:`` keys among
# Latin records), the number of parts and this part (pairs whose first record ``i`` has
# ``i % parts = part``), rare name key again, rare key of any kind. The first letter of a key
# is its kind (see ``blocking.py``). A key of a pair of name symbols (``nt:``) is strong for a
# record written in another script than Latin; among Latin records it is a composite name key
# like the others, used only when rare: held by many, it pairs names such as Zhou / Chiu (one
# name to rigour), but held by a few it meets transliterations that share no spelling
# ("Sacharow Ludmila" / "Lyudmila Zaharov").
#
# A company's whole name (``nf:``, and by its words' beginnings ``nb:`` or endings ``ne:``) is
# strong too, however many companies share it (within the limit of any key): the comparison,
# not blocking, must tell them apart.
#
# A pair is a candidate if it shares an identifier or a symbol pair, two name parts, keys of
# two kinds, a rare name part or address, or a very rare key of any kind. Grouping first by
# pair and kind counts the kinds without a DISTINCT aggregate (DuckDB: a third faster). One
# group per pair of records is the query's memory: DuckDB runs it in parts (``engines.py``),
# as its aggregate did not stay within the memory limit beyond about 20 million pairs.
CANDIDATE_PAIRS = """
WITH counts AS (
    SELECT key, count(*) AS n, bool_or(other_script) AS any_other_script
    FROM keys GROUP BY key
),
usable AS (
    SELECT k.key, k.rec, k.other_script, c.n FROM keys k JOIN counts c ON c.key = k.key
    WHERE c.n BETWEEN 2 AND ? AND (left(k.key, 3) <> 'nt:' OR c.any_other_script OR c.n <= ?)
),
shared AS (
    SELECT a.rec AS i, b.rec AS j, left(a.key, 1) AS kind,
        CASE WHEN left(a.key, 3) IN ('id:', 'nf:', 'nb:', 'ne:')
              OR (left(a.key, 3) = 'nt:' AND (a.other_script OR b.other_script))
             THEN 1 ELSE 0 END AS strong,
        CASE WHEN left(a.key, 2) = 'n:' THEN 1 ELSE 0 END AS name,
        CASE WHEN left(a.key, 2) IN ('n:', 'a:')
              OR left(a.key, 3) IN ('nn:', 'nq:', 'nx:', 'nt:', 'nd:', 'np:', 'nl:', 'na:', 'nc:')
             THEN a.n END AS name_n,
        a.n
    FROM usable a JOIN usable b ON a.key = b.key AND a.rec < b.rec
    WHERE a.rec % ? = ?
),
kinds AS (
    SELECT i, j, max(strong) AS strong, sum(name) AS names, min(name_n) AS rare_name,
        min(n) AS rare
    FROM shared GROUP BY i, j, kind
)
SELECT i, j FROM kinds GROUP BY i, j
HAVING max(strong) = 1 OR sum(names) >= 2 OR count(*) >= 2
    OR min(rare_name) <= ? OR min(rare) <= ?
ORDER BY i, j
"""


def candidate_parameters(limits: tuple[int, int, int], parts: int = 1, part: int = 0) -> list[int]:
    """The parameters of ``CANDIDATE_PAIRS`` for one part of the pairs."""
    max_key, rare, very_rare = limits
    return [max_key, rare, parts, part, rare, very_rare]
