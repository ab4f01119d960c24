"""Parser for UN documents with numbered paragraphs: reports, notes, and General Assembly decisions.

A report of the Secretary-General (``A/77/150``) opens with a header (symbol,
distribution date, session, agenda item, title, "Report of the
Secretary-General"), may have a summary, and numbers its paragraphs 1, 2, 3 …
across sections headed "I. Introduction", "A. Counter-terrorism"; lettered
sub-paragraphs, footnotes and annexes (whose paragraphs number from 1 again)
follow the same rules as in a resolution. A decision ("77/512. Title",
"Decision adopted by the General Assembly on …") has the header of a resolution
and a body of plain or numbered paragraphs.
"""

from __future__ import annotations

import re

from db.parse.layout import SYMBOL, content_blocks, join_pieces, superscript_footnotes, word_forms
from db.parse.model import Heading, ParsedDocument, Passage
from db.parse.resolution import (
    BLOCK_START,
    collect_footnotes,
    header_lines,
    header_symbols,
    read_header,
    split_footnote,
)
from db.parse.text import (
    Block,
    ends_clause,
    find_date,
    normalize_space,
    ordinal_words_to_int,
    parse_inline,
    split_lines,
)

_ROMAN = re.compile(r"^([IVXL]{1,6})\.\s+(\S.*)$")
_LETTERED = re.compile(r"^([A-Z])\.\s+(\S.*)$")
_NUMBERED = re.compile(r"^(\d{1,3})\.\s+\S")
_SUBPARA = re.compile(r"^\(([a-z]{1,4})\)\s+\S")
_ANNEX = re.compile(r"^(annex|appendix|enclosure)(?:\s+([IVXL]{1,6}|\d{1,2}))?$", re.IGNORECASE)
_SUMMARY = re.compile(r"^(summary|abstract)$", re.IGNORECASE)
_REPORT_OF = re.compile(
    r"^(?:(?:annual\s+|interim\s+|final\s+)?report|note)\s+(?:of|by)\s+the\s+"
    r"(secretary-general|security council|general assembly|economic and social council|"
    r"[A-Z][\w\s,-]{2,80}?)(?:\s+on\s+.+)?$",
    re.IGNORECASE,
)
_SESSION = re.compile(r"^([A-Za-z]+(?:-[A-Za-z]+)?|\d+(?:st|nd|rd|th))\s+session$", re.IGNORECASE)
_AGENDA = re.compile(
    r"^(?:agenda\s+items?|items?)\s+(\d.*?)"
    r"(?:\s+of\s+the\s+(?:preliminary\s+list|provisional\s+agenda))?\**$",
    re.IGNORECASE,
)
_DECIDED = re.compile(
    r"^at\s+its\s+(\d{1,4}(?:st|nd|rd|th)\s+plenary\s+meeting),\s+on\s+(\d{1,2}\s+\w+\s+\d{4})",
    re.IGNORECASE,
)
_LEADER = re.compile(r"(?:\.\s*){3,}\d{1,3}$")
_STARRED = re.compile(r"^\*{1,3}\s+(\S.{0,200})$")
_MAX_HEADING_CHARS = 150
#: A heading line: a block of its own even without blank lines around it.
_HEADING_LINE = re.compile(
    r"^(?:(?:[IVXL]{1,6}|[A-Z])\.\s+[A-Z][^.;:]{0,150}|summary|abstract"
    r"|(?:annex|appendix|enclosure)(?:\s+(?:[IVXL]{1,6}|\d{1,2}))?)$",
    re.IGNORECASE,
)


def looks_like_report(text: str) -> bool:
    """Return True for a document of numbered paragraphs under Roman-numeral headings.

    At least two paragraphs numbered "1." onwards and one heading "I. …" or a
    "Report of the …" line in the first page are needed.
    """
    lines = [normalize_space(b.text) for b in split_lines(text)[:2000]]
    numbered = sum(1 for t in lines if _NUMBERED.match(t))
    roman = sum(1 for t in lines if _ROMAN.match(t) and _is_heading_text(_ROMAN.match(t).group(2)))
    report_of = any(_REPORT_OF.match(t) for t in lines[:60])
    return numbered >= 2 and (roman >= 1 or report_of)


def _is_heading_text(t: str) -> bool:
    return bool(t) and len(t) <= _MAX_HEADING_CHARS and not ends_clause(t) and t[:1].isupper()


