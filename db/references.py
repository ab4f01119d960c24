"""Shorthand references to resolutions and their paragraphs, as officers type them.

Pure functions over text; nothing here knows the store. Understood forms:

* Paragraphs: ``OP 19``, ``op19``, ``OP. 19``, ``operative para 19``, ``OP 17(a)``,
  ``OP 17 a``, ``op17a``, ``para. 17 (a)``, ``paragraph 17``, ``§ 17``, ``¶ 17``,
  ``PP 9``, ``pp9``, ``pp. 24``, ``preambular para 9``, ``preambular paragraph 9``,
  ``fn 2``, ``footnote 2``, ``note 2``; ranges and lists: ``OP 17(a)-(c)``, ``17(a)–17(c)``,
  ``paras 6 and 7``, ``OP 6, 7``, ``paras 6-8``, ``paragraphs 6 to 8``, ``17(a), (c)``.
  "para."/"paragraph" alone means an operative paragraph, as in a resolution's own
  cross-references.
* Without a keyword, only in a query that is nothing but a reference: ``17(a)``,
  ``77/20 17(a)``, ``77/20 17``.
* Symbols: ``77/20``, ``A/RES/77/20``, ``res 77/20``, ``resolution 77/20``,
  ``E/RES/2019/19``, ``S/RES/1950 (2010)``.

Digits inside words, symbols and dates are never a reference: ``COVID-19``, ``I-24/7``,
``A/60/88/Corr.2``, ``A/CONF.192/15``, ``17 December``, ``19th``.

:func:`find_paragraph_refs` and :func:`find_symbols` find every reference in a text with
its span (for recognising references inside documents); :func:`parse_query` reads a whole
query. None of them raises on any input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: The parts of a resolution a paragraph reference can point into.
PARTS = ("operative", "preambular", "footnote")
#: A range never expands to more than this many paragraphs or letters.
MAX_RANGE = 40

#: How a sentence names one paragraph of each part ("operative paragraph 17").
PART_LABELS = {
    "operative": "operative paragraph",
    "preambular": "preambular paragraph",
    "footnote": "footnote",
}
_MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|"
    "july|august|september|october|november|december"
)
# A keyword, then the number: longest alternatives first. "op", "pp", "fn" may touch the
# number ("op19"); a word never starts inside another word ("stop 5", "app 3").
_KEYWORD = re.compile(
    r"(?ix)(?<![\w/.\-])"
    r"(?:"
    r"(?P<pre>preambular\s+(?:paragraphs?|paras?|pars?)\.?|preambular|"
    r"preamble\s+(?:paragraphs?|paras?)\.?|preamble|pps?\.?|p\.\s?p\.)"
    r"|(?P<op>operative\s+(?:paragraphs?|paras?|pars?)\.?|operative|ops?\.?|o\.\s?p\.)"
    r"|(?P<fn>footnotes?|fns?\.?|notes?)"
    r"|(?P<para>paragraphs?|paras?\.?|pars?\.|§§?|¶¶?)"
    r")"
    r"\s*(?:nos?\.?\s*)?(?=\d)"
)
_NUMBER = re.compile(r"(\d{1,3})(?![\d/]|[.:]\d)")
_PAREN_LETTER = re.compile(r"\s*\(\s*([a-zA-Z]{1,3})\s*\)")
_BARE_LETTER = re.compile(r"\s?([a-zA-Z])(?![^\W\d_])")
_AFTER_BARE_LETTER = re.compile(
    r"\s*(?:$|[,;:)\]\-–—]|(?:and|or|to|&)\s+\(?[a-zA-Z](?![^\W\d_]))", re.IGNORECASE
)
_RANGE_SEP = re.compile(r"\s*(?:-|–|—|to\b|through\b|thru\b)\s*", re.IGNORECASE)
_LIST_SEP = re.compile(r"\s*(?:,|;|&|\band\b|\bor\b)\s*(?:(?:and|or)\s+)?", re.IGNORECASE)
_DATE_AFTER = re.compile(rf"\s*(?:{_MONTHS})\b", re.IGNORECASE)
_WORD_AFTER = re.compile(r"[^\W\d_]")
_BARE_PAREN = re.compile(r"(?<![\w/.\-])(?=\d{1,3}\s?\(\s*[a-zA-Z]{1,3}\s*\))")
_BARE_NUMBER = re.compile(r"(?<![\w/.\-])(?=\d{1,3}(?![\d/]|[.:]\d))")

_SYMBOL = re.compile(
    r"(?ix)(?<![\w/.\-])"
    r"(?:"
    r"(?P<scprefix>S)\s*/\s*RES\s*/\s*(?P<sc>\d{1,4})\s*\(\s*(?P<year>\d{4})\s*\)"
    r"|(?:(?P<prefix>[AE](?:/HRC)?|S)\s*/\s*RES\s*/\s*)?(?P<num>\d{1,4}/\d{1,4})(?![\w/]|\.\d)"
    r")"
)
#: Words that may stand around a reference without being something to search for.
FILLERS = frozenset(
    "of the in resolution resolutions res ga unga general assembly see a an its at"
    " document doc".split()
)
_FILLER_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True)
class ParagraphRef:
    """One paragraph (or lettered sub-paragraph) a reference points to.

    Attributes:
        part: One of :data:`PARTS`.
        number: The paragraph or footnote number.
        letter: The sub-paragraph letter (``"a"``), or None for the whole paragraph.
    """

    part: str
    number: int
    letter: str | None = None

    @property
    def printed(self) -> str:
        """The number as printed: ``17(a)``."""
        return f"{self.number}({self.letter})" if self.letter else str(self.number)

    def label(self) -> str:
        """Return how a sentence names it: ``operative paragraph 17(a)``, ``footnote 2``."""
        return f"{PART_LABELS[self.part]} {self.printed}"


@dataclass(frozen=True)
class ReferenceMatch:
    """Paragraph references found at one place of a text."""

    start: int
    end: int
    refs: tuple[ParagraphRef, ...]
    #: True when a keyword named the part ("OP", "para.", "PP", "fn").
    explicit: bool = True


@dataclass(frozen=True)
class SymbolMatch:
    """A resolution symbol found in a text.

    Attributes:
        start: Where it starts.
        end: Where it ends.
        symbol: As normalised: ``A/RES/77/20`` when typed with its prefix, else ``77/20``;
            ``S/RES/1950 (2010)``.
        number: The number alone: ``77/20``, ``1950 (2010)``.
    """

    start: int
    end: int
    symbol: str
    number: str


@dataclass(frozen=True)
class QueryReference:
    """What a query says about resolutions and their paragraphs.

    Attributes:
        symbol: The resolution named, if any.
        refs: The paragraphs named, in the order typed (ranges expanded).
        rest: The query without the reference, its fillers removed ("" when nothing else).
    """

    symbol: SymbolMatch | None
    refs: tuple[ParagraphRef, ...]
    rest: str


def find_symbols(text: str) -> list[SymbolMatch]:
    """Return every resolution symbol in ``text``, in order (never raises)."""
    out: list[SymbolMatch] = []
    for m in _SYMBOL.finditer(text):
        if m.group("sc"):
            number = f"{m.group('sc')} ({m.group('year')})"
            out.append(SymbolMatch(m.start(), m.end(), f"S/RES/{number}", number))
            continue
        number = m.group("num")
        prefix = m.group("prefix")
        symbol = f"{prefix.upper()}/RES/{number}" if prefix else number
        out.append(SymbolMatch(m.start(), m.end(), symbol, number))
    return out


def find_paragraph_refs(text: str) -> list[ReferenceMatch]:
    """Return every paragraph reference introduced by a keyword, in order (never raises)."""
    out: list[ReferenceMatch] = []
    pos = 0
    while True:
        m = _KEYWORD.search(text, pos)
        if m is None:
            return out
        part = "preambular" if m.group("pre") else "footnote" if m.group("fn") else "operative"
        refs, end = _scan_items(text, m.end(), part)
        if refs:
            out.append(ReferenceMatch(m.start(), end, tuple(refs)))
            pos = end
        else:
            pos = m.end()


def parse_query(text: str) -> QueryReference | None:
    """Read the resolution and paragraph references of a query.

    A number without a keyword (``17(a)``, or ``17`` after a symbol) is a reference only
    when the query holds nothing else but fillers ("resolution", "of").

    Returns:
        The reference, or None when the query names no symbol and no paragraph.
    """
    symbols = find_symbols(text)
    symbol = symbols[0] if symbols else None
    matches = find_paragraph_refs(text)
    spans = [(m.start, m.end) for m in matches]
    if symbol:
        spans.append((symbol.start, symbol.end))
    rest = _remove(text, spans)
    if not matches:
        bare, end_rest = _bare(rest, allow_plain=symbol is not None)
        if bare:
            matches = [bare]
            rest = end_rest
    if symbol is None and not matches:
        return None
    refs = tuple(r for m in matches for r in m.refs)
    return QueryReference(symbol, refs, "" if _only_fillers(rest) else " ".join(rest.split()))


def _bare(rest: str, *, allow_plain: bool) -> tuple[ReferenceMatch | None, str]:
    """Read a keyword-less reference (``17(a)``; ``17`` too after a symbol) from a short rest."""
    for finder in (_BARE_PAREN, *((_BARE_NUMBER,) if allow_plain else ())):
        m = finder.search(rest)
        if m is None:
            continue
        refs, end = _scan_items(rest, m.start(), "operative")
        remaining = rest[: m.start()] + " " + rest[end:]
        if refs and _only_fillers(remaining):
            return ReferenceMatch(m.start(), end, tuple(refs), explicit=False), remaining
    return None, rest


def _only_fillers(text: str) -> bool:
    return all(w.lower() in FILLERS for w in _FILLER_TOKEN.findall(text))


def _remove(text: str, spans: list[tuple[int, int]]) -> str:
    out, pos = [], 0
    for s, e in sorted(spans):
        if s < pos:
            continue
        out.append(text[pos:s])
        pos = e
    out.append(text[pos:])
    return " ".join("".join(out).split())


def _scan_items(text: str, pos: int, part: str) -> tuple[list[ParagraphRef], int]:
    """Read ``17(a)-(c), 18 and 19`` from ``pos``; return the references and where they end."""
    item = _scan_one(text, pos)
    if item is None:
        return [], pos
    number, letters, end = item
    refs = _expand(part, number, letters)
    while True:
        sep = _RANGE_SEP.match(text, end)
        if sep:
            # "17(a)-(c)", "17a-c": a range of letters; "6-8", "17(a)-17(c)": of paragraphs.
            more = _scan_letters(text, sep.end()) if letters else None
            if more:
                last, stop = more
                refs[-1:] = _expand(part, number, _letter_range(letters[-1], last[0]))
                letters, end = last, stop
                continue
            nxt = _scan_one(text, sep.end())
            if nxt is None:
                break
            n2, l2, stop = nxt
            if n2 == number and letters and l2:
                refs[-1:] = _expand(part, number, _letter_range(letters[-1], l2[0]))
            elif not letters and not l2 and number < n2 <= number + MAX_RANGE:
                refs.extend(ParagraphRef(part, n) for n in range(number + 1, n2 + 1))
            else:
                break
            number, letters, end = n2, l2, stop
            continue
        sep = _LIST_SEP.match(text, end)
        if sep is None:
            break
        more = _scan_letters(text, sep.end()) if letters else None
        if more:
            letters, end = more
            refs.extend(_expand(part, number, letters))
            continue
        nxt = _scan_one(text, sep.end())
        if nxt is None:
            break
        number, letters, end = nxt
        refs.extend(_expand(part, number, letters))
    return refs, end


def _scan_one(text: str, pos: int) -> tuple[int, list[str], int] | None:
    """Read one ``17``, ``17(a)``, ``17 (a)``, ``17a`` at ``pos`` (spaces allowed before)."""
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    m = _NUMBER.match(text, pos)
    if m is None:
        return None
    end = m.end()
    if _DATE_AFTER.match(text, end):
        return None
    letters: list[str] = []
    paren = _PAREN_LETTER.match(text, end)
    if paren:
        letters = [paren.group(1).lower()]
        end = paren.end()
    else:
        bare = _BARE_LETTER.match(text, end)
        touching = bare is not None and bare.group(0)[0] != " "
        if bare and (touching or _AFTER_BARE_LETTER.match(text, bare.end())):
            letters = [bare.group(1).lower()]
            end = bare.end()
        elif _WORD_AFTER.match(text, end):
            return None  # "19th", "3rd"
    number = int(m.group(1))
    if number == 0:
        return None
    return number, letters, end


def _scan_letters(text: str, pos: int) -> tuple[list[str], int] | None:
    """Read a letter that continues a list or range: ``(c)``, ``c``."""
    m = _PAREN_LETTER.match(text, pos)
    if m:
        return [m.group(1).lower()], m.end()
    m = _BARE_LETTER.match(text, pos)
    if m and m.group(0)[0] != " " and _AFTER_BARE_LETTER.match(text, m.end()):
        return [m.group(1).lower()], m.end()
    return None


def _letter_range(first: str, last: str) -> list[str]:
    if len(first) == 1 and len(last) == 1 and first <= last <= chr(ord(first) + MAX_RANGE):
        return [chr(c) for c in range(ord(first), ord(last) + 1)]
    return [first, last]


def _expand(part: str, number: int, letters: list[str]) -> list[ParagraphRef]:
    if not letters:
        return [ParagraphRef(part, number)]
    return [ParagraphRef(part, number, letter) for letter in letters]
