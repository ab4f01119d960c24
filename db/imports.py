"""The officer's own library: import files next to the bundled corpus, and remove them.

The record of the library is ``library.sqlite`` in :func:`db.paths.library_dir`
(one row per imported file) plus the original files themselves under
``originals/``, named by their SHA-256. The working store is derived: it is
rebuilt from the bundled corpus and the library's originals (atomically, see
:func:`db.build.build_store`), so an import either completes or leaves the
library exactly as it was, and a store that lags behind its record (a killed
import, a new parser or gazetteer) is brought back in line on the next start.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from db import paths
from db.errors import LiaisonError, NotFoundError, ParseError
from db.extract import ImportRejectedError, extract
from db.parse import parse_text

LIBRARY_DB = "library.sqlite"
ORIGINALS = "originals"
LIBRARY_SCHEMA_VERSION = 1
#: Share of passages two documents must have in common to be near-duplicates.
NEAR_DUPLICATE = 0.8


@dataclass
class ImportedFile:
    """One row of the library record."""

    sha256: str
    file_name: str
    suffix: str
    format: str
    encoding: str | None
    size: int
    title: str | None
    imported_at: str

    @property
    def original(self) -> Path:
        """The stored original, relative to the library folder."""
        return Path(ORIGINALS) / f"{self.sha256}{self.suffix}"


@dataclass
class ImportReport:
    """What one import did, for the officer."""

    file: str
    status: str  # "imported" | "capture" | "duplicate" | "rejected"
    message: str
    document_id: str | None = None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the file is now in the library (new or as another capture)."""
        return self.status in ("imported", "capture")


def _connect(library_dir: Path) -> sqlite_utils.Database:
    library_dir.mkdir(parents=True, exist_ok=True)
    (library_dir / ORIGINALS).mkdir(exist_ok=True)
    db = sqlite_utils.Database(sqlite3.connect(library_dir / LIBRARY_DB, timeout=30))
    if int(db.execute("PRAGMA user_version").fetchone()[0]) < 1:
        with db.conn:
            db["imports"].create(
                {
                    "sha256": str,
                    "file_name": str,
                    "suffix": str,
                    "format": str,
                    "encoding": str,
                    "size": int,
                    "title": str,
                    "imported_at": str,
                },
                pk="sha256",
                if_not_exists=True,
            )
            db.execute(f"PRAGMA user_version = {LIBRARY_SCHEMA_VERSION}")
    return db


def list_imports(library_dir: Path | None = None) -> list[ImportedFile]:
    """Return the library's imported files, oldest first (empty when there is no library)."""
    library_dir = library_dir or paths.library_dir()
    if not (library_dir / LIBRARY_DB).is_file():
        return []
    try:
        conn = sqlite3.connect(f"{(library_dir / LIBRARY_DB).resolve().as_uri()}?mode=ro", uri=True)
        conn.row_factory = sqlite3.Row
        try:
            rows = conn.execute("SELECT * FROM imports ORDER BY imported_at, sha256").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise LiaisonError(f"the library record {LIBRARY_DB} is damaged ({exc})") from exc
    return [ImportedFile(**dict(r)) for r in rows]


def library_fingerprint(library_dir: Path | None = None) -> str:
    """Return a fingerprint of the library's content (part of the store's inputs)."""
    h = hashlib.sha256()
    for f in list_imports(library_dir):
        h.update(f"{f.sha256}\x1f{f.title}\x1f{f.file_name}\x1e".encode())
    return h.hexdigest()


def tidy_library(library_dir: Path | None = None) -> list[str]:
    """Remove originals no record row names (left by an import killed half-way).

    Returns:
        One line per file removed.
    """
    library_dir = library_dir or paths.library_dir()
    folder = library_dir / ORIGINALS
    if not folder.is_dir():
        return []
    known = {f.original.name for f in list_imports(library_dir)}
    removed = []
    for p in folder.iterdir():
        if p.name not in known:
            p.unlink(missing_ok=True)
            removed.append(p.name)
    return removed


def _passage_set(texts: list[str]) -> set[str]:
    return {" ".join(t.lower().split()) for t in texts}


def _counts_message(lib_store: Any, document_id: str) -> tuple[str, dict[str, int]]:
    doc = lib_store.document(document_id)
    passages = lib_store.passages(document_id)
    kinds = Counter(p["kind"] for p in passages)
    entities = {
        r[0]
        for r in lib_store.db.execute(
            "SELECT DISTINCT entity_id FROM mentions WHERE document_id = ? AND tree = 'un'",
            [document_id],
        )
    }
    counts = dict(kinds)
    counts["entities"] = len(entities)
    names = {
        "preambular": ("preambular paragraph", "preambular paragraphs"),
        "operative": ("operative paragraph", "operative paragraphs"),
        "subparagraph": ("sub-paragraph", "sub-paragraphs"),
        "paragraph": ("paragraph", "paragraphs"),
        "list_item": ("list item", "list items"),
        "footnote": ("footnote", "footnotes"),
    }
    parts = [f"{kinds[k]} {label[kinds[k] != 1]}" for k, label in names.items() if kinds.get(k)]
    parts.append(f"{len(entities)} {'entity' if len(entities) == 1 else 'entities'}")
    label = doc["symbol"] or doc["title"]
    return f"{label}: {', '.join(parts)}", counts


