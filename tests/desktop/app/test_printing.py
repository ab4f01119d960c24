"""Printing the open document (Ctrl+P) through a PDF headed by the selected citation."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QKeySequence
from PySide6.QtTest import QTest

from db import paths

# The offscreen platform plugin says so whenever a window with a menu bar is shown.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (propagateSizeHints|raise)")


def test_printing_the_document_with_the_selected_citation(qtbot, window):
    from pypdf import PdfReader

    window.reader_pane.reader.open_passage("a-res-77-20:op17a")
    opened: list[QUrl] = []
    handler = _UrlSink(opened)
    QDesktopServices.setUrlHandler("file", handler, "open")
    try:
        window.reader_pane.viewer.setFocus()
        QTest.keySequence(window.reader_pane.viewer, QKeySequence("Ctrl+P"))
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert len(opened) == 1
    out = Path(opened[0].toLocalFile())
    assert out.parent == paths.prints_dir() and out.name == "a-res-77-20.pdf"
    text = " ".join(page.extract_text() for page in PdfReader(out).pages)
    words = " ".join(text.split())
    assert words.startswith("A/RES/77/20, para. 17(a)")
    assert "INTERPOL I-24/7 global police secure communications system" in words
    assert "print" in {a.objectName() for a in window.menuBar().actions()[0].menu().actions()}
    # No print dialog: the bundle leaves QtPrintSupport out.
    assert "PySide6.QtPrintSupport" not in sys.modules


class _UrlSink(QObject):
    """Receives the file URLs the app asks the desktop to open."""

    def __init__(self, urls: list[QUrl]) -> None:
        super().__init__()
        self.urls = urls

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


def test_printing_with_no_document_open_says_so(window, monkeypatch):
    opened: list[QUrl] = []
    QDesktopServices.setUrlHandler("file", _UrlSink(opened), "open")
    try:
        window.reader_pane.reader.document = None
        assert window.printer.print_document() is None
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert opened == []
    assert window.status_bar.currentMessage() == "Open a document to print it."
