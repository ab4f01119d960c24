"""Small widgets of the window: search field, filter chips, find bar, result delegate, tree pane.

They hold no corpus logic: they show what the controllers give them and
report what the officer did through signals.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPalette,
    QResizeEvent,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QWidget,
)

from desktop.app.models import HIT_ROLE
from desktop.app.search import Filter
from desktop.app.theme import LIGHT_COLORS, Colors
from desktop.app.viewer import result_html


class SearchField(QLineEdit):
    """The search field: arrows move through the results, Enter opens one, Esc clears."""

    navigate = Signal(int)
    """Emitted with a Qt key (Up, Down, PageUp, PageDown) to move the results' selection."""
    open_current = Signal()
    """Emitted on Enter."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setClearButtonEnabled(True)
        self.setPlaceholderText("Search the texts, e.g. maritime piracy   (Ctrl+K)")
        self.setAccessibleName("Search")

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        """Handle the keys that drive the results list."""
        key = event.key()
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            self.navigate.emit(key)
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.open_current.emit()
            return
        if key == Qt.Key.Key_Escape and self.text():
            self.clear()
            return
        ctrl_u = key == Qt.Key.Key_U and event.modifiers() == Qt.KeyboardModifier.ControlModifier
        if ctrl_u or event.matches(QKeySequence.StandardKey.DeleteCompleteLine):
            # Ctrl+U deletes the whole line on Linux (X11 key bindings): never wipe the
            # officer's query by a slip of the key (Ctrl+Shift+U is the raw source).
            event.accept()
            return
        super().keyPressEvent(event)


class ChipBar(QWidget):
    """The active filters, each a button that removes it."""

    remove_requested = Signal(str)
    """Emitted with a filter kind when its chip is clicked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(6)
        self._layout.addStretch(1)
        self.chips: dict[str, QToolButton] = {}
        self.setVisible(False)

    def set_filters(self, filters: Sequence[Filter]) -> None:
        """Show one chip per filter."""
        for chip in self.chips.values():
            self._layout.removeWidget(chip)
            chip.deleteLater()
        self.chips = {}
        for i, f in enumerate(filters):
            chip = QToolButton(self)
            label = chip.fontMetrics().elidedText(f.label, Qt.TextElideMode.ElideMiddle, 260)
            chip.setText(f"{label}  ✕".replace("&", "&&"))
            chip.setAccessibleName(f"Remove filter {f.label}")
            chip.setToolTip(f"Remove this filter ({f.kind}); Ctrl+Backspace removes the last one")
            chip.setAutoRaise(False)
            chip.setObjectName(f"chip-{f.kind}")
            chip.setStyleSheet("QToolButton { border-radius: 10px; padding: 2px 8px; }")
            chip.clicked.connect(lambda _=False, kind=f.kind: self.remove_requested.emit(kind))
            self._layout.insertWidget(i, chip)
            self.chips[f.kind] = chip
        self.setVisible(bool(filters))


