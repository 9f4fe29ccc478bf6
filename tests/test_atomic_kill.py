"""A kill -9 in the middle of a load leaves the store exactly as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from silobreak.ingest import IngestOptions, ingest_file
from silobreak.model.records import Org
from silobreak.policy import SYSTEM
from silobreak.scenario.bulk import write_bulk_ftm
from silobreak.store import open_store
from tests.conftest import entity, write_jsonl


@pytest.mark.slow
def test_kill_during_load_leaves_store_unchanged(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    with open_store(workspace) as store:
        store.add_org(Org("police", "law_enforcement"))
        small = write_jsonl(tmp_path / "small.json", [entity("p1", "Person", name="A B")])
        ingest_file(store, small, IngestOptions("police", "d", progress=False))
        before = store.count_statements(SYSTEM)
    big = tmp_path / "big.json"
    write_bulk_ftm(big, 300_000)
    env = {**os.environ, "SILOBREAK_WORKSPACE": str(workspace)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "silobreak",
            "ingest",
            str(big),
            "--org",
            "police",
            "--dataset",
            "big",
            "--quiet",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    # Wait until the loader has worked for 2 s of CPU: several batches are staged by then
    # (the whole load takes several times longer).
    watched = psutil.Process(proc.pid)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        cpu = watched.cpu_times()
        if cpu.user + cpu.system >= 2.0:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the load finished before it could be killed; use a bigger file"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    with open_store(workspace) as store:
        assert store.count_statements(SYSTEM) == before
        assert store.get_dataset("big") is None
        assert [load.dataset for load in store.list_loads(SYSTEM)] == ["d"]
        # and the store still takes the same load afterwards
        load = ingest_file(store, big, IngestOptions("police", "big", progress=False)).load
        assert load is not None and load.entities == 300_000
