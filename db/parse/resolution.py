"""Parser for UN resolutions converted from PDF (General Assembly style).

Recognises the header (distribution date, session, agenda item, adoption
date, draft symbol, "77/20." title line), preambular paragraphs, numbered
operative paragraphs, lettered sub-paragraphs, footnote blocks and their
markers, and puts back together paragraphs that a page break or a footnote
block cut in two.
"""

from __future__ import annotations

import re

from db.citations import CitedDocument, cite
from db.parse.model import Footnote, Heading, ParsedDocument, Passage
from db.parse.text import (
    SUPERSCRIPT_DIGITS,
    Block,
    ends_clause,
    find_date,
    normalize_space,
    ordinal_words_to_int,
    parse_inline,
    split_blocks,
    superscript_to_int,
)

_BODIES = {
    "general assembly": "A",
    "security council": "S",
    "economic and social council": "E",
    "human rights council": "A/HRC",
}
_BODY_OPENING = re.compile(
    r"^the\s+(general assembly|security council|economic and social council|human rights council)"
    r"\s*,?$",
    re.IGNORECASE,
)
_TITLE_LINE = re.compile(r"^(\d{1,4})/(\d{1,4})\.\s+(.+)$", re.DOTALL)
_OPERATIVE = re.compile(r"^(\d{1,3})\.\s+\S")
_SUBPARA = re.compile(r"^\(([a-z]{1,4})\)\s+\S")
_FOOTNOTE = re.compile(f"^([{SUPERSCRIPT_DIGITS}]+)\\s*(\\S.*)$", re.DOTALL)
_SESSION = re.compile(r"^([A-Za-z]+(?:-[A-Za-z]+)?|\d+(?:st|nd|rd|th))\s+session$", re.IGNORECASE)
_AGENDA = re.compile(r"^agenda item\s+(.+)$", re.IGNORECASE)
_ADOPTED = re.compile(r"^resolution adopted by the (.+?) on (.+)$", re.IGNORECASE)
_DRAFT = re.compile(r"\(([A-Z]+/\d+/[A-Z]+\.\d+(?:/[A-Za-z0-9.]+)*)\)")
_OPENING_WORD = re.compile(
    r"^([A-Z][a-z]+(?:-[a-z]+)?)(?:\s+(also|further|moreover|furthermore|with\s+\w+|that))?\b"
)
_PREAMBLE_HEADING = "Preamble"
_OPERATIVE_HEADING = "Operative part"


def looks_like_resolution(text: str) -> bool:
    """Return True when the text has the shape of a UN resolution."""
    blocks = [b.text.strip() for b in split_blocks(text)[:400]]
    has_opening = any(_BODY_OPENING.match(b) for b in blocks)
    numbered = sum(1 for b in blocks if _OPERATIVE.match(b))
    has_symbol = any(_TITLE_LINE.match(b) for b in blocks[:60])
    return has_opening and (numbered >= 1 or has_symbol)


def parse_resolution(text: str) -> ParsedDocument:
    """Parse a resolution's text into passages and footnotes.

    Args:
        text: The whole source text.

    Returns:
        The parsed document; ``meta`` carries what the header says.
    """
    blocks = split_blocks(text)
    meta: dict[str, object] = {}
    title: str | None = None
    body_start = len(blocks)
    header_lines: list[str] = []
    for i, b in enumerate(blocks):
        t = normalize_space(b.text)
        m_open = _BODY_OPENING.match(t)
        if m_open:
            meta.setdefault("issuing_body", m_open.group(1).title().replace(" And ", " and "))
            body_start = i + 1
            break
        header_lines.append(t)
        m = _TITLE_LINE.match(t)
        if m:
            meta["session"] = meta.get("session") or int(m.group(1))
            meta["resolution_number"] = f"{m.group(1)}/{m.group(2)}"
            title = parse_inline(m.group(3))[0].rstrip(".")
    _read_header(header_lines, meta)
    body = meta.get("issuing_body")
    prefix = _BODIES.get(str(body).lower(), "A") if body else "A"
    symbol = None
    if "resolution_number" in meta:
        symbol = f"{prefix}/RES/{meta['resolution_number']}"
        meta["symbol"] = symbol
    cited = CitedDocument(kind="resolution", title=title, symbol=symbol)

    doc = ParsedDocument(kind="resolution", title=title, meta=meta)
    _parse_body(text, blocks[body_start:], doc, cited)
    return doc


