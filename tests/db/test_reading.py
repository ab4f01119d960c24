"""Opening a store as it is (:mod:`db.reading`): only a fresh store with nothing left to settle."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from db import paths
from db.reading import open_fresh, settled_store


def test_a_fresh_store_opens_as_it_is(store_copy: Path) -> None:
    assert settled_store(store_copy) == store_copy
    with open_fresh(store_dir=store_copy) as lib:
        assert lib.report.state == "fresh" and not lib.report.rebuilt
        assert lib.search("maritime piracy").hits


def test_a_missing_store_is_left_to_the_write_side(tmp_path: Path) -> None:
    assert settled_store(tmp_path / "store") is None
    assert open_fresh(store_dir=tmp_path / "store") is None


def test_a_damaged_store_is_left_to_the_write_side(store_copy: Path) -> None:
    (store_copy / "liaison.sqlite").write_bytes(b"not a database")
    assert open_fresh(store_dir=store_copy) is None


def test_a_change_cut_short_is_left_to_the_write_side(store_copy: Path) -> None:
    manifest = json.loads((store_copy / "manifest.json").read_text())
    manifest["pending"] = {"documents": ["a-res-77-20"]}
    (store_copy / "manifest.json").write_text(json.dumps(manifest))
    assert open_fresh(store_dir=store_copy) is None


def test_leftovers_of_a_killed_build_are_left_to_the_write_side(store_copy: Path) -> None:
    (store_copy.parent / f".{store_copy.name}.building-123").mkdir()
    assert open_fresh(store_dir=store_copy) is None


def test_a_library_record_that_needs_repair_is_left_to_the_write_side(store_copy: Path) -> None:
    library = paths.library_dir()
    (library / "originals").mkdir(parents=True)
    (library / "originals" / f"{'0' * 64}.txt").write_text("an original no record names")
    assert settled_store(store_copy) is None


def test_the_default_store_of_the_data_folder(built_store: Path) -> None:
    shutil.copytree(built_store, paths.store_dir())
    assert settled_store() == paths.store_dir()
