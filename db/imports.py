"""The use cases that change the officer's library: import files and folders, remove a document.

These are the top of :mod:`db`'s write side and call downward only: the officer's
folder of originals and its record (:mod:`db.originals`), the build of the derived
store (:mod:`db.build`), the store itself (:mod:`db.store`) and
:func:`db.library.ensure_store`. The store is derived from the bundled corpus and the
library's originals. An import, a removal or a re-parse changes it in place, at the
cost of the documents it touches (:func:`db.build.update_store`: one SQLite
transaction, a new index segment, the new passages' vectors), so each either
completes or leaves the library exactly as it was, and a store that lags behind
its record (a killed import, a new parser or gazetteer) is brought back in line on
the next start: in place after a kill, by a full rebuild after a parser or
gazetteer change.
"""

from __future__ import annotations

import errno
import os
import re
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from db import paths
from db.build import library_source, sync_store, update_store
from db.errors import (
    DataFolderError,
    ImportRejectedError,
    LiaisonError,
    NotFoundError,
    ParseError,
)
from db.extract import DEFAULT_LIMITS, Deadline, ImportLimits, extract
from db.files import sha256_bytes
from db.freshness import store_state
from db.kinds import IMPORT_SUFFIXES, KIND_NAMES
from db.library import ensure_store
from db.locking import data_lock
from db.originals import (
    ImportedFile,
    forget,
    list_imports,
    record_original,
    write_library_manifest,
)
from db.parse import ParsedDocument, parse_text
from db.parse.identity import different_documents
from db.parse.text import short_title
from db.store import Store, passage_key

#: Share of passages two documents must have in common to be near-duplicates.
NEAR_DUPLICATE = 0.8


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


def _counts_message(store: Store, document_id: str) -> tuple[str, dict[str, int]]:
    doc = store.document(document_id)
    kinds = Counter(p["kind"] for p in store.passages(document_id))
    entities = store.linked_entity_ids(document_id, "un")
    counts = dict(kinds)
    counts["entities"] = len(entities)
    parts = [
        f"{kinds[k]} {label[kinds[k] != 1]}" for k, label in KIND_NAMES.items() if kinds.get(k)
    ]
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
    :data:`db.kinds.IMPORT_SUFFIXES`) and a folder that cannot be listed are skipped
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
    holds before anything is written; the store is then changed in place to include
    it (:func:`db.build.update_store`).
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
        session = _Session(library_dir, store_dir)
        for done, path in enumerate(files, start=1):
            report = _import_guarded(path, session, limits)
            if progress:
                progress(done, len(files), report)
            yield report


@dataclass
class _Session:
    """One run of imports under the data lock: the store is checked once, not per file."""

    library_dir: Path
    store_dir: Path
    checked: bool = False

    def ensure_store(self) -> None:
        """Check (and repair) the store before the first file, and after any failure."""
        if not self.checked:
            ensure_store(store_dir=self.store_dir, library_dir=self.library_dir)
            self.checked = True


def display_name(path: Path) -> str:
    """Return a file's name fit to record and print: valid UTF-8, no control characters.

    A name that is not valid UTF-8 on disk (bytes such as Latin-1 "é") gets U+FFFD where a
    byte could not be decoded; a newline or other control character becomes ``?``.
    """
    name = os.fsencode(path.name).decode("utf-8", "replace")
    return "".join("?" if ord(c) < 32 or 0x7F <= ord(c) < 0xA0 else c for c in name)


def _import_guarded(path: Path, session: _Session, limits: ImportLimits) -> ImportReport:
    """Import one file; turn anything that goes wrong into a one-line report."""
    name = display_name(path)
    try:
        return _import_one(path, name, session, limits)
    except ImportRejectedError as exc:
        return ImportReport(name, "rejected", f"{name} {exc}")
    except Exception as exc:  # the boundary: nothing one file does may cost the others
        session.checked = False
        why = describe_failure(exc, session.library_dir.parent)
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


def check_writable(*, library_dir: Path | None = None) -> None:
    """Check, before a batch of imports starts, that the data folder can be written.

    Creates the library folder if needed and a temporary file in it (deleted at once),
    so a read-only data folder is one sentence up front rather than the same reason
    once per file. No file is left behind; an existing library is not touched.

    Args:
        library_dir: The library folder (default: :func:`db.paths.library_dir`).

    Raises:
        DataFolderError: It cannot be written (one clause naming the data folder).
    """
    library_dir = library_dir or paths.library_dir()
    try:
        library_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=library_dir, prefix=".liaison-probe-"):
            pass
    except OSError as exc:
        raise DataFolderError(write_problem(exc, library_dir.parent)) from exc


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