class FindBar(QWidget):
    """Find in the open document: a field, previous/next, a close button."""

    find_requested = Signal(str, bool)
    """Emitted with (text, backward)."""
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = QLineEdit(self)
        self.field.setPlaceholderText("Find in document")
        self.field.setAccessibleName("Find in document")
        self.field.setClearButtonEnabled(True)
        self.status = QLabel(self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        prev_btn = QToolButton(self)
        prev_btn.setText("▲")
        prev_btn.setToolTip("Previous match (Shift+F3)")
        prev_btn.setAccessibleName("Previous match")
        next_btn = QToolButton(self)
        next_btn.setText("▼")
        next_btn.setToolTip("Next match (F3, Enter)")
        next_btn.setAccessibleName("Next match")
        close_btn = QToolButton(self)
        close_btn.setText("✕")
        close_btn.setToolTip("Close (Esc)")
        close_btn.setAccessibleName("Close the find bar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(QLabel("Find:", self))
        layout.addWidget(self.field, 1)
        layout.addWidget(prev_btn)
        layout.addWidget(next_btn)
        layout.addWidget(self.status)
        layout.addWidget(close_btn)
        prev_btn.clicked.connect(lambda: self.find_requested.emit(self.field.text(), True))
        next_btn.clicked.connect(lambda: self.find_requested.emit(self.field.text(), False))
        close_btn.clicked.connect(self.close_bar)
        self.field.returnPressed.connect(lambda: self.find_requested.emit(self.field.text(), False))
        self.field.textEdited.connect(lambda text: self.find_requested.emit(text, False))
        self.setVisible(False)

    def open_bar(self, text: str = "") -> None:
        """Show the bar and focus its field."""
        if text:
            self.field.setText(text)
        self.setVisible(True)
        self.field.setFocus()
        self.field.selectAll()

    def close_bar(self) -> None:
        """Hide the bar."""
        self.setVisible(False)
        self.status.clear()
        self.closed.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        """Esc closes the bar."""
        if event.key() == Qt.Key.Key_Escape:
            self.close_bar()
            return
        super().keyPressEvent(event)


MARK_TEXT = "■ In the brief"
"""What marks a result whose passage is in the open brief (words, not only colour)."""


class ResultDelegate(QStyledItemDelegate):
    """Paints a result as rich text: citation, heading path, snippet with matches marked."""

    PAD_X, PAD_Y = 10, 7

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.colors: Colors = LIGHT_COLORS
        self.marked: frozenset[str] = frozenset()
        self._cache: dict[tuple[Any, ...], QTextDocument] = {}

    def set_colors(self, colors: Colors) -> None:
        """Use another theme's colours."""
        self.colors = colors
        self._cache.clear()

    def set_marked(self, passage_ids: frozenset[str]) -> None:
        """Mark these passages' results (in the open brief) with :data:`MARK_TEXT`."""
        self.marked = passage_ids
        self._cache.clear()

    def clear_cache(self) -> None:
        """Forget laid-out documents (after a font or width change)."""
        self._cache.clear()

    def _document(self, hit: Any, font: QFont, width: int) -> QTextDocument:
        marked = hit.passage_id in self.marked
        key = (hit.passage_id, hit.snippet, font.toString(), width, marked)
        doc = self._cache.get(key)
        if doc is None:
            if len(self._cache) > 500:
                self._cache.clear()
            doc = QTextDocument()
            doc.setDocumentMargin(0)
            doc.setDefaultFont(font)
            mark = (
                f'<div style="color:{self.colors.muted}; font-size:small">{MARK_TEXT}</div>'
                if marked
                else ""
            )
            doc.setHtml(mark + result_html(hit, self.colors))
            doc.setTextWidth(max(width, 80))
            self._cache[key] = doc
        return doc

    def _width(self, option: QStyleOptionViewItem) -> int:
        widget = option.widget
        width = (
            widget.viewport().width()
            if isinstance(widget, QAbstractItemView)
            else option.rect.width()
        )
        return width - 2 * self.PAD_X

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        """Paint one result."""
        hit = index.data(HIT_ROLE)
        if hit is None:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        rect: QRect = opt.rect
        palette: QPalette = opt.palette
        painter.save()
        painter.setClipRect(rect)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        if selected:
            bg = QColor(palette.color(QPalette.ColorRole.Highlight))
            bg.setAlpha(48)
            painter.fillRect(rect, bg)
            painter.fillRect(
                QRect(rect.left(), rect.top(), 4, rect.height()),
                palette.color(QPalette.ColorRole.Highlight),
            )
        elif opt.state & QStyle.StateFlag.State_MouseOver:
            hover = QColor(palette.color(QPalette.ColorRole.Highlight))
            hover.setAlpha(18)
            painter.fillRect(rect, hover)
        painter.setPen(palette.color(QPalette.ColorRole.Mid))
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        doc = self._document(hit, opt.font, self._width(opt))
        painter.translate(rect.left() + self.PAD_X, rect.top() + self.PAD_Y)
        ctx = QAbstractTextDocumentLayout.PaintContext()
        ctx.palette.setColor(QPalette.ColorRole.Text, palette.color(QPalette.ColorRole.Text))
        doc.documentLayout().draw(painter, ctx)
        painter.restore()

    def sizeHint(  # noqa: N802
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        """Return the height the rich text needs at the view's width."""
        hit = index.data(HIT_ROLE)
        if hit is None:
            return super().sizeHint(option, index)
        doc = self._document(hit, option.font, self._width(option))
        return QSize(self._width(option), int(doc.size().height()) + 2 * self.PAD_Y + 1)


def local_files(mime: QMimeData | None) -> list[Path]:
    """Return the local files and folders a drag carries (remote URLs left out)."""
    if mime is None or not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


class FileDropFilter(QObject):
    """Takes drops of files and folders on the widgets it watches and reports them by a signal.

    Installed on the window and on its text fields, so a file dropped on the
    search field is imported rather than typed in as its path.
    """

    files_dropped = Signal(list)
    """Emitted with the dropped files and folders (``list[Path]``)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.enabled = True

    def watch(self, *widgets: QWidget) -> None:
        """Accept file drops on ``widgets``."""
        for w in widgets:
            w.setAcceptDrops(True)
            w.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Accept drags that carry files; emit :attr:`files_dropped` on the drop."""
        if event.type() in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            assert isinstance(event, (QDragEnterEvent, QDragMoveEvent))
            if local_files(event.mimeData()):
                if self.enabled:
                    event.acceptProposedAction()
                else:
                    event.ignore()
                return True
        elif event.type() == QEvent.Type.Drop:
            assert isinstance(event, QDropEvent)
            files = local_files(event.mimeData())
            if files:
                event.acceptProposedAction()
                self.files_dropped.emit(files)
                return True
        return super().eventFilter(watched, event)


class ElidedLabel(QLabel):
    """A one-line plain-text label that shortens its text with "…" to the width it is given.

    It never asks for more width than a few characters, so a long title cannot
    widen the window; :meth:`full_text` keeps the whole text (and the tooltip shows it).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._full = ""

    def setText(self, text: str) -> None:  # noqa: N802
        """Show ``text``, elided to the current width."""
        self._full = text
        self._elide()

    def full_text(self) -> str:
        """Return the whole text, as set."""
        return self._full

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        """Ask for a few characters' width only."""
        hint = super().minimumSizeHint()
        return QSize(
            min(hint.width(), self.fontMetrics().horizontalAdvance("M") * 6), hint.height()
        )

    def sizeHint(self) -> QSize:  # noqa: N802
        """Prefer the whole text, but never insist (see :meth:`minimumSizeHint`)."""
        return QSize(
            self.fontMetrics().horizontalAdvance(self._full) + 8, super().sizeHint().height()
        )

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        """Elide again at the new width."""
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(
            self._full, Qt.TextElideMode.ElideRight, max(self.width(), 10)
        )
        super().setText(shown)


def muted_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """Return a word-wrapped label in the placeholder colour."""
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


def app_font() -> QFont:
    """Return the application's font."""
    return QApplication.font()
