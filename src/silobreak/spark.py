"""One way to start Spark for every engine that uses it: loopback only, no UI."""

from __future__ import annotations

import os
import sys
from typing import Any


def spark_session(app: str, master: str | None = None) -> Any:
    """A SparkSession on ``master`` (default env SILOBREAK_SPARK_MASTER or local[2])."""
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    return (
        SparkSession.builder.master(master or os.environ.get("SILOBREAK_SPARK_MASTER", "local[2]"))
        .appName(app)
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.driver.memory", os.environ.get("SILOBREAK_SPARK_DRIVER_MEMORY", "3g"))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
