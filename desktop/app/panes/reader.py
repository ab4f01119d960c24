"""The reader pane: the citation of what is selected, back/forward, the viewer and its find bar.

The pane owns its :class:`~desktop.app.reader.Reader` (what is open, and the
history) and its widgets. The passage it calls *selected* is the one opened, or
the paragraph the officer clicked or holds the caret in; the citation above the
viewer follows it. It reports upward: :attr:`ReaderPane.entity_clicked`,
:attr:`ReaderPane.copy_requested` (the Copy citation button),
:attr:`ReaderPane.selection_changed` and :attr:`ReaderPane.message` (a status line).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QCursor, QFont, QPagedPaintDevice, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QHBoxLayout,
    QMenu,
    QStackedWidget,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from db.citations import DEFAULT_STYLE
from desktop.app.reader import Reader
from desktop.app.theme import Colors
from desktop.app.viewer import DocumentViewer, passage_anchor, plain_tooltip
from desktop.app.widgets import ElidedLabel, FindBar, muted_label

if TYPE_CHECKING:
    from db.reading import Library

EMPTY_TEXT = "Choose a result or a passage to read it here, in its document."


#: The focused viewer shows it (a visible outline in the theme's highlight colour).
VIEWER_STYLE = "QTextBrowser#viewer:focus { border: 2px solid palette(highlight); }"


class ReaderPane(QWidget):
    """The right pane: one document, the selected passage marked, its citation above."""

    entity_clicked = Signal(str)
    """Emitted with an entity id when the officer follows an entity mention."""
    copy_requested = Signal()
    """Emitted when the Copy citation button is pressed."""
    selection_changed = Signal()
    """Emitted when the selected passage changes (opened, clicked, or the caret moved)."""
    message = Signal(str, int)
    """Emitted with (a status line, how long to show it in ms)."""
    context_menu_requested = Signal(QPoint)
    """Emitted with a global position when the officer right-clicks the viewer."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reader = Reader(None, parent=self)
        self.style_name = DEFAULT_STYLE
        self.selected_id: str | None = None
        self.raw = False
        self._anchors: dict[str, str] = {}
        self.citation_label = ElidedLabel(self)
        self.citation_label.setObjectName("citation")
        self.citation_label.setAccessibleName("Citation of the selected passage")
        self.citation_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.citation_label.font()
        font.setBold(True)
        self.citation_label.setFont(font)
        self.back_button = QToolButton(self)
        self.back_button.setText("◀")
        self.back_button.setToolTip("Back (Alt+Left)")
        self.back_button.setAccessibleName("Back")
        self.forward_button = QToolButton(self)
        self.forward_button.setText("▶")
        self.forward_button.setToolTip("Forward (Alt+Right)")
        self.forward_button.setAccessibleName("Forward")
        self.copy_button = QToolButton(self)
        self.copy_button.setText("Copy citation")
        self.copy_button.setAccessibleName("Copy citation")
        self.copy_button.setToolTip(
            "Copy the citation of what is selected (Ctrl+Shift+C); with the passage: Ctrl+Shift+P"
        )
        header = QHBoxLayout()
        header.setSpacing(6)
        header.addWidget(self.back_button)
        header.addWidget(self.forward_button)
        header.addWidget(self.citation_label, 1)
        header.addWidget(self.copy_button)
        self.viewer = DocumentViewer(self)
        self.viewer.setObjectName("viewer")
        self.viewer.setAccessibleName("Document viewer")
        # Tab moves on to the next control instead of walking through every link, and the
        # focused viewer shows it.
        self.viewer.setTabChangesFocus(True)
        self.viewer.setStyleSheet(VIEWER_STYLE)
        self.viewer.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.viewer_empty = muted_label(EMPTY_TEXT, self)
        self.viewer_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.viewer_stack = QStackedWidget(self)
        self.viewer_stack.addWidget(self.viewer_empty)
        self.viewer_stack.addWidget(self.viewer)
        self.find_bar = FindBar(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(header)
        layout.addWidget(self.viewer_stack, 1)
        layout.addWidget(self.find_bar)

        self.reader.changed.connect(self.refresh)
        self.reader.history_changed.connect(self._on_history)
        self.viewer.footnote_link.connect(self.show_footnote)
        self.viewer.entity_link.connect(self.entity_clicked)
        self.viewer.passage_link.connect(self._open_passage_link)
        self.viewer.cursorPositionChanged.connect(self._on_cursor)
        self.viewer.customContextMenuRequested.connect(self._on_context_menu)
        self.find_bar.find_requested.connect(self.find)
        self.find_bar.closed.connect(self.viewer.setFocus)
        self.back_button.clicked.connect(self.reader.back)
        self.forward_button.clicked.connect(self.reader.forward)
        self.copy_button.clicked.connect(self.copy_requested)
        self._on_history(False, False)

    # -- the library -------------------------------------------------------------

    @property
    def library(self) -> Library | None:
        """The library the reader reads (None while it is closed)."""
        return self.reader.library

    def set_library(self, library: Library | None) -> None:
        """Read another library (reopened after an import or removal), or none for a while."""
        self.reader.set_library(library)

    # -- showing -----------------------------------------------------------------

    def set_raw(self, raw: bool) -> None:
        """Show the raw source text with the passage's span selected (True), or the document."""
        self.raw = raw
        if self.reader.history.current is not None:
            self.refresh()

    def refresh(self) -> None:
        """Show the reader's location (rendered, or its raw source in raw mode)."""
        source = self.raw
        if self.reader.document is None:
            self.viewer_stack.setCurrentWidget(self.viewer_empty)
            self.selected_id = None
            self._anchors = {}
            self._show_citation()
            return
        self.viewer_stack.setCurrentWidget(self.viewer)
        self.viewer.blockSignals(True)
        if source:
            src = self.reader.source()
            if src is not None:
                self.viewer.show_source(*src)
        else:
            self.viewer.show_html(self.reader.html, self.reader.anchor, self.reader.footnotes())
        self.viewer.blockSignals(False)
        self._anchors = {
            passage_anchor(p["id"]): p["id"] for p in self.reader.document["passages_list"]
        }
        self.selected_id = self.reader.passage["id"] if self.reader.passage else None
        self._show_citation()

    def _show_citation(self) -> None:
        self.show_citation(self.citation())
        self.selection_changed.emit()

    def show_citation(self, text: str | None) -> None:
        """Show ``text`` (a citation, as plain text) above the viewer (said raw in raw mode)."""
        if self.raw and text:
            text = f"Raw source text · {text}"
        self.citation_label.setText(text or "")
        self.citation_label.setToolTip(plain_tooltip(text or ""))

    def set_style(self, style: str) -> None:
        """Cite in ``style`` ("short" or "full") from now on."""
        self.style_name = style

    def _on_history(self, can_back: bool, can_forward: bool) -> None:
        self.back_button.setEnabled(can_back)
        self.forward_button.setEnabled(can_forward)

    def _open_passage_link(self, passage_id: str) -> None:
        self.reader.open_passage(passage_id, self.reader.query)

    def reveal(self) -> None:
        """Scroll the selected passage (or the opened one's lead-in) back into view."""
        if self.viewer.source_mode or self.reader.document is None:
            return
        anchor = self.reader.anchor
        if self.selected_id is not None and self.reader.passage is not None:
            if self.selected_id != self.reader.passage["id"]:
                anchor = passage_anchor(self.selected_id)
        if anchor:
            self.viewer.scrollToAnchor(anchor)
            bar = self.viewer.verticalScrollBar()
            bar.setValue(max(0, bar.value() - 2 * self.viewer.fontMetrics().height()))

    def show_footnote(self, number: str) -> None:
        """Show a footnote's text by the pointer and in the status line."""
        text = self.reader.footnotes().get(number)
        if text is None:
            return
        QToolTip.showText(QCursor.pos(), plain_tooltip(text), self.viewer)
        self.message.emit(f"Footnote {text}", 8000)

    # -- what is selected ----------------------------------------------------------

    def passage_at(self, cursor: QTextCursor) -> str | None:
        """Return the passage whose paragraph holds ``cursor`` (None outside passages)."""
        if self.viewer.source_mode:
            return None
        block = cursor.block()
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            for name in fragment.charFormat().anchorNames():
                if name in self._anchors:
                    return self._anchors[name]
            it += 1
        return None

    def _on_cursor(self) -> None:
        pid = self.passage_at(self.viewer.textCursor())
        if pid is not None and pid != self.selected_id:
            self.selected_id = pid
            self._show_citation()

    def select_passage(self, passage_id: str) -> bool:
        """Put the caret in ``passage_id``'s paragraph (as a click would); False if not shown."""
        doc = self.viewer.document()
        block = doc.begin()
        target = passage_anchor(passage_id)
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                if target in it.fragment().charFormat().anchorNames():
                    cursor = QTextCursor(block)
                    cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
                    self.viewer.setTextCursor(cursor)
                    return True
                it += 1
            block = block.next()
        return False

    def citation(self) -> str | None:
        """Return the citation of the selected passage (or of the open document)."""
        if self.library is None:
            return None
        if self.selected_id is not None:
            return self.library.citation(self.selected_id, style=self.style_name)
        doc = self.reader.document
        if doc:
            return doc.get("symbol") or doc.get("title")
        return None

    def selection_span(self) -> tuple[str, int, int] | None:
        """Return (passage id, start, end) of the text selected in one passage, or None."""
        cursor = self.viewer.textCursor()
        if not cursor.hasSelection() or self.viewer.source_mode or self.library is None:
            return None
        start = QTextCursor(cursor)
        start.setPosition(cursor.selectionStart())
        end = QTextCursor(cursor)
        end.setPosition(cursor.selectionEnd())
        pid = self.passage_at(start)
        if pid is None or start.blockNumber() != end.blockNumber():
            return None
        selected = cursor.selectedText().strip()
        text = self.library.passage(pid)["text"]
        at = text.find(selected)
        if not selected or at < 0:
            return None
        return pid, at, at + len(selected)

    def _on_context_menu(self, pos: QPoint) -> None:
        cursor = self.viewer.cursorForPosition(pos)
        if not self.viewer.textCursor().hasSelection():
            self.viewer.setTextCursor(cursor)
        self.context_menu_requested.emit(self.viewer.viewport().mapToGlobal(pos))

    def popup_menu(self, menu: QMenu, pos: QPoint) -> None:
        """Show ``menu`` at ``pos`` (global), deleted once closed."""
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(pos)

    # -- printing --------------------------------------------------------------------

    def print_to(self, printer: QPagedPaintDevice) -> bool:
        """Print the open document, headed by the selected passage's citation.

        Returns:
            False when no document is open (nothing printed).
        """
        if self.reader.document is None:
            return False
        doc = self.viewer.document().clone()
        citation = self.citation()
        if citation and not self.viewer.source_mode:
            cursor = QTextCursor(doc)
            cursor.insertText(f"{citation}\n")
        doc.print_(printer)
        return True

    # -- find ----------------------------------------------------------------------

    def open_find(self) -> None:
        """Open the find bar (with the viewer's selection, if any)."""
        selected = self.viewer.textCursor().selectedText() if self.viewer.hasFocus() else ""
        self.find_bar.open_bar(selected if "\u2029" not in selected else "")

    def find_again(self, backward: bool) -> None:
        """Find the next (or previous) match of the find bar's text."""
        if not self.find_bar.field.text():
            self.open_find()
            return
        self.find(self.find_bar.field.text(), backward)

    def find(self, text: str, backward: bool = False) -> bool:
        """Find ``text`` from the cursor, wrapping around; say "n of m" in the bar.

        Returns:
            True when a match was found.
        """
        if not text:
            self.find_bar.status.clear()
            return False
        flags = QTextDocument.FindFlag.FindBackward if backward else QTextDocument.FindFlag(0)
        found = self.viewer.find(text, flags)
        if not found:
            cursor = self.viewer.textCursor()
            cursor.movePosition(
                cursor.MoveOperation.End if backward else cursor.MoveOperation.Start
            )
            self.viewer.setTextCursor(cursor)
            found = self.viewer.find(text, flags)
        if not found:
            self.find_bar.status.setText("Not found")
            return False
        doc = self.viewer.document()
        here = self.viewer.textCursor().selectionStart()
        total, number = 0, 0
        match = doc.find(text, 0)
        while not match.isNull():
            total += 1
            if match.selectionStart() == here:
                number = total
            match = doc.find(text, match)
        self.find_bar.status.setText(f"{number} of {total}")
        self._keep_in_view()
        return True

    def _keep_in_view(self) -> None:
        """Scroll so the match sits away from the viewer's edges (a third from the top)."""
        rect = self.viewer.cursorRect()
        height = self.viewer.viewport().height()
        if rect.bottom() > height - 3 * rect.height() or rect.top() < rect.height():
            bar = self.viewer.verticalScrollBar()
            bar.setValue(bar.value() + rect.top() - height // 3)

    # -- looks ---------------------------------------------------------------------

    def set_reading_font(self, font: QFont) -> None:
        """Show documents in ``font`` (zoom), keeping the place."""
        self.viewer.document().setDefaultFont(font)
        self.viewer.setFont(font)
        if self.reader.history.current is not None and not self.viewer.source_mode:
            self.refresh()

    def set_colors(self, colors: Colors) -> None:
        """Render with another theme's colours.

        The viewer's style sheet (its focus outline) fixed its palette when it was
        applied; applied again, it takes the new theme's (text, base, highlight).
        """
        self.viewer.setStyleSheet("")
        self.viewer.setStyleSheet(VIEWER_STYLE)
        self.reader.set_colors(colors)
