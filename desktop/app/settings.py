"""Persistent preferences: one INI file under the data folder (never the registry).

Keeping the file under :func:`db.paths.data_dir` means ``--data-dir`` and
``LIAISON_DATA_DIR`` isolate the window's preferences along with the store.
"""

from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from db import paths
from db.citations import CITATION_STYLES, DEFAULT_STYLE

SETTINGS_FILENAME = "liaison-desktop.ini"
THEME_MODES = ("system", "light", "dark")
#: How many recent searches are kept.
RECENT = 12
#: How long a status-bar message stays when the preferences say nothing (milliseconds).
STATUS_TIMEOUT_MS = 5000


def settings_path() -> Path:
    """Return the INI file the desktop app keeps its preferences in."""
    return paths.data_dir() / SETTINGS_FILENAME


class Settings:
    """Typed access to the window's preferences.

    Args:
        path: The INI file (default: :func:`settings_path`).
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or settings_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.qsettings = QSettings(str(self.path), QSettings.Format.IniFormat)

    # -- window --------------------------------------------------------------

    @property
    def geometry(self) -> QByteArray | None:
        """The main window's saved geometry, or None."""
        value = self.qsettings.value("window/geometry")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self.qsettings.setValue("window/geometry", value)

    @property
    def splitter_sizes(self) -> list[int] | None:
        """The three panes' widths, or None."""
        value = self.qsettings.value("window/splitter")
        if not isinstance(value, list) or len(value) != 3:
            return None
        try:
            sizes = [int(v) for v in value]
        except (TypeError, ValueError):
            return None
        return sizes if all(s >= 0 for s in sizes) and sum(sizes) > 0 else None

    @splitter_sizes.setter
    def splitter_sizes(self, value: list[int]) -> None:
        self.qsettings.setValue("window/splitter", [str(int(v)) for v in value])

    @property
    def status_timeout_ms(self) -> int:
        """How long a status-bar message stays, in milliseconds (at least 1)."""
        return max(1, self._int("window/status_timeout_ms", STATUS_TIMEOUT_MS))

    @status_timeout_ms.setter
    def status_timeout_ms(self, value: int) -> None:
        self.qsettings.setValue("window/status_timeout_ms", int(value))

    @property
    def tree_tab(self) -> int:
        """The tree pane's selected tab."""
        return self._int("window/tree_tab", 0)

    @tree_tab.setter
    def tree_tab(self, value: int) -> None:
        self.qsettings.setValue("window/tree_tab", int(value))

    @property
    def recent_searches(self) -> list[str]:
        """The queries whose results the officer opened, newest first (at most :data:`RECENT`)."""
        value = self.qsettings.value("search/recent", [])
        items = [value] if isinstance(value, str) else list(value or [])
        return [str(q) for q in items if str(q).strip()][:RECENT]

    def remember_search(self, query: str) -> None:
        """Put ``query`` first among the recent searches."""
        query = " ".join(query.split())
        if not query:
            return
        items = [query, *(q for q in self.recent_searches if q != query)][:RECENT]
        self.qsettings.setValue("search/recent", items)

    # -- briefs --------------------------------------------------------------

    @property
    def brief_title(self) -> str:
        """The title of the brief open in the brief pane ("" for none)."""
        return str(self.qsettings.value("brief/open", "") or "")

    @brief_title.setter
    def brief_title(self, value: str) -> None:
        self.qsettings.setValue("brief/open", value)

    @property
    def brief_visible(self) -> bool:
        """Whether the brief pane is shown."""
        return str(self.qsettings.value("brief/visible", "false")).lower() == "true"

    @brief_visible.setter
    def brief_visible(self, value: bool) -> None:
        self.qsettings.setValue("brief/visible", "true" if value else "false")

    # -- reading -------------------------------------------------------------

    @property
    def zoom(self) -> float:
        """The reading zoom factor (1.0 is normal)."""
        try:
            value = float(self.qsettings.value("view/zoom", 1.0))
        except (TypeError, ValueError):
            return 1.0
        if not math.isfinite(value):  # "nan" and "inf" parse as floats
            return 1.0
        return min(max(value, 0.5), 4.0)

    @zoom.setter
    def zoom(self, value: float) -> None:
        self.qsettings.setValue("view/zoom", round(float(value), 3))

    @property
    def theme(self) -> str:
        """The theme mode: "system", "light" or "dark"."""
        value = str(self.qsettings.value("view/theme", "system"))
        return value if value in THEME_MODES else "system"

    @theme.setter
    def theme(self, value: str) -> None:
        if value not in THEME_MODES:
            raise ValueError(f"unknown theme mode {value!r}")
        self.qsettings.setValue("view/theme", value)

    @property
    def citation_style(self) -> str:
        """How every copy action cites: "short" or "full" (:data:`db.citations.CITATION_STYLES`)."""
        value = str(self.qsettings.value("copy/citation_style", DEFAULT_STYLE))
        return value if value in CITATION_STYLES else DEFAULT_STYLE

    @citation_style.setter
    def citation_style(self, value: str) -> None:
        if value not in CITATION_STYLES:
            raise ValueError(f"unknown citation style {value!r}")
        self.qsettings.setValue("copy/citation_style", value)

    # -- importing -----------------------------------------------------------

    @property
    def import_folder(self) -> str:
        """The folder the import dialog opened last ("" for the default)."""
        return str(self.qsettings.value("import/folder", "") or "")

    @import_folder.setter
    def import_folder(self, value: str) -> None:
        self.qsettings.setValue("import/folder", str(value))

    def sync(self) -> None:
        """Write pending changes to disk."""
        self.qsettings.sync()

    def _int(self, key: str, default: int) -> int:
        try:
            return int(self.qsettings.value(key, default))
        except (TypeError, ValueError):
            return default
