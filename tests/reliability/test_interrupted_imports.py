"""Imports killed at random points: after each restart every document is whole or absent."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from db import paths
from db.build import verify_manifest
from db.library import open_library
from db.originals import check_library, list_imports

LIAISON = Path(sys.executable).parent / "liaison"
RUNS = 50


def _note(folder: Path, i: int) -> Path:
    f = folder / f"note{i}.txt"
    f.write_text(f"Note {i}\nObservation number {i} about quay{i} inspections at the port.\n")
    return f


def assert_consistent(data: Path) -> int:
    """Open the library as the app does after a restart; check whole-or-absent; return count."""
    with open_library() as lib:
        recorded = {x.file_name for x in list_imports()}
        stored = {
            s["file"] for d in lib.documents() if d["origin"] == "imported" for s in d["sources"]
        }
        assert recorded == stored
        for name in recorded:
            n = name.removeprefix("note").removesuffix(".txt")
            hits = lib.search(f"quay{n}").hits
            assert hits and hits[0].text.startswith(f"Observation number {n} "), name
    originals = data / "library" / "originals"
    present = {p.name for p in originals.iterdir()} if originals.is_dir() else set()
    assert present == {x.original.name for x in list_imports()}
    assert check_library().consistent
    assert verify_manifest(paths.store_dir()) == []
    return len(recorded)


@pytest.mark.slow
def test_fifty_killed_imports_leave_a_consistent_library(tmp_path):
    data = paths.data_dir()
    env = {**os.environ, paths.ENV_DATA_DIR: str(data)}
    subprocess.run([str(LIAISON), "build"], env=env, check=True, capture_output=True)
    started = time.perf_counter()
    subprocess.run(
        [str(LIAISON), "import", str(_note(tmp_path, 0))], env=env, check=True, capture_output=True
    )
    duration = time.perf_counter() - started
    assert_consistent(data)
    rng = random.Random(8)
    survived = 0
    for i in range(1, RUNS + 1):
        # Spread the kills over the whole import (start-up, parse, commit, rebuild, swap).
        delay = duration * (i - rng.random()) / RUNS * 1.1
        proc = subprocess.Popen(
            [str(LIAISON), "import", str(_note(tmp_path, i))],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        present = assert_consistent(data)
        survived += 1
    assert survived == RUNS
    print(
        f"import takes {duration:.2f} s; {RUNS} kills, {survived} consistent restarts, "
        f"{present - 1} of the {RUNS} killed imports had completed, none half-present"
    )
