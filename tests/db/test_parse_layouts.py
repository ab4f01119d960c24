"""Real UN layouts, as converted text and as PDFs made here, give exactly the passages they must.

Each fixture of :mod:`tests.helpers.layouts` is a General Assembly resolution, a
Security Council resolution, a report of the Secretary-General or a decision, with
running headers, footers, foot-of-page footnotes, words hyphenated across lines
and sub-paragraphs on lines of their own.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from db.extract import extract
from db.parse import parse_text
from db.parse.layout import is_furniture, keeps_hyphen, read_closing, rejoin, word_forms
from tests.helpers import layouts as fx
from tests.helpers.documents import make_pdf, page_text
from tests.helpers.fixtures import corpus_file

LAYOUTS = {
    "ga": (fx.GA_RESOLUTION, "resolution", fx.GA_TITLE, fx.GA_META, fx.GA_PASSAGES),
    "sc": (fx.SC_RESOLUTION, "resolution", fx.SC_TITLE, fx.SC_META, fx.SC_PASSAGES),
    "report": (fx.REPORT, "report", fx.REPORT_TITLE, fx.REPORT_META, fx.REPORT_PASSAGES),
}


def _passages(doc) -> list[tuple]:
    return [(p.local_id, p.kind, p.number, p.citation, p.text) for p in doc.passages]


def _expected(rows: list[fx.Expected]) -> list[tuple]:
    return [(e.local_id, e.kind, e.number, e.citation, e.text) for e in rows]


def _source(name: str, form: str, tmp_path: Path) -> str:
    pages = LAYOUTS[name][0]
    if form == "text":
        return page_text(pages)
    if form == "text-no-page-gap":
        return page_text(pages, page_break="\n")
    if form == "text-plain-digits":
        return page_text(pages, superscripts=False)
    return extract(make_pdf(tmp_path / f"{name}.pdf", pages)).text


@pytest.mark.parametrize("form", ["text", "text-no-page-gap", "text-plain-digits", "pdf"])
@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_layout_gives_exactly_its_passages(name, form, tmp_path):
    _, kind, title, meta, expected = LAYOUTS[name]
    doc = parse_text(_source(name, form, tmp_path))
    assert doc.kind == kind
    assert doc.title == title
    assert _passages(doc) == _expected(expected)
    assert {k: doc.meta.get(k) for k in meta} == meta


@pytest.mark.parametrize("form", ["text", "pdf"])
@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_no_page_furniture_in_any_passage(name, form, tmp_path):
    doc = parse_text(_source(name, form, tmp_path))
    for p in doc.passages:
        for furniture in ("Please recycle", "2/2", "3/3", "22-11111", "14-61606", "44-12345"):
            assert furniture not in p.text, (p.local_id, furniture)
        assert "*44" not in p.text and "*14" not in p.text and "*22" not in p.text


def test_footnote_at_the_foot_of_a_page_is_linked_to_its_passage(tmp_path):
    for form in ("text", "text-plain-digits", "pdf"):
        doc = parse_text(_source("ga", form, tmp_path))
        assert [(f.number, f.text, f.cited_by) for f in doc.footnotes] == [
            (1, "Resolution 77/20.", ["pp1"])
        ]
        pp1 = next(p for p in doc.passages if p.local_id == "pp1")
        assert pp1.footnotes == [1]
        marker = next(m for m in pp1.markup if m.kind == "fnref")
        assert pp1.text[: marker.start].endswith("Police Organization,")
    report = parse_text(_source("report", "pdf", tmp_path))
    assert [(f.number, f.cited_by) for f in report.footnotes] == [(1, ["p3"])]


def test_report_outline_and_heading_paths(tmp_path):
    doc = parse_text(_source("report", "pdf", tmp_path))
    assert [(h.text, h.level) for h in doc.headings] == fx.REPORT_HEADINGS
    by_id = {p.local_id: p for p in doc.passages}
    assert by_id["p3"].heading_path == [
        "II. Cooperation between the United Nations and INTERPOL",
        "A. Counter-terrorism",
    ]
    assert by_id["p4a"].heading_path == by_id["p3"].heading_path
    assert by_id["annex.p1"].heading_path == ["Annex", "Participating entities"]
    assert by_id["summary.p1"].heading_path == ["Summary"]


def test_a_page_break_inside_a_paragraph_leaves_one_whole_paragraph(tmp_path):
    # The case: "A/RES/99/7<TAB>2/2" between two lines of one paragraph.
    text = page_text(fx.SC_RESOLUTION, page_break="\n")
    assert "authori-\n14-61606 (E)\t250914\n*1461606*\nPlease recycle\nS/RES/2178" in text
    op3 = next(p for p in parse_text(text).passages if p.local_id == "op3")
    assert "national authorities in order to detect" in op3.text
    assert len(op3.segments) == 2
    assert text[op3.segments[1][0] :].startswith("ties in order")


def test_closing_lines_are_metadata_not_a_passage(tmp_path):
    for form in ("text", "pdf"):
        doc = parse_text(_source("ga", form, tmp_path))
        assert doc.meta["plenary_meeting"] == "32nd plenary meeting"
        assert not any("plenary meeting" in p.text for p in doc.passages)
        assert not any(p.text == "5 December 2044" for p in doc.passages)


def test_security_council_adoption_line_at_the_end_is_metadata():
    text = (
        "Resolution 2309 (2016)\n\nThe Security Council,\n\n"
        "Reaffirming its resolution 2178 (2014),\n\n"
        "1. Calls upon all States to cooperate on aviation security;\n\n"
        "2. Decides to remain seized of the matter.\n\n"
        "Adopted by the Security Council at its 7775th meeting, on 22 September 2016.\n"
    )
    doc = parse_text(text)
    assert doc.meta["symbol"] == "S/RES/2309 (2016)"
    assert (doc.meta["meeting"], doc.meta["date"]) == ("7775th meeting", "2016-09-22")
    assert [p.local_id for p in doc.passages] == ["pp1", "op1", "op2"]
    assert doc.passages[1].citation == "S/RES/2309 (2016), para. 1"


def test_untitled_closing_in_plain_text_is_metadata():
    # The case: closing lines without emphasis became a passage.
    text = (
        "99/8. A test resolution\n\nThe General Assembly,\n\nRecalling its work,\n\n"
        "1. Decides to act;\n\n32nd plenary meeting\n5 December 2044\n"
    )
    doc = parse_text(text)
    assert [p.local_id for p in doc.passages] == ["pp1", "op1"]
    assert doc.meta["plenary_meeting"] == "32nd plenary meeting"
    assert doc.meta["date"] == "2044-12-05"


def test_header_lines_in_one_block_are_each_read():
    text = (
        "General Assembly\nNinety-ninth session\nAgenda item 131 (b)\n"
        "Resolution adopted by the General Assembly on 5 December 2044\n"
        "99/7. A title\n\nThe General Assembly,\n\n1. Decides to act.\n"
    )
    doc = parse_text(text)
    assert (doc.meta["session"], doc.meta["agenda_item"]) == (99, "131 (b)")
    assert doc.meta["date"] == "2044-12-05"


def test_decision_gives_exactly_its_passages():
    doc = parse_text(fx.GA_DECISION)
    assert doc.kind == "decision"
    assert doc.title == fx.DECISION_TITLE
    assert _passages(doc) == _expected(fx.DECISION_PASSAGES)
    assert {k: doc.meta.get(k) for k in fx.DECISION_META} == fx.DECISION_META


def test_markdown_note_is_a_note_with_its_title():
    doc = parse_text(fx.NOTE)
    assert doc.kind == "note"
    assert doc.title == fx.NOTE_TITLE
    assert [(p.local_id, p.kind, p.text) for p in doc.passages] == fx.NOTE_PASSAGES


def test_plain_document_takes_its_first_heading_line_as_title():
    doc = parse_text(fx.PLAIN_DOCUMENT)
    assert doc.title == "Meeting with UNODC on wildlife crime"
    assert doc.passages[0].text.startswith("The delegation discussed")
    assert all(p.heading_path == [] for p in doc.passages)
    # A title known from elsewhere (a curated catalog) keeps the first line a section.
    curated = parse_text(fx.PLAIN_DOCUMENT, title="Wildlife crime meeting")
    assert curated.title is None
    assert curated.headings[0].text == "Meeting with UNODC on wildlife crime"


def test_flattened_capture_saved_as_text_or_html_is_recovered(tmp_path):
    bundled_text = corpus_file("000").read_text(encoding="utf-8")
    bundled = parse_text(bundled_text, title="INTERPOL and UN entities")
    want = [(p.local_id, p.kind, tuple(p.heading_path), p.text) for p in bundled.passages]
    # Saved with a line or two around it, the capture is no longer one line in the file.
    txt = tmp_path / "capture.txt"
    txt.write_text(bundled_text.strip() + "\n\nShare this page\nPrint\n", encoding="cp1252")
    html = tmp_path / "capture.html"
    html.write_text(
        "<html><head><title>INTERPOL and UN entities</title></head><body>"
        f"<div>{bundled_text.strip()}</div><p>Share this page</p></body></html>",
        encoding="utf-8",
    )
    for path in (txt, html):
        ex = extract(path)
        doc = parse_text(ex.text, title=ex.title or "INTERPOL and UN entities")
        got = [(p.local_id, p.kind, tuple(p.heading_path), p.text) for p in doc.passages]
        assert got[: len(want)] == want, path.suffix
        assert len(doc.headings) >= len(bundled.headings)


@pytest.mark.parametrize(
    "line",
    [
        "A/RES/99/7\t2/2",
        "2/5",
        "22-26789 (E)",
        "22-26789 (E)\t251122",
        "*2226789*",
        "Please recycle",
        "2/5\t22-26789",
        "S/RES/2178 (2014)",
        "A/77/150",
        "\fA/77/150",
    ],
)
def test_page_furniture_is_recognised(line):
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "77/20",
        "2014",
        "1. Decides to remain seized of the matter.",
        "Recalling its resolution 77/20,",
        "Security Council",
        "(A/77/fx.20)",
        "21 November 2022",
    ],
)
def test_content_is_not_furniture(line):
    assert not is_furniture(line)


def test_running_title_after_the_own_symbol_is_furniture():
    line = "A/RES/77/20\tCooperation between the United Nations and INTERPOL"
    assert is_furniture(line, ["A/RES/77/20"])
    assert not is_furniture(line, ["A/RES/77/21"])
    assert not is_furniture("A/RES/77/20, para. 3, is recalled.", ["A/RES/77/20"])
    odd_page = "Cooperation between the United Nations and INTERPOL\tA/RES/77/20"
    assert is_furniture(odd_page, ["A/RES/77/20"])
    assert not is_furniture("¹ See A/RES/77/20", ["A/RES/77/20"])
    assert not is_furniture("Recalling its resolution A/RES/77/20", ["A/RES/77/20"])


@pytest.mark.parametrize(
    ("raw", "joined"),
    [
        ("the inter-\nnational community", "the international community"),
        (
            "countering terrorism and counter-\nterrorism",
            "countering terrorism and counter-terrorism",
        ),
        ("the Secretary-\nGeneral", "the Secretary-General"),
        ("its seventy-\nseventh session", "its seventy-seventh session"),
        ("a well-\nknown rule", "a well-known rule"),
        ("host coun-\ntries", "host countries"),
    ],
)
def test_words_hyphenated_across_lines_are_rejoined(raw, joined):
    assert rejoin(raw) == joined


def test_the_document_decides_whether_a_hyphen_is_a_compound():
    assert rejoin("peace-\nkeeping", word_forms("UN peacekeeping works")) == "peacekeeping"
    assert rejoin("peace-\nkeeping", word_forms("UN peace-keeping works")) == "peace-keeping"
    assert keeps_hyphen("inter", "agency", word_forms("the Inter-Agency Group"))
    assert not keeps_hyphen("inter", "agency")


def test_closing_lines_are_read():
    assert read_closing("*39th plenary meeting\n21 November 2022*") == {
        "meeting": "39th plenary meeting",
        "date": "2022-11-21",
    }
    assert read_closing(
        "Adopted by the Security Council at its 7272nd meeting, on 24 September 2014"
    ) == {
        "meeting": "7272nd meeting",
        "body": "Security Council",
        "date": "2014-09-24",
    }
    assert read_closing("32nd plenary meeting was held in the hall.") is None
    assert read_closing("Recalling its 32nd plenary meeting,") is None


def test_resolution_without_any_blank_line_has_one_passage_per_paragraph():
    text = (
        "General Assembly\nNinety-ninth session\nAgenda item 131 (b)\n"
        "99/9. A resolution saved without blank lines\nThe General Assembly,\n"
        "Recalling its resolution 77/20,\nNoting the work of the Office,\n"
        "1. Encourages cooperation in using the following resources:\n"
        "(a) The I-24/7 system;\n(b) Notices and diffusions;\n"
        "A/RES/99/9\t2/2\n"
        "2. Decides to remain seized of the matter.\n"
        "32nd plenary meeting\n5 December 2044\n"
    )
    doc = parse_text(text)
    assert doc.kind == "resolution"
    assert [(p.local_id, p.text) for p in doc.passages] == [
        ("pp1", "Recalling its resolution 77/20,"),
        ("pp2", "Noting the work of the Office,"),
        ("op1", "Encourages cooperation in using the following resources:"),
        ("op1a", "The I-24/7 system;"),
        ("op1b", "Notices and diffusions;"),
        ("op2", "Decides to remain seized of the matter."),
    ]
    assert doc.meta["plenary_meeting"] == "32nd plenary meeting"
    assert doc.meta["agenda_item"] == "131 (b)"


def test_table_of_contents_gives_no_headings_or_passages():
    text = page_text(fx.REPORT).replace(
        "A/77/150\nI. Introduction",
        "A/77/150\nContents\nPage\nI. Introduction . . . . . . . . 2\n"
        "II. Cooperation between the United Nations and INTERPOL . . . . 2\n\nI. Introduction",
    )
    assert "Contents\nPage" in text
    doc = parse_text(text)
    assert _passages(doc) == _expected(fx.REPORT_PASSAGES)
    assert [(h.text, h.level) for h in doc.headings] == fx.REPORT_HEADINGS


def test_lettered_heading_i_after_h_is_not_a_roman_numeral():
    letters = "ABCDEFGHI"
    body = "\n\n".join(
        f"{letter}. Topic {letter.lower()}\n\n{n}. Text about topic {letter.lower()}."
        for n, letter in enumerate(letters, start=2)
    )
    text = f"I. Introduction\n\n1. The report.\n\nII. Topics\n\n{body}\n\nIII. End\n\n11. Done.\n"
    doc = parse_text(text)
    assert doc.kind == "document"
    levels = [(h.text.split(".")[0], h.level) for h in doc.headings]
    assert levels == [("I", 1), ("II", 1), *[(x, 2) for x in letters], ("III", 1)]
    p10 = next(p for p in doc.passages if p.local_id == "p10")
    assert p10.heading_path == ["II. Topics", "I. Topic i"]
    assert p10.citation == "Document, para. 10"


def test_annex_of_a_resolution_is_cited_as_the_annex():
    text = (
        "99/10. A declaration\n\nThe General Assembly,\n\nRecalling its work,\n\n"
        "1. Adopts the declaration annexed to the present resolution;\n\n"
        "2. Decides to remain seized of the matter.\n\n"
        "40th plenary meeting\n6 December 2044\n\n"
        "Annex\n\nDeclaration on police cooperation\n\n"
        "1. States shall cooperate with INTERPOL;\n\n(a) By sharing data;\n\n"
        "2. States shall report every two years.\n"
    )
    doc = parse_text(text)
    assert [(p.local_id, p.kind, p.citation) for p in doc.passages] == [
        ("pp1", "preambular", "A/RES/99/10, preambular para. 1"),
        ("op1", "operative", "A/RES/99/10, para. 1"),
        ("op2", "operative", "A/RES/99/10, para. 2"),
        ("annex.x1", "paragraph", "A/RES/99/10, annex"),
        ("annex.p1", "paragraph", "A/RES/99/10, annex, para. 1"),
        ("annex.p1a", "subparagraph", "A/RES/99/10, annex, para. 1(a)"),
        ("annex.p2", "paragraph", "A/RES/99/10, annex, para. 2"),
    ]
    assert doc.meta["plenary_meeting"] == "40th plenary meeting"
    assert doc.headings[-1].text == "Annex"
