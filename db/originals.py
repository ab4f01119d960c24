"""The officer's folder of originals: the record of what was imported, and its checks.

The library folder (:func:`db.paths.library_dir`) holds the original files under
``originals/``, named by their SHA-256, ``library.sqlite`` (one row per imported
file: the record, real user data with real migrations) and ``manifest.json`` (the
record's SHA-256 and a copy of its rows). This module writes, checks and repairs
those three; it knows nothing of the derived store built from them (:mod:`db.build`)
nor of the import and removal use cases that call it (:mod:`db.imports`). Repairing a
damaged record (:mod:`db.repair`) re-reads originals with the parsers; checking one
here never does, so opening a sound library imports no parser.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils
from sqlite_utils.migrations import Migrations

from db import paths
from db.errors import LiaisonError, LibraryError
from db.files import (
    read_once,
    remember,
    sha256_bytes,
    sha256_file,
    write_bytes_atomically,
    write_json_atomically,
)

LIBRARY_DB = "library.sqlite"
ORIGINALS = "originals"
LIBRARY_MANIFEST = "manifest.json"
LIBRARY_MANIFEST_VERSION = 1
#: What :func:`db.files.read_once` remembers of ``manifest.json``: the manifest, validated.
MANIFEST_READ = "library manifest"


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
        return Path(ORIGINALS) / self.original_name

    @property
    def original_name(self) -> str:
        """The stored original's file name (in ``originals/``)."""
        return f"{self.sha256}{self.suffix}"


# -- the record's schema ---------------------------------------------------------------
#
# library.sqlite is user data: its schema only moves forward, through MIGRATIONS
# (sqlite_utils.migrations). Append a function to change it; never edit one. A record
# made before migrations existed (schema 1: PRAGMA user_version = 1, no
# _sqlite_migrations table) already holds what m001_imports creates.


