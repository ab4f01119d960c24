"""The printed page of a UN document: running headers and footers, hyphenation, closing lines.

A UN document converted from its PDF (by us or by another tool) carries the
furniture of every printed page between its paragraphs: the symbol and the page
number (``A/RES/99/7<TAB>2/2``, ``2/5``), the job number (``22-26789 (E)``), the
barcode (``*2226789*``) and "Please recycle". None of it is content. This module
recognises such lines by their shape, splits a text into blocks with them left
out (spans still point into the source), re-joins words hyphenated across lines,
and reads the closing lines of a resolution ("39th plenary meeting / 21 November
2022", "Adopted by the Security Council at its 7272nd meeting, on 24 September
2014") as the document's metadata.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from db.parse.text import Block, find_date, parse_inline

#: A UN document symbol: ``A/RES/77/20``, ``S/RES/2178 (2014)``, ``A/77/150``,
#: ``A/HRC/51/10/Add.1``, ``S/2014/688``, ``A/DEC/77/512``.
SYMBOL = (
    r"(?:[ASE]|[A-Z]{2,6})(?:/[A-Z]{1,6}(?:\.\d+)?)*/\d{1,4}(?:/[A-Za-z0-9.]+)*"
    r"(?:\s\(\d{4}\))?"
)
_PAGE = re.compile(r"^(\d{1,3})/(\d{1,3})$")
_JOB = re.compile(r"^\d{2}-\d{5}(?:\s*\([A-Z]\))?(?:\s+\d{6})?$")
_BARCODE = re.compile(r"^\*\d{6,9}\*$")
_RECYCLE = re.compile(r"^(?:♲\s*)?please\s+recycle(?:\s*♲)?$", re.IGNORECASE)
# One line may combine pieces: "2/5 22-26789", "22-26789 (E) 251122 *2226789*".
_PIECE = re.compile(
    rf"{SYMBOL}|\d{{1,3}}/\d{{1,3}}|\d{{2}}-\d{{5}}(?:\s*\([A-Z]\))?|\d{{6}}|\*\d{{6,9}}\*|"
    r"(?:♲\s*)?please\s+recycle(?:\s*♲)?",
    re.IGNORECASE,
)
_CLOSING_MEETING = re.compile(
    r"^\*?\s*(\d{1,4}(?:st|nd|rd|th)\s+(?:plenary\s+)?meeting)\b[\s*]*(.*?)\*?$",
    re.IGNORECASE | re.DOTALL,
)
_ADOPTED_AT = re.compile(
    r"^\*?\s*adopted\s+by\s+the\s+(security council|general assembly|economic and social council|"
    r"human rights council)\s+at\s+its\s+(\d{1,5}(?:st|nd|rd|th)\s+(?:plenary\s+)?meeting)"
    r",?\s+(?:held\s+)?on\s+(.+?)\.?\*?$",
    re.IGNORECASE | re.DOTALL,
)

_BODIES = r"(?:general assembly|security council|economic and social council|human rights council)"
#: Lines that stand alone on a UN document's page (headings and header lines): never joined
#: with the lines around them when a PDF page's lines are put back into paragraphs.
STANDALONE_LINE = re.compile(
    r"^(?:(?:[IVXL]{1,6}|[A-Z])\.\s+[A-Z][^.;:]{0,150}|summary|abstract"
    r"|(?:annex|appendix|enclosure)(?:\s+(?:[IVXL]{1,6}|\d{1,2}))?"
    r"|(?:resolution|decision)\s+adopted\s+by\s+the\s+.{3,80}"
    r"|adopted\s+by\s+the\s+.{3,60}\s+meeting,?\s+on\s+.{6,30}"
    r"|distr\.:.{0,40}|original:.{0,40}|resolution\s+\d{1,5}\s+\(\d{4}\)"
    r"|(?:agenda\s+)?items?\s+\d[^.;:]{0,60}"
    rf"|the\s+{_BODIES}\s*,|[a-z]+(?:-[a-z]+)?\s+session)$",
    re.IGNORECASE,
)
#: Lines that begin a block of a UN document but may run on: a title line ("99/7. …"),
#: a bracketed note, "Report of the …", the closing lines.
BLOCK_LINE = re.compile(
    r"^(?:\d{1,4}/\d{1,4}\.\s|\[|(?:report|note)\s+(?:of|by)\s+the\s"
    r"|\*?\d{1,4}(?:st|nd|rd|th)\s+(?:plenary\s+)?meeting\b)",
    re.IGNORECASE,
)

#: First parts of compounds that keep their hyphen when a line break falls after it.
_COMPOUND_HEADS = frozenset(
    """non co self counter anti cross well long short high low multi semi post pre
    twenty thirty forty fifty sixty seventy eighty ninety ex vice quasi follow
    cyber socio know""".split()
)
_HYPHEN_BREAK = re.compile(r"(?<=[A-Za-z])-[ \t]*\n[ \t\f]*(?=[A-Za-z])")
_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")


def is_furniture(line: str, symbols: Iterable[str] = ()) -> bool:
    """Return True when a line is page furniture, not content.

    A line is furniture when it is made only of page numbers (``2/5``), job numbers
    (``22-26789 (E)``, ``251122``), barcodes (``*2226789*``), document symbols and
    "Please recycle"; or when it starts with one of the document's own ``symbols``
    followed by its running title (a short line without closing punctuation), or
    ends with it after the running title and a column gap (a tab or spaces).

    Args:
        line: One line of text, stripped or not.
        symbols: The document's own symbols, when known.
    """
    t = line.strip().strip("\f").strip()
    if not t or len(t) > 200:
        return False
    page = _PAGE.match(t)
    if page:
        return 0 < int(page.group(1)) <= int(page.group(2))
    if _JOB.match(t) or _BARCODE.match(t) or _RECYCLE.match(t):
        return True
    if len(t) <= 80 and not _PIECE.sub("", t).strip():
        if any(not _is_year_only(p) for p in _PIECE.findall(t)):
            return _pages_ok(t)
    for symbol in symbols:
        if not symbol or t == symbol:
            continue
        if t.startswith(symbol):
            tail = t[len(symbol) :]
            if tail[:1] in " \t" and not tail.rstrip().endswith((".", ";", ",", ":")):
                return True
        elif t.endswith(symbol):
            # An odd page's header: the running title, a column gap, the symbol.
            head = t[: -len(symbol)]
            if re.search(r"(?:\t|\s{2,})$", head) and t[:1].isalpha() and t[:1].isupper():
                return not head.rstrip().endswith((".", ";", ",", ":"))
    return False


def _is_year_only(piece: str) -> bool:
    return bool(re.fullmatch(r"\d{6}", piece))


def _pages_ok(t: str) -> bool:
    for m in re.finditer(r"(?<![\w/])(\d{1,3})/(\d{1,3})(?![\w/])", t):
        if not 0 < int(m.group(1)) <= int(m.group(2)):
            return False
    return True


def content_blocks(
    text: str,
    symbols: Iterable[str] = (),
    starts: re.Pattern[str] | None = None,
    alone: re.Pattern[str] | None = None,
) -> list[Block]:
    """Split text into blocks at blank lines and at lines of page furniture.

    Furniture lines are left out; a paragraph that a running header cut in two
    becomes two blocks, which the parsers join again as they do at page breaks.
    A line matching ``starts`` (a paragraph number, a lettered sub-paragraph on a
    line of its own) begins a block even without a blank line before it, a line
    matching ``alone`` (a heading) is a block of its own; a text with no blank
    line at all has one block per line.

    Args:
        text: The source text.
        symbols: The document's own symbols, for running headers that repeat them.
        starts: What a line that begins a new block looks like.
        alone: What a line that is a block by itself looks like.

    Returns:
        Blocks with spans into ``text``.
    """
    symbols = tuple(symbols)
    every_line = "\n\n" not in text.strip().replace("\r", "") and text.count("\n") > 3
    out: list[Block] = []
    first: Block | None = None
    last: Block | None = None
    pos = 0
    for raw in text.split("\n"):
        s, e = pos, pos + len(raw)
        pos = e + 1
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e <= s or is_furniture(text[s:e], symbols):
            if first is not None and last is not None:
                out.append(Block(first.start, last.end, text[first.start : last.end]))
            first = last = None
            continue
        line = Block(s, e, text[s:e])
        single = alone is not None and bool(alone.match(line.text))
        if (
            first is not None
            and last is not None
            and (every_line or single or (starts is not None and starts.match(line.text)))
        ):
            out.append(Block(first.start, last.end, text[first.start : last.end]))
            first = None
        if single:
            out.append(line)
            first = last = None
            continue
        first = first or line
        last = line
    if first is not None and last is not None:
        out.append(Block(first.start, last.end, text[first.start : last.end]))
    return out


def word_forms(text: str) -> set[str]:
    """Return the lowercase words of a text, hyphenated compounds included, for :func:`rejoin`."""
    return {w.lower() for w in _WORD.findall(text)}


def keeps_hyphen(head: str, tail: str, vocabulary: set[str] | None = None) -> bool:
    """Decide whether ``head-`` at a line end and ``tail`` on the next line form a compound.

    The document itself decides where it can: a compound printed whole elsewhere
    ("inter-agency") keeps its hyphen, a word printed whole elsewhere
    ("international") loses it. Otherwise known compound heads ("counter-",
    "seventy-") keep it, and everything else is a word the typesetter broke.

    Args:
        head: The letters before the hyphen (the last word of the line).
        tail: The letters after the break (the first word of the next line).
        vocabulary: The document's words, from :func:`word_forms`.
    """
    h, t = head.lower(), tail.lower()
    if vocabulary:
        if f"{h}-{t}" in vocabulary:
            return True
        if f"{h}{t}" in vocabulary:
            return False
    return h in _COMPOUND_HEADS or not tail[:1].islower()


def rejoin(raw: str, vocabulary: set[str] | None = None) -> str:
    """Re-join words hyphenated across line breaks in ``raw`` (one passage's text).

    Only a hyphen right after a letter at a line's end, before a letter on the
    next line, counts; a kept compound ("Secretary-General", "counter-terrorism")
    loses the line break, a broken word ("inter-national") loses the hyphen too.
    """

    def fix(m: re.Match[str]) -> str:
        head = _WORD.findall(raw[: m.start()][-40:] or " ")
        tail = _WORD.match(raw, m.end())
        h = head[-1].rsplit("-", 1)[-1] if head else ""
        t = tail.group(0).split("-", 1)[0] if tail else ""
        return "-" if keeps_hyphen(h, t, vocabulary) else ""

    return _HYPHEN_BREAK.sub(fix, raw)


def join_pieces(pieces: list[str], vocabulary: set[str] | None = None) -> str:
    """Join the pieces of one passage (a paragraph cut by a page break) as one text."""
    return rejoin("\n".join(pieces), vocabulary)


def read_closing(text: str) -> dict[str, str] | None:
    """Read a resolution's closing lines as metadata, or return None if ``text`` is not one.

    Recognised: "39th plenary meeting / 21 November 2022" (italic or not) and
    "Adopted by the Security Council at its 7272nd meeting, on 24 September 2014".

    Returns:
        ``meeting`` (as printed), ``date`` (ISO) when stated, and ``body`` for the
        "Adopted by …" form.
    """
    clean = parse_inline(text.strip())[0].strip("* ")
    m = _ADOPTED_AT.match(clean)
    if m:
        out = {"meeting": m.group(2), "body": m.group(1)}
        d = find_date(m.group(3))
        if d:
            out["date"] = d.isoformat()
        return out
    m = _CLOSING_MEETING.match(clean)
    if m and len(clean) < 80:
        rest = m.group(2).strip(" *,")
        d = find_date(rest)
        if rest and not d:
            return None
        out = {"meeting": m.group(1)}
        if d:
            out["date"] = d.isoformat()
        return out
    return None


#: A line that starts a footnote printed at a page's foot: "1 Text" or "* Text" (a date
#: such as "5 December 2044" does not).
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
NOTE_START = re.compile(rf"^(?:(\d{{1,2}})\s+(?!(?:{_MONTHS})\b)(?=[A-Z*\[“\"])|\*{{1,3}}\s+\S)")
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_MAX_NOTE_LINES = 40


def _marker(number: str) -> re.Pattern[str]:
    """A footnote marker printed as plain digits right after a word or punctuation."""
    return re.compile(rf"(?<=[A-Za-z,.;:)\]”’]){number}(?=[\s,.;:]|$)")


def footnote_zone(lines: list[str]) -> int:
    """Return how many of a page's last content lines are its footnotes (0 if none).

    The footnotes are the page's last lines, from a line "1 Text" (or "* Text") on;
    their numbers follow each other and each is a marker in the text above them. A
    line that starts no footnote continues the one before it. Only a page's last
    forty lines are looked at.

    Args:
        lines: The page's lines of content, running header and footer left out.
    """
    for start in range(max(1, len(lines) - _MAX_NOTE_LINES), len(lines)):
        if not NOTE_START.match(lines[start]):
            continue
        body = "\n".join(lines[:start])
        numbers = [m.group(1) for m in map(NOTE_START.match, lines[start:]) if m]
        digits = [int(n) for n in numbers if n]
        if digits and digits != list(range(digits[0], digits[0] + len(digits))):
            continue
        if all(_marker(str(n)).search(body) for n in digits) and (digits or "*" in body):
            return len(lines) - start
    return 0


def superscript_footnotes(text: str, symbols: Iterable[str] = ()) -> str:
    """Return ``text`` with plain-digit footnotes at each page's foot read as superscripts.

    A text converted from a PDF by another tool prints a page's footnotes at its foot
    as "1 Text" and their markers as plain digits ("INTERPOL,1 and"). Pages end at
    the running footer (or the end of the text). The footnotes' numbers, and the same
    numbers right after a word in that page's text, become superscript digits, so the
    parsers link them as they do in a text converted with its superscripts. The
    result has the same length as ``text``, character for character, so spans found
    in it point into ``text``.

    Args:
        text: The source text.
        symbols: The document's own symbols, for its running headers.
    """
    symbols = tuple(symbols)
    chars = list(text)
    page: list[tuple[int, str]] = []

    def close_page() -> None:
        notes = footnote_zone([t for _, t in page])
        if not notes:
            return
        zone = page[len(page) - notes :]
        numbers = {m.group(1) for m in (NOTE_START.match(t) for _, t in zone) if m and m.group(1)}
        for start, t in zone:
            m = NOTE_START.match(t)
            if m and m.group(1):
                chars[start : start + len(m.group(1))] = m.group(1).translate(_SUPERSCRIPT)
        for start, t in page[: len(page) - notes]:
            for number in numbers:
                for m in _marker(number).finditer(t):
                    s = start + m.start()
                    chars[s : s + len(number)] = number.translate(_SUPERSCRIPT)

    pos = 0
    for raw in text.split("\n"):
        s = pos
        pos += len(raw) + 1
        stripped = raw.strip()
        if not stripped:
            continue
        s += len(raw) - len(raw.lstrip())
        if is_furniture(stripped, symbols):
            if page:
                close_page()
            page = []
            continue
        page.append((s, stripped))
    if page:
        close_page()
    return "".join(chars)
