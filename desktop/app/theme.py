"""Light and dark themes: Fusion palettes, following the system colour scheme unless told otherwise.

The colours the viewer and the results list paint into HTML come from
:func:`html_colors`, so a theme switch re-renders rather than restyles.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from desktop.app.settings import THEME_MODES


@dataclass(frozen=True)
class Colors:
    """Colours used inside rendered HTML (CSS colour strings)."""

    text: str
    muted: str
    current_bg: str
    term_bg: str
    term_fg: str
    mention: str
    link: str
    rule: str


LIGHT_COLORS = Colors(
    text="#1d1f23",
    muted="#6b7280",
    current_bg="#fdf3d0",
    term_bg="#ffe27a",
    term_fg="#1d1f23",
    mention="#9db3d1",
    link="#1d4f91",
    rule="#d0d4da",
)
DARK_COLORS = Colors(
    text="#e3e5e8",
    muted="#9aa1ab",
    current_bg="#3a3522",
    term_bg="#8a6d12",
    term_fg="#fff8e0",
    mention="#56708f",
    link="#9cc3f5",
    rule="#4a4f57",
)


def html_colors(dark: bool) -> Colors:
    """Return the HTML colours for the light or dark theme."""
    return DARK_COLORS if dark else LIGHT_COLORS


def _palette(dark: bool) -> QPalette:
    c = QColor
    if dark:
        window, base, alt, text, button = (
            c("#2b2d31"),
            c("#1f2023"),
            c("#26282c"),
            c("#e3e5e8"),
            c("#34373c"),
        )
        highlight, highlighted_text, muted = c("#3f6ea8"), c("#ffffff"), c("#8b929c")
        link, tip_base = c("#9cc3f5"), c("#34373c")
    else:
        window, base, alt, text, button = (
            c("#eef0f3"),
            c("#ffffff"),
            c("#f6f7f9"),
            c("#1d1f23"),
            c("#f4f5f7"),
        )
        highlight, highlighted_text, muted = c("#2f6bb3"), c("#ffffff"), c("#6b7280")
        link, tip_base = c("#1d4f91"), c("#fffbe8")
    p = QPalette()
    role = QPalette.ColorRole
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        p.setColor(group, role.Window, window)
        p.setColor(group, role.WindowText, text)
        p.setColor(group, role.Base, base)
        p.setColor(group, role.AlternateBase, alt)
        p.setColor(group, role.Text, text)
        p.setColor(group, role.Button, button)
        p.setColor(group, role.ButtonText, text)
        p.setColor(group, role.BrightText, c("#ff5c5c"))
        p.setColor(group, role.Highlight, highlight)
        p.setColor(group, role.HighlightedText, highlighted_text)
        p.setColor(group, role.Link, link)
        p.setColor(group, role.LinkVisited, link)
        p.setColor(group, role.ToolTipBase, tip_base)
        p.setColor(group, role.ToolTipText, text)
        p.setColor(group, role.PlaceholderText, muted)
        p.setColor(group, role.Light, button.lighter(130))
        p.setColor(group, role.Midlight, button.lighter(115))
        p.setColor(group, role.Mid, button.darker(130))
        p.setColor(group, role.Dark, button.darker(160))
        p.setColor(group, role.Shadow, c("#000000"))
    disabled = QPalette.ColorGroup.Disabled
    for r in (role.WindowText, role.Text, role.ButtonText):
        p.setColor(disabled, r, muted)
    for r in (role.Window, role.Base, role.Button, role.Highlight, role.AlternateBase):
        p.setColor(disabled, r, p.color(QPalette.ColorGroup.Active, r))
    p.setColor(disabled, role.HighlightedText, muted)
    return p


def system_prefers_dark() -> bool:
    """Return True when the desktop asks applications for a dark colour scheme."""
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


class ThemeManager(QObject):
    """Applies the light or dark Fusion palette and tells listeners when it changes.

    Args:
        mode: "system" (follow the desktop), "light" or "dark".
        parent: The QObject parent.
    """

    changed = Signal(bool)
    """Emitted with ``dark`` after the palette changed."""
    mode_changed = Signal(str)
    """Emitted with the mode ("system", "light", "dark") after :meth:`set_mode`."""

    def __init__(self, mode: str = "system", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._mode = mode if mode in THEME_MODES else "system"
        self._dark: bool | None = None
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._on_system_changed)

    @property
    def mode(self) -> str:
        """The theme mode: "system", "light" or "dark"."""
        return self._mode

    @property
    def dark(self) -> bool:
        """Whether the dark palette is (or would be) in use."""
        if self._mode == "system":
            return system_prefers_dark()
        return self._mode == "dark"

    def set_mode(self, mode: str) -> None:
        """Switch mode and apply it.

        Raises:
            ValueError: ``mode`` is not one of :data:`THEME_MODES`.
        """
        if mode not in THEME_MODES:
            raise ValueError(f"unknown theme mode {mode!r}")
        self._mode = mode
        self.apply()
        self.mode_changed.emit(mode)

    def toggle(self) -> None:
        """Switch between light and dark explicitly (leaving "follow the system")."""
        self.set_mode("light" if self.dark else "dark")

    def apply(self) -> None:
        """Apply the Fusion style and the palette for the current mode."""
        app = QApplication.instance()
        if not isinstance(app, QApplication):
            return
        if app.style().name().lower() != "fusion":
            app.setStyle("Fusion")
        dark = self.dark
        app.setPalette(_palette(dark))
        if dark != self._dark:
            self._dark = dark
            self.changed.emit(dark)

    def _on_system_changed(self, _scheme: Qt.ColorScheme) -> None:
        if self._mode == "system":
            self.apply()
