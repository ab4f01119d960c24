"""Citation styles: how a passage is cited, defined once for the parsers, the CLI and the window.

Two styles (:data:`CITATION_STYLES`):

* ``short``: ``A/RES/77/20, para. 17(a)``; a web page
  ``INTERPOL, “United Nations”, “Cooperation agreement”, para. 1``.
* ``full``: ``General Assembly resolution 77/20 of 21 November 2022, para. 17(a)``; a web page
  ``INTERPOL, “United Nations”, section “Cooperation agreement”, para. 1 (web page, captured
  3 May 2023, https://…)`` (the capture date and address only where the catalog records them).

Every fact comes from what the parser read in the text or what the catalog records (body,
resolution number, adoption date, page title, author, capture date); nothing is typed in here.

Each citation also has an HTML form (:class:`Citation`) for the clipboard: the same words,
escaped, with the title of a web page or document set in italics instead of quotation marks
(document symbols and resolution numbers are never italicised, as in UN editorial practice).

Web pages and plain documents have no printed paragraph numbers: a passage's ``number`` is its
position within its section (paragraphs and list items counted separately), so "para. 3" is the
third paragraph under that section's heading and "item 2" its second bullet.

This module imports nothing from the rest of :mod:`db`: the parsers use it to write the short
citation they store, and :class:`db.reading.Library` to give any style on demand.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

#: The citation styles, in the order a settings menu lists them.
CITATION_STYLES = ("short", "full")
DEFAULT_STYLE = "short"

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True)
class Citation:
    """One citation in plain text and as HTML (for a clipboard that keeps italics)."""

    plain: str
    html: str


@dataclass(frozen=True)
class CitedDocument:
    """What a citation needs to know about the document a passage belongs to.

    Attributes:
        kind: ``resolution``, ``webpage`` or ``document``.
        title: The document's title.
        symbol: A resolution's symbol (``A/RES/77/20``).
        resolution_number: A resolution's number (``77/20``).
        issuing_body: The organ that adopted a resolution, or the author of a web page.
        date: A resolution's adoption date (ISO).
        captured: When a web page was captured (ISO), where the catalog records it.
        url: Where a web page was captured from, where the catalog records it.
    """

    kind: str
    title: str | None = None
    symbol: str | None = None
    resolution_number: str | None = None
    issuing_body: str | None = None
    date: str | None = None
    captured: str | None = None
    url: str | None = None

    @classmethod
    def from_record(cls, doc: dict[str, Any]) -> CitedDocument:
        """Build from a ``documents`` record as :meth:`db.store.Store.document` returns it."""
        meta = doc.get("meta") or {}
        return cls(
            kind=doc.get("kind") or "document",
            title=doc.get("title"),
            symbol=doc.get("symbol"),
            resolution_number=meta.get("resolution_number"),
            issuing_body=doc.get("issuing_body"),
            date=meta.get("date") or (doc.get("date") if doc.get("kind") == "resolution" else None),
            captured=meta.get("captured"),
            url=meta.get("url"),
        )


def check_style(style: str) -> str:
    """Return ``style`` if it is one of :data:`CITATION_STYLES`.

    Raises:
        ValueError: It is not (the library turns this into a :class:`~db.errors.QueryError`).
    """
    if style not in CITATION_STYLES:
        raise ValueError(
            f"unknown citation style {style!r} (choose from {', '.join(CITATION_STYLES)})"
        )
    return style


def long_date(iso: str | None) -> str | None:
    """Return ``"21 November 2022"`` for ``"2022-11-21"`` (None for a missing or odd date)."""
    if not iso:
        return None
    try:
        d = date.fromisoformat(iso[:10])
    except ValueError:
        return None
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def locator(kind: str, number: str | None, *, after: str | None = None) -> str:
    """Return where a passage sits in its document: ``para. 17(a)``, ``footnote 2``, ``item 3``.

    Args:
        kind: The passage kind (:data:`db.kinds.KINDS`).
        number: Its number as printed (``"17(a)"``), or its position in its section for a
            web page or plain document; None for unnumbered text.
        after: For an unnumbered paragraph of a resolution, the operative paragraph before it.
    """
    if kind == "preambular":
        return f"preambular para. {number}"
    if kind == "footnote":
        return f"footnote {number}"
    if kind == "list_item":
        return f"item {number}"
    if number is None:
        return f"unnumbered para. after para. {after}" if after else "unnumbered para."
    return f"para. {number}"


def cite(
    document: CitedDocument,
    *,
    kind: str,
    number: str | None,
    section: str | None = None,
    after: str | None = None,
    style: str = DEFAULT_STYLE,
) -> Citation:
    """Return the citation of one passage.

    Args:
        document: The facts of its document.
        kind: The passage kind.
        number: The passage number (see :func:`locator`).
        section: The heading a web-page or document passage sits under (None: none).
        after: For an unnumbered paragraph of a resolution, the operative paragraph before it.
        style: One of :data:`CITATION_STYLES`.

    Raises:
        ValueError: ``style`` is not a known style.
    """
    check_style(style)
    where = locator(kind, number, after=after)
    if document.kind == "resolution":
        return _resolution(document, where, style)
    return _page(document, section, where, style)


def anchored(
    stored: str,
    document: CitedDocument,
    *,
    kind: str,
    number: str | None,
    section: str | None = None,
    after: str | None = None,
    style: str = DEFAULT_STYLE,
) -> Citation:
    """Return a passage's citation in ``style``, never contradicting the one its parser stored.

    The parser wrote the short citation when it read the document, and it alone knows
    where a passage sits (an annex, a report's sub-paragraph, a decision's lettered part).
    When :func:`cite` gives back exactly that short form, its other styles are used as
    they are. Otherwise the stored citation wins: a full-style citation of a resolution
    keeps the stored locator after the full name (``General Assembly resolution 99/7 of
    5 December 2044, annex, para. 1``); any other document is cited as stored.

    Args:
        stored: The citation the parser recorded (short style).
        document: The facts of its document.
        kind: The passage kind.
        number: The passage number.
        section: The heading a web-page or document passage sits under.
        after: For an unnumbered paragraph of a resolution, the operative paragraph before it.
        style: One of :data:`CITATION_STYLES`.

    Raises:
        ValueError: ``style`` is not a known style.
    """
    check_style(style)
    short = cite(document, kind=kind, number=number, section=section, after=after)
    if short.plain == stored:
        return (
            short
            if style == "short"
            else cite(document, kind=kind, number=number, section=section, after=after, style=style)
        )
    if style == "full" and document.kind == "resolution" and document.symbol:
        base = f"{document.symbol}, "
        full = cite(document, kind=kind, number=number, after=after, style="full").plain
        where = locator(kind, number, after=after)
        if stored.startswith(base) and full.endswith(where):
            plain = full[: len(full) - len(where)] + stored[len(base) :]
            return Citation(plain, _escape(plain))
    return Citation(stored, _escape(stored))


def _resolution(doc: CitedDocument, where: str, style: str) -> Citation:
    if style == "full" and doc.resolution_number:
        body = doc.issuing_body
        text = f"{body} resolution" if body else "Resolution"
        text += f" {doc.resolution_number}"
        when = long_date(doc.date)
        if when:
            text += f" of {when}"
        plain = f"{text}, {where}"
        return Citation(plain, html.escape(plain, quote=False))
    if doc.symbol:
        plain = f"{doc.symbol}, {where}"
        return Citation(plain, html.escape(plain, quote=False))
    return _page(
        CitedDocument(kind="document", title=doc.title or "Resolution"), None, where, "short"
    )


def _page(doc: CitedDocument, section: str | None, where: str, style: str) -> Citation:
    esc = _escape
    title = doc.title or ("Web page" if doc.kind == "webpage" else "Document")
    plain: list[str] = []
    rich: list[str] = []
    if doc.issuing_body:
        plain.append(doc.issuing_body)
        rich.append(esc(doc.issuing_body))
    plain.append(f"“{title}”")
    rich.append(f"<i>{esc(title)}</i>")
    if section:
        label = "section " if style == "full" else ""
        plain.append(f"{label}“{section}”")
        rich.append(f"{label}“{esc(section)}”")
    plain.append(where)
    rich.append(esc(where))
    text, markup = ", ".join(plain), ", ".join(rich)
    if style == "full" and doc.kind == "webpage":
        facts = ["web page"]
        when = long_date(doc.captured)
        if when:
            facts.append(f"captured {when}")
        if doc.url:
            facts.append(doc.url)
        text += f" ({', '.join(facts)})"
        markup += f" ({', '.join(esc(f) for f in facts)})"
    return Citation(text, markup)


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def quotation(text: str, citation: Citation, *, italic: Sequence[tuple[int, int]] = ()) -> Citation:
    """Return a quoted passage (or part of one) followed by its citation, as text and HTML.

    The plain form is the quotation in curly quotes, a line break and ``— citation``; the
    HTML form is a paragraph with the quotation (its italic words in ``<i>``) and one with
    the citation.

    Args:
        text: The words quoted, exactly as they stand in the passage.
        citation: The citation of the passage they come from.
        italic: ``(start, end)`` spans of ``text`` set in italics in the document (an
            operative paragraph's opening verb).
    """
    plain = f"“{text}”\n— {citation.plain}"
    parts: list[str] = []
    pos = 0
    for start, end in sorted(italic):
        start, end = max(start, pos), min(end, len(text))
        if start >= end:
            continue
        parts.append(_escape(text[pos:start]))
        parts.append(f"<i>{_escape(text[start:end])}</i>")
        pos = end
    parts.append(_escape(text[pos:]))
    markup = f"<p>“{''.join(parts)}”</p>\n<p>— {citation.html}</p>"
    return Citation(plain, markup)
