"""The brief pane: the open meeting brief, its items in order, their notes and their state.

:class:`BriefItemsModel` is a two-column :class:`QAbstractTableModel` (the item: position,
citation and state; the officer's note, editable in place) over the items of one brief,
each compared with the current library (:meth:`db.briefs.Briefs.check`). Every edit goes
straight to the briefs database (committed before the call returns): a note typed in
place, a move by keyboard or by drag, a removal.

:class:`BriefPane` shows the model with the brief's chooser and notes above and the
selected item below: its quoted text exactly as pinned, its citation, the footnotes it
cites and, when the library's text has changed since, the difference (struck-out words
were pinned, underlined ones are the library's now). Items whose passage changed or left
the library are marked in the list (in words, not only in colour).

Keys in the list: Enter opens the item (:attr:`BriefPane.open_passage`), F2 edits its note,
Ctrl+Up / Ctrl+Down move it, Delete removes it, Ctrl+Z puts back what was just removed.

What the window connects (the pane never reaches into the window):

* ``pane.open_passage(str)``  → open that passage id in the viewer;
* ``pane.pinned_changed(frozenset)`` → mark those passage ids in results and viewer;
* ``pane.message(str)`` → one sentence for the status bar (errors included);
* ``pane.pin(passage_id, note=…, quote=…)`` ← the pin key or the right-click menu;
* ``pane.set_library(library)`` ← after the library was reopened (import, removal,
  rebuild): every item's state is checked again.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSignalBlocker,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from db.brief_export import (
    EXPORT_FORMATS,
    BriefDocument,
    brief_document,
    to_html,
    to_text,
    write_docx,
    write_markdown,
)
from db.briefs import Briefs, Item, ItemCheck, Snapshot
from db.citations import CITATION_STYLES, DEFAULT_STYLE
from db.errors import LiaisonError
from desktop.brief_pdf import write_pdf

if TYPE_CHECKING:
    from db.reading import Library

ModelIndex = QModelIndex | QPersistentModelIndex

CHECK_ROLE = Qt.ItemDataRole.UserRole + 40
"""Role returning the :class:`~db.briefs.ItemCheck` behind a row."""
BRIEF_PASSAGE_ROLE = Qt.ItemDataRole.UserRole + 41
"""Role returning a row's passage id."""
STATUS_ROLE = Qt.ItemDataRole.UserRole + 42
"""Role returning a row's status: ``ok``, ``changed`` or ``removed``."""

ROWS_MIME = "application/x-liaison-brief-rows"
ITEM_COLUMN, NOTE_COLUMN = 0, 1