def _read_header(lines: list[str], meta: dict[str, object]) -> None:
    for i, t in enumerate(lines):
        low = t.lower()
        draft = _DRAFT.search(t)
        if draft and "draft_symbol" not in meta:
            meta["draft_symbol"] = draft.group(1)
        if low.startswith("distr."):
            d = find_date(t) or (find_date(lines[i + 1]) if i + 1 < len(lines) else None)
            if d:
                meta["distribution_date"] = d.isoformat()
            continue
        m = _SESSION.match(t)
        if m:
            n = ordinal_words_to_int(m.group(1))
            if n:
                meta["session"] = n
            continue
        m = _AGENDA.match(t)
        if m:
            meta["agenda_item"] = m.group(1).strip()
            if i + 1 < len(lines) and not _ADOPTED.match(lines[i + 1]):
                meta["agenda_title"] = lines[i + 1]
            continue
        m = _ADOPTED.match(t)
        if m:
            meta.setdefault("issuing_body", m.group(1).strip())
            d = find_date(m.group(2))
            if d:
                meta["date"] = d.isoformat()
            continue
        if t.startswith("["):
            m = _DRAFT.search(t)
            if m:
                meta["draft_symbol"] = m.group(1)
            meta["committee_note"] = t.strip("[]")
            continue
        if i == 0 or low in _BODIES:
            if low in _BODIES:
                meta.setdefault("issuing_body", t)


class _Builder:
    """Accumulates passages while walking the body blocks."""

    def __init__(self, source: str, doc: ParsedDocument, cited: CitedDocument) -> None:
        self.source = source
        self.doc = doc
        self.cited = cited
        self.raw: dict[int, list[Block]] = {}
        self.order: list[Passage] = []
        self.preamble_n = 0
        self.current_op: str | None = None
        self.in_operative = False

    def add(self, p: Passage, block: Block, raw_text: str) -> None:
        p.segments = [(block.start, block.end)]
        self.raw[id(p)] = [Block(block.start, block.end, raw_text)]
        self.order.append(p)

    def extend_last(self, block: Block) -> bool:
        if not self.order:
            return False
        last = self.order[-1]
        last.segments.append((block.start, block.end))
        self.raw[id(last)].append(block)
        return True


def _parse_body(
    source: str, blocks: list[Block], doc: ParsedDocument, cited: CitedDocument
) -> None:
    b = _Builder(source, doc, cited)
    footnote_blocks: list[Block] = []
    for block in blocks:
        t = block.text
        fn = _FOOTNOTE.match(t)
        if fn:
            footnote_blocks.append(block)
            continue
        last = b.order[-1] if b.order else None
        last_raw = " ".join(x.text for x in b.raw[id(last)]) if last else ""
        starts_lower = t[:1].islower()
        if (
            last is not None
            and (starts_lower or not ends_clause(last_raw))
            and not (_OPERATIVE.match(t) or _SUBPARA.match(t))
        ):
            if starts_lower or not _is_closing(t):
                b.extend_last(block)
                continue
        if _is_closing(t) and b.in_operative:
            doc.meta["plenary_meeting"] = normalize_space(parse_inline(t)[0].split("\n")[0])
            closing_text = parse_inline(t)[0]
            meeting = re.match(r"(.*?meeting)", closing_text)
            if meeting:
                doc.meta["plenary_meeting"] = meeting.group(1).strip()
            continue
        m_op = _OPERATIVE.match(t)
        if m_op:
            b.in_operative = True
            n = m_op.group(1)
            b.current_op = n
            body = t[m_op.end() - 1 :]
            p = Passage(f"op{n}", "operative", n, [_OPERATIVE_HEADING], "")
            p.citation = cite(cited, kind="operative", number=n).plain
            b.add(p, block, body)
            continue
        m_sub = _SUBPARA.match(t)
        if m_sub and b.current_op is not None:
            letter = m_sub.group(1)
            num = f"{b.current_op}({letter})"
            body = t[m_sub.end() - 1 :]
            p = Passage(
                f"op{b.current_op}{letter}",
                "subparagraph",
                num,
                [_OPERATIVE_HEADING, f"para. {b.current_op}"],
                "",
            )
            p.citation = cite(cited, kind="subparagraph", number=num).plain
            b.add(p, block, body)
            continue
        if not b.in_operative:
            b.preamble_n += 1
            n = str(b.preamble_n)
            p = Passage(f"pp{n}", "preambular", n, [_PREAMBLE_HEADING], "")
            p.citation = cite(cited, kind="preambular", number=n).plain
            b.add(p, block, t)
            continue
        # Unnumbered text inside the operative part: keep it as a plain paragraph.
        n_par = sum(1 for x in b.order if x.kind == "paragraph") + 1
        p = Passage(f"x{n_par}", "paragraph", None, [_OPERATIVE_HEADING], "")
        p.citation = cite(cited, kind="paragraph", number=None, after=b.current_op).plain
        b.add(p, block, t)

    for p in b.order:
        raw = " ".join(seg.text for seg in b.raw[id(p)])
        p.text, p.markup = parse_inline(raw)
        p.footnotes = sorted({int(m.attrs["number"]) for m in p.markup if m.kind == "fnref"})
        p.opening = _opening(p)
    doc.passages.extend(b.order)
    _collect_footnotes(footnote_blocks, doc, cited)
    doc.headings = _outline(doc)


