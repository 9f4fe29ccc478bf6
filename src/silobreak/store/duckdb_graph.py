"""The inputs of the resolved graph, read from DuckDB through the policy predicate.

Three tables, all computed in SQL so that they scale with the store rather than with Python:

- ``nodes``: one row per node a viewer may see. A node is a canonical entity (records merged
  by the resolver) or, for entities resolution does not merge (events, sanctions, customs
  declarations), the record itself (``dataset/entity_id``).
- ``edges``: one row per (source node, target node, kind) with the datasets, organizations,
  markings, grades and dates of the statements behind it. FtM relationship schemata
  (Ownership, Directorship, Payment, ...) give edges from their source to their target
  property; other entity-typed properties (an Event's ``involved``, a Sanction's ``entity``,
  a CryptoWallet's ``holder``) give edges from the entity to the one it names. Edges whose
  ends the viewer may not see are left out.
- ``topics``: one row per (node, topic) with the statement's dataset, organization, grade,
  marking and last-seen date: the direct evidence of crime domains.
- ``ends``: for edges that touch a node of several records (a merged entity), which of its
  records the relationship names (``source_record``, ``target_record``; ``dataset/entity_id``,
  null at an end that is one record): the convergence score asks whether two domains of a
  merged entity arrive at records that resolution joined on strong or on weak evidence.
- ``links``: the last resolution run's compared pairs inside each merged node whose records
  the viewer may both see (``node, left_record, right_record, probability``).
"""

from __future__ import annotations

import duckdb
import pyarrow as pa
from followthemoney import model

from silobreak.policy.rules import statement_predicate
from silobreak.policy.viewer import Viewer

# Properties that label a node without a name (an account's IBAN, a wallet's key).
LABEL_PROPS = (
    "iban",
    "accountNumber",
    "publicKey",
    "username",
    "email",
    "imoNumber",
    "registrationNumber",
)
LABEL_SQL = ", ".join(f"'{p}'" for p in LABEL_PROPS)

# The SQL below is written in the subset DuckDB and Spark SQL share (``concat``, window
# counts), so that ``graph/spark_build.py`` runs it as written over the same temp views:
# ``g_s`` the visible statements with their node, ``g_r`` each visible record once with
# whether its node holds others (a merged entity), ``g_p`` one row per relationship end pair.
RECORDS_SQL = """
SELECT dataset, entity_id, node, concat(dataset, '/', entity_id) AS record,
       count(*) OVER (PARTITION BY node) > 1 AS merged
FROM (SELECT DISTINCT dataset, entity_id, node FROM g_s)
"""

PAIRS_SQL = """
WITH refs AS (
    SELECT g.dataset, g.entity_id, g.schema, g.prop, g.value, g.org, g.marking,
           g.source_grade, g.first_seen, g.last_seen, g.node AS via, t.node AS ref,
           CASE WHEN t.merged THEN t.record END AS ref_record
    FROM g_s g JOIN g_r t ON t.dataset = g.dataset AND t.entity_id = g.value
    WHERE g.prop_type = 'entity'
)
SELECT a.ref AS source, b.ref AS target, a.schema AS kind, a.dataset, a.org, a.marking,
       a.source_grade, a.first_seen, a.last_seen,
       a.ref_record AS source_record, b.ref_record AS target_record
FROM refs a
JOIN edge_specs sp ON sp.schema = a.schema AND sp.source_prop = a.prop
JOIN refs b ON b.dataset = a.dataset AND b.entity_id = a.entity_id
           AND b.prop = sp.target_prop
WHERE a.ref <> b.ref
UNION ALL
SELECT a.via AS source, a.ref AS target, concat(a.schema, ':', a.prop) AS kind,
       a.dataset, a.org, a.marking, a.source_grade, a.first_seen, a.last_seen,
       CASE WHEN v.merged THEN v.record END AS source_record, a.ref_record AS target_record
FROM refs a JOIN g_r v ON v.dataset = a.dataset AND v.entity_id = a.entity_id
WHERE a.schema NOT IN (SELECT schema FROM edge_specs) AND a.via <> a.ref
"""

