"""The search controller: debounced queries, filters, and generation-tagged results.

A plain QObject, no widgets. The officer's typing calls :meth:`SearchController.set_query`;
a short single-shot timer waits for a pause, then the search runs in the GUI
thread (it takes milliseconds). Every request carries a generation number and
:meth:`SearchController.deliver` drops any result older than the newest request,
so a stale result can never replace a newer one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from db.errors import LiaisonError

if TYPE_CHECKING:
    from db.reading import Library
    from db.search import Hit

DEBOUNCE_MS = 150
RESULT_LIMIT = 60
FILTER_KINDS = ("entity", "document", "kind", "date")


@dataclass(frozen=True)
class Filter:
    """One active restriction, shown as a removable chip.

    Attributes:
        kind: "entity", "document", "kind" or "date".
        value: The entity id, document id, passage kind, or "FROM..TO" (ISO dates, either
            side may be empty).
        label: What the chip says.
    """

    kind: str
    value: str
    label: str


@dataclass(frozen=True)
class SearchState:
    """What the results pane shows after one request.

    Attributes:
        generation: The request's generation number.
        query: The text searched for.
        filters: The filters in force.
        hits: The hits, best first (empty when nothing matched or nothing was asked).
        corrected_query: The query actually searched, when a typo was corrected.
        notice: One sentence on a reference the library cannot answer ("A/RES/77/20 has
            no operative paragraph 30 …"), shown above the results.
        error: A one-line message when the search failed.
    """

    generation: int
    query: str
    filters: tuple[Filter, ...]
    hits: tuple[Hit, ...] = ()
    corrected_query: str | None = None
    notice: str | None = None
    error: str | None = None

    @property
    def idle(self) -> bool:
        """True when nothing was typed and no filter is set (show the hint)."""
        return not self.query.strip() and not self.filters


class SearchController(QObject):
    """Runs searches against a :class:`db.reading.Library` as the officer types.

    Args:
        library: The open library, or None until it is open (requests wait for it).
        parent: The QObject parent.

    Attributes:
        context_document: The document open in the viewer: a shorthand reference
            ("OP 17") without a symbol resolves against it.
    """

    results_ready = Signal(object)
    """Emitted with a :class:`SearchState` for the newest request."""
    filters_changed = Signal(object)
    """Emitted with the tuple of active :class:`Filter` objects."""

    def __init__(self, library: Library | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.context_document: str | None = None
        self._query = ""
        self._filters: dict[str, Filter] = {}
        self._generation = 0
        self.last_state: SearchState | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.run_now)

    def set_library(self, library: Library | None) -> None:
        """Search another library from now on (None: none is open; requests wait).

        The current query and filters are searched again at once in the new library.
        """
        self.library = library
        if library is not None and (self._query.strip() or self._filters):
            self._generation += 1
            self.run_now()

    # -- state ---------------------------------------------------------------

    @property
    def query(self) -> str:
        """The latest query text."""
        return self._query

    @property
    def generation(self) -> int:
        """The newest request's generation number."""
        return self._generation

    @property
    def filters(self) -> tuple[Filter, ...]:
        """The active filters, in the order they were set."""
        return tuple(self._filters.values())

    def filter(self, kind: str) -> Filter | None:
        """Return the active filter of ``kind``, or None."""
        return self._filters.get(kind)

    # -- requests ------------------------------------------------------------

    def set_query(self, text: str) -> int:
        """Record a new query and (re)start the debounce timer.

        Returns:
            The generation number of this request.
        """
        self._query = text
        self._generation += 1
        self.timer.start()
        return self._generation

    def set_filter(self, kind: str, value: str, label: str) -> None:
        """Set (or replace) the filter of ``kind`` and search at once.

        Raises:
            ValueError: ``kind`` is not one of :data:`FILTER_KINDS`.
        """
        if kind not in FILTER_KINDS:
            raise ValueError(f"unknown filter kind {kind!r}")
        new = Filter(kind, value, label)
        if self._filters.get(kind) == new:
            return
        self._filters.pop(kind, None)
        self._filters[kind] = new
        self._filters_changed()

    def remove_filter(self, kind: str) -> None:
        """Remove the filter of ``kind`` (if set) and search at once."""
        if self._filters.pop(kind, None) is not None:
            self._filters_changed()

    def remove_last_filter(self) -> None:
        """Remove the most recently set filter."""
        if self._filters:
            self.remove_filter(next(reversed(self._filters)))

    def clear_filters(self) -> None:
        """Remove every filter and search at once."""
        if self._filters:
            self._filters.clear()
            self._filters_changed()

    def _filters_changed(self) -> None:
        self.filters_changed.emit(self.filters)
        self._generation += 1
        self.run_now()

    def run_now(self) -> None:
        """Run the newest request now (cancelling the debounce wait), or once a library is open."""
        self.timer.stop()
        if self.library is None:
            return
        generation = self._generation
        self.deliver(self.execute(generation, self._query, self.filters))

    def execute(self, generation: int, query: str, filters: tuple[Filter, ...]) -> SearchState:
        """Run one search and return its state (no signal)."""
        if not query.strip() and not filters:
            return SearchState(generation, query, filters)
        kwargs: dict[str, Any] = {f.kind: f.value for f in filters if f.kind != "date"}
        for f in filters:
            if f.kind == "date":  # "FROM..TO", either side may be empty
                date_from, _, date_to = f.value.partition("..")
                kwargs["date_from"], kwargs["date_to"] = date_from or None, date_to or None
        assert self.library is not None
        try:
            result = self.library.search(
                query, limit=RESULT_LIMIT, context_document=self.context_document, **kwargs
            )
        except LiaisonError as exc:
            return SearchState(generation, query, filters, error=str(exc))
        return SearchState(
            generation,
            query,
            filters,
            hits=tuple(result.hits),
            corrected_query=result.corrected_query,
            notice=result.notice,
        )

    def deliver(self, state: SearchState) -> bool:
        """Publish ``state`` unless a newer request was made since it started.

        Returns:
            True when the state was published, False when it was stale.
        """
        if state.generation != self._generation:
            return False
        self.last_state = state
        self.results_ready.emit(state)
        return True
