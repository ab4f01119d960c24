"""Repairing the officer's library record: what opening does when the record's checks fail.

:func:`ensure_library` runs on a start whose library record (:mod:`db.originals`)
is not consistent with its manifest and its originals, or still needs a migration:
it settles an import or removal killed half-way and repairs damage from what is
intact. Rebuilding a lost record re-reads the stored originals (their titles), so
this module uses the extractors and the parsers; a start whose record is sound
never imports it (see :func:`db.reading.open_fresh`).
"""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from db import paths
from db.errors import LiaisonError, LibraryError
from db.extract import extract
from db.files import sha256_bytes
from db.locking import data_lock
from db.originals import (
    LIBRARY_DB,
    ORIGINALS,
    ImportedFile,
    check_library,
    connect_record,
    migrate_library,
    record_needs_migration,
    roll_back_journal,
    tidy_library,
    write_library_manifest,
)
from db.parse import parse_text


def _write_record(library_dir: Path, rows: list[dict[str, Any]]) -> None:
    """Replace ``library.sqlite`` by a new file holding exactly ``rows``."""
    tmp = library_dir / f".{LIBRARY_DB}.rebuild-{os.getpid()}"
    tmp.unlink(missing_ok=True)
    try:
        db = connect_record(library_dir, tmp)
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
            if sha256_bytes(data) != sha:
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
    roll_back_journal(library_dir)
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
    """Verify the library record on open; repair and migrate it when needed (data lock held).

    Returns:
        One sentence when something was damaged or lost, else None.

    Raises:
        LibraryError: The library is damaged and cannot be repaired (a read-only folder).
    """
    library_dir = library_dir or paths.library_dir()
    if check_library(library_dir).consistent and not record_needs_migration(library_dir):
        return None
    with data_lock(library_dir.parent):
        try:
            note = repair_library(library_dir)  # first: it judges the record by its digest
            migrate_library(library_dir)
            return note
        except (OSError, sqlite3.DatabaseError) as exc:
            if check_library(library_dir).rows is not None:
                return None  # readable as it is; it will be settled when it can be written
            reason = getattr(exc, "strerror", None) or str(exc)
            raise LibraryError(
                f"your library record {LIBRARY_DB} is damaged and cannot be repaired here "
                f"({reason})"
            ) from exc
