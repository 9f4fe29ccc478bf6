"""Peak memory of a benchmark's whole process tree, for the scale benchmarks."""

from __future__ import annotations

import contextlib
import threading

import psutil


class TreeMemory:
    """Peak memory of this process and its children (comparison workers, Spark's JVM and
    Python workers): the sum of their proportional set sizes, sampled twice a second, so
    that pages shared after a fork count once."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.wait(0.5):
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    total += proc.memory_full_info().pss
            self.peak = max(self.peak, total)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
