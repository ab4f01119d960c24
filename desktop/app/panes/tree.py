"""The tree pane: a filter field over tabs of trees (UN entities, documents, capabilities, themes).

The pane owns its views and models, fills them from the library
(:meth:`TreePane.load`), and reports what the officer chose through signals;
it never searches or opens anything itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from desktop.app.models import (
    FILTER_ROLE,
    NODE_ROLE,
    TreeModel,
    TreeNode,
    document_outline,
    entity_nodes,
)
from desktop.app.panes.references import instrument_nodes

if TYPE_CHECKING:
    from db.reading import Library

TREE_TABS = (
    ("un", "UN"),
    ("documents", "Documents"),
    ("capabilities", "Capabilities"),
    ("themes", "Themes"),
    ("references", "Refs"),
)
#: Tooltips of tabs whose short title needs saying in full.
TAB_TOOLTIPS = {"references": "References: every instrument the texts cite, with counts"}
ENTITY_TREES = ("un", "capabilities", "themes")
ENTITY_CHIP_LABELS = {"un": "UN", "capabilities": "Capability", "themes": "Theme"}


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

    def __init__(
        self, tabs: Sequence[tuple[str, str]] = TREE_TABS, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.filter_field = QLineEdit(self)
        self.filter_field.setPlaceholderText("Filter the tree   (Ctrl+Shift+F)")
        self.filter_field.setClearButtonEnabled(True)
        self.filter_field.setAccessibleName("Filter the tree")
        self.tab_widget = QTabWidget(self)
        self.tab_widget.setDocumentMode(True)
        self.tab_widget.setUsesScrollButtons(False)
        self.tab_keys: list[str] = []
        self._unexpanded: set[str] = set()
        self.views: dict[str, QTreeView] = {}
        self.proxies: dict[str, _TreeProxy] = {}
        self.models: dict[str, TreeModel] = {}
        self.stacks: dict[str, QStackedWidget] = {}
        self.empty_labels: dict[str, QLabel] = {}
        for key, title in tabs:
            stack = QStackedWidget(self)
            view = QTreeView(stack)
            view.setObjectName(f"tree-{key}")
            view.setAccessibleName(f"{title} tree")
            # "United Nations Office on … (UNODC)": keep the acronym the officer filtered by.
            view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
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
            view.selectionModel().selectionChanged.connect(
                lambda _selected, _deselected, v=view: self._on_selected(v)
            )
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
            index = self.tab_widget.addTab(stack, title)
            if key in TAB_TOOLTIPS:
                self.tab_widget.setTabToolTip(index, TAB_TOOLTIPS[key])
            self.tab_keys.append(key)
            self.views[key], self.proxies[key], self.models[key] = view, proxy, model
            self.stacks[key], self.empty_labels[key] = stack, empty
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.filter_field)
        layout.addWidget(self.tab_widget, 1)
        self.filter_field.textChanged.connect(self.set_filter_text)
        self.filter_field.installEventFilter(self)
        self.tab_widget.currentChanged.connect(lambda _index: self._expand_current())

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

    def focus_tab(self, key: str) -> None:
        """Show the tab ``key`` and put the keyboard in its tree (Alt+1…5)."""
        self.show_tab(key)
        self.current_view().setFocus(Qt.FocusReason.ShortcutFocusReason)

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

    def _on_selected(self, view: QTreeView) -> None:
        # Selection, not the current index: focusing a tree (Alt+3) makes its first row
        # current without selecting it, and must not filter by it.
        rows = view.selectionModel().selectedRows(0)
        node = rows[0].data(NODE_ROLE) if rows else None
        if node is not None:
            self.node_chosen.emit(node)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Down in the filter field moves into the tree; Enter chooses its first match."""
        if watched is self.filter_field and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
                view = self.current_view()
                index = self._first_leaf_match(view)
                if index.isValid():
                    view.setFocus(Qt.FocusReason.OtherFocusReason)
                    view.setCurrentIndex(index)
                    view.scrollTo(index)
                return True
        return super().eventFilter(watched, event)

    def _first_leaf_match(self, view: QTreeView) -> QModelIndex:
        """Return the first row the filter matches itself (not an ancestor kept for it)."""
        model = view.model()
        text = self.filter_field.text().strip().lower()
        stack = [model.index(r, 0) for r in range(model.rowCount() - 1, -1, -1)]
        while stack:
            index = stack.pop()
            if not text or text in str(index.data(FILTER_ROLE) or "").lower():
                return index
            stack.extend(model.index(r, 0, index) for r in range(model.rowCount(index) - 1, -1, -1))
        return QModelIndex()

    # -- filling from the library ---------------------------------------------

    def load(self, library: Library) -> None:
        """Fill every tab from ``library`` (documents with their outline, entity trees)."""
        docs = [library.document(d["id"]) for d in library.documents()]
        self.set_nodes("documents", document_outline(docs), "The store holds no documents.")
        for tree in ENTITY_TREES:
            self.set_nodes(tree, entity_nodes(tree, library.entity_tree(tree)), "No entries.")
        self.set_nodes(
            "references", instrument_nodes(library.instruments()), "No document cites another."
        )
        # Each tree opens its first level when first shown: laying out the hidden
        # trees' rows now would only delay the first search.
        self._unexpanded = set(self.tab_keys)
        self._expand_current()

    def _expand_current(self) -> None:
        key = self.current_key()
        if key in self._unexpanded:
            self._unexpanded.discard(key)
            self.views[key].expandToDepth(0)

    def show_waiting(self, text: str) -> None:
        """Say ``text`` in every tab (while the library opens, or when it could not)."""
        for key in self.tab_keys:
            self.set_nodes(key, [], text)

    def focus_filter(self) -> None:
        """Focus the filter field, its text selected."""
        self.filter_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_field.selectAll()

    def chip_label(self, node: TreeNode) -> str:
        """Return what a filter chip says for an entity row ("UN: United Nations Office…")."""
        tab = ENTITY_CHIP_LABELS.get(self.find_tab(node.key) or "", "Entity")
        short = node.label if len(node.label) <= 32 else node.label[:31] + "…"
        return f"{tab}: {short}"
