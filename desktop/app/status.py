"""The status bar: every message expires after a few seconds, unless it says work is under way.

An old sentence ("Copied …", "Imported …") left in the status bar reads as news; so
:meth:`StatusBar.showMessage` never shows a message longer than the bar's timeout (the
``status_timeout_ms`` preference), whatever time its sender asked for, none included.
Only what is in progress while it is in progress ("Importing … (2 of 5)…") stays, through
:meth:`StatusBar.show_lasting`, until the window clears it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QStatusBar, QWidget


class StatusBar(QStatusBar):
    """A status bar whose messages expire.

    Args:
        timeout_ms: The longest a message stays (milliseconds, at least 1).
        parent: The window.
    """

    def __init__(self, timeout_ms: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.timeout_ms = max(1, int(timeout_ms))

    def showMessage(self, text: str, timeout: int = 0) -> None:  # noqa: N802 (Qt's name)
        """Show ``text`` for ``timeout`` ms, at most the bar's timeout (0: the bar's timeout)."""
        wanted = int(timeout) if timeout and timeout > 0 else self.timeout_ms
        super().showMessage(text, min(wanted, self.timeout_ms))

    def show_lasting(self, text: str) -> None:
        """Show what is under way until it is replaced or cleared (a job's progress)."""
        super().showMessage(text, 0)
