"""Small widgets: the search field keeps the officer's query from Linux's Ctrl+U."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication

from desktop.app.widgets import SearchField


def test_ctrl_u_never_reaches_the_line_edit(qtbot):
    """On X11, QLineEdit deletes the whole line on Ctrl+U; the search field takes the key itself.

    The offscreen platform binds no key to "delete the line", so what is checked here is that
    the field consumes Ctrl+U (and whatever this platform binds to DeleteCompleteLine) rather
    than handing it to QLineEdit; under Xvfb, with real keystrokes, the query stays.
    """
    field = SearchField()
    qtbot.addWidget(field)
    field.setText("maritime piracy")
    sequences = [QKeySequence("Ctrl+U")]
    sequences += QKeySequence.keyBindings(QKeySequence.StandardKey.DeleteCompleteLine)
    for sequence in sequences:
        combo = sequence[0]
        event = QKeyEvent(QEvent.Type.KeyPress, combo.key(), combo.keyboardModifiers(), "\x15")
        QApplication.sendEvent(field, event)
        assert event.isAccepted(), sequence.toString()
        assert field.text() == "maritime piracy"
    QApplication.sendEvent(
        field, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_S, Qt.KeyboardModifier.NoModifier, "s")
    )
    assert field.text() == "maritime piracys"  # other keys still type
