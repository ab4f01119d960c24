"""Search behaviour beyond the evaluation set: analysis, symbols, phrases, typos, filters."""

from __future__ import annotations

import pytest


def first(library, q, **kw):
    hits = library.search(q, **kw).hits
    return hits[0].passage_id if hits else None


def ids(library, q, n=3, **kw):
    """The word stage's hits (the meaning stage that fills in is tested in test_semantic.py)."""
    kw.setdefault("meaning", False)
    return [h.passage_id for h in library.search(q, limit=n, **kw).hits]


def test_stemming_and_markers_never_in_the_way(library):
    assert "a-res-77-20:pp9" in ids(library, "Counter-Terrorism Strategy")
    hit = library.search("trafficked persons").hits[0]
    assert "trafficking in persons" in hit.text.lower()
    assert "**trafficking**" in hit.snippet.lower()


def test_case_and_accent_folding(library):
    assert ids(library, "RÉSOLUTION 1540") == ids(library, "resolution 1540")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("60/288", "a-res-77-20:fn3"),
        ("I-24/7 financial intelligence units", "a-res-77-20:op15"),
        ("A/RES/77/20 para. 17(a)", "a-res-77-20:op17a"),
        ("77/20 preambular paragraph 5", "a-res-77-20:pp5"),
        ('"sanctions committees"', "united-nations:s3.p1"),
    ],
)
def test_symbols_citations_and_phrases_rank_first(library, query, expected):
    assert first(library, query) == expected


def test_a_bare_symbol_lists_the_document_in_order(library):
    assert ids(library, "A/RES/77/20", n=3) == [
        "a-res-77-20:pp1",
        "a-res-77-20:pp2",
        "a-res-77-20:pp3",
    ]


def test_typos_are_corrected_and_said(library):
    result = library.search("peacekeping")
    assert result.corrected_query == "peacekeeping"
    assert result.hits
    assert library.search("peacekeeping").corrected_query is None
    # A real word the corpus lacks is not "corrected" into another word.
    assert library.search("kelp forest").corrected_query is None


@pytest.mark.parametrize("word", ["bank", "summit", "offences", "teaching", "news", "cells"])
def test_a_dictionary_word_is_never_corrected_into_another_word(library, word):
    # Each is one edit from a word the corpus holds ("ban", "submit", "offices", ...).
    assert library.search(word).corrected_query is None


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("organised crime", "organized crime"),
        ("maximising cooperation", "maximizing cooperation"),
        # The corpus has "organized" and "organizing", not "organize": the stem is enough.
        ("organise crime", "organize crime"),
    ],
)
def test_a_dictionary_word_is_looked_up_in_its_other_spelling(library, typed, found):
    result = library.search(typed, meaning=False)
    assert result.corrected_query == found
    assert result.hits


def test_acronym_only_in_its_form(library):
    assert ids(library, "WHO", n=5) == ["a-res-77-20:op13"]
    assert "a-res-77-20:op13" not in ids(library, "who are the partners", n=5)


@pytest.mark.parametrize("query", ["who", "Who", "who?"])
def test_an_acronym_in_lower_case_that_is_a_word_is_the_word(library, query):
    """Lower-case "who" is the word ("those who return"), not the World Health Organization."""
    hits = library.search(query, limit=5).hits
    assert [h.passage_id for h in hits] == ["a-res-77-20:op2"]
    assert [hits[0].text[s:e] for s, e in hits[0].highlights] == ["who"]
    # In capitals it still expands to the entity, marked as the linker found it.
    (who,) = library.search("WHO", limit=5).hits
    assert who.passage_id == "a-res-77-20:op13"
    assert [who.text[s:e] for s, e in who.highlights] == ["World Health Organization"]


def test_an_acronym_marks_its_entity_s_mentions_only(library):
    """UNODC marks its own mentions, not each "United Nations" (or "national") around them."""
    hits = {h.passage_id: h for h in library.search("UNODC", limit=20).hits}
    op14 = hits["a-res-77-20:op14"]
    assert op14.text.count("United Nations") == 3
    assert [op14.text[s:e] for s, e in op14.highlights] == [
        "United Nations Office on Drugs and Crime"
    ]
    both = hits["united-nations:s10.p1"]
    assert [both.text[s:e] for s, e in both.highlights] == [
        "United Nations Office on Drugs and Crime",
        "UNODC",
    ]
    assert "United Nations" in both.text.replace("United Nations Office on Drugs and Crime", "")
    marked = [text for text, on in op14.parts() if on]
    assert marked == ["United Nations Office on Drugs and Crime"]


