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

import errno
import hashlib
import json
import os
import re
import shutil
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from db import paths
from db.errors import ImportRejectedError, LiaisonError, NotFoundError, ParseError
from db.extract import DEFAULT_LIMITS, IMPORT_SUFFIXES, Deadline, ImportLimits, extract
from db.locking import data_lock
from db.parse import ParsedDocument, parse_text
from db.parse.identity import different_documents
from db.parse.text import short_title

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
            # A record whose creation was cut short (a full disk) has no table yet: empty.
            if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'imports'").fetchone():
                return []
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


def _valid_row(row: object) -> dict[str, Any]:
    """Return ``row`` when it is a record row as :class:`ImportedFile` holds it.

    Raises:
        ValueError: Anything else.
    """
    if not isinstance(row, dict):
        raise ValueError("a row is not an object")
    f = ImportedFile(**row)  # TypeError: missing or unknown keys
    text = ("sha256", "file_name", "suffix", "format", "imported_at")
    if not all(isinstance(getattr(f, k), str) for k in text) or len(f.sha256) != 64:
        raise ValueError("a row has a field of the wrong type")
    if not isinstance(f.size, int) or isinstance(f.size, bool) or f.size < 0:
        raise ValueError("a row has a size that is not a count of bytes")
    if "/" in f.suffix or "\\" in f.suffix or any(c not in "0123456789abcdef" for c in f.sha256):
        raise ValueError("a row names an original outside the originals folder")
    return row


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
            manifest = _valid_manifest(json.loads(mpath.read_text(encoding="utf-8")))
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
    if "add" in pending:
        known.setdefault(ImportedFile(**pending["add"]).original.name, pending["add"])
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
    journal = library_dir / f"{LIBRARY_DB}-journal"
    if journal.exists():
        try:  # opening read-write lets SQLite roll back a commit that was cut short
            _connect(library_dir).conn.close()
        except (sqlite3.DatabaseError, OSError):
            pass
        else:
            # SQLite rolled back and deleted a hot journal; one still there is not hot (a
            # process killed before writing it): stale, and no writer can be running (lock held).
            journal.unlink(missing_ok=True)
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
        if "add" in pending:
            after = sorted([*expected, pending["add"]], key=lambda r: r["sha256"])
        if pending.get("remove"):
            after = [r for r in expected if r["sha256"] not in set(pending["remove"])]
        unchanged = check.sqlite_sha == manifest.get("library_sqlite")
        if rows is not None and "add" in pending and rows == after != expected:
            # An import stays pending until its store was built: one killed before
            # that (or by a document that cannot be built) is undone, never retried.
            target = expected
            _write_record(library_dir, target)
            name = pending["add"]["file_name"]
            notes.append(
                f"the import of {name} was interrupted; it was not added (import it again)"
            )
        elif rows is not None and (unchanged or (pending and rows in (expected, after))):
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


@dataclass
class Skipped:
    """A file or folder a folder import passed over, and why (one clause)."""

    path: Path
    reason: str
    #: True when it could not be read (counted as refused), False for a non-document.
    unreadable: bool = False


@dataclass
class FileScan:
    """What :func:`find_documents` found: the files to import, in order, and what it skipped."""

    files: list[Path] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def find_documents(sources: list[Path]) -> FileScan:
    """Expand files and folders into the files to import.

    A file named directly is kept whatever its type (the import says why it is refused).
    A folder is walked recursively, in name order: hidden files and folders (a name
    starting with ``.``) are passed over silently, symbolic links to folders are not
    followed, a file of a type the importer does not read (see
    :data:`db.extract.IMPORT_SUFFIXES`) and a folder that cannot be listed are skipped
    with a reason. A file met twice is kept once.

    Args:
        sources: Files and folders, as the officer named them.

    Returns:
        The files to import and what was skipped.
    """
    scan = FileScan()
    seen: set[Path] = set()

    def keep(path: Path) -> None:
        key = path.absolute()
        if key not in seen:
            seen.add(key)
            scan.files.append(path)

    def unlistable(exc: OSError) -> None:
        why = exc.strerror or exc.__class__.__name__
        scan.skipped.append(Skipped(Path(exc.filename), f"cannot be read ({why})", True))

    for source in sources:
        if not source.is_dir():
            keep(source)
            continue
        for folder, dirs, names in os.walk(source, onerror=unlistable):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(names):
                if name.startswith("."):
                    continue
                path = Path(folder) / name
                if path.suffix.lower() in IMPORT_SUFFIXES:
                    keep(path)
                else:
                    scan.skipped.append(Skipped(path, "is not a document Liaison imports"))
    return scan


#: progress(done, total, report): called after each file of an import.
ImportProgress = Callable[[int, int, ImportReport], None]


