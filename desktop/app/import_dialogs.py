"""The import's two dialogs: its progress while it runs, and its summary when it has finished.

:class:`ImportProgressDialog` shows how far an import of several files or of a
folder has got ("12 of 87"), the file under way, and, once enough files are done
to say, the time left (:func:`time_left`); its Cancel button (or Esc) asks the
job to stop after the current file. :class:`ImportSummaryDialog` says in one
sentence what the import did and lists every file under it, what was skipped
first and why, in a read-only text the officer can scroll, select and copy; Enter
or Esc closes it. Both show file names and reasons as plain text only.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QFont, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.app.jobs import ImportSummary
from desktop.app.widgets import ElidedLabel

#: Files that must be done before the time left is estimated from them ...
ESTIMATE_AFTER_FILES = 3
#: ... unless at least one is done and this many seconds have passed.
ESTIMATE_AFTER_SECONDS = 10.0


def time_left(elapsed: float, done: int, total: int) -> float | None:
    """Estimate the seconds an import has left from the files done so far.

    Args:
        elapsed: Seconds since the first file started.
        done: Files finished.
        total: Files in all.

    Returns:
        The estimate, or None while it would mean little: before
        :data:`ESTIMATE_AFTER_FILES` files are done (or one, after
        :data:`ESTIMATE_AFTER_SECONDS`), and once every file is done.
    """
    if done <= 0 or done >= total or elapsed <= 0:
        return None
    if done < ESTIMATE_AFTER_FILES and elapsed < ESTIMATE_AFTER_SECONDS:
        return None
    return elapsed / done * (total - done)


def format_time_left(seconds: float) -> str:
    """Say how long is left, as rounded as an estimate deserves ("About 2 minutes left")."""
    if seconds < 10:
        return "A few seconds left"
    if seconds < 60:
        return f"About {math.ceil(seconds / 10) * 10} seconds left"
    if seconds < 3600:
        minutes = math.ceil(seconds / 60)
        return f"About {minutes} minute{'s' if minutes != 1 else ''} left"
    hours, rest = divmod(math.ceil(seconds / 60), 60)
    return f"About {hours} h {rest:02d} min left"


class ImportProgressDialog(QDialog):
    """How far an import has got, with a Cancel button that stops it after the current file.

    Not modal: the window behind stays painted and answers (its panes are disabled
    while the job runs). Esc, the Cancel button and closing the dialog all ask to
    cancel; the dialog stays until the job has finished (its owner closes it then).

    Args:
        parent: The window.
        clock: Seconds, monotonic (the tests give their own).
    """

    cancel_requested = Signal()
    """Emitted once when the officer asks to stop."""

    def __init__(
        self, parent: QWidget | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__(parent)
        self.setObjectName("import-progress")
        self.setWindowTitle("Importing into your library")
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.clock = clock
        self.started: float | None = None
        self.cancelling = False
        self.finished_job = False
        self.files_done = 0
        self.total = 0
        self.count_label = QLabel("Looking for documents…", self)
        self.count_label.setObjectName("import-count")
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.count_label.setAccessibleName("Files imported")
        bold = QFont(self.count_label.font())
        bold.setBold(True)
        self.count_label.setFont(bold)
        self.file_label = ElidedLabel(self)
        self.file_label.setObjectName("import-file")
        self.file_label.setAccessibleName("File being imported")
        self.bar = QProgressBar(self)
        self.bar.setObjectName("import-bar")
        self.bar.setAccessibleName("Import progress")
        self.bar.setRange(0, 0)
        self.bar.setTextVisible(False)
        self.time_label = QLabel("", self)
        self.time_label.setObjectName("import-time-left")
        self.time_label.setTextFormat(Qt.TextFormat.PlainText)
        self.time_label.setAccessibleName("Time left")
        self.buttons = QDialogButtonBox(self)
        self.cancel_button = QPushButton("&Cancel", self)
        self.cancel_button.setObjectName("import-cancel")
        self.cancel_button.setAccessibleName("Cancel the import after the current file")
        self.cancel_button.setToolTip("Stop after the file being imported; keep what is done")
        self.cancel_button.setAutoDefault(True)
        self.cancel_button.setDefault(True)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.rejected.connect(self.request_cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.count_label)
        layout.addWidget(self.file_label)
        layout.addWidget(self.bar)
        layout.addWidget(self.time_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(440)
        self.cancel_button.setFocus()

    def set_progress(self, done: int, total: int, name: str) -> None:
        """Show that ``done`` of ``total`` files are finished and ``name`` is under way.

        ``total`` 0 means the folders are still being walked.
        """
        self.files_done, self.total = done, total
        if total <= 0:
            self.count_label.setText("Looking for documents…")
            self.bar.setRange(0, 0)
            return
        if self.started is None:
            self.started = self.clock()
        self.bar.setRange(0, total)
        self.bar.setValue(done)
        if name:
            self.count_label.setText(f"{done + 1} of {total}")
            self.file_label.setText(name)
        else:
            self.count_label.setText(f"{done} of {total}")
            self.file_label.setText("Opening the library again…")
        self.bar.setAccessibleDescription(f"{done} of {total} files done")
        if self.cancelling:
            return
        left = time_left(self.clock() - self.started, done, total)
        self.time_label.setText(format_time_left(left) if left is not None else "")

    def request_cancel(self) -> None:
        """Ask to stop after the current file (once); say so in the dialog."""
        if self.cancelling:
            return
        self.cancelling = True
        self.cancel_button.setEnabled(False)
        self.time_label.setText("Stopping after the current file…")
        self.cancel_requested.emit()

    def reject(self) -> None:
        """Esc asks to cancel; the dialog stays until the job has stopped."""
        self.request_cancel()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        """Closing the dialog while the job runs asks to cancel, and keeps it open."""
        if self.finished_job:
            event.accept()
            return
        event.ignore()
        self.request_cancel()

    def finish(self) -> None:
        """Close the dialog for good (the job has finished)."""
        self.finished_job = True
        self.done(QDialog.DialogCode.Rejected.value)


class ImportSummaryDialog(QDialog):
    """What an import did: one sentence, then every file, in text to scroll, select and copy.

    Enter (the OK button is the default) and Esc close it.

    Args:
        summary: What the import did.
        parent: The window.
    """

    def __init__(self, summary: ImportSummary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("import-summary")
        self.setWindowTitle("Import")
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.summary = summary
        self.headline = QLabel(summary.headline, self)
        self.headline.setObjectName("import-headline")
        self.headline.setTextFormat(Qt.TextFormat.PlainText)
        self.headline.setWordWrap(True)
        self.headline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bold = QFont(self.headline.font())
        bold.setBold(True)
        self.headline.setFont(bold)
        self.details = QPlainTextEdit(self)
        self.details.setObjectName("import-details")
        self.details.setAccessibleName("Files imported and skipped, with reasons")
        self.details.setReadOnly(True)
        self.details.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.details.setPlainText(summary.details())
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.details.setVisible(bool(summary.details()))
        self.details.setTabChangesFocus(True)
        self.headline.setBuddy(self.details)
        buttons = QDialogButtonBox(self)
        self.copy_button = buttons.addButton("Cop&y list", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.setObjectName("import-copy")
        self.copy_button.setAccessibleName("Copy the list of files")
        self.copy_button.setAutoDefault(False)
        self.copy_button.setVisible(bool(summary.details()))
        self.copy_button.clicked.connect(self.copy_details)
        self.ok_button = buttons.addButton(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setAccessibleName("Close the import summary")
        self.ok_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)
        lines = summary.details().count("\n") + 1 if summary.details() else 0
        self.resize(620, 160 if not lines else min(460, 140 + 18 * lines))
        self.ok_button.setFocus()

    def copy_details(self) -> None:
        """Put the headline and every line on the clipboard, as plain text."""
        text = self.summary.headline
        if self.summary.details():
            text += "\n\n" + self.summary.details()
        QGuiApplication.clipboard().setText(text)
