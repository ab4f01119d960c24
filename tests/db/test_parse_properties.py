"""Property tests: the parser never crashes, and every span points at its passage's text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.errors import ParseError
from db.extract import extract
from db.parse import parse_text
from db.parse.text import normalize_space, parse_inline
from tests.helpers import layouts
from tests.helpers.documents import make_pdf, page_text
from tests.helpers.fixtures import CORPUS

# A hyphen between two letters, a line break after it or not: a word hyphenated across
# lines is re-joined in the text ("inter-\nnational" → "international"), a compound
# keeps its hyphen ("counter-\nterrorism" → "counter-terrorism").
_HYPHEN = re.compile(r"(?<=[A-Za-z])-\s*(?=[A-Za-z])")
# A footnote marker printed as plain digits ("INTERPOL,1 and") is markup, not text.
_PLAIN_MARKER = re.compile(r"(?<=[A-Za-z,.;:)\]”’])\d{1,2}(?=[\s,.;:]|$)")


def spans_point_at_text(source: str, doc) -> None:
    """Assert each passage's text is what its source segments say, markup removed."""
    for p in doc.passages:
        assert p.segments, p.local_id
        for s, e in p.segments:
            assert 0 <= s < e <= len(source), p.local_id
        raw = " ".join(source[s:e] for s, e in p.segments)
        clean = _HYPHEN.sub("", normalize_space(parse_inline(raw)[0]))
        clean = _PLAIN_MARKER.sub("", clean)
        text = _PLAIN_MARKER.sub("", _HYPHEN.sub("", p.text))
        assert text in clean, (p.local_id, p.text[:60], clean[:60])
        # The text is the segment's text, less only a leading number or bullet.
        assert len(clean) - len(text) <= 8, p.local_id


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_spans_of_real_documents(path):
    source = path.read_text(encoding="utf-8")
    spans_point_at_text(source, parse_text(source))


_LAYOUTS = {
    "ga": layouts.GA_RESOLUTION,
    "sc": layouts.SC_RESOLUTION,
    "report": layouts.REPORT,
}


@pytest.mark.parametrize("name", sorted(_LAYOUTS))
def test_spans_of_layout_fixtures_as_text_and_pdf(name, tmp_path: Path):
    pages = _LAYOUTS[name]
    for source in (
        page_text(pages),
        page_text(pages, page_break="\n"),
        page_text(pages, superscripts=False),
        extract(make_pdf(tmp_path / f"{name}.pdf", pages)).text,
    ):
        spans_point_at_text(source, parse_text(source))


@pytest.mark.parametrize("text", [layouts.GA_DECISION, layouts.NOTE, layouts.PLAIN_DOCUMENT])
def test_spans_of_text_fixtures(text):
    spans_point_at_text(text, parse_text(text))


_alphabet = st.characters(
    codec="utf-8",
    categories=("L", "N", "P", "S", "Zs", "Cc"),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=_alphabet, max_size=600))
def test_parser_never_crashes_on_arbitrary_text(text):
    try:
        doc = parse_text(text)
    except ParseError:
        return
    spans_point_at_text(text, doc)


_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJ", min_size=1, max_size=9)
_sentence = st.lists(_word, min_size=1, max_size=12).map(lambda ws: " ".join(ws))
_line = st.one_of(
    _sentence,  # heading-like
    _sentence.map(lambda s: s + "."),
    _sentence.map(lambda s: "• " + s + ";"),
    _sentence.map(lambda s: "- " + s),
    _sentence.map(lambda s: s + ":"),
    st.integers(1, 30).flatmap(lambda n: _sentence.map(lambda s, n=n: f"{n}. *{s}* {s};")),
    _sentence.map(lambda s: f"(a) {s};"),
    _sentence.map(lambda s: f"¹ {s}."),
    _sentence.map(lambda s: f"{s}²,"),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_line, min_size=1, max_size=25),
    st.sampled_from(["\n", "\n\n", ""]),
    st.booleans(),
)
def test_structured_pages_parse_with_exact_spans(lines, sep, resolution_opening):
    if resolution_opening:
        lines = ["12/3. A title", "The General Assembly,", *lines]
    text = sep.join(lines)
    try:
        doc = parse_text(text)
    except ParseError:
        return
    spans_point_at_text(text, doc)
    ids = [p.local_id for p in doc.passages]
    assert len(ids) == len(set(ids))


_furniture = st.sampled_from(
    [
        "A/RES/99/7\t2/2",
        "2/5",
        "22-26789 (E)",
        "*2226789*",
        "Please recycle",
        "S/RES/2178 (2014)",
        "14-61606\t3/8",
        "A/77/150",
    ]
)
_un_line = st.one_of(
    _line,
    _furniture,
    _sentence.map(lambda s: s + " inter-"),  # a word hyphenated at the line's end
    _sentence.map(lambda s: "national " + s + ","),
    _sentence.map(lambda s: s + " Secretary-"),
    st.sampled_from(["I. Introduction", "II. Cooperation", "A. Counter-terrorism", "Summary"]),
    st.sampled_from(["Annex", "Report of the Secretary-General", "Resolution 2178 (2014)"]),
    st.integers(1, 30).flatmap(lambda n: _sentence.map(lambda s, n=n: f"{n}. {s}.")),
    _sentence.map(lambda s: f"(b) {s};"),
    _sentence.map(lambda s: f"1 {s.capitalize()}."),  # a footnote in plain digits
    _sentence.map(lambda s: f"{s},1 {s},"),  # its marker
    st.sampled_from(["32nd plenary meeting", "5 December 2044", "*39th plenary meeting*"]),
    st.just("Adopted by the Security Council at its 7272nd meeting, on 24 September 2014"),
)
_opening = st.sampled_from(
    [
        [],
        ["12/3. A title", "The General Assembly,"],
        ["United Nations\tS/RES/2178 (2014)", "Resolution 2178 (2014)", "The Security Council,"],
        ["United Nations\tA/77/150", "Report of the Secretary-General", "Summary"],
        ["Decision adopted by the General Assembly on 5 May 2044", "99/512. A decision"],
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    _opening,
    st.lists(_un_line, min_size=1, max_size=30),
    st.sampled_from(["\n", "\n\n"]),
)
def test_un_layouts_parse_with_exact_spans(opening, lines, sep):
    text = sep.join([*opening, *lines])
    try:
        doc = parse_text(text)
    except ParseError:
        return
    spans_point_at_text(text, doc)
    ids = [p.local_id for p in doc.passages]
    assert len(ids) == len(set(ids))
    for p in doc.passages:
        for furniture in ("Please recycle", "*2226789*", "22-26789 (E)"):
            assert furniture not in p.text
