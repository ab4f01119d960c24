"""The main window: three panes (tree, search, viewer), menus, status bar, and their wiring.

Logic lives in :class:`~desktop.app.search.SearchController`,
:class:`~desktop.app.reader.Reader` and :class:`~desktop.app.session.LibrarySession`
(which opens the library, and imports and removes documents on a worker
thread); this module lays widgets out and connects them, plus the small
handlers behind each keyboard action.

The window can be shown before the library is open: it then says so, keeps
what the officer types, and fills its panes when the session reports the
library open (:meth:`MainWindow.use_library`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QCursor, QGuiApplication, QShowEvent, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from desktop.app import dialogs, shortcuts
from desktop.app.models import (
    HIT_ROLE,
    ResultsModel,
    TreeNode,
    document_outline,
    entity_nodes,
)
from desktop.app.reader import Reader
from desktop.app.search import KIND_LABELS, SearchController, SearchState
from desktop.app.session import IMPORT_FILTER, LibrarySession, summarize_imports
from desktop.app.settings import Settings
from desktop.app.theme import ThemeManager, html_colors
from desktop.app.viewer import DocumentViewer, esc, plain_tooltip
from desktop.app.widgets import (
    ChipBar,
    FileDropFilter,
    FindBar,
    ResultDelegate,
    SearchField,
    TreePane,
    muted_label,
)

TREE_TABS = (
    ("un", "UN"),
    ("documents", "Documents"),
    ("capabilities", "Capabilities"),
    ("themes", "Themes"),
)
ENTITY_TREES = ("un", "capabilities", "themes")
ENTITY_CHIP_LABELS = {"un": "UN", "capabilities": "Capability", "themes": "Theme"}
ZOOM_STEPS = (0.7, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0)
READING_SCALE = 1.12
HINT_TEXT = (
    "Type a few words to search every passage: an entity (UNODC), a topic "
    "(maritime piracy), or words of a paragraph.\n\n"
    "Or choose an entity or a document in the tree."
)
OPENING_TEXT = "Opening the library…"


def format_built_at(value: str | None) -> str:
    """Return "23 November 2026, 01:57 UTC" for an ISO timestamp (other strings unchanged)."""
    if not value:
        return "unknown"
    try:
        t = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if t.tzinfo is not None:
        t = t.astimezone(dt.UTC)
    return f"{t.day} {t.strftime('%B %Y, %H:%M')}" + (" UTC" if t.tzinfo else "")


class MainWindow(QMainWindow):
    """Liaison's window over the library.

    Args:
        library: An open :class:`db.library.Library` the window only reads (it
            never closes or changes it), or None when ``session`` will open one.
        settings: Where preferences persist.
        theme: The theme manager (already applied).
        persist: Save geometry and preferences when closing.
        session: The session that opens the library and imports into it (default:
            one over ``library``, which cannot import).
    """

    library_opened = Signal()
    """Emitted when the panes show a newly opened library (at start and after every job)."""
    job_finished = Signal(str)
    """Emitted with the status line once an import or removal has been reported."""

    def __init__(
        self,
        library: Any | None,
        settings: Settings,
        theme: ThemeManager,
        *,
        persist: bool = True,
        session: LibrarySession | None = None,
    ) -> None:
        super().__init__()
        self.session = session or LibrarySession(library, parent=self)
        if session is not None and session.parent() is None:
            session.setParent(self)
        self.settings = settings
        self.theme = theme
        self.persist = persist
        self.entity_api = library is None or callable(getattr(library, "entity_tree", None))
        self.notice_box: QMessageBox | None = None
        self.last_import: Any = None
        self.setWindowTitle("Liaison")
        self.search = SearchController(None, entity_search=self.entity_api, parent=self)
        self.reader = Reader(None, parent=self)
        self.zoom = settings.zoom
        self._dialogs: dict[str, QDialog] = {}
        self._sizes_restored = False
        self._build_panes()
        self._build_menus()
        self._connect()
        self._restore()
        self._on_theme(theme.dark)
        self.apply_zoom(self.zoom)
        self._on_state(SearchState(0, "", ()))
        if self.library is not None:
            self.use_library(self.library)
        else:
            self._show_waiting(OPENING_TEXT)
        self.search_field.setFocus()

    @property
    def library(self) -> Any | None:
        """The open library (None while it opens, or while an import or removal runs)."""
        return self.session.library

    # -- layout ----------------------------------------------------------------

    def _build_panes(self) -> None:
        self.tree_pane = TreePane(TREE_TABS, self)

        search_pane = QWidget(self)
        self.search_field = SearchField(search_pane)
        self.search_field.setObjectName("search-field")
        self.kind_button = QToolButton(search_pane)
        self.kind_button.setText("Kind ▾")
        self.kind_button.setToolTip("Only passages of one kind (Search menu)")
        self.kind_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.chips = ChipBar(search_pane)
        self.info_label = muted_label("", search_pane)
        self.info_label.setObjectName("results-info")
        self.results_model = ResultsModel(self)
        self.results_view = QListView(search_pane)
        self.results_view.setObjectName("results")
        self.results_view.setModel(self.results_model)
        self.delegate = ResultDelegate(self.results_view)
        self.results_view.setItemDelegate(self.delegate)
        self.results_view.setResizeMode(QListView.ResizeMode.Adjust)
        self.results_view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.results_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results_view.setMouseTracking(True)
        self.results_view.setWordWrap(True)
        self.empty_label = muted_label("", search_pane)
        self.empty_label.setObjectName("results-empty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.empty_label.setMargin(24)
        self.results_stack = QStackedWidget(search_pane)
        self.results_stack.addWidget(self.results_view)
        self.results_stack.addWidget(self.empty_label)
        row = QHBoxLayout()
        row.setSpacing(6)
        row.addWidget(self.search_field, 1)
        row.addWidget(self.kind_button)
        layout = QVBoxLayout(search_pane)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(row)
        layout.addWidget(self.chips)
        layout.addWidget(self.info_label)
        layout.addWidget(self.results_stack, 1)

        viewer_pane = QWidget(self)
        self.citation_label = QLabel(viewer_pane)
        self.citation_label.setObjectName("citation")
        self.citation_label.setTextFormat(Qt.TextFormat.PlainText)
        self.citation_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.citation_label.font()
        font.setBold(True)
        self.citation_label.setFont(font)
        self.back_button = QToolButton(viewer_pane)
        self.back_button.setText("◀")
        self.back_button.setToolTip("Back (Alt+Left)")
        self.forward_button = QToolButton(viewer_pane)
        self.forward_button.setText("▶")
        self.forward_button.setToolTip("Forward (Alt+Right)")
        self.copy_button = QToolButton(viewer_pane)
        self.copy_button.setText("Copy citation")
        self.copy_button.setToolTip(
            "Copy the citation (Ctrl+Shift+C); with the passage: Ctrl+Shift+P"
        )
        header = QHBoxLayout()
        header.setSpacing(6)
        header.addWidget(self.back_button)
        header.addWidget(self.forward_button)
        header.addWidget(self.citation_label, 1)
        header.addWidget(self.copy_button)
        self.viewer = DocumentViewer(viewer_pane)
        self.viewer.setObjectName("viewer")
        self.viewer_empty = muted_label(
            "Choose a result or a passage to read it here, in its document.", viewer_pane
        )
        self.viewer_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.viewer_stack = QStackedWidget(viewer_pane)
        self.viewer_stack.addWidget(self.viewer_empty)
        self.viewer_stack.addWidget(self.viewer)
        self.find_bar = FindBar(viewer_pane)
        vlayout = QVBoxLayout(viewer_pane)
        vlayout.setContentsMargins(0, 0, 0, 0)
        vlayout.setSpacing(6)
        vlayout.addLayout(header)
        vlayout.addWidget(self.viewer_stack, 1)
        vlayout.addWidget(self.find_bar)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("panes")
        self.splitter.setChildrenCollapsible(False)
        for pane in (self.tree_pane, search_pane, viewer_pane):
            self.splitter.addWidget(pane)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 5)
        outer = QWidget(self)
        ol = QVBoxLayout(outer)
        ol.setContentsMargins(8, 8, 8, 4)
        ol.addWidget(self.splitter)
        self.setCentralWidget(outer)
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setObjectName("job-progress")
        self.progress_bar.setMaximumWidth(160)
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setVisible(False)
        self.statusBar().addPermanentWidget(self.progress_bar)
        self.summary_label = QLabel(self)
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.statusBar().addPermanentWidget(self.summary_label)
        self.drop_filter = FileDropFilter(self)
        self.drop_filter.watch(
            self,
            self.search_field,
            self.tree_pane.filter_field,
            self.find_bar.field,
            self.viewer.viewport(),
        )

    def _build_menus(self) -> None:
        self.actions_by_name: dict[str, QAction] = shortcuts.create_actions(self)
        menus = {title: self.menuBar().addMenu(title) for title in shortcuts.MENUS}
        for spec in shortcuts.ACTIONS:
            menus[spec.menu].addAction(self.actions_by_name[spec.name])
            if spec.name in (
                "remove_document",
                "copy_passage",
                "find_previous",
                "zoom_reset",
                "toggle_source",
                "focus_tree_filter",
                "tab_themes",
            ):
                menus[spec.menu].addSeparator()
            getattr(self, f"do_{spec.name}")  # every action has a handler
            self.actions_by_name[spec.name].triggered.connect(
                lambda checked=False, name=spec.name: self._dispatch(name, checked)
            )
        self.kind_menu = QMenu("Passage &kind", self)
        group = []
        for value, label in (("", "Any kind"), *KIND_LABELS.items()):
            act = self.kind_menu.addAction(label)
            act.setCheckable(True)
            act.setChecked(not value)
            act.setData(value)
            act.triggered.connect(lambda _=False, v=value, lbl=label: self.set_kind_filter(v, lbl))
            group.append(act)
        self.kind_actions = group
        menus["&Search"].insertMenu(self.actions_by_name["remove_filter"], self.kind_menu)
        menus["&Search"].insertSeparator(self.actions_by_name["remove_filter"])
        self.kind_button.setMenu(self.kind_menu)

    def _dispatch(self, name: str, checked: bool) -> None:
        handler = getattr(self, f"do_{name}")
        if self.actions_by_name[name].isCheckable():
            handler(checked)
        else:
            handler()

    def _connect(self) -> None:
        self.search_field.textChanged.connect(self.search.set_query)
        self.search_field.navigate.connect(self._navigate_results)
        self.search_field.open_current.connect(self.open_current_result)
        self.search.results_ready.connect(self._on_state)
        self.search.filters_changed.connect(self._on_filters)
        self.chips.remove_requested.connect(self._remove_filter)
        self.results_view.activated.connect(self._open_index)
        self.results_view.clicked.connect(self._open_index)
        self.tree_pane.node_chosen.connect(self._on_node)
        self.reader.changed.connect(self._on_reader)
        self.reader.history_changed.connect(self._on_history)
        self.viewer.footnote_link.connect(self._show_footnote)
        self.viewer.entity_link.connect(self.select_entity)
        self.viewer.passage_link.connect(self._open_passage_link)
        self.find_bar.find_requested.connect(self.find_in_document)
        self.find_bar.closed.connect(self.viewer.setFocus)
        self.back_button.clicked.connect(self.do_back)
        self.forward_button.clicked.connect(self.do_forward)
        self.copy_button.clicked.connect(self.do_copy_citation)
        self.theme.changed.connect(self._on_theme)
        self.tree_pane.context_requested.connect(self._on_tree_context)
        self.drop_filter.files_dropped.connect(self.import_paths)
        self.session.opened.connect(self.use_library)
        self.session.open_failed.connect(self._on_open_failed)
        self.session.closed.connect(self._on_closed)
        self.session.busy_changed.connect(self._on_busy)
        self.session.progressed.connect(self._on_progress)
        self.session.imported.connect(self._on_imported)
        self.session.removed.connect(self._on_removed)
        self.session.job_failed.connect(self._on_job_failed)
        self._on_history(False, False)

    # -- data --------------------------------------------------------------------

    def use_library(self, library: Any) -> None:
        """Show ``library`` in every pane (at start, and after an import or removal)."""
        self.entity_api = callable(getattr(library, "entity_tree", None))
        known = {d["id"] for d in library.documents()}
        doc_filter = self.search.filter("document")
        if doc_filter is not None and doc_filter.value not in known:
            self._remove_filter("document")
        self.reader.set_library(library)
        self._load_trees()
        self._show_summary()
        about = self._dialogs.pop("about", None)
        if about is not None:
            about.close()
            about.deleteLater()
        self.search.set_library(library, entity_search=self.entity_api)
        if self.search.last_state is None or (
            not self.search.query.strip() and not self.search.filters
        ):
            self._on_state(SearchState(self.search.generation, self.search.query, ()))
        self._update_actions()
        self.library_opened.emit()

    def _show_waiting(self, text: str) -> None:
        """Say ``text`` where the trees, the results and the summary would be."""
        for key in self.tree_pane.tab_keys:
            self.tree_pane.set_nodes(key, [], text)
        self.empty_label.setText(text)
        self.results_stack.setCurrentIndex(1)
        self.summary_label.setText(text)
        self._update_actions()

    def _on_open_failed(self, message: str) -> None:
        self._show_waiting(f"The library could not be opened: {message}")
        self.summary_label.setText("The library is not open")
        self.summary_label.setToolTip(plain_tooltip(message))

    def _on_closed(self) -> None:
        self.search.set_library(None)
        self.reader.set_library(None)
        self._update_actions()

    def _load_trees(self) -> None:
        docs = [self.library.document(d["id"]) for d in self.library.documents()]
        self.tree_pane.set_nodes(
            "documents", document_outline(docs), "The store holds no documents."
        )
        for tree in ENTITY_TREES:
            if not self.entity_api:
                self.tree_pane.set_nodes(
                    tree,
                    [],
                    "Entities are not indexed in this store yet.\n"
                    "Search and the Documents tab work as usual.",
                )
                continue
            try:
                flat = self.library.entity_tree(tree)
            except Exception as exc:
                self.tree_pane.set_nodes(tree, [], f"This tree could not be loaded ({exc}).")
                continue
            self.tree_pane.set_nodes(tree, entity_nodes(tree, flat), "No entries in this tree.")
        for key in self.tree_pane.views:
            self.tree_pane.views[key].expandToDepth(0)

    def _show_summary(self) -> None:
        s = self.library.summary()
        built = format_built_at(s.get("built_at"))
        imported = sum(1 for d in self.library.documents() if d.get("origin") == "imported")
        mine = f" ({imported} imported)" if imported else ""
        self.summary_label.setText(
            f"{s['documents']} documents{mine} · {s['passages']} passages · built {built}"
        )
        self.summary_label.setToolTip(plain_tooltip(f"Store: {s.get('store_dir', '')}"))

    # -- search --------------------------------------------------------------------

    def _on_state(self, state: SearchState) -> None:
        self.results_model.set_hits(state.hits)
        shown_query = state.corrected_query or state.query
        if state.error:
            self.info_label.setText("")
            self.empty_label.setText(f"The search could not run: {state.error}")
            self.results_stack.setCurrentIndex(1)
        elif state.idle:
            self.info_label.setText("")
            self.empty_label.setText(HINT_TEXT)
            self.results_stack.setCurrentIndex(1)
        elif not state.hits:
            self.info_label.setText("")
            where = " with the filters shown" if state.filters else ""
            if state.query.strip():
                self.empty_label.setText(
                    f"No passage matches “{shown_query.strip()}”{where}.\n\n"
                    "Try fewer or other words" + (", or remove a filter." if state.filters else ".")
                )
            else:
                self.empty_label.setText("No passage falls under these filters.")
            self.results_stack.setCurrentIndex(1)
        else:
            n = len(state.hits)
            count = f"{n} passage{'s' if n != 1 else ''}" + ("" if n < 60 else " (the best 60)")
            if state.corrected_query:
                self.info_label.setText(f"Showing results for “{state.corrected_query}” · {count}")
            else:
                self.info_label.setText(count)
            self.results_stack.setCurrentIndex(0)
            self.results_view.setCurrentIndex(self.results_model.index(0, 0))
            self.results_view.scrollToTop()

    def _on_filters(self, filters: tuple[Any, ...]) -> None:
        self.chips.set_filters(filters)
        kinds = {f.kind for f in filters}
        if "kind" not in kinds:
            for act in self.kind_actions:
                act.setChecked(not act.data())

    def _remove_filter(self, kind: str) -> None:
        self.search.remove_filter(kind)
        if kind == "entity":
            self.tree_pane.clear_selection(["entity"])
        elif kind == "document":
            self.tree_pane.clear_selection(["document"])

    def set_kind_filter(self, value: str, label: str) -> None:
        """Restrict results to one passage kind ("" for any)."""
        for act in self.kind_actions:
            act.setChecked(act.data() == value)
        if value:
            self.search.set_filter("kind", value, label)
        else:
            self.search.remove_filter("kind")

    def _navigate_results(self, key: int) -> None:
        n = self.results_model.rowCount()
        if not n:
            return
        row = self.results_view.currentIndex().row()
        page = max(1, self.results_view.viewport().height() // 80)
        step = {
            Qt.Key.Key_Up: -1,
            Qt.Key.Key_Down: 1,
            Qt.Key.Key_PageUp: -page,
            Qt.Key.Key_PageDown: page,
        }[Qt.Key(key)]
        row = min(max(0, (row if row >= 0 else -1) + step), n - 1)
        index = self.results_model.index(row, 0)
        self.results_view.setCurrentIndex(index)
        self.results_view.scrollTo(index)

    def open_current_result(self) -> None:
        """Open the selected result (the first when none is selected)."""
        index = self.results_view.currentIndex()
        if not index.isValid():
            index = self.results_model.index(0, 0)
        if index.isValid():
            self._open_index(index)

    def open_result(self, row: int) -> None:
        """Open the result in ``row`` in the viewer."""
        self._open_index(self.results_model.index(row, 0))

    def _open_index(self, index: QModelIndex) -> None:
        hit = index.data(HIT_ROLE)
        if hit is None or self.library is None:
            return
        state = self.search.last_state
        query = (state.corrected_query or state.query) if state else ""
        self.results_view.setCurrentIndex(index)
        self.reader.open_passage(hit.passage_id, query)

    # -- tree ----------------------------------------------------------------------

    def _on_node(self, node: TreeNode) -> None:
        if self.library is None:
            return
        query = self.search.query
        if node.kind == "entity":
            tab = ENTITY_CHIP_LABELS.get(self.tree_pane.find_tab(node.key) or "", "Entity")
            short = node.label if len(node.label) <= 32 else node.label[:31] + "…"
            self.search.set_filter("entity", node.ref, f"{tab}: {short}")
        elif node.kind == "document":
            self.search.set_filter("document", node.ref, f"Document: {node.label}")
            self.reader.open_document(node.ref, query)
        elif node.kind == "section" and node.first_passage:
            self.reader.open_passage(node.first_passage, query)
        elif node.kind == "passage":
            self.reader.open_passage(node.ref, query)

    def select_entity(self, entity_id: str) -> None:
        """Select an entity in its tree (which filters the results by it)."""
        key = f"entity:{entity_id}"
        tab = self.tree_pane.find_tab(key)
        if tab is None:
            self.statusBar().showMessage(f"No tree lists the entity “{entity_id}”.", 4000)
            return
        self.tree_pane.select(tab, key)

    # -- viewer --------------------------------------------------------------------

    def _on_reader(self) -> None:
        self._update_actions()
        if self.reader.document is None:
            self.viewer_stack.setCurrentWidget(self.viewer_empty)
            self.citation_label.clear()
            self.citation_label.setToolTip("")
            return
        self.viewer_stack.setCurrentWidget(self.viewer)
        if self.actions_by_name["toggle_source"].isChecked():
            self._show_source()
        else:
            self.viewer.show_html(self.reader.html, self.reader.anchor, self.reader.footnotes())
        citation = self.reader.citation() or ""
        self.citation_label.setText(citation)
        self.citation_label.setToolTip(plain_tooltip(citation))

    def _open_passage_link(self, passage_id: str) -> None:
        if self.library is not None:
            self.reader.open_passage(passage_id, self.reader.query)

    def _on_history(self, can_back: bool, can_forward: bool) -> None:
        self.actions_by_name["back"].setEnabled(can_back)
        self.actions_by_name["forward"].setEnabled(can_forward)
        self.back_button.setEnabled(can_back)
        self.forward_button.setEnabled(can_forward)

    def _show_source(self) -> None:
        src = self.reader.source()
        if src is None:
            return
        text, segments, span = src
        self.viewer.show_source(text, segments, span)

    def _show_footnote(self, number: str) -> None:
        text = self.reader.footnotes().get(number)
        if text is None:
            return
        QToolTip.showText(QCursor.pos(), plain_tooltip(text), self.viewer)
        self.statusBar().showMessage(f"Footnote {text}", 8000)

    def find_in_document(self, text: str, backward: bool = False) -> bool:
        """Find ``text`` in the viewer from the cursor, wrapping around.

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
        self.find_bar.status.setText("" if found else "Not found")
        return found

    # -- zoom and theme ------------------------------------------------------------

    def apply_zoom(self, factor: float) -> None:
        """Scale the viewer's and the results' fonts by ``factor``."""
        self.zoom = min(max(factor, ZOOM_STEPS[0]), ZOOM_STEPS[-1])
        base = QGuiApplication.font()
        size = base.pointSizeF() if base.pointSizeF() > 0 else 10.0
        reading = base
        reading.setPointSizeF(size * READING_SCALE * self.zoom)
        self.viewer.document().setDefaultFont(reading)
        self.viewer.setFont(reading)
        results = QGuiApplication.font()
        results.setPointSizeF(size * self.zoom)
        self.results_view.setFont(results)
        self.delegate.clear_cache()
        self.results_view.doItemsLayout()
        if self.reader.history.current is not None and not self.viewer.source_mode:
            self._on_reader()

    def _step_zoom(self, direction: int) -> None:
        steps = list(ZOOM_STEPS)
        nearest = min(range(len(steps)), key=lambda i: abs(steps[i] - self.zoom))
        i = min(max(nearest + direction, 0), len(steps) - 1)
        self.apply_zoom(steps[i])
        self.settings.zoom = self.zoom
        self.statusBar().showMessage(f"Zoom {round(self.zoom * 100)} %", 2000)

    def _on_theme(self, dark: bool) -> None:
        colors = html_colors(dark)
        self.delegate.set_colors(colors)
        self.results_view.doItemsLayout()
        self.results_view.viewport().update()
        self.reader.set_colors(colors)
        self.actions_by_name["toggle_dark"].setChecked(dark)
        self.actions_by_name["follow_system"].setChecked(self.theme.mode == "system")

    # -- actions -------------------------------------------------------------------

    def do_quit(self) -> None:
        """Close the window."""
        self.close()

    def _copy(self, text: str | None, what: str) -> None:
        if not text:
            self.statusBar().showMessage("Open a passage first.", 3000)
            return
        QGuiApplication.clipboard().setText(text)
        first = text.splitlines()[0]
        self.statusBar().showMessage(
            f"Copied {what}: {first[:90]}{'…' if len(first) > 90 else ''}", 5000
        )

    def _current_hit(self) -> Any:
        return self.results_view.currentIndex().data(HIT_ROLE)

    def do_copy_citation(self) -> None:
        """Copy the open passage's citation (or the selected result's)."""
        text = self.reader.citation()
        if text is None and self._current_hit() is not None:
            text = self._current_hit().citation
        self._copy(text, "citation")

    def do_copy_passage(self) -> None:
        """Copy the open passage's text with its citation."""
        text = self.reader.passage_with_citation()
        hit = self._current_hit()
        if text is None and hit is not None:
            text = f"{hit.text}\n— {hit.citation}"
        self._copy(text, "passage")

    def do_find(self) -> None:
        """Open the find bar."""
        selected = self.viewer.textCursor().selectedText() if self.viewer.hasFocus() else ""
        self.find_bar.open_bar(selected if "\u2029" not in selected else "")

    def do_find_next(self) -> None:
        """Find the next match."""
        if not self.find_bar.field.text():
            self.do_find()
            return
        self.find_in_document(self.find_bar.field.text(), backward=False)

    def do_find_previous(self) -> None:
        """Find the previous match."""
        if not self.find_bar.field.text():
            self.do_find()
            return
        self.find_in_document(self.find_bar.field.text(), backward=True)

    def do_zoom_in(self) -> None:
        """Larger text."""
        self._step_zoom(+1)

    def do_zoom_out(self) -> None:
        """Smaller text."""
        self._step_zoom(-1)

    def do_zoom_reset(self) -> None:
        """Normal size."""
        self.apply_zoom(1.0)
        self.settings.zoom = 1.0

    def do_toggle_source(self, checked: bool) -> None:
        """Show the raw source text with the passage's span selected, or the rendered document."""
        if self.reader.history.current is None:
            return
        if checked:
            self._show_source()
        else:
            self._on_reader()

    def do_toggle_dark(self, checked: bool) -> None:
        """Switch to the dark (checked) or light theme."""
        self.theme.set_mode("dark" if checked else "light")
        self.settings.theme = self.theme.mode
        self._on_theme(self.theme.dark)

    def do_follow_system(self, checked: bool) -> None:
        """Follow the desktop's colour scheme (checked) or keep the current theme."""
        self.theme.set_mode("system" if checked else ("dark" if self.theme.dark else "light"))
        self.settings.theme = self.theme.mode
        self._on_theme(self.theme.dark)

    def do_focus_search(self) -> None:
        """Focus the search field, its text selected."""
        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_field.selectAll()

    def do_focus_tree(self) -> None:
        """Focus the visible tree."""
        self.tree_pane.current_view().setFocus(Qt.FocusReason.ShortcutFocusReason)

    def do_focus_results(self) -> None:
        """Focus the results list."""
        self.results_view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def do_focus_viewer(self) -> None:
        """Focus the viewer."""
        self.viewer.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def do_focus_tree_filter(self) -> None:
        """Focus the tree's filter field."""
        self.tree_pane.filter_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.tree_pane.filter_field.selectAll()

    def _tab(self, key: str) -> None:
        self.tree_pane.show_tab(key)
        self.do_focus_tree()

    def do_tab_un(self) -> None:
        """Show the UN entities tree."""
        self._tab("un")

    def do_tab_documents(self) -> None:
        """Show the documents tree."""
        self._tab("documents")

    def do_tab_capabilities(self) -> None:
        """Show the INTERPOL capabilities tree."""
        self._tab("capabilities")

    def do_tab_themes(self) -> None:
        """Show the themes tree."""
        self._tab("themes")

    def do_back(self) -> None:
        """Go back to the previously viewed passage."""
        self.reader.back()

    def do_forward(self) -> None:
        """Go forward again."""
        self.reader.forward()

    def do_remove_filter(self) -> None:
        """Remove the most recent filter."""
        filters = self.search.filters
        if filters:
            self._remove_filter(filters[-1].kind)
            if filters[-1].kind == "kind":
                self.set_kind_filter("", "")

    def do_clear_filters(self) -> None:
        """Remove every filter."""
        self.search.clear_filters()
        self.tree_pane.clear_selection(["entity", "document"])

    def do_shortcuts(self) -> None:
        """Show the shortcuts sheet."""
        self._open_dialog("shortcuts", lambda: shortcuts.ShortcutsDialog(self))

    def do_about(self) -> None:
        """Show the corpus and its provenance."""
        if self.library is None:
            self.statusBar().showMessage("The library is not open yet.", 3000)
            return
        self._open_dialog("about", lambda: AboutDialog(self.library, self))

    # -- importing and removing ------------------------------------------------------

    def do_import_files(self) -> None:
        """Choose text, Markdown, HTML or PDF files and import them into the library."""
        if not self._can_change():
            return
        start = self.settings.import_folder
        if not start or not Path(start).is_dir():
            start = str(Path.home())
        files, _ = QFileDialog.getOpenFileNames(
            self, "Import documents into your library", start, IMPORT_FILTER
        )
        if files:
            self.settings.import_folder = str(Path(files[0]).parent)
            self.import_paths([Path(f) for f in files])

    def import_paths(self, files: Sequence[Path]) -> bool:
        """Import ``files`` in the background (what the menu and a drop do).

        Returns:
            True when the import started; :attr:`job_finished` follows, after the
            summary is shown.
        """
        if not files or not self._can_change():
            return False
        return self.session.start_import([Path(f) for f in files])

    def do_remove_document(self) -> None:
        """Remove the imported document open in the viewer (after asking)."""
        doc = self.reader.document
        if doc is None or doc.get("origin") != "imported":
            self.statusBar().showMessage(
                "Open one of your imported documents to remove it; "
                "the bundled documents cannot be removed.",
                5000,
            )
            return
        self.remove_document(doc["id"])

    def remove_document(self, document_id: str, *, confirm: bool = True) -> bool:
        """Remove an imported document from the library in the background.

        Args:
            document_id: The document.
            confirm: Ask the officer first.

        Returns:
            True when the removal started; :attr:`job_finished` follows.
        """
        if not self._can_change():
            return False
        doc = next((d for d in self.library.documents() if d["id"] == document_id), None)
        label = (doc.get("symbol") or doc["title"]) if doc else document_id
        files = ", ".join(s["file"] for s in doc.get("sources") or []) if doc else ""
        if confirm:
            if not dialogs.confirm(
                self,
                "Remove document",
                f"Remove “{label}” from your library?\n\n"
                "Its passages will no longer be found or cited. "
                + (f"The file you imported ({files}) stays where it is." if files else ""),
            ):
                return False
        return self.session.start_remove(document_id)

    def _can_change(self) -> bool:
        if self.session.can_change:
            return True
        if self.session.busy:
            why = "An import or removal is running; try again when it has finished."
        elif not self.session.owned:
            why = "This window cannot change its library."
        else:
            why = "The library is not open."
        self.statusBar().showMessage(why, 5000)
        return False

    def _update_actions(self) -> None:
        doc = self.reader.document if self.library is not None else None
        imported = doc is not None and doc.get("origin") == "imported"
        can_change = self.session.can_change
        self.actions_by_name["import_files"].setEnabled(can_change)
        remove = self.actions_by_name["remove_document"]
        remove.setEnabled(can_change and imported)
        label = (doc.get("symbol") or doc["title"]) if imported and doc else ""
        remove.setText(f"&Remove “{label.replace('&', '&&')}”…" if label else "&Remove document…")
        self.actions_by_name["about"].setEnabled(self.library is not None)

    def _on_busy(self, text: str) -> None:
        busy = bool(text)
        self.centralWidget().setEnabled(not busy)
        self.drop_filter.enabled = not busy
        self.progress_bar.setRange(0, 0)
        self.progress_bar.setVisible(busy)
        if busy:
            self.statusBar().showMessage(text)
        else:
            self.statusBar().clearMessage()
            if QApplication.focusWidget() is None:
                self.search_field.setFocus()
        self._update_actions()

    def _on_progress(self, done: int, total: int, name: str) -> None:
        if total > 1:
            self.progress_bar.setRange(0, total)
            self.progress_bar.setValue(done)
            if name:
                self.statusBar().showMessage(f"Importing {name} ({done + 1} of {total})…")

    def _on_imported(self, reports: list[Any]) -> None:
        summary = summarize_imports(reports)
        self.last_import = summary
        if summary.document_id and self.library is not None:
            key = f"doc:{summary.document_id}"
            self.tree_pane.filter_field.clear()
            if self.tree_pane.select("documents", key, emit=False):
                self.tree_pane.show_tab("documents")
                self.reader.open_document(summary.document_id, "")
        if len(summary.imported) == 1 and len(reports) == 1:
            status = f"Imported {summary.imported[0]}"
        else:
            status = summary.headline
        self.statusBar().showMessage(status, 15000)
        self.show_notice(
            "Import",
            summary.headline,
            [
                ("Imported", summary.imported),
                ("Already in the library", summary.skipped),
                ("Not imported", summary.rejected),
            ],
            warning=not summary.ok,
        )
        self.job_finished.emit(status)

    def _on_removed(self, document_id: str, files: list[str]) -> None:
        status = f"Removed {document_id} from your library ({', '.join(files)})."
        self.statusBar().showMessage(status, 15000)
        self.job_finished.emit(status)

    def _on_job_failed(self, message: str) -> None:
        self.statusBar().showMessage(message, 15000)
        self.show_notice("Liaison", "That did not work.", [("", (message,))], warning=True)
        self.job_finished.emit(message)

    def show_notice(
        self,
        title: str,
        headline: str,
        groups: Sequence[tuple[str, Sequence[str]]],
        *,
        warning: bool = False,
    ) -> QMessageBox:
        """Show a non-blocking message box (the last one stays in :attr:`notice_box`).

        Args:
            title: The window title.
            headline: One sentence, in bold.
            groups: (heading, lines) pairs listed under it; empty groups are left out.
            warning: Use the warning icon.
        """
        if self.notice_box is not None:
            self.notice_box.close()
            self.notice_box.deleteLater()
        icon = QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information
        box = QMessageBox(icon, title, "", QMessageBox.StandardButton.Ok, self)
        box.setObjectName("notice")
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(f"<b>{esc(headline)}</b>")
        parts = []
        for heading, lines in groups:
            if not lines:
                continue
            items = "".join(f"<li>{esc(line)}</li>" for line in lines)
            head = f"<p style='margin-bottom:2px'>{esc(heading)}:</p>" if heading else ""
            parts.append(f"{head}<ul style='margin-top:0; -qt-list-indent:1'>{items}</ul>")
        box.setInformativeText("<div>" + "".join(parts) + "</div>")
        # Wide enough for a one-line import message on one line (Qt's box is narrow).
        width = min(640, max(360, 8 * max((len(x) for _, g in groups for x in g), default=0)))
        box.setStyleSheet(f"QLabel#qt_msgbox_informativelabel {{ min-width: {width}px; }}")
        box.setWindowModality(Qt.WindowModality.NonModal)
        self.notice_box = box
        box.show()
        return box

    def _on_tree_context(self, _tab: str, node: TreeNode, pos: QPoint) -> None:
        menu = self.document_menu(node)
        if menu is not None:
            menu.popup(pos)

    def document_menu(self, node: TreeNode) -> QMenu | None:
        """Return the context menu of a Documents-tab row (None for other rows)."""
        doc = node.document_node()
        if doc is None:
            return None
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        open_action = menu.addAction("&Open")
        open_action.triggered.connect(lambda: self._on_node(node))
        menu.addSeparator()
        if doc.badge == "imported":
            remove = menu.addAction(f"&Remove “{doc.label.replace('&', '&&')}” from your library…")
            remove.setObjectName("remove-document")
            remove.setEnabled(self.session.can_change)
            remove.triggered.connect(lambda: self.remove_document(doc.ref))
        else:
            remove = menu.addAction("Part of the bundled corpus (cannot be removed)")
            remove.setEnabled(False)
        return menu

    def _open_dialog(self, name: str, make: Callable[[], QDialog]) -> None:
        """Open the window's one dialog called ``name`` (created on first use, then reused)."""
        dialog = self._dialogs.get(name)
        if dialog is None:
            dialog = self._dialogs[name] = make()
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()

    # -- persistence -----------------------------------------------------------------

    def _restore(self) -> None:
        geometry = self.settings.geometry
        if geometry is None or not self.restoreGeometry(geometry):
            screen = QGuiApplication.primaryScreen()
            avail = screen.availableGeometry() if screen else None
            if avail is not None:
                self.resize(
                    min(1600, int(avail.width() * 0.9)), min(950, int(avail.height() * 0.9))
                )
            else:
                self.resize(1280, 800)
        self.tree_pane.tab_widget.setCurrentIndex(
            min(max(self.settings.tree_tab, 0), len(TREE_TABS) - 1)
        )
        if self.settings.qsettings.value("window/tree_tab") is None:
            self.tree_pane.show_tab("un" if self.entity_api else "documents")

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        """On first show (the layout has its final width), restore the panes' widths."""
        super().showEvent(event)
        if self._sizes_restored:
            return
        self._sizes_restored = True
        self.layout().activate()
        self.centralWidget().layout().activate()
        sizes = self.settings.splitter_sizes
        if not sizes:
            w = self.splitter.width()
            sizes = [int(w * 0.22), int(w * 0.3), int(w * 0.48)]
        self.splitter.setSizes(sizes)

    def save_settings(self) -> None:
        """Write geometry, pane sizes, tree tab, zoom and theme to the settings file."""
        self.settings.geometry = self.saveGeometry()
        self.settings.splitter_sizes = self.splitter.sizes()
        self.settings.tree_tab = self.tree_pane.tab_widget.currentIndex()
        self.settings.zoom = self.zoom
        self.settings.theme = self.theme.mode
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Persist preferences, then close."""
        if self.persist:
            self.save_settings()
        for d in self._dialogs.values():
            d.close()
        if self.notice_box is not None:
            self.notice_box.close()
        self.session.shutdown()
        super().closeEvent(event)


class AboutDialog(QDialog):
    """What Liaison holds and where every text came from (files and SHA-256)."""

    def __init__(self, library: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Liaison")
        browser = DocumentViewer(self)
        browser.setObjectName("about")
        browser.setHtml(about_html(library))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(browser)
        layout.addWidget(buttons)
        self.resize(820, 620)
        QTimer.singleShot(0, browser.setFocus)


def about_html(library: Any) -> str:
    """Return the About box's HTML: version, store facts, and each document's provenance."""
    from importlib import metadata  # here: it costs start-up time

    from db import paths

    try:
        version = metadata.version("liaison")
    except metadata.PackageNotFoundError:
        version = "development"
    s = library.summary()
    documents = library.documents()
    imported = [d for d in documents if d.get("origin") == "imported"]
    out = [
        f"<h2>Liaison {esc(version)}</h2>",
        "<p>The INTERPOL–UN texts, their passages and exact citations, offline.</p>",
        f"<p>{esc(s['documents'])} documents · {esc(s['passages'])} passages · "
        f"{esc(s.get('footnotes', 0))} footnotes · {esc(s.get('sources', 0))} source files<br/>"
        f"Store built {esc(format_built_at(s.get('built_at')))}<br/>"
        f"<span style='font-size:small'>{esc(s.get('store_dir', ''))}</span></p>",
        f"<p>{len(documents) - len(imported)} documents of the bundled corpus"
        + (
            f"; {len(imported)} imported by you, their original files kept in "
            f"<span style='font-size:small'>{esc(paths.library_dir())}</span>"
            if imported
            else "; nothing imported yet (File ▸ Import documents…)"
        )
        + ".</p>",
        "<h3>Corpus and provenance</h3>",
    ]
    for d in documents:
        origin = "imported by you" if d.get("origin") == "imported" else "bundled"
        facts = " · ".join(esc(x) for x in (d.get("symbol"), d.get("kind"), d.get("date")) if x)
        out.append(
            f"<p><b>{esc(d['title'])}</b>"
            + (" <i>(imported)</i>" if origin != "bundled" else "")
            + f"<br/>{facts} · {esc(d['passages'])} passages · {origin}</p>"
        )
        out.append(
            "<table cellspacing='0' cellpadding='2' style='margin-left:16px; margin-bottom:10px'>"
        )
        for src in d.get("sources") or []:
            out.append(
                f"<tr><td>{esc(src['file'])}</td><td>&nbsp;{esc(src.get('role', ''))}&nbsp;</td>"
                f"<td><code>SHA-256 {esc(src['sha256'])}</code></td></tr>"
            )
        out.append("</table>")
    return "".join(out)
