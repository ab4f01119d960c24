"""Zoom: one scale for the whole window's type, in steps, applied to every pane.

:class:`Zoom` keeps the factor (saved in the preferences), steps it through
:data:`ZOOM_STEPS`, and gives each pane its fonts: the tree, the search field,
the results and the buttons at the interface size times the factor, the viewer
a little larger (:data:`READING_SCALE`) for reading, and the citation above it
in bold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QFont, QGuiApplication

if TYPE_CHECKING:
    from desktop.app.panes.reader import ReaderPane
    from desktop.app.panes.search import SearchPane
    from desktop.app.panes.tree import TreePane

ZOOM_STEPS = (0.7, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0)
#: The viewer's type against the interface's, at every zoom.
READING_SCALE = 1.12
#: The interface's point size when the platform gives none.
FALLBACK_POINT_SIZE = 10.0


@dataclass(frozen=True)
class ZoomFonts:
    """The fonts of one zoom factor.

    Attributes:
        ui: Tree, search field, results, buttons.
        bold: The citation above the viewer.
        reading: The viewer's text.
    """

    ui: QFont
    bold: QFont
    reading: QFont


def fonts_for(factor: float) -> ZoomFonts:
    """Return the fonts for ``factor``, scaled from the application's font."""
    base = QGuiApplication.font()
    size = base.pointSizeF() if base.pointSizeF() > 0 else FALLBACK_POINT_SIZE
    ui = QFont(base)
    ui.setPointSizeF(size * factor)
    bold = QFont(ui)
    bold.setBold(True)
    reading = QFont(base)
    reading.setPointSizeF(size * READING_SCALE * factor)
    return ZoomFonts(ui, bold, reading)


def clamp(factor: float) -> float:
    """Return ``factor`` within the smallest and the largest step."""
    return min(max(factor, ZOOM_STEPS[0]), ZOOM_STEPS[-1])


def next_step(factor: float, direction: int) -> float:
    """Return the step after (+1) or before (-1) the one nearest ``factor``; 0 gives 1.0."""
    if direction == 0:
        return 1.0
    nearest = min(range(len(ZOOM_STEPS)), key=lambda i: abs(ZOOM_STEPS[i] - factor))
    return ZOOM_STEPS[min(max(nearest + direction, 0), len(ZOOM_STEPS) - 1)]


class Zoom(QObject):
    """The window's zoom factor, applied to its panes.

    Args:
        factor: The factor to start with (the saved one).
        tree: The tree pane.
        search: The search pane.
        reader: The reader pane.
        parent: The QObject parent (the window).
    """

    stepped = Signal(float)
    """Emitted with the new factor after the officer zoomed in, out or back (:meth:`step`)."""

    def __init__(
        self,
        factor: float,
        tree: TreePane,
        search: SearchPane,
        reader: ReaderPane,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.tree = tree
        self.search = search
        self.reader = reader
        self.factor = clamp(factor)

    def set_factor(self, factor: float) -> None:
        """Scale every pane's type by ``factor`` (kept within :data:`ZOOM_STEPS`)."""
        self.factor = clamp(factor)
        fonts = fonts_for(self.factor)
        panes: Sequence[TreePane | SearchPane | ReaderPane] = (self.tree, self.search, self.reader)
        for pane in panes:  # everything grows: tree, search field, buttons, citation
            pane.setFont(fonts.ui)
        self.reader.citation_label.setFont(fonts.bold)
        self.search.set_result_font(fonts.ui)
        self.reader.set_reading_font(fonts.reading)

    def step(self, direction: int) -> None:
        """One step larger (+1) or smaller (-1), or back to actual size (0)."""
        self.set_factor(next_step(self.factor, direction))
        self.stepped.emit(self.factor)

    def message(self) -> str:
        """Return the status line saying the zoom ("Zoom 125 %")."""
        return f"Zoom {round(self.factor * 100)} %"
