"""The two-stage ranking of :mod:`db.rank`, on a real store built from the bundled corpus."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import query as wq

from db.index import analyze, fast_analyze, fast_terms, terms
from db.rank import Ranker, quantised

LOOKUPS = [
    "how does INTERPOL support UN peacekeeping missions",
    "drone attacks",
    "sanctions committees",
    "travel document",
    "DPKO",
    "Counter-Terrorism Strategy",
    "what did the General Assembly ask the Secretary-General to do",
]


def ranker(library, candidates: int) -> Ranker:
    """A ranker over the library's index, scoring ``candidates`` exactly per round."""
    engine = library.engine
    return Ranker(engine.searcher, engine._load_fields, candidates=candidates)


def passage_ids(library, scored) -> list[str]:
    return [library.engine.searcher.stored_fields(s.docnum)["passage_id"] for s in scored]


@given(st.text(max_size=200))
@settings(max_examples=300, deadline=None)
def test_fast_terms_equal_the_analyzer_on_any_text(text):
    assert fast_terms(text) == terms(text)
    assert fast_analyze(text) == analyze(text)  # offsets too, for the snippets


def test_fast_terms_equal_the_analyzer_on_the_corpus(library):
    passages = library.store.passages()
    assert passages
    for p in passages:
        assert fast_terms(p["text"]) == terms(p["text"])
        assert fast_terms(p["heading"] or "") == terms(p["heading"] or "")
        assert fast_analyze(p["text"]) == analyze(p["text"])


@pytest.mark.parametrize("term", ["sanction", "interpol", "peacekeep", "terror"])
def test_term_scores_are_whoosh_bm25f(library, term):
    """One term's score is exactly what Whoosh's BM25F gives the same passage."""
    searcher = library.engine.searcher
    whoosh_scores = {
        r.docnum: r.score
        for r in searcher.search(wq.Term("text", term), limit=None, optimize=False)
    }
    assert whoosh_scores, term
    ours = {
        s.docnum: s.score for s in ranker(library, 1000).search(wq.Term("text", term), limit=1000)
    }
    assert ours.keys() == whoosh_scores.keys()
    for docnum, score in whoosh_scores.items():
        assert ours[docnum] == pytest.approx(score, rel=1e-6)


def test_coordination_bonus_is_whoosh_s(library):
    """A coordinated union scores as Whoosh's CoordMatcher does.

    Whoosh's score of each passage is read from a matcher of its own, moved to that
    passage: Whoosh's collector, walking one union matcher over every passage, lost the
    other terms' scores from some passage on once passages were numbered in catalog
    order (0.0 for passages that hold "security"), as in whoosh issues #446 and #461.
    """
    q = wq.Or([wq.Term("text", t) for t in ("sanction", "committe", "secur")], scale=0.9)
    searcher = library.engine.searcher
    whoosh_scores = {}
    for docnum in q.matcher(searcher, searcher.context()).all_ids():
        m = q.matcher(searcher, searcher.context())
        m.skip_to(docnum)
        assert m.id() == docnum
        whoosh_scores[docnum] = m.score()
    assert len(whoosh_scores) > 10
    ours = {s.docnum: s.score for s in ranker(library, 1000).search(q, limit=1000)}
    assert ours.keys() == whoosh_scores.keys()
    for docnum, score in whoosh_scores.items():
        assert ours[docnum] == pytest.approx(score, rel=1e-6)


def test_a_phrase_matches_only_its_words_in_order(library):
    r = ranker(library, 1000)
    forward = passage_ids(library, r.search(wq.Phrase("text", ["travel", "document"]), limit=100))
    backward = passage_ids(library, r.search(wq.Phrase("text", ["document", "travel"]), limit=100))
    assert forward
    for pid in forward:
        words = terms(library.store.passage(pid)["text"])
        assert any(words[i : i + 2] == ["travel", "document"] for i in range(len(words)))
    assert set(forward) != set(backward)


@pytest.mark.parametrize("text", LOOKUPS)
def test_staged_scores_are_exact(library, text):
    """With few candidates per round the hits still carry their exact scores, best first."""
    q = library.engine.planner.plan(text).query
    exhaustive = {s.docnum: s.score for s in ranker(library, 10_000).search(q, limit=10_000)}
    staged = ranker(library, 8).search(q, limit=10)
    assert staged
    assert [s.score for s in staged] == sorted((s.score for s in staged), reverse=True)
    for s in staged:
        assert s.score == pytest.approx(exhaustive[s.docnum])


def test_small_index_ranks_exhaustively(library):
    """Up to ``candidates`` passages every match is scored: the order is the exact one."""
    q = library.engine.planner.plan("INTERPOL notices sanctions").query
    full = ranker(library, 10_000).search(q, limit=10)
    assert [s.docnum for s in ranker(library, 300).search(q, limit=10)] == [s.docnum for s in full]


def test_further_rounds_run_until_enough_hits(library):
    """A query whose matches are spread needs more than one round of one candidate."""
    q = library.engine.planner.plan("INTERPOL").query
    hits = ranker(library, 1).search(q, limit=5)
    assert len(hits) == 5


def test_a_large_limit_gets_its_rounds(library):
    """Asking for more hits than the rounds would score still returns every match."""
    q = wq.Term("text", "interpol")
    total = len(ranker(library, 10_000).search(q, limit=10_000))
    assert total > 20
    assert len(ranker(library, 2).search(q, limit=total, max_rounds=2)) == total


def test_allowed_docnums_restrict_the_hits(library):
    q = wq.Term("text", "interpol")
    r = ranker(library, 1000)
    everything = [s.docnum for s in r.search(q, limit=1000)]
    allowed = set(everything[::3])
    assert {s.docnum for s in r.search(q, limit=1000, allowed=allowed)} == allowed


def test_cached_passages_give_the_same_ranking(library):
    r = ranker(library, 300)
    q = library.engine.planner.plan("sanctions committees").query
    first = [(s.docnum, s.score) for s in r.search(q, limit=10)]
    assert [(s.docnum, s.score) for s in r.search(q, limit=10)] == first
    r.clear_cache()
    assert [(s.docnum, s.score) for s in r.search(q, limit=10)] == first


def test_quantised_lengths_are_whoosh_s():
    assert [quantised(n) for n in (0, 1, 2, 3, 10)] == [0, 1, 2, 3, 10]
    assert quantised(1000) >= 1000 * 0.9


def test_memory_of_term_statistics_is_bounded_and_scores_unchanged(library, monkeypatch):
    """Batch mode sends endless unique words: the ranker keeps at most CACHE_IDF_TERMS of them."""
    import db.rank

    monkeypatch.setattr(db.rank, "CACHE_IDF_TERMS", 50, raising=False)
    r = ranker(library, 300)
    expected = [s.score for s in r.search(wq.Term("text", "sanction"), limit=5)]
    for i in range(400):
        r.search(wq.Or([wq.Term("text", f"zq{i}"), wq.Term("heading", f"zq{i}")]), limit=5)
        assert len(r._idf) <= 50
    assert [s.score for s in r.search(wq.Term("text", "sanction"), limit=5)] == expected
