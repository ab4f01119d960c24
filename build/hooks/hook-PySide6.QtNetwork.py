"""PyInstaller hook for ``PySide6.QtNetwork`` that collects only the Qt plugins Liaison keeps.

It replaces PyInstaller's own hook, which collects every QtNetwork plugin type (``tls``:
the OpenSSL and certificate-only backends; ``networkinformation``: the GLib, NetworkManager
and ConnMan backends) and, for the OpenSSL backend, the system's OpenSSL libraries
(``libssl``/``libcrypto``, ``libssl-3-x64.dll``…). PyInstaller then bundles each plugin's
link-time dependencies too (the GLib backend alone brings GIO, GObject, libmount, libblkid
and SELinux). Liaison uses QtNetwork only for ``QLocalServer``/``QLocalSocket`` (the
single-instance guard, a local socket), which needs none of them, so the plugin choice
is made here, before the analysis, from the spec's selection (as in
``hook-PySide6.QtGui.py``, whose filter this hook shares). The OpenSSL libraries are
collected only when the selection keeps the ``tls`` plugins.

Without that configuration the hook behaves like the stock one.
"""

from __future__ import annotations

from pathlib import Path

from PyInstaller.compat import importlib_load_source
from PyInstaller.utils.hooks.qt import pyside6_library_info

#: The QtGui hook beside this file, loaded the way PyInstaller loads hooks.
_QTGUI_HOOK = importlib_load_source(
    "liaison_hook_pyside6_qtgui", str(Path(__file__).with_name("hook-PySide6.QtGui.py"))
)


def hook(hook_api) -> None:
    """Add QtNetwork's Qt libraries, the selected plugins, and OpenSSL only for a TLS plugin.

    Args:
        hook_api: PyInstaller's hook API for this module.
    """
    selection = _QTGUI_HOOK.add_selected_dependencies(hook_api, __file__)
    if selection is None or "tls" in selection:
        hook_api.add_binaries(pyside6_library_info.collect_qtnetwork_files())
