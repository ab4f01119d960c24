"""The main window: composes the tree, search and reader panes, and wires their signals.

Each pane (:mod:`desktop.app.panes`) owns its widgets and reports upward by
signals; :class:`~desktop.app.jobs.LibraryJobs` opens, imports and removes off
the GUI thread; :class:`~desktop.app.flows.LibraryFlows` asks and tells the
officer about imports and removals; :class:`~desktop.app.selection.Selection`
knows what is selected and copies it. This module lays the panes out, builds the
menus from the action table (:mod:`desktop.app.shortcuts`), connects each action
and signal to the object that acts on it, and keeps the window's own state: zoom,
projector mode, theme, citation style, geometry.

The window can be shown before the library is open: it then says so, keeps
what the officer types, and fills its panes when the jobs report it open.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QDesktopServices,
    QFont,
    QGuiApplication,
    QPdfWriter,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QProgressBar,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from db import paths
from desktop.app import dialogs, shortcuts
from desktop.app.about import AboutDialog, format_built_at
from desktop.app.flows import LibraryFlows, document_label
from desktop.app.jobs import LibraryJobs
from desktop.app.models import TreeNode
from desktop.app.panes.compare import CompareDialog
from desktop.app.panes.reader import ReaderPane
from desktop.app.panes.references import ReferenceLinks
from desktop.app.panes.search import SearchPane
from desktop.app.panes.tree import TREE_TABS, TreePane
from desktop.app.selection import Selection
from desktop.app.settings import Settings
from desktop.app.status import StatusBar
from desktop.app.theme import ThemeManager, html_colors
from desktop.app.viewer import plain_tooltip
from desktop.app.widgets import FileDropFilter

if TYPE_CHECKING:
    from db.library import Library
    from desktop.app.briefing import Briefing

ZOOM_STEPS = (0.7, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0)
READING_SCALE = 1.12
PROJECTOR_ZOOM = 2.0
OPENING_TEXT = "Opening the library…"


class MainWindow(QMainWindow):
    """Liaison's window over the library.

    Args:
        library: An open library the window only reads (it never closes or changes
            it), or None when ``jobs`` will open one.
        settings: Where preferences persist.
        theme: The theme manager (already applied).
        persist: Save geometry and preferences when closing.
        jobs: The jobs object that opens the library and imports into it (default:
            one over ``library``, which cannot import).
    """

    library_opened = Signal()
    """Emitted when the panes show a newly opened library (at start and after every job)."""

    def __init__(
        self,
        library: Library | None,
        settings: Settings,
        theme: ThemeManager,
        *,
        persist: bool = True,
        jobs: LibraryJobs | None = None,
    ) -> None:
        super().__init__()
        self.jobs = jobs or LibraryJobs(library, parent=self)
        if jobs is not None and jobs.parent() is None:
            jobs.setParent(self)
        self.settings = settings
        self.theme = theme
        self.persist = persist
        self.zoom = settings.zoom
        self.setWindowTitle("Liaison")
        self._dialogs: dict[str, QDialog] = {}
        self._sizes_restored = False
        self._before_projector: float | None = None

        self.tree_pane = TreePane(TREE_TABS, self)
        self.search_pane = SearchPane(self)
        self.reader_pane = ReaderPane(self)
        self.flows = LibraryFlows(self, self.jobs, settings)
        self.refs = ReferenceLinks(self.reader_pane, self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("panes")
        self.splitter.setChildrenCollapsible(False)
        for i, (pane, stretch) in enumerate(
            ((self.tree_pane, 2), (self.search_pane, 3), (self.reader_pane, 5))
        ):
            self.splitter.addWidget(pane)
            self.splitter.setStretchFactor(i, stretch)
        outer = QWidget(self)
        layout = QVBoxLayout(outer)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addWidget(self.splitter)
        self.setCentralWidget(outer)
        self.status_bar = StatusBar(settings.status_timeout_ms, self)  # messages expire
        self.setStatusBar(self.status_bar)
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setObjectName("job-progress")
        self.progress_bar.setAccessibleName("Import progress")
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
            self.search_pane.field,
            self.tree_pane.filter_field,
            self.reader_pane.find_bar.field,
            self.reader_pane.viewer.viewport(),
        )
        self.actions_by_name = shortcuts.create_actions(self)
        self.selection = Selection(
            self.jobs, self.search_pane, self.reader_pane, self.actions_by_name, self
        )
        self.selection.style = settings.citation_style
        self.selection.message.connect(self.statusBar().showMessage)
        self.briefing: Briefing | None = None  # once the library is open (see use_library)
        self._build_menus()
        self._connect()
        self._restore()
        self._on_theme(theme.dark)
        self.apply_zoom(self.zoom)
        self.actions_by_name[f"cite_{settings.citation_style}"].setChecked(True)
        self.reader_pane.set_style(settings.citation_style)
        if self.library is not None:
            self.use_library(self.library)
        else:
            self._show_waiting(OPENING_TEXT)
        self.search_pane.field.setFocus()

    @property
    def library(self) -> Library | None:
        """The open library (None while it opens, or while an import or removal runs)."""
        return self.jobs.library

    # -- menus and actions -------------------------------------------------------

    def _handlers(self) -> dict[str, Callable[..., object]]:
        """Return what each action of :data:`shortcuts.ACTIONS` does.

        Checkable actions' handlers take ``checked``; the others take nothing.
        """
        reader, search, tree = self.reader_pane, self.search_pane, self.tree_pane
        return {
            "import_files": self.flows.choose_and_import,
            "import_folder": self.flows.choose_folder_and_import,
            "remove_document": lambda: self.flows.remove_open_document(
                reader.reader.document if self.library is not None else None
            ),
            "compare": self.open_compare,
            "print": lambda: (
                self.briefing.print_brief()
                if self.briefing is not None and self.briefing.has_focus()
                else self.print_document()
            ),
            "quit": self.close,
            "copy_citation": self.selection.copy_citation,
            "copy_passage": self.selection.copy_passage,
            "copy_selection": self.selection.copy_selection,
            "find": reader.open_find,
            "find_next": lambda: reader.find_again(False),
            "find_previous": lambda: reader.find_again(True),
            "zoom_in": lambda: self.step_zoom(+1),
            "zoom_out": lambda: self.step_zoom(-1),
            "zoom_reset": lambda: self.step_zoom(0),
            "toggle_source": reader.set_raw,
            "projector": self.set_projector,
            "cite_short": lambda checked: checked and self.set_citation_style("short"),
            "cite_full": lambda checked: checked and self.set_citation_style("full"),
            "toggle_dark": lambda checked: self.set_theme("dark" if checked else "light"),
            "follow_system": lambda checked: self.set_theme(
                "system" if checked else ("dark" if self.theme.dark else "light")
            ),
            "focus_search": search.focus_field,
            "focus_tree": lambda: tree.current_view().setFocus(Qt.FocusReason.ShortcutFocusReason),
            "focus_results": lambda: search.results_view.setFocus(
                Qt.FocusReason.ShortcutFocusReason
            ),
            "focus_viewer": lambda: reader.viewer.setFocus(Qt.FocusReason.ShortcutFocusReason),
            "focus_tree_filter": tree.focus_filter,
            "tab_un": lambda: self._tab("un"),
            "tab_documents": lambda: self._tab("documents"),
            "tab_capabilities": lambda: self._tab("capabilities"),
            "tab_themes": lambda: self._tab("themes"),
            "tab_references": lambda: self._tab("references"),
            "back": reader.reader.back,
            "forward": reader.reader.forward,
            "recent_searches": self.show_recent_searches,
            "recent_passages": lambda: self._brief("show_recent"),
            "toggle_brief": lambda _checked: self._brief("toggle_pane"),
            "pin": lambda: self._brief("pin_selected"),
            "new_brief": lambda: self._brief("new_brief"),
            "open_brief": lambda: self._brief("open_brief"),
            "rename_brief": lambda: self._brief("rename_brief"),
            "export_brief": lambda: self._brief("export_brief"),
            "print_brief": lambda: self._brief("print_brief"),
            "copy_brief": lambda: self._brief("copy_brief"),
            "date_filter": self.choose_dates,
            "remove_filter": search.remove_last_filter,
            "clear_filters": search.clear_filters,
            "shortcuts": lambda: self._open_dialog(
                "shortcuts", lambda: shortcuts.ShortcutsDialog(self)
            ),
            "about": self._about,
        }

    def _build_menus(self) -> None:
        handlers = self._handlers()
        menus = {title: self.menuBar().addMenu(title) for title in shortcuts.MENUS}
        for spec in shortcuts.ACTIONS:
            if spec.separator:
                menus[spec.menu].addSeparator()
            action = self.actions_by_name[spec.name]
            menus[spec.menu].addAction(action)
            handler = handlers[spec.name]
            if spec.checkable:
                action.triggered.connect(handler)
            else:
                action.triggered.connect(lambda _checked=False, h=handler: h())
        search_menu = menus["&Search"]
        first = self.actions_by_name["remove_filter"]
        search_menu.insertMenu(first, self.search_pane.kind_menu)
        search_menu.insertSeparator(first)

    def _tab(self, key: str) -> None:
        self.tree_pane.show_tab(key)
        self.tree_pane.current_view().setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _open_dialog(self, name: str, make: Callable[[], QDialog]) -> None:
        """Open the window's one dialog called ``name`` (created on first use, then reused)."""
        dialog = self._dialogs.get(name)
        if dialog is None:
            dialog = self._dialogs[name] = make()
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()

    def _about(self) -> None:
        library = self.library
        if library is None:
            self.statusBar().showMessage("The library is not open yet.", 3000)
            return
        self._open_dialog("about", lambda: AboutDialog(library, self))

    # -- wiring ------------------------------------------------------------------

    def _connect(self) -> None:
        search, reader, tree = self.search_pane, self.reader_pane, self.tree_pane
        search.open_requested.connect(reader.reader.open_passage)
        search.open_requested.connect(lambda _pid, query: self.settings.remember_search(query))
        search.highlighted.connect(lambda _hit: self.selection.select_from("results"))
        search.filter_removed.connect(self._on_filter_removed)
        search.field.textChanged.connect(self._on_query_text)
        search.results_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        search.results_view.customContextMenuRequested.connect(self.selection.popup_results_menu)
        tree.node_chosen.connect(self._on_node)
        tree.context_requested.connect(self._on_tree_context)
        reader.reader.changed.connect(self._on_reader)
        reader.reader.history_changed.connect(self._on_history)
        reader.selection_changed.connect(lambda: self.selection.select_from("viewer"))
        reader.entity_clicked.connect(self._on_entity_clicked)
        reader.copy_requested.connect(self.selection.copy_citation)
        reader.message.connect(self.statusBar().showMessage)
        reader.context_menu_requested.connect(self._popup_viewer_menu)
        self.refs.import_requested.connect(self.flows.choose_and_import)
        self.refs.message.connect(self.statusBar().showMessage)
        self.flows.message.connect(self.statusBar().showMessage)
        self.flows.document_imported.connect(self._show_imported)
        self.flows.open_node.connect(self._on_node)
        self.theme.changed.connect(self._on_theme)
        self.drop_filter.files_dropped.connect(self.flows.import_paths)
        self.jobs.opened.connect(self.use_library)
        self.jobs.open_failed.connect(self._on_open_failed)
        self.jobs.closed.connect(self._on_closed)
        self.jobs.busy_changed.connect(self._on_busy)
        self.jobs.progressed.connect(self._on_progress)
        self._on_history(False, False)

    # -- the library -------------------------------------------------------------

    def use_library(self, library: Library) -> None:
        """Show ``library`` in every pane (at start, and after an import or removal).

        The reader first (it forgets removed documents), then the search: a query typed
        while the library opened is answered before the trees are filled.
        """
        self.reader_pane.set_library(library)
        self.search_pane.set_library(library)
        if self.briefing is None:
            self._start_briefing()
        else:
            self.briefing.set_library(library)
        self.tree_pane.load(library)
        self._show_summary(library)
        for name in ("about", "compare"):  # both read the library this one replaces
            dialog = self._dialogs.pop(name, None)
            if dialog is not None:
                dialog.close()
                dialog.deleteLater()
        self._update_actions()
        self.library_opened.emit()

    def _start_briefing(self) -> None:
        """Dock the brief pane (once the library is open: briefs are not a start-up import)."""
        from desktop.app.briefing import Briefing  # sqlite-utils, python-docx: after the paint

        self.briefing = Briefing(
            self, self.jobs, self.selection, self.search_pane, self.reader_pane, self.settings
        )
        self.briefing.set_citation_style(self.settings.citation_style)
        self.briefing.message.connect(self.statusBar().showMessage)

    def _brief(self, method: str) -> None:
        """Do what a Brief action asks, or say the briefs are not there yet."""
        if self.briefing is None:
            self.statusBar().showMessage("The library is not open yet.", 3000)
            return
        getattr(self.briefing, method)()

    def _show_waiting(self, text: str) -> None:
        """Say ``text`` where the trees, the results and the summary would be."""
        self.tree_pane.show_waiting(text)
        self.search_pane.show_waiting(text)
        self.summary_label.setText(text)
        self._update_actions()

    def _on_open_failed(self, message: str) -> None:
        self._show_waiting(f"The library could not be opened: {message}")
        self.summary_label.setText("The library is not open")
        self.summary_label.setToolTip(plain_tooltip(message))

    def _on_closed(self) -> None:
        self.search_pane.set_library(None)
        self.reader_pane.set_library(None)
        self._update_actions()

    def _show_summary(self, library: Library) -> None:
        s = library.summary()
        built = format_built_at(s.get("built_at"))
        imported = sum(1 for d in library.documents() if d.get("origin") == "imported")
        mine = f" ({imported} imported)" if imported else ""
        self.summary_label.setText(
            f"{s['documents']} documents{mine} · {s['passages']} passages · built {built}"
        )
        self.summary_label.setToolTip(plain_tooltip(f"Store: {s.get('store_dir', '')}"))

    def _update_actions(self) -> None:
        doc = self.reader_pane.reader.document if self.library is not None else None
        imported = doc is not None and doc.get("origin") == "imported"
        can_change = self.jobs.can_change
        self.actions_by_name["import_files"].setEnabled(can_change)
        self.actions_by_name["import_folder"].setEnabled(can_change)
        remove = self.actions_by_name["remove_document"]
        remove.setEnabled(can_change and imported)
        label = document_label(doc).replace("&", "&&") if imported and doc else ""
        remove.setText(f"&Remove “{label}”…" if label else "&Remove document…")
        self.actions_by_name["about"].setEnabled(self.library is not None)

    def _on_busy(self, text: str) -> None:
        busy = bool(text)
        self.centralWidget().setEnabled(not busy)
        self.drop_filter.enabled = not busy
        self.progress_bar.setRange(0, 0)
        self.progress_bar.setVisible(busy)
        if busy:
            self.status_bar.show_lasting(text)
        else:
            self.statusBar().clearMessage()
            if QApplication.focusWidget() is None:
                self.search_pane.field.setFocus()
        self._update_actions()

    def _on_progress(self, done: int, total: int, name: str) -> None:
        if total > 1:
            self.progress_bar.setRange(0, total)
            self.progress_bar.setValue(done)
            if name:
                self.status_bar.show_lasting(f"Importing {name} ({done + 1} of {total})…")

    def _show_imported(self, document_id: str) -> None:
        self.tree_pane.filter_field.clear()
        if self.tree_pane.select("documents", f"doc:{document_id}", emit=False):
            self.tree_pane.show_tab("documents")
            self.reader_pane.reader.open_document(document_id, "")

    def _on_tree_context(self, _tab: str, node: TreeNode, pos: QPoint) -> None:
        menu = self.flows.document_menu(node)
        if menu is not None:
            menu.popup(pos)

    # -- tree, search and reader -----------------------------------------------

    def _on_node(self, node: TreeNode) -> None:
        if self.library is None:
            return
        reader = self.reader_pane.reader
        query = self.search_pane.controller.query
        if node.kind == "entity":
            self.search_pane.set_filter("entity", node.ref, self.tree_pane.chip_label(node))
        elif node.kind == "document":
            entity = self.search_pane.controller.filter("entity")
            if entity is not None:
                mentioned = self.library.entity_passage_ids(entity.value)
                passages = self.library.document(node.ref)["passages_list"]
                if not any(p["id"] in mentioned for p in passages):
                    # This document never names the entity: both filters would show nothing.
                    self.search_pane.remove_filter("entity")
            self.search_pane.set_filter("document", node.ref, f"Document: {node.label}")
            reader.open_document(node.ref, query)
        elif node.kind == "section" and node.first_passage:
            reader.open_passage(node.first_passage, query)
        elif node.kind == "passage":
            reader.open_passage(node.ref, query)
        elif node.kind == "instrument":
            self.refs.show_instrument(node.ref)

    def _popup_viewer_menu(self, pos: QPoint) -> None:
        """The viewer's copy menu, with "Cited by" for the paragraph right-clicked."""
        if self.reader_pane.selected_id is not None and self.library is not None:
            self.refs.popup_viewer_menu(self.selection.viewer_menu(), pos)

    def open_compare(self) -> CompareDialog | None:
        """Open the comparison of the open document with its proposed predecessor."""
        library = self.library
        if library is None:
            self.statusBar().showMessage("The library is not open yet.", 3000)
            return None
        doc = self.reader_pane.reader.document
        old = self._dialogs.pop("compare", None)
        if old is not None:
            old.close()
            old.deleteLater()
        dialog = CompareDialog(library, doc["id"] if doc else None, self)
        dialog.passage_chosen.connect(lambda pid: self.reader_pane.reader.open_passage(pid))
        self._open_dialog("compare", lambda: dialog)
        return dialog

    def _on_query_text(self, text: str) -> None:
        if not text.strip():
            self.reader_pane.reader.set_query("")  # the old query's marks go with it

    def _on_filter_removed(self, kind: str) -> None:
        if kind in ("entity", "document"):
            self.tree_pane.clear_selection([kind])

    def _on_entity_clicked(self, entity_id: str) -> None:
        """An entity followed in the text: its passages, not the old query's, are wanted."""
        self.search_pane.field.clear()
        self.select_entity(entity_id)

    def select_entity(self, entity_id: str) -> None:
        """Select an entity in its tree (which filters the results by it)."""
        key = f"entity:{entity_id}"
        tab = self.tree_pane.find_tab(key)
        if tab is None:
            self.statusBar().showMessage(f"No tree lists the entity “{entity_id}”.", 4000)
            return
        self.tree_pane.select(tab, key)

    def _on_reader(self) -> None:
        document = self.reader_pane.reader.document
        self.search_pane.controller.context_document = document["id"] if document else None
        self._update_actions()

    def _on_history(self, can_back: bool, can_forward: bool) -> None:
        self.actions_by_name["back"].setEnabled(can_back)
        self.actions_by_name["forward"].setEnabled(can_forward)

    def choose_dates(self) -> None:
        """Ask for a date range and filter the results by it."""
        current = self.search_pane.controller.filter("date")
        start, _, end = current.value.partition("..") if current else ("", "", "")
        dialog = dialogs.DateRangeDialog(start, end, self)
        if dialog.exec() == dialogs.DateRangeDialog.DialogCode.Accepted:
            self.apply_dates(dialog.date_from.text(), dialog.date_to.text())

    def apply_dates(self, date_from: str, date_to: str) -> bool:
        """Filter by documents dated in the range; say in one line what was wrong."""
        try:
            self.search_pane.set_date_filter(date_from, date_to)
        except ValueError as exc:
            self.statusBar().showMessage(f"Not a date range: {exc} (write 2022-11-21).", 8000)
            return False
        return True

    def recent_menu(self) -> QMenu:
        """Return a menu of the recent searches; choosing one searches it again."""
        menu = QMenu("Recent searches", self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        recent = self.settings.recent_searches
        for query in recent:
            action = menu.addAction(query.replace("&", "&&"))
            action.triggered.connect(lambda _=False, q=query: self._search_again(q))
        if not recent:
            menu.addAction("No recent searches yet").setEnabled(False)
        return menu

    def show_recent_searches(self) -> None:
        """Show the recent searches under the search field (Ctrl+R)."""
        field = self.search_pane.field
        self.recent_menu().popup(field.mapToGlobal(field.rect().bottomLeft()))

    def _search_again(self, query: str) -> None:
        self.search_pane.field.setText(query)
        self.search_pane.controller.run_now()
        self.search_pane.field.setFocus()

    # -- citation style -----------------------------------------------------------

    def set_citation_style(self, style: str) -> None:
        """Cite in ``style`` ("short" or "full") in every copy action from now on."""
        self.selection.style = style
        self.settings.citation_style = style
        self.actions_by_name[f"cite_{style}"].setChecked(True)
        self.reader_pane.set_style(style)
        if self.briefing is not None:
            self.briefing.set_citation_style(style)
        self.selection.refresh()

    def print_document(self) -> Path | None:
        """Print the open document (Ctrl+P): a PDF headed by the selected passage's citation.

        Like a brief, the document is written as a PDF in the data folder (``printed/``)
        and opened in the system's PDF viewer to print from there: the bundle carries no
        print dialog (QtPrintSupport is left out of it).

        Returns:
            The PDF written, or None when no document is open.
        """
        reader = self.reader_pane.reader
        if reader.document is None:
            self.statusBar().showMessage("Open a document to print it.", 4000)
            return None
        folder = paths.prints_dir()
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{reader.document['id']}.pdf"
        writer = QPdfWriter(str(target))
        writer.setTitle(str(reader.document.get("title") or reader.document["id"]))
        if not self.reader_pane.print_to(writer):
            return None
        del writer  # the PDF is finished when its writer goes
        if QDesktopServices.openUrl(QUrl.fromLocalFile(str(target))):
            self.statusBar().showMessage(
                f"Opened {target.name} in the PDF viewer: print it from there.", 8000
            )
        else:
            self.statusBar().showMessage(
                f"The document is in {target}; open it to print it.", 10000
            )
        return target

    # -- zoom and theme ----------------------------------------------------------

    def apply_zoom(self, factor: float) -> None:
        """Scale the viewer's and the results' fonts by ``factor``."""
        self.zoom = min(max(factor, ZOOM_STEPS[0]), ZOOM_STEPS[-1])
        base = QGuiApplication.font()
        size = base.pointSizeF() if base.pointSizeF() > 0 else 10.0
        reading = QGuiApplication.font()
        reading.setPointSizeF(size * READING_SCALE * self.zoom)
        results = QGuiApplication.font()
        results.setPointSizeF(size * self.zoom)
        # Everything grows with the zoom: tree, search field, buttons, citation.
        for pane in (self.tree_pane, self.search_pane, self.reader_pane):
            pane.setFont(results)
        bold = QFont(results)
        bold.setBold(True)
        self.reader_pane.citation_label.setFont(bold)
        self.search_pane.set_result_font(results)
        self.reader_pane.set_reading_font(reading)

    def set_projector(self, on: bool) -> None:
        """Projector mode: full screen, the viewer only, large type (F11 again leaves it)."""
        if on == (self._before_projector is not None):
            return
        self.tree_pane.setVisible(not on)
        self.search_pane.setVisible(not on)
        self.statusBar().setVisible(not on)
        if on:
            self._before_projector = self.zoom
            self.showFullScreen()
            self.apply_zoom(max(self.zoom, PROJECTOR_ZOOM))
            self.reader_pane.viewer.setFocus()
        else:
            zoom, self._before_projector = self._before_projector or 1.0, None
            self.showNormal()
            self.apply_zoom(zoom)
        self.actions_by_name["projector"].setChecked(on)
        # Once the new geometry is laid out, bring the passage back into view.
        QTimer.singleShot(0, self.reader_pane.reveal)

    def step_zoom(self, direction: int) -> None:
        """One zoom step larger (+1) or smaller (-1), or back to normal (0)."""
        if direction == 0:
            self.apply_zoom(1.0)
        else:
            steps = list(ZOOM_STEPS)
            nearest = min(range(len(steps)), key=lambda i: abs(steps[i] - self.zoom))
            self.apply_zoom(steps[min(max(nearest + direction, 0), len(steps) - 1)])
        if self._before_projector is None:
            self.settings.zoom = self.zoom
        self.statusBar().showMessage(f"Zoom {round(self.zoom * 100)} %", 2000)

    def set_theme(self, mode: str) -> None:
        """Switch to the "light", "dark" or "system" theme."""
        self.theme.set_mode(mode)
        self.settings.theme = self.theme.mode
        self._on_theme(self.theme.dark)

    def _on_theme(self, dark: bool) -> None:
        colors = html_colors(dark)
        self.search_pane.set_colors(colors)
        self.reader_pane.set_colors(colors)
        self.actions_by_name["toggle_dark"].setChecked(dark)
        self.actions_by_name["follow_system"].setChecked(self.theme.mode == "system")

    # -- persistence -------------------------------------------------------------

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
        self._fit_screen()
        tabs = self.tree_pane.tab_widget
        tabs.setCurrentIndex(min(max(self.settings.tree_tab, 0), len(TREE_TABS) - 1))
        if self.settings.qsettings.value("window/tree_tab") is None:
            self.tree_pane.show_tab("un")

    def _fit_screen(self) -> None:
        """Keep the window inside the screen's available area (a saved size may not fit)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        avail = screen.availableGeometry()
        if self.width() > avail.width() or self.height() > avail.height():
            self.resize(min(self.width(), avail.width()), min(self.height(), avail.height()))

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
        screen = self.screen() or QGuiApplication.primaryScreen()
        fits = screen is None or self.width() <= screen.availableGeometry().width()
        if fits and self._before_projector is None and min(self.splitter.sizes(), default=0) >= 120:
            # Never remember a squeezed layout.
            self.settings.geometry = self.saveGeometry()
            self.settings.splitter_sizes = self.splitter.sizes()
        self.settings.tree_tab = self.tree_pane.tab_widget.currentIndex()
        self.settings.zoom = self._before_projector or self.zoom
        self.settings.theme = self.theme.mode
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Persist preferences, then close."""
        if self.persist:
            self.save_settings()
        for d in self._dialogs.values():
            d.close()
        self.flows.close_notice()
        if self.briefing is not None:
            self.briefing.close()
        self.jobs.shutdown()
        super().closeEvent(event)
