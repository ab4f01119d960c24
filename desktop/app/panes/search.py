"""The search pane: the search field, passage-kind menu, filter chips and the results list.

The pane owns its :class:`~desktop.app.search.SearchController` and its widgets.
It reports upward: :attr:`SearchPane.open_requested` when the officer opens a
result, :attr:`SearchPane.highlighted` when another result is highlighted,
:attr:`SearchPane.filter_removed` when a chip is removed (so the tree can forget
its selection), and :attr:`SearchPane.message` with a status line. It also offers
the recent searches (Ctrl+R) and asks for a date range (Ctrl+Shift+T).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from db.kinds import KIND_LABELS
from desktop.app.dialogs import DateRangeDialog
from desktop.app.models import HIT_ROLE, ResultsModel
from desktop.app.search import Filter, SearchController, SearchState
from desktop.app.theme import Colors
from desktop.app.widgets import ChipBar, ResultDelegate, SearchField, muted_label

if TYPE_CHECKING:
    from db.reading import Library
    from db.search import Hit

#: Results laid out per turn of the event loop (more than a tall screen shows).
RESULT_BATCH = 12
HINT_TEXT = (
    "Type a few words to search every passage: an entity (UNODC), a topic "
    "(maritime piracy), or words of a paragraph.\n\n"
    "Or choose an entity or a document in the tree."
)


class SearchPane(QWidget):
    """The middle pane: what the officer searches for, and what was found."""

    open_requested = Signal(str, str)
    """Emitted with (passage id, the query that found it) when a result is opened."""
    highlighted = Signal(object)
    """Emitted with the highlighted :class:`db.search.Hit` (None when there is none)."""
    filter_removed = Signal(str)
    """Emitted with the kind of a filter the officer removed ("entity", "document", "kind")."""
    message = Signal(str, int)
    """Emitted with (a status line, how long to show it in ms)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = SearchController(None, parent=self)
        self.field = SearchField(self)
        self.field.setObjectName("search-field")
        self.kind_button = QToolButton(self)
        self.kind_button.setText("Kind ▾")
        self.kind_button.setAccessibleName("Passage kind")
        self.kind_button.setToolTip("Only passages of one kind (Search menu)")
        self.kind_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.kind_menu = QMenu("Passage &kind", self)
        self.kind_actions = []
        for value, label in (("", "Any kind"), *KIND_LABELS.items()):
            act = self.kind_menu.addAction(label)
            act.setCheckable(True)
            act.setChecked(not value)
            act.setData(value)
            act.triggered.connect(lambda _=False, v=value, lbl=label: self.set_kind_filter(v, lbl))
            self.kind_actions.append(act)
        self.kind_button.setMenu(self.kind_menu)
        self.chips = ChipBar(self)
        self.notice_label = QLabel(self)
        self.notice_label.setObjectName("results-notice")
        self.notice_label.setTextFormat(Qt.TextFormat.PlainText)
        self.notice_label.setWordWrap(True)
        self.notice_label.setStyleSheet(
            "QLabel#results-notice { border-left: 3px solid #c98a00; padding: 4px 6px; }"
        )
        self.notice_label.setVisible(False)
        self.info_label = muted_label("", self)
        self.info_label.setObjectName("results-info")
        self.results_model = ResultsModel(self)
        self.results_view = QListView(self)
        self.results_view.setObjectName("results")
        self.results_view.setAccessibleName("Search results")
        self.results_view.setModel(self.results_model)
        self.delegate = ResultDelegate(self.results_view)
        self.results_view.setItemDelegate(self.delegate)
        self.results_view.setResizeMode(QListView.ResizeMode.Adjust)
        # Each result is a laid-out rich-text snippet: lay out the first screenful at
        # once and the rest in batches from the event loop, not all before the list shows.
        self.results_view.setLayoutMode(QListView.LayoutMode.Batched)
        self.results_view.setBatchSize(RESULT_BATCH)
        self.results_view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.results_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results_view.setMouseTracking(True)
        self.results_view.setWordWrap(True)
        self.empty_label = muted_label("", self)
        self.empty_label.setObjectName("results-empty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.empty_label.setMargin(24)
        self.results_stack = QStackedWidget(self)
        self.results_stack.addWidget(self.results_view)
        self.results_stack.addWidget(self.empty_label)
        row = QHBoxLayout()
        row.setSpacing(6)
        row.addWidget(self.field, 1)
        row.addWidget(self.kind_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(row)
        layout.addWidget(self.chips)
        layout.addWidget(self.notice_label)
        layout.addWidget(self.info_label)
        layout.addWidget(self.results_stack, 1)

        self.field.textChanged.connect(self.controller.set_query)
        self.field.navigate.connect(self.navigate)
        self.field.open_current.connect(self.open_current)
        self.controller.results_ready.connect(self.show_state)
        self.controller.filters_changed.connect(self._on_filters)
        self.chips.remove_requested.connect(self.remove_filter)
        self.results_view.activated.connect(self._open_index)
        self.results_view.clicked.connect(self._open_index)
        self.results_view.selectionModel().currentChanged.connect(
            lambda current, _previous: self.highlighted.emit(current.data(HIT_ROLE))
        )
        self.show_state(SearchState(0, "", ()))

    # -- the library -------------------------------------------------------------

    def set_library(self, library: Library | None) -> None:
        """Search ``library`` from now on (None while it is closed)."""
        if library is not None:
            known = {d["id"] for d in library.documents()}
            doc_filter = self.controller.filter("document")
            if doc_filter is not None and doc_filter.value not in known:
                self.remove_filter("document")
        self.controller.set_library(library)
        state = self.controller.last_state
        if library is not None and (
            state is None or (not self.controller.query.strip() and not self.controller.filters)
        ):
            self.show_state(SearchState(self.controller.generation, self.controller.query, ()))

    def show_waiting(self, text: str) -> None:
        """Say ``text`` where the results would be."""
        self.empty_label.setText(text)
        self.results_stack.setCurrentIndex(1)

    # -- results -----------------------------------------------------------------

    def show_state(self, state: SearchState) -> None:
        """Show one search's outcome: the results, or why there are none."""
        self.results_model.set_hits(state.hits)
        self.notice_label.setText(state.notice or "")
        self.notice_label.setVisible(bool(state.notice))
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
            if state.notice:
                self.empty_label.setText("")  # the notice above says why: nothing to add
            elif state.query.strip():
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
        if not state.hits:
            self.highlighted.emit(None)

    def current_hit(self) -> Hit | None:
        """Return the highlighted result, or None."""
        if self.results_stack.currentIndex() != 0:
            return None
        return self.results_view.currentIndex().data(HIT_ROLE)

    def navigate(self, key: int) -> None:
        """Move the highlight by a Qt key (Up, Down, PageUp, PageDown)."""
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

    def open_current(self) -> None:
        """Open the highlighted result (the first when none is highlighted)."""
        index = self.results_view.currentIndex()
        if not index.isValid():
            index = self.results_model.index(0, 0)
        if index.isValid():
            self._open_index(index)

    def open_row(self, row: int) -> None:
        """Open the result in ``row``."""
        self._open_index(self.results_model.index(row, 0))

    def _open_index(self, index: QModelIndex) -> None:
        hit = index.data(HIT_ROLE)
        if hit is None or self.controller.library is None:
            return
        state = self.controller.last_state
        query = (state.corrected_query or state.query) if state else ""
        self.results_view.setCurrentIndex(index)
        self.open_requested.emit(hit.passage_id, query)

    # -- filters -----------------------------------------------------------------

    def set_filter(self, kind: str, value: str, label: str) -> None:
        """Set (or replace) the filter of ``kind``; the search runs again at once."""
        self.controller.set_filter(kind, value, label)

    def remove_filter(self, kind: str) -> None:
        """Remove the filter of ``kind`` (and say so upward)."""
        self.controller.remove_filter(kind)
        if kind == "kind":
            self._check_kind("")
        self.filter_removed.emit(kind)

    def remove_last_filter(self) -> None:
        """Remove the most recently set filter."""
        filters = self.controller.filters
        if filters:
            self.remove_filter(filters[-1].kind)

    def clear_filters(self) -> None:
        """Remove every filter."""
        kinds = [f.kind for f in self.controller.filters]
        self.controller.clear_filters()
        for kind in kinds:
            self.filter_removed.emit(kind)

    def set_date_filter(self, date_from: str, date_to: str) -> None:
        """Only passages of documents dated in [date_from, date_to] ("" leaves a side open).

        Raises:
            ValueError: A date is not an ISO date (2022-11-21), or the range is empty.
        """
        start = dt.date.fromisoformat(date_from.strip()) if date_from.strip() else None
        end = dt.date.fromisoformat(date_to.strip()) if date_to.strip() else None
        if start and end and start > end:
            raise ValueError(f"{start.isoformat()} is after {end.isoformat()}")
        if start is None and end is None:
            self.remove_filter("date")
            return
        a, b = (start.isoformat() if start else ""), (end.isoformat() if end else "")
        label = f"Dates: {a or '…'} – {b or '…'}"
        self.controller.set_filter("date", f"{a}..{b}", label)

    def choose_dates(self) -> None:
        """Ask for a date range and filter the results by it."""
        current = self.controller.filter("date")
        start, _, end = current.value.partition("..") if current else ("", "", "")
        dialog = DateRangeDialog(start, end, self)
        if dialog.exec() == DateRangeDialog.DialogCode.Accepted:
            self.apply_dates(dialog.date_from.text(), dialog.date_to.text())
        dialog.deleteLater()

    def apply_dates(self, date_from: str, date_to: str) -> bool:
        """Filter by documents dated in the range; say in one line what was wrong."""
        try:
            self.set_date_filter(date_from, date_to)
        except ValueError as exc:
            self.message.emit(f"Not a date range: {exc} (write 2022-11-21).", 8000)
            return False
        return True

    def set_kind_filter(self, value: str, label: str) -> None:
        """Restrict results to one passage kind ("" for any)."""
        self._check_kind(value)
        if value:
            self.controller.set_filter("kind", value, label)
        else:
            self.controller.remove_filter("kind")

    def _check_kind(self, value: str) -> None:
        for act in self.kind_actions:
            act.setChecked(act.data() == value)

    def _on_filters(self, filters: tuple[Filter, ...]) -> None:
        self.chips.set_filters(filters)
        if "kind" not in {f.kind for f in filters}:
            self._check_kind("")

    # -- looks -------------------------------------------------------------------

    def set_result_font(self, font: QFont) -> None:
        """Show results in ``font`` (zoom)."""
        self.results_view.setFont(font)
        self.delegate.clear_cache()
        self.results_view.doItemsLayout()

    def set_colors(self, colors: Colors) -> None:
        """Paint results with another theme's colours."""
        self.delegate.set_colors(colors)
        self.results_view.doItemsLayout()
        self.results_view.viewport().update()

    # -- recent searches ---------------------------------------------------------

    def recent_menu(self, queries: Sequence[str]) -> QMenu:
        """Return a menu of ``queries`` (the recent searches); choosing one searches it again."""
        menu = QMenu("Recent searches", self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        for query in queries:
            action = menu.addAction(query.replace("&", "&&"))
            action.triggered.connect(lambda _=False, q=query: self.search_again(q))
        if not queries:
            menu.addAction("No recent searches yet").setEnabled(False)
        return menu

    def show_recent(self, queries: Sequence[str]) -> None:
        """Show the recent searches under the search field (Ctrl+R)."""
        self.recent_menu(queries).popup(self.field.mapToGlobal(self.field.rect().bottomLeft()))

    def search_again(self, query: str) -> None:
        """Search ``query`` now (no typing pause) and put the caret back in the field."""
        self.field.setText(query)
        self.controller.run_now()
        self.field.setFocus()

    def focus_field(self) -> None:
        """Focus the search field, its text selected."""
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()
