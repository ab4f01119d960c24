"""The tree pane: its filter field, and Enter or Down from it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

# The offscreen platform plugin says so whenever a window with a menu bar is shown.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (propagateSizeHints|raise)")


def test_tree_filter_narrows_the_tree(window):
    window.tree_pane.show_tab("un")
    window.tree_pane.filter_field.setText("UNODC")
    proxy = window.tree_pane.proxies["un"]
    assert proxy.rowCount() == 1
    assert proxy.mapFromSource(window.tree_pane.models["un"].find("entity:unodc")).isValid()
    assert not proxy.mapFromSource(window.tree_pane.models["un"].find("entity:unfpa")).isValid()


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Down])
def test_enter_or_down_in_the_tree_filter_selects(window, key):
    window.tree_pane.show_tab("un")
    window.tree_pane.filter_field.setFocus()
    QTest.keyClicks(window.tree_pane.filter_field, "UNODC")
    QTest.keyClick(window.tree_pane.filter_field, key)
    assert window.tree_pane.current_view().hasFocus()
    assert window.search_pane.controller.filter("entity").value == "unodc"


def test_each_tab_opens_its_first_level_when_first_shown(window):
    for key in window.tree_pane.tab_keys:
        window.tree_pane.show_tab(key)
        view = window.tree_pane.views[key]
        model = view.model()
        parents = [
            model.index(r, 0)
            for r in range(model.rowCount())
            if model.hasChildren(model.index(r, 0))
        ]
        assert all(view.isExpanded(index) for index in parents), key
    assert any(
        window.tree_pane.views[key]
        .model()
        .hasChildren(window.tree_pane.views[key].model().index(0, 0))
        for key in window.tree_pane.tab_keys
    )
