"""Pytest fixtures for the desktop window: the real window over the session's built store.

Preferences go to an INI file under the per-test data folder (the autouse
``_isolated_data_dir`` fixture), so no test sees another's settings.
:func:`own_window` is a window whose jobs opened its own library in that
folder, so the test can import into it and remove from it.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from db import paths
from db.reading import Library
from desktop.app.jobs import LibraryJobs
from desktop.app.settings import Settings
from desktop.app.theme import ThemeManager
from desktop.app.window import MainWindow


@pytest.fixture
def theme(qapp) -> ThemeManager:
    """A light theme, applied to the test QApplication."""
    manager = ThemeManager("light")
    manager.apply()
    return manager


@pytest.fixture
def make_window(qtbot, library: Library, theme: ThemeManager) -> Callable[..., MainWindow]:
    """Return a factory of shown main windows over the session library."""

    def make(**kwargs) -> MainWindow:
        window = MainWindow(library, Settings(), theme, **kwargs)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        return window

    return make


@pytest.fixture
def window(make_window) -> Iterator[MainWindow]:
    """One shown main window."""
    yield make_window()


@pytest.fixture
def own_window(qtbot, built_store: Path, theme: ThemeManager) -> Iterator[MainWindow]:
    """A shown window over a library in the test's data folder, opened as the app opens it.

    The session's store starts as a copy of the session-wide built store (so no
    test waits for a build); importing and removing change only this copy.
    """
    shutil.copytree(built_store, paths.store_dir())
    jobs = LibraryJobs()
    window = MainWindow(None, Settings(), theme, jobs=jobs)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.library_opened, timeout=30_000):
        assert jobs.open()
    yield window


@pytest.fixture
def search_for(qtbot) -> Callable[[MainWindow, str], None]:
    """Return a helper that types a query and waits until its results are shown."""

    def run(window: MainWindow, text: str) -> None:
        window.search_pane.field.setFocus()
        window.search_pane.field.clear()
        qtbot.keyClicks(window.search_pane.field, text)
        qtbot.waitUntil(
            lambda: (
                window.search_pane.controller.last_state is not None
                and window.search_pane.controller.last_state.query == text
            ),
            timeout=3000,
        )

    return run


@pytest.fixture(scope="session", autouse=True)
def _empty_clipboard_at_the_end() -> Iterator[None]:
    """Empty the clipboard before Python shuts down.

    Qt's offscreen clipboard is a static that outlives the interpreter: the QMimeData
    a copy action put there would be deleted after Python is gone (a crash at exit).
    """
    yield
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is not None:
        QGuiApplication.clipboard().clear()
