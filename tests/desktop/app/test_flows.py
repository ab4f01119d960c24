"""Importing and removing documents in the real window, over a real library in the test's folder.

Imports go through :meth:`LibraryFlows.import_paths`, the code path behind File ▸
Import… and behind a drop; the native file dialog is not driven. The summary
(:attr:`LibraryFlows.summary_dialog`) and error boxes (:attr:`LibraryFlows.notice_box`)
are non-blocking; the removal's confirmation is a blocking question, patched to answer.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from db import paths
from db.imports import Skipped
from db.originals import check_library
from desktop.app import dialogs
from desktop.app.jobs import summarize_imports
from desktop.app.reader import History, Location
from tests.helpers import layouts
from tests.helpers.documents import make_pdf, resolution_pdf, web_page_html

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
    box = window.flows.summary_dialog
    assert box.isVisible()
    assert box.headline.text() == "Imported 1 file."
    assert box.details.toPlainText() == f"Imported (1):\n• {MESSAGE}"
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
    # The models and their licences; every passage, the import's too, read by the encoder.
    assert "all-MiniLM-L6-v2" in about and "Apache License 2.0" in about
    total = window.library.summary()["passages"]
    assert f"{total} of {total} passages are read by it" in about
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
    assert status == "Imported 1 file, 1 skipped."
    box = window.flows.summary_dialog
    assert box.isVisible()
    info = box.details.toPlainText()
    assert info.startswith("Skipped (1):\n• empty.txt is empty\n\nImported (1):\n")
    assert "• Harbour notes: 1 paragraph" in info
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
    assert window.flows.notice_box.text() == f"<b>{status}.</b>"
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
    window.flows.summary_dialog.close()


def test_import_summary_words():
    ok = SimpleNamespace(ok=True, status="imported", message="X: 1 paragraph", document_id="x")
    dup = SimpleNamespace(ok=False, status="duplicate", message="b.txt is already in the library")
    bad = SimpleNamespace(ok=False, status="rejected", message="c.pdf is empty", document_id=None)
    summary = summarize_imports([ok, dup, bad, bad])
    assert summary.headline == "Imported 1 file, 1 already in the library, 2 skipped."
    assert summary.document_id == "x" and not summary.ok
    assert summary.details().splitlines() == [
        "Skipped (2):",
        "• c.pdf is empty",
        "• c.pdf is empty",
        "",
        "Imported (1):",
        "• X: 1 paragraph",
        "",
        "Already in the library (1):",
        "• b.txt is already in the library",
    ]
    assert summarize_imports([bad]).headline == "Nothing imported: 1 file skipped."
    assert summarize_imports([dup, bad, bad]).headline == (
        "Nothing imported: 1 file already in the library, 2 skipped."
    )
    assert summarize_imports([]).headline == "Nothing to import."
    cancelled = summarize_imports([ok], total=87, cancelled=True)
    assert cancelled.headline == "Cancelled after 1 of 87 files: imported 1 file."


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
    assert status == "Imported 2 files, 1 skipped."
    info = window.flows.summary_dialog.details.toPlainText()
    assert "\n• aes.pdf is an encrypted PDF (AES), which Liaison cannot decrypt;" in info
    assert (
        "\n• Lighthouse notes: 1 paragraph" in info and "\n• Portcullis notes: 1 paragraph" in info
    )
    window.flows.summary_dialog.close()
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


# -- folders -------------------------------------------------------------------------


def _note(path: Path, word: str) -> Path:
    """A one-paragraph note about ``word`` (its title "Notes on <word>")."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"Notes on {word}\n\nThe {word} inspection at the port found nothing unusual.\n",
        encoding="utf-8",
    )
    return path


def _imported_titles(window) -> set[str]:
    return {d["title"] for d in window.library.documents() if d["origin"] == "imported"}


def _watch_progress(window) -> list[tuple[int, int, str, str]]:
    """Record each progress report with what the progress dialog then shows."""
    seen: list[tuple[int, int, str, str]] = []

    def record(done: int, total: int, name: str) -> None:
        dialog = window.flows.progress_dialog
        assert dialog is not None and dialog.isVisible()
        seen.append((done, total, name, dialog.count_label.text()))

    window.jobs.progressed.connect(record)
    return seen


