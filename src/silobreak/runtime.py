"""Process-wide settings for the heavy passes (ingest, resolution, graph build)."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Pause Python's cycle collector for a pass that allocates millions of long-lived
    objects (statements, keys, comparisons, edges) and leaves no garbage in reference
    cycles: the collector would scan them again and again and free nothing. Measured:
    resolving 300k records 148 s -> 117 s; 100k actors' ingest 19 s -> 13 s and graph build
    15 s -> 10 s, at the same peak memory. Forked workers inherit the pause; the caller's
    own setting is restored. Usable as a decorator."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def default_workers() -> int:
    """Worker processes for the passes that fork (resolution's key pass and comparisons):
    one per core, or ``SILOBREAK_WORKERS``."""
    return int(os.environ.get("SILOBREAK_WORKERS", os.cpu_count() or 1))
