"""Recognise what kind of document a text is, and dispatch to its parser."""

from __future__ import annotations

import re

from db.errors import ParseError
from db.kinds import DOCUMENT_KINDS
from db.parse.model import ParsedDocument
from db.parse.report import looks_like_report, parse_decision, parse_report
from db.parse.resolution import looks_like_decision, looks_like_resolution, parse_resolution
from db.parse.webpage import parse_webpage

_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+\S", re.M)


def detect_kind(text: str) -> str:
    """Return the document kind (one of :data:`~db.parse.model.DOCUMENT_KINDS`) from the text.

    A resolution opens its body with "The General Assembly," (or another organ)
    and has numbered operative paragraphs; a decision says "Decision adopted by";
    a report numbers its paragraphs under Roman-numeral headings; a text with
    Markdown headings is a note; anything else is read as a page of headings,
    paragraphs and lists.
    """
    if looks_like_resolution(text):
        return "resolution"
    if looks_like_decision(text):
        return "decision"
    if looks_like_report(text):
        return "report"
    if _MARKDOWN_HEADING.search(text[:20000]):
        return "note"
    return "webpage"


def parse_text(
    text: str, *, title: str | None = None, kind: str | None = None, author: str | None = None
) -> ParsedDocument:
    """Parse a source text into passages.

    Args:
        text: The decoded source text.
        title: A title known from elsewhere (catalog, import), used in citations
            when the text does not state one. Without it, a plain document's or a
            note's first heading line is its title.
        kind: Force a parser instead of detecting one.
        author: Who published a web page (the catalog's issuing body), for its citations.

    Returns:
        The parsed document.

    Raises:
        ParseError: The text has no passages at all.
    """
    kind = kind or detect_kind(text)
    if kind not in DOCUMENT_KINDS:
        raise ParseError(f"unknown document kind {kind!r}")
    if kind == "resolution":
        doc = parse_resolution(text)
    elif kind == "decision":
        doc = parse_decision(text)
    elif kind == "report":
        doc = parse_report(text, title=title)
    else:
        doc = parse_webpage(text, title=title, author=author)
        doc.kind = kind
    if not doc.passages:
        raise ParseError("no passages found in the text")
    _make_ids_unique(doc)
    return doc


def _make_ids_unique(doc: ParsedDocument) -> None:
    """Give a repeated local id (a paragraph number printed twice) a ``-2`` suffix."""
    seen: set[str] = set()
    for p in doc.passages:
        base, n = p.local_id, 2
        while p.local_id in seen:
            p.local_id, n = f"{base}-{n}", n + 1
        seen.add(p.local_id)
    numbers: set[int] = set()
    unique = []
    for fn in doc.footnotes:
        if fn.number not in numbers:
            numbers.add(fn.number)
            unique.append(fn)
    doc.footnotes = unique
