"""Pytest fixtures: real stores built on disk from the bundled corpus.

Building takes a fraction of a second, so a session-wide store is shared by
read-only tests, and tests that damage or change a store get their own copy.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from db import paths
from db.build import build_store
from db.reading import Library

CORPUS = paths.corpus_dir()


def corpus_file(prefix: str) -> Path:
    """Return the bundled corpus file whose name starts with ``prefix`` ("004")."""
    (match,) = sorted(CORPUS.glob(f"{prefix}*.txt"))
    return match


@pytest.fixture(autouse=True)
def _isolated_data_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Never let a test write to the real user data folder."""
    data = tmp_path_factory.mktemp("data")
    monkeypatch.setenv(paths.ENV_DATA_DIR, str(data))
    paths.set_data_dir(None)
    yield
    paths.set_data_dir(None)


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store built once for the session from the bundled corpus (do not modify)."""
    store = tmp_path_factory.mktemp("session-data") / "store"
    build_store(store)
    return store


@pytest.fixture
def store_copy(built_store: Path, tmp_path: Path) -> Path:
    """A private copy of the built store, free to damage."""
    dest = tmp_path / "store"
    shutil.copytree(built_store, dest)
    return dest


@pytest.fixture(scope="session")
def library(built_store: Path) -> Iterator[Library]:
    """The session store opened as a :class:`~db.reading.Library`."""
    lib = Library(built_store)
    yield lib
    lib.close()
