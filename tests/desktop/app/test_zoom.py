"""Zoom: Ctrl++ / Ctrl+- / Ctrl+0 scale every pane's type, and the factor persists."""

from __future__ import annotations

import pytest

from desktop.app.settings import Settings
from desktop.app.zoom import READING_SCALE, ZOOM_STEPS, clamp, next_step

# The offscreen platform plugin says so whenever a window with a menu bar is shown.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (propagateSizeHints|raise)")


def test_zoom_changes_fonts(window):
    before = window.reader_pane.viewer.document().defaultFont().pointSizeF()
    results_before = window.search_pane.results_view.font().pointSizeF()
    window.actions_by_name["zoom_in"].trigger()
    assert window.reader_pane.viewer.document().defaultFont().pointSizeF() > before
    assert window.search_pane.results_view.font().pointSizeF() > results_before
    window.actions_by_name["zoom_reset"].trigger()
    assert abs(window.reader_pane.viewer.document().defaultFont().pointSizeF() - before) < 0.01


def test_zoom_enlarges_the_tree_the_search_field_and_the_buttons(window):
    widgets = (
        window.tree_pane.current_view(),
        window.tree_pane.filter_field,
        window.search_pane.field,
        window.reader_pane.back_button,
        window.reader_pane.citation_label,
    )
    before = [w.font().pointSizeF() for w in widgets]
    window.actions_by_name["zoom_in"].trigger()
    window.actions_by_name["zoom_in"].trigger()
    after = [w.font().pointSizeF() for w in widgets]
    assert all(a == pytest.approx(b * 1.25) for a, b in zip(after, before, strict=True)), after
    assert window.reader_pane.citation_label.font().bold()
    reading = window.reader_pane.viewer.document().defaultFont().pointSizeF()
    assert reading == pytest.approx(window.search_pane.field.font().pointSizeF() * READING_SCALE)
    assert window.status_bar.currentMessage() == "Zoom 125 %"
    assert Settings().zoom == 1.25


def test_steps_stop_at_both_ends():
    assert next_step(1.0, +1) == 1.1 and next_step(1.0, -1) == 0.9 and next_step(2.5, 0) == 1.0
    assert next_step(ZOOM_STEPS[-1], +1) == ZOOM_STEPS[-1]
    assert next_step(ZOOM_STEPS[0], -1) == ZOOM_STEPS[0]
    assert next_step(1.3, +1) == 1.5  # from the nearest step
    assert clamp(9.0) == ZOOM_STEPS[-1] and clamp(0.1) == ZOOM_STEPS[0]
