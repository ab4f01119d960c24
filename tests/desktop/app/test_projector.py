"""Projector mode (F11): full screen, the viewer alone, large type; F11 gives everything back."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest

from desktop.app.projector import PROJECTOR_ZOOM
from desktop.app.settings import Settings

# The offscreen platform plugin says so whenever a window with a menu bar is shown.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (propagateSizeHints|raise)")


def _reading_size(window) -> float:
    return window.reader_pane.viewer.document().defaultFont().pointSizeF()


def test_f11_shows_the_viewer_alone_in_large_type_and_back(window):
    window.reader_pane.reader.open_passage("a-res-77-20:op17a")
    reading, tree = _reading_size(window), window.tree_pane.font().pointSizeF()
    window.reader_pane.viewer.setFocus()
    QTest.keySequence(window.reader_pane.viewer, QKeySequence("F11"))
    assert window.projector.active and window.isFullScreen()
    assert window.actions_by_name["projector"].isChecked()
    for hidden in (window.tree_pane, window.search_pane, window.status_bar):
        assert not hidden.isVisible()
    assert window.reader_pane.isVisible() and window.reader_pane.viewer.hasFocus()
    assert window.zoom.factor == PROJECTOR_ZOOM
    assert _reading_size(window) == pytest.approx(reading * PROJECTOR_ZOOM)
    QTest.keySequence(window.reader_pane.viewer, QKeySequence("F11"))
    assert not window.projector.active and not window.isFullScreen()
    assert not window.actions_by_name["projector"].isChecked()
    for shown in (window.tree_pane, window.search_pane, window.status_bar):
        assert shown.isVisible()
    assert _reading_size(window) == pytest.approx(reading)
    assert window.tree_pane.font().pointSizeF() == pytest.approx(tree)


def test_a_larger_zoom_stays_and_the_projectors_is_never_saved(make_window):
    window = make_window()
    for _ in range(6):  # 1.0 → 2.5, above the projector's own zoom
        window.actions_by_name["zoom_in"].trigger()
    mine = window.zoom.factor
    assert mine > PROJECTOR_ZOOM
    window.actions_by_name["projector"].trigger()
    assert window.zoom.factor == mine
    window.actions_by_name["zoom_out"].trigger()  # a step in the room is not the officer's
    window.settings.sync()
    assert Settings().zoom == mine
    window.close()  # closed in projector mode
    assert Settings().zoom == mine
