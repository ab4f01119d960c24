"""Imports, removals and re-parses change the store in place, and agree with a full build.

Real SQLite, real Whoosh, real vectors files, real originals in a temporary data folder.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

import db.build
from db import paths
from db.build import build_store
from db.errors import StoreWriteError
from db.freshness import pending_change, read_manifest, store_state, verify_manifest
from db.imports import import_files, remove_document, reparse_document
from db.index import MAX_SMALL_SEGMENTS, index_passage_ids, index_stats
from db.library import open_library
from db.semantic import VECTORS_NAME, PassageVectors, bundled_table, load_store_vectors
from db.store import DB_FILENAME
from tests.helpers.resolutions import ga_resolution, marker, symbol, write_resolutions


def _id(n: int) -> str:
    return symbol(n).lower().replace("/", "-")


def _vector_ids() -> list[str]:
    return load_store_vectors(paths.store_dir() / VECTORS_NAME, bundled_table()).ids


def _record_ids() -> set[str]:
    with open_library() as lib:
        return {p["id"] for p in lib.store.passages()}


def _derived_files_agree() -> None:
    ids = _record_ids()
    assert index_passage_ids(paths.store_dir() / "index") == ids
    assert index_stats(paths.store_dir() / "index")["passages"] == len(ids)
    assert sorted(_vector_ids()) == sorted(ids)
    assert verify_manifest(paths.store_dir()) == []


@pytest.fixture
def built() -> Path:
    build_store()
    return paths.store_dir()


def test_import_adds_passages_found_by_words_and_meaning_without_a_rebuild(
    tmp_path, built, monkeypatch
):
    rebuilds = []
    monkeypatch.setattr(db.build, "_write_store", lambda *a: rebuilds.append(a))
    (report,) = import_files(write_resolutions(tmp_path, [3]))
    assert report.ok, report.message
    assert report.document_id == _id(3)
    assert rebuilds == []  # changed in place: no full build
    with open_library() as lib:
        hits = lib.search(marker(3), meaning=False).hits
        assert hits[0].passage_id == f"{_id(3)}:op1"
        text = lib.passage(f"{_id(3)}:pp2")["text"]
        nearest = lib.engine.meaning.nearest(text, 3)
        assert nearest[0][0] == f"{_id(3)}:pp2"
        assert nearest[0][1] > 0.99
    _derived_files_agree()


def test_removal_takes_the_passages_out_of_record_index_and_vectors(tmp_path, built):
    import_files(write_resolutions(tmp_path, [4, 5]))
    with open_library() as lib:
        text = lib.passage(f"{_id(4)}:pp1")["text"]
    remove_document(_id(4))
    with open_library() as lib:
        assert _id(4) not in {d["id"] for d in lib.documents()}
        assert not [h for h in lib.search(marker(4)).hits if h.document_id == _id(4)]
        assert not [p for p, _ in lib.engine.meaning.nearest(text, 50) if p.startswith(_id(4))]
        assert lib.search(marker(5), meaning=False).hits[0].document_id == _id(5)
    assert not [p for p in index_passage_ids(paths.store_dir() / "index") if p.startswith(_id(4))]
    assert not [p for p in _vector_ids() if p.startswith(_id(4))]
    _derived_files_agree()
    assert store_state() == "fresh"


def test_reparse_replaces_the_document_in_place(tmp_path, built, monkeypatch):
    import_files(write_resolutions(tmp_path, [6]))
    real = db.build.parse_text

    def reworded(text, **kwargs):
        parsed = real(text, **kwargs)
        for p in parsed.passages:
            p.text = p.text.replace("programme", "initiative")
        return parsed

    monkeypatch.setattr(db.build, "parse_text", reworded)
    assert reparse_document(_id(6)) == _id(6)
    with open_library() as lib:
        assert "initiative" in lib.passage(f"{_id(6)}:op1")["text"]
        hits = lib.search(f"{marker(6)} initiative", meaning=False).hits
        assert hits[0].passage_id == f"{_id(6)}:op1"
        old = lib.search(f"{marker(6)} programme", meaning=False).hits
        assert not [h for h in old if h.document_id == _id(6) and "programme" in h.text]
    _derived_files_agree()


QUERIES = [
    "maritime piracy",
    "trafficking in persons",
    "wildlife and forest crime",
    "INTERPOL databases at borders",
    "UNODC",
    "sanctions committees",
    "people smugglers' boats",
    "hackers attacking hospitals",
    "77/20 para 17(a)",
    "training police in Africa",
    marker(11),
    "cultural property",
]


def _answers() -> list[list[str]]:
    with open_library() as lib:
        out = []
        for q in QUERIES:
            out.append([h.passage_id for h in lib.search(q, limit=15).hits])
            out.append([h.passage_id for h in lib.search(q, limit=15, meaning=False).hits])
        return out


def test_incremental_imports_answer_exactly_as_a_full_rebuild(tmp_path, built):
    files = write_resolutions(tmp_path / "a", range(11, 17))
    for f in files:
        (report,) = import_files([f])
        assert report.ok, report.message
    remove_document(_id(13))
    (report,) = import_files(write_resolutions(tmp_path / "b", [17]))
    assert report.ok
    incremental = _answers()
    vectors = load_store_vectors(paths.store_dir() / VECTORS_NAME, bundled_table())
    assert index_stats(paths.store_dir() / "index")["segments"] > 1
    build_store()  # the same library, built in full
    assert index_stats(paths.store_dir() / "index")["segments"] == 1
    assert _answers() == incremental
    full = load_store_vectors(paths.store_dir() / VECTORS_NAME, bundled_table())
    assert full.ids == vectors.ids
    assert np.array_equal(full.matrix, vectors.matrix)
    assert _passage_words(full) == _passage_words(vectors)


def _passage_words(vectors: PassageVectors) -> list[list[tuple[str, bool]]]:
    """Each passage's words as the word match reads them (vocabulary order aside).

    Each word with whether it starts a clause.
    """
    starts, breaks = vectors.word_starts, vectors.clause_breaks
    return [
        [
            (vectors.vocabulary[int(vectors.word_ids[j])], bool(breaks[j]))
            for j in range(starts[i], starts[i + 1])
        ]
        for i in range(len(vectors.ids))
    ]


def test_many_small_segments_are_merged_in_order(tmp_path, built):
    import_files(write_resolutions(tmp_path, range(20, 36)))
    stats = index_stats(paths.store_dir() / "index")
    assert stats["segments"] <= 1 + MAX_SMALL_SEGMENTS
    with open_library() as lib:
        for n in range(20, 36):
            assert lib.search(marker(n), meaning=False).hits[0].document_id == _id(n)
    _derived_files_agree()


def _killed(*args, **kwargs):
    raise KeyboardInterrupt


def test_an_index_ahead_of_its_record_is_brought_in_line_on_open(tmp_path, built, monkeypatch):
    """A re-parse killed after the index took the new text, before the record did."""
    import_files(write_resolutions(tmp_path, [7]))
    real = db.build.parse_text

    def reworded(text, **kwargs):
        parsed = real(text, **kwargs)
        for p in parsed.passages:
            p.text = p.text.replace("programme", "initiative")
        return parsed

    with monkeypatch.context() as m:
        m.setattr(db.build, "parse_text", reworded)
        m.setattr(db.build, "update_vectors", _killed)
        with pytest.raises(KeyboardInterrupt):
            reparse_document(_id(7))
    assert pending_change(paths.store_dir()) == [_id(7)]
    assert store_state() == "interrupted"
    with open_library() as lib:  # the next start: the record kept the old text
        hits = lib.search(f"{marker(7)} programme", meaning=False).hits
        assert hits[0].passage_id == f"{_id(7)}:op1"
        assert "programme" in hits[0].text
        assert not [
            h for h in lib.search("initiative", meaning=False).hits if h.document_id == _id(7)
        ]
        assert lib.report.message is None
    assert pending_change(paths.store_dir()) is None
    _derived_files_agree()
    assert store_state() == "fresh"


def test_a_failed_change_leaves_the_store_as_it_was(tmp_path, built, monkeypatch):
    """A change that fails before the index commits (a full disk) is rolled back in place."""
    before = read_manifest(paths.store_dir())
    with monkeypatch.context() as m:
        m.setattr(db.build, "update_index", _killed)
        with pytest.raises(KeyboardInterrupt):
            import_files(write_resolutions(tmp_path, [14]))
    assert read_manifest(paths.store_dir()) == before
    assert pending_change(paths.store_dir()) is None
    assert verify_manifest(paths.store_dir()) == []
    assert store_state() == "fresh"


def _spilled_then_full(store_dir: Path):
    """Stand-in for update_index on a full disk after SQLite spilled pages to the record."""

    def update_index(*args: object, **kwargs: object) -> None:
        record = store_dir / DB_FILENAME
        st = record.stat()  # the rollback puts the bytes back, not the modification time
        os.utime(record, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        raise OSError(errno.ENOSPC, "No space left on device")

    return update_index


def test_a_change_failing_after_the_record_was_written_leaves_a_fresh_store(
    tmp_path, built, monkeypatch
):
    """After an import the record has no digest; a later failed change must not orphan it."""
    (first,) = import_files(write_resolutions(tmp_path / "a", [15]))
    assert first.ok, first.message
    with monkeypatch.context() as m:
        m.setattr(db.build, "update_index", _spilled_then_full(paths.store_dir()))
        with pytest.raises(StoreWriteError):
            db.build.update_store(remove=[_id(15)])
    # Not damaged: on a full disk the rebuild that damage calls for would fail too.
    assert verify_manifest(paths.store_dir()) == []
    assert store_state() == "fresh"
    with open_library() as lib:
        assert lib.search(marker(15), meaning=False).hits[0].document_id == _id(15)


def test_an_import_cut_short_inside_the_store_change_is_undone_on_open(
    tmp_path, built, monkeypatch
):
    """The index took the document, the record did not: the import is not kept, and says so."""
    (path,) = write_resolutions(tmp_path, [12])
    with monkeypatch.context() as m:
        m.setattr(db.build, "update_vectors", _killed)
        m.setattr(db.imports, "_undo_add", lambda *a: None)  # killed: nothing undone
        with pytest.raises(KeyboardInterrupt):
            import_files([path])
    assert store_state() == "interrupted"
    with open_library() as lib:  # the next start
        assert _id(12) not in {d["id"] for d in lib.documents()}
        assert not [h for h in lib.search(marker(12)).hits if h.document_id == _id(12)]
        assert "res-00012.txt was interrupted; it was not added" in lib.report.message
    _derived_files_agree()
    assert store_state() == "fresh"


def test_a_removal_cut_short_after_the_library_is_finished_on_open(tmp_path, built, monkeypatch):
    (report,) = import_files(write_resolutions(tmp_path, [8]))
    with monkeypatch.context() as m:
        m.setattr(db.imports, "update_store", lambda *a, **k: None)  # killed before the store
        remove_document(report.document_id)
    rebuilds = []
    monkeypatch.setattr(db.build, "_write_store", lambda *a: rebuilds.append(a))
    with open_library() as lib:
        assert report.document_id not in {d["id"] for d in lib.documents()}
    assert rebuilds == []  # brought in line in place
    _derived_files_agree()


def test_a_damaged_new_segment_is_repaired_on_open(tmp_path, built):
    import_files(write_resolutions(tmp_path, [9]))
    index = paths.store_dir() / "index"
    newest = max(index.glob("*.seg"), key=lambda p: p.stat().st_mtime_ns)
    newest.unlink()
    with open_library() as lib:
        assert "damaged" in lib.report.message
        assert lib.search(marker(9), meaning=False).hits[0].document_id == _id(9)
    _derived_files_agree()


def test_a_capture_keeping_more_structure_than_its_document_falls_back_to_a_rebuild(
    tmp_path, built, monkeypatch
):
    (first,) = write_resolutions(tmp_path / "a", [10])
    import_files([first])
    roomy = tmp_path / "b" / "res-10-again.txt"
    roomy.parent.mkdir()
    roomy.write_text(ga_resolution(10).replace("\n\n", "\n\n\n"), encoding="utf-8")
    bundled_again = tmp_path / "b" / "bundled-again.txt"
    corpus = paths.corpus_dir()
    shutil.copy(next(corpus.glob("004_*.txt")), bundled_again)
    with bundled_again.open("a", encoding="utf-8") as fh:
        fh.write("\n\n")
    builds = []
    real = db.build.build_store
    monkeypatch.setattr(db.build, "build_store", lambda *a, **k: builds.append(1) or real(*a, **k))
    (report,) = import_files([bundled_again])
    assert report.status == "capture", report.message
    assert builds == []  # another capture of a bundled document: in place
    (report,) = import_files([roomy])
    assert report.status == "capture", report.message
    assert builds == [1]  # its text would become the primary one: rebuilt
    with open_library() as lib:
        doc = lib.store.document(_id(10))
        assert doc["sources"][0]["file"] == "res-10-again.txt"
    _derived_files_agree()
