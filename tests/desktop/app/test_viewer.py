"""The pure rendering functions: structure, markup, and escaping of hostile text."""

from __future__ import annotations

from PySide6.QtCore import QUrl

from db.labels import MATCH_MEANING, MEANING_LABEL
from db.search import Hit
from desktop.app.viewer import (
    DocumentViewer,
    link_url,
    parse_link,
    passage_anchor,
    render_document,
    render_inline,
    result_html,
)

HOSTILE = '<img src="file:///etc/passwd"><script>alert(1)</script><a href="http://x">x</a> & "q"'


def _doc(text: str = HOSTILE) -> dict:
    return {
        "id": "d",
        "title": "<b>Title</b>",
        "kind": "resolution",
        "symbol": "A/RES/1",
        "date": "2022-11-21",
        "meta": {"issuing_body": "<i>GA</i>"},
        "passages_list": [
            {
                "id": "d:pp1",
                "kind": "preambular",
                "number": "1",
                "heading_path": ["Preamble"],
                "text": "Recalling " + text,
                "markup": [{"kind": "fnref", "start": 9, "end": 9, "marker": "¹", "number": 1}],
                "opening": "Recalling",
                "citation": "A/RES/1, preambular para. 1",
            },
            {
                "id": "d:op1",
                "kind": "operative",
                "number": "1",
                "heading_path": ["Operative part"],
                "text": "Decides " + text,
                "markup": [{"kind": "em", "start": 0, "end": 7}],
                "opening": "Decides",
                "citation": "A/RES/1, para. 1",
            },
            {
                "id": "d:op1a",
                "kind": "subparagraph",
                "number": "1(a)",
                "heading_path": ["Operative part", "para. 1"],
                "text": "to act",
                "markup": [],
                "citation": "A/RES/1, para. 1(a)",
            },
        ],
        "footnotes": [
            {
                "number": 1,
                "marker": "¹",
                "text": "<script>fn</script>",
                "markup": [],
                "passage_id": None,
            }
        ],
    }


def test_hostile_text_is_escaped_everywhere():
    html = render_document(_doc(), current="d:op1", highlights={"d:op1": [(8, 12)]})
    assert "<img" not in html and "<script" not in html and 'href="http' not in html
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;Title&lt;/b&gt;" in html
    assert "&lt;script&gt;fn&lt;/script&gt;" in html


def test_hostile_text_shows_literally_in_the_viewer(qtbot):
    viewer = DocumentViewer()
    qtbot.addWidget(viewer)
    viewer.show_html(render_document(_doc()), None, {})
    plain = viewer.toPlainText()
    assert '<img src="file:///etc/passwd">' in plain
    assert "<script>alert(1)</script>" in plain


def test_viewer_loads_no_resources_and_follows_no_links(qtbot):
    viewer = DocumentViewer()
    qtbot.addWidget(viewer)
    assert viewer.loadResource(2, QUrl("file:///etc/passwd")) is None
    assert viewer.loadResource(2, QUrl("http://example.org/x.png")) is None
    assert not viewer.openLinks() and not viewer.openExternalLinks()
    with qtbot.waitSignal(viewer.entity_link) as sig:
        viewer.anchorClicked.emit(QUrl(link_url("entity", "unodc")))
    assert sig.args == ["unodc"]
    viewer.anchorClicked.emit(QUrl("http://example.org/"))  # ignored, no error


def test_structure_and_emphasis():
    html = render_document(_doc("text"), current="d:op1")
    assert "<h2>Preamble</h2>" in html and "<h2>Operative part</h2>" in html
    assert "para. 1" not in html.split("<h2>Operative part</h2>")[1].split("</p>")[0]
    assert "<i>Decides</i>" in html  # operative verb from em markup
    assert "<i>Recalling</i>" in html  # preambular opening
    assert "(a)&nbsp;" in html and "margin-left:72px" in html  # lettered sub-paragraph, indented
    assert f'name="{passage_anchor("d:op1")}"' in html
    assert 'href="liaison://fn/1"' in html and "<sup>" in html
    assert html.count("background-color") >= 1


def test_inline_marks_terms_and_mentions():
    out = render_inline(
        "UNODC and piracy",
        highlights=[(10, 16)],
        mentions=[{"entity_id": "unodc", "start": 0, "end": 5}],
    )
    assert 'href="liaison://entity/unodc"' in out
    assert ">piracy</span>" in out


def test_links_round_trip():
    assert parse_link(QUrl(link_url("passage", "a-res-77-20:op17a"))) == (
        "passage",
        "a-res-77-20:op17a",
    )
    assert parse_link(QUrl(link_url("fn", 3))) == ("fn", "3")
    assert parse_link(QUrl("file:///etc/passwd")) is None
    assert parse_link(QUrl("liaison://other/x")) is None


def test_result_html_marks_snippet_and_escapes():
    text = "a <b>piracy</b> b, **not** marked"
    hit = Hit(
        passage_id="x:op1",
        document_id="x",
        document_title="<T>",
        citation="A/RES/1, para. 1",
        heading="Operative part",
        number="1",
        kind="operative",
        text=text,
        snippet="(unused)",
        score=1.0,
        highlights=[(2, 15)],
    )
    html = result_html(hit)
    assert '">&lt;b&gt;piracy&lt;/b&gt;</span> b, **not** marked' in html
    assert "&lt;T&gt; › Operative part" in html
    assert html.count("<span") == 1  # the one highlight span; "**" in the text stays text
    assert MEANING_LABEL not in html


def test_document_kind_is_named_in_the_header():
    note = {**_doc("text"), "kind": "note", "symbol": None, "meta": {}, "issuing_body": None}
    html = render_document(note)
    assert "note" in html and "web page" not in html
    sc = {
        **_doc("text"),
        "symbol": "S/RES/2178 (2014)",
        "meta": {"issuing_body": "Security Council", "meeting": "7272nd meeting"},
    }
    html = render_document(sc)
    assert "S/RES/2178 (2014) · Security Council" in html
    assert "7272nd meeting" in html
    report = {**_doc("text"), "kind": "report", "symbol": "A/77/150", "meta": {}}
    assert "Dated 21 November 2022" in render_document(report)


def test_result_html_says_a_hit_was_found_by_meaning():
    hit = Hit(
        passage_id="x:op1",
        document_id="x",
        document_title="T",
        citation="A/RES/1, para. 1",
        heading="Operative part",
        number="1",
        kind="operative",
        text="First sentence. The smuggling of migrants by sea is condemned.",
        snippet="The smuggling of migrants by sea is condemned.",
        score=1.0,
        match=MATCH_MEANING,
    )
    html = result_html(hit)
    assert f"<i>{MEANING_LABEL}</i>" in html
    # Its closest sentence is the snippet, nothing marked: the words did not match.
    assert "The smuggling of migrants by sea is condemned." in html
    assert "First sentence" not in html and "<span" not in html
