"""The library's jobs: opening happens off the GUI thread, and the library works on it after."""

from __future__ import annotations

import shutil
import threading

import db.library
from db import paths
from desktop.app.jobs import LibraryJobs


def test_open_runs_on_a_worker_and_the_library_serves_the_gui_thread(
    qtbot, built_store, monkeypatch
):
    shutil.copytree(built_store, paths.store_dir())
    real = db.library.open_library
    threads: list[int] = []

    def spy(**kwargs):
        threads.append(threading.get_ident())
        return real(**kwargs)

    monkeypatch.setattr(db.library, "open_library", spy)
    jobs = LibraryJobs()
    with qtbot.waitSignal(jobs.opened, timeout=60_000) as opened:
        assert jobs.open() is True
        assert jobs.busy and jobs.library is None  # returned before the library was open
    assert threads and threads[0] != threading.get_ident()
    library = opened.args[0]
    assert jobs.library is library and not jobs.busy
    # Opened on the worker, used here: SQLite and Whoosh answer on the GUI thread.
    assert library.search("maritime piracy").hits
    assert library.document("a-res-77-20")["symbol"] == "A/RES/77/20"
    jobs.shutdown()
    assert jobs.library is None


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
