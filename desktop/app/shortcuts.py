"""Every keyboard action of the window, declared once: menus, shortcuts and the shortcuts sheet.

The window creates a QAction per :class:`ActionSpec` and connects it by name,
so what the sheet lists is exactly what the keys do.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


@dataclass(frozen=True)
class ActionSpec:
    """One action: its name (the handler's key), menu text, keys and menu.

    ``separator`` puts a separator line above the action in its menu; ``group``
    names a set of checkable actions of which one is checked at a time.
    """

    name: str
    text: str
    keys: tuple[str, ...]
    menu: str
    checkable: bool = False
    separator: bool = False
    group: str = ""


MENUS = ("&File", "&Edit", "&View", "&Go", "&Search", "&Brief", "&Help")

ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("import_files", "&Import documents…", ("Ctrl+O",), "&File"),
    ActionSpec("import_folder", "Import &folder…", ("Ctrl+Shift+O",), "&File"),
    ActionSpec("remove_document", "&Remove document…", (), "&File"),
    ActionSpec("compare", "&Compare versions…", ("Ctrl+Shift+M",), "&File", separator=True),
    ActionSpec("print", "&Print…", ("Ctrl+P",), "&File", separator=True),
    ActionSpec("quit", "&Quit", ("Ctrl+Q",), "&File", separator=True),
    ActionSpec("copy_citation", "Copy &citation", ("Ctrl+Shift+C",), "&Edit"),
    ActionSpec("copy_passage", "Copy &passage with citation", ("Ctrl+Shift+P",), "&Edit"),
    ActionSpec("copy_selection", "Copy &selection with citation", ("Ctrl+Alt+C",), "&Edit"),
    ActionSpec("find", "&Find in document…", ("Ctrl+F",), "&Edit", separator=True),
    ActionSpec("find_next", "Find &next", ("F3",), "&Edit"),
    ActionSpec("find_previous", "Find pre&vious", ("Shift+F3",), "&Edit"),
    ActionSpec("zoom_in", "Zoom &in", ("Ctrl++", "Ctrl+="), "&View"),
    ActionSpec("zoom_out", "Zoom &out", ("Ctrl+-",), "&View"),
    ActionSpec("zoom_reset", "&Actual size", ("Ctrl+0",), "&View"),
    ActionSpec(
        "toggle_source",
        "Show &raw source text",
        ("Ctrl+Shift+U",),
        "&View",
        checkable=True,
        separator=True,
    ),
    ActionSpec(
        "cite_short",
        "S&hort citations (A/RES/77/20, para. 17(a))",
        (),
        "&View",
        checkable=True,
        separator=True,
        group="citation_style",
    ),
    ActionSpec(
        "cite_full",
        "F&ull citations (General Assembly resolution 77/20 of …)",
        (),
        "&View",
        checkable=True,
        group="citation_style",
    ),
    ActionSpec(
        "toggle_dark", "&Dark theme", ("Ctrl+Shift+D",), "&View", checkable=True, separator=True
    ),
    ActionSpec("projector", "&Projector mode", ("F11",), "&View", checkable=True),
    ActionSpec("follow_system", "Follow &system theme", (), "&View", checkable=True),
    ActionSpec(
        "toggle_brief", "&Brief pane", ("Ctrl+Shift+B",), "&View", checkable=True, separator=True
    ),
    ActionSpec("focus_search", "&Search field", ("Ctrl+K", "Ctrl+L", "/"), "&Go"),
    ActionSpec("focus_tree", "&Tree", ("Ctrl+1",), "&Go"),
    ActionSpec("focus_results", "&Results", ("Ctrl+2",), "&Go"),
    ActionSpec("focus_viewer", "&Viewer", ("Ctrl+3",), "&Go"),
    ActionSpec("focus_tree_filter", "Tree &filter", ("Ctrl+Shift+F",), "&Go"),
    ActionSpec("tab_un", "UN &entities tab", ("Alt+1",), "&Go", separator=True),
    ActionSpec("tab_documents", "&Documents tab", ("Alt+2",), "&Go"),
    ActionSpec("tab_capabilities", "&Capabilities tab", ("Alt+3",), "&Go"),
    ActionSpec("tab_themes", "T&hemes tab", ("Alt+4",), "&Go"),
    ActionSpec("tab_references", "R&eferences tab", ("Alt+5",), "&Go"),
    ActionSpec("back", "&Back", ("Alt+Left",), "&Go", separator=True),
    ActionSpec("forward", "F&orward", ("Alt+Right",), "&Go"),
    ActionSpec("recent_searches", "&Recent searches…", ("Ctrl+R",), "&Search"),
    ActionSpec("recent_passages", "Recently opened &passages…", ("Ctrl+Shift+R",), "&Search"),
    ActionSpec("date_filter", "&Dates…", ("Ctrl+Shift+T",), "&Search"),
    ActionSpec("remove_filter", "Remove &last filter", ("Ctrl+Backspace",), "&Search"),
    ActionSpec("clear_filters", "&Clear all filters", ("Ctrl+Shift+Backspace",), "&Search"),
    ActionSpec("pin", "&Pin to brief", ("Ctrl+B",), "&Brief"),
    ActionSpec("new_brief", "&New brief…", (), "&Brief", separator=True),
    ActionSpec("open_brief", "&Open brief…", (), "&Brief"),
    ActionSpec("rename_brief", "&Rename brief…", (), "&Brief"),
    ActionSpec("export_brief", "&Export brief…", (), "&Brief", separator=True),
    ActionSpec("print_brief", "Pr&int brief (as PDF)", (), "&Brief"),
    ActionSpec("copy_brief", "&Copy the whole brief", (), "&Brief"),
    ActionSpec("shortcuts", "&Keyboard shortcuts", ("F1", "Ctrl+/"), "&Help"),
    ActionSpec("about", "&About Liaison and its corpus", (), "&Help"),
)

#: Keys handled by widgets rather than actions, for the shortcuts sheet.
WIDGET_KEYS: tuple[tuple[str, str], ...] = (
    ("Up / Down", "Move through the results (also from the search field)"),
    ("Enter", "Open the selected result in the viewer"),
    ("Esc", "Clear the search field; close the find bar"),
    ("Tab / Shift+Tab", "Move between controls (the viewer's links: click, or Enter on a link)"),
    ("Enter (on a viewer link)", "Show the footnote, select the entity, or follow the reference"),
    ("Drop files or folders on the window", "Import them (text, Markdown, HTML, PDF)"),
)


def action_spec(name: str) -> ActionSpec:
    """Return the spec of the action called ``name``.

    Raises:
        KeyError: No action has that name.
    """
    for spec in ACTIONS:
        if spec.name == name:
            return spec
    raise KeyError(name)


def create_actions(parent: QWidget) -> dict[str, QAction]:
    """Create one QAction per spec, with its shortcuts, owned by ``parent``.

    Actions that share a :attr:`ActionSpec.group` are exclusive (one checked at a time).
    """
    actions: dict[str, QAction] = {}
    groups: dict[str, QActionGroup] = {}
    for spec in ACTIONS:
        action = QAction(spec.text, parent)
        action.setObjectName(spec.name)
        action.setShortcuts([QKeySequence(k) for k in spec.keys])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setCheckable(spec.checkable)
        if spec.group:
            if spec.group not in groups:
                groups[spec.group] = QActionGroup(parent)
            groups[spec.group].addAction(action)
        parent.addAction(action)
        actions[spec.name] = action
    return actions


def _native(keys: tuple[str, ...]) -> str:
    return ", ".join(
        QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText) or k for k in keys
    )


def shortcut_rows() -> list[tuple[str, str]]:
    """Return (keys, what they do) for every keyboard action, in menu order."""
    rows = [(_native(s.keys), s.text.replace("&", "").rstrip("…")) for s in ACTIONS if s.keys]
    rows.extend(WIDGET_KEYS)
    return rows


class ShortcutsDialog(QDialog):
    """The shortcuts sheet (F1): every key the window answers to."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        rows = shortcut_rows()
        self.table = QTableWidget(len(rows), 2, self)
        self.table.setHorizontalHeaderLabels(["Keys", "Action"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        for i, (keys, text) in enumerate(rows):
            self.table.setItem(i, 0, QTableWidgetItem(keys))
            self.table.setItem(i, 1, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(560, 640)
