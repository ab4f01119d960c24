"""Starting the desktop app: QApplication setup, opening the store, and the smoke run.

``liaison`` (no command) and ``liaison gui`` call :func:`run_gui`. With
``smoke=True`` the window opens, types a query, opens the first result and
prints one JSON line of timings measured from process start, then exits.

Process start: on Linux, the kernel's start time of this process
(``/proc/self/stat``), so interpreter start-up counts; elsewhere (or when
``/proc`` disagrees with itself, as in some containers) the
``time.perf_counter()`` taken at the top of :mod:`desktop.cli`.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog

from db.errors import LiaisonError
from desktop.app.settings import Settings
from desktop.app.theme import ThemeManager

_IMPORTED_AT = time.perf_counter()
SMOKE_QUERY = "maritime piracy"
SMOKE_TIMEOUT_MS = 30_000


def process_start() -> float:
    """Return the ``time.perf_counter()`` value at which this process started (best estimate)."""
    try:
        stat = Path("/proc/self/stat").read_text()
        start_ticks = int(stat.rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        elapsed = uptime - start_ticks / os.sysconf("SC_CLK_TCK")
        if 0 <= elapsed < 120:
            return time.perf_counter() - elapsed
    except (OSError, ValueError, IndexError):
        pass
    cli = sys.modules.get("desktop.cli")
    started = getattr(cli, "STARTED_AT", None)
    return float(started) if isinstance(started, float) else _IMPORTED_AT


def _application() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setApplicationName("Liaison")
    app.setApplicationDisplayName("Liaison")
    app.setDesktopFileName("liaison")
    return app


class _BuildProgress:
    """Shows store-building progress in a dialog (only when a build happens)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.dialog: QProgressDialog | None = None

    def notice(self, message: str) -> None:
        print(f"liaison: {message}", file=sys.stderr)
        if not self.enabled:
            return
        self.dialog = QProgressDialog(message, "", 0, 0)
        self.dialog.setWindowTitle("Liaison")
        self.dialog.setCancelButton(None)
        self.dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.dialog.setMinimumDuration(0)
        self.dialog.show()

    def progress(self, step: str, done: int, total: int) -> None:
        if self.dialog is None:
            return
        labels = {
            "parse": "Parsing documents",
            "record": "Writing the record",
            "index": "Indexing passages",
        }
        self.dialog.setLabelText(f"{labels.get(step, step)}: {done} of {total}")
        self.dialog.setMaximum(max(total, 1))
        self.dialog.setValue(min(done, total))

    def close(self) -> None:
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None


class SmokeRun:
    """Drives the window once: shown → query typed → results → first result opened.

    Args:
        window: The main window (already shown).
        started: ``time.perf_counter()`` at process start.
        emit: Where the JSON line goes.
    """

    def __init__(self, window: object, started: float, emit: Callable[[str], None] = print) -> None:
        from desktop.app.window import MainWindow

        assert isinstance(window, MainWindow)
        self.window = window
        self.started = started
        self.emit = emit
        self.timings: dict[str, int] = {}
        self.failed: str | None = None

    def _ms(self) -> int:
        return round((time.perf_counter() - self.started) * 1000)

    def start(self) -> None:
        """Begin once the event loop runs (the window has been shown)."""
        QTimer.singleShot(0, self._shown)
        QTimer.singleShot(SMOKE_TIMEOUT_MS, lambda: self._fail("timed out"))

    def _shown(self) -> None:
        self.timings["window_shown_ms"] = self._ms()
        self.window.search.results_ready.connect(self._results)
        self.window.search_field.setText(SMOKE_QUERY)

    def _results(self, state: object) -> None:
        hits = getattr(state, "hits", ())
        if getattr(state, "query", "") != SMOKE_QUERY or "first_results_ms" in self.timings:
            return
        if not hits:
            self._fail(f"no results for {SMOKE_QUERY!r}")
            return
        self.timings["first_results_ms"] = self._ms()
        self.window.open_result(0)
        QTimer.singleShot(0, self._viewed)

    def _viewed(self) -> None:
        if self.window.reader.passage is None:
            self._fail("the viewer did not open the first result")
            return
        self.timings["viewer_ms"] = self._ms()
        self.emit(json.dumps(self.timings))
        QApplication.instance().exit(0)

    def _fail(self, why: str) -> None:
        if "viewer_ms" in self.timings or self.failed:
            return
        self.failed = why
        print(f"liaison: error: smoke run failed: {why}", file=sys.stderr)
        QApplication.instance().exit(1)


def run_gui(smoke: bool = False) -> int:
    """Open the window and run the event loop.

    Args:
        smoke: Type a query, open the first result, print timings as one JSON line, exit.

    Returns:
        The process exit code (1 when the store could not be opened).
    """
    started = process_start()
    app = _application()
    from desktop.app.single_instance import hand_over_to_running_copy

    if hand_over_to_running_copy():
        return 0
    settings = Settings()
    theme = ThemeManager(settings.theme)
    theme.apply()
    builder = _BuildProgress(enabled=not smoke)
    from db.library import open_library

    try:
        library = open_library(progress=builder.progress, notice=builder.notice)
    except LiaisonError as exc:
        builder.close()
        message = f"The library could not be opened: {exc}"
        print(f"liaison: error: {exc}", file=sys.stderr)
        if not smoke:
            QMessageBox.critical(None, "Liaison", message)
        return 1
    builder.close()
    from desktop.app.window import MainWindow

    try:
        window = MainWindow(library, settings, theme, persist=not smoke)
        window.show()
        if smoke:
            SmokeRun(window, started).start()
        code = app.exec()
        window.close()
        window.deleteLater()
        return code
    finally:
        library.close()
