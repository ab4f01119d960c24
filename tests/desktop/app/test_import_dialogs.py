"""The import's progress and summary dialogs: count, file, time left, Cancel, keys, copying."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from desktop.app.import_dialogs import (
    ImportProgressDialog,
    ImportSummaryDialog,
    format_time_left,
    time_left,
)
from desktop.app.jobs import ImportSummary

# The offscreen platform plugin says so whenever a dialog is shown or raised.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (propagateSizeHints|raise)")


def test_time_left_waits_for_enough_files_then_extrapolates():
    assert time_left(2.0, 0, 87) is None
    assert time_left(2.0, 2, 87) is None  # two files say little ...
    assert time_left(12.0, 2, 87) == pytest.approx(12.0 / 2 * 85)  # ... unless it has been long
    assert time_left(3.0, 3, 87) == pytest.approx(84.0)
    assert time_left(30.0, 87, 87) is None


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (4, "A few seconds left"),
        (41, "About 50 seconds left"),
        (60, "About 1 minute left"),
        (84, "About 2 minutes left"),
        (3 * 3600 + 125, "About 3 h 03 min left"),
    ],
)
def test_time_left_in_words(seconds, words):
    assert format_time_left(seconds) == words


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_progress_shows_count_file_and_time_left_once_meaningful(qtbot):
    clock = Clock()
    dialog = ImportProgressDialog(clock=clock)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.count_label.text() == "Looking for documents…"
    assert dialog.bar.maximum() == 0  # busy, no total yet
    dialog.set_progress(0, 87, "A_RES_77_20.pdf")
    assert dialog.count_label.text() == "1 of 87"
    assert dialog.file_label.full_text() == "A_RES_77_20.pdf"
    assert (dialog.bar.value(), dialog.bar.maximum()) == (0, 87)
    assert dialog.time_label.text() == ""
    clock.now += 2.0
    dialog.set_progress(2, 87, "c.txt")
    assert dialog.time_label.text() == ""  # not yet meaningful
    clock.now += 1.0
    dialog.set_progress(3, 87, "d.txt")
    assert dialog.count_label.text() == "4 of 87"
    assert dialog.time_label.text() == "About 2 minutes left"  # 3 s for 3 files, 84 to go
    for widget in (dialog.bar, dialog.cancel_button, dialog.count_label, dialog.file_label):
        assert widget.accessibleName()


def test_cancel_button_and_esc_ask_once_and_the_dialog_stays_until_finished(qtbot):
    dialog = ImportProgressDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_progress(1, 5, "b.txt")
    assert dialog.cancel_button.hasFocus() or dialog.cancel_button.isDefault()
    with qtbot.waitSignal(dialog.cancel_requested, timeout=1000):
        QTest.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible() and not dialog.cancel_button.isEnabled()
    assert dialog.time_label.text() == "Stopping after the current file…"
    with qtbot.assertNotEmitted(dialog.cancel_requested):
        dialog.close()  # closing asks again: once is enough
        QTest.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    dialog.set_progress(2, 5, "")
    assert dialog.time_label.text() == "Stopping after the current file…"
    dialog.finish()
    assert not dialog.isVisible()


def _summary(lines: int) -> ImportSummary:
    skipped = tuple(f"file{i}.docx is not a document Liaison imports" for i in range(lines))
    return ImportSummary(
        f"Imported 1 file, {lines} skipped.", ("Notes: 1 paragraph",), (), skipped, "notes"
    )


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape])
def test_summary_closes_with_enter_or_esc_even_from_the_list(qtbot, key):
    dialog = ImportSummaryDialog(_summary(3))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.details.setFocus()
    QTest.keyClick(dialog.details, key)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_a_long_summary_scrolls_inside_a_dialog_of_bounded_height(qtbot):
    dialog = ImportSummaryDialog(_summary(300))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.height() <= 460
    assert dialog.details.verticalScrollBar().maximum() > 0
    assert dialog.details.toPlainText().count("is not a document Liaison imports") == 300


def test_markup_in_a_file_name_is_shown_as_text(qtbot):
    name = "<img src='/etc/passwd'>.txt is empty"
    dialog = ImportSummaryDialog(ImportSummary("1 skipped.", (), (), (name,), None))
    qtbot.addWidget(dialog)
    assert dialog.headline.textFormat() == Qt.TextFormat.PlainText
    assert dialog.details.toPlainText() == f"Skipped (1):\n• {name}"