def m001_imports(db: sqlite_utils.Database) -> None:
    """The first schema: one row per imported file, keyed by its SHA-256."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS [imports] ([sha256] TEXT PRIMARY KEY, [file_name] TEXT, "
        "[suffix] TEXT, [format] TEXT, [encoding] TEXT, [size] INTEGER, [title] TEXT, "
        "[imported_at] TEXT)"
    )


def m002_required_fields(db: sqlite_utils.Database) -> None:
    """Make every field a row cannot do without NOT NULL, and index the import order."""
    db.execute(
        "CREATE TABLE [imports_new] ("
        "[sha256] TEXT PRIMARY KEY NOT NULL CHECK (length([sha256]) = 64), "
        "[file_name] TEXT NOT NULL, [suffix] TEXT NOT NULL, [format] TEXT NOT NULL, "
        "[encoding] TEXT, [size] INTEGER NOT NULL CHECK ([size] >= 0), [title] TEXT, "
        "[imported_at] TEXT NOT NULL)"
    )
    db.execute(
        "INSERT INTO [imports_new] (sha256, file_name, suffix, format, encoding, size, title, "
        "imported_at) SELECT sha256, file_name, suffix, format, encoding, size, title, "
        "imported_at FROM [imports]"
    )
    db.execute("DROP TABLE [imports]")
    db.execute("ALTER TABLE [imports_new] RENAME TO [imports]")
    db.execute("CREATE INDEX [imports_order] ON [imports] ([imported_at], [sha256])")


#: The record's schema history, oldest first.
MIGRATIONS = Migrations("liaison.library")
MIGRATION_NAMES: tuple[str, ...] = tuple(
    MIGRATIONS()(fn).__name__ for fn in (m001_imports, m002_required_fields)
)


def connect_record(
    library_dir: Path, path: Path | None = None, *, migrate: bool = True
) -> sqlite_utils.Database:
    """Open the record (or a new one at ``path``) for writing, migrated to the current schema.

    Args:
        library_dir: The library folder (created with its originals folder if needed).
        path: Another file to open instead of ``library.sqlite`` (a replacement being built).
        migrate: Apply pending migrations (False only to let SQLite roll back a journal).

    Raises:
        LibraryError: The record was written by a newer Liaison (nothing is changed).
    """
    library_dir.mkdir(parents=True, exist_ok=True)
    (library_dir / ORIGINALS).mkdir(exist_ok=True)
    db = sqlite_utils.Database(sqlite3.connect(path or library_dir / LIBRARY_DB, timeout=30))
    if not migrate:
        return db
    try:
        unknown = sorted({m.name for m in MIGRATIONS.applied(db)} - set(MIGRATION_NAMES))
        if unknown:
            raise LibraryError(
                f"your library record {LIBRARY_DB} was written by a newer Liaison "
                f"(schema {', '.join(unknown)}); it was left as it is"
            )
        if MIGRATIONS.pending(db):
            MIGRATIONS.apply(db)
    except BaseException:
        db.conn.close()
        raise
    return db


def record_needs_migration(library_dir: Path | None = None) -> bool:
    """True when ``library.sqlite`` exists and has migrations still to apply (read-only check)."""
    library_dir = library_dir or paths.library_dir()
    db_path = library_dir / LIBRARY_DB
    if not db_path.is_file():
        return False
    try:
        conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return bool(MIGRATIONS.pending(sqlite_utils.Database(conn)))
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False  # damaged: repair_library deals with it


def migrate_library(library_dir: Path | None = None) -> list[str]:
    """Bring the record to the current schema and settle its manifest (data lock held).

    Returns:
        The names of the migrations applied (empty when there were none).
    """
    library_dir = library_dir or paths.library_dir()
    if not record_needs_migration(library_dir):
        return []
    db = connect_record(library_dir, migrate=False)
    try:
        pending = [m.name for m in MIGRATIONS.pending(db)]
        MIGRATIONS.apply(db)
    finally:
        db.conn.close()
    # The record's bytes changed, its rows did not: the manifest records the new digest.
    write_library_manifest(library_dir)
    return pending


def list_imports(library_dir: Path | None = None) -> list[ImportedFile]:
    """Return the library's imported files, oldest first (empty when there is no library).

    The record is hashed on every call and read again only when its bytes changed
    (:func:`db.files.read_once`); the rows returned are shared: do not change them.
    """
    library_dir = library_dir or paths.library_dir()
    db_path = library_dir / LIBRARY_DB
    if not db_path.is_file():
        return []
    if (library_dir / f"{LIBRARY_DB}-journal").exists():
        return list(_read_imports(db_path))  # a commit cut short: SQLite decides, every time
    try:
        files = read_once("library record", db_path, lambda: _read_imports(db_path))
    except OSError:
        return list(_read_imports(db_path))
    assert isinstance(files, tuple)
    return list(files)


def _read_imports(db_path: Path) -> tuple[ImportedFile, ...]:
    try:
        conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
        conn.row_factory = sqlite3.Row
        try:
            # A record whose creation was cut short (a full disk) has no table yet: empty.
            if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'imports'").fetchone():
                return ()
            rows = conn.execute("SELECT * FROM imports ORDER BY imported_at, sha256").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise LibraryError(f"the library record {LIBRARY_DB} is damaged ({exc})") from exc
    return tuple(ImportedFile(**dict(r)) for r in rows)


def _record_rows(library_dir: Path) -> list[dict[str, Any]]:
    """Return :func:`list_imports` as manifest rows (sorted by SHA-256), fresh dicts."""
    db_path = library_dir / LIBRARY_DB
    if not db_path.is_file() or (library_dir / f"{LIBRARY_DB}-journal").exists():
        return _rows(list_imports(library_dir))
    try:
        rows = read_once("library rows", db_path, lambda: _rows(list_imports(library_dir)))
    except OSError:
        return _rows(list_imports(library_dir))
    assert isinstance(rows, list)
    return [dict(r) for r in rows]


def library_fingerprint(library_dir: Path | None = None) -> str:
    """Return a fingerprint of the library's content (part of the store's inputs)."""
    text = "".join(
        f"{f.sha256}\x1f{f.title}\x1f{f.file_name}\x1e" for f in list_imports(library_dir)
    )
    return sha256_bytes(text.encode())


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
    known = {f.original_name for f in list_imports(library_dir)}
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
# (the originals are named by their own SHA-256 and suffix, and each row holds its size:
# the manifest of an earlier version also listed them, and that list is ignored). Every
# commit writes it twice: first with the change marked "pending" (so a process killed
# between the SQLite commit and the manifest update is told apart from damage), then
# settled.


def _rows(files: list[ImportedFile]) -> list[dict[str, Any]]:
    return sorted((dict(f.__dict__) for f in files), key=lambda r: r["sha256"])


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
    manifest = {
        "version": LIBRARY_MANIFEST_VERSION,
        "library_sqlite": sha256_file(db_path) if db_path.is_file() else None,
        "imports": _record_rows(library_dir),
        "pending": pending,
    }
    data = write_json_atomically(library_dir / LIBRARY_MANIFEST, manifest)
    # Read back while it holds these bytes, it is this manifest: remembered when valid.
    try:
        remember(MANIFEST_READ, data, _manifest_copy(_valid_manifest(manifest)))
    except (ValueError, TypeError):
        pass  # judged again when read (and repaired)
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


_HEX_SHA256 = re.compile(r"[0-9a-f]{64}")


#: Rows :func:`_valid_row` accepted, as their (key, type, value) items (a manifest is
#: checked on every write and read; its thousand rows are mostly the ones checked before).
#: The type is part of the key: ``True == 1``, but a size of ``true`` is no count of bytes.
_VALID_ROWS: set[tuple[tuple[str, type, object], ...]] = set()


def _valid_row(row: object) -> dict[str, Any]:
    """Return ``row`` when it is a record row as :class:`ImportedFile` holds it.

    Raises:
        ValueError: Anything else.
    """
    if not isinstance(row, dict):
        raise ValueError("a row is not an object")
    try:
        items = tuple((k, type(v), v) for k, v in sorted(row.items()))
        if items in _VALID_ROWS:
            return row
    except TypeError:  # a value that cannot be hashed (a list): judged below
        items = None
    _check_row(row)
    if items is not None:
        if len(_VALID_ROWS) > 100_000:
            _VALID_ROWS.clear()
        _VALID_ROWS.add(items)
    return row


def _check_row(row: dict[str, Any]) -> None:
    """Raise ValueError or TypeError unless ``row`` is a record row (see :func:`_valid_row`)."""
    f = ImportedFile(**row)  # TypeError: missing or unknown keys
    text = (f.sha256, f.file_name, f.suffix, f.format, f.imported_at)
    if not all([isinstance(v, str) for v in text]) or len(f.sha256) != 64:
        raise ValueError("a row has a field of the wrong type")
    if not isinstance(f.size, int) or isinstance(f.size, bool) or f.size < 0:
        raise ValueError("a row has a size that is not a count of bytes")
    if "/" in f.suffix or "\\" in f.suffix or _HEX_SHA256.fullmatch(f.sha256) is None:
        raise ValueError("a row names an original outside the originals folder")


def _valid_manifest(manifest: object) -> dict[str, Any]:
    """Return a library manifest read from disk when it has the shape this module writes.

    Raises:
        ValueError: Valid JSON of the wrong shape (``"pending": "x"``, ``{"remove": 5}``, …).
    """
    if not isinstance(manifest, dict) or not isinstance(manifest.get("imports"), list):
        raise ValueError("not a library manifest")
    for row in manifest["imports"]:
        _valid_row(row)
    if not isinstance(manifest.get("library_sqlite"), (str, type(None))):
        raise ValueError("library_sqlite is not a digest")
    pending = manifest.get("pending")
    if pending is not None:
        if not isinstance(pending, dict) or len(pending) != 1:
            raise ValueError("pending is not one change")
        if "add" in pending:
            _valid_row(pending["add"])
        elif not (
            isinstance(pending.get("remove"), list)
            and all(isinstance(x, str) for x in pending["remove"])
        ):
            raise ValueError("pending is neither an addition nor a removal")
    return manifest


def _read_manifest(path: Path) -> dict[str, Any]:
    """Read and validate a library manifest; a copy whose bytes were validated before is reused.

    Raises:
        ValueError, TypeError, OSError: It is not a valid library manifest.
    """

    def read() -> dict[str, Any]:
        return _valid_manifest(json.loads(path.read_text(encoding="utf-8")))

    manifest = read_once(MANIFEST_READ, path, read)
    assert isinstance(manifest, dict)
    return _manifest_copy(manifest)


def _manifest_copy(manifest: dict[str, Any]) -> dict[str, Any]:
    """Copy a manifest's rows and pending change (cheap), so the copy may be changed."""
    return {
        **manifest,
        "imports": [dict(r) for r in manifest["imports"]],
        "pending": copy.deepcopy(manifest.get("pending")),
    }