def _import_one(path: Path, name: str, session: _Session, limits: ImportLimits) -> ImportReport:
    library_dir, store_dir = session.library_dir, session.store_dir
    deadline = limits.clock()
    # Read once: what is parsed, hashed and stored as the original are the same bytes,
    # even if the file is replaced while we work.
    data = _read_source(path, limits)
    sha = sha256_bytes(data)
    ex = extract(path, data, limits=limits, deadline=deadline)
    stem = short_title(Path(name).stem) or "Untitled"
    # Without a title from the file itself, the text's own first heading is its title.
    parsed = _parse(ex.text, ex.title, limits, deadline)

    session.ensure_store()
    store = Store.open(store_dir)
    try:
        known = store.document_with_source(sha)
        if known is not None:
            return ImportReport(
                name, "duplicate", f"{name} is already in the library (document {known})", known
            )
        status = _compare_with_library(store, parsed, name)
    finally:
        store.close()
    if isinstance(status, ImportReport):
        return status

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
    # The addition stays "pending" in the manifest until the store holds the document:
    # an import killed before that is undone on the next start, never retried.
    try:
        record_original(library_dir, record, data)
        # Parsed again exactly as a full build reads the stored original (its title is
        # the record's), so the store is the same whichever way it was made.
        update_store(
            store_dir, add=[library_source(library_dir, record, data)], library=library_dir
        )
        store = Store.open(store_dir)
        try:
            doc_id = store.document_with_source(sha)
            if doc_id is None:
                raise ImportRejectedError("could not be read back from the library; not added")
            message, counts = _counts_message(store, doc_id)
        finally:
            store.close()
        write_library_manifest(library_dir)
    except BaseException as exc:
        session.checked = False
        _undo_add(library_dir, store_dir, record, exc)
        raise
    if status == "capture":
        message = f"{name}: stored as another capture of document {doc_id}"
    return ImportReport(name, status, message, doc_id, counts)


def _compare_with_library(store: Store, parsed: ParsedDocument, name: str) -> str | ImportReport:
    """Return ``"imported"`` or ``"capture"``, or the report refusing a near-duplicate.

    Only the documents sharing a passage with the new one are read (by the passages'
    keys), in catalog order, so the cost does not grow with the library.
    """
    keys = {passage_key(p.text) for p in parsed.passages}
    meta = parsed.meta
    identity = {"symbol": meta.get("symbol"), "title": parsed.title, "date": meta.get("date")}
    for row in store.documents_sharing(keys):
        if row["shared"] == row["total"] == len(keys):
            return "capture"
        shared = row["shared"] / max(1, min(row["total"], len(keys)))
        if shared >= NEAR_DUPLICATE:
            doc = store.document(row["id"])
            if not different_documents(identity, doc):
                return ImportReport(
                    name,
                    "duplicate",
                    f"{name} is a near-duplicate of document {doc['id']} "
                    f"({shared:.0%} of passages shared); not added",
                    doc["id"],
                )
    return "imported"


_SAFE_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,11}")


def _undo_add(
    library_dir: Path, store_dir: Path, record: ImportedFile, cause: BaseException
) -> None:
    """Take a failed addition back out of the record, the originals and the store.

    Raises:
        ImportRejectedError: The undo itself failed; says so, and that the next
            start finishes it (the manifest still marks the addition as pending).
    """
    try:
        forget(library_dir, [record.sha256])
        (library_dir / record.original).unlink(missing_ok=True)
        write_library_manifest(library_dir)
        if store_state(store_dir, library_dir) != "fresh":
            sync_store(store_dir, library=library_dir)
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
    library_dir = library_dir or paths.library_dir()
    store_dir = store_dir or paths.store_dir()
    with data_lock(library_dir.parent):
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
        # The library first: a removal killed before the store follows is finished on
        # the next start (the store is brought in line with the library, in place).
        forget(library_dir, [r.sha256 for r in rows])
        update_store(store_dir, remove=[document_id], library=library_dir)
        return [r.file_name for r in rows]


def reparse_document(
    document_id: str,
    *,
    library_dir: Path | None = None,
    store_dir: Path | None = None,
) -> str:
    """Parse an imported document again from its stored originals and replace it in place.

    Its passages, mentions, references, index entries and vectors are replaced in one
    change costing what the document costs (the rest of the store is left as it is).
    A parser or gazetteer change re-parses everything instead, on the next start.

    Returns:
        The document's id after the re-parse (the same unless what the parser reads of
        its symbol or title changed).

    Raises:
        NotFoundError: No imported document has that id.
        LiaisonError: The document is part of the bundled corpus (re-parsed with it), or
            an original no longer reads.
    """
    library_dir = library_dir or paths.library_dir()
    store_dir = store_dir or paths.store_dir()
    with data_lock(library_dir.parent):
        ensure_store(store_dir=store_dir, library_dir=library_dir)
        store = Store.open(store_dir)
        try:
            doc = store.document(document_id)
        finally:
            store.close()
        if doc["origin"] != "imported":
            raise LiaisonError(
                f"{document_id} is part of the bundled corpus; it is re-parsed with the corpus"
            )
        shas = [s["sha256"] for s in doc["sources"]]
        rows = {r.sha256: r for r in list_imports(library_dir)}
        if not all(sha in rows for sha in shas):
            raise NotFoundError(f"no imported document with id {document_id!r}")
        # Every capture, primary first (as the store holds them), in the library's order.
        ordered = sorted(shas, key=lambda sha: rows[sha].imported_at)
        sources = [library_source(library_dir, rows[sha]) for sha in ordered]
        update_store(store_dir, add=sources, remove=[document_id], library=library_dir)
        store = Store.open(store_dir)
        try:
            new_id = store.document_with_source(ordered[0])
        finally:
            store.close()
        if new_id is None:
            raise LiaisonError(f"{document_id} could not be read back after parsing it again")
        return new_id
