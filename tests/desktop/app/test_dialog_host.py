"""The window's dialogs: each made once and shown again, those reading a library closed with it."""

from __future__ import annotations

import pytest

# The offscreen platform plugin says so whenever a window with a menu bar is shown.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (propagateSizeHints|raise)")


def test_a_dialog_is_made_once_and_shown_again(window):
    window.actions_by_name["shortcuts"].trigger()
    first = window.dialogs.open_dialogs["shortcuts"]
    assert first.isVisible()
    first.close()
    window.actions_by_name["shortcuts"].trigger()
    assert window.dialogs.open_dialogs["shortcuts"] is first and first.isVisible()


def test_dialogs_reading_the_library_close_when_another_replaces_it(window):
    window.reader_pane.reader.open_passage("a-res-77-20:op1")
    window.actions_by_name["about"].trigger()
    compare = window.dialogs.compare()
    about = window.dialogs.open_dialogs["about"]
    window.actions_by_name["shortcuts"].trigger()
    assert about.isVisible() and compare is not None and compare.isVisible()
    window.use_library(window.library)  # as after an import or a removal
    assert not about.isVisible() and not compare.isVisible()
    assert set(window.dialogs.open_dialogs) == {"shortcuts"}
    window.close()
    assert not any(d.isVisible() for d in window.dialogs.open_dialogs.values())


def test_about_and_compare_wait_for_the_library(qtbot, make_window, library):
    window = make_window()
    window.jobs.library = None  # as while an import runs
    assert window.dialogs.compare() is None
    window.dialogs.about()
    assert "about" not in window.dialogs.open_dialogs
    assert window.status_bar.currentMessage() == "The library is not open yet."
    window.jobs.library = library
