"""Imports killed at random points: after each restart every document is whole or absent."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from db import paths
from db.freshness import pending_change, verify_manifest
from db.imports import import_files, remove_document
from db.index import index_passage_ids, index_stats
from db.library import open_library
from db.originals import check_library, list_imports, pending_addition
from db.parse import parse_text
from db.parse.text import slugify
from db.semantic import VECTORS_NAME, bundled_table, load_store_vectors
from tests.helpers.resolutions import ga_resolution, marker, symbol, write_resolutions

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


# -- folders and removals, killed at random points (the store changed in place) ---------


def _slug(n: int) -> str:
    return slugify(symbol(n))


def assert_store_agrees_with_record(numbers: range) -> set[int]:
    """Open the library as the next start does; check every document and the derived files.

    Each of the resolutions ``numbers`` is whole (every passage its text gives) and found
    by its own word, or absent with no hit at all; the index and the passage vectors hold
    exactly the record's passages; ``PRAGMA integrity_check`` is ok.

    Returns:
        The numbers present.
    """
    with open_library() as lib:
        store_dir = lib.store_dir
        recorded = {x.sha256 for x in list_imports()}
        imported = [d for d in lib.documents() if d["origin"] == "imported"]
        assert recorded == {s["sha256"] for d in imported for s in d["sources"]}
        by_id = {d["id"]: d for d in imported}
        record_ids = {p["id"] for p in lib.store.passages()}
        present = set()
        for n in numbers:
            doc = by_id.get(_slug(n))
            hits = lib.search(marker(n), meaning=False).hits
            if doc is None:
                assert not [h for h in hits if h.document_id == _slug(n)], n
                continue
            present.add(n)
            expected = parse_text(ga_resolution(n), title=None).passages
            assert doc["passages"] == len(expected), n
            assert hits and hits[0].document_id == _slug(n), n
    assert index_passage_ids(store_dir / "index") == record_ids
    assert index_stats(store_dir / "index")["passages"] == len(record_ids)
    vectors = load_store_vectors(store_dir / VECTORS_NAME, bundled_table())
    assert sorted(vectors.ids) == sorted(record_ids)
    conn = sqlite3.connect(f"{(store_dir / 'liaison.sqlite').as_uri()}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        conn.close()
    assert verify_manifest(store_dir) == []
    assert check_library().consistent
    return present


def _kill_at(args: list[str], env: dict[str, str], delay: float) -> bool:
    """Run the CLI, kill it after ``delay`` s; True when it left a change half done."""
    proc = subprocess.Popen(
        [str(LIAISON), *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return pending_change(paths.store_dir()) is not None or pending_addition() is not None


@pytest.mark.slow
def test_fifty_killed_folder_imports_and_removals_leave_each_document_whole_or_absent(tmp_path):
    data = paths.data_dir()
    env = {**os.environ, paths.ENV_DATA_DIR: str(data)}
    subprocess.run([str(LIAISON), "build"], env=env, check=True, capture_output=True)
    rng = random.Random(13)
    first = write_resolutions(tmp_path / "f0", range(1, 3))[0].parent
    started = time.perf_counter()
    subprocess.run([str(LIAISON), "import", str(first)], env=env, check=True, capture_output=True)
    duration = time.perf_counter() - started
    assert assert_store_agrees_with_record(range(1, 3)) == {1, 2}
    completed = halfway = 0
    for i in range(1, RUNS + 1):
        numbers = range(10 * i, 10 * i + 2)
        folder = write_resolutions(tmp_path / f"f{i}", numbers)[0].parent
        halfway += _kill_at(["import", str(folder)], env, duration * rng.random() * 1.2)
        completed += len(assert_store_agrees_with_record(numbers))
    (report,) = import_files(write_resolutions(tmp_path / "r0", [600]))
    started = time.perf_counter()
    subprocess.run([str(LIAISON), "remove", report.document_id], env=env, check=True)
    removal = time.perf_counter() - started
    removed = 0
    for i in range(1, RUNS + 1):
        n = 600 + i
        (report,) = import_files(write_resolutions(tmp_path / f"r{i}", [n]))
        assert report.ok, report.message
        assert report.document_id == _slug(n)
        assert assert_store_agrees_with_record(range(n, n + 1)) == {n}
        halfway += _kill_at(["remove", report.document_id], env, rng.random() * 1.2 * removal)
        if not assert_store_agrees_with_record(range(n, n + 1)):
            removed += 1
        elif rng.random() < 0.5:
            remove_document(report.document_id)  # keep the library small
    print(
        f"folder import of 2 takes {duration:.2f} s; {RUNS} killed: {completed} of "
        f"{2 * RUNS} documents completed, the rest absent; removal takes {removal:.2f} s, "
        f"{RUNS} killed: {removed} completed, the rest whole; every document whole or absent, "
        f"index and vectors in line with the record; {halfway} of the {2 * RUNS} kills left "
        "a change half done (finished or undone on the next start)"
    )
    assert halfway > 0
