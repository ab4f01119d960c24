"""Hostile and unlucky imports: bounded work, one line per file, and what is said is what is kept.

Every test imports real files (text, HTML, PDFs written by the tests) into a real
library and then checks, through the real CLI (``liaison documents --json``, in
process), that the library holds exactly what the reports said. Faults of the
machine (a full disk, a read-only folder, a file replaced while it is read) are
simulated by monkeypatching the operating system's or pypdf's side, never our store.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from db import paths
from db.extract import ImportLimits
from db.freshness import verify_manifest
from db.imports import import_files
from db.originals import check_library, list_imports
from desktop.cli import cli
from tests.helpers.documents import (
    RESOLUTION,
    aes_encrypted_pdf,
    make_raw_pdf,
    resolution_pdf,
    text_ops,
)

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (propagateSizeHints|raise)")


@pytest.fixture
def store(built_store: Path) -> Path:
    """The session's store copied in as the data folder's store (imports start fast)."""
    dest = paths.store_dir()
    shutil.copytree(built_store, dest)
    return dest


def cli_documents() -> tuple[list[dict], list[str]]:
    """Run ``liaison documents --json``; return the imported documents and stderr lines."""
    result = CliRunner().invoke(cli, ["documents", "--json"])
    assert result.exit_code == 0, result.output
    docs = [d for d in json.loads(result.stdout) if d["origin"] == "imported"]
    return docs, result.stderr.splitlines()


def imported_files() -> set[str]:
    """The file names of every imported source the store shows."""
    return {s["file"] for d in cli_documents()[0] for s in d["sources"]}


def one_line(message: str) -> None:
    assert "\n" not in message and "Traceback" not in message, message
    assert len(message) < 400, message


def note(folder: Path, name: str, word: str) -> Path:
    f = folder / name
    f.write_text(f"Notes on {word}\n\nThe {word} inspection at the port found nothing unusual.\n")
    return f


# -- 2. bounded work ------------------------------------------------------------------


def test_unclosed_html_title_is_not_the_whole_page(store, tmp_path):
    body = "".join(
        f"<p>Paragraph {i} on maritime cooperation between the port police units.</p>\n"
        for i in range(400)
    )
    page = tmp_path / "unclosed.html"
    page.write_text(f"<html><title>Port cooperation\n{body}</html>", encoding="utf-8")
    assert page.stat().st_size > 30_000
    started = time.perf_counter()
    (report,) = import_files([page])
    seconds = time.perf_counter() - started
    assert report.ok, report.message
    (doc,) = cli_documents()[0]
    assert len(doc["title"]) <= 200, len(doc["title"])
    result = CliRunner().invoke(cli, ["show", doc["id"], "--json"])
    citations = [p["citation"] for p in json.loads(result.stdout)["passages"]]
    assert len(citations) == 400
    assert max(len(c) for c in citations) < 260
    print(f"unclosed <title>, {page.stat().st_size} bytes: imported in {seconds:.1f} s")


def test_pdf_pages_sharing_one_huge_content_stream_are_refused_fast(store, tmp_path):
    ops = text_ops(["Harbour security notes for the port authority."] * 3)
    ops += b"1 0 0 1 0 0 cm\n" * 50_000  # 350,000 tokens, over the default bound per page
    pdf = make_raw_pdf(tmp_path / "shared.pdf", [ops] * 8, shared=True)
    started = time.perf_counter()
    (report,) = import_files([pdf])
    seconds = time.perf_counter() - started
    assert report.status == "rejected"
    one_line(report.message)
    assert report.message == (
        "shared.pdf has a page (1) with more drawing instructions than the 300,000 a page may have"
    )
    assert list_imports() == [] and imported_files() == set()
    print(f"8 pages sharing a 350,000-token stream: refused in {seconds:.1f} s")


def test_pdf_bounds_per_page_and_in_time_are_parameters(store, tmp_path):
    ops = text_ops(["Harbour security notes for the port authority."] * 40)
    pdf = make_raw_pdf(tmp_path / "pages.pdf", [ops] * 30, shared=True)
    cases = {
        ImportLimits(max_page_tokens=100): "with more drawing instructions than the 100",
        ImportLimits(max_page_chars=500): "with more text than the 500 characters",
        ImportLimits(max_text_chars=5_000): "more text than the 5,000 characters",
        ImportLimits(max_seconds=0.0): "takes too long to read (over the 0 s limit",
    }
    for limits, expected in cases.items():
        (report,) = import_files([pdf], limits=limits)
        assert report.status == "rejected", limits
        one_line(report.message)
        assert expected in report.message, report.message
    assert list_imports() == []
    (report,) = import_files([pdf])  # within the default bounds
    assert report.ok, report.message


def test_text_of_many_short_paragraphs_is_refused_past_the_passage_bound(store, tmp_path):
    text = "Short notes\n\n" + "".join(f"Item {i} was checked.\n\n" for i in range(3_000))
    f = tmp_path / "many.txt"
    f.write_text(text)
    (report,) = import_files([f], limits=ImportLimits(max_passages=1_000))
    assert report.status == "rejected"
    assert report.message == (
        "many.txt has 3,000 passages, more than the 1,000 a document may have "
        "(split it into smaller documents)"
    )
    (report,) = import_files([f], limits=ImportLimits(max_text_chars=50_000))
    assert report.message == (
        "many.txt has more text than the 50,000 characters a document may have"
    )
    assert list_imports() == [] and imported_files() == set()


KILL_DURING_BUILD = """
import os, sys
from pathlib import Path
import db.imports
from db.imports import import_files

