"""The officer's folder of originals: ``library.sqlite``'s migrations, on real files.

A record made by the schema before migrations existed (written here with that schema's own
CREATE statement, as Liaison 0.1 wrote it) is migrated on open with nothing lost.
"""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlite_utils

from db import paths
from db.errors import LibraryError
from db.files import sha256_bytes
from db.library import open_library
from db.originals import (
    LIBRARY_DB,
    MIGRATION_NAMES,
    MIGRATIONS,
    ImportedFile,
    check_library,
    list_imports,
    record_needs_migration,
    record_original,
    write_library_manifest,
)
from db.repair import ensure_library

#: ``library.sqlite`` as Liaison wrote it before migrations (PRAGMA user_version = 1).
SCHEMA_1 = """
CREATE TABLE "imports" (
   "sha256" TEXT PRIMARY KEY,
   "file_name" TEXT,
   "suffix" TEXT,
   "format" TEXT,
   "encoding" TEXT,
   "size" INTEGER,
   "title" TEXT,
   "imported_at" TEXT
)
"""

NOTES = {
    "lighthouse.txt": "Notes on lighthouses\nThe lighthouse inspection found nothing unusual.\n",
    "drawbridge.md": "# Notes on drawbridges\n\nThe drawbridge inspection found one fault.\n",
}


def _old_library(library: Path) -> list[ImportedFile]:
    """Write a library of two originals whose record has schema 1, with its manifest."""
    (library / "originals").mkdir(parents=True)
    rows = []
    for i, (name, text) in enumerate(NOTES.items()):
        data = text.encode()
        row = ImportedFile(
            sha256=sha256_bytes(data),
            file_name=name,
            suffix=Path(name).suffix,
            format="markdown" if name.endswith(".md") else "text",
            encoding="utf-8",
            size=len(data),
            title=None if i else "Notes on lighthouses",
            imported_at=datetime(2025, 1, 1 + i, tzinfo=UTC).isoformat(timespec="microseconds"),
        )
        (library / row.original).write_bytes(data)
        rows.append(row)
    conn = sqlite3.connect(library / LIBRARY_DB)
    with conn:
        conn.execute(SCHEMA_1)
        conn.executemany(
            "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [tuple(r.__dict__.values()) for r in rows],
        )
        conn.execute("PRAGMA user_version = 1")
    conn.close()
    write_library_manifest(library)
    return rows


def _applied(library: Path) -> list[str]:
    db = sqlite_utils.Database(library / LIBRARY_DB)
    try:
        return [m.name for m in MIGRATIONS.applied(db)]
    finally:
        db.close()


def test_a_record_of_the_first_schema_is_migrated_on_open_with_nothing_lost():
    library = paths.library_dir()
    rows = _old_library(library)
    assert check_library(library).consistent and record_needs_migration(library)

    assert ensure_library(library) is None  # nothing to tell the officer

    assert _applied(library) == list(MIGRATION_NAMES)
    assert not record_needs_migration(library)
    assert list_imports(library) == sorted(rows, key=lambda r: r.imported_at)
    assert check_library(library).consistent  # the manifest has the migrated record's digest
    conn = sqlite3.connect(library / LIBRARY_DB)
    try:
        with pytest.raises(sqlite3.IntegrityError):  # the new schema's constraint holds
            conn.execute("INSERT INTO imports (sha256, size) VALUES (?, 1)", ["f" * 64])
    finally:
        conn.close()
    with open_library() as lib:  # and the documents are there, from their originals
        imported = {
            s["file"]: d for d in lib.documents() if d["origin"] == "imported" for s in d["sources"]
        }
        assert set(imported) == set(NOTES)
        assert lib.search("drawbridge fault").hits[0].document_id == imported["drawbridge.md"]["id"]


def test_a_new_record_is_made_by_the_migrations():
    library = paths.library_dir()
    data = b"Notes on quays\nThe quay inspection found nothing unusual.\n"
    row = ImportedFile(
        sha256_bytes(data), "quay.txt", ".txt", "text", "utf-8", len(data), None, "t"
    )
    record_original(library, row, data)
    assert _applied(library) == list(MIGRATION_NAMES)
    assert list_imports(library) == [row]


def test_a_record_written_by_a_newer_liaison_is_read_but_not_written():
    library = paths.library_dir()
    rows = _old_library(library)
    ensure_library(library)
    db = sqlite_utils.Database(library / LIBRARY_DB)
    db[MIGRATIONS.migrations_table].insert(
        {"migration_set": MIGRATIONS.name, "name": "m999_future", "applied_at": "2099"}
    )
    db.close()
    write_library_manifest(library)
    data = b"Notes on quays\nThe quay inspection found nothing unusual.\n"
    row = ImportedFile(
        sha256_bytes(data), "quay.txt", ".txt", "text", "utf-8", len(data), None, "t"
    )
    with pytest.raises(LibraryError, match=r"was written by a newer Liaison .*m999_future"):
        record_original(library, row, data)
    assert ensure_library(library) is None
    assert len(list_imports(library)) == len(rows)


def _text_row(data: bytes, file_name: str, title: str) -> ImportedFile:
    """Return the record row of a UTF-8 text original holding ``data``."""
    return ImportedFile(
        sha256=sha256_bytes(data),
        file_name=file_name,
        suffix=".txt",
        format="text",
        encoding="utf-8",
        size=len(data),
        title=title,
        imported_at="2026-01-01T00:00:00.000000+00:00",
    )


def test_list_imports_sees_a_record_changed_on_disk_with_its_size_and_mtime(tmp_path):
    library = tmp_path / "library"
    data = b"A text."
    record_original(library, _text_row(data, "a.txt", "First"), data)
    assert [f.title for f in list_imports(library)] == ["First"]
    db_path = library / LIBRARY_DB
    st = db_path.stat()
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE imports SET title = 'Other'")
    conn.close()
    os.utime(db_path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert db_path.stat().st_size == st.st_size
    assert [f.title for f in list_imports(library)] == ["Other"]


@pytest.mark.parametrize("wrong", [True, 1.0, "1"])
def test_a_manifest_row_checked_before_is_checked_again_with_a_size_of_another_type(
    tmp_path, wrong
):
    library = tmp_path / "library"
    data = b"x"  # one byte: a size of 1, equal to True and 1.0 in Python
    record_original(library, _text_row(data, "x.txt", "X"), data)
    write_library_manifest(library)
    check = check_library(library)
    assert check.manifest_problem is None and check.consistent
    mpath = library / "manifest.json"
    manifest = json.loads(mpath.read_text(encoding="utf-8"))
    manifest["imports"][0]["size"] = wrong
    mpath.write_text(json.dumps(manifest), encoding="utf-8")
    assert check_library(library).manifest_problem == "unreadable"
