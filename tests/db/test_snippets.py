"""Snippets cut from a passage around its matches, as parts the front ends mark."""

from __future__ import annotations

from db.labels import MATCH_MEANING, MATCH_WORDS
from db.search import MARK_CLOSE, MARK_OPEN
from db.snippets import SNIPPET_CHARS, snippet_parts


def test_parts_are_the_snippet_with_matches_flagged(library):
    hits = library.search("hackers attacking hospitals", limit=20).hits
    by_words = [h for h in hits if h.match == MATCH_WORDS]
    assert by_words and len(by_words) < len(hits)  # the meaning stage filled in the rest
    marked = 0
    for hit in hits:
        if hit.match == MATCH_MEANING:
            # Found by meaning alone: its closest sentence, nothing marked.
            assert hit.parts() == [(hit.snippet, False)]
            continue
        parts = hit.parts()
        assert parts == snippet_parts(hit.text, hit.highlights)
        rebuilt = "".join(f"{MARK_OPEN}{t}{MARK_CLOSE}" if m else t for t, m in parts)
        assert rebuilt == hit.snippet
        # The marked parts are the highlights inside the snippet's window, in order.
        window = "".join(t for t, _ in parts).strip("…")
        lo = hit.text.index(window)
        inside = [(s, e) for s, e in hit.highlights if lo <= s and e <= lo + len(window)]
        assert [t for t, m in parts if m] == [hit.text[s:e] for s, e in inside]
        marked += bool(inside)
    assert marked  # some hit had its words marked


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