def test_import_folder_action_imports_nested_folders_with_progress(
    qtbot, own_window, tmp_path, monkeypatch
):
    window = own_window
    top = tmp_path / "dossier"
    _note(top / "lighthouse.txt", "lighthouse")
    _note(top / "2024" / "drawbridge.md", "drawbridge")
    _note(top / "2024" / "q3" / "deep" / "portcullis.txt", "portcullis")
    asked: list[str] = []

    def choose(_parent, caption, start):
        asked.append(caption)
        return str(top)

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", choose)
    action = window.actions_by_name["import_folder"]
    assert action.shortcut().toString() == "Ctrl+Shift+O"
    assert action in window.menuBar().actions()[0].menu().actions()
    seen = _watch_progress(window)
    ticks: list[int] = []
    timer = QTimer(window)
    timer.timeout.connect(lambda: ticks.append(1))
    with qtbot.waitSignal(window.flows.job_finished, timeout=JOB_TIMEOUT) as finished:
        action.trigger()
        # Returned at once: the work runs on the worker, the dialog is up, the loop turns.
        assert window.jobs.busy and not action.isEnabled() and window.library is None
        assert window.flows.progress_dialog.isVisible()
        timer.start(5)
    timer.stop()
    assert ticks  # the GUI thread ran its timers while the folder was imported
    assert asked == ["Import a folder into your library"]
    assert window.settings.import_folder == str(tmp_path)
    # Found first, then each file reported before it starts, with its count and the total.
    assert seen == [
        (0, 0, "", "Looking for documents…"),
        (0, 3, "lighthouse.txt", "1 of 3"),
        (1, 3, "drawbridge.md", "2 of 3"),
        (2, 3, "portcullis.txt", "3 of 3"),
        (3, 3, "", "3 of 3"),
    ]
    assert window.flows.progress_dialog is None  # closed before the summary
    assert finished.args[0] == "Imported 3 files."
    summary = window.flows.summary_dialog
    assert summary.isVisible() and summary.headline.text() == "Imported 3 files."
    assert summary.details.toPlainText().startswith("Imported (3):\n• Notes on lighthouse: ")
    assert _imported_titles(window) == {
        "Notes on lighthouse",
        "Notes on drawbridge",
        "Notes on portcullis",
    }
    for word in ("lighthouse", "drawbridge", "portcullis"):
        assert documents_label(window, f"notes-on-{word}") == f"Notes on {word}  (imported)"
    QTest.keyClick(summary, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not summary.isVisible())
    assert action.isEnabled()


def test_dropping_a_folder_and_a_file_imports_both(qtbot, own_window, tmp_path):
    window = own_window
    top = tmp_path / "dossier"
    _note(top / "a" / "b" / "lighthouse.txt", "lighthouse")
    _note(top / "drawbridge.txt", "drawbridge")
    single = _note(tmp_path / "loose" / "portcullis.md", "portcullis")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(top)), QUrl.fromLocalFile(str(single))])
    enter = _drag(QDragEnterEvent, window, mime)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    seen = _watch_progress(window)
    drop = _drag(QDropEvent, window, mime)
    status = run_job(qtbot, window, lambda: QApplication.sendEvent(window, drop))
    assert drop.isAccepted()
    assert status == "Imported 3 files."
    assert [s[:2] for s in seen] == [(0, 0), (0, 3), (1, 3), (2, 3), (3, 3)]
    assert _imported_titles(window) == {
        "Notes on lighthouse",
        "Notes on drawbridge",
        "Notes on portcullis",
    }
    window.flows.summary_dialog.close()


def test_cancel_keeps_exactly_the_files_imported_whole_and_searchable(
    qtbot, own_window, search_for, tmp_path
):
    window = own_window
    words = ["anchorage", "breakwater", "causeway", "dockyard", "estuary", "foreshore"]
    top = tmp_path / "dossier"
    for i, word in enumerate(words, start=1):
        _note(top / f"{i:02d}-{word}.txt", word)
    k = 2
    clicked: list[str] = []

    def cancel_during_file_k(done: int, _total: int, name: str) -> None:
        # File k is under way (k - 1 done): Cancel stops once it is imported.
        if done == k - 1 and name and not clicked:
            dialog = window.flows.progress_dialog
            clicked.append(dialog.count_label.text())
            QTest.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
            assert not dialog.cancel_button.isEnabled()
            assert dialog.time_label.text() == "Stopping after the current file…"

    window.jobs.progressed.connect(cancel_during_file_k)
    status = run_job(qtbot, window, lambda: window.flows.import_paths([top]))
    assert clicked == [f"{k} of {len(words)}"]
    assert status == f"Cancelled after {k} of {len(words)} files: imported {k} files."
    assert window.flows.summary_dialog.headline.text() == status
    # Exactly the first k, each whole (its one paragraph), found by a search; the rest absent.
    assert _imported_titles(window) == {f"Notes on {w}" for w in words[:k]}
    for word in words[:k]:
        doc = window.library.document(f"notes-on-{word}")
        assert [p["text"] for p in doc["passages_list"]] == [
            f"The {word} inspection at the port found nothing unusual."
        ]
        search_for(window, word)
        assert window.search_pane.results_model.hit(0).document_id == f"notes-on-{word}"
    for word in words[k:]:
        search_for(window, word)
        results = window.search_pane.results_model
        found = {results.hit(r).document_id for r in range(results.rowCount())}
        assert f"notes-on-{word}" not in found
    assert check_library().consistent
    window.flows.summary_dialog.close()


