"""What the viewer shows: the open document, the chosen passage, and the history of both.

:class:`Reader` is a plain QObject over the library. It fetches a document
(cached), asks the library which passages of it match the current query (to
mark the terms everywhere), renders with :func:`desktop.app.viewer.render_document`,
and emits :attr:`Reader.changed`. The widget only displays.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from desktop.app.theme import LIGHT_COLORS, Colors
from desktop.app.viewer import passage_anchor, render_document

if TYPE_CHECKING:
    from db.reading import Library

MAX_DOCUMENT_HITS = 1000


@dataclass(frozen=True)
class Location:
    """A place in the corpus: a document, maybe one passage, and the query that found it."""

    document_id: str
    passage_id: str | None = None
    query: str = ""


class History:
    """Back and forward through viewed locations, like a browser."""

    def __init__(self) -> None:
        self._items: list[Location] = []
        self._index = -1

    @property
    def current(self) -> Location | None:
        """The location shown now."""
        return self._items[self._index] if self._index >= 0 else None

    def push(self, loc: Location) -> None:
        """Record a newly viewed location (dropping the forward list)."""
        if self.current == loc:
            return
        del self._items[self._index + 1 :]
        self._items.append(loc)
        self._index = len(self._items) - 1

    def replace(self, loc: Location) -> None:
        """Replace the current location (the same place, marked for another query)."""
        if self._index >= 0:
            self._items[self._index] = loc

    def can_back(self) -> bool:
        """Whether there is somewhere to go back to."""
        return self._index > 0

    def can_forward(self) -> bool:
        """Whether there is somewhere to go forward to."""
        return self._index < len(self._items) - 1

    def retain(self, keep: Callable[[Location], bool]) -> None:
        """Forget every location ``keep`` refuses (in a removed document).

        When the current location goes, the one before it becomes current (or
        none, with the later ones still reachable by :meth:`forward`).
        """
        items: list[Location] = []
        index = -1
        for i, loc in enumerate(self._items):
            if keep(loc) and (not items or items[-1] != loc):
                items.append(loc)
            if i == self._index:
                index = len(items) - 1
        self._items, self._index = items, index

    def back(self) -> Location | None:
        """Step back and return the location, or None."""
        if not self.can_back():
            return None
        self._index -= 1
        return self.current

    def forward(self) -> Location | None:
        """Step forward and return the location, or None."""
        if not self.can_forward():
            return None
        self._index += 1
        return self.current


class Reader(QObject):
    """Holds and renders the viewer's location.

    Args:
        library: The open library (None until it is open).
        parent: The QObject parent.
    """

    changed = Signal()
    """Emitted after :attr:`html` (and the location) changed."""
    history_changed = Signal(bool, bool)
    """Emitted with (can go back, can go forward)."""

    def __init__(self, library: Library | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.history = History()
        self.colors: Colors = LIGHT_COLORS
        self.html = ""
        self.anchor: str | None = None
        self.document: dict[str, Any] | None = None
        self.passage: dict[str, Any] | None = None
        self.query = ""
        self._documents: dict[str, dict[str, Any]] = {}
        self._mentions: dict[str, dict[str, list[dict[str, Any]]]] = {}
        self._references: dict[str, dict[str, list[dict[str, Any]]]] = {}
        self._cited: dict[str, list[dict[str, Any]]] | None = None
        self._new_since: dict[str, tuple[str, dict[str, str]]] = {}

    def set_library(self, library: Library | None) -> None:
        """Read another library (reopened after an import or removal), or none for a while.

        Locations in documents the new library no longer holds are dropped from
        the history; the current one is shown again from the new library, or the
        viewer is cleared when its document is gone. With None (the library is
        closed while a job changes it) nothing can be opened until the next call.
        """
        if library is None:
            self.library = None
            return
        self.library = library
        self._documents.clear()
        self._mentions.clear()
        self._references.clear()
        self._cited = None
        self._new_since.clear()
        known = {d["id"] for d in library.documents()}
        self.history.retain(lambda loc: loc.document_id in known)
        current = self.history.current
        if current is not None:
            self._show(current)
        elif self.document is not None:
            self.clear()

    def clear(self) -> None:
        """Show nothing (and emit :attr:`changed`)."""
        self.html = ""
        self.anchor = None
        self.document = None
        self.passage = None
        self.query = ""
        self.changed.emit()
        self.history_changed.emit(self.history.can_back(), self.history.can_forward())

    # -- navigation ----------------------------------------------------------

    def open_passage(self, passage_id: str, query: str = "") -> None:
        """Show the document holding ``passage_id``, scrolled to it and marked."""
        if self.library is None:
            return
        document_id = self.library.passage(passage_id)["document_id"]
        self._go(Location(document_id, passage_id, query))

    def open_document(self, document_id: str, query: str = "") -> None:
        """Show a document from its top."""
        if self.library is None:
            return
        self._go(Location(document_id, None, query))

    def back(self) -> None:
        """Show the previous location."""
        if self.library is None:
            return
        loc = self.history.back()
        if loc is not None:
            self._show(loc)

    def forward(self) -> None:
        """Show the next location."""
        if self.library is None:
            return
        loc = self.history.forward()
        if loc is not None:
            self._show(loc)

    def set_query(self, query: str) -> None:
        """Mark ``query``'s terms in the location shown ("" removes the marks)."""
        current = self.history.current
        if current is None or current.query == query:
            return
        self.history.replace(Location(current.document_id, current.passage_id, query))
        self._show(self.history.current)

    def set_colors(self, colors: Colors) -> None:
        """Re-render with another theme's colours."""
        self.colors = colors
        if self.history.current is not None:
            self._show(self.history.current)

    def _go(self, loc: Location) -> None:
        self.history.push(loc)
        self._show(loc)

    # -- rendering -----------------------------------------------------------

    def load_document(self, document_id: str) -> dict[str, Any]:
        """Return a document with its passages (cached)."""
        assert self.library is not None
        if document_id not in self._documents:
            self._documents[document_id] = self.library.document(document_id)
        return self._documents[document_id]

    def mentions(self, document_id: str) -> dict[str, list[dict[str, Any]]]:
        """Return entity mentions per passage of a document (cached)."""
        assert self.library is not None
        if document_id not in self._mentions:
            doc = self.load_document(document_id)
            self._mentions[document_id] = {
                p["id"]: self.library.mentions(p["id"]) for p in doc["passages_list"]
            }
        return self._mentions[document_id]

    def references(self, document_id: str) -> dict[str, list[dict[str, Any]]]:
        """Return the references each passage of a document makes (cached)."""
        assert self.library is not None
        if document_id not in self._references:
            by_passage: dict[str, list[dict[str, Any]]] = {}
            for r in self.library.references(document_id):
                by_passage.setdefault(r["passage_id"], []).append(r)
            self._references[document_id] = by_passage
        return self._references[document_id]

    def reference(self, passage_id: str, start: int) -> dict[str, Any] | None:
        """Return the reference starting at ``start`` in ``passage_id`` (of a rendered document)."""
        if self.library is None:
            return None
        document_id = self.library.passage(passage_id)["document_id"]
        refs = self.references(document_id).get(passage_id, ())
        return next((r for r in refs if int(r["start"]) == start), None)

    def cited_by(self, document_id: str) -> dict[str, list[dict[str, Any]]]:
        """Return the references citing each passage of a document (key ``""``: the document).

        A reference to a paragraph counts for that paragraph; one to the document as a
        whole (no paragraph, or a paragraph not found) counts for the document.
        """
        assert self.library is not None
        if self._cited is None:
            cited: dict[str, list[dict[str, Any]]] = {}
            for r in self.library.references():
                if r["target_passage_id"]:
                    cited.setdefault(r["target_passage_id"], []).append(r)
                elif r["target_document_id"]:
                    cited.setdefault("doc:" + r["target_document_id"], []).append(r)
            self._cited = cited
        doc = self.load_document(document_id)
        out = {
            p["id"]: self._cited[p["id"]] for p in doc["passages_list"] if p["id"] in self._cited
        }
        whole = self._cited.get("doc:" + document_id)
        if whole:
            out[""] = whole
        return out

    def new_since(self, document_id: str) -> tuple[str, dict[str, str]]:
        """Return (the predecessor's symbol, what is new since it) for a document (cached)."""
        assert self.library is not None
        if document_id not in self._new_since:
            old = self.library.predecessor(document_id)
            if old is None:
                self._new_since[document_id] = ("", {})
            else:
                label = self.load_document(old).get("symbol") or old
                self._new_since[document_id] = (
                    label,
                    self.library.new_since(document_id, old),
                )
        return self._new_since[document_id]

    def highlights(self, document_id: str, query: str) -> dict[str, list[tuple[int, int]]]:
        """Return the query's match spans for every passage of the document that matches it."""
        if not query.strip() or self.library is None:
            return {}
        result = self.library.search(query, limit=MAX_DOCUMENT_HITS, document=document_id)
        return {h.passage_id: list(h.highlights) for h in result.hits}

    def _show(self, loc: Location) -> None:
        if self.library is None:
            return
        doc = self.load_document(loc.document_id)
        self.document = doc
        self.passage = next((p for p in doc["passages_list"] if p["id"] == loc.passage_id), None)
        self.query = loc.query
        since_label, since = self.new_since(loc.document_id)
        self.html = render_document(
            doc,
            current=loc.passage_id,
            highlights=self.highlights(loc.document_id, loc.query),
            mentions=self.mentions(loc.document_id),
            colors=self.colors,
            references=self.references(loc.document_id),
            cited_by=self.cited_by(loc.document_id),
            new_since=since,
            new_since_label=since_label,
        )
        self.anchor = (
            passage_anchor(self._scroll_target(doc, loc.passage_id)) if loc.passage_id else None
        )
        self.changed.emit()
        self.history_changed.emit(self.history.can_back(), self.history.can_forward())

    @staticmethod
    def _scroll_target(doc: dict[str, Any], passage_id: str) -> str:
        """Return where to scroll for a passage: a sub-paragraph shows its lead-in first.

        "17. Encourages … the following:" introduces 17(a)–(e); opening 17(b) at its
        own line would cut that lead-in off above it.
        """
        passage = next((p for p in doc["passages_list"] if p["id"] == passage_id), None)
        if passage is None or passage["kind"] != "subparagraph" or not passage["number"]:
            return passage_id
        parent = str(passage["number"]).split("(")[0]
        lead = next(
            (
                p["id"]
                for p in doc["passages_list"]
                if p["kind"] == "operative" and str(p["number"]) == parent
            ),
            None,
        )
        return lead or passage_id

    # -- what the officer copies ----------------------------------------------

    def footnotes(self) -> dict[str, str]:
        """Return the open document's footnote texts by number (as strings)."""
        if not self.document:
            return {}
        return {
            str(f["number"]): f"{f['number']}. {f['text']}"
            for f in self.document.get("footnotes") or []
        }

    def citation(self) -> str | None:
        """Return the chosen passage's citation."""
        if self.passage:
            return self.passage["citation"]
        if self.document:
            return self.document.get("symbol") or self.document.get("title")
        return None

    def passage_with_citation(self) -> str | None:
        """Return the chosen passage's text followed by its citation."""
        if not self.passage:
            return None
        return f"{self.passage['text']}\n— {self.passage['citation']}"

    def source(self) -> tuple[str, list[tuple[int, int]], tuple[int, int] | None] | None:
        """Return the raw source text, the chosen passage's segments and its span."""
        if not self.document or self.library is None:
            return None
        text = self.library.source_text(self.document["id"])
        if not self.passage:
            return text, [], None
        segments = [(int(s), int(e)) for s, e in self.passage.get("segments") or []]
        span = (int(self.passage["span_start"]), int(self.passage["span_end"]))
        return text, segments or [span], span
