"""Snippets: the window of a passage shown under a search hit, with its matches flagged.

Light on purpose (no Whoosh): the window imports it before the library opens.
"""

from __future__ import annotations

from collections.abc import Sequence

SNIPPET_CHARS = 240


def snippet_parts(
    text: str, spans: Sequence[tuple[int, int]], width: int = SNIPPET_CHARS
) -> list[tuple[str, bool]]:
    """Cut a window of ``text`` around the best cluster of ``spans``, as (text, marked) parts.

    What front ends show for a hit: ``snippet_parts(hit.text, hit.highlights)`` gives
    the same window as :attr:`Hit.snippet` with the matches flagged, so no one has to
    parse ``**`` back out (a passage may itself contain ``**``).

    Args:
        text: The passage's clean text.
        spans: (start, end) match spans in ``text``, in order (``Hit.highlights``).
        width: Approximate window length in characters.

    Returns:
        The parts in order; the first and last carry "…" when the window is cut.
    """
    spans = [(int(s), int(e)) for s, e in spans]
    if len(text) <= width:
        lo, hi = 0, len(text)
    elif spans:
        # The window start with the most matches inside it (two pointers: linear time,
        # even for a hostile one-megabyte line full of matches).
        best, best_n, j = spans[0][0], 0, 0
        for i, (s, _) in enumerate(spans):
            j = max(j, i)
            while j < len(spans) and spans[j][0] < s + width:
                j += 1
            if j - i > best_n:
                best, best_n = s, j - i
        lo = max(0, best - width // 4)
        hi = min(len(text), lo + width)
        lo = max(0, hi - width)
    else:
        lo, hi = 0, width
    if lo > 0:
        sp = text.find(" ", lo)
        lo = sp + 1 if 0 <= sp < lo + 30 else lo
    if hi < len(text):
        sp = text.rfind(" ", hi - 30, hi)
        hi = sp if sp > lo else hi
    parts: list[tuple[str, bool]] = [("…" if lo > 0 else "", False)]
    pos = lo
    for s, e in spans:
        if s < pos or s < lo or e > hi:
            continue
        parts.append((text[pos:s], False))
        parts.append((text[s:e], True))
        pos = e
    parts.append((text[pos:hi] + ("…" if hi < len(text) else ""), False))
    return [p for p in parts if p[0]]