def check_library(library_dir: Path | None = None) -> LibraryCheck:
    """Compare the library record with its manifest and its originals, changing nothing."""
    library_dir = library_dir or paths.library_dir()
    db_path = library_dir / LIBRARY_DB
    mpath = library_dir / LIBRARY_MANIFEST
    folder = library_dir / ORIGINALS
    present: dict[str, os.DirEntry[str]] = {}
    if folder.is_dir():
        with os.scandir(folder) as entries:
            present = {e.name: e for e in entries}
    originals = sorted(present)
    exists = db_path.exists() or mpath.exists() or bool(originals)
    manifest: dict[str, Any] | None = None
    problem: str | None = None
    if mpath.is_file():
        try:
            manifest = _read_manifest(mpath)
        except (ValueError, TypeError, OSError):
            manifest, problem = None, "unreadable"
    elif exists:
        problem = "missing"
    rows: list[dict[str, Any]] | None = None
    sqlite_sha = None
    if db_path.is_file():
        try:
            sqlite_sha = sha256_file(db_path)
            rows = _record_rows(library_dir)
        except (LiaisonError, OSError, TypeError):
            rows = None
    journal = (library_dir / f"{LIBRARY_DB}-journal").exists()
    known = {f"{r['sha256']}{r['suffix']}": r for r in rows or []}
    pending = (manifest or {}).get("pending") or {}
    if "add" in pending:
        known.setdefault(ImportedFile(**pending["add"]).original_name, pending["add"])
    unknown = [name for name in originals if name not in known]
    bad = []
    for name, row in known.items():
        entry = present.get(name)
        if entry is None or not entry.is_file() or entry.stat().st_size != row["size"]:
            bad.append(name)
    return LibraryCheck(exists, manifest, problem, sqlite_sha, rows, journal, unknown, sorted(bad))


