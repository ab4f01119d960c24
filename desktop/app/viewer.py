"""Rendering documents as safe HTML, and the text browser that shows them.

:func:`render_document` is a pure function from document data to an HTML
string. Every piece of document text goes through :func:`html.escape`; the
only markup in the output is ours. :class:`DocumentViewer` never opens links
or loads resources by itself: our own ``liaison://`` links become signals and
:meth:`DocumentViewer.loadResource` serves nothing.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QUrl, Signal
from PySide6.QtGui import QHelpEvent, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QTextBrowser, QTextEdit, QToolTip, QWidget

from db.kinds import DOCUMENT_KIND_LABELS
from db.labels import MATCH_MEANING, MEANING_LABEL
from desktop.app.theme import LIGHT_COLORS, Colors

if TYPE_CHECKING:
    from db.search import Hit

SCHEME = "liaison"
#: The kinds of our own links: a passage, a footnote, an entity mention, a reference
#: (``ref/PASSAGE@START``: the reference starting at START in PASSAGE) and the list of
#: passages citing a passage (``citedby/PASSAGE``).
LINK_KINDS = ("passage", "fn", "entity", "ref", "citedby")
#: What a "new since …" mark says for each change (db.compare's change names).
NEW_SINCE_WORDS = {"added": "new since", "changed": "changed since", "moved": "moved since"}
_ANCHOR_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
_SUB_LETTER = re.compile(r"\(([^()]+)\)$")


def _term_style(colors: Colors) -> str:
    return f"background-color:{colors.term_bg}; color:{colors.term_fg}"


def esc(text: Any) -> str:
    """Escape any value for HTML text or attribute context."""
    return html.escape(str(text), quote=True)


def plain_tooltip(text: str) -> str:
    """Return ``text`` as a tooltip Qt shows verbatim: escaped rich text, line breaks kept.

    A tooltip is shown as rich text when Qt guesses that it is markup, so document
    text (a title that reads ``<img src=…>``) must never reach one unescaped.
    """
    if not text:
        return ""
    return "<p>" + esc(text).replace("\n", "<br/>") + "</p>"


def passage_anchor(passage_id: str) -> str:
    """Return the HTML anchor name of a passage."""
    return "p-" + _ANCHOR_UNSAFE.sub("_", passage_id)


def footnote_anchor(number: int | str) -> str:
    """Return the HTML anchor name of a footnote at the end of the document."""
    return f"fn-{_ANCHOR_UNSAFE.sub('_', str(number))}"


def link_url(kind: str, value: str | int) -> str:
    """Return one of our own URLs (``liaison://passage/ID``, ``…/fn/N``, ``…/ref/ID@START``…)."""
    return f"{SCHEME}://{kind}/{QUrl.toPercentEncoding(str(value)).data().decode('ascii')}"


def parse_link(url: QUrl) -> tuple[str, str] | None:
    """Return (kind, value) for one of our URLs, or None for anything else."""
    if url.scheme() != SCHEME:
        return None
    kind = url.host()
    value = QUrl.fromPercentEncoding(
        url.path(QUrl.ComponentFormattingOption.FullyEncoded).lstrip("/").encode()
    )
    if kind not in LINK_KINDS or not value:
        return None
    return kind, value


def reference_key(passage_id: str, start: int) -> str:
    """Return the value of a reference's link: the citing passage and the reference's offset."""
    return f"{passage_id}@{start}"


def split_reference_key(value: str) -> tuple[str, int] | None:
    """Return (passage id, start) from :func:`reference_key`'s value, or None if malformed."""
    pid, at, start = value.rpartition("@")
    if not at or not pid or not start.isdigit():
        return None
    return pid, int(start)


def format_date(iso: str | None) -> str:
    """Return "21 November 2022" for "2022-11-21" (other strings unchanged)."""
    if not iso:
        return ""
    try:
        d = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{d.day} {d.strftime('%B')} {d.year}"


# -- inline text ---------------------------------------------------------------


def render_inline(
    text: str,
    *,
    markup: Sequence[Mapping[str, Any]] = (),
    highlights: Sequence[tuple[int, int]] = (),
    mentions: Sequence[Mapping[str, Any]] = (),
    colors: Colors = LIGHT_COLORS,
    opening: str | None = None,
    references: Sequence[Mapping[str, Any]] = (),
) -> str:
    """Render one passage's text: emphasis, matched terms, mentions, footnote markers.

    Args:
        text: The passage's clean text.
        markup: Spans of {kind: em|strong|link|fnref, start, end, number, …} into ``text``.
        highlights: (start, end) spans of query matches to mark.
        mentions: Entity mentions {entity_id, start, end} to underline and link.
        colors: The theme's HTML colours.
        opening: An opening phrase to italicise when no emphasis covers it
            (preambular paragraphs, as printed in resolutions).
        references: Recognised references {passage_id, start, end, in_library} to link
            (``liaison://ref/PASSAGE@START``); a mention overlapping one is not linked.

    Returns:
        HTML with every character of ``text`` escaped.
    """
    n = len(text)
    spans: list[tuple[int, int, str, str]] = []
    inserts: dict[int, list[str]] = {}
    for m in markup:
        kind = m.get("kind")
        s, e = int(m.get("start", 0)), int(m.get("end", 0))
        s, e = max(0, min(s, n)), max(0, min(e, n))
        if kind == "fnref":
            num = m.get("number")
            label = esc(num if num is not None else m.get("marker", "*"))
            href = esc(link_url("fn", num if num is not None else m.get("marker", "")))
            link_style = f"color:{colors.link}; text-decoration:none"
            inserts.setdefault(s, []).append(
                f'<sup><a href="{href}" style="{link_style}">{label}</a></sup>'
            )
        elif kind in ("em", "strong") and e > s:
            spans.append((s, e, kind, ""))
    if (
        opening
        and text.startswith(opening)
        and not any(k == "em" and s == 0 for s, _, k, _ in spans)
    ):
        spans.append((0, len(opening), "em", ""))
    for s, e in highlights:
        s, e = max(0, min(int(s), n)), max(0, min(int(e), n))
        if e > s:
            spans.append((s, e, "term", ""))
    taken: list[tuple[int, int]] = []
    for r in sorted(references, key=lambda r: int(r["start"])):
        s, e = max(0, min(int(r["start"]), n)), max(0, min(int(r["end"]), n))
        if e > s and not any(s < te and ts < e for ts, te in taken):
            taken.append((s, e))
            key = reference_key(str(r["passage_id"]), int(r["start"]))
            spans.append((s, e, "ref" if r.get("in_library") else "ref-out", key))
    for m in sorted(mentions, key=lambda m: (int(m["start"]), -int(m["end"]))):
        s, e = max(0, min(int(m["start"]), n)), max(0, min(int(m["end"]), n))
        if e > s and not any(s < te and ts < e for ts, te in taken):
            taken.append((s, e))
            spans.append((s, e, "mention", str(m["entity_id"])))
    bounds = sorted({0, n, *inserts, *(s for s, _, _, _ in spans), *(e for _, e, _, _ in spans)})
    out: list[str] = []
    for a, b in zip(bounds, [*bounds[1:], None], strict=True):
        out.extend(inserts.get(a, ()))
        if b is None or b <= a:
            continue
        chunk = esc(text[a:b]).replace("\n", "<br/>")
        active = [(k, v) for s, e, k, v in spans if s <= a and b <= e]
        kinds = {k for k, _ in active}
        if "em" in kinds:
            chunk = f"<i>{chunk}</i>"
        if "strong" in kinds:
            chunk = f"<b>{chunk}</b>"
        if "term" in kinds:
            chunk = f'<span style="{_term_style(colors)}">{chunk}</span>'
        mention = next((v for k, v in active if k == "mention"), None)
        ref = next(((k, v) for k, v in active if k in ("ref", "ref-out")), None)
        if ref is not None:
            # In the library: a plain link; not in it: a dotted one (a card, not a text).
            line = "underline" if ref[0] == "ref" else "underline; text-decoration-style:dotted"
            chunk = (
                f'<a href="{esc(link_url("ref", ref[1]))}" '
                f'style="color:{colors.link}; text-decoration:{line}">{chunk}</a>'
            )
        elif mention is not None:
            chunk = (
                f'<a href="{esc(link_url("entity", mention))}" '
                f'style="color:{colors.text}; text-decoration:underline; '
                f'text-decoration-color:{colors.mention}">{chunk}</a>'
            )
        out.append(chunk)
    return "".join(out)


# -- documents -----------------------------------------------------------------


def _facts(doc: Mapping[str, Any]) -> list[str]:
    meta = doc.get("meta") or {}
    lines = []
    if doc.get("kind") in ("resolution", "decision", "report"):
        first = [doc.get("symbol"), meta.get("issuing_body") or doc.get("issuing_body")]
        if meta.get("session"):
            first.append(f"session {meta['session']}")
        if meta.get("agenda_item"):
            first.append(f"agenda item {meta['agenda_item']}")
        lines.append(" · ".join(str(x) for x in first if x))
        adopted = []
        if doc.get("date"):
            verb = "Dated" if doc.get("kind") == "report" else "Adopted on"
            adopted.append(f"{verb} {format_date(doc['date'])}")
        if meta.get("plenary_meeting") or meta.get("meeting"):
            adopted.append(str(meta.get("plenary_meeting") or meta["meeting"]))
        if meta.get("committee_note"):
            adopted.append(str(meta["committee_note"]))
        if adopted:
            lines.append(" · ".join(adopted))
    else:
        kind = str(doc.get("kind") or "document")
        bits = [doc.get("issuing_body"), DOCUMENT_KIND_LABELS.get(kind, kind)]
        if doc.get("date"):
            bits.append(format_date(doc["date"]))
        lines.append(" · ".join(str(b) for b in bits if b))
    return lines


def new_since_mark(change: str, old_label: str, colors: Colors) -> str:
    """Return the "new since A/RES/77/20" mark put before a paragraph (words, not colour alone)."""
    words = NEW_SINCE_WORDS.get(change, f"{change} since")
    return (
        f'<span style="font-size:small; font-weight:600; color:{colors.link}">'
        f"[{esc(words)} {esc(old_label)}]</span>&nbsp;"
    )


def cited_by_mark(passage_id: str, count: int, colors: Colors) -> str:
    """Return the small "cited by N" link put after a paragraph other passages cite."""
    href = esc(link_url("citedby", passage_id))
    return (
        f'&nbsp; <a href="{href}" style="font-size:small; color:{colors.muted}">'
        f"cited by {count}</a>"
    )


def cited_by_line(references: Sequence[Mapping[str, Any]], colors: Colors, limit: int = 8) -> str:
    """Return the "Cited by: …" line under a document's header (links to the citing passages)."""
    seen: dict[str, str] = {}
    for r in references:
        seen.setdefault(str(r["passage_id"]), str(r.get("citation") or r["passage_id"]))
    links = [
        f'<a href="{esc(link_url("passage", pid))}">{esc(citation)}</a>'
        for pid, citation in list(seen.items())[:limit]
    ]
    more = f" and {len(seen) - limit} more" if len(seen) > limit else ""
    return (
        f'<p style="color:{colors.muted}; margin-top:2px; margin-bottom:2px">'
        f"<b>Cited by:</b> {'; '.join(links)}{esc(more)}</p>"
    )


def _paragraph(p: Mapping[str, Any], body: str, colors: Colors, current: bool) -> str:
    kind = p.get("kind")
    number = p.get("number") or ""
    style = ["margin-top:0px", "margin-bottom:10px"]
    prefix = ""
    if kind == "preambular":
        style.append("margin-left:34px")
        label = f"PP{esc(number)}&nbsp;&nbsp;"
        prefix = f'<span style="color:{colors.muted}; font-size:small">{label}</span>'
    elif kind == "operative":
        style.append("margin-left:34px")
        style.append("text-indent:-34px")
        prefix = f"{esc(number)}.&nbsp;&nbsp;"
    elif kind == "subparagraph":
        m = _SUB_LETTER.search(number)
        style.append("margin-left:72px")
        style.append("text-indent:-30px")
        prefix = f"({esc(m.group(1))})&nbsp;&nbsp;" if m else f"{esc(number)}&nbsp;&nbsp;"
    elif kind == "list_item":
        style.append("margin-left:34px")
        style.append("text-indent:-16px")
        prefix = "•&nbsp;&nbsp;"
    elif kind == "paragraph" and number:
        # A web page's or plain document's paragraph: its number within its section,
        # as its citation gives it ("para. 3"), in the margin so it can be checked.
        style.append("margin-left:34px")
        style.append("text-indent:-34px")
        label = f"{esc(number)}&nbsp;&nbsp;&nbsp;"
        prefix = f'<span style="color:{colors.muted}; font-size:small">{label}</span>'
    if current:
        style.append(f"background-color:{colors.current_bg}")
    anchor = f'<a name="{passage_anchor(str(p["id"]))}"></a>'
    return f'<p style="{"; ".join(style)}">{anchor}{prefix}{body}</p>'


def render_document(
    doc: Mapping[str, Any],
    *,
    current: str | None = None,
    highlights: Mapping[str, Sequence[tuple[int, int]]] | None = None,
    mentions: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
    colors: Colors = LIGHT_COLORS,
    references: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
    cited_by: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
    new_since: Mapping[str, str] | None = None,
    new_since_label: str = "",
) -> str:
    """Render a whole document, with its structure, as HTML.

    Args:
        doc: As returned by ``Library.document(id)`` (with ``passages_list`` and ``footnotes``).
        current: The passage to mark (background).
        highlights: Query-match spans per passage id.
        mentions: Entity mentions per passage id.
        colors: The theme's HTML colours.
        references: The references each passage makes (``Library.references``), linked.
        cited_by: The references citing each passage (a paragraph link or, under the
            key ``""``, the document as a whole), shown as "cited by N" and "Cited by: …".
        new_since: Passage id → ``added``/``changed``/``moved`` since ``new_since_label``.
        new_since_label: The earlier version's symbol, for the "new since …" marks.

    Returns:
        One HTML string; document text is escaped throughout, and each passage
        starts with an anchor named by :func:`passage_anchor`.
    """
    highlights = highlights or {}
    mentions = mentions or {}
    references = references or {}
    cited_by = cited_by or {}
    new_since = new_since or {}
    passages = list(doc.get("passages_list") or [])
    out = [
        "<html><head><style>"
        f"h1 {{ font-size: x-large; font-weight: 600; margin-bottom: 4px; color:{colors.text} }}"
        f"h2 {{ font-size: large; font-weight: 600; margin-top: 18px; margin-bottom: 8px; "
        f"color:{colors.text} }}"
        f"h3 {{ font-size: medium; font-weight: 600; margin-top: 14px; margin-bottom: 6px; "
        f"color:{colors.text} }}"
        f"a {{ color:{colors.link} }}"
        "</style></head><body>",
        f'<a name="top"></a><h1>{esc(doc.get("title") or doc.get("symbol") or "")}</h1>',
    ]
    for line in _facts(doc):
        out.append(
            f'<p style="color:{colors.muted}; margin-top:0px; margin-bottom:2px">{esc(line)}</p>'
        )
    for note in doc.get("notes") or ():
        out.append(
            f'<p style="color:{colors.muted}; margin-top:2px; margin-bottom:2px">'
            f"<b>Note:</b> <i>{esc(note)}</i></p>"
        )
    if cited_by.get(""):
        out.append(cited_by_line(cited_by[""], colors))
    out.append(f'<hr style="color:{colors.rule}; background-color:{colors.rule}"/>')
    is_resolution = doc.get("kind") == "resolution"
    shown: tuple[str, ...] = ()
    footnote_passages: dict[int, str] = {}
    for p in passages:
        if p.get("kind") == "footnote":
            try:
                footnote_passages[int(p.get("number") or 0)] = str(p["id"])
            except ValueError:
                pass
            continue
        path = tuple(p.get("heading_path") or ())
        levels = path[:1] if is_resolution else path
        if levels != shown[: len(levels)] or len(levels) != len(shown):
            for depth, title in enumerate(levels):
                if shown[: depth + 1] != levels[: depth + 1]:
                    tag = "h2" if depth == 0 else "h3"
                    out.append(f"<{tag}>{esc(title)}</{tag}>")
            shown = levels
        body = render_inline(
            p.get("text") or "",
            markup=p.get("markup") or (),
            highlights=highlights.get(p["id"], ()),
            mentions=mentions.get(p["id"], ()),
            colors=colors,
            opening=p.get("opening") if p.get("kind") == "preambular" else None,
            references=references.get(p["id"], ()),
        )
        if p["id"] in new_since:
            body = new_since_mark(new_since[p["id"]], new_since_label, colors) + body
        if cited_by.get(p["id"]):
            body += cited_by_mark(str(p["id"]), len(cited_by[p["id"]]), colors)
        out.append(_paragraph(p, body, colors, current == p["id"]))
    footnotes = list(doc.get("footnotes") or [])
    if footnotes:
        out.append(
            f'<hr style="color:{colors.rule}; background-color:{colors.rule}"/><h3>Footnotes</h3>'
        )
        for f in footnotes:
            number = f.get("number")
            pid = f.get("passage_id") or footnote_passages.get(int(number or 0))
            anchors = f'<a name="{footnote_anchor(number)}"></a>'
            if pid:
                anchors += f'<a name="{passage_anchor(str(pid))}"></a>'
            body = render_inline(
                f.get("text") or "",
                markup=f.get("markup") or (),
                highlights=highlights.get(str(pid), ()) if pid else (),
                mentions=mentions.get(str(pid), ()) if pid else (),
                colors=colors,
                references=references.get(str(pid), ()) if pid else (),
            )
            style = "margin-top:0px; margin-bottom:6px; font-size:small"
            if pid and current == pid:
                style += f"; background-color:{colors.current_bg}"
            out.append(f'<p style="{style}">{anchors}<sup>{esc(number)}</sup>&nbsp;{body}</p>')
    out.append("</body></html>")
    return "".join(out)


def result_html(hit: Hit, colors: Colors = LIGHT_COLORS) -> str:
    """Render one search result: citation, heading path, snippet with matches marked.

    Args:
        hit: A search hit (:meth:`db.search.Hit.parts` gives its snippet, matches flagged).
        colors: The theme's HTML colours.
    """
    snippet = "".join(
        f'<span style="{_term_style(colors)}">{esc(t)}</span>' if marked else esc(t)
        for t, marked in hit.parts()
    )
    where = " › ".join(x for x in (hit.document_title, hit.heading) if x)
    # A hit found by meaning alone says so: its words did not match the query.
    why = f" · <i>{esc(MEANING_LABEL)}</i>" if getattr(hit, "match", None) == MATCH_MEANING else ""
    return (
        f'<div style="font-weight:600">{esc(hit.citation)}</div>'
        f'<div style="color:{colors.muted}; font-size:small">{esc(where)}{why}</div>'
        f'<div style="margin-top:2px">{snippet}</div>'
    )


# -- the widget ----------------------------------------------------------------


class DocumentViewer(QTextBrowser):
    """A read-only browser that renders our HTML and follows only our own links.

    Signals carry what a ``liaison://`` link names; nothing is ever fetched.
    """

    passage_link = Signal(str)
    footnote_link = Signal(str)
    entity_link = Signal(str)
    reference_link = Signal(str)
    """Emitted with ``PASSAGE@START`` (:func:`split_reference_key`) when a reference is followed."""
    cited_by_link = Signal(str)
    """Emitted with a passage id when its "cited by N" link is followed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setUndoRedoEnabled(False)
        self.anchorClicked.connect(self._on_anchor)
        self.footnotes: dict[str, str] = {}
        self.reference_tips: dict[str, str] = {}
        """What each reference link says on hover (``PASSAGE@START`` → text)."""
        self.source_mode = False

    def loadResource(self, type: int, name: QUrl) -> Any:  # noqa: N802
        """Serve nothing: no image, stylesheet or file is ever loaded."""
        return None

    def setSource(  # noqa: N802
        self,
        name: QUrl,
        type: QTextDocument.ResourceType = QTextDocument.ResourceType.UnknownResource,
    ) -> None:
        """Refuse navigation: our content only arrives through :meth:`show_html`."""
        return

    def show_html(self, html_text: str, anchor: str | None, footnotes: Mapping[str, str]) -> None:
        """Show rendered HTML and scroll to ``anchor`` (or the top)."""
        self.source_mode = False
        self.footnotes = dict(footnotes)
        self.setExtraSelections([])
        self.setHtml(html_text)
        if anchor:
            self.scrollToAnchor(anchor)
            bar = self.verticalScrollBar()
            bar.setValue(max(0, bar.value() - 2 * self.fontMetrics().height()))
        else:
            self.verticalScrollBar().setValue(0)

    def show_source(
        self, text: str, spans: Sequence[tuple[int, int]], selection: tuple[int, int] | None
    ) -> None:
        """Show raw source text with ``spans`` marked and ``selection`` selected.

        Offsets are Python string offsets; they are converted to Qt's UTF-16 positions.
        """
        self.source_mode = True
        self.document().clear()
        self.setCurrentCharFormat(QTextCharFormat())
        self.setPlainText(text)

        def pos(i: int) -> int:
            return len(text[:i].encode("utf-16-le")) // 2

        extra = []
        for s, e in spans:
            sel = QTextEdit.ExtraSelection()
            sel.cursor = QTextCursor(self.document())
            sel.cursor.setPosition(pos(s))
            sel.cursor.setPosition(pos(e), QTextCursor.MoveMode.KeepAnchor)
            sel.format.setBackground(self.palette().highlight().color().lighter(170))
            extra.append(sel)
        self.setExtraSelections(extra)
        if selection:
            cursor = QTextCursor(self.document())
            cursor.setPosition(pos(selection[1]))
            self.setTextCursor(cursor)
            self.ensureCursorVisible()
            cursor.setPosition(pos(selection[0]))
            cursor.setPosition(pos(selection[1]), QTextCursor.MoveMode.KeepAnchor)
            self.setTextCursor(cursor)
            self.ensureCursorVisible()

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802
        """Tab moves to the next control (a text browser would walk through every link)."""
        return QWidget.focusNextPrevChild(self, next)

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802
        """Show a footnote's text as the tooltip of its marker."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            link = parse_link(QUrl(self.anchorAt(event.pos())))
            if link and link[0] == "fn" and link[1] in self.footnotes:
                QToolTip.showText(
                    event.globalPos(), plain_tooltip(self.footnotes[link[1]]), self.viewport()
                )
                return True
            if link and link[0] == "ref" and link[1] in self.reference_tips:
                QToolTip.showText(
                    event.globalPos(), plain_tooltip(self.reference_tips[link[1]]), self.viewport()
                )
                return True
            QToolTip.hideText()
            event.ignore()
            return True
        return super().viewportEvent(event)

    def _on_anchor(self, url: QUrl) -> None:
        link = parse_link(url)
        if link is None:
            return
        kind, value = link
        {
            "passage": self.passage_link,
            "fn": self.footnote_link,
            "entity": self.entity_link,
            "ref": self.reference_link,
            "citedby": self.cited_by_link,
        }[kind].emit(value)