class _Walker:
    """Walks the body blocks of a numbered document, building passages and headings."""

    def __init__(self, doc: ParsedDocument, cite_base: str) -> None:
        self.doc = doc
        self.cite = cite_base
        self.pieces: dict[int, list[Block]] = {}
        self.order: list[Passage] = []
        self.section: list[str] = []  # "II", "II.A"
        self.heading_path: list[str] = []
        self.annex: str | None = None  # "annex", "annex II"
        self.in_summary = False
        self.current: str | None = None  # the last paragraph number
        self.unnumbered = 0
        self.summary_n = 0
        self.last_was_heading = False

    def heading(self, text: str, level: int, block: Block, local: str) -> None:
        clean = parse_inline(normalize_space(text))[0]
        self.heading_path = [*self.heading_path[: level - 1], clean]
        self.doc.headings.append(Heading(clean, level, (block.start, block.end), local))
        self.last_was_heading = True

    def add(self, p: Passage, block: Block, raw: str) -> None:
        p.segments = [(block.start, block.end)]
        p.heading_path = list(self.heading_path)
        self.pieces[id(p)] = [Block(block.start, block.end, raw)]
        self.order.append(p)
        self.last_was_heading = False

    def extend(self, block: Block) -> None:
        last = self.order[-1]
        last.segments.append((block.start, block.end))
        self.pieces[id(last)].append(block)

    def prefix(self) -> str:
        return (self.annex.replace(" ", "").lower() + ".") if self.annex else ""

    def where(self) -> str:
        return f", {self.annex}" if self.annex else ""


def citation(cite_base: str, kind: str, number: str | None, *, where: str = "") -> str:
    """Return how a person cites a passage of a report or decision.

    Args:
        cite_base: The document's symbol (or title when it has none).
        kind: The passage kind.
        number: The number as printed ("12", "12(a)"); None for an unnumbered paragraph.
        where: For an unnumbered paragraph, where it stands ("summary", "sect. II.A",
            "after para. 12"); an annex (", annex II") for a numbered one.
    """
    if kind == "footnote":
        return f"{cite_base}, footnote {number}"
    if number is None:
        return f"{cite_base}, {where}" if where else cite_base
    if number.startswith("("):
        return f"{cite_base}{where}, subpara. {number}"
    return f"{cite_base}{where}, para. {number}"


def parse_body(
    source: str,
    blocks: list[Block],
    doc: ParsedDocument,
    cite_base: str,
    vocabulary: set[str] | None = None,
) -> None:
    """Read numbered paragraphs, sub-paragraphs, headings and footnotes into ``doc``.

    Args:
        source: The whole source text.
        blocks: The body's blocks (furniture already left out).
        doc: Receives passages, footnotes and headings.
        cite_base: The document's symbol or title, for citations.
        vocabulary: The document's words, to re-join hyphenated ones.
    """
    w = _Walker(doc, cite_base)
    footnote_blocks: list[Block] = []
    section_n = 0
    for block in blocks:
        t = normalize_space(block.text)
        if split_footnote(t):
            footnote_blocks.append(block)
            continue
        if _is_contents(block.text):
            continue
        last = w.order[-1] if w.order and not w.last_was_heading else None
        if last is not None and not (_NUMBERED.match(t) or _SUBPARA.match(t)):
            last_raw = " ".join(x.text for x in w.pieces[id(last)])
            if t[:1].islower() or (not ends_clause(last_raw) and not _headline(t)):
                w.extend(block)
                continue
        m = _ANNEX.match(t)
        if m:
            w.annex = "annex" if not m.group(2) else f"annex {m.group(2)}"
            if m.group(1).lower() != "annex":
                w.annex = m.group(1).lower() + (f" {m.group(2)}" if m.group(2) else "")
            w.in_summary, w.current, w.section = False, None, []
            w.heading_path = []
            w.heading(t, 1, block, w.annex.replace(" ", "").lower())
            continue
        if _SUMMARY.match(t):
            w.in_summary = True
            w.heading(t, 1, block, "summary")
            continue
        m = _ROMAN.match(t)
        if m and _is_heading_text(m.group(2)) and not _next_letter(w.section, m.group(1)):
            w.in_summary = False
            w.section = [m.group(1)]
            w.heading(t, 1, block, f"{w.prefix()}sect{m.group(1).lower()}")
            continue
        m = _LETTERED.match(t)
        if m and _is_heading_text(m.group(2)):
            w.in_summary = False
            w.section = [*w.section[:1], m.group(1)]
            w.heading(t, 2, block, f"{w.prefix()}sect{'.'.join(w.section).lower()}")
            continue
        m = _NUMBERED.match(t)
        if m:
            n = m.group(1)
            w.current, w.in_summary = n, False
            p = Passage(f"{w.prefix()}p{n}", "paragraph", n, [], "")
            p.citation = citation(cite_base, "paragraph", n, where=w.where())
            w.add(p, block, block.text[block.text.index(".") + 1 :])
            continue
        m = _SUBPARA.match(t)
        if m:
            letter = m.group(1)
            num = f"{w.current}({letter})" if w.current else f"({letter})"
            local = f"p{w.current}{letter}" if w.current else f"sub{letter}"
            p = Passage(f"{w.prefix()}{local}", "subparagraph", num, [], "")
            p.citation = citation(cite_base, "subparagraph", num, where=w.where())
            w.add(p, block, block.text[block.text.index(")") + 1 :])
            continue
        if _headline(t) and not w.in_summary and block.text.count("\n") < 2:
            section_n += 1
            level = 3 if w.section else (2 if w.annex else 1)
            w.heading(t, level, block, f"{w.prefix()}h{section_n}")
            continue
        m = _STARRED.match(t)
        if m:
            doc.meta.setdefault("starred_notes", []).append(m.group(1))
            continue
        if w.in_summary:
            w.summary_n += 1
        else:
            w.unnumbered += 1
        where = (
            "summary"
            if w.in_summary
            else f"unnumbered para. after para. {w.current}"
            if w.current
            else (f"sect. {'.'.join(w.section)}" if w.section else "")
        )
        if w.annex and not w.in_summary:
            where = f"{w.annex}, {where}" if where else w.annex
        local = f"summary.p{w.summary_n}" if w.in_summary else f"{w.prefix()}x{w.unnumbered}"
        p = Passage(local, "paragraph", None, [], "")
        p.citation = citation(cite_base, "paragraph", None, where=where)
        w.add(p, block, block.text)
    for p in w.order:
        raw = join_pieces([seg.text for seg in w.pieces[id(p)]], vocabulary)
        p.text, p.markup = parse_inline(raw)
        p.footnotes = sorted({int(m.attrs["number"]) for m in p.markup if m.kind == "fnref"})
    _number_lone_paragraphs(w.order, cite_base)
    doc.passages.extend(w.order)
    collect_footnotes(footnote_blocks, doc, cite_base)


