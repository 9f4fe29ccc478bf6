"""The graph's inputs (nodes, edges, topics, ends, links) built on Spark, for workspaces too
large for one process: the same tables as ``store/duckdb_graph.py``, from the same visible
statements.

The statements the viewer may see and the resolver are handed to Spark as Parquet files (read
through the store, so through policy), with the last resolution run's compared pairs (kept
only where the viewer sees both records); the SQL below mirrors the DuckDB SQL with Spark's
functions (``array_sort(collect_set(...))`` for DuckDB's ordered ``list(DISTINCT ...)``).
Tested to give the same rows as the embedded build.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any

import pyarrow.parquet as pq

from silobreak.policy.viewer import Viewer
from silobreak.store.base import Store
from silobreak.store.duckdb_graph import LABEL_SQL, edge_specs

_NODES = f"""
SELECT node, array_sort(collect_set(schema)) AS schemata,
       array_sort(collect_set(CASE WHEN prop = 'name' THEN value END)) AS names,
       array_sort(collect_set(CASE WHEN prop IN ({LABEL_SQL}) THEN value END)) AS labels,
       array_sort(collect_set(dataset)) AS datasets,
       array_sort(collect_set(org)) AS orgs,
       count(DISTINCT dataset, entity_id) AS records,
       min(first_seen) AS first_seen, max(last_seen) AS last_seen
FROM g_s WHERE schema NOT IN (SELECT schema FROM edge_specs)
GROUP BY node
"""

_RECORDS = """
SELECT dataset, entity_id, node, concat(dataset, '/', entity_id) AS record,
       count(*) OVER (PARTITION BY node) > 1 AS merged
FROM (SELECT DISTINCT dataset, entity_id, node FROM g_s)
"""

_PAIRS = """
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

_EDGES = """
SELECT source, target, kind,
       array_sort(collect_set(dataset)) AS datasets,
       array_sort(collect_set(org)) AS orgs,
       array_sort(collect_set(marking)) AS markings,
       min(source_grade) AS grade, count(*) AS statements,
       min(first_seen) AS first_seen, max(last_seen) AS last_seen
FROM g_p
GROUP BY source, target, kind
"""

_ENDS = """
SELECT DISTINCT source, target, kind, source_record, target_record FROM g_p
WHERE source_record IS NOT NULL OR target_record IS NOT NULL
"""

_LINKS = """
SELECT a.node, p.left_key AS left_record, p.right_key AS right_record, p.probability
FROM resolve_pairs p
JOIN g_r a ON a.record = p.left_key
JOIN g_r b ON b.record = p.right_key AND b.node = a.node
WHERE a.merged AND p.probability IS NOT NULL
"""

_TOPICS = """
SELECT node, value AS topic, dataset, entity_id, org, marking, source_grade AS grade, last_seen
FROM g_s WHERE prop = 'topics'
"""


def spark_graph_inputs(spark: Any, store: Store, viewer: Viewer) -> dict[str, list[dict[str, Any]]]:
    """The rows of ``duckdb_graph.graph_inputs``, computed by Spark, sorted as DuckDB sorts."""
    with tempfile.TemporaryDirectory(prefix="silobreak-graph-") as folder:
        statements = os.path.join(folder, "statements.parquet")
        resolver = os.path.join(folder, "resolver.parquet")
        specs = os.path.join(folder, "edge_specs.parquet")
        reader = store.read_statements(viewer)
        with pq.ParquetWriter(statements, reader.schema) as writer:
            for batch in reader:
                writer.write_batch(batch)
        pq.write_table(store.read_resolver(viewer).read_all(), resolver)
        pq.write_table(edge_specs(), specs)
        pairs = os.path.join(folder, "resolve_pairs.parquet")
        pq.write_table(
            store.resolve_state()[1].select(["left_key", "right_key", "probability"]), pairs
        )
        spark.read.parquet(statements).createOrReplaceTempView("statements")
        spark.read.parquet(resolver).createOrReplaceTempView("resolver")
        spark.read.parquet(specs).createOrReplaceTempView("edge_specs")
        spark.read.parquet(pairs).createOrReplaceTempView("resolve_pairs")
        spark.sql(
            """SELECT s.*, coalesce(r.canonical_id, concat(s.dataset, '/', s.entity_id)) AS node
            FROM statements s LEFT JOIN resolver r
              ON r.dataset = s.dataset AND r.entity_id = s.entity_id"""
        ).createOrReplaceTempView("g_s")
        cached = [spark.sql(_RECORDS).cache()]
        cached[0].createOrReplaceTempView("g_r")
        cached.append(spark.sql(_PAIRS).cache())
        cached[1].createOrReplaceTempView("g_p")
        out = {
            "nodes": _rows(spark.sql(_NODES), ("node",)),
            "edges": _rows(spark.sql(_EDGES), ("source", "target", "kind")),
            "topics": _rows(spark.sql(_TOPICS), ("node", "topic", "dataset", "entity_id", "org")),
            "ends": _rows(spark.sql(_ENDS)),
            "links": _rows(spark.sql(_LINKS)),
        }
        for frame in cached:
            frame.unpersist()
    return out


def _rows(frame: Any, order: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    """Rows sorted as DuckDB's ``ORDER BY`` sorts them (nulls last); every column when
    ``order`` is None."""
    rows = [row.asDict() for row in frame.collect()]
    keys = order or tuple(frame.columns)
    return sorted(
        rows, key=lambda r: tuple((r[k] is None, "" if r[k] is None else r[k]) for k in keys)
    )