def import_files(
    files: list[Path],
    *,
    library_dir: Path | None = None,
    store_dir: Path | None = None,
    limits: ImportLimits = DEFAULT_LIMITS,
    progress: ImportProgress | None = None,
) -> list[ImportReport]:
    """Import files into the officer's library, one at a time.

    See :func:`iter_imports`, which this runs to the end.
    """
    return list(
        iter_imports(
            files, library_dir=library_dir, store_dir=store_dir, limits=limits, progress=progress
        )
    )


def iter_imports(
    files: list[Path],
    *,
    library_dir: Path | None = None,
    store_dir: Path | None = None,
    limits: ImportLimits = DEFAULT_LIMITS,
    progress: ImportProgress | None = None,
) -> Iterator[ImportReport]:
    """Import files into the officer's library, one at a time, yielding each report.

    Stopping early (closing the iterator, or an interrupt such as Ctrl+C while a
    file is being imported) keeps every file already reported whole and takes the
    file under way back out, so the library holds exactly the files reported.

    Each file is read once, checked, parsed and compared with what the library
    holds before anything is written; the store is then rebuilt to include it.
    Each file runs inside one boundary: whatever goes wrong with it (a damaged
    PDF, a full disk, a bug) becomes a one-line reason in its report, leaves the
    library as it was, and does not stop the files after it.

    Args:
        files: Plain text, Markdown, HTML or PDF files.
        library_dir: The library folder (default: :func:`db.paths.library_dir`).
        store_dir: The working store (default: :func:`db.paths.store_dir`).
        limits: How much work one document may cost (see :class:`db.extract.ImportLimits`).
        progress: Called with ``(done, total, report)`` after each file.

    Yields:
        One report per file, in order.

    Raises:
        LockError: The data folder cannot be locked (nothing was imported).
    """
    library_dir = library_dir or paths.library_dir()
    store_dir = store_dir or paths.store_dir()
    # One import at a time across processes: a second copy waits for the first.
    with data_lock(library_dir.parent):
        for done, path in enumerate(files, start=1):
            report = _import_guarded(path, library_dir, store_dir, limits)
            if progress:
                progress(done, len(files), report)
            yield report


def display_name(path: Path) -> str:
    """Return a file's name fit to record and print: valid UTF-8, no control characters.

    A name that is not valid UTF-8 on disk (bytes such as Latin-1 "é") gets U+FFFD where a
    byte could not be decoded; a newline or other control character becomes ``?``.
    """
    name = os.fsencode(path.name).decode("utf-8", "replace")
    return "".join("?" if ord(c) < 32 or 0x7F <= ord(c) < 0xA0 else c for c in name)


def _import_guarded(
    path: Path, library_dir: Path, store_dir: Path, limits: ImportLimits
) -> ImportReport:
    """Import one file; turn anything that goes wrong into a one-line report."""
    name = display_name(path)
    try:
        return _import_one(path, name, library_dir, store_dir, limits)
    except ImportRejectedError as exc:
        return ImportReport(name, "rejected", f"{name} {exc}")
    except Exception as exc:  # the boundary: nothing one file does may cost the others
        why = describe_failure(exc, library_dir.parent)
        return ImportReport(name, "rejected", f"{name} was not imported: {why}")


def write_problem(exc: OSError | sqlite3.Error, data_dir: Path) -> str:
    """Describe, in one clause, a failure to write the data folder (not to read a source)."""
    if isinstance(exc, sqlite3.Error):
        text = str(exc)
        code = errno.ENOSPC if "full" in text else (errno.EROFS if "readonly" in text else None)
        reason = text
    else:
        code, reason = exc.errno, exc.strerror or str(exc) or exc.__class__.__name__
    if code == errno.ENOSPC:
        return f"there is not enough disk space in the data folder {data_dir}"
    if code in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"the data folder {data_dir} cannot be written ({reason})"
    return f"the data folder {data_dir} could not be written ({reason})"


def _read_source(path: Path, limits: ImportLimits) -> bytes:
    """Read a file to import, once, refusing it when it cannot be read or is too large."""
    too_large = f"is larger than the {limits.max_bytes / (1024 * 1024):g} MB import limit"
    try:
        if not path.is_file():
            raise ImportRejectedError("does not exist or is not a file")
        if path.stat().st_size > limits.max_bytes:
            raise ImportRejectedError(too_large)
        with path.open("rb") as fh:
            data = fh.read(limits.max_bytes + 1)  # a file growing while read is cut here
    except OSError as exc:
        raise ImportRejectedError(f"cannot be read ({exc.strerror or exc})") from exc
    if len(data) > limits.max_bytes:
        raise ImportRejectedError(too_large)
    return data


