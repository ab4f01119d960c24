"""The shorthand reference grammar (db.references): every form, the look-alikes, any input."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.references import (
    MAX_RANGE,
    ParagraphRef,
    find_paragraph_refs,
    find_symbols,
    parse_query,
)


def op(n: int, letter: str | None = None) -> ParagraphRef:
    return ParagraphRef("operative", n, letter)


def pp(n: int) -> ParagraphRef:
    return ParagraphRef("preambular", n)


def fn(n: int) -> ParagraphRef:
    return ParagraphRef("footnote", n)


@pytest.mark.parametrize(
    ("query", "symbol", "refs"),
    [
        ("OP 19", None, [op(19)]),
        ("op19", None, [op(19)]),
        ("OP. 19", None, [op(19)]),
        ("o.p. 19", None, [op(19)]),
        ("operative para 19", None, [op(19)]),
        ("OP 17(a)", None, [op(17, "a")]),
        ("OP 17 (A)", None, [op(17, "a")]),
        ("OP 17 a", None, [op(17, "a")]),
        ("OP17A", None, [op(17, "a")]),
        ("17(a)", None, [op(17, "a")]),
        ("para. 17 (a)", None, [op(17, "a")]),
        ("paragraph 17", None, [op(17)]),
        ("§ 17", None, [op(17)]),
        ("¶17", None, [op(17)]),
        ("PP 9", None, [pp(9)]),
        ("pp9", None, [pp(9)]),
        ("pp. 24", None, [pp(24)]),
        ("preambular para 9", None, [pp(9)]),
        ("preambular paragraph 9", None, [pp(9)]),
        ("preamble 9", None, [pp(9)]),
        ("fn 2", None, [fn(2)]),
        ("fn. 2", None, [fn(2)]),
        ("footnote 2", None, [fn(2)]),
        ("note 2", None, [fn(2)]),
        ("OP 17(a)-(c)", None, [op(17, "a"), op(17, "b"), op(17, "c")]),
        ("OP 17(a) – (c)", None, [op(17, "a"), op(17, "b"), op(17, "c")]),
        ("17(a)-17(c)", None, [op(17, "a"), op(17, "b"), op(17, "c")]),
        ("op 17a-c", None, [op(17, "a"), op(17, "b"), op(17, "c")]),
        ("17(a), (c)", None, [op(17, "a"), op(17, "c")]),
        ("17 (a) and (d)", None, [op(17, "a"), op(17, "d")]),
        ("paras 6 and 7", None, [op(6), op(7)]),
        ("OP 6, 7", None, [op(6), op(7)]),
        ("OP 6,7 and 9", None, [op(6), op(7), op(9)]),
        ("paras 6-8", None, [op(6), op(7), op(8)]),
        ("paragraphs 6 to 8", None, [op(6), op(7), op(8)]),
        ("footnotes 2 and 3", None, [fn(2), fn(3)]),
        ("77/20 para 30", "77/20", [op(30)]),
        ("77/20 para 1(b)", "77/20", [op(1, "b")]),
        ("77/999 para 2", "77/999", [op(2)]),
        ("A/RES/77/20 OP 17(c)", "A/RES/77/20", [op(17, "c")]),
        ("a/res/77/20, para. 16", "A/RES/77/20", [op(16)]),
        ("res 77/20 pp 5", "77/20", [pp(5)]),
        ("paragraph 17 of resolution 77/20", "77/20", [op(17)]),
        ("77/20 17(b)", "77/20", [op(17, "b")]),
        ("77/20 17", "77/20", [op(17)]),
        ("77/20", "77/20", []),
        ("E/RES/2019/19", "E/RES/2019/19", []),
        ("S/RES/1950 (2010)", "S/RES/1950 (2010)", []),
    ],
)
def test_forms(query, symbol, refs):
    got = parse_query(query)
    assert got is not None
    assert (got.symbol.symbol if got.symbol else None) == symbol
    assert list(got.refs) == refs
    assert got.rest == ""


@pytest.mark.parametrize(
    "query",
    [
        "COVID-19",
        "COVID-19 pandemic",
        "17 December",
        "Corr.2",
        "A/60/88/Corr.2",
        "A/CONF.192/15",
        "I-24/7",
        "19th session",
        "article 3(a)",
        "resolution 1976 (2011)",
        "21/11/2022",
        "2030 Agenda",
        "stop 5 terrorists",
        "app 3",
        "para 1234",
        "para 2.5",
        "fn 1:3",
        "17",
        "",
        "   ",
    ],
)
def test_look_alikes_are_not_references(query):
    assert parse_query(query) is None


def test_words_around_a_reference_are_kept():
    got = parse_query("OP 19 drones and the report")
    assert got is not None and list(got.refs) == [op(19)]
    assert got.rest == "drones and the report"
    # A letter that begins a word is not a sub-paragraph letter.
    got = parse_query("OP 17 a report")
    assert got is not None and list(got.refs) == [op(17)]
    assert got.rest == "a report"
    # Keyword-less numbers with other words are words.
    assert parse_query("17(a) drones") is None


def test_ranges_are_bounded():
    got = parse_query("paras 1-999")
    assert got is not None and list(got.refs) == [op(1)]
    got = parse_query(f"paras 1-{MAX_RANGE + 1}")
    assert got is not None and len(got.refs) == MAX_RANGE + 1


def test_references_inside_document_text_with_their_spans():
    """The grammar issue 15's recogniser reuses: every reference of a sentence, with spans."""
    text = (
        "Recalling resolution 77/20, para. 12, and paragraphs 3 to 5 of resolution 75/10, "
        "and footnote 2, adopted on 17 December 2018 (A/60/88/Corr.2), COVID-19"
    )
    refs = find_paragraph_refs(text)
    assert [text[r.start : r.end] for r in refs] == [
        "para. 12",
        "paragraphs 3 to 5",
        "footnote 2",
    ]
    assert [list(r.refs) for r in refs] == [[op(12)], [op(3), op(4), op(5)], [fn(2)]]
    symbols = find_symbols(text)
    assert [(text[s.start : s.end], s.number) for s in symbols] == [
        ("77/20", "77/20"),
        ("75/10", "75/10"),
    ]


def test_labels():
    assert op(17, "a").label() == "operative paragraph 17(a)"
    assert pp(9).label() == "preambular paragraph 9"
    assert fn(2).label() == "footnote 2"


_ALPHABET = st.sampled_from(
    [
        *"0123456789()/-–,.;& ",
        *("OP", "op", "PP", "pp", "para", "paras", "fn", "note", "a", "b", "and", "to"),
        *("A/RES/", "77/20", "§", "¶", "\u202e", "\x00", "é", "ß", "COVID-19", "\n"),
    ]
)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(st.text(max_size=200), st.lists(_ALPHABET, max_size=40).map("".join)),
)
def test_never_raises_and_spans_are_inside_the_text(text):
    got = parse_query(text)
    if got is not None:
        assert got.symbol is not None or got.refs
        assert all(r.part in ("operative", "preambular", "footnote") for r in got.refs)
        assert all(r.number >= 1 for r in got.refs)
    for m in find_paragraph_refs(text):
        assert 0 <= m.start < m.end <= len(text)
        assert m.refs
    for s in find_symbols(text):
        assert 0 <= s.start < s.end <= len(text)
        assert s.number in text[s.start : s.end]
