"""Meaning-based search (db/semantic.py) on the real bundled table and real stores."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from db import paths
from db.errors import ModelError, StoreError
from db.freshness import verify_manifest
from db.labels import MATCH_MEANING, MATCH_WORDS, MEANING_LABEL
from db.reading import Library
from db.semantic import (
    MIN_CLAUSE_SCORE,
    MIN_MEANING_MATCH,
    PINNED_SCORE,
    TABLE_FILE,
    VECTORS_NAME,
    VOCAB_FILE,
    MeaningSearch,
    PassageVectors,
    TokenTable,
    bundled_table,
    clause_words,
    clauses,
    dictionary_word,
    forget_bundled_table,
    fuse,
    words,
)
from desktop.cli import cli
from tests.helpers.embeddings import damaged_embeddings

#: No word of this look-up is in the corpus's index; the passage on migrant smuggling
#: answers it (A/RES/77/20 and the thematic page speak of "the smuggling of migrants").
SMUGGLERS = "people smugglers' boats"
SMUGGLING = {
    "interpol-un-thematic-cooperation:s3.p2",
    "interpol-and-un-entities:s1.p1",
    "interpol-and-un-entities:s1.p4",
    "a-res-77-20:op1",
    "a-res-77-20:op7",
}


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def test_words_split_like_berts_basic_tokenizer() -> None:
    assert words("People smugglers’ boats — Café, A/RES/77/20") == [
        "people", "smugglers", "’", "boats", "—", "cafe", ",", "a", "/", "res", "/", "77", "/",
        "20",
    ]  # fmt: skip


def test_rows_use_wordpieces_and_skip_what_cannot_be_split() -> None:
    table = bundled_table()
    # A word of the word lists WordPiece would split has its own row; another is pieces.
    assert table.rows("smugglers") == [table.index["smugglers"]]
    assert len(table.rows("cryptojacking")) == 3  # "crypt", "##oja", "##cking"
    assert table.rows("rifle") == [table.index["rifle"]]
    assert table.rows("x" * 200) == []
    assert table.rows("") == []


def test_a_whole_word_row_means_the_word_not_its_pieces() -> None:
    table = bundled_table()
    smugglers, smuggling = table.word_vector("smugglers"), table.word_vector("smuggling")
    assert smugglers is not None and smuggling is not None
    assert float(smugglers @ smuggling) > 0.7
    # Its pieces summed, as a word without its own row is read, are much further away.
    pieces = np.asarray([table.index["smug"], table.index["##glers"]])
    summed = table.scales[pieces] @ table.unpacked(pieces)
    assert float(summed @ smuggling) / float(np.linalg.norm(summed)) < 0.6


def test_the_table_unpacks_two_signed_4_bit_values_a_byte() -> None:
    table = bundled_table()
    packed = table.vectors[:3]
    values = table.unpacked(np.arange(3))
    assert table.dims == 384 and values.shape == (3, 384)
    assert values.min() >= -7 and values.max() <= 7
    assert np.array_equal(values[:, 0::2], (packed & 15).astype(np.float32) - 8)
    assert np.array_equal(values[:, 1::2], (packed >> 4).astype(np.float32) - 8)


def test_a_table_read_row_by_row_reads_as_one_unpacked_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("db.semantic.UNPACK_ALL_AFTER", 100)
    table = TokenTable.load()
    rows = np.asarray(table.rows("people smugglers' boats and blue-helmet missions"))
    one_by_one = table.unpacked(rows)
    assert table._unpacked is None
    table.unpacked(np.arange(200))  # passages being embedded: the whole table is unpacked
    assert table._unpacked is not None and table._unpacked.dtype == np.int8
    assert np.array_equal(table.unpacked(rows), one_by_one)


def test_a_table_that_is_not_the_pinned_one_is_refused(tmp_path: Path) -> None:
    for name in (TABLE_FILE, VOCAB_FILE):
        folder = tmp_path / name
        shutil.copytree(paths.embeddings_dir(), folder)
        _flip(folder / name)
        with pytest.raises(ModelError, match="not the embedding table Liaison ships"):
            TokenTable.load(folder)
    missing = tmp_path / "missing"
    missing.mkdir()
    with pytest.raises(ModelError, match="cannot read the embedding table"):
        TokenTable.load(missing)


def test_similar_meanings_are_closer_than_unrelated_ones(library: Library) -> None:
    vectors = library.engine.meaning.vectors()
    assert vectors is not None
    guns = vectors.embed("rifles and pistols")
    assert guns @ vectors.embed("firearms") > guns @ vectors.embed("pandemic")
    assert float(np.linalg.norm(guns)) == pytest.approx(1.0, abs=1e-5)


def test_clauses_cover_long_sentences_in_pieces() -> None:
    text = "Short one. " + ", ".join(["a clause of several words"] * 30) + "; tail."
    spans = clauses(text)
    assert text[slice(*spans[0])] == "Short one."
    assert all(b - a <= 230 for a, b in spans)
    assert "".join(text[a:b] for a, b in spans).replace(" ", "") == text.replace(" ", "")


def test_a_long_sentence_without_commas_is_cut_between_words() -> None:
    text = " ".join(["words"] * 120) + "."
    spans = clauses(text)
    assert len(spans) > 1
    assert all(set(text[a:b].split(" ")) == {"words"} for a, b in spans[:-1])
    assert sum(len(text[a:b].split()) for a, b in spans) == 120


def test_clause_words_are_the_words_clause_by_clause() -> None:
    text = "Café owners. " + ", ".join(["blue helmets"] * 25) + " " + "x" * 300
    parts = clause_words(text)
    assert parts[0] == ["cafe", "owners", "."]
    assert len(parts) == len(clauses(text)) > 3
    assert [w for part in parts for w in part] == words(text)
    assert clause_words("") == [] and clause_words("   ") == []


def test_fuse_keeps_citations_and_strong_keyword_matches_on_top() -> None:
    lexical = [("cited", PINNED_SCORE), ("strong", 10.0), ("weak", 2.0)]
    # Word matches: "strong" holds every word of the query (1.0); "near" matches by meaning
    # alone, above the cut; "far" too, below it (0.6 < 0.8 of the best).
    related = [("strong", 1.0), ("near", 0.9), ("weak", 0.7), ("far", 0.6)]
    fused = fuse(lexical, related)
    assert [f.passage_id for f in fused] == ["cited", "strong", "near", "weak"]
    assert [f.by_meaning for f in fused] == [False, False, True, False]
    # A quoted phrase: every lexical match stays above what meaning alone found.
    exact = [f.passage_id for f in fuse(lexical, related, exact=True)]
    assert exact == ["cited", "strong", "weak", "near"]
    # Nothing but a poor match (below MIN_WORD_MATCH) brings no meaning-only hit.
    assert [f.passage_id for f in fuse([], [("x", 0.0)])] == []
    assert [f.passage_id for f in fuse([], [("x", 0.45), ("y", 0.4)])] == []
    # A passage the sentence encoder read needs a lower blend, and a clause score: "x" and
    # "y" clear both floors, "z" (off the subject by its clauses) and "u" (unread) do not.
    read = {"x": 0.5, "y": MIN_CLAUSE_SCORE, "z": 0.2}
    blended = [("x", 0.45), ("y", MIN_MEANING_MATCH), ("z", 0.45), ("u", 0.45)]
    assert [f.passage_id for f in fuse([], blended, read=read)] == ["x", "y"]
    # Below the cut, only the best MEANING_TOP word matches of all candidates get in.
    weak_tail = [("x", 0.9), ("y", 0.55), ("z", 0.52), ("u", 0.51), ("v", 0.4)]
    assert [f.passage_id for f in fuse([], weak_tail)] == ["x", "y", "z"]


def test_a_passage_found_by_meaning_is_labelled_with_its_closest_sentence(
    library: Library,
) -> None:
    assert library.search(SMUGGLERS, meaning=False).hits == []
    hits = library.search(SMUGGLERS, limit=3).hits
    first = next(h for h in hits if h.passage_id in SMUGGLING)  # a right one in the first 3
    assert first.match == MATCH_MEANING and first.highlights == []
    sentence = first.snippet.strip("…")
    assert sentence in first.text and "smuggling of migrants" in sentence
    assert len(sentence) < len(first.text) or len(first.text) < 240


def test_words_still_rank_first_and_are_not_labelled(library: Library) -> None:
    hits = library.search("maritime piracy", limit=10).hits
    assert [h.match for h in hits[:3]] == [MATCH_WORDS] * 3
    assert hits[0].passage_id == "united-nations:s7.p1"
    assert {h.passage_id for h in hits[:3]} <= {
        "united-nations:s7.p1",
        "united-nations:s7.p2",
        "united-nations:s7.p3",
        "a-res-77-20:op14",
        "a-res-77-20:op1",  # names "illicit maritime activities" and "piracy" among crimes
    }
    cited = library.search("77/20 para 11", limit=5).hits
    assert cited[0].passage_id == "a-res-77-20:op11" and cited[0].match == MATCH_WORDS


def test_meaning_hits_respect_filters(library: Library) -> None:
    hits = library.search(SMUGGLERS, limit=10, document="a-res-77-20").hits
    assert hits and {h.document_id for h in hits} == {"a-res-77-20"}
    assert not library.search(SMUGGLERS, date_from="2099-01-01").hits


def test_the_vectors_file_is_part_of_the_store_and_its_manifest(store_copy: Path) -> None:
    vectors = store_copy / VECTORS_NAME
    loaded = PassageVectors.load(vectors, bundled_table())
    with Library(store_copy) as lib:
        assert sorted(loaded.ids) == sorted(p["id"] for p in lib.store.passages())
    _flip(vectors)
    assert verify_manifest(store_copy) == [f"{VECTORS_NAME} has changed"]


def test_a_store_without_usable_vectors_searches_by_words_alone(tmp_path: Path) -> None:
    stage = MeaningSearch(tmp_path / VECTORS_NAME)
    assert stage.nearest(SMUGGLERS, 5) == []
    assert stage.error is not None and VECTORS_NAME in stage.error


def test_the_query_is_embedded_once_per_search(library: Library) -> None:
    stage = library.engine.meaning
    library.search(SMUGGLERS, limit=5)
    vec = stage.query_vector(SMUGGLERS)
    assert stage.query_vector(SMUGGLERS) is vec


def test_cli_says_related_by_meaning(built_store: Path) -> None:
    shutil.copytree(built_store, paths.store_dir())
    result = CliRunner().invoke(cli, ["search", SMUGGLERS, "--limit", "3"])
    assert result.exit_code == 0, result.output
    assert f"[{MEANING_LABEL}]" in result.output
    result = CliRunner().invoke(cli, ["search", SMUGGLERS, "--limit", "3", "--json"])
    assert '"match": "meaning"' in result.output


def test_an_acronym_keeps_its_passage_first_and_meaning_only_follows(library: Library) -> None:
    hits = library.search("WHO", limit=5).hits
    assert hits[0].passage_id == "a-res-77-20:op13" and hits[0].match == MATCH_WORDS
    assert all(h.match == MATCH_MEANING for h in hits[1:])


@pytest.mark.parametrize("query", ["zzzqqxx", "xyzzy", "qwertyuiop", "the", "what is it"])
def test_gibberish_and_stop_words_bring_nothing_by_meaning(library: Library, query: str) -> None:
    assert not bundled_table().knows_a_word(query)
    assert [h for h in library.search(query).hits if h.match == MATCH_MEANING] == []


@pytest.mark.parametrize("query", ["smugglers", "crypto", "bogus passports", "rifle"])
def test_words_the_model_knows_open_the_meaning_stage(query: str) -> None:
    assert bundled_table().knows_a_word(query)


def test_the_coarse_pass_of_large_stores_finds_what_the_exact_ranking_finds(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    exact = library.engine.meaning.vectors()
    assert exact is not None and exact.matrix.dtype == np.float32
    large = PassageVectors(
        exact.ids, exact.matrix.astype(np.float16), exact.idf, exact.table, exact.rotation
    )
    monkeypatch.setattr("db.semantic.EXACT_LIMIT", 10)
    monkeypatch.setattr("db.semantic.COARSE_CANDIDATES", 40)
    for query in (SMUGGLERS, "tracing where a rifle was made", "women in policing"):
        vec = exact.embed(query)
        sims = exact.matrix @ (vec @ exact.rotation)  # every cosine, computed here
        want = [exact.ids[i] for i in np.argsort(-sims)[:5]]
        got = large.nearest(vec, 5)
        assert large._coarse is not None and large._coarse.shape[1] == 64
        assert [pid for pid, _ in got] == want, query
        assert [c for _, c in got] == pytest.approx(sorted(sims)[::-1][:5], abs=2e-3)


def test_the_rotation_keeps_every_cosine(library: Library) -> None:
    vectors = library.engine.meaning.vectors()
    assert vectors is not None
    r = vectors.rotation
    assert r.T @ r == pytest.approx(np.eye(r.shape[0]), abs=1e-4)


#: Precise keyword look-ups: the words find their passages; meaning must not pad the list.
KEYWORD_LOOK_UPS = ("maritime piracy", "Biotracker", "stolen motor vehicles", "drone attacks")


@pytest.mark.parametrize("query", KEYWORD_LOOK_UPS)
def test_a_keyword_look_up_is_not_padded_with_meaning_hits(
    library: Library, query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    stage = library.engine.meaning
    vectors = stage.vectors()
    assert vectors is not None
    match = dict(stage.related(query, vectors.ids))
    hits = library.search(query, limit=50).hits
    assert hits[0].match == MATCH_WORDS
    by_meaning = [h.passage_id for h in hits if h.match == MATCH_MEANING]
    assert len(by_meaning) <= 2, (query, by_meaning)
    # Without the cuts the same look-up would be padded to the limit with loosely related
    # passages (when the model knows a word of it: "Biotracker" it can only spell out).
    monkeypatch.setattr("db.semantic.MEANING_CUT", 0.0)
    monkeypatch.setattr("db.semantic.MIN_MEANING_MATCH", 0.0)
    monkeypatch.setattr("db.semantic.MIN_WORD_MATCH", 0.0)
    monkeypatch.setattr("db.semantic.MIN_CLAUSE_SCORE", -1.0)
    padded = library.search(query, limit=50).hits
    assert len(padded) == 50 if match else padded == hits


def test_a_paraphrase_still_gets_its_meaning_hit_above_the_cut(library: Library) -> None:
    hits = library.search(SMUGGLERS, limit=50).hits
    assert {h.passage_id for h in hits[:3]} & SMUGGLING
    assert all(h.match == MATCH_MEANING for h in hits) and len(hits) < 20


def test_word_match_scores_each_query_word_by_its_closest_passage_word(
    library: Library,
) -> None:
    vectors = library.engine.meaning.vectors()
    assert vectors is not None
    s7 = "united-nations:s7.p1"  # "Maritime piracy ..."
    [(pid, full)] = vectors.word_match("maritime piracy", [s7])
    assert pid == s7 and full == pytest.approx(1.0, abs=1e-3)
    # "smugglers" is nowhere in the corpus: its closest words decide, and the passage
    # on the smuggling of migrants beats one on drones.
    got = dict(vectors.word_match("smugglers", ["a-res-77-20:op1", "a-res-77-20:op16"]))
    assert got["a-res-77-20:op1"] > got["a-res-77-20:op16"]
    assert vectors.word_match("the what", vectors.ids[:3]) == []
    assert vectors.word_match("piracy", ["no-such-passage"]) == []


def test_the_query_words_met_in_one_clause_count_more_than_scattered(library: Library) -> None:
    vectors = library.engine.meaning.vectors()
    assert vectors is not None
    together = ("together", None, "Maritime piracy threatens shipping. Other matters follow.")
    apart = ("apart", None, "Maritime matters are discussed here. Piracy comes up elsewhere.")
    built = PassageVectors.build([together, apart], vectors.table)
    words_of = built.word_ids[built.word_starts[1] : built.word_starts[2]]
    breaks_of = built.clause_breaks[built.word_starts[1] : built.word_starts[2]]
    # Listed clause by clause: "maritime" opens the first clause, "piracy" the second.
    assert [built.vocabulary[i] for i in words_of[breaks_of == 1]] == ["maritime", "piracy"]
    got = dict(built.word_match("maritime piracy", ["together", "apart"]))
    assert got["together"] == pytest.approx(1.0, abs=1e-3)
    assert got["apart"] < got["together"] - 0.05


def _no_first_break(data: dict[str, np.ndarray]) -> None:
    data["clause_breaks"] = data["clause_breaks"].copy()
    data["clause_breaks"][data["word_starts"][1]] = 0  # the second passage starts no clause


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d.update(word_starts=d["word_starts"][::-1].copy()),  # not increasing
        lambda d: d.update(clause_breaks=d["clause_breaks"][:-1].copy()),  # one short
        _no_first_break,
    ],
)
def test_a_vectors_file_with_inconsistent_words_is_refused(
    store_copy: Path, damage: Callable[[dict[str, np.ndarray]], None]
) -> None:
    path = store_copy / VECTORS_NAME
    with np.load(path, allow_pickle=False) as npz:
        data = {k: npz[k] for k in npz.files}
    PassageVectors.load(path, bundled_table())  # as built: read
    damage(data)
    with path.open("wb") as fh:
        np.savez(fh, **data)
    with pytest.raises(StoreError, match="does not match"):
        PassageVectors.load(path, bundled_table())


def test_a_damaged_table_is_read_once_and_every_word_is_then_a_possible_typo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    damaged_embeddings(tmp_path, monkeypatch, TABLE_FILE)
    reads: list[Path | None] = []
    load = TokenTable.load.__func__

    def counted(cls: type[TokenTable], folder: Path | None = None) -> TokenTable:
        reads.append(folder)
        return load(cls, folder)

    monkeypatch.setattr(TokenTable, "load", classmethod(counted))
    forget_bundled_table()
    try:
        assert not dictionary_word("bank")
        assert not dictionary_word("summit")
        with pytest.raises(ModelError):
            bundled_table()
        assert len(reads) == 1  # the failure is remembered, not read and hashed again
    finally:
        forget_bundled_table()  # the next test reads the bundled table again
