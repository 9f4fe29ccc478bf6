"""The graph's inputs (nodes, edges, topics) built on Spark, for workspaces too large for one
process: the same tables as ``store/duckdb_graph.py``, from the same visible statements.

The statements the viewer may see and the resolver are handed to Spark as Parquet files (read
through the store, so through policy); the SQL below mirrors the DuckDB SQL with Spark's
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

_EDGES = """
WITH refs AS (
    SELECT g.dataset, g.entity_id, g.schema, g.prop, g.value, g.org, g.marking,
           g.source_grade, g.first_seen, g.last_seen, g.node AS via, t.node AS ref
    FROM g_s g JOIN (SELECT DISTINCT dataset, entity_id, node FROM g_s) t
      ON t.dataset = g.dataset AND t.entity_id = g.value
    WHERE g.prop_type = 'entity'
),
pairs AS (
    SELECT a.ref AS source, b.ref AS target, a.schema AS kind, a.dataset, a.org, a.marking,
           a.source_grade, a.first_seen, a.last_seen
    FROM refs a
    JOIN edge_specs sp ON sp.schema = a.schema AND sp.source_prop = a.prop
    JOIN refs b ON b.dataset = a.dataset AND b.entity_id = a.entity_id
               AND b.prop = sp.target_prop
    UNION ALL
    SELECT a.via AS source, a.ref AS target, concat(a.schema, ':', a.prop) AS kind,
           a.dataset, a.org, a.marking, a.source_grade, a.first_seen, a.last_seen
    FROM refs a WHERE a.schema NOT IN (SELECT schema FROM edge_specs)
)
SELECT source, target, kind,
       array_sort(collect_set(dataset)) AS datasets,
       array_sort(collect_set(org)) AS orgs,
       array_sort(collect_set(marking)) AS markings,
       min(source_grade) AS grade, count(*) AS statements,
       min(first_seen) AS first_seen, max(last_seen) AS last_seen
FROM pairs WHERE source <> target
GROUP BY source, target, kind
"""

_TOPICS = """
SELECT node, value AS topic, dataset, entity_id, org, marking, source_grade AS grade, last_seen
FROM g_s WHERE prop = 'topics'
"""


def spark_graph_inputs(spark: Any, store: Store, viewer: Viewer) -> dict[str, list[dict[str, Any]]]:
    """``nodes``, ``edges`` and ``topics`` rows, computed by Spark, sorted as DuckDB sorts."""
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
        spark.read.parquet(statements).createOrReplaceTempView("statements")
        spark.read.parquet(resolver).createOrReplaceTempView("resolver")
        spark.read.parquet(specs).createOrReplaceTempView("edge_specs")
        spark.sql(
            """SELECT s.*, coalesce(r.canonical_id, concat(s.dataset, '/', s.entity_id)) AS node
            FROM statements s LEFT JOIN resolver r
              ON r.dataset = s.dataset AND r.entity_id = s.entity_id"""
        ).createOrReplaceTempView("g_s")
        out = {
            "nodes": _rows(spark.sql(_NODES), ("node",)),
            "edges": _rows(spark.sql(_EDGES), ("source", "target", "kind")),
            "topics": _rows(spark.sql(_TOPICS), ("node", "topic", "dataset", "entity_id", "org")),
        }
    return out


def _rows(frame: Any, order: tuple[str, ...]) -> list[dict[str, Any]]:
    rows = [row.asDict() for row in frame.collect()]
    return sorted(rows, key=lambda r: tuple(r[k] for k in order))
