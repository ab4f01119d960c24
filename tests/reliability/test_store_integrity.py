"""Store and library integrity: each fault is said in one sentence, repaired, never shown wrong.

Each test damages a real built store (or the officer's library record) on disk,
then runs the real CLI (in process, :class:`click.testing.CliRunner`) or the real
window (:func:`desktop.app.main.run_gui` with ``smoke=True``).
"""

from __future__ import annotations

import errno
import json
import os
import pickle
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from db import paths
from db.freshness import verify_manifest
from db.imports import import_files
from db.library import open_library
from db.originals import LIBRARY_DB, LIBRARY_MANIFEST, list_imports
from desktop.cli import cli
from tests.helpers.documents import RESOLUTION

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (propagateSizeHints|raise)")

QUERY = "maritime piracy"


class Payload:
    """Unpickling this runs code: it writes the marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Callable[..., object], tuple[str]]:
        code = f"import pathlib; pathlib.Path({str(self.marker)!r}).write_text('pwned')"
        return (exec, (code,))


def evil_toc(store: Path, marker: Path) -> None:
    """Replace the segment list pickled in the index's table of contents by a payload."""
    (toc,) = (store / "index").glob("*.toc")
    data = toc.read_bytes()
    start = next(
        i for i in range(len(data)) if data.startswith(b"\x80", i) and _is_segment_list(data[i:])
    )
    toc.write_bytes(data[:start] + pickle.dumps(Payload(marker), protocol=4))


def _is_segment_list(data: bytes) -> bool:
    try:
        return isinstance(pickle.loads(data), list)
    except Exception:
        return False


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


FAULTS: dict[str, Callable[[Path, Path], None]] = {
    "flipped byte in SQLite": lambda s, m: _flip(s / "liaison.sqlite"),
    "truncated SQLite": lambda s, m: os.truncate(s / "liaison.sqlite", 4096),
    "missing Whoosh segment": lambda s, m: next((s / "index").glob("*.seg")).unlink(),
    "missing table of contents": lambda s, m: next((s / "index").glob("*.toc")).unlink(),
    "corrupt table of contents": lambda s, m: _flip(next((s / "index").glob("*.toc"))),
    "code-running table of contents": evil_toc,
    "extra unknown file": lambda s, m: (s / "index" / "notes.txt").write_text("hello"),
    "stale Whoosh write lock": lambda s, m: (s / "index" / "passages_WRITELOCK").touch(),
    "flipped byte in passage vectors": lambda s, m: _flip(s / "vectors.npz"),
    "missing passage vectors": lambda s, m: (s / "vectors.npz").unlink(),
    "stale SQLite journal": lambda s, m: (s / "liaison.sqlite-journal").write_bytes(
        b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7" + b"\0" * 504
    ),
}


@pytest.fixture
def store(built_store: Path) -> Path:
    """A fresh copy of the session's store, as the data folder's store."""
    dest = paths.store_dir()
    shutil.copytree(built_store, dest)
    assert verify_manifest(dest) == []
    return dest


@pytest.fixture
def baseline(library) -> list[str]:
    return [h.passage_id for h in library.search(QUERY).hits]


def cli_search(query: str = QUERY) -> tuple[list[str], list[str]]:
    """Run ``liaison search --json``; return the hit ids and the standard-error lines."""
    result = CliRunner().invoke(cli, ["search", "--json", query])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)["hits"]
    return [h["passage_id"] for h in hits], result.stderr.splitlines()


def one_sentence(line: str) -> None:
    assert line.startswith("liaison: ")
    assert "Traceback" not in line and "\n" not in line
    assert line.rstrip().endswith(".")


@pytest.mark.parametrize("fault", list(FAULTS))
def test_damaged_store_cli_says_so_repairs_and_answers_right(fault, store, baseline, tmp_path):
    marker = tmp_path / "MARKER"
    FAULTS[fault](store, marker)
    assert verify_manifest(store) != []
    hits, err = cli_search()
    assert len(err) == 1, err
    one_sentence(err[0])
    assert err[0].startswith("liaison: The store was damaged (")
    assert hits == baseline
    assert verify_manifest(store) == []
    assert not marker.exists()
    hits, err = cli_search()  # repaired: the next start is silent
    assert (hits, err) == (baseline, [])


