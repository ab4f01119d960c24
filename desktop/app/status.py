"""The status bar: messages that expire, a job's progress, and what the store holds.

An old sentence ("Copied …", "Imported …") left in the status bar reads as news; so
:meth:`StatusBar.showMessage` never shows a message longer than the bar's timeout (the
``status_timeout_ms`` preference), whatever time its sender asked for, none included.
Only what is in progress while it is in progress ("Importing … (2 of 5)…") stays, through
:meth:`StatusBar.show_lasting`, until the window clears it. On the right, a progress bar
shows while an import or removal runs, and a summary says what the store holds and when
it was built (or that the library is opening, or why it could not be opened).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QWidget

from desktop.app.viewer import plain_tooltip

if TYPE_CHECKING:
    from db.reading import Library


def format_built_at(value: str | None) -> str:
    """Return "23 November 2026, 01:57 UTC" for an ISO timestamp (other strings unchanged)."""
    if not value:
        return "unknown"
    try:
        t = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if t.tzinfo is not None:
        t = t.astimezone(dt.UTC)
    return f"{t.day} {t.strftime('%B %Y, %H:%M')}" + (" UTC" if t.tzinfo else "")


class StatusBar(QStatusBar):
    """A status bar whose messages expire, with a job's progress and the store's summary.

    Args:
        timeout_ms: The longest a message stays (milliseconds, at least 1).
        parent: The window.
    """

    def __init__(self, timeout_ms: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.timeout_ms = max(1, int(timeout_ms))
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setObjectName("job-progress")
        self.progress_bar.setAccessibleName("Import progress")
        self.progress_bar.setMaximumWidth(160)
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setVisible(False)
        self.addPermanentWidget(self.progress_bar)
        self.summary_label = QLabel(self)
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.addPermanentWidget(self.summary_label)

    def showMessage(self, text: str, timeout: int = 0) -> None:  # noqa: N802 (Qt's name)
        """Show ``text`` for ``timeout`` ms, at most the bar's timeout (0: the bar's timeout)."""
        wanted = int(timeout) if timeout and timeout > 0 else self.timeout_ms
        super().showMessage(text, min(wanted, self.timeout_ms))

    def show_lasting(self, text: str) -> None:
        """Show what is under way until it is replaced or cleared (a job's progress)."""
        super().showMessage(text, 0)

    def show_busy(self, text: str) -> None:
        """Show that a job runs (``text`` says which), or that it ended (``text`` empty)."""
        self.progress_bar.setRange(0, 0)
        self.progress_bar.setVisible(bool(text))
        if text:
            self.show_lasting(text)
        else:
            self.clearMessage()

    def show_progress(self, done: int, total: int, name: str) -> None:
        """Show an import's progress through several files (one file: the busy bar alone)."""
        if total > 1:
            self.progress_bar.setRange(0, total)
            self.progress_bar.setValue(done)
            if name:
                self.show_lasting(f"Importing {name} ({done + 1} of {total})…")

    def show_summary(self, library: Library) -> None:
        """Say what the store holds and when it was built."""
        s = library.summary()
        built = format_built_at(s.get("built_at"))
        imported = sum(1 for d in library.documents() if d.get("origin") == "imported")
        mine = f" ({imported} imported)" if imported else ""
        self.summary_label.setText(
            f"{s['documents']} documents{mine} · {s['passages']} passages · built {built}"
        )
        self.summary_label.setToolTip(plain_tooltip(f"Store: {s.get('store_dir', '')}"))

    def show_waiting(self, text: str) -> None:
        """Say ``text`` where the summary goes (the library is opening)."""
        self.summary_label.setText(text)

    def show_not_open(self, why: str) -> None:
        """Say that the library is not open; the tooltip says why."""
        self.summary_label.setText("The library is not open")
        self.summary_label.setToolTip(plain_tooltip(why))
