"""The built store: record, provenance, stable ids, read-only access, manifest, migrations."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
import sqlite_utils

from db.build import build_store
from db.errors import CatalogError, NotFoundError, StoreError
from db.freshness import store_state, verify_manifest
from db.store import SCHEMA_VERSION, Store, migrate, schema_version
from tests.helpers.fixtures import CORPUS


def test_four_documents_one_of_them_from_two_captures(library):
    docs = library.documents()
    assert len(docs) == 4
    page = next(d for d in docs if len(d["sources"]) == 2)
    files = sorted(s["file"] for s in page["sources"])
    assert files == ["000_a5bdd081747f2eb8.txt", "001_5cf672ea8f044c04.txt"]
    assert all(len(s["sha256"]) == 64 for s in page["sources"])
    # The clean capture is the primary source: spans point into it.
    assert page["sources"][0]["file"].startswith("001")


def test_resolution_document_facts(library):
    doc = library.store.document("a-res-77-20")
    assert doc["symbol"] == "A/RES/77/20"
    assert doc["date"] == "2022-11-21"
    assert doc["kind"] == "resolution"
    assert doc["meta"]["session"] == 77


def test_no_passage_appears_twice_anywhere(library):
    passages = library.store.passages()
    texts = [p["text"] for p in passages]
    assert len(texts) == len(set(texts))
    assert len({p["id"] for p in passages}) == len(passages) == 127


def test_spans_point_into_the_primary_source(library):
    for doc in library.documents():
        source = library.source_text(doc["id"])
        for p in library.store.passages(doc["id"]):
            first, last = p["segments"][0], p["segments"][-1]
            assert (p["span_start"], p["span_end"]) == (first[0], last[1])
            words = p["text"].split()
            assert words[0].strip("“”*") in source[first[0] : first[1]]


def test_footnotes_stored_and_linked(library):
    fns = library.store.footnotes("a-res-77-20")
    assert [f["number"] for f in fns] == list(range(1, 9))
    assert fns[2]["marker"] == "³"
    pp9 = library.passage("a-res-77-20:pp9")
    assert pp9["footnotes"] == [3, 4]
    rows = list(library.store.db.query("SELECT passage_id FROM passage_footnotes WHERE number = 8"))
    assert rows == [{"passage_id": "a-res-77-20:op9"}]


def test_ids_are_stable_across_rebuilds(built_store, tmp_path):
    other = tmp_path / "store"
    build_store(other)
    a = [p["id"] for p in Store.open(built_store).passages()]
    b = [p["id"] for p in Store.open(other).passages()]
    assert a == b


def test_store_is_opened_read_only(library):
    with pytest.raises(sqlite3.OperationalError):
        library.store.db.execute("DELETE FROM passages")


def test_not_found_errors(library):
    with pytest.raises(NotFoundError, match="no document with id 'nope'"):
        library.store.document("nope")
    with pytest.raises(NotFoundError):
        library.passage("a-res-77-20:op99")


def test_manifest_lists_every_file_and_detects_changes(store_copy):
    assert verify_manifest(store_copy) == []
    (store_copy / "stray.txt").write_text("x")
    db_file = store_copy / "liaison.sqlite"
    data = bytearray(db_file.read_bytes())
    data[-10] ^= 0xFF
    db_file.write_bytes(bytes(data))
    problems = verify_manifest(store_copy)
    assert "liaison.sqlite has changed" in problems
    assert "stray.txt is not part of the store" in problems
    assert store_state(store_copy) == "damaged"


def test_store_state(tmp_path):
    store = tmp_path / "store"
    assert store_state(store) == "missing"
    build_store(store)
    assert store_state(store) == "fresh"
    conn = sqlite3.connect(store / "liaison.sqlite")
    conn.execute("UPDATE meta SET value = 'old' WHERE key = 'fingerprint'")
    conn.commit()
    conn.close()
    # A changed record without a matching manifest is damage, not staleness.
    assert store_state(store) == "damaged"


def test_failed_build_leaves_the_old_store_untouched(built_store, tmp_path):
    store = tmp_path / "store"
    shutil.copytree(built_store, store)
    before = sorted((p.name, p.stat().st_size) for p in store.rglob("*"))
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "catalog.toml").write_text('[[document]]\nfile = "missing.txt"\n')
    with pytest.raises(CatalogError, match=r"missing\.txt does not exist"):
        build_store(store, corpus=corpus)
    assert sorted((p.name, p.stat().st_size) for p in store.rglob("*")) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".store")]


def test_migrations_from_empty_and_refusal_of_newer():
    db = sqlite_utils.Database(memory=True)
    assert schema_version(db) == 0
    assert migrate(db) == SCHEMA_VERSION
    assert {"documents", "sources", "passages", "footnotes", "meta"} <= set(db.table_names())
    assert migrate(db) == SCHEMA_VERSION  # idempotent
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer than this Liaison"):
        migrate(db)


def test_open_refuses_a_file_that_is_not_a_store(tmp_path):
    (tmp_path / "liaison.sqlite").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="damaged"):
        Store.open(tmp_path)


def test_documents_sharing_counts_and_min_shared(library):
    store = library.store
    keys = [p["key"] for p in store.passages("a-res-77-20")]
    n = len(set(keys))
    plan = store.db.execute(
        "EXPLAIN QUERY PLAN SELECT count(DISTINCT key) FROM passages WHERE document_id = ?",
        ["x"],
    ).fetchall()
    assert any("COVERING INDEX passages_document_key" in row[-1] for row in plan)
    rows = store.documents_sharing([*keys[:2], "no such passage"])
    mine = next(r for r in rows if r["id"] == "a-res-77-20")
    assert (mine["shared"], mine["total"]) == (2, n)
    whole = store.documents_sharing(keys, min_shared=n)
    assert [(r["id"], r["shared"], r["total"]) for r in whole] == [("a-res-77-20", n, n)]
    assert store.documents_sharing(keys[:2], min_shared=3) == []


@pytest.mark.parametrize("tree", ["un", "capabilities", "themes"])
def test_a_listing_walked_in_reading_order_gives_the_first_page_of_the_sorted_one(
    built_store, tree
):
    """An entity filter that many passages pass is walked in order and stopped early."""
    store = Store.open(built_store)
    try:
        ents = [e["id"] for e in store.entities(tree)]
        everything = store.list_passage_ids(limit=100_000, entity_ids=ents)
        assert not store._many_linked(ents, 100_000)  # found by index, then sorted
        assert len(everything) > 10
        for limit in (1, 3, 10):
            assert store._many_linked(ents, limit)  # walked
            assert store.list_passage_ids(limit=limit, entity_ids=ents) == everything[:limit]
        rare = min(ents, key=lambda e: len(store.list_passage_ids(limit=100, entity_ids=[e])))
        assert not store._many_linked([rare], 3)
    finally:
        store.close()
