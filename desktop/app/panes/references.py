"""Following references: the References tree, an instrument's card, and "cited by" lists.

:func:`instrument_nodes` builds the References tab from ``Library.instruments()``.
:class:`InstrumentCard` is the small dialog an instrument not in the library opens to
(symbol, kind, year, where it is cited, "Import…"). :class:`ReferenceLinks` acts on the
viewer's reference and "cited by" links: a reference to a paragraph or a document in the
library opens it, scrolled to the paragraph; any other shows the card. It reports upward
by signals and never imports anything itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QPoint, Qt, Signal
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.app.models import TreeNode
from desktop.app.viewer import reference_key, split_reference_key

if TYPE_CHECKING:
    from db.reading import Library
    from desktop.app.panes.reader import ReaderPane

PASSAGE_ROLE = Qt.ItemDataRole.UserRole + 20
"""Role returning the citing passage id of a row of the card's "Cited in" list."""
MENU_LIMIT = 25
"""How many citing passages a "cited by" menu lists before "… and N more"."""


def instrument_label(item: dict[str, Any]) -> str:
    """Return how a cited instrument is named in a list ("A/RES/51/1 (1996)")."""
    target = str(item["target"])
    year = item.get("year")
    return f"{target} ({year})" if year and str(year) not in target else target


def instrument_nodes(instruments: Sequence[dict[str, Any]]) -> list[TreeNode]:
    """Build the References tab: one row per kind of instrument, one child per instrument.

    Args:
        instruments: As returned by ``Library.instruments()`` (``target, label, year,
            references, passages, in_library``), already in display order.

    Returns:
        The root nodes (kinds, with how many references), instruments of kind
        ``"instrument"`` whose ``ref`` is the symbol and ``count`` the number of references.
    """
    roots: dict[str, TreeNode] = {}
    for item in instruments:
        kind_label = str(item["label"])
        root = roots.get(kind_label)
        if root is None:
            root = roots[kind_label] = TreeNode(
                f"refkind:{kind_label}", kind_label, "group", kind_label, count=0
            )
        root.count = (root.count or 0) + int(item["references"])
        where = "in the library" if item["in_library"] else "not in the library"
        root.add(
            TreeNode(
                f"instrument:{item['target']}",
                instrument_label(item),
                "instrument",
                str(item["target"]),
                count=int(item["references"]),
                search_text=f"{item['target']} {kind_label}",
                tooltip=(
                    f"{item['target']} · {kind_label} · {where}\n"
                    f"Cited {item['references']} times in {item['passages']} passages"
                ),
                badge="in library" if item["in_library"] else "",
            )
        )
    return list(roots.values())


def reference_tip(ref: dict[str, Any]) -> str:
    """Return what hovering a reference says: where clicking it leads."""
    name = str(ref["target"]) + (f", para. {ref['paragraph']}" if ref["paragraph"] else "")
    if ref["target_passage_id"]:
        return f"{name} — in your library: click to open the paragraph"
    if ref["target_document_id"]:
        return f"{name} — in your library: click to open it"
    return f"{ref['label']} {name} — not in your library: click for its card (Import…)"