@pytest.mark.parametrize("fault", list(FAULTS))
def test_damaged_store_window_says_so_repairs_and_answers_right(
    fault, store, baseline, tmp_path, qapp, capfd
):
    from desktop.app.main import run_gui

    marker = tmp_path / "MARKER"
    FAULTS[fault](store, marker)
    assert run_gui(smoke=True) == 0
    out, err = capfd.readouterr()
    lines = [line for line in err.splitlines() if line.startswith("liaison")]
    assert len(lines) == 1, err
    one_sentence(lines[0])
    assert "store was damaged" in lines[0]
    assert json.loads(out.strip().splitlines()[-1])["viewer_ms"] > 0
    assert verify_manifest(store) == []
    assert not marker.exists()
    with open_library() as lib:
        assert [h.passage_id for h in lib.search(QUERY).hits] == baseline


def test_the_payload_is_live(built_store, tmp_path):
    """Proof the test is meaningful: plain Whoosh would run the payload (we never do)."""
    from whoosh import index

    copy = tmp_path / "store"
    shutil.copytree(built_store, copy)
    marker = tmp_path / "MARKER"
    evil_toc(copy, marker)
    ix = index.open_dir(str(copy / "index"), indexname="passages")
    ix.close()
    assert marker.read_text() == "pwned"


def test_restricted_unpickler_refuses_the_payload_even_with_a_forged_manifest(store, tmp_path):
    from db.build import write_manifest
    from db.errors import StoreError
    from db.reading import Library

    marker = tmp_path / "MARKER"
    evil_toc(store, marker)
    write_manifest(store)  # an attacker who can also rewrite the manifest
    with pytest.raises(StoreError, match="search index is damaged"):
        Library(store)
    assert not marker.exists()


# -- read-only folders and full disks ------------------------------------------------


def test_read_only_store_folder_is_used_as_is(store, baseline):
    modes = {p: p.stat().st_mode for p in [store, *store.rglob("*")]}
    try:
        for p in modes:
            p.chmod(stat.S_IMODE(modes[p]) & ~0o222)
        assert cli_search() == (baseline, [])
    finally:
        for p, mode in modes.items():
            p.chmod(mode)


def _deny_writes_under(monkeypatch: pytest.MonkeyPatch, folder: Path, code: int) -> None:
    """Make creating folders and renaming under ``folder`` fail as a read-only or full disk does."""
    real_mkdir, real_replace = os.mkdir, os.replace
    root = str(folder)

    def inside(*names: object) -> bool:
        return any(str(n).startswith(root) for n in names)

    def mkdir(path, *args, **kwargs):
        if inside(os.fspath(path)):
            raise OSError(code, os.strerror(code), os.fspath(path))
        return real_mkdir(path, *args, **kwargs)

    def replace(src, dst, *args, **kwargs):
        if inside(os.fspath(src), os.fspath(dst)):
            raise OSError(code, os.strerror(code), os.fspath(dst))
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "mkdir", mkdir)
    monkeypatch.setattr(os, "replace", replace)


def test_damaged_store_in_a_read_only_folder_gets_a_working_copy(
    store, baseline, tmp_path, monkeypatch
):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "system-tmp"))
    _flip(store / "liaison.sqlite")
    _deny_writes_under(monkeypatch, paths.data_dir(), errno.EACCES)
    hits, err = cli_search()
    assert hits == baseline
    assert len(err) == 2, err
    for line in err:
        one_sentence(line)
    assert "cannot be written (Permission denied)" in err[1]
    assert "Built a working copy in" in err[1] and str(tmp_path / "system-tmp") in err[1]
    hits, err = cli_search()
    assert hits == baseline
    assert "Using the working copy built earlier" in err[-1]


def _full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Creating any Whoosh index file fails with ENOSPC (the build's biggest write)."""
    from whoosh.filedb.filestore import FileStorage

    def create_file(self, name, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), name)

    monkeypatch.setattr(FileStorage, "create_file", create_file)


