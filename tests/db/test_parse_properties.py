"""Property tests: the parser never crashes, and every span points at its passage's text."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.errors import ParseError
from db.parse import parse_text
from db.parse.text import normalize_space, parse_inline
from tests.helpers.fixtures import CORPUS


def spans_point_at_text(source: str, doc) -> None:
    """Assert each passage's text is what its source segments say, markup removed."""
    for p in doc.passages:
        assert p.segments, p.local_id
        for s, e in p.segments:
            assert 0 <= s < e <= len(source), p.local_id
        raw = " ".join(source[s:e] for s, e in p.segments)
        clean = normalize_space(parse_inline(raw)[0])
        assert p.text in clean, (p.local_id, p.text[:60], clean[:60])
        # The text is the segment's text, less only a leading number or bullet.
        assert len(clean) - len(p.text) <= 8, p.local_id


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_spans_of_real_documents(path):
    source = path.read_text(encoding="utf-8")
    spans_point_at_text(source, parse_text(source))


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