ENDS_SQL = """
SELECT DISTINCT source, target, kind, source_record, target_record FROM g_p
WHERE source_record IS NOT NULL OR target_record IS NOT NULL
"""

LINKS_SQL = """
SELECT a.node, p.left_key AS left_record, p.right_key AS right_record, p.probability
FROM resolve_pairs p
JOIN g_r a ON a.record = p.left_key
JOIN g_r b ON b.record = p.right_key AND b.node = a.node
WHERE a.merged AND p.probability IS NOT NULL
"""


def edge_specs() -> pa.Table:
    """FtM's relationship schemata and their source and target properties."""
    rows = [
        (s.name, s.edge_source, s.edge_target)
        for s in model.schemata.values()
        if s.edge and s.edge_source and s.edge_target
    ]
    return pa.table(
        {
            "schema": [r[0] for r in rows],
            "source_prop": [r[1] for r in rows],
            "target_prop": [r[2] for r in rows],
        }
    )


def graph_inputs(con: duckdb.DuckDBPyConnection, viewer: Viewer) -> dict[str, pa.Table]:
    """``nodes``, ``edges``, ``topics``, ``ends`` and ``links`` for ``viewer`` (see the
    module docstring)."""
    where, params = statement_predicate(viewer)
    cur = con.cursor()
    cur.register("edge_specs", edge_specs())
    cur.execute(
        f"""CREATE TEMP TABLE g_s AS
        SELECT s.dataset, s.entity_id, s.schema, s.prop, s.prop_type, s.value, s.org,
               s.marking, s.source_grade, s.first_seen, s.last_seen,
               coalesce(r.canonical_id, s.dataset || '/' || s.entity_id) AS node
        FROM statements s LEFT JOIN resolver r
          ON r.dataset = s.dataset AND r.entity_id = s.entity_id
        WHERE {where}""",
        params,
    )
    try:
        nodes = cur.sql(
            f"""SELECT node, list(DISTINCT schema ORDER BY schema) AS schemata,
                   list(DISTINCT value ORDER BY value) FILTER (WHERE prop = 'name') AS names,
                   list(DISTINCT value ORDER BY value) FILTER (
                       WHERE prop IN ({LABEL_SQL})
                   ) AS labels,
                   list(DISTINCT dataset ORDER BY dataset) AS datasets,
                   list(DISTINCT org ORDER BY org) AS orgs,
                   count(DISTINCT dataset || '/' || entity_id) AS records,
                   min(first_seen) AS first_seen, max(last_seen) AS last_seen
            FROM g_s WHERE schema NOT IN (SELECT schema FROM edge_specs)
            GROUP BY node ORDER BY node"""
        ).to_arrow_table()
        cur.execute(f"CREATE TEMP TABLE g_r AS {RECORDS_SQL}")
        cur.execute(f"CREATE TEMP TABLE g_p AS {PAIRS_SQL}")
        edges = cur.sql(
            """SELECT source, target, kind,
                   list(DISTINCT dataset ORDER BY dataset) AS datasets,
                   list(DISTINCT org ORDER BY org) AS orgs,
                   list(DISTINCT marking ORDER BY marking) AS markings,
                   min(source_grade) AS grade, count(*) AS statements,
                   min(first_seen) AS first_seen, max(last_seen) AS last_seen
            FROM g_p GROUP BY source, target, kind ORDER BY source, target, kind"""
        ).to_arrow_table()
        ends = cur.sql(f"SELECT * FROM ({ENDS_SQL}) ORDER BY ALL").to_arrow_table()
        links = cur.sql(f"SELECT * FROM ({LINKS_SQL}) ORDER BY ALL").to_arrow_table()
        topics = cur.sql(
            """SELECT node, value AS topic, dataset, entity_id, org, marking,
                      source_grade AS grade, last_seen
            FROM g_s WHERE prop = 'topics'
            ORDER BY node, topic, dataset, entity_id, org"""
        ).to_arrow_table()
    finally:
        for table in ("g_p", "g_r", "g_s"):
            cur.execute(f"DROP TABLE IF EXISTS {table}")
        cur.close()
    return {"nodes": nodes, "edges": edges, "topics": topics, "ends": ends, "links": links}
