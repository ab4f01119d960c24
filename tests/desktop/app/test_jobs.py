"""The library's jobs: opening happens off the GUI thread, and the library works on it after."""

from __future__ import annotations

import shutil
import threading

import db.library
import db.reading
from db import paths
from desktop.app.jobs import LibraryJobs


def _spy(monkeypatch, module, name: str) -> list[int]:
    """Record the thread each call of ``module.name`` runs on."""
    real = getattr(module, name)
    threads: list[int] = []

    def spy(**kwargs):
        threads.append(threading.get_ident())
        return real(**kwargs)

    monkeypatch.setattr(module, name, spy)
    return threads


def test_open_runs_on_a_worker_and_the_library_serves_the_gui_thread(
    qtbot, built_store, monkeypatch
):
    shutil.copytree(built_store, paths.store_dir())
    fresh = _spy(monkeypatch, db.reading, "open_fresh")
    full = _spy(monkeypatch, db.library, "open_library")
    jobs = LibraryJobs()
    with qtbot.waitSignal(jobs.opened, timeout=60_000) as opened:
        assert jobs.open() is True
        assert jobs.busy and jobs.library is None  # returned before the library was open
    assert fresh and fresh[0] != threading.get_ident()
    assert full == []  # a fresh store is read as it is: nothing to build or repair
    library = opened.args[0]
    assert jobs.library is library and not jobs.busy
    # Opened on the worker, used here: SQLite and Whoosh answer on the GUI thread.
    assert library.search("maritime piracy").hits
    assert library.document("a-res-77-20")["symbol"] == "A/RES/77/20"
    jobs.shutdown()
    assert jobs.library is None


def test_a_missing_store_is_built_on_the_worker_through_the_write_side(qtbot, monkeypatch):
    full = _spy(monkeypatch, db.library, "open_library")
    jobs = LibraryJobs()
    with qtbot.waitSignal(jobs.opened, timeout=60_000) as opened:
        assert jobs.open() is True
    assert full and full[0] != threading.get_ident()
    library = opened.args[0]
    assert library.report.state == "missing" and library.report.rebuilt
    assert library.search("maritime piracy").hits
    jobs.shutdown()


def test_the_meaning_stage_loads_in_the_background_once_the_library_is_open(qtbot, built_store):
    shutil.copytree(built_store, paths.store_dir())
    jobs = LibraryJobs()
    with qtbot.waitSignal(jobs.opened, timeout=60_000) as opened:
        assert jobs.open() is True
    library = opened.args[0]
    meaning = library.engine.meaning
    # Nobody searched: the table and vectors are read all the same, off the GUI thread.
    qtbot.waitUntil(lambda: meaning.loaded, timeout=60_000)
    assert meaning.error is None and meaning.vectors() is not None
    jobs.shutdown()


def test_an_import_started_as_the_library_opens_is_reported_as_an_import(
    qtbot, built_store, tmp_path
):
    """A slot of ``opened`` starting the next job must not turn the open into that job."""
    shutil.copytree(built_store, paths.store_dir())
    note = tmp_path / "harbour.txt"
    note.write_text("Harbour notes\n\nThe lighthouse inspection found nothing unusual.\n")
    jobs = LibraryJobs()
    outcomes: list[object] = []
    jobs.imported.connect(outcomes.append)

    def start_import_once(_library: object) -> None:
        jobs.opened.disconnect(start_import_once)
        assert jobs.start_import([note]) is True

    jobs.opened.connect(start_import_once)
    with qtbot.waitSignal(jobs.imported, timeout=60_000):
        assert jobs.open() is True
    # Once, for the import, with its outcome (not the open's None)
    assert len(outcomes) == 1
    assert [r.ok for r in outcomes[0].reports] == [True]
    jobs.shutdown()
