"""Shorthand references resolved by the planner (db.query) through Library.search.

On the bundled corpus (one resolution, A/RES/77/20) and on a library with a second resolution
imported through the real import path (A/RES/79/999, adopted 2 December 2024).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from db.imports import import_files
from db.query import MAX_WORDS, bounded, other_spellings
from db.reading import Library
from tests.helpers import layouts
from tests.helpers.documents import RESOLUTION, make_pdf

R = "a-res-77-20"
NEW = "a-res-79-999"

#: Every shorthand form of the issue, each with the passages it must put first, in order.
FORMS = [
    ("OP 19", [f"{R}:op19"]),
    ("op19", [f"{R}:op19"]),
    ("OP19", [f"{R}:op19"]),
    ("OP. 19", [f"{R}:op19"]),
    ("operative paragraph 19", [f"{R}:op19"]),
    ("OP 17(a)", [f"{R}:op17a"]),
    ("OP 17 a", [f"{R}:op17a"]),
    ("op17a", [f"{R}:op17a"]),
    ("17(a)", [f"{R}:op17a"]),
    ("para. 17 (a)", [f"{R}:op17a"]),
    ("paragraph 17", [f"{R}:op17", f"{R}:op17a", f"{R}:op17b", f"{R}:op17c", f"{R}:op17d"]),
    ("para 17", [f"{R}:op17", f"{R}:op17a", f"{R}:op17b"]),
    ("PP 9", [f"{R}:pp9"]),
    ("pp9", [f"{R}:pp9"]),
    ("preambular para 9", [f"{R}:pp9"]),
    ("preambular paragraph 9", [f"{R}:pp9"]),
    ("fn 2", [f"{R}:fn2"]),
    ("footnote 2", [f"{R}:fn2"]),
    ("note 2", [f"{R}:fn2"]),
    ("OP 17(a)-(c)", [f"{R}:op17a", f"{R}:op17b", f"{R}:op17c"]),
    ("OP 17(a)–(c)", [f"{R}:op17a", f"{R}:op17b", f"{R}:op17c"]),
    ("paras 6 and 7", [f"{R}:op6", f"{R}:op7"]),
    ("OP 6, 7", [f"{R}:op6", f"{R}:op7"]),
    ("paras 6-8", [f"{R}:op6", f"{R}:op7", f"{R}:op8"]),
    ("77/20 para 11", [f"{R}:op11"]),
    ("A/RES/77/20 OP 17(c)", [f"{R}:op17c"]),
    ("res 77/20 PP 23", [f"{R}:pp23"]),
    ("resolution 77/20 preambular paragraph 5", [f"{R}:pp5"]),
    ("paragraph 17(e) of resolution 77/20", [f"{R}:op17e"]),
    ("77/20 17(b)", [f"{R}:op17b"]),
]


def ids(result) -> list[str]:
    return [h.passage_id for h in result.hits]


@pytest.mark.parametrize(("query", "expected"), FORMS)
def test_every_shorthand_form_on_the_bundled_corpus(library, query, expected):
    result = library.search(query)
    assert ids(result)[: len(expected)] == expected
    assert result.notice is None


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ("77/20 para 30", "A/RES/77/20 has no operative paragraph 30 (operative paragraphs 1–20)."),
        ("OP 30", "A/RES/77/20 has no operative paragraph 30 (operative paragraphs 1–20)."),
        ("PP 26", "A/RES/77/20 has no preambular paragraph 26 (preambular paragraphs 1–25)."),
        ("fn 9", "A/RES/77/20 has no footnote 9 (footnotes 1–8)."),
        ("77/20 para 1(b)", "Paragraph 1 of A/RES/77/20 has no lettered sub-paragraphs."),
        (
            "OP 17(g)",
            "Paragraph 17 of A/RES/77/20 has no sub-paragraph (g) (sub-paragraphs (a)–(e)).",
        ),
        ("77/999 para 2", "No document 77/999 in your library."),
        ("A/RES/77/999 OP 2", "No document A/RES/77/999 in your library."),
    ],
)
def test_a_reference_to_nothing_says_so_and_shows_nothing_else(library, query, notice):
    result = library.search(query)
    assert result.notice == notice
    assert result.hits == []


def test_part_of_a_list_missing_is_said_and_the_rest_found(library):
    result = library.search("paras 19 and 30")
    assert ids(result) == [f"{R}:op19"]
    assert result.notice == (
        "A/RES/77/20 has no operative paragraph 30 (operative paragraphs 1–20)."
    )


def test_words_beside_a_failed_reference_are_still_searched(library):
    result = library.search("OP 30 maritime piracy")
    assert "no operative paragraph 30" in (result.notice or "")
    assert result.hits and all("30" not in h.citation for h in result.hits)
    assert "piracy" in result.hits[0].text.lower()


def test_a_symbol_alone_not_in_the_library_shows_only_passages_citing_it(library):
    result = library.search("60/288")
    assert result.notice == "No document 60/288 in your library; the passages below mention it."
    assert ids(result)[0] == f"{R}:fn3"
    assert all("60/288" in h.text for h in result.hits)
    nothing = library.search("77/999")
    assert nothing.hits == []
    assert nothing.notice == "No document 77/999 in your library; no passage mentions it."


#: Queries meaning a reference whose digits also occur in text (dates, COVID-19, symbols
#: inside footnotes, "para. 24" in footnote 8): the referenced passage must come first.
MISLEADING = [
    ("OP 19", f"{R}:op19"),  # "COVID-19" in pp24 and op12
    ("OP 17", f"{R}:op17"),  # "17 December" in pp21
    ("PP 9", f"{R}:pp9"),  # "9–20 July 2001" in footnote 8
    ("preambular paragraph 9", f"{R}:pp9"),
    ("para 17", f"{R}:op17"),
    ("footnote 2", f"{R}:fn2"),  # "Corr.2" in footnote 7
    ("fn 7", f"{R}:fn7"),
    ("op 2", f"{R}:op2"),
    ("OP 20", f"{R}:op20"),  # "9–20 July" in footnote 8
    ("PP 21", f"{R}:pp21"),  # "21 November" in the header and pp1
    ("OP 11", f"{R}:op11"),  # "A/60/88" etc.
    ("PP 1", f"{R}:pp1"),  # "vol. 1996, No. 1200" in footnote 1
    ("op 12", f"{R}:op12"),
    ("PP 16", f"{R}:pp16"),  # "70/1" cited there
    ("77/20 para 3", f"{R}:op3"),  # "article 3" in footnote 2
]


@pytest.mark.parametrize(("query", "expected"), MISLEADING)
def test_digits_in_text_never_beat_the_reference(library, query, expected):
    result = library.search(query, limit=5)
    assert ids(result)[0] == expected
    # Below the reference, nothing was found by its digits alone.
    for hit in result.hits[1:]:
        assert hit.passage_id.startswith(expected), (query, hit.citation)


def test_para_24_is_not_the_footnote_that_says_para_24(library):
    result = library.search("para 24")  # "chap. IV, para. 24" is in footnote 8
    assert result.hits == []
    assert result.notice == (
        "A/RES/77/20 has no operative paragraph 24 (operative paragraphs 1–20)."
    )


@pytest.mark.parametrize("query", ["COVID-19", "17 December", "Corr.2", "I-24/7"])
def test_digits_inside_words_dates_and_symbols_are_words(library, query):
    result = library.search(query)
    assert result.notice is None
    assert result.hits, query
    assert all(h.score < 1000 for h in result.hits)


def test_a_document_symbol_not_in_the_library_lists_the_passages_citing_it(library):
    result = library.search("A/60/88")
    assert result.notice == "No document A/60/88 in your library; the passages below mention it."
    assert ids(result) == ["a-res-77-20:fn7"]
    assert all(h.score < 1000 for h in result.hits)


def test_context_document_and_filters(library):
    # A context that is not a resolution: the only resolution, said so.
    result = library.search("OP 19", context_document="united-nations")
    assert ids(result)[0] == f"{R}:op19"
    assert "not a resolution" in result.notice
    # The reference outside the filters is said, not silently dropped.
    filtered = library.search("77/20 para 11", document="united-nations")
    assert filtered.hits == []
    assert filtered.notice == "A/RES/77/20, para. 11 is outside the filters you set."


# -- a library with a second, imported resolution ------------------------------------------


@pytest.fixture(scope="module")
def two_resolutions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    """The bundled corpus plus A/RES/79/999 imported through the real import path."""
    data = tmp_path_factory.mktemp("two-resolutions")
    source = data / "in" / "a-res-79-999.txt"
    source.parent.mkdir()
    source.write_text(RESOLUTION, encoding="utf-8")
    store = data / "data" / "store"
    (report,) = import_files([source], library_dir=data / "data" / "library", store_dir=store)
    assert report.status == "imported", report.message
    lib = Library(store)
    yield lib
    lib.close()


def test_a_symbol_chooses_the_resolution(two_resolutions):
    assert ids(two_resolutions.search("79/999 para 2"))[:1] == [f"{NEW}:op2"]
    assert ids(two_resolutions.search("77/20 para 2"))[:1] == [f"{R}:op2"]
    assert ids(two_resolutions.search("A/RES/79/999 PP 1"))[:1] == [f"{NEW}:pp1"]
    result = two_resolutions.search("79/999 OP 19")
    assert result.hits == []
    assert result.notice == (
        "A/RES/79/999 has no operative paragraph 19 (operative paragraphs 1–3)."
    )
    assert two_resolutions.search("79/999 fn 1").hits[0].passage_id == f"{NEW}:fn1"


def test_the_context_document_chooses_next(two_resolutions):
    for query, local in [("OP 2", "op2"), ("pp 2", "pp2"), ("fn 1", "fn1"), ("OP 1-2", "op1")]:
        assert ids(two_resolutions.search(query, context_document=NEW))[0] == f"{NEW}:{local}"
        assert ids(two_resolutions.search(query, context_document=R))[0] == f"{R}:{local}"
    result = two_resolutions.search("OP 19", context_document=NEW)
    assert result.hits == []
    assert result.notice == (
        "A/RES/79/999 has no operative paragraph 19 (operative paragraphs 1–3). "
        "Operative paragraph 19 is in A/RES/77/20."
    )


#: The forms again, on numbers both resolutions have: (query, local ids in order).
BOTH = [
    ("OP 2", ["op2"]),
    ("op2", ["op2"]),
    ("OP. 2", ["op2"]),
    ("operative paragraph 2", ["op2"]),
    ("paragraph 2", ["op2"]),
    ("para. 2", ["op2"]),
    ("PP 2", ["pp2"]),
    ("pp2", ["pp2"]),
    ("preambular para 2", ["pp2"]),
    ("preambular paragraph 2", ["pp2"]),
    ("fn 1", ["fn1"]),
    ("footnote 1", ["fn1"]),
    ("note 1", ["fn1"]),
    ("paras 2 and 3", ["op2", "op3"]),
    ("OP 2, 3", ["op2", "op3"]),
    ("paras 1-3", ["op1", "op2", "op3"]),
]


@pytest.mark.parametrize(("query", "locals_"), BOTH)
def test_every_form_with_two_resolutions_gives_each_newest_first(two_resolutions, query, locals_):
    result = two_resolutions.search(query, limit=20)
    expected = [f"{NEW}:{x}" for x in locals_] + [f"{R}:{x}" for x in locals_]
    assert ids(result)[: len(expected)] == expected
    assert result.hits[0].citation.startswith("A/RES/79/999, ")
    assert result.hits[len(locals_)].citation.startswith("A/RES/77/20, ")
    assert "of 2 resolutions, newest first (A/RES/79/999, A/RES/77/20)" in result.notice


@pytest.mark.parametrize(("query", "expected"), [f for f in FORMS if "/" not in f[0]])
def test_forms_only_the_older_resolution_has(two_resolutions, query, expected):
    result = two_resolutions.search(query, limit=20)
    # A/RES/79/999 has operative paragraphs 1-3 only, and no sub-paragraphs.
    assert ids(result)[: len(expected)] == expected
    assert not any(h.document_id == NEW for h in result.hits)
    assert result.notice.startswith("Of the 2 resolutions in your library, only A/RES/77/20 has ")


@pytest.mark.parametrize(("query", "expected"), [f for f in FORMS if "/" in f[0]])
def test_forms_with_a_symbol_ignore_the_other_resolution(two_resolutions, query, expected):
    result = two_resolutions.search(query, limit=20)
    assert ids(result)[: len(expected)] == expected
    assert result.notice is None


def test_two_resolutions_notices(two_resolutions):
    both = two_resolutions.search("OP 2")
    assert ids(both)[:2] == [f"{NEW}:op2", f"{R}:op2"]
    assert [h.citation for h in both.hits[:2]] == ["A/RES/79/999, para. 2", "A/RES/77/20, para. 2"]
    assert both.notice == (
        "Operative paragraph 2 of 2 resolutions, newest first "
        "(A/RES/79/999, A/RES/77/20): add a symbol to choose one."
    )
    one = two_resolutions.search("OP 19")
    assert ids(one) == [f"{R}:op19"]
    assert (
        one.notice
        == "Of the 2 resolutions in your library, only A/RES/77/20 has operative paragraph 19."
    )
    none = two_resolutions.search("OP 30")
    assert none.hits == []
    assert none.notice == (
        "No resolution in your library has operative paragraph 30 (A/RES/79/999: operative "
        "paragraphs 1–3; A/RES/77/20: operative paragraphs 1–20)."
    )


def test_imported_citations_in_both_styles(two_resolutions):
    assert two_resolutions.citation(f"{NEW}:op2") == "A/RES/79/999, para. 2"
    assert two_resolutions.citation(f"{NEW}:op2", style="full") == (
        "General Assembly resolution 79/999 of 2 December 2024, para. 2"
    )


def test_missing_paragraphs_are_said_once_per_part(library):
    result = library.search("OP 30-32")
    assert result.hits == []
    assert result.notice == (
        "A/RES/77/20 has no operative paragraphs 30–32 (operative paragraphs 1–20)."
    )
    letters = library.search("OP 17(f)-(g)")
    assert letters.notice == (
        "Paragraph 17 of A/RES/77/20 has no sub-paragraphs (f), (g) (sub-paragraphs (a)–(e))."
    )
    both = library.search("OP 1(a)-(c) and PP 40")
    assert both.notice == (
        "A/RES/77/20 has no preambular paragraph 40 (preambular paragraphs 1–25). "
        "Paragraph 1 of A/RES/77/20 has no lettered sub-paragraphs."
    )


def test_several_paragraphs_of_several_resolutions_grouped_by_resolution(two_resolutions):
    result = two_resolutions.search("paras 2 and 3")
    assert ids(result)[:4] == [f"{NEW}:op2", f"{NEW}:op3", f"{R}:op2", f"{R}:op3"]
    assert result.notice == (
        "Operative paragraph 2 and operative paragraph 3 of 2 resolutions, newest first "
        "(A/RES/79/999, A/RES/77/20): add a symbol to choose one."
    )
    mixed = two_resolutions.search("OP 3, 30")
    assert ids(mixed) == [f"{NEW}:op3", f"{R}:op3"]
    assert mixed.notice.endswith(
        "No resolution in your library has operative paragraph 30 (A/RES/79/999: operative "
        "paragraphs 1–3; A/RES/77/20: operative paragraphs 1–20)."
    )


# -- numbered documents that are not General Assembly resolutions ------------------------

ANNEXED = (
    "99/10. A declaration\n\nThe General Assembly,\n\nRecalling its work,\n\n"
    "1. Adopts the declaration annexed to the present resolution;\n\n"
    "2. Decides to remain seized of the matter.\n\n"
    "40th plenary meeting\n6 December 2044\n\n"
    "Annex\n\nDeclaration on police cooperation\n\n"
    "1. States shall cooperate with INTERPOL;\n\n(a) By sharing data;\n\n"
    "2. States shall report every two years.\n"
)


@pytest.fixture(scope="module")
def numbered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    """The bundled corpus plus a resolution with an annex, an SC resolution and a report."""
    data = tmp_path_factory.mktemp("numbered")
    sources = data / "in"
    sources.mkdir()
    (sources / "annexed.txt").write_text(ANNEXED, encoding="utf-8")
    files = [
        sources / "annexed.txt",
        make_pdf(sources / "sc.pdf", layouts.SC_RESOLUTION),
        make_pdf(sources / "report.pdf", layouts.REPORT),
    ]
    store = data / "data" / "store"
    reports = import_files(files, library_dir=data / "data" / "library", store_dir=store)
    assert [r.status for r in reports] == ["imported"] * 3, [r.message for r in reports]
    lib = Library(store)
    yield lib
    lib.close()


def test_an_annex_paragraph_is_never_taken_for_the_resolution_s_own(numbered):
    result = numbered.search("99/10 OP 1(a)")
    assert result.hits == []
    assert result.notice == "Paragraph 1 of A/RES/99/10 has no lettered sub-paragraphs."
    assert ids(numbered.search("99/10 para 2"))[:1] == ["a-res-99-10:op2"]
    assert numbered.citation("a-res-99-10:annex.p1a", style="full") == (
        "General Assembly resolution 99/10 of 6 December 2044, annex, para. 1(a)"
    )


def test_a_report_s_paragraphs_by_its_symbol(numbered):
    assert ids(numbered.search("A/77/150 para 12"))[:1] == ["a-77-150:p12"]
    assert ids(numbered.search("a/77/150 para. 4(a)"))[:1] == ["a-77-150:p4a"]
    result = numbered.search("A/77/150 para 40")
    assert result.hits == []
    assert result.notice == "A/77/150 has no paragraph 40 (paragraphs 1–12)."
    # Without a symbol a paragraph number names resolutions only, never the report's.
    assert "a-77-150:p12" not in ids(numbered.search("para 12"))


def test_a_security_council_resolution_by_number_and_year(numbered):
    for query in ("S/RES/2178 (2014) para 5", "2178 (2014) OP 5", "s/res/2178(2014) op5"):
        assert ids(numbered.search(query))[:1] == ["s-res-2178-2014:op5"], query
    assert numbered.citation("s-res-2178-2014:op5", style="full") == (
        "Security Council resolution 2178 (2014) of 24 September 2014, para. 5"
    )


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("organised", "organized"),
        ("organisations", "organizations"),
        ("labour", "labor"),
        ("offence", "offense"),
        ("centre", "center"),
        ("programme", "program"),
        ("defense", "defence"),
        ("organising", "organizing"),
        ("centred", "centered"),
        ("labor", "labour"),
    ],
)
def test_other_spellings_cross_the_atlantic_both_ways(word, expected):
    assert expected in other_spellings(word)
    assert word not in other_spellings(word)


@pytest.mark.parametrize("word", ["bank", "filled", "fourth", "floors", "scored", "four", "hour"])
def test_no_other_spelling_is_another_word(word):
    # "filed", "forth", "flours", "scoured", "for" are words of their own.
    assert other_spellings(word) == []


def test_the_meaning_stage_reads_no_more_of_a_query_than_the_planner():
    assert bounded("  piracy\x00at sea  ") == "piracy at sea"
    assert bounded("piracy " * 1500) == " ".join(["piracy"] * MAX_WORDS)
    assert bounded("x" * 2000) == "x" * 512
