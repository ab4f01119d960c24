"""Citation styles (db.citations) and the library's citation API on the bundled corpus."""

from __future__ import annotations

import pytest

from db.citations import CITATION_STYLES, CitedDocument, cite, locator, long_date, quotation
from db.errors import NotFoundError, QueryError

RESOLUTION = CitedDocument(
    kind="resolution",
    title="Cooperation",
    symbol="A/RES/77/20",
    resolution_number="77/20",
    issuing_body="General Assembly",
    date="2022-11-21",
)
PAGE = CitedDocument(
    kind="webpage",
    title="United Nations",
    issuing_body="INTERPOL",
    captured="2023-05-03",
    url="https://www.interpol.int/en/Our-partners/International-organization-partners/United-Nations",
)


def test_styles_are_defined_once_and_checked():
    assert CITATION_STYLES == ("short", "full")
    with pytest.raises(ValueError, match="unknown citation style 'long'"):
        cite(RESOLUTION, kind="operative", number="1", style="long")


@pytest.mark.parametrize(
    ("kind", "number", "short", "full"),
    [
        (
            "subparagraph",
            "17(a)",
            "A/RES/77/20, para. 17(a)",
            "General Assembly resolution 77/20 of 21 November 2022, para. 17(a)",
        ),
        (
            "preambular",
            "9",
            "A/RES/77/20, preambular para. 9",
            "General Assembly resolution 77/20 of 21 November 2022, preambular para. 9",
        ),
        (
            "footnote",
            "2",
            "A/RES/77/20, footnote 2",
            "General Assembly resolution 77/20 of 21 November 2022, footnote 2",
        ),
    ],
)
def test_resolution_styles(kind, number, short, full):
    assert cite(RESOLUTION, kind=kind, number=number).plain == short
    got = cite(RESOLUTION, kind=kind, number=number, style="full")
    assert got.plain == full
    assert got.html == full  # nothing in a resolution's citation is set in italics


def test_web_page_names_its_author_title_section_and_capture():
    short = cite(PAGE, kind="paragraph", number="3", section="Cooperation agreement")
    assert short.plain == "INTERPOL, “United Nations”, “Cooperation agreement”, para. 3"
    assert short.html == "INTERPOL, <i>United Nations</i>, “Cooperation agreement”, para. 3"
    full = cite(PAGE, kind="list_item", number="2", section="A & B", style="full")
    assert full.plain == (
        "INTERPOL, “United Nations”, section “A & B”, item 2 (web page, captured 3 May 2023, "
        f"{PAGE.url})"
    )
    assert "section “A &amp; B”" in full.html
    undated = CitedDocument(kind="webpage", title="T", issuing_body="INTERPOL")
    assert cite(undated, kind="paragraph", number="1", style="full").plain == (
        "INTERPOL, “T”, para. 1 (web page)"
    )


def test_locators_and_dates():
    assert locator("paragraph", None, after="5") == "unnumbered para. after para. 5"
    assert locator("list_item", "4") == "item 4"
    assert long_date("2022-11-21") == "21 November 2022"
    assert long_date("not a date") is None


def test_quotation_keeps_italics_and_escapes():
    q = quotation(
        "Encourages <all> States", cite(RESOLUTION, kind="operative", number="1"), italic=[(0, 10)]
    )
    assert q.plain == "“Encourages <all> States”\n— A/RES/77/20, para. 1"
    assert q.html == "<p>“<i>Encourages</i> &lt;all&gt; States”</p>\n<p>— A/RES/77/20, para. 1</p>"


# -- the library ---------------------------------------------------------------------------


def test_every_stored_citation_is_the_short_style(library):
    for doc in library.documents():
        for p in library.document(doc["id"])["passages_list"]:
            assert library.citation(p["id"]) == p["citation"], p["id"]
            assert library.citation(p["id"], style="full")


def test_library_citations_in_both_styles(library):
    assert library.citation("a-res-77-20:op17a") == "A/RES/77/20, para. 17(a)"
    assert library.citation("a-res-77-20:op17a", style="full") == (
        "General Assembly resolution 77/20 of 21 November 2022, para. 17(a)"
    )
    # The INTERPOL page titled "United Nations" no longer reads like a UN document.
    assert library.citation("united-nations:s1.p1") == (
        "INTERPOL, “United Nations”, “Cooperation agreement”, para. 1"
    )
    assert library.citation_html("united-nations:s1.p1") == (
        "INTERPOL, <i>United Nations</i>, “Cooperation agreement”, para. 1"
    )
    assert library.citation("united-nations:s1.p1", style="full") == (
        "INTERPOL, “United Nations”, section “Cooperation agreement”, para. 1 (web page)"
    )
    with pytest.raises(QueryError, match="unknown citation style"):
        library.citation("a-res-77-20:op1", style="bluebook")
    with pytest.raises(NotFoundError):
        library.citation("a-res-77-20:op99")


def test_web_page_passages_are_numbered_as_cited(library):
    """Every web-page passage has a number, and its citation gives that number."""
    for doc in library.documents():
        if doc["kind"] != "webpage":
            continue
        passages = library.document(doc["id"])["passages_list"]
        by_section: dict[tuple[str, str], list[str]] = {}
        for p in passages:
            assert p["number"], p["id"]
            word = "item" if p["kind"] == "list_item" else "para."
            assert p["citation"].endswith(f", {word} {p['number']}"), p["citation"]
            by_section.setdefault((p["heading"], p["kind"]), []).append(p["number"])
        for numbers in by_section.values():
            assert numbers == [str(n) for n in range(1, len(numbers) + 1)]


def test_catalog_notes_are_on_the_document(library):
    notes = library.document("united-nations")["notes"]
    assert notes == [
        "An older capture of INTERPOL's United Nations page (it still names DPKO, renamed in 2019)."
    ]
    assert len(library.document("interpol-and-un-entities")["notes"]) == 2
    assert library.document("interpol-un-thematic-cooperation")["notes"] == []


def test_quotation_of_a_passage_and_of_a_selection(library):
    whole = library.quotation("a-res-77-20:op2", style="full")
    text = library.passage("a-res-77-20:op2")["text"]
    assert whole.plain == (
        f"“{text}”\n— General Assembly resolution 77/20 of 21 November 2022, para. 2"
    )
    assert whole.html.startswith("<p>“<i>Emphasizes</i> the importance")
    start = text.index("the importance")
    part = library.quotation("a-res-77-20:op2", start=start - 1, end=start + 14)
    assert part.plain == "“the importance”\n— A/RES/77/20, para. 2"
    assert "<i>" not in part.html
    with pytest.raises(QueryError, match="selection"):
        library.quotation("a-res-77-20:op2", start=5, end=5)