def roll_back_journal(library_dir: Path) -> None:
    """Let SQLite roll back a commit of the record that was cut short (data lock held)."""
    journal = library_dir / f"{LIBRARY_DB}-journal"
    if journal.exists():
        try:  # opening read-write lets SQLite roll back a commit that was cut short
            db = connect_record(library_dir, migrate=False)
            try:
                db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            finally:
                db.conn.close()
        except (sqlite3.DatabaseError, OSError):
            pass
        else:
            # SQLite rolled back and deleted a hot journal; one still there is not hot (a
            # process killed before writing it): stale, and no writer can be running (lock held).
            journal.unlink(missing_ok=True)


def pending_addition(library_dir: Path | None = None) -> str | None:
    """Return the SHA-256 of an addition the manifest still marks pending, if any.

    Reads the manifest alone (a manifest it cannot read marks nothing: the library's
    own check and repair deal with it).
    """
    path = (library_dir or paths.library_dir()) / LIBRARY_MANIFEST
    try:
        pending = json.loads(path.read_text(encoding="utf-8")).get("pending")
        sha = pending["add"]["sha256"] if isinstance(pending, dict) else None
    except (OSError, ValueError, AttributeError, KeyError, TypeError):
        return None
    return sha if isinstance(sha, str) else None


def settle_addition(library_dir: Path, sha256: str) -> bool:
    """Keep a pending addition whose document the store already holds (data lock held).

    An import killed after the store took its document but before the library's
    manifest said so is whole: it is settled, not undone.

    Returns:
        True when it was settled (the record holds exactly the rows before it and it).
    """
    roll_back_journal(library_dir)
    check = check_library(library_dir)
    pending = (check.manifest or {}).get("pending") or {}
    row = pending.get("add")
    if check.manifest is None or row is None or row["sha256"] != sha256 or check.rows is None:
        return False
    after = sorted([*check.manifest["imports"], row], key=lambda r: r["sha256"])
    if check.rows != after or row["sha256"] in {r["sha256"] for r in check.manifest["imports"]}:
        return False
    if ImportedFile(**row).original.name in check.bad_originals:
        return False
    write_library_manifest(library_dir)
    return True


def forget(library_dir: Path, shas: list[str]) -> list[ImportedFile]:
    """Take files out of the record and delete their originals (call with the data lock held).

    The removal is marked pending in the manifest first, so a process killed half-way
    is told apart from damage and settled on the next start.

    Args:
        library_dir: The library folder.
        shas: The SHA-256 of each file to take out (unknown ones are ignored).

    Returns:
        The record rows removed.
    """
    rows = [r for r in list_imports(library_dir) if r.sha256 in shas]
    if not rows:
        return []
    write_library_manifest(library_dir, pending={"remove": [r.sha256 for r in rows]})
    db = connect_record(library_dir)
    try:
        with db.conn:
            for r in rows:
                db.execute("DELETE FROM imports WHERE sha256 = ?", [r.sha256])
    finally:
        db.conn.close()
    for r in rows:
        (library_dir / r.original).unlink(missing_ok=True)
    write_library_manifest(library_dir)

    return rows


def record_original(library_dir: Path, record: ImportedFile, data: bytes) -> None:
    """Store an original and add its row to the record (call with the data lock held).

    The manifest marks the addition pending before anything is written; the caller
    settles it with :func:`write_library_manifest` once the store holds the document
    (or takes it back out with :func:`forget`). An addition still pending on the next
    start is undone, never retried.

    Args:
        library_dir: The library folder.
        record: The row to add.
        data: The original's bytes (their SHA-256 is ``record.sha256``).
    """
    db = connect_record(library_dir)  # first: a record it may not write stops everything here
    try:
        write_library_manifest(library_dir, pending={"add": dict(record.__dict__)})
        write_bytes_atomically(library_dir / record.original, data)
        with db.conn:
            db["imports"].insert(record.__dict__)
    finally:
        db.conn.close()