class InstrumentCard(QDialog):
    """A card about one cited instrument: what it is, where it is cited, Open or Import….

    Args:
        instrument: As returned by ``Library.instrument(symbol)``.
        parent: The window.
    """

    passage_chosen = Signal(str)
    """Emitted with a citing passage's id when the officer opens it from the list."""
    document_chosen = Signal(str)
    """Emitted with the instrument's document id (Open, when it is in the library)."""
    import_requested = Signal()
    """Emitted when the officer presses "Import…" (the window opens the file dialog)."""

    def __init__(self, instrument: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.instrument = instrument
        self.setObjectName("instrument-card")
        self.setWindowTitle(f"{instrument['target']} — reference")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        title = QLabel(str(instrument["target"]), self)
        title.setObjectName("card-symbol")
        title.setTextFormat(Qt.TextFormat.PlainText)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        facts = [str(instrument["label"])]
        if instrument.get("year"):
            facts.append(str(instrument["year"]))
        facts.append("in your library" if instrument["in_library"] else "not in your library")
        self.facts_label = QLabel(" · ".join(facts), self)
        self.facts_label.setObjectName("card-facts")
        self.facts_label.setTextFormat(Qt.TextFormat.PlainText)
        cited = instrument["cited_by"]
        passages = {r["passage_id"]: r for r in cited}
        heading = QLabel(
            f"Cited {len(cited)} time{'s' * (len(cited) != 1)} in "
            f"{len(passages)} passage{'s' * (len(passages) != 1)}:",
            self,
        )
        heading.setTextFormat(Qt.TextFormat.PlainText)
        self.cited_list = QListWidget(self)
        self.cited_list.setObjectName("card-cited-by")
        self.cited_list.setAccessibleName("Passages citing it")
        self.cited_list.setWordWrap(True)
        for r in cited:
            item = QListWidgetItem(f"{r['citation']} — “{r['surface']}”")
            item.setData(PASSAGE_ROLE, r["passage_id"])
            self.cited_list.addItem(item)
        if cited:
            self.cited_list.setCurrentRow(0)
        self.cited_list.itemActivated.connect(self._on_item)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        self.open_cited_button = buttons.addButton(
            "Open citing passage", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.open_cited_button.setEnabled(bool(cited))
        self.open_cited_button.clicked.connect(self._open_current)
        self.import_button: QPushButton | None = None
        self.open_button: QPushButton | None = None
        if instrument["in_library"]:
            self.open_button = buttons.addButton("Open", QDialogButtonBox.ButtonRole.AcceptRole)
            self.open_button.clicked.connect(self._open_document)
        else:
            self.import_button = buttons.addButton(
                "Import…", QDialogButtonBox.ButtonRole.ActionRole
            )
            self.import_button.setToolTip(f"Import the text of {instrument['target']}")
            self.import_button.clicked.connect(self._import)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.facts_label)
        layout.addSpacing(6)
        layout.addWidget(heading)
        layout.addWidget(self.cited_list)
        layout.addWidget(buttons)
        # Enter does what the card is for: open the instrument, or import it.
        self.open_cited_button.setAutoDefault(False)
        main = self.open_button or self.import_button
        if main is not None:
            main.setDefault(True)
        rows = min(max(self.cited_list.count(), 2), 8)
        self.cited_list.setFixedHeight(rows * self.cited_list.fontMetrics().lineSpacing() + 12)
        self.resize(560, self.sizeHint().height())

    def _on_item(self, item: QListWidgetItem) -> None:
        self.passage_chosen.emit(str(item.data(PASSAGE_ROLE)))

    def _open_current(self) -> None:
        item = self.cited_list.currentItem()
        if item is not None:
            self._on_item(item)

    def _open_document(self) -> None:
        self.document_chosen.emit(str(self.instrument["target_document_id"]))
        self.close()

    def _import(self) -> None:
        self.close()
        self.import_requested.emit()


class ReferenceLinks(QObject):
    """Acts on the viewer's reference and "cited by" links, and shows instrument cards.

    Args:
        reader_pane: The reader pane whose viewer emits the links (and which opens passages).
        parent: The window (cards and menus are its children).
    """

    import_requested = Signal()
    """Emitted when a card's "Import…" is pressed."""
    message = Signal(str, int)
    """Emitted with (a status line, how long to show it in ms)."""

    def __init__(self, reader_pane: ReaderPane, parent: QWidget) -> None:
        super().__init__(parent)
        self.reader_pane = reader_pane
        self.window = parent
        self.card: InstrumentCard | None = None
        reader_pane.viewer.reference_link.connect(self.follow)
        reader_pane.reader.changed.connect(self._set_tips)
        reader_pane.viewer.cited_by_link.connect(
            lambda pid: self.cited_by_menu(pid).popup(QCursor.pos())
        )

    @property
    def library(self) -> Library | None:
        """The open library (None while a job changes it)."""
        return self.reader_pane.library

    def _set_tips(self) -> None:
        """Say on hover where each reference of the open document leads."""
        reader = self.reader_pane.reader
        tips: dict[str, str] = {}
        if reader.document is not None and reader.library is not None:
            for refs in reader.references(reader.document["id"]).values():
                for r in refs:
                    tips[reference_key(r["passage_id"], r["start"])] = reference_tip(r)
        self.reader_pane.viewer.reference_tips = tips

    def follow(self, key: str) -> None:
        """Follow the reference ``PASSAGE@START``: open its paragraph or document, or its card."""
        parts = split_reference_key(key)
        ref = self.reader_pane.reader.reference(*parts) if parts else None
        if ref is None:
            return
        reader = self.reader_pane.reader
        if ref["target_passage_id"]:
            reader.open_passage(ref["target_passage_id"])
        elif ref["target_document_id"]:
            reader.open_document(ref["target_document_id"])
            if ref["paragraph"]:
                self.message.emit(
                    f"{ref['target']} has no paragraph {ref['paragraph']}: opened at its top.",
                    6000,
                )
        else:
            self.show_instrument(ref["target"])

    def show_instrument(self, symbol: str) -> InstrumentCard | None:
        """Show the card of the instrument ``symbol`` (the one card open at a time)."""
        if self.library is None:
            return None
        instrument = self.library.instrument(symbol)
        if self.card is not None:
            self.card.close()
        card = InstrumentCard(instrument, self.window)
        card.passage_chosen.connect(self._open_passage)
        card.document_chosen.connect(lambda doc_id: self.reader_pane.reader.open_document(doc_id))
        card.import_requested.connect(self.import_requested)
        card.destroyed.connect(lambda _=None, c=card: self._forget(c))
        self.card = card
        card.show()
        card.raise_()
        card.activateWindow()
        return card

    def _forget(self, card: InstrumentCard) -> None:
        if self.card is card:
            self.card = None

    def _open_passage(self, passage_id: str) -> None:
        self.reader_pane.reader.open_passage(passage_id)

    def citing(self, passage_id: str) -> list[dict[str, Any]]:
        """Return the references (one per citing passage) that cite ``passage_id``."""
        if self.library is None:
            return []
        seen: dict[str, dict[str, Any]] = {}
        for r in self.library.cited_by(passage_id):
            seen.setdefault(r["passage_id"], r)
        return list(seen.values())

    def cited_by_menu(self, passage_id: str, menu: QMenu | None = None) -> QMenu:
        """Return a menu listing the passages citing ``passage_id``; choosing one opens it.

        Args:
            passage_id: The cited passage.
            menu: Add a "Cited by" submenu to this menu instead of making a new one.
        """
        citing = self.citing(passage_id)
        if menu is None:
            target = QMenu(self.window)
            target.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        else:
            menu.addSeparator()
            target = menu.addMenu(f"Cited &by ({len(citing)})")
        for r in citing[:MENU_LIMIT]:
            action = target.addAction(f"{r['citation']} — “{r['surface']}”".replace("&", "&&"))
            action.triggered.connect(lambda _=False, pid=r["passage_id"]: self._open_passage(pid))
        if len(citing) > MENU_LIMIT:
            target.addAction(f"… and {len(citing) - MENU_LIMIT} more").setEnabled(False)
        if not citing:
            target.addAction("No passage in the library cites it").setEnabled(False)
        return menu if menu is not None else target

    def popup_viewer_menu(self, base: QMenu, pos: QPoint) -> None:
        """Show the viewer's menu ``base`` with a "Cited by" submenu for the selected paragraph."""
        pid = self.reader_pane.selected_id
        if pid is not None:
            self.cited_by_menu(pid, base)
        base.popup(pos)
