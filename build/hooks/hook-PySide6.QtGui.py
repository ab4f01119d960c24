"""PyInstaller hook for ``PySide6.QtGui`` that collects only the Qt plugins Liaison keeps.

It replaces PyInstaller's own hook (hooks in ``hookspath`` take precedence). The stock
hook collects every plugin type QtGui may load — every platform (eglfs, vnc, wayland …),
the QML virtual keyboard, evdev input, every image format — and PyInstaller then bundles
each plugin's link-time dependencies too (GTK, Cairo, Pango, QtQml, QtNetwork …). Dropping
a plugin after the analysis would leave those dependencies behind, so the choice is made
here, before the analysis.

The selection comes from the spec (``build/liaison.spec``), as hook configuration::

    hooksconfig={"PySide6": {"liaison_plugins": {"platforms": ["qxcb", ...], "styles": None}}}

a plugin type mapped to a list of plugin names (file names without ``lib`` prefix and
extension), or to None for every plugin of the type; types not listed are dropped.
Without that configuration the hook behaves like the stock one.
"""

from __future__ import annotations

import os

from PyInstaller.utils.hooks import get_hook_config
from PyInstaller.utils.hooks.qt import add_qt6_dependencies


def plugin_kept(src: str, dest_dir: str, selection: dict[str, list[str] | None]) -> bool:
    """Return True when a collected binary is not a plugin, or is a plugin the selection keeps.

    Args:
        src: The binary's source path.
        dest_dir: Its destination folder in the bundle (``PySide6/Qt/plugins/<type>``).
        selection: Plugin names by plugin type (None: all of that type).
    """
    parts = dest_dir.replace("\\", "/").split("/")
    if "plugins" not in parts or parts.index("plugins") + 1 >= len(parts):
        return True
    plugin_type = "/".join(parts[parts.index("plugins") + 1 :])
    if plugin_type not in selection:
        return False
    names = selection[plugin_type]
    stem = os.path.basename(src).split(".", 1)[0]
    name = stem[3:] if stem.startswith("lib") else stem
    return names is None or name in names


def add_selected_dependencies(hook_api, hook_file: str) -> dict[str, list[str] | None] | None:
    """Add a PySide6 module's Qt libraries and its plugins that the selection keeps.

    Shared with ``hook-PySide6.QtNetwork.py``, whose plugins (tls, networkinformation)
    must be left out before the analysis for the same reason as QtGui's.

    Args:
        hook_api: PyInstaller's hook API for the module.
        hook_file: The hook's own file (``hook-PySide6.<Module>.py``): it names the module.

    Returns:
        The plugin selection from the spec, or None when the spec gives none.
    """
    hiddenimports, binaries, datas = add_qt6_dependencies(hook_file)
    selection = get_hook_config(hook_api, "PySide6", "liaison_plugins")
    if selection is not None:
        binaries = [(src, dest) for src, dest in binaries if plugin_kept(src, dest, selection)]
    hook_api.add_imports(*hiddenimports)
    hook_api.add_binaries(binaries)
    hook_api.add_datas(datas)
    return selection


def hook(hook_api) -> None:
    """Add QtGui's Qt libraries and the selected plugins to the analysis.

    Args:
        hook_api: PyInstaller's hook API for this module.
    """
    add_selected_dependencies(hook_api, __file__)