def _next_letter(section: list[str], label: str) -> bool:
    """Return True when ``label`` ("I") follows the current lettered heading ("H. …")."""
    return len(section) == 2 and len(label) == 1 and ord(label) == ord(section[1]) + 1


def _is_contents(text: str) -> bool:
    """Return True for a table of contents: "Contents", "Page", and entries with dot leaders."""
    lines = [normalize_space(ln.text) for ln in split_lines(text)]
    if not lines:
        return False
    if all(t.lower() in ("contents", "page") for t in lines):
        return True
    leaders = sum(1 for t in lines if _LEADER.search(t))
    rest = [t for t in lines if not _LEADER.search(t) and t.lower() not in ("contents", "page")]
    return leaders > 0 and not rest


def _number_lone_paragraphs(passages: list[Passage], cite_base: str) -> None:
    """Tell apart several unnumbered paragraphs that would all be cited by the bare symbol."""
    bare = [p for p in passages if p.citation == cite_base]
    if len(bare) > 1:
        for i, p in enumerate(bare, start=1):
            p.citation = citation(cite_base, "paragraph", None, where=f"unnumbered para. {i}")


def _headline(t: str) -> bool:
    return (
        _is_heading_text(t)
        and len(t.split()) <= 20
        and not _NUMBERED.match(t)
        and not _SUBPARA.match(t)
    )


def parse_report(text: str, *, title: str | None = None) -> ParsedDocument:
    """Parse a report or another document of numbered paragraphs under headings.

    Args:
        text: The whole source text.
        title: A title known from elsewhere, used when the text states none.

    Returns:
        The parsed document, kind ``"report"`` when the header says "Report of …"
        (else ``"document"``); ``meta`` has ``symbol``, ``distribution_date``,
        ``session``, ``agenda_item``, ``issuing_body`` where the header gives them.
    """
    symbols = header_symbols(text)
    text = superscript_footnotes(text, symbols)  # same length: spans still point into the source
    blocks = content_blocks(text, symbols, BLOCK_START, _HEADING_LINE)
    meta: dict[str, object] = {}
    if symbols:
        meta["symbol"] = symbols[0]
    start, found_title, kind = _read_report_header(blocks, meta)
    doc_title = found_title or title
    doc = ParsedDocument(kind=kind, title=doc_title, meta=meta)
    cite_base = str(meta.get("symbol") or doc_title or "Document")
    parse_body(text, blocks[start:], doc, cite_base, word_forms(text))
    return doc


