"""The window's size, the panes' widths and the tree's tab: restored at start, saved on close.

:class:`WindowGeometry` sizes a first window to the screen, restores a saved one but
never larger than the screen's available area (a saved size may come from a larger
screen), gives the panes their saved widths once the window is laid out, and when the
window closes saves them, unless the layout is squeezed (wider than the screen, a
pane narrower than :data:`MIN_PANE_WIDTH`) or projector mode is on: a layout the
officer could not work in is never restored at the next start.
"""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow, QSplitter

from desktop.app.panes.tree import TREE_TABS, TreePane
from desktop.app.settings import Settings

#: A pane narrower than this (px) means a squeezed layout, never saved.
MIN_PANE_WIDTH = 120
#: The first window: this share of the screen, at most this size.
FIRST_SHARE = 0.9
FIRST_MAX = (1600, 950)
NO_SCREEN_SIZE = (1280, 800)
#: The panes' shares of the width when nothing was saved (tree, results, viewer).
PANE_SHARES = (0.22, 0.3, 0.48)


class WindowGeometry:
    """Restores and saves the window's geometry, pane widths and tree tab.

    Args:
        window: The main window.
        splitter: The splitter holding the tree, search and reader panes.
        tree: The tree pane (its current tab).
        settings: Where they persist.
    """

    def __init__(
        self, window: QMainWindow, splitter: QSplitter, tree: TreePane, settings: Settings
    ) -> None:
        self.window = window
        self.splitter = splitter
        self.tree = tree
        self.settings = settings
        self.sizes_restored = False

    def restore(self) -> None:
        """Give the window its saved (or a first) size, within the screen, and the saved tab."""
        window = self.window
        geometry = self.settings.geometry
        if geometry is None or not window.restoreGeometry(geometry):
            screen = QGuiApplication.primaryScreen()
            if screen is not None:
                avail = screen.availableGeometry()
                window.resize(
                    min(FIRST_MAX[0], int(avail.width() * FIRST_SHARE)),
                    min(FIRST_MAX[1], int(avail.height() * FIRST_SHARE)),
                )
            else:
                window.resize(*NO_SCREEN_SIZE)
        self.fit_screen()
        tabs = self.tree.tab_widget
        tabs.setCurrentIndex(min(max(self.settings.tree_tab, 0), len(TREE_TABS) - 1))
        if self.settings.qsettings.value("window/tree_tab") is None:
            self.tree.show_tab("un")

    def fit_screen(self) -> None:
        """Keep the window inside the screen's available area (a saved size may not fit)."""
        window = self.window
        screen = window.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        avail = screen.availableGeometry()
        if window.width() > avail.width() or window.height() > avail.height():
            window.resize(min(window.width(), avail.width()), min(window.height(), avail.height()))

    def restore_sizes(self) -> None:
        """On first show (the layout has its final width), give the panes their widths."""
        if self.sizes_restored:
            return
        self.sizes_restored = True
        self.window.layout().activate()
        central = self.window.centralWidget()
        if central is not None and central.layout() is not None:
            central.layout().activate()
        sizes = self.settings.splitter_sizes
        if not sizes:
            w = self.splitter.width()
            sizes = [int(w * share) for share in PANE_SHARES]
        self.splitter.setSizes(sizes)

    def fits(self) -> bool:
        """True when the window is no wider than its screen and no pane is squeezed."""
        screen = self.window.screen() or QGuiApplication.primaryScreen()
        wide = screen is not None and self.window.width() > screen.availableGeometry().width()
        return not wide and min(self.splitter.sizes(), default=0) >= MIN_PANE_WIDTH

    def save(self, *, projector: bool) -> None:
        """Save the geometry and pane widths (unless squeezed or in projector mode) and the tab."""
        if not projector and self.fits():
            self.settings.geometry = self.window.saveGeometry()
            self.settings.splitter_sizes = self.splitter.sizes()
        self.settings.tree_tab = self.tree.tab_widget.currentIndex()
