"""Briefs in the real window over the real store, driven by keystrokes with pytest-qt."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pypdf
import pytest
from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QKeySequence, QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QInputDialog, QLineEdit, QMenu

from db import paths
from db.briefs import Briefs
from desktop.app.briefing import default_brief_name
from desktop.app.settings import Settings
from desktop.app.widgets import MARK_TEXT

pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)"
)

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def answer_dialog(
    qtbot, *, text: str | None = None, down: int = 0, accept: bool = True
) -> list[str]:
    """Answer the next input dialog by keystrokes; return what it offered (its text or item)."""
    seen: list[str] = []

    def act(tries: int = 100) -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QInputDialog):
            if tries:
                QTimer.singleShot(20, lambda: act(tries - 1))
            return
        seen.append(dialog.textValue())
        target = dialog.findChild(QLineEdit) or dialog.findChild(QComboBox)
        target.setFocus()
        if text is not None:
            QTest.keyClick(target, Qt.Key.Key_A, CTRL)
            QTest.keyClicks(target, text)
        for _ in range(down):
            QTest.keyClick(target, Qt.Key.Key_Down)
        QTest.keyClick(target, Qt.Key.Key_Return if accept else Qt.Key.Key_Escape)
        if dialog.isVisible():  # never leave a test waiting on a dialog
            seen.append("(the keys did not close the dialog)")
            dialog.reject()

    QTimer.singleShot(0, act)
    return seen


def items(title: str) -> list[tuple[str, str | None]]:
    with Briefs.open() as briefs:
        return [(i.passage_id, i.quote) for i in briefs.items(title)]


def result_text(window, row: int) -> str:
    """Return the text the results list paints for ``row``."""
    view = window.search_pane.results_view
    hit = window.search_pane.results_model.hit(row)
    return window.search_pane.delegate._document(hit, view.font(), 400).toPlainText()


def test_pin_key_with_no_brief_asks_a_name_pins_the_result_and_marks_it(qtbot, window, search_for):
    assert not window.briefing.dock.isVisible()
    search_for(window, "maritime piracy")
    QTest.keyClick(window.search_pane.field, Qt.Key.Key_Down)
    hit = window.search_pane.current_hit()
    assert not result_text(window, 1).startswith(MARK_TEXT)
    offered = answer_dialog(qtbot)
    QTest.keyClick(window.search_pane.field, Qt.Key.Key_B, CTRL)
    name = default_brief_name(dt.date.today())
    assert offered == [name]
    assert items(name) == [(hit.passage_id, None)]
    assert window.briefing.pane.current_title() == name
    assert window.briefing.dock.isVisible()
    assert result_text(window, 1).startswith(MARK_TEXT)
    assert not result_text(window, 0).startswith(MARK_TEXT)
    assert "Pinned" in window.statusBar().currentMessage()
    assert window.settings.brief_title == name
    with Briefs.open() as briefs:
        assert briefs.get(name).date == dt.date.today().isoformat()


def test_cancelling_the_name_pins_nothing(qtbot, window, search_for):
    search_for(window, "maritime piracy")
    answer_dialog(qtbot, accept=False)
    QTest.keyClick(window.search_pane.field, Qt.Key.Key_B, CTRL)
    with Briefs.open() as briefs:
        assert briefs.list() == []
    assert window.briefing.pane.current_title() is None


def test_pin_the_viewer_paragraph_then_a_quote_and_both_are_marked_in_the_margin(
    qtbot, window, search_for
):
    search_for(window, "maritime piracy")
    QTest.keyClick(window.search_pane.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.reader_pane.reader.passage is not None)
    opened = window.reader_pane.reader.passage["id"]
    answer_dialog(qtbot, text="Vienna")
    viewer = window.reader_pane.viewer
    viewer.setFocus()
    QTest.keyClick(viewer, Qt.Key.Key_B, CTRL)  # the paragraph opened
    assert items("Vienna") == [(opened, None)]
    window.activateWindow()  # the name dialog closed: the window's keys are its again
    qtbot.waitUntil(window.isActiveWindow)
    # Another paragraph, the caret in it (as a click puts it), then a few of its words.
    document = window.reader_pane.reader.document
    other = next(p for p in document["passages_list"] if p["id"] != opened and len(p["text"]) > 80)
    assert window.reader_pane.select_passage(other["id"])
    window.selection.select_from("viewer")
    QTest.keyClick(viewer, Qt.Key.Key_B, CTRL)
    words = other["text"][10:60].strip()
    viewer.moveCursor(QTextCursor.MoveOperation.Start)
    assert viewer.find(words)
    QTest.keyClick(viewer, Qt.Key.Key_B, CTRL)
    assert items("Vienna") == [(opened, None), (other["id"], None), (other["id"], words)]
    assert "Quoted" in window.statusBar().currentMessage()
    marked = {pid for pid, _rect in window.briefing.gutter.marked_rects()}
    assert marked == {opened, other["id"]}
    # The bookmark is drawn where the paragraph is.
    window.reader_pane.reveal()
    _pid, rect = next((p, r) for p, r in window.briefing.gutter.marked_rects() if p == other["id"])
    image = window.briefing.gutter.grab().toImage()
    background = image.pixelColor(0, 0)
    y = rect.top() + 3
    assert 0 <= y < image.height()
    assert image.pixelColor(rect.center().x(), y) != background


def test_pin_from_the_right_click_menu_of_a_result(qtbot, window, search_for):
    window.briefing.pane.new_brief("Geneva")
    search_for(window, "counter-terrorism")
    menu = window.selection.results_menu(2)
    pin = next(a for a in menu.actions() if a.objectName() == "pin")
    assert pin.text() == "&Pin to brief"
    pin.trigger()
    menu.close()
    assert items("Geneva") == [(window.search_pane.results_model.hit(2).passage_id, None)]


def test_enter_in_the_pane_opens_the_item_and_recent_passages_are_one_key_away(
    qtbot, window, search_for
):
    window.briefing.pane.new_brief("Geneva")
    search_for(window, "maritime piracy")
    first = window.search_pane.results_model.hit(0).passage_id
    third = window.search_pane.results_model.hit(2).passage_id
    window.search_pane.open_row(2)
    QTest.keyClick(window.search_pane.field, Qt.Key.Key_B, CTRL)  # pins the highlighted third
    window.search_pane.open_row(0)
    assert window.reader_pane.reader.passage["id"] == first
    QTest.keyClick(window.search_pane.field, Qt.Key.Key_B, SHIFT | CTRL)  # View › Brief pane
    view = window.briefing.pane.view
    assert view.hasFocus()
    QTest.keyClick(view, Qt.Key.Key_Return)
    assert window.reader_pane.reader.passage["id"] == third
    # Recently opened passages, newest first (Ctrl+Shift+R), kept in briefs.sqlite.
    with Briefs.open() as briefs:
        assert [r.passage_id for r in briefs.recent_passages()][:2] == [third, first]
    window.search_pane.field.setFocus()
    QTest.keyClick(window.search_pane.field, Qt.Key.Key_R, SHIFT | CTRL)
    menu = next(m for m in window.findChildren(QMenu) if m.title() == "Recently opened passages")
    texts = [a.text() for a in menu.actions()]
    assert texts[:2] == [
        window.library.citation(third).replace("&", "&&"),
        window.library.citation(first).replace("&", "&&"),
    ]
    menu.actions()[1].trigger()
    menu.close()
    assert window.reader_pane.reader.passage["id"] == first


class _Opened(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


def test_ctrl_p_on_the_pane_prints_the_brief_as_a_pdf_it_opens(qtbot, window, library):
    window.briefing.pane.new_brief("Print me")
    pid = "a-res-77-20:op2"
    window.reader_pane.reader.open_passage(pid, "")
    window.reader_pane.viewer.setFocus()
    QTest.keyClick(window.reader_pane.viewer, Qt.Key.Key_B, CTRL)
    opened = _Opened()
    QDesktopServices.setUrlHandler("file", opened, "open")
    try:
        window.briefing.pane.view.setFocus()
        QTest.keySequence(window.briefing.pane.view, QKeySequence("Ctrl+P"))
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert len(opened.urls) == 1
    pdf = Path(opened.urls[0].toLocalFile())
    assert pdf.parent == paths.prints_dir() and pdf.name == "Print me.pdf"
    text = " ".join(" ".join(p.extract_text().split()) for p in pypdf.PdfReader(pdf).pages)
    assert " ".join(library.passage(pid)["text"].split()) in text
    assert library.citation(pid) in text


def test_the_open_brief_is_remembered_and_follows_the_citation_style(qtbot, make_window, library):
    first = make_window()
    first.briefing.pane.new_brief("Alpha")
    first.briefing.pane.new_brief("Beta")
    first.briefing.pane.pin("a-res-77-20:op1")
    first.briefing.show_pane()
    first.close()
    assert Settings().brief_title == "Beta"
    second = make_window()
    assert second.briefing.pane.current_title() == "Beta"
    assert second.briefing.dock.isVisible()
    second.actions_by_name["cite_full"].trigger()
    assert second.briefing.pane.style_name == "full"
    doc = second.briefing.pane.document()
    assert doc.items[0].citation == library.citation("a-res-77-20:op1", style="full")


def test_new_open_and_rename_from_the_brief_menu(qtbot, window):
    answer_dialog(qtbot, text="Alpha")
    window.actions_by_name["new_brief"].trigger()
    answer_dialog(qtbot, text="Beta")
    window.actions_by_name["new_brief"].trigger()
    assert window.briefing.pane.current_title() == "Beta"
    offered = answer_dialog(qtbot, down=1)  # newest first: Beta, then Alpha
    window.actions_by_name["open_brief"].trigger()
    assert offered == ["Beta"]
    assert window.briefing.pane.current_title() == "Alpha"
    answer_dialog(qtbot, text="Alpha (Vienna)")
    window.actions_by_name["rename_brief"].trigger()
    assert window.briefing.pane.current_title() == "Alpha (Vienna)"
    with Briefs.open() as briefs:
        assert sorted(b.title for b in briefs.list()) == ["Alpha (Vienna)", "Beta"]
    # A name already taken is refused in one sentence, and nothing changes.
    answer_dialog(qtbot, text="beta")
    window.actions_by_name["rename_brief"].trigger()
    assert window.briefing.pane.current_title() == "Alpha (Vienna)"
    assert "beta" in window.statusBar().currentMessage().lower()


def test_set_library_after_a_removal_marks_the_item(qtbot, own_window, tmp_path: Path):
    """An imported document pinned, then removed: the pane says so and keeps the text."""
    source = tmp_path / "note.md"
    source.write_text("# A note\n\nThe first paragraph of the note.\n", encoding="utf-8")
    with qtbot.waitSignal(own_window.library_opened, timeout=60_000):
        assert own_window.jobs.start_import([source])
    library = own_window.library
    doc = next(d for d in library.documents() if d.get("origin") == "imported")
    pid = library.document(doc["id"])["passages_list"][0]["id"]
    own_window.briefing.pane.new_brief("Kept")
    assert own_window.briefing.pane.pin(pid)
    with qtbot.waitSignal(own_window.library_opened, timeout=60_000):
        assert own_window.jobs.start_remove(doc["id"])
    model = own_window.briefing.pane.model
    assert model.check(0).status == "removed"
    assert model.check(0).item.text == "The first paragraph of the note."
