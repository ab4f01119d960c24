"""Briefs in the window: the brief pane docked beside the viewer, pinning, marks, recent passages.

:class:`Briefing` opens the officer's briefs database, docks a
:class:`~desktop.app.panes.brief.BriefPane` on the right of the window and does
what the Brief menu, the pin key (Ctrl+B) and the "Pin to brief" entries of the
right-click menus ask: it pins what :class:`~desktop.app.selection.Selection`
says is selected (the highlighted result, or the viewer's paragraph), or, when
words are selected in the viewer, a quote of them. A pin with no open brief
first asks for a name ("Meeting <date>" by default). Passages in the open brief
are marked in the results (:data:`~desktop.app.widgets.MARK_TEXT`) and in the
viewer's margin (:class:`PinGutter`, a bookmark shape with a tooltip). Every
passage the viewer opens is remembered (:meth:`db.briefs.Briefs.record_opened`)
for Search › Recently opened passages (Ctrl+Shift+R).

Print is "export to PDF, then open it in the system's PDF viewer" (QtPrintSupport
is left out of the bundle; the PDF viewer prints).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QPainter, QPaintEvent, QPalette, QPolygon
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QInputDialog,
    QMainWindow,
    QMenu,
    QToolTip,
    QWidget,
)

from db import paths
from db.briefs import Briefs
from db.errors import LiaisonError, NotFoundError
from desktop.app.jobs import LibraryJobs
from desktop.app.panes.brief import BriefPane
from desktop.app.panes.reader import ReaderPane
from desktop.app.panes.search import SearchPane
from desktop.app.selection import Selection
from desktop.app.settings import Settings
from desktop.app.viewer import DocumentViewer, passage_anchor

if TYPE_CHECKING:
    from db.reading import Library

GUTTER_WIDTH = 14
DOCK_MIN_WIDTH = 320
PIN_TOOLTIP = "In the open brief"


def default_brief_name(today: dt.date | None = None) -> str:
    """Return the name a new brief is offered: "Meeting <ISO date>"."""
    return f"Meeting {(today or dt.date.today()).isoformat()}"


def _file_name(title: str) -> str:
    """Return ``title`` made safe as a file name (letters, digits, spaces, dots and dashes)."""
    name = re.sub(r"[^\w .-]+", "_", title).strip(" .") or "brief"
    return name[:80]


class PinGutter(QWidget):
    """A strip left of the viewer's text: a bookmark beside each paragraph in the open brief.

    The strip is the viewer's left viewport margin (as a code editor's line numbers),
    so the document's text and positions are untouched.
    """

    def __init__(self, viewer: DocumentViewer) -> None:
        super().__init__(viewer)
        self.viewer = viewer
        self.setObjectName("pin-gutter")
        self.marked: frozenset[str] = frozenset()
        viewer.setViewportMargins(GUTTER_WIDTH, 0, 0, 0)
        viewer.verticalScrollBar().valueChanged.connect(self.update)
        viewer.textChanged.connect(self.update)
        viewer.document().documentLayout().documentSizeChanged.connect(self.update)
        viewer.installEventFilter(self)
        self._place()

    def set_marked(self, passage_ids: frozenset[str]) -> None:
        """Mark the paragraphs of these passages."""
        self.marked = passage_ids
        self.update()

    def _place(self) -> None:
        rect = self.viewer.contentsRect()
        self.setGeometry(QRect(rect.left(), rect.top(), GUTTER_WIDTH, rect.height()))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Follow the viewer's size."""
        if watched is self.viewer and event.type() == QEvent.Type.Resize:
            self._place()
        return False

    def marked_rects(self) -> list[tuple[str, QRect]]:
        """Return (passage id, where its bookmark goes in this widget) for each marked paragraph."""
        if not self.marked or self.viewer.source_mode:
            return []
        anchors = {passage_anchor(pid): pid for pid in self.marked}
        doc = self.viewer.document()
        layout = doc.documentLayout()
        offset = self.viewer.verticalScrollBar().value()
        out: list[tuple[str, QRect]] = []
        block = doc.begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                hit = next(
                    (a for a in it.fragment().charFormat().anchorNames() if a in anchors), None
                )
                if hit is not None:
                    box = layout.blockBoundingRect(block)
                    top = int(box.top()) - offset
                    out.append((anchors[hit], QRect(2, top + 2, GUTTER_WIDTH - 4, 14)))
                    break
                it += 1
            block = block.next()
        return out

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """Draw a bookmark (a shape, not a colour alone) beside each marked paragraph."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        color = self.palette().color(QPalette.ColorRole.Highlight)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        for _pid, r in self.marked_rects():
            if r.bottom() < 0 or r.top() > self.height():
                continue
            mid = r.left() + r.width() // 2
            painter.drawPolygon(
                QPolygon(
                    [
                        QPoint(r.left(), r.top()),
                        QPoint(r.right(), r.top()),
                        QPoint(r.right(), r.bottom()),
                        QPoint(mid, r.bottom() - 4),
                        QPoint(r.left(), r.bottom()),
                    ]
                )
            )
        painter.end()

    def event(self, event: QEvent) -> bool:
        """Say what a bookmark means when the pointer rests on it."""
        if event.type() == QEvent.Type.ToolTip:
            pos = event.pos()  # type: ignore[attr-defined]
            if any(r.adjusted(-2, -2, 2, 2).contains(pos) for _p, r in self.marked_rects()):
                QToolTip.showText(event.globalPos(), PIN_TOOLTIP, self)  # type: ignore[attr-defined]
            else:
                QToolTip.hideText()
            return True
        return super().event(event)


class Briefing(QObject):
    """The window's briefs: the docked pane, pinning, marks, print, recent passages.

    Args:
        window: The main window (the dock goes on its right).
        jobs: Holds the open library.
        selection: What is selected (the same object the copy actions use).
        search: The search pane (its results are marked).
        reader: The reader pane (its viewer is marked; items open in it).
        settings: Where the open brief and the pane's visibility are remembered.

    Signals:
        message(str, int): A status line and how long to show it (ms).
    """

    message = Signal(str, int)

    def __init__(
        self,
        window: QMainWindow,
        jobs: LibraryJobs,
        selection: Selection,
        search: SearchPane,
        reader: ReaderPane,
        settings: Settings,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.jobs = jobs
        self.selection = selection
        self.search = search
        self.reader = reader
        self.settings = settings
        self.error: str | None = None
        try:
            self.briefs: Briefs | None = Briefs.open()
        except LiaisonError as exc:  # damaged, or written by a newer Liaison: left as it is
            self.briefs = None
            self.error = f"Briefs are unavailable: {exc}"
        self.pane = BriefPane(self.briefs or _closed_briefs(), jobs.library, window)
        self.pane.setObjectName("brief-pane")
        self.pane.setEnabled(self.briefs is not None)
        self.dock = QDockWidget("Brief", window)
        self.dock.setObjectName("brief-dock")
        self.dock.setWidget(self.pane)
        self.dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
        )
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()
        if settings.brief_visible and self.briefs is not None:
            self._reveal_dock()
        self.gutter = PinGutter(reader.viewer)
        self.pane.message.connect(lambda text: self.message.emit(text, 6000))
        self.pane.pinned_changed.connect(self._on_pinned)
        self.pane.brief_opened.connect(self._on_brief_opened)
        self.pane.open_passage.connect(self.open_passage)
        self.dock.visibilityChanged.connect(self._on_visibility)
        reader.reader.changed.connect(self._record_opened)
        if self.briefs is not None and settings.brief_title:
            try:
                self.pane.refresh_briefs(select=settings.brief_title)
            except LiaisonError:  # the remembered brief was renamed or deleted by the CLI
                self.pane.refresh_briefs()

    # -- state -------------------------------------------------------------------------------

    @property
    def available(self) -> bool:
        """Whether the briefs database is open."""
        return self.briefs is not None

    def set_library(self, library: Library | None) -> None:
        """Check the brief against a (re)opened library (after imports, removals, rebuilds)."""
        self.pane.set_library(library)

    def set_citation_style(self, style: str) -> None:
        """Cite in ``style`` in the brief's copies and exports."""
        self.pane.set_citation_style(style)

    def has_focus(self) -> bool:
        """Whether the keyboard focus is in the brief pane."""
        focus = QApplication.focusWidget()
        return focus is not None and (focus is self.pane or self.pane.isAncestorOf(focus))

    def show_pane(self, visible: bool = True) -> None:
        """Show (or hide) the brief pane; shown, it takes the keyboard focus."""
        if visible and self.briefs is None:
            self.message.emit(self.error or "Briefs are unavailable.", 8000)
            return
        if not visible:
            self.dock.setVisible(False)
            return
        self._reveal_dock()
        self.dock.raise_()
        self.pane.view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def toggle_pane(self) -> None:
        """View › Brief pane: show and focus the pane; hide it when it has the focus."""
        if self.dock.isVisible() and self.has_focus():
            self.show_pane(False)
        else:
            self.show_pane(True)

    def close(self) -> None:
        """Save the notes being typed and close the briefs database."""
        if self.briefs is not None:
            self.pane.save_notes()
            self.briefs.close()

    def _on_pinned(self, ids: frozenset[str]) -> None:
        self.search.delegate.set_marked(ids)
        self.search.results_view.doItemsLayout()
        self.search.results_view.viewport().update()
        self.gutter.set_marked(ids)

    def _on_brief_opened(self, title: str) -> None:
        self.settings.brief_title = title

    def _on_visibility(self, _visible: bool) -> None:
        if not self.window.isMinimized() and self.window.isVisible():
            self.settings.brief_visible = self.dock.isVisible()
        action = self.window.findChild(QObject, "toggle_brief")
        if action is not None:
            action.setChecked(self.dock.isVisible())  # type: ignore[attr-defined]

    # -- briefs ------------------------------------------------------------------------------

    def ask_name(self, title: str, label: str, default: str) -> str | None:
        """Ask for a brief's name; None when cancelled or left empty."""
        name, ok = QInputDialog.getText(self.window, title, label, text=default)
        name = name.strip()
        return name if ok and name else None

    def new_brief(self) -> bool:
        """Ask for a name (default "Meeting <date>"), start that brief and show it."""
        if self.briefs is None:
            self.message.emit(self.error or "Briefs are unavailable.", 8000)
            return False
        name = self.ask_name("New brief", "Name of the meeting:", default_brief_name())
        if name is None or not self.pane.new_brief(name, date=dt.date.today().isoformat()):
            return False
        self.show_pane()
        return True

    def open_brief(self) -> bool:
        """Choose among the existing briefs (most recently changed first) and show it."""
        if self.briefs is None:
            self.message.emit(self.error or "Briefs are unavailable.", 8000)
            return False
        titles = [b.title for b in self.briefs.list()]
        if not titles:
            self.message.emit("No brief yet: Brief › New brief… starts one.", 5000)
            return False
        current = self.pane.current_title()
        at = titles.index(current) if current in titles else 0
        title, ok = QInputDialog.getItem(
            self.window, "Open brief", "Brief:", titles, at, editable=False
        )
        if not ok or not title:
            return False
        self.pane.refresh_briefs(select=title)
        self.show_pane()
        return True

    def rename_brief(self) -> bool:
        """Ask for a new name for the open brief."""
        current = self.pane.current_title()
        if current is None:
            self.message.emit("Open or create a brief first.", 4000)
            return False
        name = self.ask_name("Rename brief", "New name:", current)
        return name is not None and self.pane.rename_brief(name)

    def export_brief(self) -> None:
        """Ask where to export the open brief (Markdown, Word or PDF), then export it."""
        if self.pane.current_title() is None:
            self.message.emit("Open or create a brief first.", 4000)
            return
        self.pane.ask_export()

    def copy_brief(self) -> bool:
        """Copy the whole open brief (plain text and HTML)."""
        if self.pane.current_title() is None:
            self.message.emit("Open or create a brief first.", 4000)
            return False
        return self.pane.copy_to_clipboard()

    def print_brief(self) -> Path | None:
        """Write the open brief as a PDF in the data folder and open it in the PDF viewer.

        Returns:
            The PDF written, or None when there is no brief or it could not be written.
        """
        title = self.pane.current_title()
        if title is None:
            self.message.emit("Open or create a brief first.", 4000)
            return None
        folder = paths.prints_dir()
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{_file_name(title)}.pdf"
        if not self.pane.export_to(target, "pdf"):
            return None
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(target))):
            self.message.emit(f"The brief is in {target}; open it to print it.", 10000)
            return target
        self.message.emit(f"Opened {target.name} in the PDF viewer: print it from there.", 8000)
        return target

    # -- pinning -----------------------------------------------------------------------------

    def ensure_brief(self) -> bool:
        """Return True when a brief is open, first asking to start one if none is."""
        if self.briefs is None:
            self.message.emit(self.error or "Briefs are unavailable.", 8000)
            return False
        if self.pane.current_title() is not None:
            return True
        return self.new_brief()

    def pin_selected(self) -> bool:
        """Pin what is selected: the viewer's selected words as a quote, else the passage.

        The passage is the one every copy action acts on (:meth:`Selection.selected_passage`).
        """
        library = self.jobs.library
        if library is None:
            self.message.emit("The library is not open yet.", 3000)
            return False
        quote: str | None = None
        span = self.reader.selection_span() if self.selection.source == "viewer" else None
        if span is not None:
            pid, start, end = span
            quote = library.passage(pid)["text"][start:end]
        else:
            pid = self.selection.selected_passage()
        if pid is None:
            self.message.emit("Select a result or a paragraph of the viewer first.", 4000)
            return False
        if not self.ensure_brief():
            return False
        self._reveal_dock()
        return self.pane.pin(pid, quote=quote)

    def _reveal_dock(self) -> None:
        """Show the dock; when it appears, a quarter of the window wide (the viewer keeps room)."""
        if self.dock.isVisible():
            return
        self.dock.setVisible(True)
        # Once the window has its size (at start-up it has not yet).
        QTimer.singleShot(0, self._size_dock)

    def _size_dock(self) -> None:
        width = max(DOCK_MIN_WIDTH, self.window.width() // 4)
        self.window.resizeDocks([self.dock], [width], Qt.Orientation.Horizontal)

    # -- opening and recent passages -----------------------------------------------------------

    def open_passage(self, passage_id: str) -> None:
        """Open ``passage_id`` in the viewer."""
        self.reader.reader.open_passage(passage_id, "")

    def _record_opened(self) -> None:
        passage = self.reader.reader.passage
        library = self.jobs.library
        if self.briefs is None or passage is None or library is None:
            return
        pid = str(passage["id"])
        try:
            self.briefs.record_opened(pid, citation=library.citation(pid))
        except (LiaisonError, NotFoundError) as exc:
            self.message.emit(f"Could not remember the passage opened: {exc}", 4000)

    def recent_menu(self) -> QMenu:
        """Return a menu of the recently opened passages; choosing one opens it."""
        menu = QMenu("Recently opened passages", self.window)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        recent = self.briefs.recent_passages(limit=20) if self.briefs is not None else []
        for r in recent:
            action = menu.addAction(r.citation.replace("&", "&&"))
            action.triggered.connect(lambda _=False, p=r.passage_id: self.open_passage(p))
        if not recent:
            menu.addAction("No passage opened yet").setEnabled(False)
        return menu

    def show_recent(self) -> QMenu:
        """Show the recent passages under the viewer's citation (Ctrl+Shift+R)."""
        label = self.reader.citation_label
        menu = self.recent_menu()
        menu.popup(label.mapToGlobal(label.rect().bottomLeft()))
        if menu.actions() and menu.actions()[0].isEnabled():
            menu.setActiveAction(menu.actions()[0])
        return menu


def _closed_briefs() -> Briefs:
    """Return a briefs database in memory, for a pane shown while the real one is unavailable."""
    return Briefs.open(Path(":memory:"))
