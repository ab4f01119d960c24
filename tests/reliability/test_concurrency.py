"""Two copies at once: parallel imports serialise on the data lock; a second window hands over."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from db import paths
from db.freshness import verify_manifest
from db.library import open_library
from db.originals import check_library, list_imports

LIAISON = Path(sys.executable).parent / "liaison"


def _env(data_dir: Path) -> dict[str, str]:
    return {**os.environ, paths.ENV_DATA_DIR: str(data_dir), "QT_QPA_PLATFORM": "offscreen"}


@pytest.mark.slow
def test_parallel_imports_both_land_and_are_searchable(tmp_path):
    data = paths.data_dir()
    subprocess.run([str(LIAISON), "build"], env=_env(data), check=True, capture_output=True)
    files = []
    for word in ("lighthouse", "drawbridge", "portcullis"):
        f = tmp_path / f"{word}.txt"
        f.write_text(f"Notes on {word}s\nThe {word} inspection found nothing unusual.\n")
        files.append(f)
    procs = [
        subprocess.Popen(
            [str(LIAISON), "import", str(f)],
            env=_env(data),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f in files
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    assert sorted(f.file_name for f in list_imports()) == sorted(f.name for f in files)
    assert check_library().consistent
    with open_library() as lib:
        assert lib.report.message is None and not lib.report.rebuilt
        for word in ("lighthouse", "drawbridge", "portcullis"):
            assert lib.search(word).hits, word
    assert verify_manifest(paths.store_dir()) == []


@pytest.mark.slow
@pytest.mark.qt_log_ignore("This plugin does not support (propagateSizeHints|raise)")
def test_two_windows_at_once_hand_over_or_both_work(tmp_path):
    data = tmp_path / "data"
    subprocess.run([str(LIAISON), "build"], env=_env(data), check=True, capture_output=True)
    procs = [
        subprocess.Popen(
            [str(LIAISON), "gui", "--smoke"],
            env=_env(data),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outcomes = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        if out.strip():
            assert json.loads(out.strip().splitlines()[-1])["viewer_ms"] > 0
            outcomes.append("ran")
        else:
            assert "already open" in err
            outcomes.append("handed over")
    assert "ran" in outcomes
    assert verify_manifest(data / "store") == []


@pytest.mark.qt_log_ignore("This plugin does not support (propagateSizeHints|raise)")
def test_second_window_hands_over_to_a_running_one(tmp_path, qapp):
    """A copy already running (this process) is asked to come forward; the newcomer exits."""
    from desktop.app import single_instance

    data = tmp_path / "data"
    assert single_instance.hand_over_to_running_copy(data) is False
    try:
        proc = subprocess.Popen(
            [str(LIAISON), "gui", "--smoke"],
            env=_env(data),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        guard = single_instance._current
        assert guard is not None
        activated: list[bool] = []
        guard.activated.connect(lambda: activated.append(True))
        from pytestqt.qtbot import QtBot

        QtBot(qapp).waitUntil(lambda: proc.poll() is not None and bool(activated), timeout=60_000)
        out, err = proc.communicate(timeout=10)
    finally:
        single_instance._current.close()
    assert proc.returncode == 0
    assert out == ""
    assert "Liaison is already open: brought its window to the front." in err


def _parallel_imports(data: Path, files: list[Path]) -> list[tuple[int, str, str]]:
    procs = [
        subprocess.Popen(
            [str(LIAISON), "import", "--json", str(f)],
            env=_env(data),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f in files
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    return [(p.returncode, out, err) for p, (out, err) in zip(procs, outputs, strict=True)]


@pytest.mark.slow
def test_a_lock_that_cannot_be_taken_stops_every_import_in_one_line(tmp_path):
    """A folder where the lock file belongs: every import says so; none is half-done."""
    data = paths.data_dir()
    subprocess.run([str(LIAISON), "build"], env=_env(data), check=True, capture_output=True)
    (data / ".liaison.lock").unlink()
    (data / ".liaison.lock").mkdir()
    files = []
    for word in ("lighthouse", "drawbridge", "portcullis"):
        f = tmp_path / f"{word}.txt"
        f.write_text(f"Notes on {word}s\nThe {word} inspection found nothing unusual.\n")
        files.append(f)
    for _code, out, err in _parallel_imports(data, files):
        assert out == ""
        assert err.splitlines() == [
            f"liaison: error: cannot lock the data folder {data} against another copy of "
            "Liaison: .liaison.lock is a folder, not a file; remove it"
        ]
    assert list_imports() == []


@pytest.mark.slow
def test_rounds_of_parallel_imports_lose_no_document(tmp_path):
    """What each import reports is what the library holds afterwards, round after round."""
    data = paths.data_dir()
    subprocess.run([str(LIAISON), "build"], env=_env(data), check=True, capture_output=True)
    reported: set[str] = set()
    for round_ in range(3):
        files = []
        for word in ("lighthouse", "drawbridge", "portcullis"):
            f = tmp_path / f"{word}{round_}.txt"
            f.write_text(f"Notes on {word}{round_}\nThe {word}{round_} inspection found nothing.\n")
            files.append(f)
        for code, out, err in _parallel_imports(data, files):
            assert code == 0, err
            report = json.loads(out)
            assert report["status"] == "imported", report
            reported.add(report["file"])
    assert {f.file_name for f in list_imports()} == reported
    assert len(reported) == 9
    with open_library() as lib:
        shown = {
            s["file"] for d in lib.documents() if d["origin"] == "imported" for s in d["sources"]
        }
    assert shown == reported
    assert check_library().consistent