def killed(*args, **kwargs):
    os._exit(9)  # the process dies as the store is about to take the document

db.imports.update_store = killed  # the name the import use case calls
import_files([Path(sys.argv[1])])
"""


def test_an_import_killed_during_its_build_is_undone_once_never_retried(store, tmp_path):
    f = note(tmp_path, "killed.txt", "lighthouse")
    env = {**os.environ, paths.ENV_DATA_DIR: str(paths.data_dir())}
    proc = subprocess.run(
        [sys.executable, "-c", KILL_DURING_BUILD, str(f)], env=env, capture_output=True
    )
    assert proc.returncode == 9
    assert [x.file_name for x in list_imports()] == ["killed.txt"]  # the record was written
    docs, err = cli_documents()
    assert docs == []
    assert err == [
        "liaison: The import of killed.txt was interrupted; it was not added (import it again)."
    ]
    assert list_imports() == [] and check_library().consistent
    docs, err = cli_documents()  # the next start: nothing to redo, nothing said
    assert docs == [] and err == []


# -- 3. one boundary per file -----------------------------------------------------------


def _full_library_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite finds the disk full when it writes the library record (max_page_count)."""
    real_connect = sqlite3.connect
    library = str(paths.library_dir())

    def connect(database, *args, **kwargs):
        conn = real_connect(database, *args, **kwargs)
        if str(database).startswith(library):
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            conn.execute(f"PRAGMA max_page_count = {max(pages, 1)}")
        return conn

    monkeypatch.setattr(sqlite3, "connect", connect)


def test_each_file_gets_one_line_and_the_others_carry_on(store, tmp_path, monkeypatch):
    good1 = note(tmp_path, "first.txt", "lighthouse")
    aes = aes_encrypted_pdf(resolution_pdf(tmp_path / "plain.pdf"), tmp_path / "aes.pdf")
    bad_stream = (
        text_ops(["Harbour security notes for the port authority."]) + b"5 BI /W 1 ID x EI\n"
    )
    asserting = make_raw_pdf(tmp_path / "assert.pdf", [bad_stream])
    odd_name = tmp_path / os.fsdecode(b"caf\xe9 notes.txt")
    odd_name.write_text("Cafe notes\n\nThe drawbridge inspection found nothing unusual.\n")
    good2 = note(tmp_path, "last.txt", "portcullis")
    reports = import_files([good1, aes, asserting, odd_name, good2])
    assert [r.status for r in reports] == [
        "imported",
        "rejected",
        "rejected",
        "imported",
        "imported",
    ]
    for r in reports:
        one_line(r.message)
    assert reports[1].message == (
        "aes.pdf is an encrypted PDF (AES), which Liaison cannot decrypt; "
        "save an unencrypted copy and import that"
    )
    assert reports[2].message == "assert.pdf is not a readable PDF (the file is damaged)"
    assert reports[3].file == "caf\ufffd notes.txt"
    assert imported_files() == {"first.txt", "caf\ufffd notes.txt", "last.txt"}
    assert check_library().consistent


def test_full_disk_while_recording_is_one_line_and_the_library_unchanged(
    store, tmp_path, monkeypatch
):
    files = [note(tmp_path, "first.txt", "lighthouse"), note(tmp_path, "second.txt", "bridge")]
    with monkeypatch.context() as m:
        _full_library_disk(m)
        reports = import_files(files)
    for r, f in zip(reports, files, strict=True):
        assert r.status == "rejected"
        assert r.message == (
            f"{f.name} was not imported: there is not enough disk space in the data folder "
            f"{paths.data_dir()}"
        )
    assert imported_files() == set()
    assert list_imports() == []
    assert check_library().consistent


# -- 6. what is reported is what is stored ----------------------------------------------


