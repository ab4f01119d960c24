"""A brief as a document to send: Markdown, DOCX, HTML and plain text (no Qt here).

:func:`brief_document` turns a brief and its checked items into a :class:`BriefDocument`:
the title, date and notes on top; each item as its quoted text (exactly as pinned), its
citation in the chosen style, the footnotes it cites, the officer's note, and what changed
since it was pinned; a Sources list at the end (each document's symbol or page title, date
and the SHA-256 of its source files). The writers below render that one structure, so every
format says the same thing. PDF and printing go through Qt's own writer in
:mod:`desktop.brief_pdf`, from :func:`to_html`.

Writers never leave a half-written file: they write beside the target and rename.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from db.citations import DEFAULT_STYLE, check_style
from db.errors import ExportError
from db.files import atomic_path

if TYPE_CHECKING:  # types only: the command line imports this module's formats at start
    from db.briefs import Brief, DiffPart, Footnote, ItemCheck
    from db.reading import Library

#: Every format ``liaison brief export`` writes (``pdf`` is Qt's: :mod:`desktop.brief_pdf`).
EXPORT_FORMATS: tuple[str, ...] = ("md", "docx", "pdf")


@dataclass(frozen=True)
class ExportItem:
    """One item as exported."""

    position: int
    passage_id: str
    text: str  # the quote, or the whole passage as pinned
    is_quote: bool
    citation: str
    footnotes: tuple[Footnote, ...]
    note: str
    status: str
    status_label: str
    current_text: str | None
    diff: tuple[DiffPart, ...]


@dataclass(frozen=True)
class ExportSource:
    """One document of the Sources list."""

    label: str  # symbol, or page title
    title: str
    date: str | None
    sources: tuple[tuple[str, str], ...]  # (file, sha256)
    in_library: bool


@dataclass(frozen=True)
class BriefDocument:
    """What every export format shows."""

    title: str
    date: str | None
    notes: str
    style: str
    items: tuple[ExportItem, ...]
    sources: tuple[ExportSource, ...]
    exported_at: str


def brief_document(
    brief: Brief,
    checks: list[ItemCheck],
    *,
    style: str = DEFAULT_STYLE,
    library: Library | None = None,
) -> BriefDocument:
    """Return the document an export shows for a brief.

    Each item is cited as it was pinned, in ``style``. An item pinned before that style
    existed is cited by the library in that style while its passage is unchanged, else by
    the citation it was pinned with.

    Args:
        brief: The brief (title, date, notes).
        checks: Its items compared with the library (:meth:`db.briefs.Briefs.check`).
        style: A citation style (:data:`db.citations.CITATION_STYLES`).
        library: The library the items were checked against.

    Raises:
        ExportError: ``style`` is not a citation style.
    """
    try:
        check_style(style)
    except ValueError as exc:
        raise ExportError(str(exc)) from exc

    def cite(check: ItemCheck) -> str:
        if style in check.item.citations:
            return check.item.citations[style]
        if library is not None and check.status == "ok":
            return library.citation(check.item.passage_id, style=style)
        return check.item.citation

    items = tuple(
        ExportItem(
            position=n,
            passage_id=c.item.passage_id,
            text=c.item.quoted,
            is_quote=c.item.quote is not None,
            citation=cite(c),
            footnotes=c.item.footnotes,
            note=c.item.note,
            status=c.status,
            status_label=c.label,
            current_text=c.current_text if c.status == "changed" else None,
            diff=c.diff,
        )
        for n, c in enumerate(checks, start=1)
    )
    docs: dict[str, ExportSource] = {}
    for c in checks:
        d = c.item.document
        present = c.status != "removed"
        if d.id in docs:
            old = docs[d.id]
            extra = tuple(s for s in d.sources if s not in old.sources)
            docs[d.id] = ExportSource(
                old.label, old.title, old.date, old.sources + extra, old.in_library or present
            )
        else:
            docs[d.id] = ExportSource(d.label, d.title, d.date, d.sources, present)
    return BriefDocument(
        title=brief.title,
        date=brief.date,
        notes=brief.notes,
        style=style,
        items=items,
        sources=tuple(docs.values()),
        exported_at=dt.datetime.now().astimezone().isoformat(timespec="minutes"),
    )


def _source_line(s: ExportSource) -> tuple[str, str]:
    """Return (label, the rest) of a Sources entry."""
    facts = [s.title] if s.title != s.label else []
    facts.append(s.date or "undated")
    facts += [f"SHA-256 {sha} ({name})" for name, sha in s.sources] or ["no source file recorded"]
    if not s.in_library:
        facts.append("no longer in the library")
    return s.label, "; ".join(facts)


def _changed_text(item: ExportItem) -> str:
    return f"The library now reads: {item.current_text}" if item.current_text else ""


# -- Markdown ---------------------------------------------------------------------------------


def to_markdown(doc: BriefDocument) -> str:
    """Return the brief as Markdown (quoted texts are verbatim, not escaped)."""
    out = [f"# {doc.title}", ""]
    if doc.date:
        out += [f"Date: {doc.date}", ""]
    if doc.notes.strip():
        out += [doc.notes.strip(), ""]
    for item in doc.items:
        out += [f"## {item.position}. {item.citation}", ""]
        out += [f"> {line}" if line else ">" for line in item.text.splitlines() or [""]]
        out += ["", f"— {item.citation}" + (" (quotation)" if item.is_quote else ""), ""]
        for f in item.footnotes:
            out.append(f"- Footnote {f.marker} {f.text}")
        if item.footnotes:
            out.append("")
        if item.note.strip():
            out += [f"Note: {item.note.strip()}", ""]
        if item.status != "ok":
            out += [f"**{item.status_label.capitalize()}.** {_changed_text(item)}".rstrip(), ""]
    out += ["## Sources", ""]
    for s in doc.sources:
        label, rest = _source_line(s)
        out.append(f"- {label}: {rest}")
    out += ["", f"Exported from Liaison on {doc.exported_at}; citation style: {doc.style}.", ""]
    return "\n".join(out)


def to_text(doc: BriefDocument) -> str:
    """Return the brief as plain text (the clipboard's text form)."""
    out = [doc.title]
    if doc.date:
        out.append(doc.date)
    if doc.notes.strip():
        out += ["", doc.notes.strip()]
    for item in doc.items:
        out += ["", f"{item.position}. “{item.text}”", f"   {item.citation}"]
        out += [f"   {f.marker} {f.text}" for f in item.footnotes]
        if item.note.strip():
            out.append(f"   Note: {item.note.strip()}")
        if item.status != "ok":
            out.append(f"   [{item.status_label}] {_changed_text(item)}".rstrip())
    out += ["", "Sources"]
    for s in doc.sources:
        label, rest = _source_line(s)
        out.append(f"- {label}: {rest}")
    return "\n".join(out) + "\n"


# -- HTML -------------------------------------------------------------------------------------

_CSS = """
body { font-size: 11pt; }
h1 { font-size: 18pt; margin-bottom: 4pt; }
h2 { margin-top: 16pt; }
p.head { font-size: 12pt; font-weight: bold; margin-top: 14pt; margin-bottom: 2pt; }
blockquote { margin-left: 18pt; margin-right: 12pt; }
p.citation { margin-left: 18pt; font-weight: bold; }
p.footnote { margin-left: 18pt; font-size: 9pt; }
p.note { margin-left: 18pt; }
p.status { margin-left: 18pt; color: #a0522d; }
span.del { text-decoration: line-through; color: #a0522d; }
span.ins { text-decoration: underline; color: #2e6b30; }
p.source { margin-left: 12pt; }
p.meta { color: #555555; font-size: 9pt; margin-top: 12pt; }
"""


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _diff_html(diff: tuple[DiffPart, ...]) -> str:
    parts = []
    for p in diff:
        if p.op == "equal":
            parts.append(_esc(p.text))
        else:
            parts.append(f'<span class="{p.op[:3]}">{_esc(p.text)}</span>')
    return "".join(parts)


def to_html(doc: BriefDocument) -> str:
    """Return the brief as one escaped HTML page (for Qt's PDF writer and the clipboard)."""
    out = [
        "<!DOCTYPE html>",
        '<html><head><meta charset="utf-8">',
        f"<title>{_esc(doc.title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_esc(doc.title)}</h1>",
    ]
    if doc.date:
        out.append(f"<p>{_esc(doc.date)}</p>")
    for para in doc.notes.strip().split("\n\n") if doc.notes.strip() else []:
        out.append(f"<p>{_esc(para).replace(chr(10), '<br>')}</p>")
    for item in doc.items:
        out.append(f'<p class="head">{item.position}. {_esc(item.citation)}</p>')
        out.append(f"<blockquote>“{_esc(item.text)}”</blockquote>")
        out.append(f'<p class="citation">{_esc(item.citation)}</p>')
        for f in item.footnotes:
            out.append(f'<p class="footnote">{_esc(f.marker)} {_esc(f.text)}</p>')
        if item.note.strip():
            note = _esc(item.note.strip()).replace("\n", "<br>")
            out.append(f'<p class="note"><i>Note:</i> {note}</p>')
        if item.status == "changed":
            out.append(
                f'<p class="status">{_esc(item.status_label.capitalize())}. '
                f"Difference from the pinned text: {_diff_html(item.diff)}</p>"
            )
        elif item.status != "ok":
            out.append(f'<p class="status">{_esc(item.status_label.capitalize())}.</p>')
    out.append("<h2>Sources</h2>")
    for s in doc.sources:
        label, rest = _source_line(s)
        out.append(f'<p class="source">• <b>{_esc(label)}</b>: {_esc(rest)}</p>')
    out.append(
        f'<p class="meta">Exported from Liaison on {_esc(doc.exported_at)}; '
        f"citation style: {_esc(doc.style)}.</p></body></html>"
    )
    return "\n".join(out)


# -- files ------------------------------------------------------------------------------------


def write_markdown(doc: BriefDocument, path: Path) -> Path:
    """Write the brief as Markdown (UTF-8) to ``path``."""
    with atomic_path(path) as tmp:
        tmp.write_text(to_markdown(doc), encoding="utf-8")
    return Path(path)


_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _x(text: str) -> str:
    """Drop the characters XML (and so DOCX) cannot hold."""
    return _XML_ILLEGAL.sub("", text)


def write_docx(doc: BriefDocument, path: Path) -> Path:
    """Write the brief as a Word document (python-docx) to ``path``."""
    import docx  # python-docx pulls lxml: loaded only when a DOCX is written
    from docx.shared import Pt, RGBColor

    out = docx.Document()
    out.core_properties.title = _x(doc.title)
    out.add_heading(_x(doc.title), level=0)
    if doc.date:
        out.add_paragraph(_x(doc.date))
    for para in doc.notes.strip().split("\n\n") if doc.notes.strip() else []:
        out.add_paragraph(_x(para))
    for item in doc.items:
        out.add_heading(_x(f"{item.position}. {item.citation}"), level=2)
        out.add_paragraph(_x(item.text), style="Quote")
        cite = out.add_paragraph()
        cite.add_run(_x(item.citation)).bold = True
        for f in item.footnotes:
            run = out.add_paragraph().add_run(_x(f"{f.marker} {f.text}"))
            run.font.size = Pt(9)
        if item.note.strip():
            note = out.add_paragraph()
            note.add_run("Note: ").italic = True
            note.add_run(_x(item.note.strip()))
        if item.status != "ok":
            para = out.add_paragraph()
            flag = para.add_run(_x(item.status_label.capitalize() + ". "))
            flag.bold = True
            flag.font.color.rgb = RGBColor(0xA0, 0x52, 0x2D)
            if item.current_text:
                para.add_run("The library now reads: ")
                for p in item.diff:
                    if p.op == "delete":
                        continue
                    run = para.add_run(_x(p.text))
                    run.underline = p.op == "insert"
    out.add_heading("Sources", level=1)
    for s in doc.sources:
        label, rest = _source_line(s)
        para = out.add_paragraph(style="List Bullet")
        para.add_run(_x(label)).bold = True
        para.add_run(_x(f": {rest}"))
    meta = out.add_paragraph().add_run(
        f"Exported from Liaison on {doc.exported_at}; citation style: {doc.style}."
    )
    meta.font.size = Pt(8)
    with atomic_path(path) as tmp:
        out.save(str(tmp))
    return Path(path)