def _is_closing(t: str) -> bool:
    s = t.strip()
    return s.startswith("*") and s.endswith("*") and "meeting" in s.lower()


def _opening(p: Passage) -> str | None:
    if p.kind == "operative":
        for m in p.markup:
            if m.kind == "em" and m.start <= 1:
                return p.text[m.start : m.end]
        words = p.text.split()
        return words[0] if words else None
    if p.kind == "preambular":
        m = _OPENING_WORD.match(p.text)
        if m:
            return m.group(1) + (f" {m.group(2)}" if m.group(2) and m.group(2) != "that" else "")
    return None


def _collect_footnotes(blocks: list[Block], doc: ParsedDocument, document: CitedDocument) -> None:
    pieces: list[Block] = []
    for block in blocks:
        # A block may hold several footnotes, one per line.
        offset = block.start
        for line in block.text.split("\n"):
            s = offset + (len(line) - len(line.lstrip()))
            e = offset + len(line.rstrip())
            offset += len(line) + 1
            if e <= s:
                continue
            if _FOOTNOTE.match(line.strip()) or not pieces:
                pieces.append(Block(s, e, line.strip()))
            else:  # continuation line of the previous footnote
                prev = pieces[-1]
                pieces[-1] = Block(prev.start, e, doc_slice(prev, line))
    cited: dict[int, list[str]] = {}
    for p in doc.passages:
        for n in p.footnotes:
            cited.setdefault(n, []).append(p.local_id)
    for piece in pieces:
        m = _FOOTNOTE.match(piece.text)
        if not m:
            continue
        marker = m.group(1)
        number = superscript_to_int(marker)
        clean, markup = parse_inline(m.group(2))
        fn = Footnote(
            number, marker, clean, markup, (piece.start, piece.end), cited.get(number, [])
        )
        doc.footnotes.append(fn)
        passage = Passage(f"fn{number}", "footnote", str(number), ["Footnotes"], clean, markup)
        passage.segments = [(piece.start, piece.end)]
        passage.citation = cite(document, kind="footnote", number=str(number)).plain
        doc.passages.append(passage)
    doc.footnotes.sort(key=lambda f: f.number)


def doc_slice(prev: Block, line: str) -> str:
    """Join a footnote's continuation line to it."""
    return prev.text + " " + line.strip()


def _outline(doc: ParsedDocument) -> list[Heading]:
    heads: list[Heading] = []
    pre = [p for p in doc.passages if p.kind == "preambular"]
    ops = [p for p in doc.passages if p.kind == "operative"]
    if pre:
        heads.append(Heading(_PREAMBLE_HEADING, 1, pre[0].segments[0], "preamble"))
    if ops:
        heads.append(Heading(_OPERATIVE_HEADING, 1, ops[0].segments[0], "operative"))
    if doc.footnotes:
        heads.append(Heading("Footnotes", 1, doc.footnotes[0].segment, "footnotes"))
    return heads
