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
    QPoint,
    QRect,
    QSize,
    QSortFilterProxyModel,
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
    QPainter,
    QPalette,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTabWidget,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from desktop.app.models import FILTER_ROLE, HIT_ROLE, NODE_ROLE, TreeModel, TreeNode
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
            chip.setText(f"{f.label}  ✕".replace("&", "&&"))
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
        self.field.setClearButtonEnabled(True)
        self.status = QLabel(self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        prev_btn = QToolButton(self)
        prev_btn.setText("▲")
        prev_btn.setToolTip("Previous match (Shift+F3)")
        next_btn = QToolButton(self)
        next_btn.setText("▼")
        next_btn.setToolTip("Next match (F3, Enter)")
        close_btn = QToolButton(self)
        close_btn.setText("✕")
        close_btn.setToolTip("Close (Esc)")
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


class ResultDelegate(QStyledItemDelegate):
    """Paints a result as rich text: citation, heading path, snippet with matches marked."""

    PAD_X, PAD_Y = 10, 7

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.colors: Colors = LIGHT_COLORS
        self._cache: dict[tuple[Any, ...], QTextDocument] = {}

    def set_colors(self, colors: Colors) -> None:
        """Use another theme's colours."""
        self.colors = colors
        self._cache.clear()

    def clear_cache(self) -> None:
        """Forget laid-out documents (after a font or width change)."""
        self._cache.clear()

    def _document(self, hit: Any, font: QFont, width: int) -> QTextDocument:
        key = (hit.passage_id, hit.snippet, font.toString(), width)
        doc = self._cache.get(key)
        if doc is None:
            if len(self._cache) > 500:
                self._cache.clear()
            doc = QTextDocument()
            doc.setDocumentMargin(0)
            doc.setDefaultFont(font)
            doc.setHtml(result_html(hit, self.colors))
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


class _TreeProxy(QSortFilterProxyModel):
    """Recursive, case-insensitive filtering on names, acronyms and aliases."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRecursiveFilteringEnabled(True)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterRole(FILTER_ROLE)
        self.setFilterKeyColumn(0)


class TreePane(QWidget):
    """The left pane: a filter field over tabs of trees (entities, documents, …)."""

    node_chosen = Signal(object)
    """Emitted with the :class:`TreeNode` the officer selected."""
    context_requested = Signal(str, object, QPoint)
    """Emitted with (tab key, :class:`TreeNode`, global position) on a right click on a row."""

    def __init__(self, tabs: Sequence[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.filter_field = QLineEdit(self)
        self.filter_field.setPlaceholderText("Filter the tree   (Ctrl+Shift+F)")
        self.filter_field.setClearButtonEnabled(True)
        self.tab_widget = QTabWidget(self)
        self.tab_widget.setDocumentMode(True)
        self.tab_widget.setUsesScrollButtons(False)
        self.tab_keys: list[str] = []
        self.views: dict[str, QTreeView] = {}
        self.proxies: dict[str, _TreeProxy] = {}
        self.models: dict[str, TreeModel] = {}
        self.stacks: dict[str, QStackedWidget] = {}
        self.empty_labels: dict[str, QLabel] = {}
        for key, title in tabs:
            stack = QStackedWidget(self)
            view = QTreeView(stack)
            view.setObjectName(f"tree-{key}")
            view.setUniformRowHeights(True)
            view.setAllColumnsShowFocus(True)
            view.setHeaderHidden(True)
            view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            proxy = _TreeProxy(self)
            model = TreeModel(parent=self)
            proxy.setSourceModel(model)
            view.setModel(proxy)
            header = view.header()
            header.setStretchLastSection(False)
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
            view.selectionModel().currentChanged.connect(self._on_current)
            view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            view.customContextMenuRequested.connect(lambda pos, k=key: self._on_context(k, pos))
            empty = QLabel(stack)
            empty.setTextFormat(Qt.TextFormat.PlainText)
            empty.setWordWrap(True)
            empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
            empty.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            empty.setMargin(16)
            stack.addWidget(view)
            stack.addWidget(empty)
            self.tab_widget.addTab(stack, title)
            self.tab_keys.append(key)
            self.views[key], self.proxies[key], self.models[key] = view, proxy, model
            self.stacks[key], self.empty_labels[key] = stack, empty
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.filter_field)
        layout.addWidget(self.tab_widget, 1)
        self.filter_field.textChanged.connect(self.set_filter_text)

    def set_nodes(self, key: str, roots: Sequence[TreeNode], empty_text: str = "") -> None:
        """Fill one tab, or show ``empty_text`` when there are no nodes."""
        self.models[key].set_roots(roots)
        self.empty_labels[key].setText(empty_text)
        self.stacks[key].setCurrentIndex(0 if roots else 1)

    def set_filter_text(self, text: str) -> None:
        """Narrow every tree to rows matching ``text`` (and their ancestors)."""
        for key, proxy in self.proxies.items():
            proxy.setFilterFixedString(text.strip())
            view = self.views[key]
            if text.strip():
                view.expandAll()
            else:
                view.collapseAll()

    def current_key(self) -> str:
        """Return the key of the visible tab."""
        return self.tab_keys[self.tab_widget.currentIndex()]

    def show_tab(self, key: str) -> None:
        """Bring a tab to the front."""
        self.tab_widget.setCurrentIndex(self.tab_keys.index(key))

    def current_view(self) -> QTreeView:
        """Return the visible tab's tree view."""
        return self.views[self.current_key()]

    def select(self, key: str, node_key: str, *, emit: bool = True) -> bool:
        """Select the node ``node_key`` in tab ``key`` (clearing the tree filter if it hides it).

        Args:
            key: The tab.
            node_key: The node's key ("doc:ID", …).
            emit: Emit :attr:`node_chosen`, as if the officer had chosen it.

        Returns:
            True when the node exists.
        """
        source = self.models[key].find(node_key)
        if not source.isValid():
            return False
        proxy = self.proxies[key]
        index = proxy.mapFromSource(source)
        if not index.isValid():
            self.filter_field.clear()
            index = proxy.mapFromSource(source)
        self.show_tab(key)
        view = self.views[key]
        view.selectionModel().blockSignals(not emit)
        view.setCurrentIndex(index)
        view.selectionModel().blockSignals(False)
        view.scrollTo(index)
        view.viewport().update()
        return True

    def find_tab(self, node_key: str) -> str | None:
        """Return the tab whose tree holds ``node_key``."""
        for key, model in self.models.items():
            if model.find(node_key).isValid():
                return key
        return None

    def clear_selection(self, kinds: Sequence[str]) -> None:
        """Deselect, in every tab, a current node of one of ``kinds``."""
        for view in self.views.values():
            node = view.currentIndex().data(NODE_ROLE)
            if node is not None and node.kind in kinds:
                view.selectionModel().blockSignals(True)
                view.selectionModel().clearCurrentIndex()
                view.clearSelection()
                view.selectionModel().blockSignals(False)
                view.viewport().update()

    def _on_context(self, key: str, pos: QPoint) -> None:
        view = self.views[key]
        node = view.indexAt(pos).data(NODE_ROLE)
        if node is not None:
            self.context_requested.emit(key, node, view.viewport().mapToGlobal(pos))

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        node = current.data(NODE_ROLE) if current.isValid() else None
        if node is not None:
            self.node_chosen.emit(node)


def local_files(mime: QMimeData | None) -> list[Path]:
    """Return the local files a drag carries (folders and remote URLs left out)."""
    if mime is None or not mime.hasUrls():
        return []
    files = (Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile())
    return [f for f in files if not f.is_dir()]


class FileDropFilter(QObject):
    """Takes drops of files on the widgets it watches and reports them by a signal.

    Installed on the window and on its text fields, so a file dropped on the
    search field is imported rather than typed in as its path.
    """

    files_dropped = Signal(list)
    """Emitted with the dropped files (``list[Path]``)."""

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
