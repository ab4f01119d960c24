"""Build the store from the bundled corpus: parse, de-duplicate, record, index, sign.

:func:`build_store` writes a complete store into a fresh folder beside the
target and swaps it in only when everything succeeded, so a failed or
interrupted build never leaves a half-written store in place.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from db import paths
from db.catalog import CatalogEntry, load_catalog
from db.crossrefs import context_of, recognise
from db.entities import Gazetteer, Linker
from db.errors import LiaisonError, ParseError, StoreWriteError
from db.extract import extract
from db.files import rmtree, sha256_bytes, sha256_file, swap_in
from db.index import INDEX_DIRNAME, INDEX_VERSION, build_index
from db.locking import data_lock
from db.originals import library_fingerprint, list_imports
from db.parse import PARSER_VERSION, ParsedDocument, parse_text
from db.parse.text import slugify
from db.semantic import VECTORS_VERSION, write_vectors
from db.store import (
    DB_FILENAME,
    SCHEMA_VERSION,
    Store,
    close_journal,
    document_issuers,
    document_symbols,
    index_sources,
    insert_document,
    insert_document_entities,
    insert_mentions,
    migrate,
    passage_entity_pairs,
    passage_texts,
    read_fingerprint,
    replace_entities,
    write_meta,
    write_references,
)

MANIFEST_NAME = "manifest.json"
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


def inputs_fingerprint(resources: Path | None = None, library: Path | None = None) -> str:
    """Return a fingerprint of everything a build reads, and of the code versions.

    A store whose recorded fingerprint differs is stale and gets rebuilt.

    Args:
        resources: The resources folder (default: the bundled one).
        library: The officer's library folder (default: the data folder's).
    """
    resources = resources or paths.resources_dir()
    parts = [
        library_fingerprint(library or paths.library_dir()),
        f"schema={SCHEMA_VERSION};parser={PARSER_VERSION};index={INDEX_VERSION}",
        f";vectors={VECTORS_VERSION}",
    ]
    for sub in ("corpus", "gazetteer", "search", "embeddings"):
        folder = resources / sub
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            parts += [str(path.relative_to(resources)), sha256_file(path)]
    return sha256_bytes("".join(parts).encode())


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
        path = library / f.original
        try:
            data = path.read_bytes()
            if sha256_bytes(data) != f.sha256:
                continue
            ex = extract(path, data)
            parsed = parse_text(ex.text, title=f.title)
        except (LiaisonError, OSError):
            continue
        if parsed.kind == "webpage" and f.format in ("text", "markdown"):
            parsed.kind = "document"  # a plain document, not a captured web page
        entry = CatalogEntry(file=f.file_name, title=f.title, language="en")
        out.append(SourceFile(entry, path, ex.text, f.sha256, parsed, origin="imported"))
    return out


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
            footnotes = doc.primary.parsed.footnotes
            insert_document(
                db,
                document_row(doc),
                sources=[
                    {
                        "document_id": doc.id,
                        "file": s.entry.file,
                        "sha256": s.sha256,
                        "role": "primary" if s is doc.primary else "duplicate",
                        "text": s.text,
                    }
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
        meta = {
            "schema_version": str(SCHEMA_VERSION),
            "parser_version": str(PARSER_VERSION),
            "index_version": str(INDEX_VERSION),
            "fingerprint": fingerprint,
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        write_meta(db, meta)


def link_entities(db: sqlite_utils.Database, gazetteer: Gazetteer) -> int:
    """Write the gazetteer and every passage's mentions into the record.

    Replaces what the record held before, so it also re-links after a gazetteer change.

    Returns:
        How many mentions were found.
    """
    linker = Linker(gazetteer)
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
        rows = []
        for passage_id, document_id, text in passage_texts(db):
            for m in linker.find(text):
                rows.append(
                    {
                        "passage_id": passage_id,
                        "document_id": document_id,
                        "entity_id": m.node_id,
                        "tree": m.tree,
                        "start": m.start,
                        "end": m.end,
                        "surface": m.surface,
                    }
                )
        insert_mentions(db, rows)
        issued = []
        for document_id, issuing_body in document_issuers(db):
            node = gazetteer.resolve(issuing_body) if issuing_body else None
            if node is not None:
                issued.append(
                    {"document_id": document_id, "entity_id": node.id, "role": "issued_by"}
                )
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


def _entity_ids(db: sqlite_utils.Database) -> dict[str, str]:
    out: dict[str, list[str]] = {}
    for passage_id, entity_id in passage_entity_pairs(db):
        out.setdefault(passage_id, []).append(entity_id)
    return {k: ",".join(v) for k, v in out.items()}


def _entity_terms(db: sqlite_utils.Database) -> dict[str, str]:
    """Return, per passage id, the names and acronyms of every entity it mentions."""
    names = Store(db).entity_index_texts()
    out: dict[str, list[str]] = {}
    for passage_id, entity_id in passage_entity_pairs(db):
        out.setdefault(passage_id, []).append(names.get(entity_id, ""))
    return {k: " ; ".join(v) for k, v in out.items()}


def index_documents(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Return the Whoosh documents for every passage of a record."""
    docs, passages = index_sources(db)
    entity_terms = _entity_terms(db)
    entity_ids = _entity_ids(db)
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


