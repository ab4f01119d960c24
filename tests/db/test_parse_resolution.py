"""The resolution parser on the real A/RES/77/20 text converted from PDF."""

from __future__ import annotations

import pytest

from db.parse import parse_text
from tests.helpers.fixtures import corpus_file


@pytest.fixture(scope="module")
def resolution():
    return parse_text(corpus_file("004").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def by_id(resolution):
    return {p.local_id: p for p in resolution.passages}


def test_kind_and_header_are_read_from_the_text(resolution):
    assert resolution.kind == "resolution"
    meta = resolution.meta
    assert meta["symbol"] == "A/RES/77/20"
    assert meta["date"] == "2022-11-21"
    assert meta["distribution_date"] == "2022-11-25"
    assert meta["session"] == 77
    assert meta["agenda_item"] == "127 (y)"
    assert meta["draft_symbol"] == "A/77/L.20"
    assert meta["issuing_body"] == "General Assembly"
    assert meta["plenary_meeting"] == "39th plenary meeting"
    assert resolution.title == (
        "Cooperation between the United Nations and the International Criminal Police "
        "Organization (INTERPOL)"
    )


def test_operative_paragraphs_1_to_20_and_17a_to_e(resolution):
    ops = [p.number for p in resolution.passages if p.kind == "operative"]
    assert ops == [str(n) for n in range(1, 21)]
    subs = [p.number for p in resolution.passages if p.kind == "subparagraph"]
    assert subs == ["17(a)", "17(b)", "17(c)", "17(d)", "17(e)"]


def test_preambular_paragraphs_have_their_opening_words(resolution, by_id):
    pre = [p for p in resolution.passages if p.kind == "preambular"]
    assert len(pre) == 25
    assert by_id["pp1"].opening == "Recalling"
    assert by_id["pp2"].opening == "Recalling also"
    assert by_id["pp3"].opening == "Recalling further"
    assert by_id["pp21"].opening == "Concerned"
    assert all(p.text.endswith(",") for p in pre)


def test_operative_verbs_are_emphasis_not_asterisks(by_id):
    op1 = by_id["op1"]
    assert op1.text.startswith("Calls for the strengthening")
    assert op1.opening == "Calls for"
    assert op1.markup[0].kind == "em" and (op1.markup[0].start, op1.markup[0].end) == (0, 9)
    assert by_id["op7"].opening == "Also reaffirms"
    assert by_id["op16"].opening == "Strongly condemns"


@pytest.mark.parametrize(
    ("local_id", "joined"),
    [
        ("op1", "human rights and fundamental freedoms, preventing"),
        ("op6", "the importance of Member States enhancing their capability"),
        ("op12", "build mechanisms to detect and disrupt the sale"),
    ],
)
def test_paragraphs_split_by_page_break_or_footnote_are_whole(by_id, local_id, joined):
    p = by_id[local_id]
    assert joined in p.text
    assert len(p.segments) == 2
    assert p.text.endswith(";")


def test_paragraph_12_does_not_swallow_footnote_8(by_id):
    assert "Report of the United Nations Conference" not in by_id["op12"].text


def test_eight_footnotes_linked_to_citing_passages(resolution):
    assert [f.number for f in resolution.footnotes] == list(range(1, 9))
    cited = {f.number: f.cited_by for f in resolution.footnotes}
    assert cited == {
        1: ["pp2"],
        2: ["pp5"],
        3: ["pp9"],
        4: ["pp9"],
        5: ["pp16"],
        6: ["pp18"],
        7: ["pp19"],
        8: ["op9"],
    }


def test_markers_removed_from_text_but_kept_for_display(by_id):
    pp9 = by_id["pp9"]
    assert "Counter-Terrorism Strategy, including" in pp9.text
    assert "³" not in pp9.text
    refs = [(m.attrs["marker"], m.attrs["number"]) for m in pp9.markup if m.kind == "fnref"]
    assert refs == [("³", 3), ("⁴", 4)]
    pos = next(m.start for m in pp9.markup if m.kind == "fnref")
    assert pp9.text[:pos].endswith("Strategy,")


def test_links_and_emphasis_are_structure(resolution, by_id):
    for p in resolution.passages:
        assert "*" not in p.text and "](#)" not in p.text and "[" not in p.text, p.local_id
    fn3 = by_id["fn3"]
    assert fn3.text == "Resolution 60/288."
    links = [m for m in fn3.markup if m.kind == "link"]
    assert links[0].attrs["target"] == "60/288"
    assert fn3.text[links[0].start : links[0].end] == "60/288"
    fn1 = by_id["fn1"]
    em = next(m for m in fn1.markup if m.kind == "em")
    assert fn1.text[em.start : em.end] == "Treaty Series"


def test_citations(by_id):
    assert by_id["op17a"].citation == "A/RES/77/20, para. 17(a)"
    assert by_id["pp3"].citation == "A/RES/77/20, preambular para. 3"
    assert by_id["op11"].citation == "A/RES/77/20, para. 11"
    assert by_id["fn8"].citation == "A/RES/77/20, footnote 8"
    assert by_id["op17c"].heading_path == ["Operative part", "para. 17"]


def test_header_and_closing_are_not_passages(resolution):
    texts = " ".join(p.text for p in resolution.passages)
    assert "Distr.: General" not in texts
    assert "plenary meeting" not in texts
    assert "The General Assembly," not in [p.text for p in resolution.passages]


def test_generic_resolution_shape_not_tied_to_the_seed():
    text = (
        "Security Council\n\nDistr.: General\n3 March 2031\n\n"
        "Resolution adopted by the Security Council on 2 March 2031\n\n"
        "9999/1. A made-up resolution on testing\n\n"
        "The Security Council,\n\n"
        "Noting the tests,¹\n\n"
        "¹ A footnote with [12/34](#).\n\n"
        "1. *Decides* to test the parser, including\n\n"
        "(a) one thing;\n\n"
        "(b) another thing that runs over a page\n\n"
        "break into the next page;\n\n"
        "2. *Requests* a report.\n"
    )
    doc = parse_text(text)
    assert doc.kind == "resolution"
    assert doc.meta["symbol"] == "S/RES/9999/1"
    assert doc.meta["date"] == "2031-03-02"
    ids = [p.local_id for p in doc.passages]
    assert ids == ["pp1", "op1", "op1a", "op1b", "op2", "fn1"]
    by_id = {p.local_id: p for p in doc.passages}
    assert by_id["op1b"].text == "another thing that runs over a page break into the next page;"
    assert by_id["pp1"].footnotes == [1]
    assert by_id["op1b"].citation == "S/RES/9999/1, para. 1(b)"
