"""Plain data classes for parsed documents, passages, footnotes and inline markup."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Markup:
    """Inline structure kept beside the clean text.

    Offsets are into the passage's clean text. ``kind`` is ``"em"`` (emphasis,
    e.g. an operative verb), ``"strong"``, ``"link"`` (``attrs["target"]``), or
    ``"fnref"`` (a footnote marker, zero-width at ``start``; ``attrs`` has
    ``marker`` and ``number``).
    """

    kind: str
    start: int
    end: int
    attrs: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {"kind": self.kind, "start": self.start, "end": self.end, **self.attrs}


@dataclass
class Passage:
    """One citable unit of a document.

    Attributes:
        local_id: Id within the document, derived from number or position
            (``pp3``, ``op17a``, ``fn2``, ``s3.p2``): stable across rebuilds.
        kind: One of :data:`db.kinds.KINDS`.
        number: The number as printed (``"17(a)"``), or None for unnumbered text.
        heading_path: Headings above the passage, outermost first.
        text: Clean searchable text: no markup characters, no footnote markers.
        markup: Inline structure over ``text``.
        segments: ``(start, end)`` character spans in the source text, one per
            piece (a paragraph split by a page break has two).
        citation: How a person cites it ("A/RES/77/20, para. 17(a)").
        opening: The opening word(s) of a resolution paragraph ("Recalling also",
            "Calls upon"), else None.
        footnotes: Numbers of the footnotes this passage cites.
    """

    local_id: str
    kind: str
    number: str | None
    heading_path: list[str]
    text: str
    markup: list[Markup] = field(default_factory=list)
    segments: list[tuple[int, int]] = field(default_factory=list)
    citation: str = ""
    opening: str | None = None
    footnotes: list[int] = field(default_factory=list)

    @property
    def span(self) -> tuple[int, int]:
        """Return the overall ``(start, end)`` span in the source text."""
        return (self.segments[0][0], self.segments[-1][1])


@dataclass
class Footnote:
    """A footnote of a document, with the passages that cite it."""

    number: int
    marker: str
    text: str
    markup: list[Markup] = field(default_factory=list)
    segment: tuple[int, int] = (0, 0)
    cited_by: list[str] = field(default_factory=list)


@dataclass
class Heading:
    """A heading in a document's outline."""

    text: str
    level: int
    segment: tuple[int, int]
    local_id: str


@dataclass
class ParsedDocument:
    """The result of parsing one source text.

    ``meta`` holds what the parser read from the text: for a resolution
    ``symbol``, ``date`` (adoption, ISO), ``distribution_date``, ``session``,
    ``agenda_item``, ``draft_symbol``, ``issuing_body``, ``plenary_meeting`` (General
    Assembly) or ``meeting`` (Security Council: "7272nd meeting"); for a decision
    ``decision_number`` too; for a report ``symbol``, ``date`` (distribution),
    ``session``, ``agenda_item``, ``issuing_body`` ("Secretary-General").
    """

    kind: str
    title: str | None
    passages: list[Passage] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
