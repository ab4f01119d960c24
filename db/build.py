"""Build the store from the bundled corpus: parse, de-duplicate, record, index, sign.

:func:`build_store` writes a complete store into a fresh folder beside the
target and swaps it in only when everything succeeded, so a failed or
interrupted build never leaves a half-written store in place.
:func:`update_store` changes a built store in place for an import, a removal
or a re-parse, at the cost of the documents it touches; :func:`repair_interrupted`
and :func:`sync_store` finish such a change when it was cut short.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import sqlite_utils

from db import paths
from db.catalog import CatalogEntry, load_catalog
from db.crossrefs import context_of, recognise
from db.encoder import ENCODER_SHA256, bundled_encoder
from db.entities import Gazetteer, Linker
from db.errors import (
    IncrementalUpdateError,
    LiaisonError,
    ModelError,
    ParseError,
    StoreError,
    StoreWriteError,
)
from db.extract import extract
from db.files import (
    rmtree,
    sha256_bytes,
    sha256_file,
    sha256_file_cached,
    swap_in,
    write_json_atomically,
)
from db.freshness import (
    MANIFEST_NAME,
    combined_fingerprint,
    file_stat,
    inputs_fingerprint,
    leftover_stores,
    pending_change,
    read_manifest,
    resources_fingerprint,
    store_files,
    verify_manifest,
)
from db.index import INDEX_DIRNAME, INDEX_VERSION, build_index, update_index
from db.locking import data_lock
from db.originals import ImportedFile, library_fingerprint, list_imports
from db.parse import ParsedDocument, parse_text
from db.parse.text import slugify
from db.semantic import (
    VECTORS_ADDED_NAME,
    VECTORS_NAME,
    update_vectors,
    write_vectors,
)
from db.sentences import (
    Passage,
    build_share,
    clause_rows,
    clause_texts,
    needs_embedding,
    remember,
    write_entity_vectors,
)
from db.store import (
    DB_FILENAME,
    SCHEMA_VERSION,
    Store,
    close_journal,
    delete_documents,
    document_ids,
    document_issuers,
    document_symbols,
    index_sources,
    insert_clause_vectors,
    insert_document,
    insert_document_entities,
    insert_mentions,
    insert_references,
    insert_source,
    integrity_problems,
    migrate,
    next_document_seq,
    open_writable,
    passage_entity_pairs,
    passage_key,
    passage_signature,
    passage_texts,
    primary_structure,
    read_meta,
    replace_entities,
    source_rows,
    write_meta,
    write_references,
)
from db.versions import PARSER_VERSION

#: progress(step, done, total): called as the build advances.
Progress = Callable[[str, int, int], None]


@dataclass
class SourceFile:
    """One file of the corpus, read and parsed."""

    entry: CatalogEntry
    path: Path
    text: str
    sha256: str
    parsed: ParsedDocument
    origin: str = "bundled"

    @property
    def structure(self) -> int:
        """How much line structure the file kept (more is a better primary source)."""
        return self.text.count("\n")


@dataclass
class BuiltDocument:
    """A document of the store: one or more captures of the same text."""

    id: str
    sources: list[SourceFile]
    seq: int

    @property
    def primary(self) -> SourceFile:
        """The capture whose text the passages' spans point into."""
        return self.sources[0]


@dataclass
class BuildReport:
    """What a build produced."""

    store_dir: Path
    documents: int = 0
    passages: int = 0
    footnotes: int = 0
    sources: int = 0
    seconds: float = 0.0
    fingerprint: str = ""
    merged: list[tuple[str, list[str]]] = field(default_factory=list)


def passage_fingerprint(parsed: ParsedDocument) -> str:
    """Return a fingerprint of a parse's passages: equal for two captures of one page."""
    return sha256_bytes("".join(f"{p.kind}\x1f{p.text}\x1e" for p in parsed.passages).encode())


def read_source(path: Path) -> str:
    """Read a corpus file as UTF-8 text.

    Raises:
        ParseError: The file is not valid UTF-8.
    """
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(f"{path.name}: not valid UTF-8 at byte {exc.start}") from exc


def library_sources(library: Path) -> list[SourceFile]:
    """Read and parse the officer's imported originals.

    An original whose content no longer has its recorded SHA-256 (changed on disk) is left
    out rather than shown, and so is one that no longer parses.
    """
    out = []
    for f in list_imports(library):
        try:
            out.append(library_source(library, f))
        except (LiaisonError, OSError):
            continue
    return out