def _deny_writes_under(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Creating folders, renaming and opening files for writing under ``folder`` fail (EACCES)."""
    import builtins
    import io

    root = str(folder)
    real_mkdir, real_replace, real_open = os.mkdir, os.replace, io.open

    def denied(path: object) -> OSError:
        return PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(path))

    def inside(path: object) -> bool:
        return isinstance(path, (str, os.PathLike)) and os.fspath(path).startswith(root)

    def mkdir(path, *args, **kwargs):
        if inside(path):
            raise denied(path)
        return real_mkdir(path, *args, **kwargs)

    def replace(src, dst, *args, **kwargs):
        if inside(src) or inside(dst):
            raise denied(dst)
        return real_replace(src, dst, *args, **kwargs)

    def open_(file, mode="r", *args, **kwargs):
        if inside(file) and any(c in mode for c in "wax+"):
            raise denied(file)
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(os, "mkdir", mkdir)
    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(io, "open", open_)
    monkeypatch.setattr(builtins, "open", open_)


def test_read_only_data_folder_names_the_data_folder_not_the_source(store, tmp_path, monkeypatch):
    f = note(tmp_path, "harbour.txt", "lighthouse")
    with monkeypatch.context() as m:
        _deny_writes_under(m, paths.library_dir())
        (report,) = import_files([f])
    assert report.status == "rejected"
    one_line(report.message)
    assert "cannot be read" not in report.message
    assert report.message.startswith(
        f"harbour.txt was not imported: the data folder {paths.data_dir()} cannot be written"
    )
    assert list_imports() == [] and imported_files() == set()


def test_folder_made_read_only_during_the_import_is_reported_as_it_ends(
    store, tmp_path, monkeypatch
):
    """The store cannot be written, and then neither can the library to undo the addition."""
    from whoosh.filedb.filestore import FileStorage

    f = note(tmp_path, "harbour.txt", "lighthouse")
    with monkeypatch.context() as m:

        def create_file(self, name, *args, **kwargs):
            _deny_writes_under(m, paths.library_dir())  # from now on: read-only
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), name)

        m.setattr(FileStorage, "create_file", create_file)
        (report,) = import_files([f])
    assert report.status == "rejected"
    one_line(report.message)
    assert "cannot be read" not in report.message
    assert report.message.startswith(
        f"harbour.txt was not imported: the folder {paths.data_dir()} cannot be written"
    )
    assert report.message.endswith("it will be taken out on the next start")
    docs, err = cli_documents()  # the next start finishes the undo, as the message said
    assert len(err) == 1 and "harbour.txt was interrupted" in err[0], err
    assert docs == []
    assert list_imports() == [] and check_library().consistent


def test_file_replaced_while_parsed_is_read_once(store, tmp_path, monkeypatch):
    import pypdf

    pdf = resolution_pdf(tmp_path / "resolution.pdf")
    original = pdf.read_bytes()
    real_reader = pypdf.PdfReader

    def replaced_while_parsing(*args, **kwargs):
        pdf.write_bytes(b"not a PDF at all " * 100_000)  # swapped on disk mid-import
        return real_reader(*args, **kwargs)

    with monkeypatch.context() as m:
        m.setattr(pypdf, "PdfReader", replaced_while_parsing)
        (report,) = import_files([pdf])
    assert report.ok, report.message
    (row,) = list_imports()
    assert row.sha256 == hashlib.sha256(original).hexdigest() and row.size == len(original)
    assert (paths.library_dir() / row.original).read_bytes() == original
    (doc,) = cli_documents()[0]
    assert doc["id"] == report.document_id
    assert doc["sources"] == [{"file": "resolution.pdf", "sha256": row.sha256}]
    assert verify_manifest(store) == []


def test_a_missing_source_is_the_only_cannot_be_read(store, tmp_path):
    (report,) = import_files([tmp_path / "nowhere" / "gone.txt"])
    assert report.message == "gone.txt does not exist or is not a file"


# -- 9. names and titles -------------------------------------------------------------------


def test_newline_in_a_file_name_never_reaches_the_title(store, tmp_path):
    f = tmp_path / "harbour\nnotes.txt"
    f.write_text("the lighthouse inspection at the port found nothing unusual at all.\n")
    (report,) = import_files([f])
    assert report.ok, report.message
    assert report.file == "harbour?notes.txt"
    (doc,) = cli_documents()[0]
    assert "\n" not in doc["title"] and "\n" not in doc["sources"][0]["file"]


def test_resolution_text_import_still_cites_by_symbol(store, tmp_path):
    f = tmp_path / "A_RES_79_999.txt"
    f.write_text(RESOLUTION, encoding="utf-8")
    (report,) = import_files([f])
    assert report.ok and report.document_id == "a-res-79-999"


def test_an_empty_journal_left_by_a_kill_is_cleared_on_the_next_start(store, tmp_path):
    """A process killed as SQLite created its journal leaves an empty, not hot, journal."""
    (report,) = import_files([note(tmp_path, "harbour.txt", "lighthouse")])
    assert report.ok
    (paths.library_dir() / "library.sqlite-journal").write_bytes(b"")
    assert not check_library().consistent
    docs, _ = cli_documents()
    assert [d["id"] for d in docs] == [report.document_id]
    assert check_library().consistent
