"""Opening the library, whatever it takes: what the CLI and the desktop app open.

:func:`open_library` finds the store (the user's data folder, or the prebuilt
store inside a frozen app), checks it against its manifest before Whoosh
opens anything, settles an import or removal cut short, repairs the library
record, rebuilds the store from the bundled corpus when it is missing, stale or
damaged, and returns a :class:`~db.reading.Library` (re-exported here). That is
the write side: it imports the builder, the extractors and the parsers. A start
whose store is fresh can open it with :func:`db.reading.open_fresh` instead,
which loads none of them.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path

from db import paths
from db.build import Progress, build_store, remove_leftovers, repair_interrupted, sync_store
from db.errors import (
    LiaisonError,
    LockError,
    StoreError,
    StoreMissingError,
    StoreWriteError,
)
from db.files import sha256_bytes
from db.freshness import library_only_stale, pending_change, store_state, verify_manifest
from db.locking import data_lock
from db.originals import pending_addition, settle_addition
from db.reading import Library, OpenReport, bundled_store
from db.repair import ensure_library
from db.store import Store


def fallback_store_dir(store_dir: Path) -> Path:
    """Return where the store is built when its own folder cannot be written.

    A folder under the system's temporary folder, private to this user and to
    this store location (the store is derived data: losing it costs a rebuild).
    """
    key = sha256_bytes(str(store_dir.absolute()).encode())[:16]
    user = os.getuid() if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
    return Path(tempfile.gettempdir()) / f"liaison-{user}" / key / "store"


def ensure_store(
    *,
    store_dir: Path | None = None,
    library_dir: Path | None = None,
    auto_build: bool = True,
    progress: Progress | None = None,
    notice: Callable[[str], None] | None = None,
) -> OpenReport:
    """Make sure a usable store exists; build or repair it when needed.

    The store is the data folder's, or, in a frozen app whose officer has imported
    nothing, the prebuilt store inside the app (verified against its manifest).
    The officer's library record is verified against its own manifest first and
    repaired when it can be. Writes happen under the data lock, so two copies of
    the app never build at once. When the store's folder cannot be written, a
    working copy is built in :func:`fallback_store_dir` instead.

    Raises:
        StoreMissingError: No store and ``auto_build`` is False.
        StoreError: The store is unusable and ``auto_build`` is False, or it
            could not be rebuilt (full disk, nowhere to write).
    """
    library_dir = library_dir or paths.library_dir()
    messages: list[str] = []

    def say(message: str) -> None:
        messages.append(message)
        if notice:
            notice(message)

    if auto_build:
        _finish_interrupted(store_dir or paths.store_dir(), library_dir)
    try:
        repaired = ensure_library(library_dir)
    except LiaisonError as exc:
        raise StoreError(str(exc)) from exc
    if repaired:
        say(repaired)
    if store_dir is None:
        store_dir = paths.store_dir()
        bundled = bundled_store(store_dir, library_dir)
        if bundled is not None:
            return OpenReport(bundled, "fresh", message=" ".join(messages) or None)
    _tidy_leftovers(store_dir)
    state = store_state(store_dir, library_dir)
    report = OpenReport(store_dir, state)
    if state != "fresh":
        if not auto_build:
            if state == "missing":
                raise StoreMissingError(f"no store at {store_dir}; run `liaison build`")
            problems = "; ".join(verify_manifest(store_dir)) or state
            raise StoreError(f"the store at {store_dir} is {state} ({problems})")
        with data_lock(store_dir.parent):
            # Another copy may have rebuilt it while we waited for the lock.
            state = store_state(store_dir, library_dir)
            if state == "stale" and library_only_stale(store_dir):
                # Only the library changed (an import or removal cut short between the
                # library and the store, a repaired record): brought in line in place.
                try:
                    sync_store(store_dir, library=library_dir)
                except (LiaisonError, OSError, sqlite3.DatabaseError):
                    pass  # rebuilt below
                state = store_state(store_dir, library_dir)
            if state != "fresh":
                report = _rebuild(store_dir, library_dir, state, progress, say)
    report.message = " ".join(messages) or None
    return report


def _finish_interrupted(store_dir: Path, library_dir: Path) -> None:
    """Settle an import, removal or re-parse a killed process left half done.

    First the store: the documents the change touched are brought back in line with
    its record (SQLite kept each whole or absent). Then the library: an addition whose
    store change was finished is kept; any other is undone by :func:`ensure_library`
    (and its document, if the record took it, leaves the store in place when the
    store is brought in line with the library).
    """
    pending = pending_change(store_dir) is not None
    added = pending_addition(library_dir) if (library_dir / "manifest.json").is_file() else None
    if not pending and added is None:
        return
    try:
        with data_lock(store_dir.parent):
            unfinished = pending_change(store_dir) is not None
            if unfinished:
                try:
                    repair_interrupted(store_dir)
                except (LiaisonError, OSError, sqlite3.DatabaseError):
                    return  # the store is damaged: rebuilt by ensure_store
            added = pending_addition(library_dir)
            if added is None or unfinished or verify_manifest(store_dir):
                return
            store = Store.open(store_dir)
            try:
                held = store.document_with_source(added) is not None
            finally:
                store.close()
            if held:
                settle_addition(library_dir, added)
    except (LiaisonError, OSError, sqlite3.DatabaseError):
        return  # read-only, locked or damaged: ensure_store deals with it as it is


def _tidy_leftovers(store_dir: Path) -> None:
    """Delete half-built stores a killed build left beside ``store_dir``, if no build runs now.

    A killed ``liaison build`` leaves the old store fresh, so no later build would
    come to remove them; they are removed on the next start whose lock is free.
    """
    parent = store_dir.parent
    if not parent.is_dir() or not any(parent.glob(f".{store_dir.name}.*-*")):
        return
    try:
        with data_lock(parent, timeout=0):
            remove_leftovers(store_dir)
    except (LockError, OSError):
        pass  # another copy is building (its folder is not a leftover), or read-only


def _rebuild(
    store_dir: Path,
    library_dir: Path,
    state: str,
    progress: Progress | None,
    say: Callable[[str], None],
) -> OpenReport:
    """Rebuild a missing, stale or damaged store (data lock held); fall back when unwritable."""
    report = OpenReport(store_dir, state)
    problems = verify_manifest(store_dir) if state == "damaged" else []
    reason = {
        "missing": "No store yet: building it from the bundled corpus.",
        "stale": "The corpus, your library or the parser changed: rebuilding the store.",
        "interrupted": "A change of the store was cut short and cannot be finished in place: "
        "rebuilding it from the bundled corpus and your library.",
        "damaged": "The store was damaged ("
        + "; ".join(problems[:3])
        + "): rebuilding it from the bundled corpus and your library.",
    }[state]
    try:
        say(reason)
        build_store(store_dir, library=library_dir, progress=progress)
        report.rebuilt = True
        return report
    except StoreWriteError as exc:
        failure = exc
    fallback = fallback_store_dir(store_dir)
    if failure.read_only:
        if store_state(fallback, library_dir) == "fresh":
            say(f"{_sentence(failure)} Using the working copy built earlier in {fallback}.")
            return OpenReport(fallback, state, rebuilt=False)
        try:
            build_store(fallback, library=library_dir, progress=progress)
        except StoreWriteError:
            pass
        else:
            say(f"{_sentence(failure)} Built a working copy in {fallback} instead.")
            return OpenReport(fallback, state, rebuilt=True)
    if state == "stale":
        say(f"{_sentence(failure)} Showing the store as last built (without the latest changes).")
        return report
    raise failure


def _sentence(exc: Exception) -> str:
    text = str(exc)
    return text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")


def open_library(
    *,
    store_dir: Path | None = None,
    auto_build: bool = True,
    progress: Progress | None = None,
    notice: Callable[[str], None] | None = None,
) -> Library:
    """Open the library, building or repairing the store first when needed.

    Args:
        store_dir: The store folder (default: the data folder's, or the bundle's).
        auto_build: Build the store when it is missing, stale or damaged.
        progress: Build progress callback.
        notice: Called with one sentence when the store had to be (re)built.

    Raises:
        StoreMissingError: No store and ``auto_build`` is False.
        StoreError: The store is unusable and could not be rebuilt.
    """
    report = ensure_store(
        store_dir=store_dir, auto_build=auto_build, progress=progress, notice=notice
    )
    return Library(report.store_dir, report)


__all__ = ["ensure_store", "fallback_store_dir", "open_library"]
