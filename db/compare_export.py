"""Writing a comparison of two versions to files: Markdown and Word (DOCX).

The DOCX follows :func:`db.compare.to_markdown`: a heading naming both versions, the
counts of each change, then every paragraph that differs, headed by its citation and
change; deleted words are struck through and inserted words underlined and bold (marked
by their form, not by colour alone). Files are written atomically.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from db.compare import Pair, summary
from db.files import atomic_path

#: The colours of deleted and inserted words (their strike and underline carry the meaning).
DELETE_RGB = (0xA1, 0x26, 0x1E)
INSERT_RGB = (0x1B, 0x6E, 0x2C)
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _x(text: str) -> str:
    """Drop the characters XML (and so DOCX) cannot hold."""
    return _XML_ILLEGAL.sub("", text)


def write_markdown(text: str, path: Path) -> Path:
    """Write a comparison already rendered as Markdown (UTF-8) to ``path``.

    Raises:
        ExportError: The file cannot be written.
    """
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def _name(pid: str | None, number: str | None, kind: str, citations: dict[str, str]) -> str:
    if pid is None:
        return "—"
    if pid in citations:
        return citations[pid]
    if not number:
        return pid
    return f"{'preambular ' if kind == 'preambular' else ''}para. {number}"


def write_docx(
    pairs: Sequence[Pair],
    path: Path,
    *,
    old_label: str,
    new_label: str,
    citations: dict[str, str] | None = None,
    include_same: bool = False,
) -> Path:
    """Write a comparison as a Word document.

    Args:
        pairs: The result of :func:`db.compare.align` (``Library.compare``).
        path: Where to write the ``.docx``.
        old_label: How to name the old version ("A/RES/77/20").
        new_label: How to name the new version.
        citations: Passage id → citation, for headings.
        include_same: Also list paragraphs whose words did not change.

    Raises:
        ExportError: The file cannot be written.
    """
    import docx  # python-docx pulls lxml: loaded only when a DOCX is written
    from docx.shared import RGBColor

    citations = citations or {}
    out = docx.Document()
    title = f"{new_label} compared with {old_label}"
    out.core_properties.title = title
    out.add_heading(_x(title), level=0)
    counts = summary(pairs)
    out.add_paragraph(", ".join(f"{n} {c}" for c, n in counts.items()) + ".")
    legend = out.add_paragraph("Deleted words are ")
    struck = legend.add_run("struck through")
    struck.font.strike = True
    legend.add_run("; inserted words are ")
    added = legend.add_run("underlined and bold")
    added.underline = True
    added.bold = True
    legend.add_run(".")

    def deleted(para: docx.text.paragraph.Paragraph, text: str) -> None:
        run = para.add_run(_x(text))
        run.font.strike = True
        run.font.color.rgb = RGBColor(*DELETE_RGB)

    def inserted(para: docx.text.paragraph.Paragraph, text: str) -> None:
        run = para.add_run(_x(text))
        run.underline = True
        run.bold = True
        run.font.color.rgb = RGBColor(*INSERT_RGB)

    for p in pairs:
        if p.change in ("same", "renumbered") and not include_same:
            continue
        side = (p.new, p.new_number) if p.new else (p.old, p.old_number)
        out.add_heading(_x(f"{_name(*side, p.kind, citations)} ({p.change})"), level=2)
        para = out.add_paragraph()
        if p.change == "added":
            inserted(para, p.new_text)
            continue
        para.add_run(f"Was {_name(p.old, p.old_number, p.kind, citations)}")
        if p.change == "dropped":
            para.add_run(": ")
            deleted(para, p.old_text)
            continue
        para.add_run(".")
        body = out.add_paragraph()
        for seg in p.diff or [{"op": "equal", "text": p.new_text}]:
            if seg["op"] == "delete":
                deleted(body, seg["text"])
            elif seg["op"] == "insert":
                inserted(body, seg["text"])
            else:
                body.add_run(_x(seg["text"]))
    if not include_same and (counts["same"] or counts["renumbered"]):
        out.add_paragraph(
            f"{counts['same'] + counts['renumbered']} paragraphs have the same words "
            "(renumbered ones included) and are not listed."
        )
    with atomic_path(path) as tmp:
        out.save(str(tmp))
    return Path(path)
