"""Importing and removing documents in the real window, over a real library in the test's folder.

Imports go through :meth:`MainWindow.import_paths`, the code path behind File ▸
Import… and behind a drop; the native file dialog is not driven. The summary
and error boxes are non-blocking (:attr:`MainWindow.notice_box`); the removal's
confirmation is a blocking question, patched to answer.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from db import paths
from desktop.app import dialogs
from desktop.app.jobs import summarize_imports
from desktop.app.reader import History, Location
from tests.helpers.documents import resolution_pdf, web_page_html

# The offscreen platform plugin says so whenever a window with a menu bar is shown.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (propagateSizeHints|raise)")

MESSAGE = "A/RES/79/999: 2 preambular paragraphs, 3 operative paragraphs, 1 footnote, 3 entities"
JOB_TIMEOUT = 60_000


def run_job(qtbot, window, start) -> str:
    """Start a job with ``start()`` and return the status line once it is reported."""
    with qtbot.waitSignal(window.flows.job_finished, timeout=JOB_TIMEOUT) as blocker:
        assert start() is True
    return blocker.args[0]


def documents_label(window, document_id: str) -> str | None:
    model = window.tree_pane.models["documents"]
    index = model.find(f"doc:{document_id}")
    return model.data(index) if index.isValid() else None


def test_import_pdf_find_cite_and_remove(qtbot, own_window, search_for, tmp_path, monkeypatch):
    window = own_window
    pdf = resolution_pdf(tmp_path / "A_RES_79_999.pdf")
    busy: list[bool] = []
    window.jobs.busy_changed.connect(lambda text: busy.append(bool(text)))

    def start() -> bool:
        started = window.flows.import_paths([pdf])
        # One job at a time: the store is closed and being rebuilt.
        assert window.jobs.busy and window.library is None
        assert not window.centralWidget().isEnabled()
        assert window.status_bar.progress_bar.isVisible()
        assert not window.actions_by_name["import_files"].isEnabled()
        assert window.flows.import_paths([pdf]) is False
        return started

    status = run_job(qtbot, window, start)
    assert busy == [True, False]
    assert status == f"Imported {MESSAGE}"
    box = window.flows.notice_box
    assert box.isVisible() and box.icon() == QMessageBox.Icon.Information
    assert box.text() == "<b>Imported 1 file.</b>"
    assert MESSAGE in box.informativeText()
    box.close()

    # Shown, and marked, in the Documents tab; open in the viewer.
    assert window.centralWidget().isEnabled() and window.library is not None
    assert window.tree_pane.current_key() == "documents"
    assert documents_label(window, "a-res-79-999") == "A/RES/79/999  (imported)"
    assert documents_label(window, "a-res-77-20") == "A/RES/77/20"
    view = window.tree_pane.views["documents"]
    assert view.currentIndex().data(Qt.ItemDataRole.UserRole + 1).ref == "a-res-79-999"
    assert window.reader_pane.reader.document["id"] == "a-res-79-999"
    assert "(5 documents (1 imported)" in f"({window.status_bar.summary_label.text()}"

    # Found by a query, opened, its citation copied.
    search_for(window, "kelp forest")
    hit = window.search_pane.results_model.hit(0)
    assert hit.passage_id == "a-res-79-999:op2"
    window.search_pane.open_row(0)
    assert window.reader_pane.citation_label.full_text() == "A/RES/79/999, para. 2"
    window.actions_by_name["copy_citation"].trigger()
    assert QGuiApplication.clipboard().text() == "A/RES/79/999, para. 2"

    # Its provenance in the About box.
    window.actions_by_name["about"].trigger()
    about = (
        window.dialogs.open_dialogs["about"]
        .findChild(type(window.reader_pane.viewer), "about")
        .toPlainText()
    )
    assert "1 imported by you" in about and "A_RES_79_999.pdf" in about
    window.dialogs.open_dialogs["about"].close()

    # Removed from its context menu, after a confirmation.
    asked: list[str] = []

    def answer(_parent, _title, text):
        asked.append(text)
        return True

    monkeypatch.setattr(dialogs, "confirm", answer)
    model = window.tree_pane.models["documents"]
    node = model.node(model.find("doc:a-res-79-999"))
    menu = window.flows.document_menu(node)
    (remove,) = [a for a in menu.actions() if a.objectName() == "remove-document"]
    assert remove.isEnabled()
    status = run_job(qtbot, window, lambda: remove.trigger() or window.jobs.busy)
    menu.close()
    assert asked and asked[0].startswith("Remove “A/RES/79/999” from your library?")
    assert status == "Removed “A/RES/79/999” from your library (A_RES_79_999.pdf)."
    assert documents_label(window, "a-res-79-999") is None
    assert window.search_pane.controller.query == "kelp forest"
    assert all(
        window.search_pane.results_model.hit(r).document_id != "a-res-79-999"
        for r in range(window.search_pane.results_model.rowCount())
    )
    assert window.reader_pane.reader.document is None
    assert window.reader_pane.viewer_stack.currentWidget() is window.reader_pane.viewer_empty
    assert not window.actions_by_name["remove_document"].isEnabled()


def test_rejected_files_are_listed_in_a_dialog(qtbot, own_window, tmp_path):
    window = own_window
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    note = tmp_path / "harbour.md"
    note.write_text("# Harbour notes\n\nThe harbour master described container checks.\n")
    status = run_job(qtbot, window, lambda: window.flows.import_paths([empty, note]))
    assert status == "Imported 1 file, 1 file not imported."
    box = window.flows.notice_box
    assert box.isVisible() and box.icon() == QMessageBox.Icon.Warning
    info = box.informativeText()
    assert "Not imported:" in info and "<li>empty.txt is empty</li>" in info
    assert "<li>Harbour notes: 1 paragraph" in info
    assert "Traceback" not in info
    box.close()
    # The good file is in, the rejected one changed nothing else.
    assert len(window.library.documents()) == 5


def test_bundled_documents_cannot_be_removed(qtbot, own_window):
    window = own_window
    window.reader_pane.reader.open_document("a-res-77-20")
    assert not window.actions_by_name["remove_document"].isEnabled()
    model = window.tree_pane.models["documents"]
    menu = window.flows.document_menu(model.node(model.find("passage:a-res-77-20:op1")))
    assert [a.text() for a in menu.actions() if a.text()][-1].startswith("Part of the bundled")
    assert not menu.actions()[-1].isEnabled()
    menu.close()
    # Asked anyway (another copy of the app, a stale menu): one line, no traceback.
    status = run_job(
        qtbot, window, lambda: window.flows.remove_document("a-res-77-20", confirm=False)
    )
    assert status == "a-res-77-20 is part of the bundled corpus and cannot be removed"
    assert window.flows.notice_box.icon() == QMessageBox.Icon.Warning
    assert status in window.flows.notice_box.informativeText()
    window.flows.notice_box.close()
    assert documents_label(window, "a-res-77-20") == "A/RES/77/20"


def _drag(cls, window, mime: QMimeData):
    return cls(
        QPointF(window.rect().center()),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )


def test_dropping_files_imports_them(qtbot, own_window, tmp_path):
    window = own_window
    page = tmp_path / "partnership.html"
    page.write_text(web_page_html(), encoding="utf-8")
    remote = QMimeData()
    remote.setUrls([QUrl("https://example.invalid/page.html")])
    enter = _drag(QDragEnterEvent, window, remote)
    QApplication.sendEvent(window, enter)
    assert not enter.isAccepted()

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(page))])
    mime.setText(str(page))
    enter = _drag(QDragEnterEvent, window.search_pane.field, mime)
    QApplication.sendEvent(window.search_pane.field, enter)
    assert enter.isAccepted()
    drop = _drag(QDropEvent, window.search_pane.field, mime)
    status = run_job(qtbot, window, lambda: QApplication.sendEvent(window.search_pane.field, drop))
    assert drop.isAccepted()
    assert window.search_pane.field.text() == ""  # imported, not typed in
    assert status.startswith("Imported Test partnership with UNICRI: ")
    (doc,) = [d for d in window.library.documents() if d["origin"] == "imported"]
    assert documents_label(window, doc["id"]) == "Test partnership with UNICRI  (imported)"
    window.flows.notice_box.close()


def test_import_summary_words():
    ok = SimpleNamespace(ok=True, status="imported", message="X: 1 paragraph", document_id="x")
    dup = SimpleNamespace(ok=False, status="duplicate", message="b.txt is already in the library")
    bad = SimpleNamespace(ok=False, status="rejected", message="c.pdf is empty", document_id=None)
    summary = summarize_imports([ok, dup, bad, bad])
    assert summary.headline == (
        "Imported 1 file, 1 file already in the library, 2 files not imported."
    )
    assert summary.document_id == "x" and not summary.ok
    assert summary.details().splitlines()[:2] == ["Imported:", "• X: 1 paragraph"]
    assert summarize_imports([bad]).headline == "1 file not imported."
    assert summarize_imports([]).headline == "Nothing to import."


def test_history_forgets_removed_documents():
    history = History()
    for loc in ("a", "gone", "a", "b", "gone"):
        history.push(Location(loc))
    history.retain(lambda loc: loc.document_id != "gone")
    assert history.current == Location("b")
    assert history.back() == Location("a") and not history.can_back()


def test_opening_the_window_does_not_import_the_store_code():
    code = (
        "import sys, desktop.cli, desktop.app.main, desktop.app.window, desktop.app.jobs\n"
        "heavy = ('db.library', 'db.build', 'db.imports', 'whoosh', 'sqlite_utils', 'pypdf')\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[3],
    )
    assert out.stdout.strip() == ""


def test_a_file_that_breaks_the_reader_is_one_line_and_the_others_are_imported(
    qtbot, own_window, tmp_path
):
    """What the summary says is what the library holds, with a file pypdf cannot read between."""
    from tests.helpers.documents import aes_encrypted_pdf

    window = own_window
    first = tmp_path / "first.md"
    first.write_text("# Lighthouse notes\n\nThe lighthouse inspection found nothing unusual.\n")
    aes = aes_encrypted_pdf(resolution_pdf(tmp_path / "plain.pdf"), tmp_path / "aes.pdf")
    last = tmp_path / "last.md"
    last.write_text("# Portcullis notes\n\nThe portcullis inspection found nothing unusual.\n")
    with qtbot.waitSignal(window.flows.job_finished, timeout=120_000) as finished:
        assert window.flows.import_paths([first, aes, last])
    status = finished.args[0]
    assert status == "Imported 2 files, 1 file not imported."
    info = window.flows.notice_box.informativeText()
    assert "<li>aes.pdf is an encrypted PDF (AES), which Liaison cannot decrypt;" in info
    assert (
        "<li>Lighthouse notes: 1 paragraph" in info and "<li>Portcullis notes: 1 paragraph" in info
    )
    window.flows.notice_box.close()
    titles = {d["title"] for d in window.library.documents() if d["origin"] == "imported"}
    assert titles == {"Lighthouse notes", "Portcullis notes"}


def test_an_import_that_cannot_write_says_one_sentence_in_a_box_that_closes(
    qtbot, own_window, tmp_path
):
    window = own_window
    library_dir = paths.library_dir()
    if library_dir.is_dir():
        shutil.rmtree(library_dir)
    library_dir.parent.mkdir(parents=True, exist_ok=True)
    library_dir.write_text("a file where the library folder should be")
    note = tmp_path / "note.txt"
    note.write_text("A short note on maritime piracy for the liaison desk.\n", encoding="utf-8")
    with qtbot.waitSignal(window.flows.job_finished, timeout=60_000) as finished:
        assert window.flows.import_paths([note])
    status = finished.args[0]
    assert status and "\n" not in status and "Traceback" not in status
    box = window.flows.notice_box
    assert box.isVisible() and box.icon() == QMessageBox.Icon.Warning
    assert window.centralWidget().isEnabled()
    QTest.keyClick(box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not box.isVisible())
    assert window.library is not None  # the library was reopened: nothing was lost
