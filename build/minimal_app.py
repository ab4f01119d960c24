"""The smallest PySide6 window: the yardstick ``build/bundle.py`` compares Liaison against.

It is frozen with the same spec and options as Liaison (``build/liaison.spec -- --minimal``),
so the difference in size and start time between the two bundles is what Liaison itself adds
(its code, SQLite, Whoosh, the store) on top of the Qt every PySide6 app ships.

``--smoke`` shows the window, prints one JSON line ``{"window_shown_ms": …}`` (milliseconds from
the start of this script to the window being shown) and exits 0.
"""

from __future__ import annotations

import time

_STARTED = time.perf_counter()

import json  # noqa: E402 - the clock starts before any import
import sys  # noqa: E402


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
            shown_ms = (time.perf_counter() - _STARTED) * 1000
            print(json.dumps({"window_shown_ms": round(shown_ms, 1)}), flush=True)
            app.quit()

        QTimer.singleShot(0, report)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