def test_the_summary_lists_skipped_files_with_reasons_and_closes_with_esc(
    qtbot, own_window, tmp_path
):
    window = own_window
    top = tmp_path / "dossier"
    _note(top / "lighthouse.txt", "lighthouse")
    _note(top / "sub" / "drawbridge.txt", "drawbridge")
    (top / "sub" / "copy.txt").write_bytes((top / "lighthouse.txt").read_bytes())
    (top / "sub" / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    (top / "empty.txt").write_text("")
    status = run_job(qtbot, window, lambda: window.flows.import_paths([top]))
    assert status == "Imported 2 files, 1 already in the library, 2 skipped."
    dialog = window.flows.summary_dialog
    assert dialog.headline.text() == status
    assert dialog.details.toPlainText().splitlines() == [
        "Skipped (2):",
        "• empty.txt is empty",
        "• dossier/sub/photo.png is not a document Liaison imports",
        "",
        "Imported (2):",
        "• Notes on lighthouse: 1 paragraph, 0 entities",
        "• Notes on drawbridge: 1 paragraph, 0 entities",
        "",
        "Already in the library (1):",
        "• copy.txt is already in the library (document notes-on-lighthouse)",
    ]
    # Scrollable, selectable and copyable; every control named for a screen reader.
    details = dialog.details
    assert details.isReadOnly() and details.verticalScrollBar() is not None
    assert details.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByKeyboard
    assert details.accessibleName() and dialog.copy_button.accessibleName()
    QTest.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert copied.startswith(status + "\n\nSkipped (2):\n• empty.txt is empty\n")
    details.setFocus()
    QTest.keyClick(details, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(details, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == details.toPlainText()
    QTest.keyClick(details, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_a_folder_with_nothing_to_import_says_so_in_one_sentence(qtbot, own_window, tmp_path):
    window = own_window
    before = len(window.library.documents())
    top = tmp_path / "photos"
    (top / "sub").mkdir(parents=True)
    (top / "sub" / "harbour.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    status = run_job(qtbot, window, lambda: window.flows.import_paths([top]))
    assert status == (
        "Nothing was imported: no document Liaison imports (text, Markdown, HTML or PDF) "
        "was found in “photos”."
    )
    dialog = window.flows.summary_dialog
    assert dialog.headline.text() == status
    assert dialog.details.toPlainText() == (
        "Skipped (1):\n• photos/sub/harbour.png is not a document Liaison imports"
    )
    QTest.keyClick(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert len(window.library.documents()) == before


@contextmanager
def _unreadable_folder(tmp_path: Path) -> Iterator[Path]:
    """A real folder this process cannot list, or a skip where there is none.

    Without root, a folder without permissions; root lists those, so then one the
    kernel keeps closed even to root (``/proc/1/map_files``).
    """
    if os.geteuid() != 0:
        top = tmp_path / "locked"
        _note(top / "lighthouse.txt", "lighthouse")
        top.chmod(0)
        try:
            yield top
        finally:
            top.chmod(0o700)
        return
    top = Path("/proc/1/map_files")
    try:
        os.listdir(top)
    except PermissionError:
        yield top
        return
    pytest.skip("no folder here that root cannot list")


def test_an_unreadable_folder_says_so_in_one_sentence(qtbot, own_window, tmp_path):
    window = own_window
    before = len(window.library.documents())
    with _unreadable_folder(tmp_path) as top:
        status = run_job(qtbot, window, lambda: window.flows.import_paths([top]))
    assert status == f"Nothing was imported: {top} cannot be read (Permission denied)."
    dialog = window.flows.summary_dialog
    assert dialog.headline.text() == status
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert len(window.library.documents()) == before


def test_an_unreadable_folder_is_one_sentence_in_words():
    top = Path("/srv/locked")
    summary = summarize_imports(
        [],
        skipped=[Skipped(top, "cannot be read (Permission denied)", True)],
        sources=[top],
    )
    assert (
        summary.headline == "Nothing was imported: /srv/locked cannot be read (Permission denied)."
    )


@contextmanager
def _read_only(folder: Path) -> Iterator[None]:
    """Make ``folder`` and everything under it read-only, for root too (immutable)."""
    if os.geteuid() == 0:
        if shutil.which("chattr") is None:
            pytest.skip("chattr is needed to make a folder read-only for root")
        subprocess.run(["chattr", "-R", "+i", str(folder)], check=True)
        try:
            yield
        finally:
            subprocess.run(["chattr", "-R", "-i", str(folder)], check=True)
        return
    modes = {p: p.stat().st_mode for p in [folder, *folder.rglob("*")] if p.is_dir()}
    for p in modes:
        p.chmod(0o555)
    try:
        yield
    finally:
        for p, mode in modes.items():
            p.chmod(mode)


def test_a_read_only_data_folder_is_one_sentence_and_nothing_is_lost(
    qtbot, own_window, tmp_path, search_for
):
    window = own_window
    first = run_job(
        qtbot, window, lambda: window.flows.import_paths([_note(tmp_path / "a.txt", "anchorage")])
    )
    assert first.startswith("Imported Notes on anchorage: ")
    window.flows.summary_dialog.close()
    before = sorted(d["id"] for d in window.library.documents())
    top = tmp_path / "dossier"
    _note(top / "lighthouse.txt", "lighthouse")
    _note(top / "sub" / "drawbridge.txt", "drawbridge")
    with _read_only(paths.data_dir()):
        status = run_job(qtbot, window, lambda: window.flows.import_paths([top]))
        assert window.flows.progress_dialog is None
        box = window.flows.notice_box
        assert box.isVisible()
        assert status == (
            f"Nothing was imported: the data folder {paths.data_dir()} cannot be written "
            "(Operation not permitted)."
            if os.geteuid() == 0
            else f"Nothing was imported: the data folder {paths.data_dir()} cannot be written "
            "(Permission denied)."
        )
        assert box.text() == f"<b>{status}</b>" and box.informativeText() == "<div></div>"
        QTest.keyClick(box, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: not box.isVisible())
        assert window.centralWidget().isEnabled()
    # Nothing stored was lost: the library reopened with what it held, still searchable.
    assert sorted(d["id"] for d in window.library.documents()) == before
    search_for(window, "anchorage")
    assert window.search_pane.results_model.hit(0).document_id == "notes-on-anchorage"
    assert check_library().consistent


def _un_folder(top: Path) -> Path:
    """An officer's folder: GA resolution and decision, an SC resolution, an SG report."""
    (top / "GA" / "99th session").mkdir(parents=True)
    make_pdf(top / "GA" / "99th session" / "A_RES_99_7.pdf", layouts.GA_RESOLUTION)
    (top / "GA" / "99th session" / "A_DEC_99_512.txt").write_text(
        layouts.GA_DECISION, encoding="utf-8"
    )
    (top / "Security Council" / "2014").mkdir(parents=True)
    make_pdf(top / "Security Council" / "2014" / "S_RES_2178.pdf", layouts.SC_RESOLUTION)
    (top / "Reports").mkdir()
    make_pdf(top / "Reports" / "A_77_150.pdf", layouts.REPORT)
    return top


def test_new_user_imports_a_folder_of_un_documents_each_cited_exactly(
    qtbot, own_window, search_for, tmp_path, monkeypatch
):
    """Issue 13's check, as a new user: File ▸ Import folder…, then find and cite."""
    window = own_window
    top = _un_folder(tmp_path / "Agenda item 131")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_args: str(top))
    seen = _watch_progress(window)
    with qtbot.waitSignal(window.flows.job_finished, timeout=120_000) as finished:
        window.actions_by_name["import_folder"].trigger()
    assert finished.args[0] == "Imported 4 files."
    assert [s[3] for s in seen][1:5] == ["1 of 4", "2 of 4", "3 of 4", "4 of 4"]
    window.flows.summary_dialog.close()

    # Each document listed (Documents tab) under its symbol, every passage cited exactly.
    expected = {
        "A/RES/99/7": layouts.GA_PASSAGES,
        "S/RES/2178 (2014)": layouts.SC_PASSAGES,
        "A/77/150": layouts.REPORT_PASSAGES,
        "A/DEC/99/512": layouts.DECISION_PASSAGES,
    }
    imported = {
        d["symbol"]: d["id"] for d in window.library.documents() if d["origin"] == "imported"
    }
    assert set(imported) == set(expected)
    for symbol, passages in expected.items():
        doc_id = imported[symbol]
        assert documents_label(window, doc_id) == f"{symbol}  (imported)"
        doc = window.library.document(doc_id)
        assert [(p["text"], window.library.citation(p["id"])) for p in doc["passages_list"]] == [
            (e.text, e.citation) for e in passages
        ]

    # Found by what it says, opened, and its citation copied: exactly right.
    for query, citation in [
        ("prevent and suppress", "S/RES/2178 (2014), para. 5"),
        ("joint programme on the border security", "A/77/150, para. 3"),
        ("counter-terrorism capacity-building", "A/RES/99/7, para. 1"),
    ]:
        search_for(window, query)
        window.search_pane.open_row(0)
        assert window.reader_pane.citation_label.full_text() == citation
        window.actions_by_name["copy_citation"].trigger()
        assert QGuiApplication.clipboard().text() == citation
