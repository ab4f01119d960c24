"""Projector mode (F11): full screen, the viewer alone, type at least twice as large.

:class:`Projector` hides the other panes and the status bar, enlarges the zoom
for the room, and on leaving gives back the window and the zoom the officer had:
the projector's zoom is never saved as theirs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMainWindow, QWidget

from desktop.app.zoom import Zoom

#: The smallest zoom in projector mode.
PROJECTOR_ZOOM = 2.0


class Projector(QObject):
    """Switches a window into projector mode and back.

    Args:
        window: The main window (shown full screen).
        hidden: The widgets projector mode hides (the tree, the results, the status bar).
        viewer: The widget left alone on screen (it gets the focus).
        zoom: The window's zoom.
        reveal: Called once the new geometry is laid out (brings the passage into view).
    """

    toggled = Signal(bool)
    """Emitted with True on entering projector mode, False on leaving it."""

    def __init__(
        self,
        window: QMainWindow,
        hidden: Sequence[QWidget],
        viewer: QWidget,
        zoom: Zoom,
        reveal: Callable[[], None],
    ) -> None:
        super().__init__(window)
        self.window = window
        self.hidden = tuple(hidden)
        self.viewer = viewer
        self.zoom = zoom
        self.reveal = reveal
        self._zoom_before: float | None = None

    @property
    def active(self) -> bool:
        """True in projector mode."""
        return self._zoom_before is not None

    @property
    def own_zoom(self) -> float:
        """The officer's zoom: the one before projector mode while it is on."""
        return self._zoom_before if self._zoom_before is not None else self.zoom.factor

    def set_active(self, on: bool) -> None:
        """Enter (True) or leave (False) projector mode; nothing happens when already so."""
        if on == self.active:
            return
        for widget in self.hidden:
            widget.setVisible(not on)
        if on:
            self._zoom_before = self.zoom.factor
            self.window.showFullScreen()
            self.zoom.set_factor(max(self.zoom.factor, PROJECTOR_ZOOM))
            self.viewer.setFocus()
        else:
            zoom, self._zoom_before = self._zoom_before or 1.0, None
            self.window.showNormal()
            self.zoom.set_factor(zoom)
        self.toggled.emit(on)
        QTimer.singleShot(0, self, self.reveal)