def test_each_passage_once(library):
    hits = library.search("United Nations INTERPOL cooperation", limit=100).hits
    assert len({h.passage_id for h in hits}) == len(hits)


def test_filters_combine_with_the_query(library):
    kinds = {h.kind for h in library.search("INTERPOL", limit=50, kind="operative").hits}
    assert kinds == {"operative", "subparagraph"}  # a sub-paragraph is part of its paragraph
    subs = {h.kind for h in library.search("INTERPOL", limit=50, kind="subparagraph").hits}
    assert subs == {"subparagraph"}
    docs = {
        h.document_id for h in library.search("INTERPOL", limit=50, document="united-nations").hits
    }
    assert docs == {"united-nations"}
    dated = library.search(
        "cooperation", limit=50, date_from="2022-01-01", date_to="2022-12-31"
    ).hits
    assert dated and {h.document_id for h in dated} == {"a-res-77-20"}
    assert not library.search("cooperation", date_from="2023-01-01").hits
    unodc = library.search("drugs", limit=50, entity="UNODC").hits
    allowed = library.entity_passage_ids("unodc")
    assert unodc and all(h.passage_id in allowed for h in unodc)
    # Entity filter includes descendants: the Secretariat covers UNODC's passages.
    sec = {h.passage_id for h in library.search("", limit=500, entity="Secretariat").hits}
    assert allowed <= sec


def test_empty_query_with_entity_lists_its_passages_in_order(library):
    hits = library.search("", limit=100, entity="DSS").hits
    assert [h.passage_id for h in hits] == [
        "interpol-and-un-entities:s4.i2",
        "united-nations:s6.p1",
        "united-nations:s6.p2",
    ]


def test_choosing_an_organ_lists_the_passages_of_the_documents_it_issued(library):
    """The General Assembly: the passages naming it and every passage of its resolution."""
    listed = [
        h.passage_id for h in library.search("", limit=10_000, entity="General Assembly").hits
    ]
    resolution = {p["id"] for p in library.document("a-res-77-20")["passages_list"]}
    mentioned = library.store.mention_counts()
    naming = set().union(
        *(mentioned.get(n, set()) for n in library.gazetteer.descendants("general_assembly"))
    )
    assert len(naming) == 8 and not naming <= resolution
    assert set(listed) == resolution | naming == library.entity_passage_ids("general_assembly")
    assert len(listed) == len(set(listed))
    order = {p["id"]: i for i, p in enumerate(library.store.passages())}
    assert listed == sorted(listed, key=order.__getitem__)
    # Words and references are searched within them too ("OP 1" does not name the GA).
    assert "a-res-77-20:op1" not in naming
    found = {
        h.passage_id
        for h in library.search("piracy", entity="general_assembly", meaning=False).hits
    }
    assert "a-res-77-20:op1" in found and found <= set(listed)
    assert first(library, "OP 1", entity="General Assembly") == "a-res-77-20:op1"
    assert "a-res-77-20:op1" not in library.entity_passage_ids("dpo")
    assert first(library, "OP 1", entity="DPO") != "a-res-77-20:op1"
    # The tree counts what the filter lists.
    (ga,) = (n for n in library.entity_tree("un") if n["id"] == "general_assembly")
    assert ga["total"] == len(listed)


def test_citation_respects_filters(library):
    assert first(library, "77/20 para 11", document="united-nations") != "a-res-77-20:op11"


@pytest.mark.parametrize("entity", ["un", "secretariat", "unodc", "security_council"])
def test_entity_filter_through_the_index_equals_the_mentions(library, entity):
    """The index's entity links and the record's mentions give the same passages."""
    expected = library.entity_passage_ids(entity)
    assert expected
    listed = {h.passage_id for h in library.search("", limit=10_000, entity=entity).hits}
    assert listed == expected
    found = {h.passage_id for h in library.search("INTERPOL", limit=10_000, entity=entity).hits}
    assert found and found <= expected


def test_listing_is_in_reading_order_under_every_filter(library):
    store = library.store
    order = {p["id"]: i for i, p in enumerate(store.passages())}
    everything = store.list_passage_ids(limit=10_000)
    assert everything == sorted(order, key=order.__getitem__)
    some = everything[::7]
    assert store.list_passage_ids(limit=10_000, passage_ids=reversed(some)) == some
    ops = store.list_passage_ids(limit=10_000, kind="operative", document="a-res-77-20")
    assert ops and all(pid.startswith("a-res-77-20:op") for pid in ops)
    assert store.list_passage_ids(limit=3, kind="operative") == ops[:3]
    assert store.list_passage_ids(limit=10, entity_ids=[]) == []
    assert store.list_passage_ids(limit=10, date_from="2023-01-01") == []
