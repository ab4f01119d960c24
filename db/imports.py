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
import json
import os
import shutil
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
from db.kinds import KIND_NAMES
from db.locking import data_lock
from db.parse import parse_text

LIBRARY_DB = "library.sqlite"
ORIGINALS = "originals"
LIBRARY_SCHEMA_VERSION = 1
LIBRARY_MANIFEST = "manifest.json"
LIBRARY_MANIFEST_VERSION = 1
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


def _connect(library_dir: Path, path: Path | None = None) -> sqlite_utils.Database:
    library_dir.mkdir(parents=True, exist_ok=True)
    (library_dir / ORIGINALS).mkdir(exist_ok=True)
    db = sqlite_utils.Database(sqlite3.connect(path or library_dir / LIBRARY_DB, timeout=30))
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

    Call with the data lock held (:func:`db.locking.data_lock`): an import in
    another process writes its original before it records it.

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
            if p.is_dir():
                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink(missing_ok=True)
            removed.append(p.name)
    return removed


# -- the library manifest --------------------------------------------------------
#
# ``manifest.json`` holds the SHA-256 of ``library.sqlite`` and a copy of its rows
# (the originals are named by their own SHA-256). Every commit writes it twice:
# first with the change marked "pending" (so a process killed between the SQLite
# commit and the manifest update is told apart from damage), then settled.


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def _rows(files: list[ImportedFile]) -> list[dict[str, Any]]:
    return sorted((dict(f.__dict__) for f in files), key=lambda r: r["sha256"])


