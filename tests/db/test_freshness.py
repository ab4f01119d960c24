"""The store's manifest: what it records of each file, and how a store is checked against it.

Real stores built and changed in a temporary data folder; the files are damaged on disk.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from db import files, paths
from db.build import build_store
from db.freshness import MANIFEST_NAME, file_stat, read_manifest, store_state, verify_manifest
from db.imports import import_files
from db.library import open_library
from db.store import DB_FILENAME
from tests.helpers.resolutions import marker, symbol, write_resolutions


def symbol_id(n: int) -> str:
    """Return the document id of generated resolution ``n``."""
    return symbol(n).lower().replace("/", "-")


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def test_a_full_build_records_every_digest_and_stat(tmp_path: Path) -> None:
    store = tmp_path / "store"
    build_store(store)
    manifest = read_manifest(store)
    assert manifest is not None
    assert set(manifest["files"]) == set(manifest["stats"]) != set()
    assert all(isinstance(d, str) and len(d) == 64 for d in manifest["files"].values())
    assert manifest["stats"][DB_FILENAME] == file_stat(store / DB_FILENAME)


def test_a_store_checked_where_it_was_written_is_not_read(tmp_path: Path) -> None:
    store = tmp_path / "store"
    build_store(store)
    files.cold()  # as a new process
    assert verify_manifest(store) == []
    assert files._DIGESTS == {}  # nothing was hashed


def test_a_store_copied_with_its_modification_times_is_not_read(tmp_path: Path) -> None:
    store = tmp_path / "store"
    build_store(store)
    copy = tmp_path / "copy"
    shutil.copytree(store, copy)  # as cp -p, rsync -a or a backup restored: times kept
    files.cold()
    assert verify_manifest(copy) == []
    assert files._DIGESTS == {}


def test_a_store_copied_without_its_times_is_checked_by_its_content(tmp_path: Path) -> None:
    store = tmp_path / "store"
    build_store(store)
    copy = tmp_path / "copy"
    shutil.copytree(store, copy, copy_function=shutil.copyfile)  # new modification times
    files.cold()
    assert verify_manifest(copy) == []
    assert len(files._DIGESTS) == len(read_manifest(copy)["files"])
    _flip(copy / "vectors.npz")
    assert verify_manifest(copy) == ["vectors.npz has changed"]


def test_a_manifest_with_a_stat_of_the_wrong_shape_is_unreadable(tmp_path: Path) -> None:
    store = tmp_path / "store"
    build_store(store)
    path = store / MANIFEST_NAME
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["stats"][DB_FILENAME] = ["1", 2]
    path.write_text(json.dumps(manifest), encoding="utf-8")
    assert verify_manifest(store) == ["the manifest is unreadable"]


def test_after_an_import_the_record_is_vouched_for_by_its_stat(tmp_path: Path) -> None:
    build_store()
    store = paths.store_dir()
    (report,) = import_files(write_resolutions(tmp_path / "in", [5]))
    assert report.ok, report.message
    manifest = read_manifest(store)
    assert manifest is not None
    # Changed in place: recorded by its stat, not read whole after each import.
    assert manifest["files"][DB_FILENAME] is None
    assert manifest["stats"][DB_FILENAME] == file_stat(store / DB_FILENAME)
    files.cold()
    assert verify_manifest(store) == []
    assert store_state(store) == "fresh"


def test_a_record_changed_behind_the_manifest_is_damage_and_rebuilt(tmp_path: Path) -> None:
    build_store()
    store = paths.store_dir()
    import_files(write_resolutions(tmp_path / "in", [6]))
    _flip(store / DB_FILENAME)
    assert verify_manifest(store) == [f"{DB_FILENAME} has changed"]
    with open_library() as lib:
        assert "damaged" in lib.report.message
        hits = lib.search(marker(6), meaning=False).hits
        assert hits[0].passage_id.startswith(symbol_id(6))
    manifest = read_manifest(store)
    assert manifest is not None
    assert isinstance(manifest["files"][DB_FILENAME], str)  # rebuilt: hashed again
    assert verify_manifest(store) == []


def test_a_store_copied_without_times_whose_record_has_no_digest_is_rebuilt(tmp_path: Path) -> None:
    build_store()
    store = paths.store_dir()
    import_files(write_resolutions(tmp_path / "in", [7]))
    moved = store.with_name("store-moved")
    shutil.copytree(store, moved, copy_function=shutil.copyfile)
    shutil.rmtree(store)
    moved.rename(store)  # restored from a copy without its times: the record has no digest
    assert verify_manifest(store) == [f"{DB_FILENAME} has changed"]
    with open_library() as lib:
        assert lib.search(marker(7), meaning=False).hits[0].passage_id.startswith(symbol_id(7))
    assert verify_manifest(store) == []