def import_files(
    files: list[Path],
    *,
    library_dir: Path | None = None,
    store_dir: Path | None = None,
) -> list[ImportReport]:
    """Import files into the officer's library, one at a time.

    Each file is checked, parsed and compared with what the library holds before
    anything is written; the store is then rebuilt to include it. A file that
    fails leaves the library exactly as it was, and does not stop the others.

    Args:
        files: Plain text, Markdown, HTML or PDF files.
        library_dir: The library folder (default: :func:`db.paths.library_dir`).
        store_dir: The working store (default: :func:`db.paths.store_dir`).

    Returns:
        One report per file, in order.
    """
    from db.build import build_store
    from db.store import Store

    library_dir = library_dir or paths.library_dir()
    store_dir = store_dir or paths.store_dir()
    reports = []
    for path in files:
        name = path.name
        try:
            report = _import_one(path, library_dir, store_dir, build_store, Store)
        except ImportRejectedError as exc:
            report = ImportReport(name, "rejected", f"{name} {exc}")
        except OSError as exc:
            reason = exc.strerror or str(exc)
            report = ImportReport(name, "rejected", f"{name}: cannot be read ({reason})")
        reports.append(report)
    return reports


def _import_one(
    path: Path, library_dir: Path, store_dir: Path, build_store, store_cls
) -> ImportReport:
    name = path.name
    if not path.is_file():
        raise ImportRejectedError("does not exist or is not a file")
    ex = extract(path)
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    try:
        parsed = parse_text(ex.text, title=ex.title or path.stem)
    except ParseError as exc:
        raise ImportRejectedError(f"has no passages to import ({exc})") from exc

    from db.library import ensure_store

    ensure_store(store_dir=store_dir, library_dir=library_dir)
    store = store_cls.open(store_dir)
    try:
        row = store.db.execute("SELECT document_id FROM sources WHERE sha256 = ?", [sha]).fetchone()
        if row is not None:
            return ImportReport(
                name, "duplicate", f"{name} is already in the library (document {row[0]})", row[0]
            )
        new_set = _passage_set([p.text for p in parsed.passages])
        status = "imported"
        for doc in store.documents():
            old_set = _passage_set([p["text"] for p in store.passages(doc["id"])])
            if old_set == new_set:
                status = "capture"
                break
            shared = len(old_set & new_set) / max(1, min(len(old_set), len(new_set)))
            if shared >= NEAR_DUPLICATE:
                return ImportReport(
                    name,
                    "duplicate",
                    f"{name} is a near-duplicate of document {doc['id']} "
                    f"({shared:.0%} of passages shared); not added",
                    doc["id"],
                )
    finally:
        store.close()

    record = ImportedFile(
        sha256=sha,
        file_name=name,
        suffix=path.suffix.lower()[:12],
        format=ex.format,
        encoding=ex.encoding,
        size=len(data),
        title=ex.title or parsed.title or path.stem,
        imported_at=datetime.now(UTC).isoformat(timespec="microseconds"),
    )
    original = library_dir / record.original
    db = _connect(library_dir)
    tmp = original.with_name(f".{original.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, original)
        with db.conn:
            db["imports"].insert(record.__dict__)
    except BaseException:
        tmp.unlink(missing_ok=True)
        original.unlink(missing_ok=True)
        raise
    finally:
        db.conn.close()
    try:
        build_store(store_dir, library=library_dir)
    except BaseException:
        _forget(library_dir, [sha])
        raise
    store = store_cls.open(store_dir)
    try:
        row = store.db.execute("SELECT document_id FROM sources WHERE sha256 = ?", [sha]).fetchone()
        doc_id = row[0]
        message, counts = _counts_message(store, doc_id)
    finally:
        store.close()
    if status == "capture":
        message = f"{name}: stored as another capture of document {doc_id}"
    return ImportReport(name, status, message, doc_id, counts)


def _forget(library_dir: Path, shas: list[str]) -> None:
    db = _connect(library_dir)
    try:
        rows = [r for r in list_imports(library_dir) if r.sha256 in shas]
        with db.conn:
            for r in rows:
                db.execute("DELETE FROM imports WHERE sha256 = ?", [r.sha256])
        for r in rows:
            (library_dir / r.original).unlink(missing_ok=True)
    finally:
        db.conn.close()


def remove_document(
    document_id: str,
    *,
    library_dir: Path | None = None,
    store_dir: Path | None = None,
) -> list[str]:
    """Remove an imported document (every capture of it) from the library.

    Returns:
        The file names removed.

    Raises:
        NotFoundError: No document has that id.
        LiaisonError: The document is part of the bundled corpus.
    """
    from db.build import build_store
    from db.library import ensure_store
    from db.store import Store

    library_dir = library_dir or paths.library_dir()
    store_dir = store_dir or paths.store_dir()
    ensure_store(store_dir=store_dir, library_dir=library_dir)
    store = Store.open(store_dir)
    try:
        doc = store.document(document_id)
        shas = {s["sha256"] for s in doc["sources"]}
    finally:
        store.close()
    if doc["origin"] != "imported":
        raise LiaisonError(f"{document_id} is part of the bundled corpus and cannot be removed")
    rows = [r for r in list_imports(library_dir) if r.sha256 in shas]
    if not rows:
        raise NotFoundError(f"no imported document with id {document_id!r}")
    _forget(library_dir, [r.sha256 for r in rows])
    build_store(store_dir, library=library_dir)
    return [r.file_name for r in rows]
