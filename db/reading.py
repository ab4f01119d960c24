"""Reading a built store: the :class:`Library` object, and opening a store that needs nothing.

The read side of :mod:`db`. :func:`open_fresh` opens the library when its store is
fresh and nothing is left to settle (no import, removal or build cut short, a sound
library record, no leftovers of a killed build); it checks with :mod:`db.freshness`
and imports neither the builder, the extractors nor the parsers. Anything else,
building or repairing included, goes through :func:`db.library.open_library`, the
write side, which a start whose store is fresh never loads.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from db import paths
from db.citations import (
    DEFAULT_STYLE,
    Citation,
    CitedDocument,
    anchored,
    check_style,
    quotation,
)
from db.compare import Pair, align, propose_predecessor, to_markdown
from db.compare_export import write_docx as write_comparison_docx
from db.crossrefs import KIND_LABELS, parse_symbol
from db.entities import TREES, Gazetteer, Node
from db.errors import (
    LiaisonError,
    NotFoundError,
    QueryError,
    StoreError,
)
from db.freshness import leftover_stores, pending_change, store_state, verify_manifest
from db.index import INDEX_DIRNAME, Vocabulary, open_index
from db.kinds import NUMBERED_KINDS
from db.originals import check_library, list_imports, pending_addition, record_needs_migration
from db.query import QueryPlanner, ReferenceIndex, load_synonyms
from db.search import Filters, SearchEngine, SearchResult
from db.semantic import VECTORS_NAME, MeaningSearch, dictionary_word
from db.sentences import ENTITY_VECTORS_NAME, SentenceSearch
from db.store import Store


@dataclass
class OpenReport:
    """What :func:`open_library` had to do before the library was usable."""

    store_dir: Path
    state: str
    rebuilt: bool = False
    message: str | None = None


class Library:
    """The read-only corpus: documents, passages and search."""

    def __init__(self, store_dir: Path, report: OpenReport | None = None) -> None:
        self.store_dir = store_dir
        # The index's table of contents is a pickle: nothing of the store is opened
        # until every file matches its manifest (by its stat where it was written, by
        # its SHA-256 elsewhere; unpickling is restricted as well).
        problems = verify_manifest(store_dir)
        if problems:
            raise StoreError(
                f"the store at {store_dir} does not match its manifest ({'; '.join(problems[:3])})"
            )
        self.store = Store.open(store_dir)
        try:
            self.index = open_index(store_dir / INDEX_DIRNAME)
        except Exception as exc:  # whoosh raises many types for a broken index
            self.store.close()
            raise StoreError(f"the search index is damaged ({exc.__class__.__name__})") from exc
        self.report = report or OpenReport(store_dir, "fresh")
        self._gazetteer: Gazetteer | None = None
        self._mentioned: dict[str, set[str]] | None = None
        self.engine = SearchEngine(
            self.index,
            self.store,
            meaning=MeaningSearch(store_dir / VECTORS_NAME),
            sentences=SentenceSearch(self.store, entity_vectors=store_dir / ENTITY_VECTORS_NAME),
        )
        self.engine.planner = self._planner()

    def _planner(self) -> QueryPlanner:
        symbols: dict[str, str] = {}
        numbered: list[tuple[str, str, str, str]] = []
        for d in self.store.documents():
            sym = d.get("symbol")
            if sym:
                symbols[sym.lower()] = d["id"]
                number = d["meta"].get("resolution_number")
                if number:
                    symbols.setdefault(number.lower(), d["id"])
            if d["kind"] in NUMBERED_KINDS:
                numbered.append((d["id"], sym or d["title"], d["date"] or "", d["kind"]))
        ids = [r[0] for r in numbered]
        return QueryPlanner(
            gazetteer=self.gazetteer,
            synonyms=load_synonyms(paths.resources_dir() / "search" / "synonyms.toml"),
            symbols=symbols,
            references=ReferenceIndex(numbered, lambda: self.store.numbered_passages(ids)),
            vocabulary=Vocabulary(self.engine.searcher.reader()),
            dictionary=dictionary_word,
        )

    def prepare(self) -> None:
        """Read now what the first search would otherwise stop to read.

        The meaning stage's token table, the store's passage vectors, the sentence
        encoder and the entities' description vectors take a second or so to load; the
        window calls this on a background thread once the library is open, so that the
        officer's first search does not wait for them (a search made while they load waits
        for the same load, never a second one).
        """
        if self.engine.meaning is not None:
            self.engine.meaning.vectors()
        if self.engine.sentences is not None:
            self.engine.sentences.encoder()
            self.engine.sentences.descriptions()

    def close(self) -> None:
        """Close the index and the database."""
        self.engine.close()
        self.index.close()
        self.store.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading -------------------------------------------------------------

    def documents(self) -> list[dict[str, Any]]:
        """Return every document with its sources and passage count."""
        return self.store.documents()

    def document(self, document_id: str) -> dict[str, Any]:
        """Return one document with its passages and footnotes.

        Besides the record's fields (see :meth:`db.store.Store.document`, including
        ``notes``: the catalog's notes on its captures, for the viewer's header), it has
        ``passages_list`` (each passage as :meth:`passage` returns it) and ``footnotes``.

        Raises:
            NotFoundError: No document has that id.
        """
        doc = self.store.document(document_id)
        doc["passages_list"] = self.store.passages(document_id)
        doc["footnotes"] = self.store.footnotes(document_id)
        return doc

    def source_text(self, document_id: str) -> str:
        """Return the primary source text of a document."""
        return self.store.source_text(document_id)

    def passage(self, passage_id: str) -> dict[str, Any]:
        """Return one passage.

        Its ``number`` is the number as printed in a resolution (``"17(a)"``, ``"9"`` for
        preambular paragraph 9, ``"2"`` for footnote 2) and, in a web page or plain
        document, the passage's position within its section (paragraphs and list items
        counted separately), the number its citation gives ("para. 3", "item 2"), for a
        viewer to print in the margin. None for unnumbered text.

        Raises:
            NotFoundError: No passage has that id.
        """
        return self.store.passage(passage_id)

    # -- citations -----------------------------------------------------------

    def citation(self, passage_id: str, *, style: str = DEFAULT_STYLE) -> str:
        """Return how a passage is cited, in plain text.

        Args:
            passage_id: The passage (``a-res-77-20:op17a``).
            style: ``"short"`` (``A/RES/77/20, para. 17(a)``) or ``"full"`` (``General
                Assembly resolution 77/20 of 21 November 2022, para. 17(a)``); see
                :data:`db.citations.CITATION_STYLES`.

        Raises:
            NotFoundError: No passage has that id.
            QueryError: ``style`` is not a citation style.
        """
        return self.cite(passage_id, style=style).plain

    def citation_html(self, passage_id: str, *, style: str = DEFAULT_STYLE) -> str:
        """Return the citation as HTML: the same words, a web page's title in italics.

        Raises:
            NotFoundError: No passage has that id.
            QueryError: ``style`` is not a citation style.
        """
        return self.cite(passage_id, style=style).html

    def cite(self, passage_id: str, *, style: str = DEFAULT_STYLE) -> Citation:
        """Return the citation of a passage as a :class:`~db.citations.Citation` (plain, html).

        Raises:
            NotFoundError: No passage has that id.
            QueryError: ``style`` is not a citation style.
        """
        try:
            check_style(style)
        except ValueError as exc:
            raise QueryError(str(exc)) from exc
        p = self.store.passage(passage_id)
        doc = self.store.document(p["document_id"])
        after = None
        if p["number"] is None and p["kind"] == "paragraph" and doc["kind"] == "resolution":
            after = self.store.operative_number_before(p["document_id"], p["seq"])
        heading_path = p["heading_path"]
        section = heading_path[-1] if heading_path and doc["kind"] != "resolution" else None
        return anchored(
            p["citation"],
            CitedDocument.from_record(doc),
            kind=p["kind"],
            number=p["number"],
            section=section,
            after=after,
            style=style,
        )

    def quotation(
        self,
        passage_id: str,
        *,
        style: str = DEFAULT_STYLE,
        start: int | None = None,
        end: int | None = None,
    ) -> Citation:
        """Return a passage, or the part of it an officer selected, quoted with its citation.

        For "Copy passage with citation" and "Copy selection with citation": the plain
        form is ``“quoted words”`` then ``— citation`` on a new line; the HTML form keeps
        the passage's italics (an operative paragraph's opening verb) and the citation's.

        Args:
            passage_id: The passage.
            style: A citation style (:data:`db.citations.CITATION_STYLES`).
            start: Where the selection starts in the passage's ``text`` (None: its start).
            end: Where it ends (None: the passage's end).

        Raises:
            NotFoundError: No passage has that id.
            QueryError: ``style`` is not a citation style, or the selection is empty or
                outside the passage.
        """
        p = self.store.passage(passage_id)
        text = p["text"]
        lo = 0 if start is None else start
        hi = len(text) if end is None else end
        if not 0 <= lo < hi <= len(text):
            raise QueryError(f"the selection {lo}–{hi} is not inside passage {passage_id!r}")
        italic = [
            (m["start"] - lo, m["end"] - lo)
            for m in p["markup"]
            if m["kind"] == "em" and m["end"] > lo and m["start"] < hi
        ]
        words = text[lo:hi]
        stripped = words.strip()
        shift = len(words) - len(words.lstrip())
        italic = [(s - shift, e - shift) for s, e in italic]
        return quotation(stripped, self.cite(passage_id, style=style), italic=italic)

    def summary(self) -> dict[str, Any]:
        """Return counts and build facts for a status line."""
        meta = self.store.meta()
        return {
            **self.store.counts(),
            "sentence_passages": self.store.clause_vector_counts()[0],
            "built_at": meta.get("built_at"),
            "store_dir": str(self.store_dir),
        }

    # -- entities ------------------------------------------------------------

    @property
    def gazetteer(self) -> Gazetteer:
        """The gazetteer as recorded in the store (the trees the store was linked with)."""
        if self._gazetteer is None:
            nodes = []
            for r in self.store.entities():
                nodes.append(
                    Node(
                        id=r["id"],
                        tree=r["tree"],
                        name=r["name"],
                        acronyms=r["acronyms"],
                        aliases=r["aliases"],
                        former_names=r["former_names"],
                        category=r["category"],
                        parent=r["parent"],
                        status=r["status"],
                        closed=r["closed"],
                        description=r["description"] or "",
                        note=r["note"],
                        seq=r["seq"],
                    )
                )
            self._gazetteer = Gazetteer(nodes)
        return self._gazetteer

    def _mentioned_by(self) -> dict[str, set[str]]:
        if self._mentioned is None:
            self._mentioned = self.store.linked_passage_ids()
        return self._mentioned

    def entity_passage_ids(self, entity_id: str) -> frozenset[str]:
        """Return the passages linked to the entity or any entity below it.

        A passage is linked to an entity it mentions and to the organ that issued its
        document (choosing the General Assembly lists its resolutions' passages too):
        the passages :meth:`search` with ``entity`` lists.
        """
        mentioned = self._mentioned_by()
        ids: set[str] = set()
        for nid in self.gazetteer.descendants(entity_id):
            ids |= mentioned.get(nid, set())
        return frozenset(ids)

    def entity_tree(self, tree: str = "un") -> list[dict[str, Any]]:
        """Return a tree as a flat list of nodes, parents first, with passage counts.

        Each node: ``id, name, acronyms, aliases, former_names, category, parent,
        status, closed, description, passages`` (passages linked to it: mentioning it,
        or in a document it issued) and ``total`` (including its descendants).

        Raises:
            QueryError: ``tree`` is not one of ``un``, ``capabilities``, ``themes``.
        """
        if tree not in TREES:
            raise QueryError(f"unknown tree {tree!r} (choose from {', '.join(TREES)})")
        mentioned = self._mentioned_by()
        out = []
        for node in self.gazetteer.tree(tree):
            d = node.to_dict()
            d["passages"] = len(mentioned.get(node.id, ()))
            d["total"] = len(self.entity_passage_ids(node.id))
            out.append(d)
        return out

    def entity(self, name: str, *, limit: int = 1000) -> dict[str, Any]:
        """Return the node named by an id, name, acronym, alias or former name, with its passages.

        Raises:
            NotFoundError: Nothing in the gazetteer has that name.
        """
        node = self.gazetteer.resolve(name)
        if node is None:
            raise NotFoundError(f"no entity, capability or theme named {name!r}")
        d = node.to_dict()
        mentioned = self._mentioned_by()
        d["passages_count"] = len(mentioned.get(node.id, ()))
        d["total"] = len(self.entity_passage_ids(node.id))
        d["hits"] = self.search("", limit=limit, entity=node.id).hits
        return d

    def mentions(self, passage_id: str) -> list[dict[str, Any]]:
        """Return ``[{entity_id, tree, start, end, surface}]`` for one passage."""
        return self.store.mentions(passage_id)

    # -- references ----------------------------------------------------------

    @staticmethod
    def _reference(row: dict[str, Any]) -> dict[str, Any]:
        return {
            **row,
            "label": KIND_LABELS.get(row["kind"], row["kind"]),
            "in_library": row["target_document_id"] is not None,
        }

    def references(self, document_id: str | None = None) -> list[dict[str, Any]]:
        """Return the references made in one document (or all), in reading order.

        Each: ``passage_id, document_id, start, end, surface, citation`` (of the citing
        passage), ``target`` (the UN symbol), ``kind``, ``label``, ``year``, ``paragraph``,
        ``in_library``, ``target_document_id`` and ``target_passage_id`` (None when the
        document or the paragraph is not in the library).

        Raises:
            NotFoundError: No document has that id.
        """
        if document_id is not None:
            self.store.document(document_id)
        return [self._reference(r) for r in self.store.references(document_id=document_id)]

    def cited_by(self, target: str) -> list[dict[str, Any]]:
        """Return the references (as in :meth:`references`) that cite ``target``.

        Args:
            target: A passage id (references resolving to that paragraph), a document id
                (references to that document), or a symbol as typed (``75/10``,
                ``A/RES/75/10``, ``S/RES/1950 (2010)``), in the library or not; a symbol with
                a paragraph (``77/20, para. 12``) means references to that paragraph.

        Raises:
            QueryError: ``target`` is no passage id, document id or symbol.
        """
        target = target.strip()
        passage = self.store.passages_by_id([target]).get(target)
        document_ids = {d["id"]: d["symbol"] for d in self.store.documents()}
        if passage is not None or target in document_ids:
            # Only symbols are cited: look up the document's symbol, then keep the
            # references that resolve to this document (or paragraph).
            doc_id = passage["document_id"] if passage else target
            symbol = document_ids.get(doc_id)
            rows = self.store.references(target=symbol) if symbol else []
            key, value = (
                ("target_passage_id", target) if passage else ("target_document_id", doc_id)
            )
            rows = [r for r in rows if r[key] == value]
        else:
            ref = parse_symbol(target)
            if ref is None:
                raise QueryError(
                    f"{target!r} is not a document symbol, document id or passage id "
                    "(try A/RES/77/20, 75/10 or S/RES/1950 (2010))"
                )
            rows = self.store.references(target=ref.target)
            if ref.paragraph is not None:
                rows = [r for r in rows if r["paragraph"] == ref.paragraph]
        return [self._reference(r) for r in rows]

    def instrument(self, symbol: str) -> dict[str, Any]:
        """Return what a card about one cited instrument shows.

        Args:
            symbol: The symbol as typed or as stored (``A/RES/51/1``, ``51/1``).

        Returns:
            ``target, kind, label, year`` (the latest a citing text states), ``in_library``,
            ``target_document_id`` and ``cited_by`` (the references to it, as in
            :meth:`references`).

        Raises:
            QueryError: ``symbol`` is not one symbol.
        """
        ref = parse_symbol(symbol)
        if ref is None:
            raise QueryError(f"{symbol!r} is not a document symbol (try A/RES/51/1 or 51/1)")
        rows = [self._reference(r) for r in self.store.references(target=ref.target)]
        doc_ids = [d["id"] for d in self.store.documents() if d["symbol"] == ref.target]
        years = [r["year"] for r in rows if r["year"] is not None]
        return {
            "target": ref.target,
            "kind": ref.kind,
            "label": KIND_LABELS[ref.kind],
            "year": max(years) if years else ref.year,
            "in_library": bool(doc_ids),
            "target_document_id": doc_ids[0] if doc_ids else None,
            "cited_by": rows,
        }

    def instruments(self) -> list[dict[str, Any]]:
        """Return every instrument cited in the library, once, for a References listing.

        Each: ``target, kind, label, year, references`` (how many references),
        ``passages`` and ``documents`` (how many cite it), ``in_library`` and
        ``target_document_id``. Sorted by kind (in :data:`db.crossrefs.REFERENCE_KINDS`
        order), then by symbol.
        """
        order = {k: i for i, k in enumerate(KIND_LABELS)}
        rows = [self._reference(r) for r in self.store.reference_targets()]
        return sorted(rows, key=lambda r: (order.get(r["kind"], len(order)), _natural(r["target"])))

    # -- comparison ----------------------------------------------------------

    def compare(self, old_id: str, new_id: str) -> list[Pair]:
        """Align two documents' passages by content (see :func:`db.compare.align`).

        Returns:
            One :class:`~db.compare.Pair` per passage of either document, with passage ids,
            in the new document's order.

        Raises:
            NotFoundError: Either document does not exist.
        """
        old = self.store.passages(old_id)
        new = self.store.passages(new_id)
        return align(old, new)

    def predecessor(self, document_id: str) -> str | None:
        """Propose the earlier document of the same kind on the same agenda item, or None.

        Raises:
            NotFoundError: No document has that id.
        """
        doc = self.store.document(document_id)
        return propose_predecessor(doc, self.store.documents())

    def new_since(self, document_id: str, old_id: str | None = None) -> dict[str, str]:
        """Return what is new in a document since an earlier one, for a "new since …" mark.

        Args:
            document_id: The later document.
            old_id: The earlier one (default: the proposed predecessor).

        Returns:
            Passage id of ``document_id`` → ``added``, ``changed`` or ``moved``, for its
            passages that are not the same words as in ``old_id``; empty when there is
            no earlier document.

        Raises:
            NotFoundError: Either document does not exist.
        """
        old_id = old_id or self.predecessor(document_id)
        if old_id is None:
            return {}
        return {
            p.new: p.change
            for p in self.compare(old_id, document_id)
            if p.new and p.change in ("added", "changed", "moved")
        }

    def compare_markdown(self, old_id: str, new_id: str, *, include_same: bool = False) -> str:
        """Return the comparison of two documents as Markdown, headed by their citations.

        Raises:
            NotFoundError: Either document does not exist.
        """
        pairs = self.compare(old_id, new_id)
        old, new = self.store.document(old_id), self.store.document(new_id)
        ids = [x for p in pairs for x in (p.old, p.new) if x]
        citations = {pid: p["citation"] for pid, p in self.store.passages_by_id(ids).items()}
        return to_markdown(
            pairs,
            old_label=old["symbol"] or old["title"],
            new_label=new["symbol"] or new["title"],
            citations=citations,
            include_same=include_same,
        )

    def compare_docx(
        self, old_id: str, new_id: str, path: Path, *, include_same: bool = False
    ) -> Path:
        """Write the comparison of two documents as a Word document (as :meth:`compare_markdown`).

        Raises:
            NotFoundError: Either document does not exist.
            ExportError: The file cannot be written.
        """
        pairs = self.compare(old_id, new_id)
        old, new = self.store.document(old_id), self.store.document(new_id)
        ids = [x for p in pairs for x in (p.old, p.new) if x]
        citations = {pid: p["citation"] for pid, p in self.store.passages_by_id(ids).items()}
        return write_comparison_docx(
            pairs,
            path,
            old_label=old["symbol"] or old["title"],
            new_label=new["symbol"] or new["title"],
            citations=citations,
            include_same=include_same,
        )

    def search(
        self,
        text: str,
        *,
        limit: int = 10,
        entity: str | None = None,
        context_document: str | None = None,
        meaning: bool = True,
        **filters: Any,
    ) -> SearchResult:
        """Search passages.

        A paragraph reference ("OP 19", "77/20 para 17(a)", "fn 2") is resolved against the
        symbol in the query; else ``context_document`` when it is a resolution; else the
        library's only resolution; else that paragraph of every resolution, newest first.
        The passages it names come first; ``SearchResult.notice`` says what it did not find.

        Args:
            text: What the officer typed (empty with a filter lists the filtered passages).
            limit: At most this many hits.
            entity: Restrict to passages linked to this entity (id, name or acronym)
                or any entity below it: mentioning it, or in a document it issued.
            context_document: The document open in the viewer (or ``--document``): where a
                paragraph reference without a symbol points. It does not filter the hits.
            meaning: Let passages related by meaning fill in where the words do not match
                (False: the words alone, as the evaluation's "without dense" figures).
            **filters: ``document``, ``kind``, ``date_from``, ``date_to``, ``passage_ids``
                (see :class:`db.search.Filters`).

        Raises:
            NotFoundError: ``entity`` names nothing in the gazetteer.
        """
        if entity is not None:
            node = self.gazetteer.resolve(entity)
            if node is None:
                raise NotFoundError(f"no entity, capability or theme named {entity!r}")
            # Through the index's entity_ids field (the same links as the mentions table):
            # a set of passage ids would be tens of thousands long on a large library.
            filters["entity_ids"] = frozenset(self.gazetteer.descendants(node.id))
        return self.engine.search(
            text,
            limit=limit,
            filters=Filters(**filters),
            context_document=context_document,
            meaning=meaning,
        )


def _natural(text: str) -> list[tuple[int, int | str]]:
    """Sort key putting ``A/RES/9/1`` before ``A/RES/51/1``."""
    return [(0, int(t)) if t.isdigit() else (1, t) for t in re.split(r"(\d+)", text) if t]


def bundled_store(store_dir: Path, library_dir: Path) -> Path | None:
    """Return the app's prebuilt store when it is the one to read, else None.

    That is in a frozen app whose data folder has no store yet and whose officer has
    imported nothing: the store inside the app, when it matches its manifest.
    """
    bundled = paths.bundled_store_dir()
    if (
        bundled is not None
        and not store_dir.exists()
        and not list_imports(library_dir)
        and not verify_manifest(bundled)
    ):
        return bundled
    return None


def settled_store(store_dir: Path | None = None, library_dir: Path | None = None) -> Path | None:
    """Return the store to read when opening it changes nothing on disk, else None.

    None when anything is left to do first: an in-place change of the store or an
    addition to the library cut short, a library record that is inconsistent or needs
    a migration, leftovers of a killed build, or a store that is not fresh (missing,
    stale, damaged). :func:`db.library.ensure_store` does that work.

    Args:
        store_dir: The store folder (default: the data folder's, or the bundle's).
        library_dir: The officer's library folder (default: the data folder's).
    """
    library_dir = library_dir or paths.library_dir()
    default = store_dir is None
    store_dir = store_dir or paths.store_dir()
    try:
        if pending_change(store_dir) is not None or pending_addition(library_dir) is not None:
            return None
        if not check_library(library_dir).consistent or record_needs_migration(library_dir):
            return None
        bundled = bundled_store(store_dir, library_dir) if default else None
        if bundled is not None:
            return bundled
        if leftover_stores(store_dir) or store_state(store_dir, library_dir) != "fresh":
            return None
    except (LiaisonError, OSError, sqlite3.DatabaseError):
        return None  # the write side says what is wrong, or repairs it
    return store_dir


def open_fresh(*, store_dir: Path | None = None) -> Library | None:
    """Open the library when its store can be read as it is, without loading the write side.

    Args:
        store_dir: The store folder (default: the data folder's, or the bundle's).

    Returns:
        The library, or None when the store or the library record needs work first
        (see :func:`settled_store`): then :func:`db.library.open_library` does it.

    Raises:
        StoreError: The store passed its checks but its index could not be opened.
    """
    found = settled_store(store_dir)
    if found is None:
        return None
    return Library(found, OpenReport(found, "fresh"))
