"""Whether two documents are the same document, judged by what they are, not by their words.

Successive resolutions on one agenda item share most of their paragraphs, yet
each is its own document: its symbol says so. Only documents that could be the
same one (the same symbol, or without symbols the same title or date) may be
near-duplicates of each other.
"""

from __future__ import annotations

from collections.abc import Mapping

from db.parse.text import normalize_space


def _norm(value: object) -> str | None:
    text = normalize_space(str(value)).casefold() if value else ""
    return text or None


def different_documents(a: Mapping[str, object], b: Mapping[str, object]) -> bool:
    """Return True when two documents are different documents by identity.

    Args:
        a: One document's ``symbol``, ``title`` and ``date`` (missing or None when unknown).
        b: The other's.

    Returns:
        True when both have symbols and they differ, or when neither has one and both
        their titles and their dates differ; False when they may be the same document.
    """
    sym_a, sym_b = _norm(a.get("symbol")), _norm(b.get("symbol"))
    if sym_a and sym_b:
        return sym_a != sym_b
    if sym_a or sym_b:
        return False
    titles = _norm(a.get("title")), _norm(b.get("title"))
    dates = _norm(a.get("date")), _norm(b.get("date"))
    return (None not in titles and titles[0] != titles[1]) and (
        None not in dates and dates[0] != dates[1]
    )
