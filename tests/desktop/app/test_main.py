"""Starting the app: the smoke run as a real process, and a store that cannot be opened."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from db.errors import StoreError
from desktop.app import main

# The offscreen platform plugin says so whenever a window with a menu bar is shown.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (propagateSizeHints|raise)")


@pytest.mark.slow
def test_gui_smoke_prints_timings(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "desktop.cli",
            "--data-dir",
            str(tmp_path / "data"),
            "gui",
            "--smoke",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1
    timings = json.loads(lines[0])
    assert set(timings) == {"window_shown_ms", "first_results_ms", "viewer_ms"}
    assert 0 < timings["window_shown_ms"] <= timings["first_results_ms"] <= timings["viewer_ms"]
    assert (tmp_path / "data" / "store").is_dir()


def test_unopenable_store_shows_one_line_not_a_traceback(qapp, monkeypatch, capsys):
    shown: list[str] = []

    def fail(**_kwargs):
        raise StoreError("the store database liaison.sqlite is damaged (file is not a database)")

    monkeypatch.setattr("db.library.open_library", fail)
    monkeypatch.setattr(
        main.dialogs, "show_error", lambda _parent, _title, text: shown.append(text)
    )
    assert main.run_gui(smoke=False) == 1
    assert len(shown) == 1
    assert shown[0].startswith("The library could not be opened: the store database")
    assert "\n" not in shown[0]
    assert "Traceback" not in capsys.readouterr().err


def test_process_start_counts_interpreter_start_up():
    # A process that waits half a second before importing the module: process_start()
    # must date from before the wait (not from the import, nor from the call).
    code = (
        "import time; time.sleep(0.5)\n"
        "from desktop.app import main\n"
        "print(time.perf_counter() - main.process_start())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert 0.5 <= float(out) < 30


def test_window_is_shown_and_painted_before_the_library_opens(qapp, monkeypatch):
    from PySide6.QtWidgets import QApplication

    from desktop.app.window import MainWindow

    seen: list[tuple[bool, str, str]] = []

    def open_library(**_kwargs):
        (window,) = [
            w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
        ]
        seen.append(
            (
                window.isVisible(),
                window.status_bar.summary_label.text(),
                window.search_pane.empty_label.text(),
            )
        )
        raise StoreError("stop here")

    monkeypatch.setattr("db.library.open_library", open_library)
    monkeypatch.setattr(main.dialogs, "show_error", lambda *_args: None)
    painted: list[bool] = []
    real = main.AfterFirstPaint._fire
    monkeypatch.setattr(
        main.AfterFirstPaint, "_fire", lambda self: (painted.append(self.fired), real(self))
    )
    assert main.run_gui(smoke=False) == 1
    assert seen == [(True, "Opening the library…", "Opening the library…")]
    assert painted and painted[0] is False