def library_source(library: Path, f: ImportedFile, data: bytes | None = None) -> SourceFile:
    """Read and parse one imported original as every build does.

    Args:
        library: The library folder.
        f: The original's record row.
        data: Its bytes, when the caller holds them already.

    Raises:
        LiaisonError: It no longer has its recorded SHA-256, or no longer parses.
        OSError: It cannot be read.
    """
    path = library / f.original
    if data is None:
        data = path.read_bytes()
    if sha256_bytes(data) != f.sha256:
        raise LiaisonError(f"{f.file_name} changed on disk")
    ex = extract(path, data)
    parsed = parse_text(ex.text, title=f.title)
    if parsed.kind == "webpage" and f.format in ("text", "markdown"):
        parsed.kind = "document"  # a plain document, not a captured web page
    entry = CatalogEntry(file=f.file_name, title=f.title, language="en")
    return SourceFile(entry, path, ex.text, f.sha256, parsed, origin="imported")


def load_sources(
    corpus: Path, progress: Progress | None = None, library: Path | None = None
) -> list[BuiltDocument]:
    """Read, parse and group the corpus files (and the library's imports) into documents.

    Captures whose passages are identical are one document; the capture with
    the most line structure is its primary source.
    """
    entries = load_catalog(corpus / "catalog.toml")
    groups: dict[str, list[SourceFile]] = {}
    if library is not None:
        for src in library_sources(library):
            groups.setdefault(passage_fingerprint(src.parsed), []).append(src)
    for i, entry in enumerate(entries, start=1):
        path = corpus / entry.file
        text = read_source(path)
        try:
            parsed = parse_text(text, title=entry.title, author=entry.issuing_body)
        except ParseError as exc:
            raise ParseError(f"{entry.file}: {exc}") from exc
        if entry.kind and entry.kind != parsed.kind:
            raise ParseError(
                f"{entry.file}: the catalog says {entry.kind!r} "
                f"but the text reads as {parsed.kind!r}"
            )
        src = SourceFile(entry, path, text, sha256_file(path), parsed)
        groups.setdefault(passage_fingerprint(parsed), []).append(src)
        if progress:
            progress("parse", i, len(entries))
    docs: list[BuiltDocument] = []
    used: set[str] = set()
    ordered = sorted(
        groups.values(), key=lambda g: min(0 if s.origin == "bundled" else 1 for s in g)
    )
    for seq, group in enumerate(ordered, start=1):
        group.sort(key=lambda s: (s.origin != "bundled", -s.structure))
        doc_id = _document_id(group[0], used)
        used.add(doc_id)
        docs.append(BuiltDocument(doc_id, group, seq))
    return docs


def document_title(src: SourceFile) -> str:
    """Return the title: from the text when it states one, else the catalog's."""
    return src.parsed.title or src.entry.title or src.path.stem


def _document_id(src: SourceFile, used: set[str]) -> str:
    symbol = src.parsed.meta.get("symbol")
    base = slugify(str(symbol)) if symbol else slugify(document_title(src))
    doc_id, n = base, 2
    while doc_id in used:
        doc_id, n = f"{base}-{n}", n + 1
    return doc_id


def document_row(doc: BuiltDocument) -> dict[str, Any]:
    """Return the ``documents`` row of a built document."""
    src = doc.primary
    origin = "bundled" if any(s.origin == "bundled" for s in doc.sources) else "imported"
    meta = dict(src.parsed.meta)
    for key in ("captured", "url", "note"):
        values = [getattr(s.entry, key) for s in doc.sources if getattr(s.entry, key)]
        if values:
            meta[key] = values[0]
    # Every capture's catalog note, primary first, for the viewer's header.
    notes = [s.entry.note for s in doc.sources if s.entry.note]
    if notes:
        meta["notes"] = list(dict.fromkeys(notes))
    date = meta.get("date") or src.entry.captured
    return {
        "id": doc.id,
        "seq": doc.seq,
        "title": document_title(src),
        "kind": src.parsed.kind,
        "symbol": meta.get("symbol"),
        "date": date,
        "issuing_body": meta.get("issuing_body") or src.entry.issuing_body,
        "language": src.entry.language,
        "origin": origin,
        "meta": json.dumps(meta, ensure_ascii=False, sort_keys=True),
    }


def passage_rows(doc: BuiltDocument) -> list[dict[str, Any]]:
    """Return the ``passages`` rows of a built document, in order."""
    rows = []
    for seq, p in enumerate(doc.primary.parsed.passages, start=1):
        rows.append(
            {
                "id": f"{doc.id}:{p.local_id}",
                "document_id": doc.id,
                "seq": seq,
                "local_id": p.local_id,
                "kind": p.kind,
                "number": p.number,
                "heading": " › ".join(p.heading_path),
                "heading_path": json.dumps(p.heading_path, ensure_ascii=False),
                "text": p.text,
                "key": passage_key(p.text),
                "markup": json.dumps([m.to_dict() for m in p.markup], ensure_ascii=False),
                "citation": p.citation,
                "opening": p.opening,
                "span_start": p.span[0],
                "span_end": p.span[1],
                "segments": json.dumps(p.segments),
                "footnotes": json.dumps(p.footnotes),
            }
        )
    return rows


