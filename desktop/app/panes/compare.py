"""Compare two versions of a resolution side by side (File ▸ Compare versions…).

:class:`CompareDialog` sets an old and a new document side by side, one row per pair of
paragraphs aligned by ``Library.compare``: same, renumbered, changed, moved, added or
dropped. Changed words are shown struck through (deleted) or underlined and bold
(inserted), never by colour alone. The dialog proposes the predecessor
(``Library.predecessor``), is driven from the keyboard (arrows move, Enter opens the
paragraph in the viewer), and exports the comparison to Markdown or DOCX.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QPainter,
    QPalette,
    QResizeEvent,
    QShowEvent,
    QStandardItem,
    QStandardItemModel,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from db.compare import CHANGES, Pair, summary
from db.compare_export import write_markdown
from db.errors import ExportError
from desktop.app.dialogs import show_error
from desktop.app.viewer import esc

if TYPE_CHECKING:
    from db.reading import Library

HTML_ROLE = Qt.ItemDataRole.UserRole + 30
"""Role returning a cell's rich text (our own markup over escaped document text)."""
PAIR_ROLE = Qt.ItemDataRole.UserRole + 31
"""Role returning the :class:`~db.compare.Pair` behind a row."""
DELETE_STYLE = "text-decoration:line-through; background-color:#fbd3d0; color:#6b0f0a"
INSERT_STYLE = "text-decoration:underline; font-weight:600; background-color:#cdeed3; color:#0d3d18"
CHANGE_WORDS = {
    "same": "same",
    "renumbered": "renumbered",
    "changed": "changed",
    "moved": "moved",
    "added": "added",
    "dropped": "dropped",
}
assert tuple(CHANGE_WORDS) == CHANGES


def _number(number: str | None, kind: str) -> str:
    if not number:
        return ""
    return f"PP{number}" if kind == "preambular" else f"{number}."


def side_html(pair: Pair, side: str) -> str:
    """Return one side of a pair as HTML: its number, then its words with the changes marked.

    Args:
        pair: The aligned pair.
        side: ``"old"`` (deleted words struck through) or ``"new"`` (inserted words underlined).
    """
    pid = pair.old if side == "old" else pair.new
    if pid is None:
        return ""
    number = _number(pair.old_number if side == "old" else pair.new_number, pair.kind)
    head = f"<b>{esc(number)}</b>&nbsp; " if number else ""
    text = pair.old_text if side == "old" else pair.new_text
    if pair.change == "added":
        return f'{head}<span style="{INSERT_STYLE}">{esc(text)}</span>'
    if pair.change == "dropped":
        return f'{head}<span style="{DELETE_STYLE}">{esc(text)}</span>'
    if not pair.diff:
        return head + esc(text)
    out = []
    for seg in pair.diff:
        if seg["op"] == "equal":
            out.append(esc(seg["text"]))
        elif seg["op"] == "delete" and side == "old":
            out.append(f'<span style="{DELETE_STYLE}">{esc(seg["text"])}</span>')
        elif seg["op"] == "insert" and side == "new":
            out.append(f'<span style="{INSERT_STYLE}">{esc(seg["text"])}</span>')
    return head + "".join(out)


def change_text(pair: Pair) -> str:
    """Return what the Change column says ("renumbered 12 → 13", "added", …)."""
    word = CHANGE_WORDS[pair.change]
    if pair.change in ("renumbered", "moved") and pair.old_number and pair.new_number:
        return f"{word}\n{pair.old_number} → {pair.new_number}"
    return word


