"""Parser for UN resolutions converted from PDF (General Assembly style).

Recognises the header (distribution date, session, agenda item, adoption
date, draft symbol, "77/20." title line), preambular paragraphs, numbered
operative paragraphs, lettered sub-paragraphs, footnote blocks and their
markers, and puts back together paragraphs that a page break or a footnote
block cut in two.
"""

from __future__ import annotations

import re

from db.citations import locator
from db.parse.layout import (
    SYMBOL,
    content_blocks,
    join_pieces,
    read_closing,
    superscript_footnotes,
    word_forms,
)
from db.parse.model import Footnote, Heading, ParsedDocument, Passage
from db.parse.text import (
    SUPERSCRIPT_DIGITS,
    Block,
    ends_clause,
    find_date,
    normalize_space,
    ordinal_words_to_int,
    parse_inline,
    short_title,
    split_blocks,
    split_lines,
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
_AGENDA = re.compile(
    r"^(?:agenda\s+items?|items?)\s+(\d.*?)"
    r"(?:\s+of\s+the\s+(?:preliminary\s+list|provisional\s+agenda))?\**$",
    re.IGNORECASE,
)
_ADOPTED = re.compile(r"^resolution adopted by the (.+?) on (.+)$", re.IGNORECASE)
_DRAFT = re.compile(r"\(([A-Z]+/\d+/[A-Z]+\.\d+(?:/[A-Za-z0-9.]+)*)\)")
_OPENING_WORD = re.compile(
    r"^([A-Z][a-z]+(?:-[a-z]+)?)(?:\s+(also|further|moreover|furthermore|with\s+\w+|that))?\b"
)
#: A line that begins a paragraph even without a blank line before it.
BLOCK_START = re.compile(
    f"^(?:\\d{{1,3}}\\.\\s+\\S|\\([a-z]{{1,4}}\\)\\s+\\S|[{SUPERSCRIPT_DIGITS}]+\\s*\\S"
    r"|the\s+(?:general assembly|security council|economic and social council|human rights council)"
    r"\s*,\s*$)",
    re.IGNORECASE,
)
_ANNEX = re.compile(r"^annex(?:\s+([IVXL]{1,6}|\d{1,2}))?$", re.IGNORECASE)
_DATE_ONLY = re.compile(r"^\*?\d{1,2}\s+[A-Za-z]+\s+\d{4}\*?$")
_PREAMBLE_HEADING = "Preamble"
_OPERATIVE_HEADING = "Operative part"


_SC_TITLE = re.compile(r"^resolution\s+(\d{1,5})\s+\((\d{4})\)$", re.IGNORECASE)
_DECISION_ADOPTED = re.compile(r"^decision adopted by the (.+?) on (.+)$", re.IGNORECASE)
_OWN_SYMBOL = re.compile(r"^([ASE](?:/[A-Z]+)*/RES/\d{1,5}(?:/\d{1,4})?(?:\s\(\d{4}\))?)$")
_DOCUMENT_SYMBOL = re.compile(f"^{SYMBOL}$")


def header_symbols(text: str, limit: int = 40) -> list[str]:
    """Return the document symbols printed on lines of their own near the top of ``text``.

    They name the document (``A/RES/77/20``, ``S/RES/2178 (2014)``, ``A/77/150``) and
    come back in its running headers.
    """
    out: list[str] = []
    for line in split_lines(text)[:limit]:
        for piece in re.split(r"\t+|\s{2,}", line.text):
            piece = piece.strip()
            if _DOCUMENT_SYMBOL.match(piece) and piece not in out:
                out.append(piece)
    return out


def split_footnote(text: str) -> re.Match[str] | None:
    """Match a footnote block (superscript marker first): groups are the marker and the text."""
    return _FOOTNOTE.match(text)


def header_lines(text: str) -> list[str]:
    """Split a header block into its lines and its tab-separated columns, white space collapsed.

    A converted first page puts two columns on one line ("General Assembly<TAB>Distr.: General").
    """
    return [
        normalize_space(piece)
        for line in split_lines(text)
        for piece in re.split(r"\t+|\s{3,}", line.text)
        if piece.strip()
    ]


def looks_like_resolution(text: str) -> bool:
    """Return True when the text has the shape of a UN resolution."""
    blocks = [b.text.strip() for b in split_blocks(text)[:400]]
    lines = [normalize_space(b.text) for b in split_lines(text)[:2000]]
    has_opening = any(_BODY_OPENING.match(t) for t in (*blocks, *lines))
    numbered = sum(1 for t in lines if _OPERATIVE.match(t))
    head = (*blocks[:60], *lines[:120])
    has_symbol = any(_TITLE_LINE.match(t) or _SC_TITLE.match(t) for t in head)
    return has_opening and (numbered >= 1 or has_symbol)


def looks_like_decision(text: str) -> bool:
    """Return True when the text is a decision ("Decision adopted by the General Assembly")."""
    lines = [normalize_space(b.text) for b in split_lines(text)[:80]]
    return any(_DECISION_ADOPTED.match(t) for t in lines) and any(
        _TITLE_LINE.match(t) for t in lines
    )


def parse_resolution(text: str) -> ParsedDocument:
    """Parse a resolution's text into passages and footnotes.

    General Assembly resolutions ("77/20. Title", "Resolution adopted by the
    General Assembly on …") and Security Council resolutions ("Resolution 2178
    (2014)", "Adopted by the Security Council at its 7272nd meeting, on …") are
    read; running headers and footers are left out, and the closing lines are
    kept as metadata.

    Args:
        text: The whole source text.

    Returns:
        The parsed document; ``meta`` carries what the header says.
    """
    symbols = header_symbols(text)
    text = superscript_footnotes(text, symbols)  # same length: spans still point into the source
    blocks = content_blocks(text, symbols, BLOCK_START)
    meta: dict[str, object] = {}
    body_start = len(blocks)
    header: list[list[str]] = []
    for i, b in enumerate(blocks):
        t = normalize_space(b.text)
        m_open = _BODY_OPENING.match(t)
        if m_open:
            meta.setdefault("issuing_body", m_open.group(1).title().replace(" And ", " and "))
            body_start = i + 1
            break
        header.append(header_lines(b.text))
    title = read_header(header, meta)
    symbol = _symbol(meta, symbols)
    cite_base = symbol or (title or "Resolution")

    doc = ParsedDocument(kind="resolution", title=title, meta=meta)
    _parse_body(text, blocks[body_start:], doc, cite_base, word_forms(text))
    return doc


def _symbol(meta: dict[str, object], symbols: list[str]) -> str | None:
    body = meta.get("issuing_body")
    prefix = _BODIES.get(str(body).lower(), "A") if body else "A"
    symbol = None
    if "resolution_number" in meta:
        number = str(meta["resolution_number"])
        symbol = f"{prefix}/RES/{number}"
        printed = [s for s in symbols if _OWN_SYMBOL.match(s)]
        if printed and printed[0].endswith(f"/{number}"):
            symbol = printed[0]
    elif "decision_number" in meta:
        symbol = f"{prefix}/DEC/{meta['decision_number']}"
    if symbol:
        meta["symbol"] = symbol
    return symbol


def read_header(header: list[list[str]], meta: dict[str, object]) -> str | None:
    """Read the header of a resolution or decision into ``meta``; return its title.

    Args:
        header: The header's blocks, each as its lines (white space collapsed).
        meta: Filled with ``session``, ``agenda_item``, ``agenda_title``,
            ``distribution_date``, ``date``, ``issuing_body``, ``draft_symbol``,
            ``committee_note``, ``resolution_number`` or ``decision_number``, and for
            a Security Council resolution ``meeting``.
    """
    title: str | None = None
    lines = [ln for block in header for ln in block]
    for block in header:
        t = " ".join(block)
        m = _TITLE_LINE.match(t)
        if m:
            meta["session"] = meta.get("session") or int(m.group(1))
            meta["resolution_number"] = f"{m.group(1)}/{m.group(2)}"
            title = short_title(parse_inline(m.group(3))[0].rstrip("."))
            continue
        m = _SC_TITLE.match(t)
        if m:
            meta["resolution_number"] = f"{m.group(1)} ({m.group(2)})"
            meta.setdefault("issuing_body", "Security Council")
            title = f"Security Council resolution {meta['resolution_number']}"
    _read_header(lines, meta)
    if meta.get("decided") and "resolution_number" in meta:
        meta["decision_number"] = meta.pop("resolution_number")
    meta.pop("decided", None)
    return title


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
            meta["agenda_item"] = m.group(1).strip().rstrip("*")
            following = lines[i + 1] if i + 1 < len(lines) else ""
            if following and not (_ADOPTED.match(following) or _is_adoption_line(following)):
                meta["agenda_title"] = following
            continue
        m = _ADOPTED.match(t) or _DECISION_ADOPTED.match(t)
        if m:
            meta.setdefault("issuing_body", m.group(1).strip())
            if low.startswith("decision"):
                meta["decided"] = True
            d = find_date(m.group(2))
            if d:
                meta["date"] = d.isoformat()
            continue
        closing = read_closing(t)
        if closing and "body" in closing:
            meta.setdefault("issuing_body", closing["body"].title().replace(" And ", " and "))
            meta["meeting"] = closing["meeting"]
            if "date" in closing:
                meta["date"] = closing["date"]
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


def _is_adoption_line(t: str) -> bool:
    return bool(_DECISION_ADOPTED.match(t) or read_closing(t) or _SC_TITLE.match(t))


class _Builder:
    """Accumulates passages while walking the body blocks."""

    def __init__(self, source: str, doc: ParsedDocument, cite_base: str) -> None:
        self.source = source
        self.doc = doc
        self.cite = cite_base
        self.raw: dict[int, list[Block]] = {}
        self.order: list[Passage] = []
        self.preamble_n = 0
        self.current_op: str | None = None
        self.in_operative = False
        self.annex: str | None = None  # "annex", "annex II" once the annex begins
        self.annex_headings: list[Heading] = []

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


def citation(cite_base: str, kind: str, number: str | None, *, after: str | None = None) -> str:
    """Return how a person cites a passage of a resolution or another numbered UN document.

    Args:
        cite_base: The document's symbol (or title when it has none).
        kind: The passage kind.
        number: The number as printed ("17(a)", "3" for a preambular paragraph or footnote).
        after: For an unnumbered paragraph, the number of the paragraph before it.
    """
    return f"{cite_base}, {locator(kind, number, after=after)}"


def _parse_body(
    source: str,
    blocks: list[Block],
    doc: ParsedDocument,
    cite_base: str,
    vocabulary: set[str] | None = None,
) -> None:
    b = _Builder(source, doc, cite_base)
    footnote_blocks: list[Block] = []
    after_closing = False
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
        closing = read_closing(t) if b.in_operative else None
        if closing:
            _keep_closing(doc.meta, closing)
            after_closing = True
            continue
        if after_closing and _DATE_ONLY.match(normalize_space(t)):
            # The date of the closing lines, printed on a line of its own.
            d = find_date(t)
            if d:
                doc.meta.setdefault("date", d.isoformat())
            continue
        after_closing = False
        m_annex = _ANNEX.match(normalize_space(t)) if b.in_operative else None
        if m_annex:
            # An annex numbers its paragraphs from 1 again: they are cited "annex, para. 1".
            b.annex = "annex" + (f" {m_annex.group(1)}" if m_annex.group(1) else "")
            b.current_op = None
            local = b.annex.replace(" ", "").lower()
            b.annex_headings.append(Heading(normalize_space(t), 1, (block.start, block.end), local))
            continue
        if b.annex:
            _add_annex_passage(b, block, t)
            continue
        m_op = _OPERATIVE.match(t)
        if m_op:
            b.in_operative = True
            n = m_op.group(1)
            b.current_op = n
            body = t[m_op.end() - 1 :]
            p = Passage(f"op{n}", "operative", n, [_OPERATIVE_HEADING], "")
            p.citation = citation(cite_base, "operative", n)
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
            p.citation = citation(cite_base, "subparagraph", num)
            b.add(p, block, body)
            continue
        if not b.in_operative:
            b.preamble_n += 1
            n = str(b.preamble_n)
            p = Passage(f"pp{n}", "preambular", n, [_PREAMBLE_HEADING], "")
            p.citation = citation(cite_base, "preambular", n)
            b.add(p, block, t)
            continue
        # Unnumbered text inside the operative part: keep it as a plain paragraph.
        n_par = sum(1 for x in b.order if x.kind == "paragraph") + 1
        p = Passage(f"x{n_par}", "paragraph", None, [_OPERATIVE_HEADING], "")
        p.citation = citation(cite_base, "paragraph", None, after=b.current_op)
        b.add(p, block, t)

    for p in b.order:
        raw = join_pieces([seg.text for seg in b.raw[id(p)]], vocabulary)
        p.text, p.markup = parse_inline(raw)
        p.footnotes = sorted({int(m.attrs["number"]) for m in p.markup if m.kind == "fnref"})
        p.opening = _opening(p)
    doc.passages.extend(b.order)
    collect_footnotes(footnote_blocks, doc, cite_base)
    doc.headings = _outline(doc) + b.annex_headings


def _add_annex_passage(b: _Builder, block: Block, t: str) -> None:
    """Add a paragraph of a resolution's annex, numbered and cited within the annex."""
    assert b.annex is not None
    prefix = b.annex.replace(" ", "").lower() + "."
    base = f"{b.cite}, {b.annex}"
    path = [b.annex_headings[-1].text]
    m_op = _OPERATIVE.match(t)
    m_sub = _SUBPARA.match(t)
    if m_op:
        n = b.current_op = m_op.group(1)
        p = Passage(f"{prefix}p{n}", "paragraph", n, path, "")
        p.citation = citation(base, "operative", n)
        b.add(p, block, t[m_op.end() - 1 :])
    elif m_sub and b.current_op is not None:
        num = f"{b.current_op}({m_sub.group(1)})"
        p = Passage(f"{prefix}p{b.current_op}{m_sub.group(1)}", "subparagraph", num, path, "")
        p.citation = citation(base, "subparagraph", num)
        b.add(p, block, t[m_sub.end() - 1 :])
    else:
        k = sum(1 for x in b.order if x.local_id.startswith(f"{prefix}x")) + 1
        p = Passage(f"{prefix}x{k}", "paragraph", None, path, "")
        after = b.current_op
        p.citation = citation(base, "paragraph", None, after=after) if after else base
        b.add(p, block, t)


def _is_closing(t: str) -> bool:
    return read_closing(t) is not None


def _keep_closing(meta: dict[str, object], closing: dict[str, str]) -> None:
    """Keep a resolution's closing lines as its metadata: the meeting and, if unknown, the date."""
    if "plenary" in closing["meeting"].lower():
        meta["plenary_meeting"] = closing["meeting"]
    else:
        meta["meeting"] = closing["meeting"]
    if "body" in closing:
        meta.setdefault("issuing_body", closing["body"].title().replace(" And ", " and "))
    if "date" in closing:
        meta.setdefault("date", closing["date"])


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


def collect_footnotes(blocks: list[Block], doc: ParsedDocument, cite_base: str) -> None:
    """Turn footnote blocks (superscript marker first) into footnotes and footnote passages."""
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
        passage.citation = citation(cite_base, "footnote", str(number))
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
