"""The window's own dialogs, one of each: keyboard shortcuts, About, and the comparison.

:class:`WindowDialogs` creates each dialog on first use and shows the same one again
afterwards; the dialogs that read the library (About, the comparison) are closed when
another library replaces it (after an import or a removal), and all are closed with
the window.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QWidget

from desktop.app.about import AboutDialog
from desktop.app.jobs import LibraryJobs
from desktop.app.panes.compare import CompareDialog
from desktop.app.panes.reader import ReaderPane
from desktop.app.shortcuts import ShortcutsDialog

#: The dialogs that read the library, closed when it is replaced.
LIBRARY_DIALOGS = ("about", "compare")
NOT_OPEN_YET = "The library is not open yet."


class WindowDialogs(QObject):
    """Opens the window's dialogs, each once.

    Args:
        jobs: Holds the open library.
        reader: The reader pane (the document to compare, and where a chosen passage opens).
        window: The window (the dialogs' parent).
    """

    message = Signal(str, int)
    """Emitted with (a status line, how long to show it in ms)."""

    def __init__(self, jobs: LibraryJobs, reader: ReaderPane, window: QWidget) -> None:
        super().__init__(window)
        self.jobs = jobs
        self.reader = reader
        self.window = window
        self.open_dialogs: dict[str, QDialog] = {}

    def show(self, name: str, make: Callable[[], QDialog]) -> QDialog:
        """Show the dialog called ``name`` (made by ``make`` on first use, then reused)."""
        dialog = self.open_dialogs.get(name)
        if dialog is None:
            dialog = self.open_dialogs[name] = make()
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def shortcuts(self) -> None:
        """Show the keyboard shortcuts sheet (F1)."""
        self.show("shortcuts", lambda: ShortcutsDialog(self.window))

    def about(self) -> None:
        """Show what the library holds and where every text came from."""
        library = self.jobs.library
        if library is None:
            self.message.emit(NOT_OPEN_YET, 3000)
            return
        self.show("about", lambda: AboutDialog(library, self.window))

    def compare(self) -> CompareDialog | None:
        """Open the comparison of the open document with its proposed predecessor."""
        library = self.jobs.library
        if library is None:
            self.message.emit(NOT_OPEN_YET, 3000)
            return None
        self._close("compare")
        doc = self.reader.reader.document
        dialog = CompareDialog(library, doc["id"] if doc else None, self.window)
        dialog.passage_chosen.connect(lambda pid: self.reader.reader.open_passage(pid))
        self.show("compare", lambda: dialog)
        return dialog

    def forget_library(self) -> None:
        """Close the dialogs that read the library another one replaces."""
        for name in LIBRARY_DIALOGS:
            self._close(name)

    def close_all(self) -> None:
        """Close every dialog (the window closes)."""
        for dialog in self.open_dialogs.values():
            dialog.close()

    def _close(self, name: str) -> None:
        dialog = self.open_dialogs.pop(name, None)
        if dialog is not None:
            dialog.close()
            dialog.deleteLater()
