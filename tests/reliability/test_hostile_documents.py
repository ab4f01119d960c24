"""Hostile documents: imported, shown and clicked, they stay inert text."""

from __future__ import annotations

import html
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from db import paths
from db.imports import import_files
from db.library import open_library
from db.originals import list_imports
from desktop.app.settings import Settings
from desktop.app.window import MainWindow
from tests.reliability.guards import AuditRecorder, LoopbackListener, python_roots

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (propagateSizeHints|raise)")

CONTROL = "".join(chr(c) for c in (1, 2, 7, 8, 0x0B, 0x1B)) + "[31m"
BIDI = "\u202egnp.exe\u202c and \u200b\u200c\u200d\u2066hidden\u2069 zero-width"
EMOJI = "Officers 👮🏽‍♀️ met 🇺🇳 delegates 🌍"


def links(port: int) -> list[str]:
    """The URLs a hostile document carries (and the viewer is asked to follow)."""
    return [
        f"http://127.0.0.1:{port}/x",
        f"https://127.0.0.1:{port}/beacon.png",
        "file:///etc/passwd",
        "file://server/share/secret.txt",
        "\\\\server\\share\\secret.txt",
        "javascript:alert(document.cookie)",
        "mailto:someone@example.invalid",
        f"ftp://127.0.0.1:{port}/",
    ]


def hostile_text(port: int, word: str = "reconnaissance", size: int = 1 << 20) -> str:
    """A text full of markup, links, odd characters and one very long line."""
    markup = (
        f'<img src="http://127.0.0.1:{port}/x"> <script>alert("x")</script> '
        '<a href="javascript:alert(1)">click</a> <iframe src="file:///etc/passwd"></iframe> '
        '<a href="file:///etc/passwd">passwd</a> <a href="\\\\server\\share">share</a> '
        f'<link rel="stylesheet" href="http://127.0.0.1:{port}/s.css"> '
        '<style>body { background: url("http://127.0.0.1:%d/bg") }</style>' % port
    )
    long_line = ((word + " ") * (size // len(word) + 1))[:size]
    return (
        "Hostile briefing\n\n"
        f"Markup in the text: {markup} kept as words about maritime cooperation.\n\n"
        f"Links: {' '.join(links(port))} were found in a seized notebook about smuggling.\n\n"
        f"Bidirectional text: {BIDI} in a passport number field of the report.\n\n"
        f"Control characters: {CONTROL} between the words of the customs declaration.\n\n"
        f"{EMOJI} in the joint operation summary written by the liaison desk.\n\n"
        f"{long_line}\n\n"
        "The last paragraph is plain: the working group will meet again next spring.\n"
    )


def hostile_html(port: int) -> str:
    """A web page with the same content plus live-looking markup."""
    body = "".join(
        f"<p>Page says: {html.escape(block)}</p>"
        for block in hostile_text(port, "surveillance", 1 << 16).split("\n\n")[1:]
    )
    return (
        "<!DOCTYPE html><html><head><title>Hostile page</title>"
        f'<meta http-equiv="refresh" content="0; url=http://127.0.0.1:{port}/r">'
        f'<link rel="stylesheet" href="http://127.0.0.1:{port}/s.css">'
        f'<script src="http://127.0.0.1:{port}/s.js"></script></head><body>'
        f'<img src="http://127.0.0.1:{port}/x"><img src="file:///etc/passwd">'
        '<a href="javascript:alert(1)">Run me</a> <a href="\\\\server\\share">Share</a>'
        f"<h1>Hostile page &#0; with a NUL entity</h1>{body}"
        f'<object data="http://127.0.0.1:{port}/o"></object>'
        f"<svg onload=\"fetch('http://127.0.0.1:{port}/svg')\"></svg>"
        "</body></html>"
    )


def allowed_roots(tmp_path: Path) -> list[Path]:
    """Where the app may legitimately open files: its data, resources, Python, Qt."""
    import PySide6

    app = paths.app_root()
    return [
        paths.data_dir(),
        app / "db",
        app / "desktop",
        *app.glob("*.egg-info"),
        paths.resources_dir(),
        tmp_path,
        Path(PySide6.__file__).parent,
        *python_roots(),
        Path("/proc/self"),
        Path("/dev/null"),
    ]


def test_hostile_documents_render_inert_and_links_do_nothing(tmp_path, qtbot, theme, monkeypatch):
    opened_urls: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened_urls.append(url) or True)
    with LoopbackListener() as listener, AuditRecorder() as rec:
        port = listener.port
        txt = tmp_path / "hostile.txt"
        txt.write_text(hostile_text(port), encoding="utf-8")
        page = tmp_path / "hostile.html"
        page.write_text(hostile_html(port), encoding="utf-8")
        with_nul = tmp_path / "nul.txt"
        with_nul.write_bytes(hostile_text(port).encode() + b"\x00 trailing")
        reports = import_files([txt, page, with_nul])
        assert [r.status for r in reports] == ["imported", "imported", "rejected"], [
            r.message for r in reports
        ]
        assert reports[2].message == "nul.txt is a binary file, not text"
        with open_library() as lib:
            window = MainWindow(lib, Settings(), theme)
            qtbot.addWidget(window)
            window.show()
            qtbot.waitExposed(window)
            for report in reports[:2]:
                window.reader_pane.reader.open_document(report.document_id, "")
                rendered = window.reader_pane.reader.html
                shown = window.reader_pane.viewer.toHtml()
                for url in links(port):
                    window.reader_pane.viewer.anchorClicked.emit(QUrl(url))
                    window.reader_pane.viewer.setSource(QUrl(url))
                window.reader_pane.viewer.anchorClicked.emit(QUrl.fromLocalFile("/etc/passwd"))
                qtbot.wait(50)
                # Our markup only: the document's tags arrive as escaped text.
                for produced in (rendered, shown):
                    low = produced.lower()
                    for tag in (
                        "<img",
                        "<script",
                        "<iframe",
                        "<object",
                        "<svg",
                        "<link",
                        "<meta h",
                    ):
                        assert tag not in low, (report.file, tag)
                    assert "javascript:" not in low.replace("javascript:alert", "")
                    assert 'href="file:' not in low and 'src="' not in low
                    assert 'href="http' not in low
                assert "&lt;script&gt;" in rendered or "&lt;img" in rendered
                plain = window.reader_pane.viewer.document().toPlainText()
                assert max(plain.count("reconnaissance"), plain.count("surveillance")) > 4000
            text = window.reader_pane.viewer.document().toPlainText()
            assert "👮🏽‍♀️" in text and "\u202e" in text
            hits = lib.search("seized notebook").hits
            assert {h.document_id for h in hits[:2]} == {r.document_id for r in reports[:2]}
            # The long line's word: thousands of matches in one passage, one snippet.
            long_hits = lib.search("reconnaissance").hits
            assert long_hits and len(long_hits[0].snippet) < 1000
            window.close()
    assert listener.accepted == 0
    assert rec.network == []
    assert rec.processes == []
    assert opened_urls == []
    outside = rec.opened_outside(allowed_roots(tmp_path))
    assert outside == [], outside
    assert rec.relative_opens() <= {"index", "originals"}, rec.relative_opens()
    assert not [p for p in rec.opened if "passwd" in p or "server" in p.lower()]
    assert len(list_imports()) == 2
    assert sys.modules.get("webbrowser") is None or "webbrowser.open" not in str(rec.processes)