class BriefItemsModel(QAbstractTableModel):
    """The items of one brief, checked against the library; edits are saved at once.

    Signals:
        failed(str): An edit was refused (one sentence); nothing was changed.
        changed(): The items changed (added, moved, removed, note edited, reloaded).
    """

    failed = Signal(str)
    changed = Signal()

    def __init__(
        self, briefs: Briefs, library: Library | None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.briefs = briefs
        self.library = library
        self.title: str | None = None
        self.checks: list[ItemCheck] = []

    # -- loading -------------------------------------------------------------------------------

    def set_brief(self, title: str | None) -> None:
        """Show the items of the brief ``title`` (None: no brief)."""
        self.title = title
        self.reload()

    def set_library(self, library: Library | None) -> None:
        """Check the items against another (reopened) library."""
        self.library = library
        self.reload()

    def reload(self) -> None:
        """Read the brief's items again and check each against the library."""
        self.beginResetModel()
        self.checks = self._read()
        self.endResetModel()
        self.changed.emit()

    def _read(self) -> list[ItemCheck]:
        if self.title is None:
            return []
        if self.library is None:
            return [ItemCheck(item, "ok") for item in self.briefs.items(self.title)]
        return self.briefs.check(self.title, library=self.library)

    def check(self, row: int) -> ItemCheck:
        """Return the checked item of a row."""
        return self.checks[row]

    # -- the model -----------------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """Return the number of items (none under an item)."""
        return 0 if parent.isValid() else len(self.checks)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """Return 2: the item and its note."""
        return 0 if parent.isValid() else 2

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> str | None:
        """Return the column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return ("Item", "Note")[section] if section in (0, 1) else None
        return None

    def data(
        self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> str | QFont | ItemCheck | None:
        """Return what a cell shows."""
        if not index.isValid() or not 0 <= index.row() < len(self.checks):
            return None
        check = self.checks[index.row()]
        item = check.item
        column = index.column()
        if role == CHECK_ROLE:
            return check
        if role == BRIEF_PASSAGE_ROLE:
            return item.passage_id
        if role == STATUS_ROLE:
            return check.status
        if column == ITEM_COLUMN:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                flag = "" if check.status == "ok" else f" — {check.label}"
                quote = " (quotation)" if item.quote is not None else ""
                return f"{index.row() + 1}. {item.citation}{quote}{flag}"
            if role == Qt.ItemDataRole.ToolTipRole:
                return _tooltip(check)
            if role == Qt.ItemDataRole.FontRole and check.status != "ok":
                font = QFont()
                font.setItalic(True)
                return font
        elif column == NOTE_COLUMN:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
                return item.note
            if role == Qt.ItemDataRole.ToolTipRole and item.note:
                return item.note
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        """Items can be selected and dragged; notes edited; drops go between items."""
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        base |= Qt.ItemFlag.ItemIsDragEnabled
        if index.column() == NOTE_COLUMN:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def setData(  # noqa: N802
        self, index: ModelIndex, value: object, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        """Save a note typed in place."""
        if (
            role != Qt.ItemDataRole.EditRole
            or not index.isValid()
            or index.column() != NOTE_COLUMN
            or self.title is None
        ):
            return False
        row = index.row()
        note = str(value)
        if note == self.checks[row].item.note:
            return True
        try:
            item = self.briefs.set_note(self.title, position=row + 1, note=note)
        except LiaisonError as exc:
            self.failed.emit(_sentence(exc))
            return False
        old = self.checks[row]
        self.checks[row] = ItemCheck(item, old.status, old.current_text, old.diff)
        self.dataChanged.emit(self.index(row, 0), self.index(row, 1))
        self.changed.emit()
        return True

    # -- moving --------------------------------------------------------------------------------

    def moveRows(  # noqa: N802
        self,
        source_parent: ModelIndex,
        source_row: int,
        count: int,
        destination_parent: ModelIndex,
        destination_child: int,
    ) -> bool:
        """Move one item before ``destination_child`` (Qt's convention) and save the order."""
        n = len(self.checks)
        if (
            source_parent.isValid()
            or destination_parent.isValid()
            or count != 1
            or not 0 <= source_row < n
            or not 0 <= destination_child <= n
            or destination_child in (source_row, source_row + 1)
            or self.title is None
        ):
            return False
        to = destination_child if destination_child < source_row else destination_child - 1
        try:
            items = self.briefs.move_item(self.title, position=source_row + 1, to=to + 1)
        except LiaisonError as exc:
            self.failed.emit(_sentence(exc))
            return False
        self.beginMoveRows(QModelIndex(), source_row, source_row, QModelIndex(), destination_child)
        moved = self.checks.pop(source_row)
        self.checks.insert(to, moved)
        by_id = {i.id: i for i in items}
        self.checks = [
            ItemCheck(by_id[c.item.id], c.status, c.current_text, c.diff) for c in self.checks
        ]
        self.endMoveRows()
        self.dataChanged.emit(self.index(0, 0), self.index(n - 1, 1))
        self.changed.emit()
        return True

    def move(self, row: int, to: int) -> bool:
        """Move the item at ``row`` so that it ends at row ``to`` (0-based)."""
        if not 0 <= to < len(self.checks) or to == row:
            return False
        return self.moveRows(QModelIndex(), row, 1, QModelIndex(), to + 1 if to > row else to)

    def supportedDropActions(self) -> Qt.DropAction:  # noqa: N802
        """Items are only moved within the brief."""
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:  # noqa: N802
        """Items are only moved within the brief."""
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:  # noqa: N802
        """Return the one type a dragged item carries."""
        return [ROWS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:  # noqa: N802
        """Return the dragged item's row."""
        rows = sorted({i.row() for i in indexes if i.isValid()})
        data = QMimeData()
        data.setData(ROWS_MIME, QByteArray(",".join(map(str, rows[:1])).encode()))
        return data

    def canDropMimeData(  # noqa: N802
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: ModelIndex,
    ) -> bool:
        """Accept an item of this list dropped between two items."""
        return data.hasFormat(ROWS_MIME) and action == Qt.DropAction.MoveAction

    def dropMimeData(  # noqa: N802
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: ModelIndex,
    ) -> bool:
        """Move the dropped item to where it was dropped.

        Returns False even when the move happened: the view must not remove the dragged
        row afterwards, as it does for a move between two models.
        """
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        try:
            source = int(bytes(data.data(ROWS_MIME).data()).decode())
        except ValueError:
            return False
        if row < 0:  # dropped on an item (its row) or past the last one
            row = parent.row() if parent.isValid() else len(self.checks)
        self.moveRows(QModelIndex(), source, 1, QModelIndex(), row)
        return False

    # -- adding and removing -------------------------------------------------------------------

    def pin(self, passage_id: str, *, note: str = "", quote: str | None = None) -> Item | None:
        """Pin a passage of the library at the end of the brief; return the item."""
        if self.title is None or self.library is None:
            self.failed.emit("Open or create a brief first.")
            return None
        try:
            item = self.briefs.pin(
                self.title, library=self.library, passage_id=passage_id, note=note, quote=quote
            )
        except LiaisonError as exc:
            self.failed.emit(_sentence(exc))
            return None
        self.reload()
        return item

    def remove(self, row: int) -> Item | None:
        """Remove the item at ``row``; return it."""
        if self.title is None or not 0 <= row < len(self.checks):
            return None
        try:
            item = self.briefs.remove_item(self.title, position=row + 1)
        except LiaisonError as exc:
            self.failed.emit(_sentence(exc))
            return None
        self.reload()
        return item

    def restore(self, item: Item) -> Item | None:
        """Put a removed item back where it was, with its pinned text and note."""
        if self.title is None:
            return None
        snapshot = Snapshot(
            passage_id=item.passage_id,
            text=item.text,
            citation=item.citation,
            document=item.document,
            citations=item.citations,
            footnotes=item.footnotes,
        )
        try:
            back = self.briefs.add_item(
                self.title,
                snapshot=snapshot,
                note=item.note,
                quote=item.quote,
                position=item.position,
            )
        except LiaisonError as exc:
            self.failed.emit(_sentence(exc))
            return None
        self.reload()
        return back

    def passage_ids(self) -> frozenset[str]:
        """Return the ids of the passages in the brief."""
        return frozenset(c.item.passage_id for c in self.checks)


def _sentence(exc: BaseException) -> str:
    text = str(exc)
    text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else text + "."


def _tooltip(check: ItemCheck) -> str:
    text = check.item.quoted
    if len(text) > 400:
        text = text[:399] + "…"
    if check.status != "ok":
        text += f"\n\n({check.label.capitalize()}.)"
    return text


def item_html(check: ItemCheck) -> str:
    """Return the escaped HTML the detail view shows for one item."""
    item = check.item
    esc = html.escape
    out = [f"<p><b>{esc(item.citation)}</b></p>"]
    if check.status == "changed":
        out.append(
            "<p><b>Changed since pinned.</b> The brief keeps the text as pinned; "
            "<s>struck-out</s> words were pinned, <u>underlined</u> ones are in the "
            "library now.</p>"
        )
        parts = []
        for p in check.diff:
            if p.op == "equal":
                parts.append(esc(p.text))
            elif p.op == "delete":
                parts.append(f"<s>{esc(p.text)}</s>")
            else:
                parts.append(f"<u>{esc(p.text)}</u>")
        out.append(f"<p>{''.join(parts)}</p><p>As pinned:</p>")
    elif check.status == "removed":
        out.append("<p><b>No longer in the library.</b> The brief keeps the text as pinned.</p>")
    out.append(f"<blockquote>“{esc(item.quoted)}”</blockquote>")
    if item.quote is not None:
        out.append(f"<p><i>Quoted from:</i> “{esc(item.text)}”</p>")
    for f in item.footnotes:
        out.append(f"<p><small>{esc(f.marker)} {esc(f.text)}</small></p>")
    doc = item.document
    facts = [doc.label] + ([doc.title] if doc.title != doc.label else []) + [doc.date or "undated"]
    out.append(f"<p><small>{esc('; '.join(facts))}</small></p>")
    return "\n".join(out)


class _ItemsView(QTreeView):
    """The list of items: Enter opens, Ctrl+Up/Down move, Delete removes, drag reorders."""

    open_requested = Signal(int)
    move_requested = Signal(int, int)
    remove_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRootIsDecorated(False)
        self.setAllColumnsShowFocus(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
        )
        self.setAccessibleName("Brief items")
        self.doubleClicked.connect(self._on_double_click)

    def _on_double_click(self, index: QModelIndex) -> None:
        if index.column() == ITEM_COLUMN:
            self.open_requested.emit(index.row())

    def keyPressEvent(self, event) -> None:  # noqa: N802
        """Handle the brief's keys; leave the rest to the view."""
        row = self.currentIndex().row()
        key, mods = event.key(), event.modifiers()
        ctrl = mods & Qt.KeyboardModifier.ControlModifier
        if row >= 0 and ctrl and key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.move_requested.emit(row, row - 1 if key == Qt.Key.Key_Up else row + 1)
            return
        if (
            row >= 0
            and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not self.state() == (QAbstractItemView.State.EditingState)
        ):
            self.open_requested.emit(row)
            return
        if row >= 0 and key == Qt.Key.Key_Delete:
            self.remove_requested.emit(row)
            return
        if row >= 0 and key == Qt.Key.Key_F2:
            self.edit(self.model().index(row, NOTE_COLUMN))
            return
        super().keyPressEvent(event)


class BriefPane(QWidget):
    """The open brief: choose or start one, its notes, its items, the selected item.

    Signals:
        open_passage(str): The officer opened an item: show that passage in the viewer.
        pinned_changed(frozenset): The passage ids in the open brief (to mark them).
        message(str): One sentence for the status bar (what was done, or what failed).
        brief_opened(str): The title of the brief now shown ("" for none).
    """

    open_passage = Signal(str)
    pinned_changed = Signal(frozenset)
    message = Signal(str)
    brief_opened = Signal(str)

    def __init__(
        self,
        briefs: Briefs,
        library: Library | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.briefs = briefs
        self.style_name = DEFAULT_STYLE
        self.last_removed: Item | None = None
        self.model = BriefItemsModel(briefs, library, self)
        self.model.failed.connect(self.message)
        self.model.changed.connect(self._on_items_changed)

        self.chooser = QComboBox(self)
        self.chooser.setAccessibleName("Open brief")
        self.chooser.view().setAccessibleName("Briefs")
        self.chooser.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.chooser.setMinimumContentsLength(12)
        self.new_button = QPushButton("New…", self)
        self.new_button.setAccessibleName("New brief")
        self.export_button = QPushButton("Export…", self)
        self.export_button.setAccessibleName("Export brief")
        self.copy_button = QPushButton("Copy", self)
        self.copy_button.setAccessibleName("Copy the whole brief")
        self.copy_button.setToolTip("Copy the whole brief (text and formatted)")

        self.date_label = QLabel(self)
        self.notes_edit = QPlainTextEdit(self)
        self.notes_edit.setPlaceholderText("Notes on this meeting…")
        self.notes_edit.setAccessibleName("Brief notes")
        self.notes_edit.setMaximumHeight(90)
        self._notes_timer = QTimer(self)
        self._notes_timer.setSingleShot(True)
        self._notes_timer.setInterval(600)
        self._notes_timer.timeout.connect(self.save_notes)

        self.view = _ItemsView(self)
        self.view.setModel(self.model)
        header = self.view.header()
        header.setAccessibleName("Brief columns")
        header.setSectionResizeMode(ITEM_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(NOTE_COLUMN, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.resizeSection(NOTE_COLUMN, 160)
        self.empty_label = QLabel(
            "No passage pinned yet. Pin the highlighted result or the paragraph in the viewer.",
            self,
        )
        self.empty_label.setWordWrap(True)
        self.detail = QTextBrowser(self)
        self.detail.setOpenLinks(False)
        self.detail.setOpenExternalLinks(False)
        self.detail.setAccessibleName("Selected item")

        top = QHBoxLayout()
        top.addWidget(self.chooser, 1)
        top.addWidget(self.new_button)
        top.addWidget(self.copy_button)
        top.addWidget(self.export_button)
        head = QWidget(self)
        head_layout = QVBoxLayout(head)
        head_layout.setContentsMargins(0, 0, 0, 0)
        head_layout.addLayout(top)
        head_layout.addWidget(self.date_label)
        head_layout.addWidget(self.notes_edit)
        head_layout.addWidget(self.empty_label)
        head_layout.addWidget(self.view, 1)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(head)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.addWidget(split)

        self.chooser.currentIndexChanged.connect(self._on_chosen)
        self.new_button.clicked.connect(self._ask_new)
        self.export_button.clicked.connect(self.ask_export)
        self.copy_button.clicked.connect(self.copy_to_clipboard)
        self.notes_edit.textChanged.connect(self._notes_timer.start)
        self.view.open_requested.connect(self.open_row)
        self.view.move_requested.connect(self.move_row)
        self.view.remove_requested.connect(self.remove_row)
        self.view.selectionModel().currentRowChanged.connect(self._show_detail)
        undo = QShortcut(QKeySequence.StandardKey.Undo, self.view)
        undo.setContext(Qt.ShortcutContext.WidgetShortcut)
        undo.activated.connect(self.undo_remove)
        self.refresh_briefs()

    # -- briefs ------------------------------------------------------------------------------

    def refresh_briefs(self, select: str | None = None) -> None:
        """Fill the chooser with every brief and show ``select`` (or the current one)."""
        keep = select or self.current_title()
        titles = [b.title for b in self.briefs.list()]
        with QSignalBlocker(self.chooser):
            self.chooser.clear()
            self.chooser.addItems(titles)
        if keep and keep in titles:
            self.open_brief(keep)
        elif titles:
            self.open_brief(titles[0])
        else:
            self.open_brief(None)

    def current_title(self) -> str | None:
        """Return the title of the open brief, or None."""
        return self.model.title

    def open_brief(self, title: str | None) -> None:
        """Show the brief ``title`` (None: none)."""
        self.save_notes()
        if title is not None:
            title = self.briefs.get(title).title
        with QSignalBlocker(self.chooser):
            self.chooser.setCurrentIndex(self.chooser.findText(title) if title else -1)
        brief = self.briefs.get(title) if title else None
        with QSignalBlocker(self.notes_edit):
            self.notes_edit.setPlainText(brief.notes if brief else "")
        self.notes_edit.setEnabled(brief is not None)
        self.date_label.setText(f"Meeting of {brief.date}" if brief and brief.date else "")
        self.model.set_brief(title)
        if self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(0, ITEM_COLUMN))
        self.brief_opened.emit(title or "")

    def new_brief(self, title: str, *, date: str | None = None) -> bool:
        """Create a brief and open it; False (and a message) when it cannot be created."""
        try:
            made = self.briefs.create(title=title, date=date)
        except LiaisonError as exc:
            self.message.emit(_sentence(exc))
            return False
        self.refresh_briefs(select=made.title)
        self.message.emit(f"New brief “{made.title}”.")
        return True

    def rename_brief(self, title: str) -> bool:
        """Give the open brief a new title; False (and a message) when it cannot be renamed."""
        current = self.model.title
        if current is None:
            self.message.emit("Open or create a brief first.")
            return False
        self.save_notes()
        try:
            made = self.briefs.rename(current, title=title)
        except LiaisonError as exc:
            self.message.emit(_sentence(exc))
            return False
        self.refresh_briefs(select=made.title)
        self.message.emit(f"Renamed the brief “{current}” to “{made.title}”.")
        return True

    def save_notes(self) -> None:
        """Save the brief's notes if they were edited."""
        self._notes_timer.stop()
        title = self.model.title
        if title is None:
            return
        text = self.notes_edit.toPlainText()
        try:
            if self.briefs.get(title).notes != text:
                self.briefs.update(title, notes=text)
        except LiaisonError as exc:
            self.message.emit(_sentence(exc))

    def set_library(self, library: Library | None) -> None:
        """Check the items against a (re)opened library."""
        self.model.set_library(library)

    # -- items -------------------------------------------------------------------------------

    def pin(self, passage_id: str, *, note: str = "", quote: str | None = None) -> bool:
        """Pin a passage (or a quote from it) to the open brief."""
        item = self.model.pin(passage_id, note=note, quote=quote)
        if item is None:
            return False
        self.view.setCurrentIndex(self.model.index(item.position - 1, ITEM_COLUMN))
        what = "Quoted" if quote else "Pinned"
        self.message.emit(f"{what} {item.citation} in “{self.model.title}”.")
        return True

    def open_row(self, row: int) -> None:
        """Open the item at ``row`` in the viewer (emits :attr:`open_passage`)."""
        if 0 <= row < self.model.rowCount():
            check = self.model.check(row)
            if check.status == "removed":
                self.message.emit(
                    f"{check.item.citation} is no longer in the library; the brief keeps its text."
                )
                return
            self.open_passage.emit(check.item.passage_id)

    def move_row(self, row: int, to: int) -> None:
        """Move an item and keep it selected."""
        if self.model.move(row, to):
            self.view.setCurrentIndex(self.model.index(to, ITEM_COLUMN))

    def remove_row(self, row: int) -> None:
        """Remove an item (Ctrl+Z puts it back)."""
        item = self.model.remove(row)
        if item is None:
            return
        self.last_removed = item
        if self.model.rowCount():
            self.view.setCurrentIndex(
                self.model.index(min(row, self.model.rowCount() - 1), ITEM_COLUMN)
            )
        self.message.emit(f"Removed {item.citation} from the brief (Ctrl+Z puts it back).")

    def undo_remove(self) -> None:
        """Put back the item removed last."""
        if self.last_removed is None:
            return
        item = self.model.restore(self.last_removed)
        self.last_removed = None
        if item is not None:
            self.view.setCurrentIndex(self.model.index(item.position - 1, ITEM_COLUMN))
            self.message.emit(f"Put back {item.citation}.")

    # -- export ------------------------------------------------------------------------------

    def document(self) -> BriefDocument | None:
        """Return the open brief as an export shows it, in the pane's citation style."""
        title = self.model.title
        if title is None:
            return None
        self.save_notes()
        return brief_document(
            self.briefs.get(title),
            self.model.checks,
            style=self.style_name,
            library=self.model.library,
        )

    def set_citation_style(self, style: str) -> None:
        """Use ``style`` (one of :data:`db.citations.CITATION_STYLES`) in copies and exports."""
        if style in CITATION_STYLES:
            self.style_name = style

    def copy_to_clipboard(self) -> bool:
        """Copy the whole brief as plain text and HTML."""
        doc = self.document()
        if doc is None:
            return False
        data = QMimeData()
        data.setText(to_text(doc))
        data.setHtml(to_html(doc))
        QApplication.clipboard().setMimeData(data)
        self.message.emit(f"Copied the brief “{doc.title}” ({len(doc.items)} items).")
        return True

    def export_to(self, path: Path, fmt: str) -> bool:
        """Write the open brief to ``path`` as ``md``, ``docx`` or ``pdf``."""
        doc = self.document()
        if doc is None or fmt not in EXPORT_FORMATS:
            return False
        writer = {"md": write_markdown, "docx": write_docx, "pdf": write_pdf}[fmt]
        try:
            writer(doc, Path(path))
        except LiaisonError as exc:
            self.message.emit(_sentence(exc))
            return False
        self.message.emit(f"Exported “{doc.title}” to {Path(path).name}.")
        return True

    def _ask_new(self) -> None:
        title, ok = QInputDialog.getText(self, "New brief", "Name of the meeting:")
        if ok and title.strip():
            self.new_brief(title)

    def ask_export(self) -> None:
        """Ask where to export the open brief (the file type chooses the format), then export."""
        if self.model.title is None:
            return
        filters = {"pdf": "PDF (*.pdf)", "docx": "Word (*.docx)", "md": "Markdown (*.md)"}
        path, chosen = QFileDialog.getSaveFileName(
            self, "Export brief", f"{self.model.title}.pdf", ";;".join(filters.values())
        )
        if not path:
            return
        fmt = next((k for k, v in filters.items() if v == chosen), "pdf")
        suffix = Path(path).suffix.lstrip(".").lower()
        self.export_to(Path(path), suffix if suffix in EXPORT_FORMATS else fmt)

    # -- reactions ---------------------------------------------------------------------------

    def _on_chosen(self, index: int) -> None:
        self.open_brief(self.chooser.itemText(index) if index >= 0 else None)

    def _on_items_changed(self) -> None:
        empty = self.model.title is not None and self.model.rowCount() == 0
        self.empty_label.setVisible(empty)
        self.export_button.setEnabled(self.model.title is not None)
        self.copy_button.setEnabled(self.model.title is not None)
        self._show_detail(self.view.currentIndex())
        self.pinned_changed.emit(self.model.passage_ids())

    def _show_detail(self, index: QModelIndex, _previous: QModelIndex | None = None) -> None:
        if not index.isValid():
            self.detail.clear()
            return
        self.detail.setHtml(item_html(self.model.check(index.row())))
