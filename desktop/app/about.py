"""The About box: what Liaison holds and where every text came from (files and SHA-256)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from db import paths
from desktop.app.status import format_built_at
from desktop.app.viewer import DocumentViewer, esc

if TYPE_CHECKING:
    from db.reading import Library


class AboutDialog(QDialog):
    """What Liaison holds and where every text came from (files and SHA-256)."""

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Liaison")
        browser = DocumentViewer(self)
        browser.setObjectName("about")
        browser.setHtml(about_html(library))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(browser)
        layout.addWidget(buttons)
        self.resize(820, 620)
        QTimer.singleShot(0, browser.setFocus)


def about_html(library: Library) -> str:
    """Return the About box's HTML: version, store facts, and each document's provenance."""
    from importlib import metadata  # here: it costs start-up time, and About is rare

    from db.encoder import ENCODER_FILE, ENCODER_NOTICE, ENCODER_SHA256  # here: numpy
    from db.semantic import MODEL_NOTICE, TABLE_FILE, TABLE_SHA256  # here: it loads numpy

    try:
        version = metadata.version("liaison")
    except metadata.PackageNotFoundError:
        version = "development"
    s = library.summary()
    documents = library.documents()
    imported = [d for d in documents if d.get("origin") == "imported"]
    out = [
        f"<h2>Liaison {esc(version)}</h2>",
        "<p>The INTERPOL–UN texts, their passages and exact citations, offline.</p>",
        f"<p>{esc(s['documents'])} documents · {esc(s['passages'])} passages · "
        f"{esc(s.get('footnotes', 0))} footnotes · {esc(s.get('sources', 0))} source files<br/>"
        f"Store built {esc(format_built_at(s.get('built_at')))}<br/>"
        f"<span style='font-size:small'>{esc(s.get('store_dir', ''))}</span></p>",
        f"<p>{len(documents) - len(imported)} documents of the bundled corpus"
        + (
            f"; {len(imported)} imported by you, their original files kept in "
            f"<span style='font-size:small'>{esc(paths.library_dir())}</span>"
            if imported
            else "; nothing imported yet (File ▸ Import documents…)"
        )
        + ".</p>",
        "<h3>Corpus and provenance</h3>",
    ]
    for d in documents:
        origin = "imported by you" if d.get("origin") == "imported" else "bundled"
        facts = " · ".join(esc(x) for x in (d.get("symbol"), d.get("kind"), d.get("date")) if x)
        out.append(
            f"<p><b>{esc(d['title'])}</b>"
            + (" <i>(imported)</i>" if origin != "bundled" else "")
            + f"<br/>{facts} · {esc(d['passages'])} passages · {origin}</p>"
        )
        out.append(
            "<table cellspacing='0' cellpadding='2' style='margin-left:16px; margin-bottom:10px'>"
        )
        for src in d.get("sources") or []:
            out.append(
                f"<tr><td>{esc(src['file'])}</td><td>&nbsp;{esc(src.get('role', ''))}&nbsp;</td>"
                f"<td><code>SHA-256 {esc(src['sha256'])}</code></td></tr>"
            )
        out.append("</table>")
    out.append("<h3>Meaning-based search</h3>")
    out.append(
        f"<p>{esc(MODEL_NOTICE)}<br/><span style='font-size:small'>{esc(TABLE_FILE)} "
        f"<code>SHA-256 {esc(TABLE_SHA256)}</code></span></p>"
    )
    out.append(
        f"<p>{esc(ENCODER_NOTICE)} {esc(s['sentence_passages'])} of {esc(s['passages'])} "
        "passages are read by it; the others are matched word by word."
        f"<br/><span style='font-size:small'>{esc(ENCODER_FILE)} "
        f"<code>SHA-256 {esc(ENCODER_SHA256)}</code></span></p>"
    )
    return "".join(out)