def test_full_disk_build_fails_in_one_sentence_old_store_intact(store, baseline, monkeypatch):
    before = (store / "manifest.json").read_bytes()
    with monkeypatch.context() as m:
        _full_disk(m)
        result = CliRunner().invoke(cli, ["build"])
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("liaison: error: there is not enough disk space to write the store")
    assert line.endswith("the previous store is unchanged")
    assert (store / "manifest.json").read_bytes() == before
    assert verify_manifest(store) == []
    assert not [p for p in store.parent.iterdir() if p.name.startswith(".store")]
    assert cli_search() == (baseline, [])


def test_full_disk_import_is_refused_and_the_library_unchanged(
    store, baseline, monkeypatch, tmp_path
):
    note = tmp_path / "note.txt"
    note.write_text("Harbour notes\nThe harbour master described container checks.\n")
    with monkeypatch.context() as m:
        _full_disk(m)
        (report,) = import_files([note])
    assert report.status == "rejected"
    assert report.message.startswith("note.txt was not imported: there is not enough disk space")
    assert "\n" not in report.message
    assert list_imports() == []
    assert verify_manifest(store) == []
    assert cli_search() == (baseline, [])


def test_full_disk_with_a_stale_store_shows_it_as_last_built(
    store, baseline, monkeypatch, qapp, capfd
):
    import db.freshness
    from desktop.app.main import run_gui

    monkeypatch.setattr(db.freshness, "PARSER_VERSION", 999)
    _full_disk(monkeypatch)
    assert run_gui(smoke=True) == 0
    out, err = capfd.readouterr()
    lines = [line for line in err.splitlines() if line.startswith("liaison")]
    assert len(lines) == 2, err
    assert "not enough disk space" in lines[1] and "as last built" in lines[1]
    assert json.loads(out.strip().splitlines()[-1])["viewer_ms"] > 0


# -- the officer's library record ------------------------------------------------------


@pytest.fixture
def imported(store, tmp_path) -> str:
    f = tmp_path / "A_RES_79_999.txt"
    f.write_text(RESOLUTION, encoding="utf-8")
    (report,) = import_files([f])
    assert report.ok, report.message
    return report.document_id


def _library() -> Path:
    return paths.library_dir()


LIBRARY_FAULTS: dict[str, tuple[Callable[[Path], None], str, bool]] = {
    "flipped byte in library.sqlite": (
        lambda lib: _flip(lib / LIBRARY_DB),
        "Your library record library.sqlite",
        True,
    ),
    "truncated library.sqlite": (
        lambda lib: os.truncate(lib / LIBRARY_DB, 100),
        "Your library record library.sqlite was damaged; it was restored from its manifest.",
        True,
    ),
    "record and manifest both damaged": (
        lambda lib: (
            (lib / LIBRARY_MANIFEST).write_text("{not json"),
            (lib / LIBRARY_DB).write_bytes(b"garbage" * 100),
        ),
        "Your library record and its manifest were both damaged; the record was rebuilt "
        "from the 1 stored originals (their file names and import dates are lost).",
        True,
    ),
    "stored original missing": (
        lambda lib: next((lib / "originals").iterdir()).unlink(),
        "A_RES_79_999.txt could not be kept (the stored original is missing or damaged; "
        "import it again).",
        False,
    ),
}


@pytest.mark.parametrize("fault", list(LIBRARY_FAULTS))
def test_damaged_library_record_is_said_and_rebuilt_from_what_is_intact(fault, imported):
    damage, message, kept = LIBRARY_FAULTS[fault]
    damage(_library())
    hits, err = cli_search("kelp forest")
    assert err, "the damage must be reported"
    one_sentence(err[0])
    assert err[0].removeprefix("liaison: ").startswith(message), err
    assert (bool(hits) and hits[0] == f"{imported}:op2") is kept
    with open_library() as lib:
        ids = {d["id"] for d in lib.documents()}
    assert (imported in ids) is kept
    assert cli_search("kelp forest")[1] == []  # repaired: silent next time
