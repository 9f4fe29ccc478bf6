"""Connected components of the resolved graph, embedded and on Spark.

Embedded: union-find over the edge list. Spark: the large-star / small-star algorithm
(Kiveris et al., "Connected Components in MapReduce and Beyond", 2014) on DataFrames, as the
GraphFrames jar cannot be fetched here. Both label each node with the smallest node index of
its component, so their results can be compared as they are.
"""

from __future__ import annotations

from typing import Any


def components(nodes: int, edges: list[tuple[int, int]]) -> list[int]:
    """The smallest node index in each node's component."""
    parent = list(range(nodes))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return [find(x) for x in range(nodes)]


def spark_components(spark: Any, nodes: int, edges: list[tuple[int, int]]) -> list[int]:
    """The same labels, computed by large-star / small-star rounds on Spark DataFrames.

    Edges are unordered pairs. Large-star links every neighbour larger than a node to the
    smallest of the node's neighbourhood (itself included); small-star links a node and its
    smaller neighbours to the smallest of them. Alternating the two until the edge set stops
    changing leaves one star per component, centred on its smallest node.
    """
    from pyspark.sql import functions as F

    def normalise(frame: Any) -> Any:
        return (
            frame.select(F.least("u", "v").alias("u"), F.greatest("u", "v").alias("v"))
            .where(F.col("u") != F.col("v"))
            .distinct()
        )

    pairs = [(a, b) for a, b in edges if a != b]
    if not pairs:
        return list(range(nodes))
    current = normalise(spark.createDataFrame(pairs, "u long, v long")).localCheckpoint()
    while True:
        both = current.union(current.select(F.col("v").alias("u"), F.col("u").alias("v")))
        low = both.groupBy("u").agg(F.least(F.min("v"), F.col("u")).alias("m"))
        large = normalise(
            both.join(low, "u")
            .where(F.col("v") > F.col("u"))
            .select(F.col("v").alias("u"), F.col("m").alias("v"))
        )
        # small-star: each node's smaller neighbours (in unordered pairs u < v, v is the node)
        centre = large.groupBy("v").agg(F.min("u").alias("m"))
        small = normalise(
            large.join(centre, "v")
            .select(F.col("u").alias("u"), F.col("m").alias("v"))
            .union(centre.select(F.col("v").alias("u"), F.col("m").alias("v")))
        ).localCheckpoint()
        changed = (
            small.exceptAll(current).limit(1).count() + current.exceptAll(small).limit(1).count()
        )
        current = small
        if changed == 0:
            break
    label = list(range(nodes))
    for row in current.collect():
        a, b = int(row["u"]), int(row["v"])
        label[b] = min(label[b], a)
    return label