def write_record(db: sqlite_utils.Database, docs: list[BuiltDocument], fingerprint: str) -> None:
    """Write documents, sources, passages and footnotes into a migrated database."""
    with db.conn:
        for doc in docs:
            _insert_document(db, doc)
        write_meta(db, _meta(fingerprint, resources_fingerprint()))


def _meta(fingerprint: str, resources_part: str) -> dict[str, str]:
    return {
        "schema_version": str(SCHEMA_VERSION),
        "parser_version": str(PARSER_VERSION),
        "index_version": str(INDEX_VERSION),
        "fingerprint": fingerprint,
        "resources_fingerprint": resources_part,
        "sentence_encoder": ENCODER_SHA256,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _source_row(doc_id: str, src: SourceFile, role: str) -> dict[str, Any]:
    return {
        "document_id": doc_id,
        "file": src.entry.file,
        "sha256": src.sha256,
        "role": role,
        "text": src.text,
    }


def _insert_document(db: sqlite_utils.Database, doc: BuiltDocument) -> None:
    footnotes = doc.primary.parsed.footnotes
    insert_document(
        db,
        document_row(doc),
        sources=[
            _source_row(doc.id, s, "primary" if s is doc.primary else "duplicate")
            for s in doc.sources
        ],
        passages=passage_rows(doc),
        footnotes=[
            {
                "document_id": doc.id,
                "number": fn.number,
                "marker": fn.marker,
                "text": fn.text,
                "markup": json.dumps([m.to_dict() for m in fn.markup], ensure_ascii=False),
                "span_start": fn.segment[0],
                "span_end": fn.segment[1],
                "passage_id": f"{doc.id}:fn{fn.number}",
            }
            for fn in footnotes
        ],
        passage_footnotes=[
            {"passage_id": f"{doc.id}:{local}", "document_id": doc.id, "number": fn.number}
            for fn in footnotes
            for local in fn.cited_by
        ],
    )


def link_entities(db: sqlite_utils.Database, gazetteer: Gazetteer) -> int:
    """Write the gazetteer and every passage's mentions into the record.

    Replaces what the record held before, so it also re-links after a gazetteer change.

    Returns:
        How many mentions were found.
    """
    with db.conn:
        replace_entities(
            db,
            (
                {
                    "id": n.id,
                    "tree": n.tree,
                    "seq": n.seq,
                    "name": n.name,
                    "acronyms": json.dumps(n.acronyms, ensure_ascii=False),
                    "aliases": json.dumps(n.aliases, ensure_ascii=False),
                    "former_names": json.dumps(n.former_names, ensure_ascii=False),
                    "category": n.category,
                    "parent": n.parent,
                    "status": n.status,
                    "closed": n.closed,
                    "description": n.description,
                    "note": n.note,
                }
                for n in gazetteer.nodes.values()
            ),
        )
        return _link_documents(db, gazetteer, Linker(gazetteer), None)


def _link_documents(
    db: sqlite_utils.Database, gazetteer: Gazetteer, linker: Linker, document_id: str | None
) -> int:
    """Insert the mentions and issuer links of every document's passages (or one document's)."""
    rows = []
    for passage_id, doc_id, text in passage_texts(db, document_id):
        for m in linker.find(text):
            rows.append(
                {
                    "passage_id": passage_id,
                    "document_id": doc_id,
                    "entity_id": m.node_id,
                    "tree": m.tree,
                    "start": m.start,
                    "end": m.end,
                    "surface": m.surface,
                }
            )
    insert_mentions(db, rows)
    issued = []
    for doc_id, issuing_body in document_issuers(db, document_id):
        node = gazetteer.resolve(issuing_body) if issuing_body else None
        if node is not None:
            issued.append({"document_id": doc_id, "entity_id": node.id, "role": "issued_by"})
    insert_document_entities(db, issued)
    return len(rows)


def reference_rows(
    db: sqlite_utils.Database, document_id: str | None = None
) -> list[dict[str, Any]]:
    """Return the references of every passage of a record (see :mod:`db.crossrefs`).

    A bare "resolution 47/16" follows the citing document's body, and "paragraph 1 of the
    present resolution" points at the citing document's own symbol.

    Args:
        db: The record.
        document_id: Only this document's passages (for an incremental update).
    """
    symbols = document_symbols(db)
    rows = []
    for passage_id, doc_id, text in passage_texts(db, document_id):
        own = symbols.get(doc_id)
        for ref in recognise(text, context=context_of(own), own_symbol=own):
            rows.append({"passage_id": passage_id, "document_id": doc_id, **ref.to_dict()})
    return rows


def _entity_fields(
    db: sqlite_utils.Database, document_ids: list[str] | None
) -> tuple[dict[str, str], dict[str, str]]:
    """Return, per passage id, the ids and the names of the entities it mentions.

    The index's ``entity_ids`` and ``entities`` fields.
    """
    names = Store(db).entity_index_texts()
    ids: dict[str, list[str]] = {}
    terms: dict[str, list[str]] = {}
    for passage_id, entity_id in passage_entity_pairs(db, document_ids):
        ids.setdefault(passage_id, []).append(entity_id)
        terms.setdefault(passage_id, []).append(names.get(entity_id, ""))
    return (
        {k: ",".join(v) for k, v in ids.items()},
        {k: " ; ".join(v) for k, v in terms.items()},
    )


def index_documents(
    db: sqlite_utils.Database, document_ids: list[str] | None = None
) -> list[dict[str, Any]]:
    """Return the Whoosh documents for every passage of a record (or of some documents)."""
    docs, passages = index_sources(db, document_ids)
    entity_ids, entity_terms = _entity_fields(db, document_ids)
    out = []
    for p in passages:
        d = docs[p["document_id"]]
        cite = [p["citation"].lower()]
        if d["symbol"] and p["number"]:
            cite.append(f"{d['symbol'].lower()} {p['kind']} {p['number'].lower()}")
        out.append(
            {
                "passage_id": p["id"],
                "document_id": p["document_id"],
                "kind": p["kind"],
                "date": d["date"] or "",
                "origin": d["origin"] or "bundled",
                "text": p["text"],
                "heading": p["heading"] or "",
                "title": f"{d['title']} {d['symbol'] or ''}".strip(),
                "entities": entity_terms.get(p["id"], ""),
                "entity_ids": entity_ids.get(p["id"], ""),
                "words": " ".join(
                    (p["text"], p["heading"] or "", d["title"], entity_terms.get(p["id"], ""))
                ),
                "cite": ",".join(cite),
            }
        )
    return out


def write_manifest(
    store_dir: Path, *, atomically: bool = False, in_place: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """Record every file of the store in ``manifest.json``: its SHA-256 and its stat.

    A file whose stat (:func:`db.freshness.file_stat`) is the one the manifest already
    records keeps its recorded digest without being read again. A changed file listed in
    ``in_place`` is recorded by its stat alone: the record, which SQLite changes page by
    page, would otherwise be read whole after every import, a cost that grows with the
    library; a later change of it behind the manifest's back (its stat changes) is damage
    (:func:`db.freshness.verify_manifest`). A full build records every digest.

    Args:
        store_dir: The store folder.
        atomically: Write beside it and rename (for a store in use, changed in place).
        in_place: Files (relative paths) changed in place, recorded by their stat alone.
    """
    previous = read_manifest(store_dir) or {"files": {}, "stats": {}}
    files: dict[str, str | None] = {}
    stats: dict[str, list[int]] = {}
    for rel in store_files(store_dir):
        path = store_dir / rel
        stats[rel] = stat = file_stat(path)
        if rel in previous["files"] and previous["stats"].get(rel) == stat:
            files[rel] = previous["files"][rel]
        elif rel in in_place:
            files[rel] = None
        else:
            files[rel] = sha256_file_cached(path)
    manifest = {"schema_version": SCHEMA_VERSION, "files": files, "stats": stats}
    if atomically:
        write_json_atomically(store_dir / MANIFEST_NAME, manifest)
    else:
        (store_dir / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return manifest


def _mark_pending(store_dir: Path, touched: list[str]) -> None:
    """Say in the manifest that an in-place change of these documents is under way.

    The files it lists stay as they were before the change; until the change is settled
    (:func:`write_manifest`) the store is "interrupted", never "damaged", and the next
    start repairs it from the record (:func:`repair_interrupted`).
    """
    path = store_dir / MANIFEST_NAME
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["pending"] = {"documents": sorted(set(touched))}
    write_json_atomically(path, manifest)


def build_store(
    store_dir: Path | None = None,
    *,
    corpus: Path | None = None,
    library: Path | None = None,
    progress: Progress | None = None,
) -> BuildReport:
    """(Re)build the store from the corpus and the officer's library; swap it in atomically.

    Args:
        store_dir: Where the store goes (default: :func:`db.paths.store_dir`).
        corpus: The corpus folder (default: the bundled one).
        library: The officer's library (default: :func:`db.paths.library_dir`).
        progress: Called with ``(step, done, total)`` as the build advances.

    Returns:
        What was built.

    Raises:
        LiaisonError: A catalog, parse or write error; the old store is untouched.
    """
    started = time.perf_counter()
    store_dir = store_dir or paths.store_dir()
    corpus = corpus or paths.corpus_dir()
    library = library or paths.library_dir()
    with data_lock(store_dir.parent):
        fingerprint = inputs_fingerprint(corpus.parent, library)
        gazetteer = Gazetteer.load(corpus.parent / "gazetteer")
        docs = load_sources(corpus, progress, library)
        try:
            n = _write_store(store_dir, docs, gazetteer, fingerprint, progress)
        except OSError as exc:
            raise StoreWriteError.from_os_error(exc, store_dir) from exc
        except sqlite3.OperationalError as exc:
            # SQLite reports its own I/O failures ("database or disk is full", …).
            code = errno.ENOSPC if "full" in str(exc) else errno.EIO
            err = OSError(code, str(exc))
            raise StoreWriteError.from_os_error(err, store_dir) from exc
    report = BuildReport(store_dir=store_dir, fingerprint=fingerprint)
    report.documents = len(docs)
    report.passages = n
    report.footnotes = sum(len(d.primary.parsed.footnotes) for d in docs)
    report.sources = sum(len(d.sources) for d in docs)
    report.merged = [(d.id, [s.entry.file for s in d.sources]) for d in docs if len(d.sources) > 1]
    report.seconds = time.perf_counter() - started
    return report


def _write_store(
    store_dir: Path,
    docs: list[BuiltDocument],
    gazetteer: Gazetteer,
    fingerprint: str,
    progress: Progress | None,
) -> int:
    """Write a complete store beside ``store_dir`` and swap it in; return the passage count."""
    store_dir.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(store_dir)
    tmp = store_dir.parent / f".{store_dir.name}.building-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        conn = sqlite3.connect(tmp / DB_FILENAME)
        try:
            db = sqlite_utils.Database(conn)
            migrate(db)
            if progress:
                progress("record", 0, 1)
            write_record(db, docs, fingerprint)
            link_entities(db, gazetteer)
            write_references(db, reference_rows(db))
            if progress:
                progress("record", 1, 1)
                progress("index", 0, 1)
            indexed = index_documents(db)
            n = build_index(tmp / INDEX_DIRNAME, indexed)
            if progress:
                progress("index", 1, 1)
                progress("vectors", 0, 1)
            triples = [(p["passage_id"], p["heading"], p["text"]) for p in indexed]
            bundled = [
                t for t, p in zip(triples, indexed, strict=True) if p["origin"] != "imported"
            ]
            write_vectors(tmp, triples, reference=bundled)
            if progress:
                progress("vectors", 1, 1)
            step = None if progress is None else partial(progress, "sentences")
            with db.conn:
                insert_clause_vectors(db, _build_clause_rows(store_dir, indexed, step))
            _write_entity_vectors(tmp, gazetteer)
            close_journal(db)
        finally:
            conn.close()
        # Whoosh leaves its (released) write lock behind: a finished store has none.
        for lock in (tmp / INDEX_DIRNAME).glob("*_WRITELOCK"):
            lock.unlink()
        write_manifest(tmp)
        swap_in(tmp, store_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return n


# -- changing a built store in place -------------------------------------------------
#
# An import, a removal or a re-parse changes only the documents it touches: the record
# in one SQLite transaction, from which the index (a new segment, deletions) and the
# passage vectors are written before it commits, then the manifest. Before anything is
# written the manifest marks the change pending with the documents it touches; a
# process killed at any point leaves the record whole (SQLite rolls a cut-short
# transaction back) and the next start brings the index and vectors of those documents
# back in line with it (:func:`repair_interrupted`).


@dataclass
class UpdateReport:
    """What an in-place change of the store did."""

    added: list[str] = field(default_factory=list)
    captures: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    #: Why the store was rebuilt instead (None when the change was made in place).
    rebuilt: str | None = None
    seconds: float = 0.0


_LINKERS: dict[tuple[str, str], tuple[Gazetteer, Linker]] = {}


def _linker(gazetteer_dir: Path, fingerprint: str) -> tuple[Gazetteer, Linker]:
    """Return the gazetteer and its linker, loaded once per process and resources."""
    key = (str(gazetteer_dir), fingerprint)
    if key not in _LINKERS:
        _LINKERS.clear()
        gazetteer = Gazetteer.load(gazetteer_dir)
        _LINKERS[key] = (gazetteer, Linker(gazetteer))
    return _LINKERS[key]


def update_store(
    store_dir: Path | None = None,
    *,
    add: list[SourceFile] | None = None,
    remove: list[str] | None = None,
    corpus: Path | None = None,
    library: Path | None = None,
) -> UpdateReport:
    """Add captures to a fresh store and remove documents from it, in place.

    Each capture becomes a new document, or another capture of the document whose
    passages it has exactly (as a full build groups them). The record changes in one
    transaction, committed once the index and the vectors were written from it (a
    failure before those leaves the store as it was); the manifest follows. Where a change cannot
    be made in place safely the store is rebuilt instead, and the report says why: a
    capture with more line structure than its imported document's primary one (the
    primary, whose text the passages' spans point into, would change), or resources
    or code that changed since the store was built.

    Call after the library record holds the change (its fingerprint is recorded).

    Args:
        store_dir: A fresh store (see :func:`store_state`).
        add: Parsed captures (:func:`library_source`).
        remove: Ids of documents to remove with every capture.
        corpus: The corpus folder (default: the bundled one).
        library: The library folder (default: the data folder's).

    Raises:
        StoreWriteError: The store could not be written; the change is pending and the
            next start finishes it from the record.
    """
    started = time.perf_counter()
    store_dir = store_dir or paths.store_dir()
    corpus = corpus or paths.corpus_dir()
    library = library or paths.library_dir()
    with data_lock(store_dir.parent):
        try:
            report = _update_in_place(store_dir, add or [], remove or [], corpus, library)
        except IncrementalUpdateError as exc:
            build_store(store_dir, corpus=corpus, library=library)
            report = UpdateReport(rebuilt=str(exc))
        except OSError as exc:
            raise StoreWriteError.from_os_error(exc, store_dir) from exc
        except sqlite3.OperationalError as exc:
            code = errno.ENOSPC if "full" in str(exc) else errno.EIO
            raise StoreWriteError.from_os_error(OSError(code, str(exc)), store_dir) from exc
    report.seconds = time.perf_counter() - started
    return report


def _update_in_place(
    store_dir: Path, add: list[SourceFile], remove: list[str], corpus: Path, library: Path
) -> UpdateReport:
    resources_part = resources_fingerprint(corpus.parent)
    db = open_writable(store_dir)
    try:
        meta = read_meta(db)
        if meta.get("resources_fingerprint") != resources_part:
            raise IncrementalUpdateError("the bundled corpus, gazetteer or code changed")
        report = UpdateReport()
        existing = document_ids(db)
        report.removed = [d for d in dict.fromkeys(remove) if d in existing]
        used = existing - set(report.removed)
        plans: list[tuple[str, SourceFile, bool]] = []  # (document id, capture, new document)
        for src in add:
            target = _same_passages(db, src, report.removed)
            if target is None:
                doc_id = _document_id(src, used)
                used.add(doc_id)
                plans.append((doc_id, src, True))
                report.added.append(doc_id)
            else:
                doc = Store(db).document(target)
                if doc["origin"] != "bundled" and src.structure > primary_structure(db, target):
                    raise IncrementalUpdateError(
                        f"{src.entry.file} keeps more of the text's structure than the capture "
                        f"{target} is read from"
                    )
                plans.append((target, src, False))
                report.captures.append(target)
        manifest_before = (store_dir / MANIFEST_NAME).read_bytes()
        _mark_pending(store_dir, [*report.removed, *report.added])
        gazetteer, linker = _linker(corpus.parent / "gazetteer", resources_part)
        # One transaction, committed last: the index and the vectors are written from it
        # first, so a failure (a full disk) before the commit leaves the store as it was.
        derived_written = False
        try:
            db.execute("BEGIN IMMEDIATE")
            # An import embeds its own documents' clauses (db.sentences), in its transaction.
            delete_documents(db, report.removed)
            for doc_id, src, new in plans:
                if not new:
                    insert_source(db, _source_row(doc_id, src, "duplicate"))
                    continue
                _insert_document(db, BuiltDocument(doc_id, [src], next_document_seq(db)))
                _link_documents(db, gazetteer, linker, doc_id)
                insert_references(db, reference_rows(db, doc_id))
            fingerprint = combined_fingerprint(library_fingerprint(library), resources_part)
            write_meta(db, _meta(fingerprint, resources_part))
            if report.added or report.removed:
                indexed = index_documents(db, report.added)
                insert_clause_vectors(db, _clause_rows(indexed))
                update_index(
                    store_dir / INDEX_DIRNAME,
                    indexed,
                    delete_documents=report.removed,
                    reindex=lambda ids: index_documents(db, ids),
                )
                derived_written = True
                update_vectors(
                    store_dir,
                    [(p["passage_id"], p["heading"], p["text"]) for p in indexed],
                    delete_documents=report.removed,
                )
            db.conn.commit()
        except BaseException:
            if db.conn.in_transaction:
                db.conn.rollback()
            if not derived_written:
                _forget_change(store_dir, manifest_before)
            raise
    finally:
        db.conn.close()
    _settle(store_dir)
    return report


def _clause_rows(
    indexed: list[dict[str, Any]], progress: Callable[[int, int], None] | None = None
) -> list[dict[str, object]]:
    """Embed the clauses of indexed passages (none when the encoder is unusable).

    A missing or damaged encoder must not stop a build or an import: the passages are
    written without clause vectors and the search uses the word match alone for them
    (the search reports the encoder's error).
    """
    try:
        return clause_rows([_passage(p) for p in indexed], progress=progress)
    except ModelError:
        return []


def _build_clause_rows(
    store_dir: Path, indexed: list[dict[str, Any]], progress: Callable[[int, int], None] | None
) -> list[dict[str, object]]:
    """Embed the clauses a full build embeds (:func:`db.sentences.build_share`).

    The store being replaced lends the clause vectors it holds, when it is sound and was
    embedded by this encoder, so that a rebuild keeps what imports embedded.
    """
    try:
        encoder = bundled_encoder()
    except ModelError:
        if progress:
            progress(len(indexed), len(indexed))  # nothing to embed: the step is over
        return []
    remember(_stored_clauses(store_dir), encoder=encoder)
    passages = [_passage(p) for p in indexed]
    new = Counter(p.document_id for p in passages if needs_embedding(p, encoder=encoder))
    share = build_share((d, new.get(d, 0)) for d in dict.fromkeys(p.document_id for p in passages))
    return clause_rows(
        [p for p in passages if p.document_id in share], encoder=encoder, progress=progress
    )


def _write_entity_vectors(store_dir: Path, gazetteer: Gazetteer) -> None:
    """Embed the gazetteer's descriptions into the store (nothing when the encoder is unusable)."""
    try:
        encoder = bundled_encoder()
    except ModelError:
        return
    nodes = gazetteer.nodes.values()
    write_entity_vectors(store_dir, ((n.id, n.description) for n in nodes), encoder=encoder)


def _stored_clauses(store_dir: Path) -> Iterator[tuple[list[str], list[tuple[bytes, float]]]]:
    """Yield each passage's clause texts and stored vectors from a sound store (or nothing)."""
    if not (store_dir / DB_FILENAME).is_file() or verify_manifest(store_dir):
        return
    try:
        store = Store.open(store_dir)
    except (LiaisonError, sqlite3.DatabaseError):
        return
    try:
        if store.meta().get("sentence_encoder") != ENCODER_SHA256:
            return
        passages = store.passages()
        for start in range(0, len(passages), 500):
            chunk = passages[start : start + 500]
            rows: dict[str, list[tuple[bytes, float]]] = {}
            for pid, vector, scale in store.clause_vectors(p["id"] for p in chunk):
                rows.setdefault(pid, []).append((vector, scale))
            for p in chunk:
                if p["id"] in rows:
                    yield clause_texts(p["heading"] or None, p["text"]), rows[p["id"]]
    except sqlite3.DatabaseError:
        return
    finally:
        store.close()


def _passage(p: dict[str, Any]) -> Passage:
    return Passage(p["passage_id"], p["document_id"], p["heading"] or None, p["text"])


def _forget_change(store_dir: Path, manifest: bytes) -> None:
    """Put back a store whose change failed before anything derived was committed.

    The record was rolled back; what Whoosh wrote of a segment it did not commit is
    deleted, and the manifest is written again, settled. The record holds its bytes of
    before, but SQLite may have written pages into it before the rollback (a large change
    spills out of its cache), so its modification time is new: it is recorded by its stat
    again, as after a change in place.
    """
    try:
        listed = set(json.loads(manifest)["files"])
        for p in (store_dir / INDEX_DIRNAME).iterdir():
            rel = f"{INDEX_DIRNAME}/{p.name}"
            if p.is_file() and rel not in listed:
                p.unlink()
        write_manifest(store_dir, atomically=True, in_place=frozenset({DB_FILENAME}))
    except (OSError, ValueError, KeyError):
        pass  # left pending: the next start repairs it from the record


def _same_passages(db: sqlite_utils.Database, src: SourceFile, leaving: list[str]) -> str | None:
    """Return the document whose passages are exactly the capture's, or None.

    A full build groups such captures as one document.
    """
    keys = [passage_key(p.text) for p in src.parsed.passages]
    signature = [(p.kind, p.text) for p in src.parsed.passages]
    for row in Store(db).documents_sharing(keys, min_shared=len(set(keys))):
        if row["id"] in leaving or not row["shared"] == row["total"] == len(set(keys)):
            continue
        if passage_signature(db, row["id"]) == signature:
            return row["id"]
    return None


def _settle(store_dir: Path) -> None:
    """Remove what writers leave behind and record the store's files in its manifest."""
    for lock in (store_dir / INDEX_DIRNAME).glob("*_WRITELOCK"):
        lock.unlink()
    for pattern in (
        f".{VECTORS_NAME}.*.tmp",
        f".{VECTORS_ADDED_NAME}.*.tmp",
        f".{MANIFEST_NAME}.*.tmp",
    ):
        for tmp in store_dir.glob(pattern):
            tmp.unlink()
    write_manifest(store_dir, atomically=True, in_place=frozenset({DB_FILENAME}))


def repair_interrupted(store_dir: Path) -> list[str]:
    """Finish an in-place change that was cut short (data lock held).

    Brings the index and the vectors of the documents it touched back in line with the
    record.

    The record is the truth: SQLite rolls back a transaction a killed process left half
    done, so each touched document is there whole or not at all. Whatever the index and
    the vectors hold of those documents is deleted and written again from the record;
    an index or vectors file that cannot be read is rewritten from the whole record.

    Returns:
        The touched documents.

    Raises:
        StoreError: The record itself is damaged (the caller rebuilds the store).
    """
    touched = pending_change(store_dir) or []
    try:
        db = open_writable(store_dir)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"the store database is damaged ({exc})") from exc
    try:
        try:
            problems = integrity_problems(db)  # its first read rolls a hot journal back
        except sqlite3.DatabaseError as exc:
            problems = [str(exc)]
        if problems:
            raise StoreError(f"the store database is damaged ({problems[0]})")
        journal = store_dir / f"{DB_FILENAME}-journal"
        journal.unlink(missing_ok=True)  # not hot (SQLite would have rolled it back): stale
        present = [d for d in touched if d in document_ids(db)]
        indexed = index_documents(db, present)
        triples = [(p["passage_id"], p["heading"], p["text"]) for p in indexed]
        try:
            update_index(
                store_dir / INDEX_DIRNAME,
                indexed,
                delete_documents=touched,
                reindex=lambda ids: index_documents(db, ids),
            )
        except Exception:  # whoosh raises many types for a broken index
            rmtree(store_dir / INDEX_DIRNAME)
            build_index(store_dir / INDEX_DIRNAME, index_documents(db))
        try:
            update_vectors(store_dir, triples, delete_documents=touched)
        except (LiaisonError, OSError, ValueError):
            everything = index_documents(db)
            all_triples = [(p["passage_id"], p["heading"], p["text"]) for p in everything]
            bundled = [
                t for t, p in zip(all_triples, everything, strict=True) if p["origin"] != "imported"
            ]
            (store_dir / VECTORS_ADDED_NAME).unlink(missing_ok=True)
            write_vectors(store_dir, all_triples, reference=bundled)
    finally:
        db.conn.close()
    _settle(store_dir)
    return touched


def sync_store(
    store_dir: Path | None = None, *, corpus: Path | None = None, library: Path | None = None
) -> UpdateReport:
    """Bring a store in line with the library in place (data lock held).

    A file of the library the store lacks is added (read from its stored original),
    a document whose every imported capture left the library is removed. For an
    import or removal killed between the library and the store, and for a library
    record repaired on start; rebuilds instead where in place is unsafe (see
    :func:`update_store`; also a capture that left a document with others).
    """
    store_dir = store_dir or paths.store_dir()
    corpus = corpus or paths.corpus_dir()
    library = library or paths.library_dir()
    if pending_change(store_dir) is not None:
        repair_interrupted(store_dir)
    rows = {f.sha256: f for f in list_imports(library)}
    bundled = {sha256_file(corpus / e.file) for e in load_catalog(corpus / "catalog.toml")}
    store = Store.open(store_dir)
    try:
        sources = source_rows(store.db)
    finally:
        store.close()
    held = {s["sha256"] for s in sources}
    leaving: dict[str, list[str]] = {}
    for s in sources:
        leaving.setdefault(s["document_id"], []).append(s["sha256"])
    remove = []
    for doc_id, shas in leaving.items():
        gone = [sha for sha in shas if sha not in rows and sha not in bundled]
        if gone and len(gone) == len(shas):
            remove.append(doc_id)
        elif gone:
            build_store(store_dir, corpus=corpus, library=library)
            return UpdateReport(rebuilt=f"a capture of {doc_id} left the library")
    add = []
    for sha, f in rows.items():
        if sha in held:
            continue
        try:
            add.append(library_source(library, f))
        except (LiaisonError, OSError):
            continue  # left out, as a full build leaves it out
    return update_store(store_dir, add=add, remove=remove, corpus=corpus, library=library)


def remove_leftovers(store_dir: Path) -> list[str]:
    """Delete half-built or swapped-out stores left beside ``store_dir`` by a killed build.

    Only call with the data lock held (no other build can be running).

    Returns:
        The names of the folders removed.
    """
    removed = []
    for p in leftover_stores(store_dir):
        rmtree(p)
        removed.append(p.name)
    return removed


__all__ = [
    "BuildReport",
    "LiaisonError",
    "StoreWriteError",
    "build_store",
]
