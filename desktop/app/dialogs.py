"""Message boxes that show their text as plain text, whatever it contains.

A :class:`QMessageBox` guesses whether its text is markup; a document title
that reads ``<img src=…>`` would make it load a file. Every box that can carry
document text, a file name or an error message is made here.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QMessageBox,
    QWidget,
)


def plain_box(
    parent: QWidget | None,
    icon: QMessageBox.Icon,
    title: str,
    text: str,
    buttons: QMessageBox.StandardButton = QMessageBox.StandardButton.Ok,
) -> QMessageBox:
    """Return a message box that shows ``text`` verbatim (never as markup)."""
    box = QMessageBox(icon, title, text, buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    return box


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    """Ask a Yes/Cancel question (Cancel is the default); return True for Yes."""
    box = plain_box(
        parent,
        QMessageBox.Icon.Question,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
    )
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    try:
        return box.exec() == QMessageBox.StandardButton.Yes
    finally:
        box.deleteLater()


def show_error(parent: QWidget | None, title: str, text: str) -> None:
    """Show an error and wait until the officer closes it."""
    box = plain_box(parent, QMessageBox.Icon.Critical, title, text)
    try:
        box.exec()
    finally:
        box.deleteLater()


class DateRangeDialog(QDialog):
    """Asks for a date range (ISO dates, either side may stay empty)."""

    def __init__(self, date_from: str = "", date_to: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Only documents dated…")
        self.date_from = QLineEdit(date_from, self)
        self.date_from.setPlaceholderText("e.g. 2022-01-01 (empty: any)")
        self.date_from.setAccessibleName("From date")
        self.date_to = QLineEdit(date_to, self)
        self.date_to.setPlaceholderText("e.g. 2022-12-31 (empty: any)")
        self.date_to.setAccessibleName("To date")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("From", self.date_from)
        form.addRow("To", self.date_to)
        form.addRow(buttons)
