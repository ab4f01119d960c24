"""Starting the desktop app: QApplication setup, opening the store, and the smoke run.

``liaison`` (no command) and ``liaison gui`` call :func:`run_gui`. The window
is shown first, saying it is opening the library; only after it has been
painted is the library opened (which imports Whoosh, SQLite and the rest of
:mod:`db`), so the officer sees Liaison at once. With ``smoke=True`` the window
opens, types a query, opens the first result and prints one JSON line of
timings measured from process start, then exits.

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

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from db.labels import BUILD_STEPS
from desktop.app import dialogs
from desktop.app.jobs import LibraryJobs
from desktop.app.settings import Settings
from desktop.app.single_instance import hand_over_to_running_copy
from desktop.app.theme import ThemeManager
from desktop.app.window import MainWindow

_IMPORTED_AT = time.perf_counter()
SMOKE_QUERY = "maritime piracy"
SMOKE_TIMEOUT_MS = 30_000
#: Open the library after this long even if the window was never painted (minimised).
FIRST_PAINT_FALLBACK_MS = 500


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
        self.dialog.setLabelText(f"{BUILD_STEPS.get(step, step)}: {done} of {total}")
        self.dialog.setMaximum(max(total, 1))
        self.dialog.setValue(min(done, total))

    def close(self) -> None:
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None


class AfterFirstPaint(QObject):
    """Calls ``callback`` once, from the event loop, just after ``widget`` is first painted.

    If no paint comes (the window starts minimised or hidden), the callback runs
    after :data:`FIRST_PAINT_FALLBACK_MS` anyway.

    Args:
        widget: The window to watch.
        callback: What to run.
    """

    def __init__(self, widget: QWidget, callback: Callable[[], None]) -> None:
        super().__init__(widget)
        self.widget = widget
        self.callback = callback
        self.fired = False
        widget.installEventFilter(self)
        QTimer.singleShot(FIRST_PAINT_FALLBACK_MS, self, self._fire)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Wait for the first paint event of the window."""
        if watched is self.widget and event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, self, self._fire)
        return False

    def _fire(self) -> None:
        if self.fired:
            return
        self.fired = True
        self.widget.removeEventFilter(self)
        self.callback()


class SmokeRun:
    """Drives the window once: shown → query typed → results → first result opened.

    Args:
        window: The main window (already shown).
        started: ``time.perf_counter()`` at process start.
        emit: Where the JSON line goes.
    """

    def __init__(
        self, window: MainWindow, started: float, emit: Callable[[str], None] = print
    ) -> None:
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
        self.window.search_pane.controller.results_ready.connect(self._results)
        if self.window.library is not None:
            self._type()
        else:
            self.window.library_opened.connect(self._type)

    def _type(self) -> None:
        field = self.window.search_pane.field
        if field.text() != SMOKE_QUERY:
            field.setText(SMOKE_QUERY)

    def _results(self, state: object) -> None:
        hits = getattr(state, "hits", ())
        if getattr(state, "query", "") != SMOKE_QUERY or "first_results_ms" in self.timings:
            return
        if not hits:
            self._fail(f"no results for {SMOKE_QUERY!r}")
            return
        self.timings["first_results_ms"] = self._ms()
        self.window.search_pane.open_row(0)
        QTimer.singleShot(0, self._viewed)

    def _viewed(self) -> None:
        if self.window.reader_pane.reader.passage is None:
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
    """Show the window, then open the library, and run the event loop.

    Args:
        smoke: Type a query, open the first result, print timings as one JSON line, exit.

    Returns:
        The process exit code (1 when the store could not be opened).
    """
    started = process_start()
    app = _application()
    if hand_over_to_running_copy():
        return 0
    settings = Settings()
    theme = ThemeManager(settings.theme)
    theme.apply()
    builder = _BuildProgress(enabled=not smoke)
    jobs = LibraryJobs()
    jobs.build_notice.connect(builder.notice)
    jobs.build_progressed.connect(builder.progress)
    window = MainWindow(None, settings, theme, persist=not smoke, jobs=jobs)

    starting = [True]

    def opened() -> None:
        builder.close()  # every time: a rebuild after an import shows it too
        starting[0] = False

    def failed(message: str) -> None:
        builder.close()
        if not starting[0]:
            return  # after an import or removal: the window and its notice say why
        starting[0] = False
        print(f"liaison: error: {message}", file=sys.stderr)
        if not smoke:
            dialogs.show_error(window, "Liaison", f"The library could not be opened: {message}")
        app.exit(1)

    def open_library() -> None:
        jobs.opened.connect(opened)
        jobs.open_failed.connect(failed)
        jobs.open()

    window.show()
    AfterFirstPaint(window, open_library)
    if smoke:
        SmokeRun(window, started).start()
    try:
        return app.exec()
    finally:
        window.close()
        window.deleteLater()
