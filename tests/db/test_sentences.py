"""The sentence stage: clause vectors written with the passages and mixed into the ranking.

Real builds, real imports and removals in a temporary data folder, the real bundled encoder.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

import db.encoder
import db.sentences
from db import paths
from db.build import build_store
from db.encoder import ENCODER_FILE, bundled_encoder
from db.freshness import read_manifest
from db.imports import import_files, remove_document
from db.labels import MATCH_MEANING
from db.library import open_library
from db.reading import Library
from db.semantic import clauses, passage_text
from db.sentences import (
    ENTITY_VECTORS_NAME,
    SECOND_CLAUSE_SHARE,
    SENTENCE_SHARE,
    Passage,
    SentenceSearch,
    blend,
    build_share,
    clause_rows,
    clause_score,
    clause_texts,
    quantize,
)
from db.store import Store
from tests.helpers.embeddings import damaged_embeddings
from tests.helpers.resolutions import symbol, write_resolutions


def _id(n: int) -> str:
    return symbol(n).lower().replace("/", "-")


def test_a_passages_clauses_are_its_heading_then_its_sentences():
    text = "Recalling its resolution 51/1. Calls upon Member States to act; and to report."
    got = clause_texts("Preamble", text)
    full = passage_text("Preamble", text)
    assert got == [full[a:b].strip() for a, b in clauses(full)]
    assert got[0] == "Preamble."
    assert len(got) >= 3


def test_quantized_rows_keep_their_direction():
    rows = np.random.default_rng(1).normal(size=(20, 384)).astype(np.float32)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    q, scales = quantize(rows)
    back = q.astype(np.float32) * scales[:, None]
    assert q.dtype == np.int8 and np.abs(q).max() == 127
    assert ((back * rows).sum(axis=1) / np.linalg.norm(back, axis=1)).min() > 0.999


def test_clause_rows_number_each_passages_clauses_in_order():
    passages = [
        Passage("d:p1", "d", None, "First sentence here. Second sentence there."),
        Passage("d:p2", "d", "Heading", "Only one."),
        Passage("d:p3", "d", None, ""),
    ]
    rows = clause_rows(passages)
    assert [(r["passage_id"], r["seq"]) for r in rows] == [
        ("d:p1", 0),
        ("d:p1", 1),
        ("d:p2", 0),
        ("d:p2", 1),
    ]
    vec = np.frombuffer(rows[0]["vector"], dtype=np.int8).astype(np.float32) * rows[0]["scale"]
    want = bundled_encoder().encode(["First sentence here."])[0]
    assert float(vec @ want / np.linalg.norm(vec)) > 0.99


def test_blend_mixes_the_closest_clause_into_the_word_match():
    related = [("a", 0.9), ("b", 0.8), ("c", 0.7)]
    closest = {"a": 0.2, "b": 0.6, "c": 0.3}  # "c" has none in a store missing it
    got = dict(blend(related, closest))
    scale = 0.9 / 0.6
    assert got["b"] == pytest.approx((1 - SENTENCE_SHARE) * 0.8 + SENTENCE_SHARE * 0.6 * scale)
    assert got["a"] == pytest.approx((1 - SENTENCE_SHARE) * 0.9 + SENTENCE_SHARE * 0.2 * scale)
    assert next(pid for pid, _ in blend(related, closest)) == "b"
    # A passage without clause vectors keeps its word match.
    assert dict(blend(related, {"a": 0.2, "b": 0.6}))["c"] == 0.7
    assert blend(related, {}) == related


def test_a_passage_saying_it_twice_beats_one_brushing_it_once():
    # The closest clause counts whole, the second closest by its share, whatever the order.
    assert clause_score([0.1, 0.7, 0.5]) == pytest.approx(0.7 + SECOND_CLAUSE_SHARE * 0.5)
    assert clause_score([0.6, 0.6]) > clause_score([0.6, 0.1])
    # A single clause stands for both.
    assert clause_score([0.4]) == pytest.approx(0.4 * (1 + SECOND_CLAUSE_SHARE))
    # An entity's description takes a place only when it is closer: naming one never lowers
    # a passage's score, even a passage of one clause.
    assert clause_score([0.4], [0.1]) == pytest.approx(clause_score([0.4]))
    assert clause_score([0.4], [0.5]) == pytest.approx(0.5 + SECOND_CLAUSE_SHARE * 0.4)
    assert clause_score([0.7, 0.1], [0.3]) == pytest.approx(0.7 + SECOND_CLAUSE_SHARE * 0.3)


def test_build_share_takes_documents_in_order_up_to_the_limit(monkeypatch):
    monkeypatch.setattr(db.sentences, "BUILD_PASSAGES", 100)
    docs = [("b1", 60), ("l1", 30), ("l2", 20), ("l3", 5), ("l4", 0)]
    assert build_share(docs) == {"b1", "l1", "l4"}  # l3 would fit, but order rules
    monkeypatch.setattr(db.sentences, "BUILD_PASSAGES", 10)
    assert build_share(docs) == {"b1", "l4"}  # the first always, and what costs nothing


def test_the_bundled_store_has_every_passages_clauses(built_store: Path):
    store = Store.open(built_store)
    try:
        done, total = store.clause_vector_counts()
        assert total > 100 and done == total
    finally:
        store.close()


def test_the_store_holds_every_described_entity_as_the_encoder_reads_it(built_store: Path):
    store = Store.open(built_store)
    try:
        described = {e["id"] for e in store.entities() if e["description"]}
    finally:
        store.close()
    stage = SentenceSearch(store, entity_vectors=built_store / ENTITY_VECTORS_NAME)
    ids, matrix = stage.descriptions()
    assert set(ids) == described and len(described) > 100
    assert np.allclose(np.linalg.norm(matrix, axis=1), 1.0, atol=0.02)
    # The manifest covers the file: a damaged copy is found like a damaged index.
    assert ENTITY_VECTORS_NAME in read_manifest(built_store)["files"]


def test_a_look_up_describing_an_entity_lifts_the_passages_naming_it(library: Library):
    store = library.store
    (entity,) = [e for e in store.entities() if e["id"] == "committee_1540"]
    all_ids = [p["id"] for p in store.passages()]
    naming = {pid for pid, es in store.passage_entity_ids(all_ids).items() if entity["id"] in es}
    assert naming
    # Worded as an officer would, with none of the committee's name.
    query = "the council body keeping nuclear and chemical arms away from non-state groups"
    alone = SentenceSearch(store).closest(query, all_ids)
    stage = SentenceSearch(store, entity_vectors=library.store_dir / ENTITY_VECTORS_NAME)
    both = stage.closest(query, all_ids)
    for pid in all_ids:
        if pid in naming:
            assert both[pid] > alone[pid], pid
    # A passage naming no entity is scored by its own clauses alone.
    unnamed = set(all_ids) - set(store.passage_entity_ids(all_ids))
    assert unnamed
    assert all(both[pid] == pytest.approx(alone[pid]) for pid in unnamed)
    assert stage.error is None


def test_a_damaged_description_file_is_said_and_the_clauses_still_score(library, tmp_path):
    damaged = tmp_path / ENTITY_VECTORS_NAME
    damaged.write_bytes(b"PK\x03\x04 not a zip archive")
    stage = SentenceSearch(library.store, entity_vectors=damaged)
    closest = stage.closest("money laundering", [p["id"] for p in library.store.passages()])
    assert closest
    assert stage.error is not None and ENTITY_VECTORS_NAME in stage.error


def test_a_clause_typed_as_the_query_finds_its_own_passage_closest(library: Library):
    passage = library.store.passage("a-res-77-20:op15")
    clause = clause_texts(passage["heading"], passage["text"])[1]
    stage = SentenceSearch(library.store)
    closest = stage.closest(clause, [p["id"] for p in library.store.passages()])
    assert max(closest, key=closest.__getitem__) == "a-res-77-20:op15"
    assert closest["a-res-77-20:op15"] > 0.98
    assert stage.error is None


def test_an_import_embeds_its_passages_and_a_removal_deletes_them(tmp_path):
    build_store()
    (report,) = import_files(write_resolutions(tmp_path / "in", [3]))
    assert report.ok, report.message
    with open_library() as lib:
        ids = {p["id"] for p in lib.store.passages(_id(3))}
        done, total = lib.store.clause_vector_counts()
        assert done == total
        assert {pid for pid, _, _ in lib.store.clause_vectors(ids)} == ids
    remove_document(_id(3))
    with open_library() as lib:
        assert lib.store.clause_vectors(ids) == []
        done, total = lib.store.clause_vector_counts()
        assert done == total


def test_a_build_over_the_limit_leaves_later_library_documents_to_the_word_match(
    tmp_path, monkeypatch
):
    build_store()
    import_files(write_resolutions(tmp_path / "in", [5, 6]))
    with open_library() as lib:
        bundled = sum(1 for p in lib.store.passages() if p["document_id"] not in (_id(5), _id(6)))
        first = len(lib.store.passages(_id(5)))
    monkeypatch.setattr(db.sentences, "BUILD_PASSAGES", bundled + first)
    # A build from scratch: no store to lend its vectors, nothing remembered in memory.
    shutil.rmtree(paths.store_dir())
    db.sentences.forget()
    build_store()
    with open_library() as lib:
        store = lib.store
        embedded = {pid for pid, _, _ in store.clause_vectors(p["id"] for p in store.passages())}
        assert {p["id"] for p in store.passages(_id(5))} <= embedded
        assert not {p["id"] for p in store.passages(_id(6))} & embedded
        assert store.clause_vector_counts() == (bundled + first, len(store.passages()))
        # The search still answers, the unembedded document by its word match.
        hits = lib.search("strengthening cooperation", limit=10).hits
        assert hits


def test_the_snippet_is_the_clause_closest_to_the_query_never_the_heading(library: Library):
    passage = library.store.passage("a-res-77-20:op15")
    heading, text = passage["heading"], passage["text"]
    parts = clause_texts(heading, text)
    assert len(parts) >= 3
    stage = SentenceSearch(library.store)
    got = stage.snippet(parts[2], "a-res-77-20:op15", heading, text)
    assert got is not None and got.strip("…") == parts[2]
    # Typed as the query, the heading is still not the snippet.
    got = stage.snippet(parts[0], "a-res-77-20:op15", heading, text)
    assert got is not None and got.strip("…") in parts[1:]


def test_the_sentence_stage_lifts_a_paraphrase_the_word_match_misses(library: Library):
    query = "disease outbreaks caused on purpose"  # A/RES/77/20 para. 13 (health and security)
    with_stage = [h.passage_id for h in library.search(query, limit=10).hits]
    stage, library.engine.sentences = library.engine.sentences, None
    try:
        without = [h.passage_id for h in library.search(query, limit=10).hits]
    finally:
        library.engine.sentences = stage
    assert "a-res-77-20:op13" in with_stage[:3]
    assert "a-res-77-20:op13" not in without[:3]


def test_a_rebuild_keeps_the_clause_vectors_the_store_had(tmp_path, monkeypatch):
    build_store()
    import_files(write_resolutions(tmp_path / "in", [7, 8]))
    with open_library() as lib:
        before = lib.store.clause_vectors(p["id"] for p in lib.store.passages())
        assert lib.store.clause_vector_counts()[0] == lib.store.clause_vector_counts()[1]
    # Nothing remembered in memory and no budget for new work: only the store can lend them.
    db.sentences.forget()
    monkeypatch.setattr(db.sentences, "BUILD_PASSAGES", 1)
    build_store()
    with open_library() as lib:
        after = lib.store.clause_vectors(p["id"] for p in lib.store.passages())
        done, total = lib.store.clause_vector_counts()
    assert done == total
    assert after == before


def test_a_damaged_model_file_leaves_the_words_and_says_why(tmp_path, monkeypatch):
    damaged_embeddings(tmp_path, monkeypatch, ENCODER_FILE)
    db.encoder._loaded.cache_clear()
    db.sentences.forget()
    steps: list[tuple[str, int, int]] = []
    try:
        build_store(progress=lambda step, done, total: steps.append((step, done, total)))
        assert steps[-1][0] == "sentences" and steps[-1][1] == steps[-1][2]
        with open_library() as lib:
            assert lib.store.clause_vector_counts()[0] == 0
            result = lib.search("people smugglers' boats", limit=5)
            assert {h.passage_id for h in result.hits[:3]} & {"a-res-77-20:op1"}
            assert result.notice is not None
            assert "Meaning-based search is limited" in result.notice
            assert ENCODER_FILE in result.notice
            assert lib.search("77/20 para 11").notice is None  # a citation: no meaning
    finally:
        db.encoder._loaded.cache_clear()


#: Look-ups about nothing the library holds.
OFF_TOPIC = (
    "recipe for chocolate cake",
    "weather forecast for tomorrow",
    "holiday in spain",
    "how to fix my printer",
)


def test_an_off_topic_look_up_gets_no_passage_by_meaning(library: Library, monkeypatch):
    def by_meaning() -> list[str]:
        return [
            h.passage_id
            for q in OFF_TOPIC
            for h in library.search(q, limit=20).hits
            if h.match == MATCH_MEANING
        ]

    assert by_meaning() == []
    # The clause score keeps them out: the blended meaning score alone would let some in.
    monkeypatch.setattr("db.semantic.MIN_CLAUSE_SCORE", -1.0)
    assert by_meaning()
