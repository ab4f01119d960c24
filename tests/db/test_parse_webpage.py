"""The web-page parser on the real captures, clean and flattened, and on made-up pages."""

from __future__ import annotations

from db.parse import parse_text
from db.parse.webpage import classify, is_flattened, unflatten
from tests.helpers.fixtures import corpus_file


def _parse(prefix: str, title: str | None = None):
    return parse_text(corpus_file(prefix).read_text(encoding="utf-8"), title=title)


def _shape(doc):
    return [(p.local_id, p.kind, tuple(p.heading_path), p.text) for p in doc.passages]


def test_repeated_title_line_is_the_title_not_a_section():
    doc = _parse("003")
    assert doc.kind == "webpage"
    assert doc.title == "United Nations"
    assert doc.passages[0].local_id == "s0.p1"
    assert doc.passages[0].heading_path == []
    assert [h.text for h in doc.headings][:3] == [
        "Cooperation agreement",
        "Special Representative of INTERPOL to the UN",
        "INTERPOL-UN Security Council Special Notice",
    ]


def test_bullets_become_list_items_under_their_section():
    doc = _parse("003")
    items = [
        p for p in doc.passages if p.heading_path == ["UN tribunals"] and p.kind == "list_item"
    ]
    assert [p.text for p in items] == [
        "International Criminal Tribunal for the Former Yugoslavia (ICTY);",
        "International Criminal Tribunal for Rwanda (ICTR);",
        "Special Tribunal for Lebanon (STL);",
        "Special Court for Sierra Leone (SCSL).",
    ]
    # The title the page states; the author is not in the text (the catalog gives it).
    assert items[0].citation == "“United Nations”, “UN tribunals”, item 1"
    assert [p.number for p in items] == ["1", "2", "3", "4"]
    text = corpus_file("003").read_text(encoding="utf-8")
    by_author = parse_text(text, author="INTERPOL")
    first_item = next(p for p in by_author.passages if p.local_id == items[0].local_id)
    assert first_item.citation == "INTERPOL, “United Nations”, “UN tribunals”, item 1"


def test_dash_bullets_and_headings_without_blank_lines():
    doc = _parse("001", title="INTERPOL and UN entities")
    headings = [h.text for h in doc.headings]
    assert headings == [
        "INTERPOL and the United Nations Office on Drugs and Crime (UNODC)",
        "United Nations Department of Peace Operations and its Police Division",
        "United Nations Office of Counter-Terrorism and its Counter-Terrorism Centre",
        "Cooperation with other UN entities",
    ]
    items = [p.text for p in doc.passages if p.kind == "list_item"]
    assert len(items) == 10
    assert items[0] == "United Nations Office for Disarmament Affairs (UNODA)"
    assert not any(t.startswith("-") for t in items)


def test_flattened_capture_gives_the_same_passages_as_the_clean_one():
    flat_text = corpus_file("000").read_text(encoding="utf-8")
    assert is_flattened(flat_text)
    flat = _parse("000", title="T")
    clean = _parse("001", title="T")
    assert _shape(flat) == _shape(clean)
    assert [p.citation for p in flat.passages] == [p.citation for p in clean.passages]


def test_unflatten_splits_at_lost_line_breaks_only():
    text = "Heading OneFirst sentence, e.g. U.S. policy.Second paragraph (SP).Heading TwoMore text."
    lines = [b.text for b in unflatten(text)]
    assert lines == [
        "Heading One",
        "First sentence, e.g. U.S. policy.",
        "Second paragraph (SP).",
        "Heading Two",
        "More text.",
    ]


def test_short_camel_words_are_not_split():
    lines = [b.text for b in unflatten("The iARMS system and McAfee tools are used.")]
    assert lines == ["The iARMS system and McAfee tools are used."]


def test_list_without_bullets_after_a_colon_then_a_heading():
    text = (
        "Partners\n"
        "We work with these partners:\n"
        "Office of Alpha (OA)\n"
        "Office of Beta (OB)\n"
        "Office of Gamma (OG)\n"
        "Next steps\n"
        "A closing paragraph ends here.\n"
    )
    doc = parse_text(text, title="Page")
    kinds = [(p.kind, p.text) for p in doc.passages]
    assert kinds == [
        ("paragraph", "We work with these partners:"),
        ("list_item", "Office of Alpha (OA)"),
        ("list_item", "Office of Beta (OB)"),
        ("list_item", "Office of Gamma (OG)"),
        ("paragraph", "A closing paragraph ends here."),
    ]
    assert doc.passages[-1].heading_path == ["Next steps"]


def test_classify_labels():
    from db.parse.text import split_lines

    text = "A heading\nA paragraph.\n• an item;\n- another item.\n"
    assert classify(split_lines(text)) == ["heading", "paragraph", "item", "item"]