def _write_json_atomically(path: Path, obj: Any) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            json.dump(obj, fh, indent=1, sort_keys=True, ensure_ascii=False)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_library_manifest(
    library_dir: Path, *, pending: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Record the library's state in ``manifest.json`` (call after each commit, lock held).

    Args:
        library_dir: The library folder.
        pending: A change about to be committed: ``{"add": row}`` or ``{"remove": [sha256]}``.

    Returns:
        The manifest written.
    """
    db_path = library_dir / LIBRARY_DB
    files = list_imports(library_dir)
    manifest = {
        "version": LIBRARY_MANIFEST_VERSION,
        "library_sqlite": _sha256(db_path) if db_path.is_file() else None,
        "imports": _rows(files),
        "originals": {f.original.as_posix(): {"sha256": f.sha256, "size": f.size} for f in files},
        "pending": pending,
    }
    _write_json_atomically(library_dir / LIBRARY_MANIFEST, manifest)
    return manifest


@dataclass
class LibraryCheck:
    """What :func:`check_library` found (read-only: nothing is changed)."""

    exists: bool
    manifest: dict[str, Any] | None
    manifest_problem: str | None  # "missing" | "unreadable" | None
    sqlite_sha: str | None
    rows: list[dict[str, Any]] | None  # None: library.sqlite is missing or unreadable
    journal: bool
    unknown_originals: list[str]
    bad_originals: list[str]  # recorded originals missing or of the wrong size

    @property
    def consistent(self) -> bool:
        """True when the record, its manifest and the originals agree."""
        if not self.exists:
            return True
        return (
            self.manifest is not None
            and not self.manifest.get("pending")
            and self.rows is not None
            and self.sqlite_sha == self.manifest.get("library_sqlite")
            and self.rows == self.manifest.get("imports")
            and not self.journal
            and not self.unknown_originals
            and not self.bad_originals
        )


def check_library(library_dir: Path | None = None) -> LibraryCheck:
    """Compare the library record with its manifest and its originals, changing nothing."""
    library_dir = library_dir or paths.library_dir()
    db_path = library_dir / LIBRARY_DB
    mpath = library_dir / LIBRARY_MANIFEST
    folder = library_dir / ORIGINALS
    originals = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    exists = db_path.exists() or mpath.exists() or bool(originals)
    manifest: dict[str, Any] | None = None
    problem: str | None = None
    if mpath.is_file():
        try:
            manifest = json.loads(mpath.read_text(encoding="utf-8"))
            if not isinstance(manifest, dict) or not isinstance(manifest.get("imports"), list):
                raise ValueError("not a library manifest")
            for row in manifest["imports"]:
                ImportedFile(**row)
        except (ValueError, TypeError, OSError):
            manifest, problem = None, "unreadable"
    elif exists:
        problem = "missing"
    rows: list[dict[str, Any]] | None = None
    sqlite_sha = None
    if db_path.is_file():
        try:
            sqlite_sha = _sha256(db_path)
            rows = _rows(list_imports(library_dir))
        except (LiaisonError, OSError, TypeError):
            rows = None
    journal = (library_dir / f"{LIBRARY_DB}-journal").exists()
    known = {ImportedFile(**r).original.name: r for r in rows or []}
    pending = (manifest or {}).get("pending") or {}
    if isinstance(pending.get("add"), dict):
        try:
            known.setdefault(ImportedFile(**pending["add"]).original.name, pending["add"])
        except TypeError:
            pass
    unknown = [name for name in originals if name not in known]
    bad = []
    for name, row in known.items():
        p = folder / name
        if not p.is_file() or p.stat().st_size != row["size"]:
            bad.append(name)
    return LibraryCheck(exists, manifest, problem, sqlite_sha, rows, journal, unknown, sorted(bad))


def _write_record(library_dir: Path, rows: list[dict[str, Any]]) -> None:
    """Replace ``library.sqlite`` by a new file holding exactly ``rows``."""
    tmp = library_dir / f".{LIBRARY_DB}.rebuild-{os.getpid()}"
    tmp.unlink(missing_ok=True)
    try:
        db = _connect(library_dir, tmp)
        try:
            with db.conn:
                if rows:
                    db["imports"].insert_all(rows)
        finally:
            db.conn.close()
        (library_dir / f"{LIBRARY_DB}-journal").unlink(missing_ok=True)
        os.replace(tmp, library_dir / LIBRARY_DB)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _rows_from_originals(library_dir: Path) -> list[dict[str, Any]]:
    """Rebuild record rows from the stored originals alone (file names and dates are lost)."""
    rows = []
    folder = library_dir / ORIGINALS
    for p in sorted(folder.iterdir()) if folder.is_dir() else []:
        sha, _, suffix = p.name.partition(".")
        if len(sha) != 64 or not p.is_file():
            continue
        try:
            data = p.read_bytes()
            if hashlib.sha256(data).hexdigest() != sha:
                continue
            ex = extract(p, data)
            title = ex.title or parse_text(ex.text, title=None).title
        except (LiaisonError, OSError):
            continue
        stamp = datetime.fromtimestamp(p.stat().st_mtime, UTC)
        rows.append(
            ImportedFile(
                sha256=sha,
                file_name=p.name,
                suffix=f".{suffix}" if suffix else "",
                format=ex.format,
                encoding=ex.encoding,
                size=len(data),
                title=title or p.stem,
                imported_at=stamp.isoformat(timespec="microseconds"),
            ).__dict__
        )
    return rows


def repair_library(library_dir: Path | None = None) -> str | None:
    """Bring the library record, its manifest and its originals back in line.

    Call with the data lock held. An import or removal killed half-way is
    settled silently (the change is either whole or absent); damage is
    repaired from what is intact and described in one sentence.

    Returns:
        One sentence for the officer when something was damaged or lost, else None.
    """
    library_dir = library_dir or paths.library_dir()
    if (library_dir / f"{LIBRARY_DB}-journal").exists():
        try:  # opening read-write lets SQLite roll back a commit that was cut short
            _connect(library_dir).conn.close()
        except (sqlite3.DatabaseError, OSError):
            pass
    check = check_library(library_dir)
    if check.consistent:
        return None
    notes: list[str] = []
    manifest = check.manifest
    rows = check.rows
    if manifest is not None:
        expected = manifest["imports"]
        pending = manifest.get("pending") or {}
        after = list(expected)
        if isinstance(pending.get("add"), dict):
            after = sorted([*expected, pending["add"]], key=lambda r: r["sha256"])
        if pending.get("remove"):
            after = [r for r in expected if r["sha256"] not in set(pending["remove"])]
        unchanged = check.sqlite_sha == manifest.get("library_sqlite")
        if rows is not None and (unchanged or (pending and rows in (expected, after))):
            target = rows
        else:
            target = expected
            what = "is missing" if check.sqlite_sha is None and rows is None else "was damaged"
            if rows is not None and rows == expected:
                what = "had changed on disk"
            _write_record(library_dir, target)
            notes.append(
                f"your library record {LIBRARY_DB} {what}; it was restored from its manifest"
            )
    elif rows is not None:
        target = rows
        if check.manifest_problem == "unreadable":
            notes.append("the library manifest was unreadable and was recreated from the record")
    else:
        target = _rows_from_originals(library_dir)
        _write_record(library_dir, target)
        notes.append(
            f"your library record and its manifest were both damaged; the record was rebuilt "
            f"from the {len(target)} stored originals (their file names and import dates are lost)"
        )
    bad = set(check_library(library_dir).bad_originals)
    lost = [r for r in target if ImportedFile(**r).original.name in bad]
    if lost:
        keep = [r for r in target if r not in lost]
        _write_record(library_dir, keep)
        for r in lost:
            (library_dir / ImportedFile(**r).original).unlink(missing_ok=True)
        names = ", ".join(sorted(r["file_name"] for r in lost))
        notes.append(
            f"{names} could not be kept (the stored original is missing or damaged; "
            "import it again)"
        )
    tidy_library(library_dir)
    write_library_manifest(library_dir)
    if not notes:
        return None
    text = "; ".join(notes)
    return text[0].upper() + text[1:] + "."


def ensure_library(library_dir: Path | None = None) -> str | None:
    """Verify the library record on open; repair it (under the data lock) when needed.

    Returns:
        One sentence when something was damaged or lost, else None.

    Raises:
        LiaisonError: The library is damaged and cannot be repaired (a read-only folder).
    """
    library_dir = library_dir or paths.library_dir()
    if check_library(library_dir).consistent:
        return None
    with data_lock(library_dir.parent):
        try:
            return repair_library(library_dir)
        except (OSError, sqlite3.DatabaseError) as exc:
            if check_library(library_dir).rows is not None:
                return None  # readable as it is; it will be settled when it can be written
            reason = getattr(exc, "strerror", None) or str(exc)
            raise LiaisonError(
                f"your library record {LIBRARY_DB} is damaged and cannot be repaired here "
                f"({reason})"
            ) from exc


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
    parts = [
        f"{kinds[k]} {label[kinds[k] != 1]}" for k, label in KIND_NAMES.items() if kinds.get(k)
    ]
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
    from db.build import StoreWriteError, build_store
    from db.store import Store

    library_dir = library_dir or paths.library_dir()
    store_dir = store_dir or paths.store_dir()
    reports = []
    # One import at a time across processes: a second copy waits for the first.
    with data_lock(library_dir.parent):
        for path in files:
            name = path.name
            try:
                report = _import_one(path, library_dir, store_dir, build_store, Store)
            except ImportRejectedError as exc:
                report = ImportReport(name, "rejected", f"{name} {exc}")
            except StoreWriteError as exc:
                report = ImportReport(name, "rejected", f"{name} was not imported: {exc}")
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
    tmp = original.with_name(f".{original.name}.{os.getpid()}.tmp")
    library_dir.mkdir(parents=True, exist_ok=True)
    write_library_manifest(library_dir, pending={"add": dict(record.__dict__)})
    try:
        db = _connect(library_dir)
        try:
            tmp.write_bytes(data)
            os.replace(tmp, original)
            with db.conn:
                db["imports"].insert(record.__dict__)
        finally:
            db.conn.close()
    except BaseException:
        tmp.unlink(missing_ok=True)
        original.unlink(missing_ok=True)
        write_library_manifest(library_dir)
        raise
    write_library_manifest(library_dir)
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
    rows = [r for r in list_imports(library_dir) if r.sha256 in shas]
    if not rows:
        return
    write_library_manifest(library_dir, pending={"remove": [r.sha256 for r in rows]})
    db = _connect(library_dir)
    try:
        with db.conn:
            for r in rows:
                db.execute("DELETE FROM imports WHERE sha256 = ?", [r.sha256])
    finally:
        db.conn.close()
    for r in rows:
        (library_dir / r.original).unlink(missing_ok=True)
    write_library_manifest(library_dir)


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
    with data_lock(library_dir.parent):
        return _remove(document_id, library_dir, store_dir, build_store, ensure_store, Store)


def _remove(
    document_id: str, library_dir: Path, store_dir: Path, build_store, ensure_store, store_cls
) -> list[str]:
    ensure_store(store_dir=store_dir, library_dir=library_dir)
    store = store_cls.open(store_dir)
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
