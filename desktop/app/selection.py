"""What is selected, and copying it: the passage every copy action and the citation label follow.

The selection is the highlighted result when the officer last moved in the results,
else the viewer's paragraph (the one opened, clicked, or holding the caret).
:class:`Selection` copies it (plain text and HTML on the clipboard, in the chosen
citation style) and builds the right-click menus of results and viewer paragraphs.
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QMenu, QWidget

from db.citations import DEFAULT_STYLE, Citation
from db.errors import NotFoundError
from desktop.app.jobs import LibraryJobs
from desktop.app.models import HIT_ROLE
from desktop.app.panes.reader import ReaderPane
from desktop.app.panes.search import SearchPane


class Selection(QObject):
    """Tracks what is selected across the search and reader panes, and copies it.

    Args:
        jobs: Holds the open library.
        search: The search pane (its highlighted result).
        reader: The reader pane (its selected paragraph, and the citation label).
        actions: The window's actions (the copy actions the menus show).
        window: The window (parent of the menus).
    """

    message = Signal(str, int)
    """Emitted with (a status line, how long to show it in ms)."""
    style_changed = Signal(str)
    """Emitted with the citation style ("short" or "full") every copy now uses."""

    def __init__(
        self,
        jobs: LibraryJobs,
        search: SearchPane,
        reader: ReaderPane,
        actions: dict[str, QAction],
        window: QWidget,
    ) -> None:
        super().__init__(window)
        self.jobs = jobs
        self.search = search
        self.reader = reader
        self.actions = actions
        self.window = window
        self.style = DEFAULT_STYLE
        self._selected_from = "viewer"

    @property
    def source(self) -> str:
        """Where the selection is: "results" (the highlighted hit) or "viewer" (its paragraph)."""
        return self._selected_from

    def set_style(self, style: str) -> None:
        """Cite in ``style`` ("short" or "full") in every copy from now on, and say so."""
        self.style = style
        self.style_changed.emit(style)
        self.refresh()

    def refresh(self) -> None:
        """Show the selection's citation again (after a style change)."""
        self.select_from(self._selected_from)

    def select_from(self, where: str) -> None:
        """Make the results (highlighted hit) or the viewer (its paragraph) the selection."""
        self._selected_from = where
        pid = self.selected_passage()
        citation = None
        if self.jobs.library is not None and pid is not None:
            try:
                citation = self.jobs.library.citation(pid, style=self.style)
            except NotFoundError:  # a passage of a document just removed
                citation = None
        self.reader.show_citation(citation or self.reader.citation())

    def selected_passage(self) -> str | None:
        """Return the passage every copy action acts on (None when nothing is selected).

        The highlighted result when the officer last moved in the results, else the
        viewer's paragraph (the one opened, clicked, or holding the caret).
        """
        hit = self.search.current_hit()
        if self._selected_from == "results" and hit is not None:
            return hit.passage_id
        return self.reader.selected_id

    def _put_on_clipboard(self, citation: Citation | None, what: str) -> None:
        if citation is None:
            self.message.emit("Select a result or a passage first.", 3000)
            return
        mime = QMimeData()
        mime.setText(citation.plain)
        mime.setHtml(citation.html)
        QGuiApplication.clipboard().setMimeData(mime)
        first = citation.plain.splitlines()[0]
        self.message.emit(f"Copied {what}: {first[:90]}{'…' if len(first) > 90 else ''}", 5000)

    def copy_citation(self) -> None:
        """Copy the selected passage's citation (plain text and HTML)."""
        pid = self.selected_passage()
        library = self.jobs.library
        if pid is None or library is None:
            self._put_on_clipboard(None, "citation")
            return
        self._put_on_clipboard(library.cite(pid, style=self.style), "citation")

    def copy_passage(self) -> None:
        """Copy the selected passage, quoted, with its citation (plain text and HTML)."""
        pid = self.selected_passage()
        library = self.jobs.library
        if pid is None or library is None:
            self._put_on_clipboard(None, "passage")
            return
        self._put_on_clipboard(library.quotation(pid, style=self.style), "passage")

    def copy_selection(self) -> None:
        """Copy the text selected in the viewer, quoted, with its passage's citation."""
        span = self.reader.selection_span()
        library = self.jobs.library
        if span is None or library is None:
            self.message.emit("Select words within one paragraph of the viewer first.", 4000)
            return
        pid, start, end = span
        quote = library.quotation(pid, style=self.style, start=start, end=end)
        self._put_on_clipboard(quote, "selection")

    def _copy_menu(self, *, selection: bool) -> QMenu:
        menu = QMenu(self.window)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        names = ["copy_citation", "copy_passage"] + (["copy_selection"] if selection else [])
        for name in names:
            menu.addAction(self.actions[name])
        if "pin" in self.actions:
            menu.addSeparator()
            menu.addAction(self.actions["pin"])
        return menu

    def results_menu(self, row: int) -> QMenu:
        """Return the right-click menu of the result in ``row`` (which becomes highlighted)."""
        view = self.search.results_view
        view.setCurrentIndex(self.search.results_model.index(row, 0))
        self.select_from("results")
        return self._copy_menu(selection=False)

    def viewer_menu(self) -> QMenu:
        """Return the viewer's right-click menu (for the paragraph holding the caret)."""
        self.select_from("viewer")
        selection = self.reader.viewer.textCursor().hasSelection()
        return self._copy_menu(selection=selection)

    def popup_results_menu(self, pos: QPoint) -> None:
        """Show the menu of the result at ``pos`` (in the results viewport)."""
        view = self.search.results_view
        index = view.indexAt(pos)
        if index.isValid() and index.data(HIT_ROLE) is not None:
            self.results_menu(index.row()).popup(view.viewport().mapToGlobal(pos))

    def popup_viewer_menu(self, pos: QPoint) -> None:
        """Show the viewer's menu at ``pos`` (global) when a paragraph is selected."""
        if self.reader.selected_id is not None:
            self.viewer_menu().popup(pos)