def _read_report_header(
    blocks: list[Block], meta: dict[str, object]
) -> tuple[int, str | None, str]:
    """Read the header (before the summary or the first section); return where the body starts."""
    lines: list[str] = []
    block_of: list[int] = []
    start = 0
    for i, b in enumerate(blocks):
        t = normalize_space(b.text)
        if (
            _SUMMARY.match(t)
            or _ANNEX.match(t)
            or _NUMBERED.match(t)
            or (_ROMAN.match(t) and _is_heading_text(_ROMAN.match(t).group(2)))
        ):
            start = i
            break
        for line in header_lines(b.text):
            lines.append(line)
            block_of.append(i)
        start = i + 1
    title: str | None = None
    kind = "document"
    candidates: list[tuple[int, str]] = []
    for i, t in enumerate(lines):
        low = t.lower()
        if low.startswith("distr."):
            d = find_date(t) or (find_date(lines[i + 1]) if i + 1 < len(lines) else None)
            if d:
                meta["distribution_date"] = d.isoformat()
            continue
        m = _SESSION.match(t)
        if m and ordinal_words_to_int(m.group(1)):
            meta["session"] = ordinal_words_to_int(m.group(1))
            continue
        m = _AGENDA.match(t)
        if m:
            meta["agenda_item"] = m.group(1).strip().rstrip("*").strip()
            continue
        m = _REPORT_OF.match(t)
        if m:
            kind = "report" if low.startswith(("report", "annual", "interim", "final")) else kind
            body = m.group(1).strip()
            meta["issuing_body"] = body[:1].upper() + body[1:]
            if " on " in low and not candidates:
                candidates.append((block_of[i], t))
            break
        if (
            _is_heading_text(t)
            and not find_date(t)
            and low not in ("united nations", "general assembly", "security council")
            and not low.startswith(("original:", "english", "distr"))
            and not t.startswith(("*", "["))
            and not re.fullmatch(SYMBOL, t)
        ):
            candidates.append((block_of[i], t))
        elif t in ("General Assembly", "Security Council", "Economic and Social Council"):
            meta.setdefault("organ", t)
    if candidates:
        last_block = candidates[-1][0]
        title = parse_inline(" ".join(t for b, t in candidates if b == last_block))[0]
    d = next((find_date(t) for t in lines if t.lower().startswith("distr.")), None)
    if d and "date" not in meta:
        meta["date"] = d.isoformat()
    if "date" not in meta and "distribution_date" in meta:
        meta["date"] = meta["distribution_date"]
    return start, title, kind


def parse_decision(text: str) -> ParsedDocument:
    """Parse a General Assembly decision ("77/512. Title", "Decision adopted by …").

    Returns:
        The parsed document of kind ``"decision"``; ``meta`` has ``symbol``
        (``A/DEC/77/512``), ``decision_number``, ``date``, ``plenary_meeting``.
    """
    symbols = header_symbols(text)
    text = superscript_footnotes(text, symbols)  # same length: spans still point into the source
    blocks = content_blocks(text, symbols, BLOCK_START)
    meta: dict[str, object] = {}
    start = len(blocks)
    header: list[list[str]] = []
    for i, b in enumerate(blocks):
        t = normalize_space(b.text)
        header.append(header_lines(b.text))
        if re.match(r"^\d{1,4}/\d{1,4}\.\s", t):
            start = i + 1
            break
    title = read_header(header, meta)
    if "resolution_number" in meta:
        meta["decision_number"] = meta.pop("resolution_number")
    body = str(meta.get("issuing_body") or "General Assembly")
    prefix = {"security council": "S", "economic and social council": "E"}.get(body.lower(), "A")
    symbol = f"{prefix}/DEC/{meta['decision_number']}" if "decision_number" in meta else None
    if symbol:
        meta["symbol"] = symbol
    doc = ParsedDocument(kind="decision", title=title, meta=meta)
    if start < len(blocks):
        m = _DECIDED.match(normalize_space(blocks[start].text))
        if m:
            meta["plenary_meeting"] = m.group(1)
            d = find_date(m.group(2))
            if d:
                meta.setdefault("date", d.isoformat())
    parse_body(text, blocks[start:], doc, symbol or title or "Decision", word_forms(text))
    return doc
