"""Snippets cut from a passage around its matches, as parts the front ends mark."""

from __future__ import annotations

from db.labels import MATCH_MEANING
from db.search import MARK_CLOSE, MARK_OPEN
from db.snippets import SNIPPET_CHARS, snippet_parts


def test_parts_are_the_snippet_with_matches_flagged(library):
    hits = library.search("maritime piracy", limit=20).hits
    # A hit found by meaning alone shows its sentence, unmarked (Hit.parts), not a window.
    by_words = [h for h in hits if h.match != MATCH_MEANING]
    assert by_words
    for hit in hits:
        assert hit.parts() == (
            [(hit.snippet, False)]
            if hit.match == MATCH_MEANING
            else snippet_parts(hit.text, hit.highlights)
        )
    for hit in by_words:
        parts = snippet_parts(hit.text, hit.highlights)
        rebuilt = "".join(f"{MARK_OPEN}{t}{MARK_CLOSE}" if m else t for t, m in parts)
        assert rebuilt == hit.snippet
        assert [t for t, m in parts if m] == [
            hit.text[s:e] for s, e in hit.highlights if hit.text[s:e] in rebuilt
        ]


def test_text_with_stars_is_not_taken_for_marks():
    text = "The **bold** claim about piracy at sea"
    start = text.index("piracy")
    parts = snippet_parts(text, [(start, start + 6)])
    assert parts == [("The **bold** claim about ", False), ("piracy", True), (" at sea", False)]


def test_long_text_is_cut_around_the_matches():
    text = "filler " * 200 + "piracy " + "tail " * 200
    start = text.index("piracy")
    parts = snippet_parts(text, [(start, start + 6)])
    assert parts[0][0].startswith("…") and parts[-1][0].endswith("…")
    assert ("piracy", True) in parts
    assert sum(len(t) for t, _ in parts) <= SNIPPET_CHARS + 2
