"""The main window: composes the panes and the objects that act for them, and wires their signals.

Each pane (:mod:`desktop.app.panes`: tree, search, reader) owns its widgets and reports
upward by signals. The objects beside them act: :class:`~desktop.app.jobs.LibraryJobs`
opens, imports and removes off the GUI thread; :class:`~desktop.app.flows.LibraryFlows`
asks and tells the officer about imports and removals; :class:`~desktop.app.selection.Selection`
knows what is selected and copies it; :class:`~desktop.app.navigation.Navigation` routes tree
choices and followed entities; :class:`~desktop.app.zoom.Zoom`,
:class:`~desktop.app.projector.Projector`, :class:`~desktop.app.printing.DocumentPrinter`,
:class:`~desktop.app.dialog_host.WindowDialogs` and
:class:`~desktop.app.geometry.WindowGeometry` do what their names say. This module lays
the panes out, builds the menus from the action table (:mod:`desktop.app.shortcuts`) and
connects each action and signal to the object that acts on it.

The window can be shown before the library is open: it then says so, keeps
what the officer types, and fills its panes when the jobs report it open.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import QApplication, QMainWindow, QSplitter, QVBoxLayout, QWidget

from desktop.app import shortcuts
from desktop.app.dialog_host import NOT_OPEN_YET, WindowDialogs
from desktop.app.flows import LibraryFlows, document_label
from desktop.app.geometry import WindowGeometry
from desktop.app.jobs import LibraryJobs
from desktop.app.models import TreeNode
from desktop.app.navigation import Navigation
from desktop.app.panes.reader import ReaderPane
from desktop.app.panes.references import ReferenceLinks
from desktop.app.panes.search import SearchPane
from desktop.app.panes.tree import TREE_TABS, TreePane
from desktop.app.printing import DocumentPrinter
from desktop.app.projector import Projector
from desktop.app.selection import Selection
from desktop.app.settings import Settings
from desktop.app.status import StatusBar
from desktop.app.theme import ThemeManager, html_colors
from desktop.app.widgets import FileDropFilter
from desktop.app.zoom import Zoom

if TYPE_CHECKING:
    from db.reading import Library
    from desktop.app.briefing import Briefing

OPENING_TEXT = "Opening the library…"
#: The panes, left to right, and their share of the extra width.
PANE_STRETCH = (2, 3, 5)


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
        self.setWindowTitle("Liaison")

        self.tree_pane = TreePane(TREE_TABS, self)
        self.search_pane = SearchPane(self)
        self.reader_pane = ReaderPane(self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("panes")
        self.splitter.setChildrenCollapsible(False)
        for i, pane in enumerate((self.tree_pane, self.search_pane, self.reader_pane)):
            self.splitter.addWidget(pane)
            self.splitter.setStretchFactor(i, PANE_STRETCH[i])
        outer = QWidget(self)
        layout = QVBoxLayout(outer)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addWidget(self.splitter)
        self.setCentralWidget(outer)
        self.status_bar = StatusBar(settings.status_timeout_ms, self)  # messages expire
        self.setStatusBar(self.status_bar)

        self.actions_by_name = shortcuts.create_actions(self)
        self.flows = LibraryFlows(self, self.jobs, settings)
        self.refs = ReferenceLinks(self.reader_pane, self)
        self.selection = Selection(
            self.jobs, self.search_pane, self.reader_pane, self.actions_by_name, self
        )
        self.selection.style = settings.citation_style
        self.navigation = Navigation(
            self.jobs, self.tree_pane, self.search_pane, self.reader_pane, self.refs, self
        )
        self.dialogs = WindowDialogs(self.jobs, self.reader_pane, self)
        self.printer = DocumentPrinter(self.reader_pane, self)
        self.zoom = Zoom(settings.zoom, self.tree_pane, self.search_pane, self.reader_pane, self)
        self.projector = Projector(
            self,
            (self.tree_pane, self.search_pane, self.status_bar),
            self.reader_pane.viewer,
            self.zoom,
            self.reader_pane.reveal,
        )
        self.geometry_keeper = WindowGeometry(self, self.splitter, self.tree_pane, settings)
        self.drop_filter = FileDropFilter(self)
        self.drop_filter.watch(
            self,
            self.search_pane.field,
            self.tree_pane.filter_field,
            self.reader_pane.find_bar.field,
            self.reader_pane.viewer.viewport(),
        )
        self.briefing: Briefing | None = None  # once the library is open (see use_library)
        self._build_menus()
        self._connect()
        self.geometry_keeper.restore()
        self._show_theme(theme.dark)
        self.zoom.set_factor(self.zoom.factor)
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
        theme = self.theme
        return {
            "import_files": self.flows.choose_and_import,
            "import_folder": self.flows.choose_folder_and_import,
            "remove_document": lambda: self.flows.remove_open_document(
                reader.reader.document if self.library is not None else None
            ),
            "compare": self.dialogs.compare,
            "print": lambda: (
                self.briefing.print_brief()
                if self.briefing is not None and self.briefing.has_focus()
                else self.printer.print_document()
            ),
            "quit": self.close,
            "copy_citation": self.selection.copy_citation,
            "copy_passage": self.selection.copy_passage,
            "copy_selection": self.selection.copy_selection,
            "find": reader.open_find,
            "find_next": lambda: reader.find_again(False),
            "find_previous": lambda: reader.find_again(True),
            "zoom_in": lambda: self.zoom.step(+1),
            "zoom_out": lambda: self.zoom.step(-1),
            "zoom_reset": lambda: self.zoom.step(0),
            "toggle_source": reader.set_raw,
            "projector": self.projector.set_active,
            "cite_short": lambda checked: checked and self.selection.set_style("short"),
            "cite_full": lambda checked: checked and self.selection.set_style("full"),
            "toggle_dark": lambda checked: theme.set_mode("dark" if checked else "light"),
            "follow_system": lambda checked: theme.set_mode(
                "system" if checked else ("dark" if theme.dark else "light")
            ),
            "focus_search": search.focus_field,
            "focus_tree": lambda: tree.current_view().setFocus(Qt.FocusReason.ShortcutFocusReason),
            "focus_results": lambda: search.results_view.setFocus(
                Qt.FocusReason.ShortcutFocusReason
            ),
            "focus_viewer": lambda: reader.viewer.setFocus(Qt.FocusReason.ShortcutFocusReason),
            "focus_tree_filter": tree.focus_filter,
            "tab_un": lambda: tree.focus_tab("un"),
            "tab_documents": lambda: tree.focus_tab("documents"),
            "tab_capabilities": lambda: tree.focus_tab("capabilities"),
            "tab_themes": lambda: tree.focus_tab("themes"),
            "tab_references": lambda: tree.focus_tab("references"),
            "back": reader.reader.back,
            "forward": reader.reader.forward,
            "recent_searches": lambda: search.show_recent(self.settings.recent_searches),
            "recent_passages": lambda: self._brief("show_recent"),
            "toggle_brief": lambda _checked: self._brief("toggle_pane"),
            "pin": lambda: self._brief("pin_selected"),
            "new_brief": lambda: self._brief("new_brief"),
            "open_brief": lambda: self._brief("open_brief"),
            "rename_brief": lambda: self._brief("rename_brief"),
            "export_brief": lambda: self._brief("export_brief"),
            "print_brief": lambda: self._brief("print_brief"),
            "copy_brief": lambda: self._brief("copy_brief"),
            "date_filter": search.choose_dates,
            "remove_filter": search.remove_last_filter,
            "clear_filters": search.clear_filters,
            "shortcuts": self.dialogs.shortcuts,
            "about": self.dialogs.about,
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

    # -- wiring ------------------------------------------------------------------

    def _connect(self) -> None:
        search, reader, tree = self.search_pane, self.reader_pane, self.tree_pane
        navigation, actions, say = (
            self.navigation,
            self.actions_by_name,
            self.status_bar.showMessage,
        )
        search.open_requested.connect(reader.reader.open_passage)
        search.open_requested.connect(lambda _pid, query: self.settings.remember_search(query))
        search.highlighted.connect(lambda _hit: self.selection.select_from("results"))
        search.filter_removed.connect(navigation.forget_filter)
        search.field.textChanged.connect(navigation.query_edited)
        search.results_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        search.results_view.customContextMenuRequested.connect(self.selection.popup_results_menu)
        tree.node_chosen.connect(navigation.choose_node)
        tree.context_requested.connect(self._on_tree_context)
        reader.reader.changed.connect(navigation.document_opened)
        reader.reader.changed.connect(self._update_actions)
        reader.reader.history_changed.connect(self._show_history)
        reader.selection_changed.connect(lambda: self.selection.select_from("viewer"))
        reader.entity_clicked.connect(navigation.follow_entity)
        reader.copy_requested.connect(self.selection.copy_citation)
        reader.context_menu_requested.connect(self._popup_viewer_menu)
        self.refs.import_requested.connect(self.flows.choose_and_import)
        self.flows.document_imported.connect(navigation.show_document)
        self.flows.open_node.connect(navigation.choose_node)
        self.drop_filter.files_dropped.connect(self.flows.import_paths)
        for source in (
            search, reader, self.selection, self.refs, self.flows, navigation, self.dialogs,
            self.printer,
        ):  # fmt: skip
            source.message.connect(say)
        self.selection.style_changed.connect(self._show_style)
        self.zoom.stepped.connect(self._zoomed)
        self.projector.toggled.connect(actions["projector"].setChecked)
        self.theme.changed.connect(self._show_theme)
        self.theme.mode_changed.connect(self._theme_chosen)
        self.jobs.opened.connect(self.use_library)
        self.jobs.open_failed.connect(self._on_open_failed)
        self.jobs.closed.connect(self._on_closed)
        self.jobs.busy_changed.connect(self._on_busy)
        self.jobs.progressed.connect(self.status_bar.show_progress)
        self._show_history(False, False)

    def _zoomed(self, factor: float) -> None:
        """A zoom step: remembered (never in projector mode), and said."""
        if not self.projector.active:
            self.settings.zoom = factor
        self.status_bar.showMessage(self.zoom.message(), 2000)

    def _show_history(self, can_back: bool, can_forward: bool) -> None:
        self.actions_by_name["back"].setEnabled(can_back)
        self.actions_by_name["forward"].setEnabled(can_forward)

    def _show_style(self, style: str) -> None:
        self.settings.citation_style = style
        self.actions_by_name[f"cite_{style}"].setChecked(True)
        self.reader_pane.set_style(style)
        if self.briefing is not None:
            self.briefing.set_citation_style(style)

    def _show_theme(self, dark: bool) -> None:
        colors = html_colors(dark)
        self.search_pane.set_colors(colors)
        self.reader_pane.set_colors(colors)
        self.actions_by_name["toggle_dark"].setChecked(dark)
        self.actions_by_name["follow_system"].setChecked(self.theme.mode == "system")

    def _theme_chosen(self, mode: str) -> None:
        self.settings.theme = mode
        self._show_theme(self.theme.dark)

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
        self.status_bar.show_summary(library)
        self.dialogs.forget_library()  # they read the library this one replaces
        self._update_actions()
        self.library_opened.emit()

    def _start_briefing(self) -> None:
        """Dock the brief pane (once the library is open: briefs are not a start-up import)."""
        from desktop.app.briefing import Briefing  # sqlite-utils, python-docx: after the paint

        self.briefing = Briefing(
            self, self.jobs, self.selection, self.search_pane, self.reader_pane, self.settings
        )
        self.briefing.set_citation_style(self.settings.citation_style)
        self.briefing.message.connect(self.status_bar.showMessage)

    def _brief(self, method: str) -> None:
        """Do what a Brief action asks, or say the briefs are not there yet."""
        if self.briefing is None:
            self.status_bar.showMessage(NOT_OPEN_YET, 3000)
            return
        getattr(self.briefing, method)()

    def _show_waiting(self, text: str) -> None:
        """Say ``text`` where the trees, the results and the summary would be."""
        self.tree_pane.show_waiting(text)
        self.search_pane.show_waiting(text)
        self.status_bar.show_waiting(text)
        self._update_actions()

    def _on_open_failed(self, message: str) -> None:
        self._show_waiting(f"The library could not be opened: {message}")
        self.status_bar.show_not_open(message)

    def _on_closed(self) -> None:
        self.search_pane.set_library(None)
        self.reader_pane.set_library(None)
        self._update_actions()

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
        self.status_bar.show_busy(text)
        if not busy and QApplication.focusWidget() is None:
            self.search_pane.field.setFocus()
        self._update_actions()

    def _on_tree_context(self, _tab: str, node: TreeNode, pos: QPoint) -> None:
        menu = self.flows.document_menu(node)
        if menu is not None:
            menu.popup(pos)

    def _popup_viewer_menu(self, pos: QPoint) -> None:
        """The viewer's copy menu, with "Cited by" for the paragraph right-clicked."""
        if self.reader_pane.selected_id is not None and self.library is not None:
            self.refs.popup_viewer_menu(self.selection.viewer_menu(), pos)

    # -- showing and closing -----------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        """On first show (the layout has its final width), restore the panes' widths."""
        super().showEvent(event)
        self.geometry_keeper.restore_sizes()

    def save_settings(self) -> None:
        """Write geometry, pane sizes, tree tab, zoom and theme to the settings file."""
        self.geometry_keeper.save(projector=self.projector.active)
        self.settings.zoom = self.projector.own_zoom
        self.settings.theme = self.theme.mode
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Persist preferences, then close."""
        if self.persist:
            self.save_settings()
        self.dialogs.close_all()
        self.flows.close_notice()
        if self.briefing is not None:
            self.briefing.close()
        self.jobs.shutdown()
        super().closeEvent(event)
