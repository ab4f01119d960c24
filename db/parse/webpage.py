"""Parser for captured web pages: clean captures with line structure, and flattened ones.

A clean capture has one block per line: headings (short lines without closing
punctuation), paragraphs and bullet lists (``•``, ``-``, ``*``, ``–``). A
title line repeated at the top is the page title.

A flattened capture lost every line break, so a heading runs into the next
sentence ("…Crime (UNODC)INTERPOL and UNODC share…"). :func:`unflatten`
recovers the line breaks from the joins where no space separates a sentence
end or a lowercase word from a capital; then the same line rules apply.
List items whose bullets were lost too are recognised as a run of short
unpunctuated lines after a line ending with a colon.
"""

from __future__ import annotations

import re

from db.citations import CitedDocument, cite
from db.parse.model import Heading, ParsedDocument, Passage
from db.parse.text import Block, ends_clause, parse_inline, split_lines

_BULLET = re.compile(r"^(?:[•◦▪·‣∙*–—-])\s+")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MAX_HEADING_CHARS = 160
_MAX_HEADING_WORDS = 22


def is_flattened(text: str) -> bool:
    """Return True when a long text has lost its line breaks."""
    stripped = text.strip()
    if len(stripped) < 400:
        return False
    lines = [ln for ln in stripped.split("\n") if ln.strip()]
    return len(stripped) / max(len(lines), 1) > 1500


def _is_join(text: str, i: int) -> bool:
    """Return True if a lost line break sits between ``text[i-1]`` and ``text[i]``."""
    prev, ch = text[i - 1], text[i]
    if not (ch.isupper() or ch in '“"‘('):
        return False
    if prev in ".!?;:":
        # "U.S." or "e.g.X": a single letter before the dot is an initial, not a sentence end.
        if prev == "." and i >= 3 and text[i - 2].isalpha() and not text[i - 3].isalnum():
            return False
        return not text[i - 2 : i].isdigit()
    if prev in ')]”"’':
        return True
    if prev.islower() and ch.isupper():
        # "CentreAs", "OneFirst": a word of 3+ letters ending in two lowercase letters runs
        # into a capital. Shorter runs ("iARMS", "McAfee") are words of their own.
        tail = text[i - 3 : i] if i >= 3 else ""
        return len(tail) == 3 and tail.isalpha() and tail[1:].islower()
    return False


def unflatten(text: str, start: int = 0, end: int | None = None) -> list[Block]:
    """Split a flattened text into lines at its lost line breaks.

    Args:
        text: The source text.
        start: Offset where the flattened run begins.
        end: Offset where it ends (default: end of text).

    Returns:
        Blocks with spans into ``text``.
    """
    end = len(text) if end is None else end
    out: list[Block] = []
    seg_start = start
    for i in range(start + 1, end):
        if _is_join(text, i):
            out.append(Block(seg_start, i, text[seg_start:i]))
            seg_start = i
    out.append(Block(seg_start, end, text[seg_start:end]))
    return [b for b in (_trim(text, b) for b in out) if b.end > b.start]


def _trim(text: str, b: Block) -> Block:
    s, e = b.start, b.end
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return Block(s, e, text[s:e])


def _lines(text: str) -> list[Block]:
    lines = split_lines(text)
    if not is_flattened(text):
        return lines
    out: list[Block] = []
    for ln in lines:
        out.extend(unflatten(text, ln.start, ln.end) if len(ln.text) > 300 else [ln])
    return out


def _headingish(t: str) -> bool:
    return (
        not ends_clause(t)
        and len(t) <= _MAX_HEADING_CHARS
        and len(t.split()) <= _MAX_HEADING_WORDS
        and not _BULLET.match(t)
    )


def _shape(t: str) -> tuple[bool, str]:
    words = t.split()
    return (t.rstrip().endswith(")"), words[0].lower() if words else "")


