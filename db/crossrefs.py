"""Recognise references to UN instruments in passage and footnote text.

Pure functions (no store, no Qt). :func:`recognise` finds, with their character spans:

* resolutions of the General Assembly, the Security Council, the Economic and Social
  Council and the Human Rights Council in the forms the texts use: ``resolution 51/1 of
  15 October 1996``, lists (``resolutions 71/19 of …, 73/11 of … and 75/10``), ``Security
  Council resolutions 1950 (2010) and 1976 (2011)``, ``Economic and Social Council
  resolutions 2019/19 and 2019/20``, older ones (``resolution 217 A (III)``);
* decisions (``decision 60/519``, ``decision 2019/201``);
* document symbols (``A/60/88/Corr.2``, ``A/77/L.20``, ``A/CONF.192/15``, ``S/2043/118``,
  ``A/RES/77/20``, ``S/RES/1950 (2010)``);
* paragraph references (``resolution 77/20, para. 12``, ``paragraph 3 of resolution
  75/10``, ``paragraph 1 of the present resolution``: the document itself);
* treaty citations (``United Nations, Treaty Series, vol. 1996, No. 1200``).

Each is normalised to its UN symbol (``A/RES/51/1``, ``S/RES/1950 (2010)``,
``E/RES/2019/19``, ``A/DEC/60/519``) with a kind from :data:`REFERENCE_KINDS` and, where
the text or the symbol states it, a year.

Which body a bare ``resolution 75/10`` belongs to follows the numbering (``N (YYYY)`` is
the Security Council's, ``YYYY/N`` the Economic and Social Council's, ``session/N`` the
General Assembly's) and, for ``session/N``, the citing document: in a Human Rights
Council resolution it is the Council's own. A body named in the text wins when its
numbering fits.

Not recorded: a bare "the present resolution" (the document itself, with no paragraph),
and instruments named without an identifier ("the cooperation agreement of 1997").
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

#: Every kind of reference, the one vocabulary of the store, the CLI and the window.
REFERENCE_KINDS = (
    "ga_resolution",
    "sc_resolution",
    "ecosoc_resolution",
    "hrc_resolution",
    "ga_decision",
    "ecosoc_decision",
    "hrc_decision",
    "document",
    "treaty",
)

#: Labels for people, one per kind.
KIND_LABELS = {
    "ga_resolution": "General Assembly resolution",
    "sc_resolution": "Security Council resolution",
    "ecosoc_resolution": "Economic and Social Council resolution",
    "hrc_resolution": "Human Rights Council resolution",
    "ga_decision": "General Assembly decision",
    "ecosoc_decision": "Economic and Social Council decision",
    "hrc_decision": "Human Rights Council decision",
    "document": "UN document",
    "treaty": "Treaty (United Nations Treaty Series)",
}

#: Bodies whose resolutions a document can be the context of.
CONTEXTS = ("ga", "sc", "ecosoc", "hrc")

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE = rf"\s+of\s+\d{{1,2}}\s+(?:{_MONTHS})\s+(?P<dyear>(?:19|20)\d\d)\b"
_PARA_NUM = r"\d{1,3}(?:\s?\([a-z]{1,4}\))?"
_PINPOINT = rf",\s*(?:operative\s+)?(?:para(?:graph)?s?\.?)\s*(?P<para>{_PARA_NUM})(?![\d/])"

_ITEM = re.compile(
    r"(?:"
    r"(?P<sc>\d{1,4})\s?\((?P<scyear>(?:19|20)\d\d)\)"
    r"|(?P<old>\d{1,4})\s(?:(?P<oldlet>[A-Z])\s)?\((?P<roman>(?:E?S-)?[IVXL]{1,8})\)"
    r"|(?P<pre>E?S-)?(?P<a>\d{1,4})/(?P<b>\d{1,4})"
    r")(?![\w/])"
    rf"(?:{_DATE})?"
    rf"(?:{_PINPOINT})?"
)
_PIN = re.compile(_PINPOINT)
_SEP = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+")

_BODY = r"General Assembly|Security Council|Economic and Social Council|Human Rights Council"
_HEAD = re.compile(
    rf"\b(?:(?P<body>{_BODY})\s+)?(?P<head>[Rr]esolutions?|[Dd]ecisions?)\s+(?=\d|E?S-\d)"
)
#: "paragraph 3 of [its|the|General Assembly] " just before a head word.
_PARA_BEFORE = re.compile(
    rf"\b(?:[Oo]perative\s+)?[Pp]ara(?:graph)?\.?\s*(?P<para>{_PARA_NUM})\s+of\s+"
    rf"(?:(?:its|the|that|{_BODY})\s+)*$"
)
_SELF = re.compile(
    rf"\b(?:[Oo]perative\s+)?[Pp]ara(?:graph)?s?\.?\s*(?P<para>{_PARA_NUM})\s+"
    r"of\s+the\s+present\s+(?:resolution|decision)\b"
)

_PREFIXES = r"A|S|E|ST|UNEP|TD|CCPR|CRC|CEDAW|CERD|CAT|CRPD|CMW|DP|ICCD|FCCC|UNW|CTOC|HRI|SG|CTC"
_SYMBOL = re.compile(
    rf"(?<![\w/.])(?P<sym>(?:{_PREFIXES})(?:/[A-Za-z0-9][A-Za-z0-9.\-]*)+)"
    r"(?:\s?\((?P<paren>(?:19|20)\d\d)\))?"
)
_TREATY = re.compile(
    r"\bUnited Nations,?\s+Treaty\s+Series,?\s+vol\.\s*(?P<vol>\d{1,5}),?\s+"
    r"(?:No\.\s*(?P<no>\d{1,6})|p\.\s*(?P<page>\d{1,5}))"
)


@dataclass(frozen=True)
class Reference:
    """One reference found in a text.

    Attributes:
        start: Offset of the reference in the text.
        end: Offset just past it.
        surface: ``text[start:end]``.
        target: The UN symbol of what is cited (``A/RES/51/1``).
        kind: One of :data:`REFERENCE_KINDS`.
        year: The year the text or the symbol states, else None.
        paragraph: The paragraph cited (``"12"``, ``"17(a)"``), else None.
    """

    start: int
    end: int
    surface: str
    target: str
    kind: str
    year: int | None = None
    paragraph: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return asdict(self)


def context_of(symbol: str | None) -> str | None:
    """Return the body whose numbering a document's bare "resolution N/M" follows.

    Args:
        symbol: The citing document's symbol (``A/RES/77/20``), or None.

    Returns:
        One of :data:`CONTEXTS`, or None when the symbol says nothing.
    """
    if not symbol:
        return None
    s = symbol.upper()
    if s.startswith("A/HRC/"):
        return "hrc"
    if s.startswith("A/"):
        return "ga"
    if s.startswith("S/"):
        return "sc"
    if s.startswith("E/"):
        return "ecosoc"
    return None


def normalise_paragraph(number: str) -> str:
    """Return a paragraph number as citations print it: ``"17 (a)"`` → ``"17(a)"``."""
    return re.sub(r"\s+", "", number)


def _body_of(body: str | None) -> str | None:
    return {
        "General Assembly": "ga",
        "Security Council": "sc",
        "Economic and Social Council": "ecosoc",
        "Human Rights Council": "hrc",
    }.get(body or "")


def _item_target(
    m: re.Match[str], decision: bool, body: str | None, context: str | None
) -> tuple[str, str, int | None] | None:
    """Return ``(target, kind, year)`` for one numbered item, or None if it fits no body."""
    year = int(m["dyear"]) if m["dyear"] else None
    if m["sc"]:
        if decision:
            return None
        return f"S/RES/{int(m['sc'])} ({m['scyear']})", "sc_resolution", int(m["scyear"])
    if m["old"]:
        if decision:
            return None
        letter = f" {m['oldlet']}" if m["oldlet"] else ""
        return f"A/RES/{int(m['old'])}{letter} ({m['roman']})", "ga_resolution", year
    a, b = int(m["a"]), int(m["b"])
    if m["pre"]:
        kind = "ga_decision" if decision else "ga_resolution"
        return f"A/{'DEC' if decision else 'RES'}/{m['pre']}{a}/{b}", kind, year
    if 1946 <= a <= 2099:
        kind = "ecosoc_decision" if decision else "ecosoc_resolution"
        return f"E/{'DEC' if decision else 'RES'}/{a}/{b}", kind, a
    if a > 200 or a == 0:
        return None
    owner = body if body in ("ga", "hrc") else ("hrc" if context == "hrc" else "ga")
    word = "DEC" if decision else "RES"
    if owner == "hrc":
        return f"A/HRC/{word}/{a}/{b}", f"hrc_{'decision' if decision else 'resolution'}", year
    return f"A/{word}/{a}/{b}", f"ga_{'decision' if decision else 'resolution'}", year


def _symbol_kind(symbol: str) -> tuple[str, int | None]:
    s = symbol.upper()
    table = (
        ("A/HRC/RES/", "hrc_resolution"),
        ("A/HRC/DEC/", "hrc_decision"),
        ("A/RES/", "ga_resolution"),
        ("A/DEC/", "ga_decision"),
        ("S/RES/", "sc_resolution"),
        ("E/RES/", "ecosoc_resolution"),
        ("E/DEC/", "ecosoc_decision"),
    )
    kind = next((k for prefix, k in table if s.startswith(prefix)), "document")
    year = None
    for part in s.split("/")[1:]:
        if part.isdigit() and len(part) == 4 and 1946 <= int(part) <= 2099:
            year = int(part)
            break
    return kind, year


def _heads(text: str, context: str | None) -> list[Reference]:
    out: list[Reference] = []
    for h in _HEAD.finditer(text):
        decision = h["head"].lower().startswith("decision")
        body = _body_of(h["body"])
        start = h.start()
        para_first: str | None = None
        before = _PARA_BEFORE.search(text, max(0, start - 80), start)
        if before is not None:
            start, para_first = before.start(), normalise_paragraph(before["para"])
        pos = h.end()
        first = True
        while True:
            m = _ITEM.match(text, pos)
            if m is None:
                break
            got = _item_target(m, decision, body, context)
            if got is None:
                break
            target, kind, year = got
            para = m["para"] and normalise_paragraph(m["para"])
            if first and para_first:
                para = para_first
            begin = start if first else m.start()
            out.append(Reference(begin, m.end(), text[begin : m.end()], target, kind, year, para))
            first = False
            sep = _SEP.match(text, m.end())
            if sep is None:
                break
            pos = sep.end()
    return out


def _symbols(text: str) -> list[Reference]:
    out: list[Reference] = []
    for m in _SYMBOL.finditer(text):
        sym = m["sym"].rstrip(".-")
        if not any(c.isdigit() for c in sym):
            continue
        end = m.start() + len(sym)
        kind, year = _symbol_kind(sym)
        if kind == "sc_resolution":
            if not m["paren"]:
                continue
            sym, end, year = f"{sym} ({m['paren']})", m.end(), int(m["paren"])
        para = None
        pin = _PIN.match(text, end)
        if pin is not None:
            para, end = normalise_paragraph(pin["para"]), pin.end()
        out.append(Reference(m.start(), end, text[m.start() : end], sym, kind, year, para))
    return out


def _treaties(text: str) -> list[Reference]:
    out = []
    for m in _TREATY.finditer(text):
        where = f"No. {m['no']}" if m["no"] else f"p. {m['page']}"
        out.append(
            Reference(m.start(), m.end(), m.group(), f"UNTS vol. {m['vol']}, {where}", "treaty")
        )
    return out


def _self(text: str, own_symbol: str | None) -> list[Reference]:
    if not own_symbol:
        return []
    kind, year = _symbol_kind(own_symbol)
    return [
        Reference(
            m.start(), m.end(), m.group(), own_symbol, kind, year, normalise_paragraph(m["para"])
        )
        for m in _SELF.finditer(text)
    ]


def recognise(
    text: str, *, context: str | None = None, own_symbol: str | None = None
) -> list[Reference]:
    """Find every reference in a passage or footnote text.

    Never raises: any string gives a (possibly empty) list.

    Args:
        text: The passage's clean text.
        context: The body the citing document belongs to (see :func:`context_of`);
            decides whose a bare ``resolution 47/16`` is.
        own_symbol: The citing document's symbol, the target of "paragraph 1 of the
            present resolution" (without it such references are not recorded).

    Returns:
        The references in text order; spans never overlap.
    """
    if not isinstance(text, str) or not text:
        return []
    if context not in CONTEXTS:
        context = context_of(own_symbol)
    found = _self(text, own_symbol) + _heads(text, context) + _treaties(text) + _symbols(text)
    found.sort(key=lambda r: (r.start, -(r.end - r.start)))
    out: list[Reference] = []
    for r in found:
        if out and r.start < out[-1].end:
            continue
        out.append(r)
    return out


def parse_symbol(text: str, *, context: str | None = None) -> Reference | None:
    """Read what an officer typed as one instrument.

    ``75/10``, ``A/RES/75/10``, ``resolution 75/10``, ``1950 (2010)``, ``S/RES/1950(2010)``,
    ``E/RES/2019/19``, ``decision 60/519``. Never raises.

    Args:
        text: The typed symbol.
        context: Whose numbering a bare ``session/N`` follows (default the General Assembly).

    Returns:
        The reference (``target`` is the normalised symbol, ``paragraph`` set when the text
        ends in a pinpoint), or None when the text is not exactly one reference.
    """
    if not isinstance(text, str):
        return None
    typed = " ".join(text.split())
    # Symbols typed in lower case ("a/res/75/10") are read in upper case.
    for candidate in (typed, f"resolution {typed}", typed.upper()):
        found = recognise(candidate, context=context)
        if len(found) == 1 and found[0].start == 0 and found[0].end == len(candidate):
            return found[0]
    return None


__all__ = [
    "CONTEXTS",
    "KIND_LABELS",
    "REFERENCE_KINDS",
    "Reference",
    "context_of",
    "normalise_paragraph",
    "parse_symbol",
    "recognise",
]
