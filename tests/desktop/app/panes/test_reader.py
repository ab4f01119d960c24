"""The reader pane: raw source, find, footnotes, the lead-in, marks, paragraph numbers, Tab."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from desktop.app.viewer import passage_anchor

# The offscreen platform plugin says so whenever a window with a menu bar is shown.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (propagateSizeHints|raise)")


def test_source_toggle_selects_the_span(window):
    window.reader_pane.reader.open_passage("a-res-77-20:op1")
    window.actions_by_name["toggle_source"].trigger()
    p = window.library.passage("a-res-77-20:op1")
    source = window.library.source_text("a-res-77-20")
    assert window.reader_pane.viewer.toPlainText() == source
    cursor = window.reader_pane.viewer.textCursor()
    assert (cursor.selectionStart(), cursor.selectionEnd()) == (p["span_start"], p["span_end"])
    window.actions_by_name["toggle_source"].trigger()
    assert "<h1>" not in window.reader_pane.viewer.toPlainText()
    assert not window.reader_pane.viewer.source_mode


def test_find_in_document(window):
    window.reader_pane.reader.open_passage("a-res-77-20:op1")
    window.actions_by_name["find"].trigger()
    assert window.reader_pane.find_bar.isVisible()
    window.reader_pane.find_bar.field.setText("INTERPOL")
    window.actions_by_name["find_next"].trigger()
    first = window.reader_pane.viewer.textCursor().selectionStart()
    window.actions_by_name["find_next"].trigger()
    assert window.reader_pane.viewer.textCursor().selectionStart() > first
    window.actions_by_name["find_previous"].trigger()
    assert window.reader_pane.viewer.textCursor().selectionStart() == first
    assert window.reader_pane.find("no such words anywhere") is False


def test_footnote_text_for_markers(window):
    window.reader_pane.reader.open_passage("a-res-77-20:pp2")
    assert 'href="liaison://fn/1"' in window.reader_pane.reader.html
    assert window.reader_pane.viewer.footnotes["1"].startswith("1. United Nations, Treaty Series")


def test_web_pages_show_paragraph_numbers_and_catalog_notes(window):
    window.reader_pane.reader.open_passage("united-nations:s7.p1")
    html = window.reader_pane.reader.html
    assert "it still names DPKO" in window.reader_pane.viewer.toPlainText()
    number = window.library.passage("united-nations:s7.p1")["number"]
    anchor = passage_anchor("united-nations:s7.p1")
    assert f'<a name="{anchor}"></a><span style="color:' in html
    after = html.split(f'<a name="{anchor}"></a>', 1)[1]
    assert after.split("</span>", 1)[0].endswith(f">{number}&nbsp;&nbsp;&nbsp;")


def test_a_sub_paragraph_opens_at_its_lead_in(window):
    window.reader_pane.reader.open_passage("a-res-77-20:op17b")
    assert window.reader_pane.reader.anchor == passage_anchor("a-res-77-20:op17")
    assert window.reader_pane.selected_id == "a-res-77-20:op17b"
    viewer = window.reader_pane.viewer
    top = viewer.cursorForPosition(QPoint(5, 5))
    visible = viewer.document().toPlainText()[top.position() :]
    assert "Encourages" in visible.split("INTERPOL databases")[0]


def test_find_says_n_of_m(window):
    window.reader_pane.reader.open_document("a-res-77-20")
    text = window.reader_pane.viewer.document().toPlainText()
    total = text.lower().count("interpol")
    pane = window.reader_pane
    window.actions_by_name["find"].trigger()
    pane.find_bar.field.setText("INTERPOL")
    window.actions_by_name["find_next"].trigger()
    assert pane.find_bar.status.text() == f"1 of {total}"
    window.actions_by_name["find_next"].trigger()
    assert pane.find_bar.status.text() == f"2 of {total}"
    rect = pane.viewer.cursorRect()
    assert rect.bottom() < pane.viewer.viewport().height() - rect.height()


TERM_MARK = "background-color:#ffe27a"


def test_esc_clears_the_previous_search_marks(qtbot, window, search_for):
    search_for(window, "piracy")
    QTest.keyClick(window.search_pane.field, Qt.Key.Key_Return)
    assert TERM_MARK in window.reader_pane.reader.html
    window.search_pane.field.setFocus()
    QTest.keyClick(window.search_pane.field, Qt.Key.Key_Escape)
    assert TERM_MARK not in window.reader_pane.reader.html


def test_tab_leaves_the_viewer_instead_of_walking_its_links(window):
    window.reader_pane.reader.open_passage("a-res-77-20:op1")
    viewer = window.reader_pane.viewer
    viewer.setFocus()
    QTest.keyClick(viewer, Qt.Key.Key_Tab)
    assert not viewer.hasFocus()
    assert not viewer.textCursor().hasSelection()


def _marked_runs(window) -> list[str]:
    """Return the runs of text the viewer shows marked as search terms, in order."""
    runs: list[str] = []
    block = window.reader_pane.viewer.document().begin()
    while block.isValid():
        current = ""
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.charFormat().background().color().name() == TERM_MARK.split(":")[1]:
                current += fragment.text()
            elif current:
                runs.append(current)
                current = ""
            it += 1
        if current:
            runs.append(current)
        block = block.next()
    return runs


def test_an_acronym_marks_only_its_entity_in_the_viewer(qtbot, window, search_for):
    search_for(window, "UNODC")
    model = window.search_pane.results_model
    row = next(r for r in range(model.rowCount()) if model.hit(r).passage_id.endswith(":op14"))
    window.search_pane.results_view.setCurrentIndex(model.index(row, 0))
    QTest.keyClick(window.search_pane.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.reader_pane.reader.passage is not None)
    assert window.reader_pane.reader.passage["id"] == "a-res-77-20:op14"
    runs = _marked_runs(window)
    assert "United Nations Office on Drugs and Crime" in runs
    assert set(runs) == {"United Nations Office on Drugs and Crime"}
    assert window.reader_pane.viewer.toPlainText().count("United Nations") > len(runs)
