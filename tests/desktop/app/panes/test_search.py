"""The search pane: results, filters, the passage-kind menu, recent searches and dates."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QListView

from desktop.app.panes.search import RESULT_BATCH

# The offscreen platform plugin says so whenever a window with a menu bar is shown.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (propagateSizeHints|raise)")


def test_typo_and_empty_states(window, search_for):
    search_for(window, "zzzqqxx")
    assert window.search_pane.results_stack.currentWidget() is window.search_pane.empty_label
    assert "No passage matches “zzzqqxx”" in window.search_pane.empty_label.text()
    search_for(window, "peacekeping")
    state = window.search_pane.controller.last_state
    assert state.corrected_query == "peacekeeping"
    assert window.search_pane.info_label.text().startswith("Showing results for “peacekeeping”")
    QTest.keyClick(window.search_pane.field, Qt.Key.Key_Escape)
    assert window.search_pane.field.text() == ""


def test_operative_paragraphs_include_their_sub_paragraphs(window, search_for):
    op = next(a for a in window.search_pane.kind_actions if a.data() == "operative")
    op.trigger()
    search_for(window, "INTERPOL databases")
    model = window.search_pane.results_model
    kinds = {model.hit(r).kind for r in range(model.rowCount())}
    assert kinds == {"operative", "subparagraph"}
    assert "a-res-77-20:op17b" in {model.hit(r).passage_id for r in range(model.rowCount())}


def test_recent_searches_are_remembered_and_searched_again(qtbot, window, search_for):
    for query in ("maritime piracy", "counter-terrorism", "maritime piracy"):
        search_for(window, query)
        QTest.keyClick(window.search_pane.field, Qt.Key.Key_Return)
    assert window.settings.recent_searches[:2] == ["maritime piracy", "counter-terrorism"]
    menu = window.search_pane.recent_menu(window.settings.recent_searches)
    assert [a.text() for a in menu.actions()][:2] == ["maritime piracy", "counter-terrorism"]
    menu.actions()[1].trigger()
    menu.close()
    assert window.search_pane.field.text() == "counter-terrorism"
    assert window.search_pane.controller.last_state.query == "counter-terrorism"


def test_date_filter_like_the_cli(window, search_for):
    search_for(window, "cooperation")
    assert window.search_pane.apply_dates("2022-01-01", "2022-12-31")
    model = window.search_pane.results_model
    assert model.rowCount() > 0
    assert {model.hit(r).document_id for r in range(model.rowCount())} == {"a-res-77-20"}
    assert window.search_pane.chips.chips["date"].text().startswith("Dates: 2022-01-01")
    assert not window.search_pane.apply_dates("21/11/2022", "")
    assert "Not a date range" in window.statusBar().currentMessage()
    assert window.search_pane.apply_dates("", "")
    assert window.search_pane.controller.filter("date") is None


def test_results_are_laid_out_in_batches_and_all_reachable(qtbot, window, search_for):
    search_for(window, "cooperation")
    model, view = window.search_pane.results_model, window.search_pane.results_view
    assert view.layoutMode() == QListView.LayoutMode.Batched
    assert model.rowCount() > RESULT_BATCH
    last = model.index(model.rowCount() - 1, 0)
    qtbot.waitUntil(lambda: view.visualRect(last).height() > 0)
    view.scrollTo(last)
    assert view.visualRect(last).intersects(view.viewport().rect())
    assert view.visualRect(last).top() > view.visualRect(model.index(0, 0)).top()
