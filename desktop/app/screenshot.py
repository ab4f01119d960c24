"""Development aid: the window at a given size and theme, a query typed and a result open, as a PNG.

Run ``python -m desktop.app.screenshot OUT.png --size 1366x768 --theme dark``
(offscreen or under Xvfb); it uses the store under the data folder, like the app.
``--import FILE`` imports a file first, through the window (as File ▸ Import… does);
``--screen`` grabs the whole screen (under Xvfb), so the import summary box shows.
"""

from __future__ import annotations

import argparse
import sys

from PySide6.QtCore import QTimer


def main(argv: list[str] | None = None) -> int:
    """Take one screenshot; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out")
    parser.add_argument("--size", default="1366x768")
    parser.add_argument("--theme", choices=["light", "dark"], default="light")
    parser.add_argument("--query", default="maritime piracy")
    parser.add_argument("--result", type=int, default=0)
    parser.add_argument("--tab", default="")
    parser.add_argument("--entity", default="")
    parser.add_argument("--zoom", type=float, default=1.0)
    parser.add_argument("--source", action="store_true")
    parser.add_argument("--import", dest="import_files", action="append", default=[])
    parser.add_argument("--screen", action="store_true")
    parser.add_argument("--projector", action="store_true", help="Projector mode (F11).")
    args = parser.parse_args(argv)
    from pathlib import Path

    from PySide6.QtGui import QGuiApplication

    from desktop.app.jobs import LibraryJobs
    from desktop.app.main import _application
    from desktop.app.settings import Settings
    from desktop.app.theme import ThemeManager
    from desktop.app.window import MainWindow

    app = _application()
    theme = ThemeManager(args.theme)
    theme.apply()
    jobs = LibraryJobs()
    window = MainWindow(None, Settings(), theme, persist=False, jobs=jobs)
    w, h = (int(x) for x in args.size.split("x"))
    window.resize(w, h)
    window.move(0, 0)
    window.splitter.setSizes([int(w * 0.22), int(w * 0.3), int(w * 0.48)])
    window.zoom.set_factor(args.zoom)
    window.show()
    jobs.open_failed.connect(
        lambda why: print(f"screenshot: {why}", file=sys.stderr) or app.exit(1)
    )

    def arrange() -> None:
        if args.tab:
            window.tree_pane.show_tab(args.tab)
        if args.entity:
            window.navigation.select_entity(args.entity)
        if args.query:
            window.search_pane.field.setText(args.query)
            window.search_pane.controller.run_now()
            if args.result >= 0 and window.search_pane.results_model.rowCount():
                window.search_pane.open_row(args.result)
        if args.source:
            window.actions_by_name["toggle_source"].trigger()
        if args.projector:
            window.actions_by_name["projector"].trigger()
        if not args.projector:
            window.search_pane.field.setFocus()
        QTimer.singleShot(800, shoot)

    def shoot() -> None:
        if args.screen:
            QGuiApplication.primaryScreen().grabWindow(0).save(args.out)
        else:
            window.grab().save(args.out)
        app.exit(0)

    def ready() -> None:
        window.library_opened.disconnect(ready)
        if args.import_files:
            window.flows.job_finished.connect(lambda _status: arrange())
            window.flows.import_paths([Path(f) for f in args.import_files])
        else:
            arrange()

    window.library_opened.connect(ready)
    jobs.open()
    code = app.exec()
    window.close()
    return code


if __name__ == "__main__":
    sys.exit(main())
