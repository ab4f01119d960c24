"""Light and dark themes, switched from the View menu."""

from __future__ import annotations

import pytest

from desktop.app.settings import Settings

# The offscreen platform plugin says so whenever a window with a menu bar is shown.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (propagateSizeHints|raise)")


def test_theme_toggle_switches_palette(qapp, window):
    light = qapp.palette().color(qapp.palette().ColorRole.Base).lightness()
    window.actions_by_name["toggle_dark"].trigger()
    assert window.theme.dark and window.theme.mode == "dark"
    assert qapp.palette().color(qapp.palette().ColorRole.Base).lightness() < light
    assert window.actions_by_name["toggle_dark"].isChecked()
    window.actions_by_name["toggle_dark"].trigger()
    assert not window.theme.dark


def test_following_the_system_theme_is_a_choice_that_persists(window):
    window.actions_by_name["follow_system"].trigger()
    assert window.theme.mode == "system" and window.actions_by_name["follow_system"].isChecked()
    assert Settings().theme == "system"
    window.actions_by_name["follow_system"].trigger()  # leave it: the look stays as it is
    assert window.theme.mode == ("dark" if window.theme.dark else "light")
    assert not window.actions_by_name["follow_system"].isChecked()
    assert Settings().theme == window.theme.mode


def test_the_viewer_follows_a_theme_switch(window):
    """Its focus outline's style sheet once kept the viewer light: dark text on white."""
    window.reader_pane.reader.open_passage("a-res-77-20:op1")
    viewer = window.reader_pane.viewer
    role = viewer.palette().ColorRole
    assert viewer.palette().color(role.Base).lightness() > 128
    window.actions_by_name["toggle_dark"].trigger()
    assert viewer.palette().color(role.Base).lightness() < 64
    assert viewer.palette().color(role.Text).lightness() > 192
    window.actions_by_name["toggle_dark"].trigger()
    assert viewer.palette().color(role.Base).lightness() > 192
    assert viewer.palette().color(role.Text).lightness() < 64
