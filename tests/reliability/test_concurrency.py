"""Two copies at once: parallel imports serialise on the data lock; a second window hands over."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from db import paths
from db.build import verify_manifest
from db.imports import check_library, list_imports
from db.library import open_library

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