def _parse(
    text: str, title: str | None, limits: ImportLimits, deadline: Deadline
) -> ParsedDocument:
    """Parse an imported text, refusing it past the passage bound or its deadline."""
    try:
        parsed = parse_text(text, title=title)
    except ParseError as exc:
        raise ImportRejectedError(f"has no passages to import ({exc})") from exc
    deadline.check("while parsing")
    if len(parsed.passages) > limits.max_passages:
        raise ImportRejectedError(
            f"has {len(parsed.passages):,} passages, more than the {limits.max_passages:,} "
            "a document may have (split it into smaller documents)"
        )
    return parsed


def _import_one(
    path: Path, name: str, library_dir: Path, store_dir: Path, limits: ImportLimits
) -> ImportReport:
    from db.build import build_store
    from db.library import ensure_store
    from db.store import Store

    deadline = limits.clock()
    # Read once: what is parsed, hashed and stored as the original are the same bytes,
    # even if the file is replaced while we work.
    data = _read_source(path, limits)
    sha = hashlib.sha256(data).hexdigest()
    ex = extract(path, data, limits=limits, deadline=deadline)
    stem = short_title(Path(name).stem) or "Untitled"
    # Without a title from the file itself, the text's own first heading is its title.
    parsed = _parse(ex.text, ex.title, limits, deadline)

    ensure_store(store_dir=store_dir, library_dir=library_dir)
    store = Store.open(store_dir)
    try:
        row = store.db.execute("SELECT document_id FROM sources WHERE sha256 = ?", [sha]).fetchone()
        if row is not None:
            return ImportReport(
                name, "duplicate", f"{name} is already in the library (document {row[0]})", row[0]
            )
        new_set = _passage_set([p.text for p in parsed.passages])
        meta = parsed.meta
        identity = {"symbol": meta.get("symbol"), "title": parsed.title, "date": meta.get("date")}
        status = "imported"
        for doc in store.documents():
            old_set = _passage_set([p["text"] for p in store.passages(doc["id"])])
            if old_set == new_set:
                status = "capture"
                break
            shared = len(old_set & new_set) / max(1, min(len(old_set), len(new_set)))
            if shared >= NEAR_DUPLICATE and not different_documents(identity, doc):
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
        suffix=path.suffix.lower()[:12] if _SAFE_SUFFIX.fullmatch(path.suffix) else "",
        format=ex.format,
        encoding=ex.encoding,
        size=len(data),
        title=short_title(ex.title or parsed.title) or stem,
        imported_at=datetime.now(UTC).isoformat(timespec="microseconds"),
    )
    original = library_dir / record.original
    tmp = original.with_name(f".{original.name}.{os.getpid()}.tmp")
    library_dir.mkdir(parents=True, exist_ok=True)
    # The addition stays "pending" in the manifest until the store holds the document:
    # an import killed before that is undone on the next start, never retried.
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
        build_store(store_dir, library=library_dir)
        store = Store.open(store_dir)
        try:
            row = store.db.execute(
                "SELECT document_id FROM sources WHERE sha256 = ?", [sha]
            ).fetchone()
            if row is None:
                raise ImportRejectedError("could not be read back from the library; not added")
            doc_id = row[0]
            message, counts = _counts_message(store, doc_id)
        finally:
            store.close()
        write_library_manifest(library_dir)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        _undo_add(library_dir, store_dir, record, exc)
        raise
    if status == "capture":
        message = f"{name}: stored as another capture of document {doc_id}"
    return ImportReport(name, status, message, doc_id, counts)


_SAFE_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,11}")


def _undo_add(
    library_dir: Path, store_dir: Path, record: ImportedFile, cause: BaseException
) -> None:
    """Take a failed addition back out of the record, the originals and the store.

    Raises:
        ImportRejectedError: The undo itself failed; says so, and that the next
            start finishes it (the manifest still marks the addition as pending).
    """
    from db.build import build_store, store_state

    try:
        _forget(library_dir, [record.sha256])
        (library_dir / record.original).unlink(missing_ok=True)
        write_library_manifest(library_dir)
        if store_state(store_dir, library_dir) != "fresh":
            build_store(store_dir, library=library_dir)
    except Exception as exc:
        if not isinstance(cause, Exception):
            raise cause from exc
        data = library_dir.parent
        raise ImportRejectedError(
            f"was not imported: {describe_failure(cause, data)}; undoing it failed too "
            f"({describe_failure(exc, data)}); it will be taken out on the next start"
        ) from exc


def describe_failure(exc: BaseException, data_dir: Path) -> str:
    """Describe in one clause why an import failed after its source was read."""
    if isinstance(exc, LiaisonError):
        return str(exc)
    if isinstance(exc, (OSError, sqlite3.Error)):
        return write_problem(exc, data_dir)
    first = (str(exc).splitlines() or [""])[0][:200]
    what = f"{exc.__class__.__name__}: {first}" if first else exc.__class__.__name__
    return f"unexpected error ({what})"


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
