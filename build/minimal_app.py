"""The smallest PySide6 window: the yardstick ``build/bundle.py`` compares Liaison against.

It is frozen with the same spec and options as Liaison (``build/liaison.spec -- --minimal``),
so the difference in size and start time between the two bundles is what Liaison itself adds
(its code, SQLite, Whoosh, the store) on top of the Qt every PySide6 app ships.

``--smoke`` shows the window, prints one JSON line ``{"window_shown_ms": …}`` and exits 0.
The milliseconds count from process start exactly as Liaison's ``gui --smoke`` counts them
(``desktop/app/main.py``): on Linux the kernel's start time of the process, so interpreter
start-up counts; elsewhere the clock read at the top of this script.
"""

from __future__ import annotations

import time

_STARTED = time.perf_counter()

import json  # noqa: E402 - the clock starts before any import
import os  # noqa: E402
import sys  # noqa: E402


def process_start() -> float:
    """Return the ``time.perf_counter()`` value at which this process started (best estimate)."""
    try:
        with open("/proc/self/stat") as fh:
            start_ticks = int(fh.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime") as fh:
            uptime = float(fh.read().split()[0])
        elapsed = uptime - start_ticks / os.sysconf("SC_CLK_TCK")
        if 0 <= elapsed < 120:
            return time.perf_counter() - elapsed
    except (OSError, ValueError, IndexError, AttributeError):
        pass
    return _STARTED


def main(argv: list[str] | None = None) -> int:
    """Show a main window with a label; with ``--smoke``, print the start time and exit.

    Args:
        argv: Command-line arguments (default: ``sys.argv[1:]``). A leading ``gui`` is
            accepted and ignored, so ``minimal gui --smoke`` works like ``liaison gui --smoke``.

    Returns:
        The exit code.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["gui"]:
        args = args[1:]
    smoke = "--smoke" in args
    started = process_start()

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle("Minimal")
    window.setCentralWidget(QLabel("A minimal PySide6 window."))
    window.resize(480, 320)
    window.show()
    if smoke:

        def report() -> None:
            shown_ms = (time.perf_counter() - started) * 1000
            print(json.dumps({"window_shown_ms": round(shown_ms, 1)}), flush=True)
            app.quit()

        QTimer.singleShot(0, report)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
