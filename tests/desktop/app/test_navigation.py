"""Tree choices and followed entities: what they filter and open."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from desktop.app.models import NODE_ROLE
from desktop.app.search import RESULT_LIMIT

# The offscreen platform plugin says so whenever a window with a menu bar is shown.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (propagateSizeHints|raise)")


def test_entity_in_tree_filters_results_and_chip_removes_it(qtbot, window, search_for):
    search_for(window, "cooperation")
    unfiltered = window.search_pane.results_model.rowCount()
    assert window.tree_pane.select("un", "entity:unodc")
    assert window.search_pane.controller.filter("entity").value == "unodc"
    assert "entity" in window.search_pane.chips.chips
    hits = [
        window.search_pane.results_model.hit(r)
        for r in range(window.search_pane.results_model.rowCount())
    ]
    allowed = {h.passage_id for h in window.library.search("", limit=1000, entity="unodc").hits}
    assert hits and {h.passage_id for h in hits} <= allowed
    assert len(hits) <= unfiltered
    window.search_pane.chips.chips["entity"].click()
    assert window.search_pane.controller.filter("entity") is None
    assert not window.search_pane.chips.isVisible()


def test_document_outline_node_opens_passage_and_document_node_filters(window):
    assert window.tree_pane.select("documents", "passage:a-res-77-20:op17b")
    assert window.reader_pane.reader.passage["id"] == "a-res-77-20:op17b"
    assert window.tree_pane.select("documents", "doc:a-res-77-20")
    assert window.search_pane.controller.filter("document").value == "a-res-77-20"
    assert window.search_pane.results_model.rowCount() > 0
    assert all(
        window.search_pane.results_model.hit(r).document_id == "a-res-77-20"
        for r in range(window.search_pane.results_model.rowCount())
    )


def test_mention_click_selects_entity(window):
    window.reader_pane.reader.open_passage("a-res-77-20:op1")
    assert "liaison://entity/" in window.reader_pane.reader.html
    window.reader_pane.viewer.entity_link.emit("unodc")
    node = window.tree_pane.views["un"].currentIndex().data(Qt.ItemDataRole.UserRole + 1)
    assert node is not None and node.ref == "unodc"
    assert window.search_pane.controller.filter("entity").value == "unodc"


def test_switching_tree_tabs_does_not_filter(window):
    for name in ("tab_capabilities", "tab_themes", "tab_un"):
        window.actions_by_name[name].trigger()
        assert window.search_pane.controller.filters == (), name


def test_choosing_a_document_clears_an_entity_filter_it_cannot_meet(window):
    lib = window.library
    pairs = (
        (e["id"], d["id"])
        for e in lib.entity_tree("un")
        if lib.entity_passage_ids(e["id"])
        for d in lib.documents()
        if not {p["id"] for p in lib.document(d["id"])["passages_list"]}
        & lib.entity_passage_ids(e["id"])
    )
    entity_id, doc_id = next(pairs)
    assert window.tree_pane.select("un", f"entity:{entity_id}")
    assert window.search_pane.controller.filter("entity") is not None
    assert window.tree_pane.select("documents", f"doc:{doc_id}")
    assert window.search_pane.controller.filter("entity") is None
    assert window.search_pane.results_model.rowCount() > 0


def test_following_an_entity_in_the_text_clears_the_query(qtbot, window, search_for):
    search_for(window, "piracy")
    QTest.keyClick(window.search_pane.field, Qt.Key.Key_Return)
    window.reader_pane.viewer.entity_link.emit("unodc")
    assert window.search_pane.field.text() == ""
    assert window.search_pane.controller.filter("entity").value == "unodc"
    qtbot.waitUntil(lambda: window.search_pane.results_model.rowCount() > 0)


def test_choosing_the_general_assembly_lists_its_resolution(qtbot, window):
    """Its own resolution's passages, and the passages naming it, as many as the tree says."""
    assert window.tree_pane.select("un", "entity:general_assembly")
    model = window.search_pane.results_model
    qtbot.waitUntil(lambda: model.rowCount() > 0)
    shown = [model.hit(r).passage_id for r in range(model.rowCount())]
    assert "a-res-77-20:op1" in shown  # names no organ: there as part of the GA's resolution
    assert "united-nations:s1.p1" in shown  # names the GA
    node = window.tree_pane.current_view().currentIndex().data(NODE_ROLE)
    assert node.ref == "general_assembly"
    assert node.count == len(window.library.entity_passage_ids("general_assembly")) > 8
    assert len(shown) == min(node.count, RESULT_LIMIT)
