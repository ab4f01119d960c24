"""Text helpers shared by the parsers: blocks, lines, inline markup, dates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from db.parse.model import Markup

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPER_TO_INT = {c: i for i, c in enumerate(SUPERSCRIPT_DIGITS)}

#: Characters that end a sentence or a clause, so a line ending with one is not a heading.
TERMINAL = ".!?:;,…"
_CLOSERS = "”’\"')]"

_WS = re.compile(r"[\s\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+")
_EM = re.compile(r"(?<![*\w])\*(?=[^\s*])([^*]+?)(?<=[^\s*])\*(?![*\w])")
_STRONG = re.compile(r"\*\*(?=\S)([^*]+?)(?<=\S)\*\*")
_LINK = re.compile(r"\[([^\[\]\n]+)\]\(([^()\s]*)\)")
_SUPER = re.compile(f"[{SUPERSCRIPT_DIGITS}]+")
_HAS_INLINE = re.compile(f"[*\\[{SUPERSCRIPT_DIGITS}]")

MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
_DATE = re.compile(r"\b(\d{1,2})\s+(" + "|".join(MONTHS) + r")\s+(\d{4})\b", re.IGNORECASE)


@dataclass
class Block:
    """A run of text in the source with its character span."""

    start: int
    end: int
    text: str


def superscript_to_int(marker: str) -> int:
    """Return the number written in superscript digits (``"¹²"`` → 12)."""
    value = 0
    for ch in marker:
        value = value * 10 + _SUPER_TO_INT[ch]
    return value


def normalize_space(text: str) -> str:
    """Collapse every run of white space (including no-break spaces) to one space."""
    return _WS.sub(" ", text).strip()


#: A title longer than this is cut (at a word) and ends with "…": it is copied into citations.
MAX_TITLE_CHARS = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def short_title(text: str | None, limit: int = MAX_TITLE_CHARS) -> str | None:
    """Return a title fit for one line and a citation: no control characters, bounded length.

    Newlines, tabs and other control characters become spaces, runs of white
    space collapse, and a title over ``limit`` characters is cut at the last word
    that fits, with "…". Empty or blank input gives None.
    """
    if not text:
        return None
    title = normalize_space(_CONTROL.sub(" ", text[: limit * 4]))
    if len(title) > limit:
        cut = title[: limit - 1]
        space = cut.rfind(" ")
        title = (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:.") + "…"
    return title or None


def split_lines(text: str, start: int = 0, end: int | None = None) -> list[Block]:
    """Return the non-blank lines of ``text[start:end]``, stripped, with their spans."""
    end = len(text) if end is None else end
    out: list[Block] = []
    for m in re.finditer(r"[^\n]+", text[start:end]):
        s, e = m.start() + start, m.end() + start
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append(Block(s, e, text[s:e]))
    return out


def split_blocks(text: str) -> list[Block]:
    """Split text into blocks separated by blank lines; lines inside a block stay together."""
    out: list[Block] = []
    current: list[Block] = []
    for line in _all_lines(text):
        if line is None:
            if current:
                out.append(_join(text, current))
                current = []
        else:
            current.append(line)
    if current:
        out.append(_join(text, current))
    return out


def _all_lines(text: str) -> list[Block | None]:
    lines: list[Block | None] = []
    pos = 0
    for raw in text.split("\n"):
        s, e = pos, pos + len(raw)
        pos = e + 1
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        lines.append(Block(s, e, text[s:e]) if e > s else None)
    return lines


def _join(text: str, lines: list[Block]) -> Block:
    return Block(lines[0].start, lines[-1].end, text[lines[0].start : lines[-1].end])


def ends_clause(text: str) -> bool:
    """Return True if ``text`` ends with sentence or clause punctuation."""
    t = text.rstrip().rstrip("*_")
    t = t.rstrip(_CLOSERS) if t and t[-1] in _CLOSERS and len(t) > 1 and t[-2] in TERMINAL else t
    t = _SUPER.sub("", t[-12:]) if t else t
    return bool(t) and t[-1] in TERMINAL


def parse_inline(raw: str) -> tuple[str, list[Markup]]:
    """Turn raw inline text into clean text plus markup.

    Markdown emphasis (``*x*``, ``**x**``) and links (``[60/288](#)``) become
    markup over their inner text; superscript footnote markers are removed from
    the text and kept as zero-width ``fnref`` markup; white space is collapsed.

    Args:
        raw: One passage's raw text (may span several source lines).

    Returns:
        The clean text and its markup, offsets into the clean text.
    """
    if not _HAS_INLINE.search(raw):
        # Plain text, the common case: only white space to collapse.
        return _WS.sub(" ", raw).strip(), []
    # Events: position in raw -> list of (action, payload)
    opens: dict[int, list[tuple[str, int, dict]]] = {}
    closes: dict[int, int] = {}
    skip: set[int] = set()
    spans: list[tuple[int, int, int, int, str, dict]] = []  # open_s, open_e, close_s, close_e
    for m in _LINK.finditer(raw):
        spans.append((m.start(), m.start(1), m.end(1), m.end(), "link", {"target": m.group(1)}))
    for m in _STRONG.finditer(raw):
        spans.append((m.start(), m.start(1), m.end(1), m.end(), "strong", {}))
    strong_chars = {i for s in spans if s[4] == "strong" for i in range(s[0], s[3])}
    for m in _EM.finditer(raw):
        if m.start() in strong_chars:
            continue
        spans.append((m.start(), m.start(1), m.end(1), m.end(), "em", {}))
    for idx, (os_, oe, cs, ce, kind, attrs) in enumerate(spans):
        skip.update(range(os_, oe))
        skip.update(range(cs, ce))
        opens.setdefault(oe, []).append((kind, idx, attrs))
        closes[idx] = cs
    close_at: dict[int, list[int]] = {}
    for idx, cs in closes.items():
        close_at.setdefault(cs, []).append(idx)

    out: list[str] = []
    length = 0
    started: dict[int, tuple[str, int, dict]] = {}
    markup: list[Markup] = []
    pending_space = False
    i = 0
    n = len(raw)

    def emit(ch: str) -> None:
        nonlocal length, pending_space
        if pending_space and length > 0:
            out.append(" ")
            length += 1
        pending_space = False
        out.append(ch)
        length += 1

    while i <= n:
        for idx in close_at.get(i, []):
            kind, start, attrs = started.pop(idx)
            markup.append(Markup(kind, start, length, dict(attrs)))
        for kind, idx, attrs in opens.get(i, []):
            start = length + (1 if pending_space and length > 0 else 0)
            started[idx] = (kind, start, attrs)
        if i == n:
            break
        if i in skip:
            i += 1
            continue
        ch = raw[i]
        if ch in _SUPER_TO_INT:
            j = i
            while j < n and raw[j] in _SUPER_TO_INT:
                j += 1
            marker = raw[i:j]
            markup.append(
                Markup(
                    "fnref",
                    length,
                    length,
                    {"marker": marker, "number": superscript_to_int(marker)},
                )
            )
            i = j
            continue
        if _WS.match(ch):
            pending_space = True
            i += 1
            continue
        emit(ch)
        i += 1
    text = "".join(out)
    # Spans opened after a pending space that was never emitted (trailing) are clamped.
    for mk in markup:
        mk.start = min(mk.start, len(text))
        mk.end = min(max(mk.end, mk.start), len(text))
    markup.sort(key=lambda m: (m.start, m.end))
    return text, markup


def strip_markup(raw: str) -> str:
    """Return only the clean text of :func:`parse_inline`."""
    return parse_inline(raw)[0]


def find_date(text: str) -> date | None:
    """Return the first date written like "21 November 2022" in ``text``."""
    m = _DATE.search(text)
    if not m:
        return None
    try:
        return date(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))
    except ValueError:
        return None


_ORDINAL_UNITS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9,
}  # fmt: skip
_ORDINAL_TEENS = {
    "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_TENS_ORD = {k[:-1] + "ieth": v for k, v in _TENS.items()}


def ordinal_words_to_int(words: str) -> int | None:
    """Read an English ordinal written in words ("Seventy-seventh" → 77)."""
    w = words.strip().lower().replace("–", "-")
    if w in _ORDINAL_UNITS:
        return _ORDINAL_UNITS[w]
    if w in _ORDINAL_TEENS:
        return _ORDINAL_TEENS[w]
    if w in _TENS_ORD:
        return _TENS_ORD[w]
    if "-" in w:
        tens, _, unit = w.partition("-")
        if tens in _TENS and unit in _ORDINAL_UNITS:
            return _TENS[tens] + _ORDINAL_UNITS[unit]
    m = re.fullmatch(r"(\d+)(st|nd|rd|th)", w)
    return int(m.group(1)) if m else None


def slugify(text: str, max_len: int = 60) -> str:
    """Return a lowercase ASCII slug ("A/RES/77/20" → "a-res-77-20")."""
    import unicodedata

    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    t = re.sub(r"[^a-zA-Z0-9]+", "-", t).strip("-").lower()
    return t[:max_len].rstrip("-") or "document"