def classify(lines: list[Block]) -> list[str]:
    """Label each line ``heading``, ``paragraph`` or ``item``.

    Args:
        lines: The page's lines in order.

    Returns:
        One label per line.
    """
    labels: list[str] = []
    i = 0
    n = len(lines)
    while i < n:
        t = lines[i].text
        if _MD_HEADING.match(t):
            labels.append("heading")
            i += 1
            continue
        if _BULLET.match(t):
            labels.append("item")
            i += 1
            continue
        if not _headingish(t):
            labels.append("paragraph")
            i += 1
            continue
        # A run of unpunctuated lines right after a line ending with a colon is a list
        # whose bullets were lost.
        prev = lines[i - 1].text if i else ""
        if prev.rstrip().endswith(":") and labels and labels[-1] == "paragraph":
            j = i
            while j < n and _headingish(lines[j].text):
                j += 1
            run = list(range(i, j))
            heading_last = False
            if j < n and len(run) >= 2:
                # The last line before a paragraph is a heading unless it has the items' shape.
                shapes = [_shape(lines[k].text) for k in run[:-1]]
                last = _shape(lines[run[-1]].text)
                same_end = sum(1 for s in shapes if s[0] == last[0])
                same_word = sum(1 for s in shapes if s[1] == last[1])
                heading_last = not (same_end * 2 > len(shapes) and (last[0] or same_word))
            elif j < n and len(run) == 1:
                heading_last = True
            for k in run:
                labels.append("heading" if (heading_last and k == run[-1]) else "item")
            i = j
            continue
        labels.append("heading")
        i += 1
    return labels


def parse_webpage(
    text: str, *, title: str | None = None, author: str | None = None
) -> ParsedDocument:
    """Parse a captured web page into sections, paragraphs and list items.

    Paragraphs and list items are numbered by their position in their section, counted
    separately (``number`` "2" of a paragraph is cited "para. 2", of a list item "item 2").

    Args:
        text: The whole source text.
        title: The page title if known from elsewhere (the catalog); a title line
            repeated at the top of the text wins over it (as for the document's title).
        author: Who published the page (the catalog's issuing body), named first in
            its citations.

    Returns:
        The parsed document.
    """
    lines = _lines(text)
    found_title: str | None = None
    if len(lines) >= 2 and lines[0].text == lines[1].text and _headingish(lines[0].text):
        found_title = lines[0].text
        lines = lines[2:]
    md_title = _MD_HEADING.match(lines[0].text) if lines and not found_title else None
    if md_title and len(md_title.group(1)) == 1:
        # A Markdown document's first-level heading at the top is its title.
        found_title = md_title.group(2)
        lines = lines[1:]
    doc = ParsedDocument(kind="webpage", title=found_title, meta={})
    if found_title:
        doc.meta["title_in_text"] = found_title
    cited = CitedDocument(kind="webpage", title=found_title or title, issuing_body=author)
    labels = classify(lines)
    section = 0
    heading: str | None = None
    n_par = n_item = 0
    for line, label in zip(lines, labels, strict=True):
        if label == "heading":
            section += 1
            md = _MD_HEADING.match(line.text)
            heading = parse_inline(md.group(2) if md else line.text)[0]
            n_par = n_item = 0
            doc.headings.append(Heading(heading, 1, (line.start, line.end), f"s{section}"))
            continue
        raw = line.text
        start = line.start
        if label == "item":
            m = _BULLET.match(raw)
            if m:
                start += m.end()
                raw = raw[m.end() :]
            n_item += 1
            local, kind, number = f"s{section}.i{n_item}", "list_item", n_item
        else:
            n_par += 1
            local, kind, number = f"s{section}.p{n_par}", "paragraph", n_par
        clean, markup = parse_inline(raw)
        if not clean:
            continue
        p = Passage(local, kind, str(number), [heading] if heading else [], clean, markup)
        p.segments = [(start, line.end)]
        p.citation = cite(cited, kind=kind, number=p.number, section=heading).plain
        doc.passages.append(p)
    return doc