class HtmlDelegate(QStyledItemDelegate):
    """Paints a cell's :data:`HTML_ROLE` rich text, wrapped to the column's width."""

    def _document(self, option: QStyleOptionViewItem, index: QModelIndex) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setDocumentMargin(4)
        doc.setHtml(str(index.data(HTML_ROLE) or ""))
        doc.setTextWidth(max(option.rect.width(), 40))
        return doc

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        """Draw the selection background, then the rich text."""
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        doc = self._document(opt, QModelIndex(index))
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(role))
        painter.save()
        painter.translate(opt.rect.topLeft())
        painter.setClipRect(QRectF(0, 0, opt.rect.width(), opt.rect.height()))
        doc.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(  # noqa: N802
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        """The wrapped text's height at the column's width."""
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        doc = self._document(opt, QModelIndex(index))
        return QSize(int(doc.idealWidth()), int(doc.size().height()) + 2)


class CompareDialog(QDialog):
    """Two versions side by side, one row per aligned pair of paragraphs.

    Args:
        library: The open library (read only).
        new_id: The later document to propose (default: none chosen).
        parent: The window.
    """

    passage_chosen = Signal(str)
    """Emitted with a passage id when the officer opens a row (Enter or double click)."""

    def __init__(self, library: Library, new_id: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.library = library
        self.pairs: list[Pair] = []
        self.setObjectName("compare")
        self.setWindowTitle("Compare versions")
        self.old_box = QComboBox(self)
        self.old_box.setAccessibleName("Earlier version")
        self.new_box = QComboBox(self)
        self.new_box.setAccessibleName("Later version")
        docs = sorted(
            library.documents(),
            key=lambda d: (d.get("kind") != "resolution", d.get("symbol") or d.get("title") or ""),
        )
        for box in (self.old_box, self.new_box):
            box.addItem("Choose a document…", None)
            for d in docs:
                label = d.get("symbol") or ""
                title = d.get("title") or d["id"]
                box.addItem(f"{label} — {title}" if label else title, d["id"])
        self.proposal_label = QLabel(self)
        self.proposal_label.setTextFormat(Qt.TextFormat.PlainText)
        self.proposal_label.setWordWrap(True)
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("compare-summary")
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.show_same = QCheckBox("Show &unchanged paragraphs", self)
        self.model = QStandardItemModel(0, 3, self)
        self.table = QTableView(self)
        self.table.setObjectName("compare-table")
        self.table.setAccessibleName("Paragraphs of both versions, side by side")
        self.table.setModel(self.model)
        self.table.setItemDelegate(HtmlDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setVisible(False)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        # A scroll bar that comes and goes would change the widths the rows were fitted to.
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(lambda *_: self.table.resizeRowsToContents())
        self.table.setColumnWidth(0, 120)
        self.table.activated.connect(self._on_activated)
        self.open_button = QPushButton("&Open in viewer", self)
        self.open_button.clicked.connect(lambda: self._on_activated(self.table.currentIndex()))
        self.markdown_button = QPushButton("Export &Markdown…", self)
        self.markdown_button.clicked.connect(lambda: self.choose_export("md"))
        self.docx_button = QPushButton("Export &DOCX…", self)
        self.docx_button.clicked.connect(lambda: self.choose_export("docx"))
        close = QPushButton("Close", self)
        close.clicked.connect(self.close)
        form = QFormLayout()
        form.addRow("&Earlier version:", self.old_box)
        form.addRow("&Later version:", self.new_box)
        buttons = QHBoxLayout()
        buttons.addWidget(self.show_same)
        buttons.addStretch(1)
        for b in (self.open_button, self.markdown_button, self.docx_button, close):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.proposal_label)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        # Wide enough to read two paragraphs side by side: most of the window.
        if parent is not None:
            self.resize(int(parent.width() * 0.92), int(parent.height() * 0.88))
        else:
            self.resize(1100, 680)
        self.old_box.currentIndexChanged.connect(self.refresh)
        self.new_box.currentIndexChanged.connect(self._on_new)
        self.show_same.toggled.connect(self.refresh)
        if new_id is not None:
            self.set_documents(None, new_id)
        else:
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        """Focus the rows (arrows move through them at once) when something is compared."""
        super().showEvent(event)
        if self.model.rowCount():
            self.table.setFocus(Qt.FocusReason.ActiveWindowFocusReason)
        else:
            self.new_box.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        """Fit the rows' heights to the new column widths once the layout has them."""
        super().resizeEvent(event)
        QTimer.singleShot(0, self.table.resizeRowsToContents)

    # -- choosing ------------------------------------------------------------------

    def old_id(self) -> str | None:
        """The earlier document's id (None when none is chosen)."""
        return self.old_box.currentData()

    def new_id(self) -> str | None:
        """The later document's id (None when none is chosen)."""
        return self.new_box.currentData()

    def set_documents(self, old_id: str | None, new_id: str) -> None:
        """Compare ``old_id`` with ``new_id`` (None: the proposed predecessor of ``new_id``)."""
        self.new_box.blockSignals(True)
        self.new_box.setCurrentIndex(max(self.new_box.findData(new_id), 0))
        self.new_box.blockSignals(False)
        self._propose(old_id)

    def _on_new(self) -> None:
        self._propose(None)

    def _propose(self, old_id: str | None) -> None:
        new_id = self.new_id()
        proposed = self.library.predecessor(new_id) if new_id else None
        if new_id is None:
            self.proposal_label.setText("")
        elif proposed is None:
            self.proposal_label.setText(
                "No earlier version on the same agenda item is in the library: choose one."
            )
        else:
            symbol = self.library.document(proposed).get("symbol") or proposed
            self.proposal_label.setText(f"Proposed: {symbol}, the earlier one on the same item.")
        self.old_box.blockSignals(True)
        self.old_box.setCurrentIndex(max(self.old_box.findData(old_id or proposed), 0))
        self.old_box.blockSignals(False)
        self.refresh()

    # -- showing -------------------------------------------------------------------

    def refresh(self) -> None:
        """Align the chosen versions and fill the table (the first difference current)."""
        old_id, new_id = self.old_id(), self.new_id()
        self.model.removeRows(0, self.model.rowCount())
        self.pairs = []
        ready = bool(old_id and new_id and old_id != new_id)
        for b in (self.open_button, self.markdown_button, self.docx_button):
            b.setEnabled(ready)
        if not ready:
            self.summary_label.setText(
                "Choose two different documents." if old_id and new_id else ""
            )
            self._set_headers("Earlier", "Later")
            return
        assert old_id is not None and new_id is not None
        self.pairs = self.library.compare(old_id, new_id)
        counts = summary(self.pairs)
        self.summary_label.setText(
            ", ".join(f"{n} {c}" for c, n in counts.items() if n) or "Both are empty."
        )
        old_doc, new_doc = self.library.document(old_id), self.library.document(new_id)
        self._set_headers(
            old_doc.get("symbol") or old_doc["title"], new_doc.get("symbol") or new_doc["title"]
        )
        for pair in self.rows():
            change = QStandardItem(change_text(pair))
            change.setData(f"<b>{esc(change_text(pair)).replace(chr(10), '<br/>')}</b>", HTML_ROLE)
            cells = [change]
            for side in ("old", "new"):
                item = QStandardItem(pair.old_text if side == "old" else pair.new_text)
                item.setData(side_html(pair, side), HTML_ROLE)
                cells.append(item)
            for c in cells:
                c.setData(pair, PAIR_ROLE)
                c.setEditable(False)
            self.model.appendRow(cells)
        self.table.resizeRowsToContents()
        if self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(0, 2))

    def rows(self) -> list[Pair]:
        """Return the pairs shown (all, or only those whose words differ)."""
        if self.show_same.isChecked():
            return list(self.pairs)
        return [p for p in self.pairs if p.change not in ("same", "renumbered")]

    def _set_headers(self, old: str, new: str) -> None:
        self.model.setHorizontalHeaderLabels(["Change", old, new])

    def current_pair(self) -> Pair | None:
        """Return the pair of the current row."""
        return self.table.currentIndex().data(PAIR_ROLE)

    def _on_activated(self, index: QModelIndex) -> None:
        pair: Pair | None = index.data(PAIR_ROLE)
        if pair is None:
            return
        old_side = index.column() == 1 and pair.old is not None
        pid = pair.old if old_side or pair.new is None else pair.new
        if pid is not None:
            self.passage_chosen.emit(pid)

    # -- export --------------------------------------------------------------------

    def export(self, fmt: str, path: Path) -> Path:
        """Write the comparison shown to ``path`` as ``"md"`` or ``"docx"``.

        Raises:
            ExportError: Nothing is compared, or the file cannot be written.
        """
        old_id, new_id = self.old_id(), self.new_id()
        if not (old_id and new_id and self.pairs):
            raise ExportError("choose two documents to compare first")
        same = self.show_same.isChecked()
        if fmt == "md":
            text = self.library.compare_markdown(old_id, new_id, include_same=same)
            return write_markdown(text, path)
        return self.library.compare_docx(old_id, new_id, path, include_same=same)

    def choose_export(self, fmt: str) -> None:
        """Ask where to save, then export (a failure is said in a dialog that closes)."""
        names: dict[str, Any] = {"md": "Markdown (*.md)", "docx": "Word document (*.docx)"}
        new = self.library.document(self.new_id()) if self.new_id() else None
        stem = ((new or {}).get("symbol") or "comparison").replace("/", "-")
        path, _ = QFileDialog.getSaveFileName(
            self, "Export the comparison", str(Path.home() / f"{stem}-compared.{fmt}"), names[fmt]
        )
        if not path:
            return
        try:
            self.export(fmt, Path(path))
        except ExportError as exc:
            show_error(self, "Export", f"The comparison was not exported: {exc}")
