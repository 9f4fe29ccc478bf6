"""The graph's inputs (nodes, edges, topics, ends, links) built on Spark, for workspaces too
large for one process: the same tables as ``store/duckdb_graph.py``, from the same visible
statements.

The statements the viewer may see and the resolver are handed to Spark as Parquet files (read
through the store, so through policy), with the last resolution run's compared pairs (kept
only where the viewer sees both records); the SQL below mirrors the DuckDB SQL with Spark's
functions (``array_sort(collect_set(...))`` for DuckDB's ordered ``list(DISTINCT ...)``),
and runs the records, relationship pairs, ends and links SQL of ``duckdb_graph.py`` as written.
Tested to give the same rows as the embedded build.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any

import pyarrow.parquet as pq

from silobreak.policy.viewer import Viewer
from silobreak.store.base import Store
from silobreak.store.duckdb_graph import (
    ENDS_SQL,
    LABEL_SQL,
    LINKS_SQL,
    PAIRS_SQL,
    RECORDS_SQL,
    edge_specs,
)

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
SELECT source, target, kind,
       array_sort(collect_set(dataset)) AS datasets,
       array_sort(collect_set(org)) AS orgs,
       array_sort(collect_set(marking)) AS markings,
       min(source_grade) AS grade, count(*) AS statements,
       min(first_seen) AS first_seen, max(last_seen) AS last_seen
FROM g_p
GROUP BY source, target, kind
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
        cached = [spark.sql(RECORDS_SQL).cache()]
        cached[0].createOrReplaceTempView("g_r")
        cached.append(spark.sql(PAIRS_SQL).cache())
        cached[1].createOrReplaceTempView("g_p")
        out = {
            "nodes": _rows(spark.sql(_NODES), ("node",)),
            "edges": _rows(spark.sql(_EDGES), ("source", "target", "kind")),
            "topics": _rows(spark.sql(_TOPICS), ("node", "topic", "dataset", "entity_id", "org")),
            "ends": _rows(spark.sql(ENDS_SQL)),
            "links": _rows(spark.sql(LINKS_SQL)),
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