def write_manifest(store_dir: Path) -> dict[str, Any]:
    """Record the SHA-256 of every file of the store in ``manifest.json``."""
    files = {
        str(p.relative_to(store_dir)).replace(os.sep, "/"): sha256_file(p)
        for p in sorted(store_dir.rglob("*"))
        if p.is_file() and p.name != MANIFEST_NAME
    }
    manifest = {"schema_version": SCHEMA_VERSION, "files": files}
    (store_dir / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return manifest


def verify_manifest(store_dir: Path) -> list[str]:
    """Compare a store with its manifest.

    Returns:
        One line per problem (missing, changed or unknown file); empty when the
        store is exactly as built.
    """
    path = store_dir / MANIFEST_NAME
    if not path.is_file():
        return ["the manifest is missing"]
    try:
        files = json.loads(path.read_text(encoding="utf-8"))["files"]
    except (ValueError, KeyError, TypeError, OSError):
        return ["the manifest is unreadable"]
    # Valid JSON of the wrong shape ({"files": null}, a string, a list) is damage too.
    if not isinstance(files, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and _safe_relative(k) for k, v in files.items()
    ):
        return ["the manifest is unreadable"]
    problems = []
    present = {
        str(p.relative_to(store_dir)).replace(os.sep, "/")
        for p in store_dir.rglob("*")
        if p.is_file() and p.name != MANIFEST_NAME
    }
    for rel, digest in sorted(files.items()):
        if rel not in present:
            problems.append(f"{rel} is missing")
        elif sha256_file(store_dir / rel) != digest:
            problems.append(f"{rel} has changed")
    for rel in sorted(present - set(files)):
        problems.append(f"{rel} is not part of the store")
    return problems


def _safe_relative(rel: str) -> bool:
    """True for a manifest entry naming a file inside the store (no ``..``, not absolute)."""
    parts = rel.split("/")
    return bool(rel) and not rel.startswith("/") and ".." not in parts and ":" not in parts[0]


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
            write_vectors(tmp, ((p["passage_id"], p["heading"], p["text"]) for p in indexed))
            if progress:
                progress("vectors", 1, 1)
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


def remove_leftovers(store_dir: Path) -> list[str]:
    """Delete half-built or swapped-out stores left beside ``store_dir`` by a killed build.

    Only call with the data lock held (no other build can be running).

    Returns:
        The names of the folders removed.
    """
    removed = []
    if not store_dir.parent.is_dir():
        return removed
    for p in store_dir.parent.glob(f".{store_dir.name}.*-*"):
        if p.is_dir() and p.name.split(".")[-1].split("-")[0] in ("building", "old"):
            rmtree(p)
            removed.append(p.name)
    return removed


def store_state(store_dir: Path | None = None, library: Path | None = None) -> str:
    """Return ``"missing"``, ``"stale"``, ``"damaged"`` or ``"fresh"`` for a store folder."""
    store_dir = store_dir or paths.store_dir()
    db_path = store_dir / DB_FILENAME
    if not db_path.is_file():
        return "missing"
    if verify_manifest(store_dir):
        return "damaged"
    try:
        fingerprint = read_fingerprint(db_path)
    except sqlite3.DatabaseError:
        return "damaged"
    if fingerprint is None or fingerprint != inputs_fingerprint(library=library):
        return "stale"
    return "fresh"


__all__ = [
    "BuildReport",
    "LiaisonError",
    "StoreWriteError",
    "build_store",
    "inputs_fingerprint",
    "store_state",
    "verify_manifest",
]
