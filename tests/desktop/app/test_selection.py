"""What is selected, and copying it with its citation."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication, QTextCursor
from PySide6.QtTest import QTest

from desktop.app.viewer import passage_anchor

# The offscreen platform plugin says so whenever a window with a menu bar is shown.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (propagateSizeHints|raise)")


def test_copy_citation_and_passage(window):
    window.reader_pane.reader.open_passage("a-res-77-20:op17a")
    window.actions_by_name["copy_citation"].trigger()
    assert QGuiApplication.clipboard().text() == "A/RES/77/20, para. 17(a)"
    window.actions_by_name["copy_passage"].trigger()
    text = QGuiApplication.clipboard().text()
    assert text.endswith("”\n— A/RES/77/20, para. 17(a)")
    assert text.startswith("“" + window.library.passage("a-res-77-20:op17a")["text"])
    assert "A/RES/77/20, para. 17(a)" in QGuiApplication.clipboard().mimeData().html()


def test_copy_takes_the_highlighted_result_not_the_open_passage(qtbot, window, search_for):
    search_for(window, "maritime piracy")
    QTest.keyClick(window.search_pane.field, Qt.Key.Key_Return)
    opened = window.reader_pane.reader.passage["id"]
    search_for(window, "counter-terrorism")
    QTest.keyClick(window.search_pane.field, Qt.Key.Key_Down)
    highlighted = window.search_pane.current_hit().passage_id
    assert highlighted != opened
    QTest.keyClick(
        window.search_pane.field,
        Qt.Key.Key_C,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    text, html = _clipboard()
    assert text == window.library.citation(highlighted)
    assert html == window.library.citation_html(highlighted)
    assert window.reader_pane.citation_label.full_text() == text
    # The right-click menu of a result acts on that result.
    menu = window.selection.results_menu(0)
    first = window.search_pane.current_hit().passage_id
    names = [a.objectName() for a in menu.actions()]
    assert names == ["copy_citation", "copy_passage", "", "pin"]
    menu.actions()[1].trigger()
    text, html = _clipboard()
    assert text.startswith("“" + window.library.passage(first)["text"][:40])
    assert text.endswith("\n— " + window.library.citation(first))
    assert "<i>" in html or "<p" in html
    menu.close()


def test_clicking_a_viewer_paragraph_selects_it_for_copying(qtbot, window):
    window.reader_pane.reader.open_passage("a-res-77-20:op1")
    window.reader_pane.viewer.setTextCursor(QTextCursor(window.reader_pane.viewer.document()))
    point = _paragraph_point(window, "a-res-77-20:op17a")
    QTest.mouseClick(window.reader_pane.viewer.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert window.reader_pane.selected_id == "a-res-77-20:op17a"
    assert window.reader_pane.citation_label.full_text() == "A/RES/77/20, para. 17(a)"
    window.actions_by_name["copy_citation"].trigger()
    assert _clipboard()[0] == "A/RES/77/20, para. 17(a)"
    # Full style, for every copy action.
    window.actions_by_name["cite_full"].trigger()
    assert window.settings.citation_style == "full"
    window.actions_by_name["copy_citation"].trigger()
    full = "General Assembly resolution 77/20 of 21 November 2022, para. 17(a)"
    assert _clipboard()[0] == full
    assert window.reader_pane.citation_label.full_text() == full
    # A selection inside the paragraph: quoted with that paragraph's citation.
    viewer = window.reader_pane.viewer
    viewer.moveCursor(QTextCursor.MoveOperation.Start)
    assert viewer.find("communications system, which enables")
    menu = window.selection.viewer_menu()
    assert [a.objectName() for a in menu.actions()] == [
        "copy_citation",
        "copy_passage",
        "copy_selection",
        "",
        "pin",
    ]
    menu.actions()[2].trigger()
    menu.close()
    assert _clipboard()[0] == f"“communications system, which enables”\n— {full}"
    window.actions_by_name["cite_short"].trigger()


def _clipboard() -> tuple[str, str]:
    mime = QGuiApplication.clipboard().mimeData()
    return mime.text(), mime.html()


def _paragraph_point(window, passage_id: str):
    viewer = window.reader_pane.viewer
    block = viewer.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            if passage_anchor(passage_id) in it.fragment().charFormat().anchorNames():
                cursor = QTextCursor(block)
                cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
                viewer.setTextCursor(cursor)
                viewer.ensureCursorVisible()
                return viewer.cursorRect(cursor).center() - QPoint(20, 0)
            it += 1
        block = block.next()
    raise AssertionError(f"{passage_id} is not shown")
