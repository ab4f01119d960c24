"""PyInstaller hook for ``PySide6.QtCore`` that can leave Qt's translations out.

It replaces PyInstaller's own hook, which collects the ``qt_*.qm`` and ``qtbase_*.qm``
translations (Qt's own dialog strings in ~40 languages). Liaison's interface is English
only, so the spec turns them off::

    hooksconfig={"PySide6": {"liaison_translations": False}}

Without that configuration the hook behaves like the stock one.
"""

from __future__ import annotations

from PyInstaller.utils.hooks import get_hook_config
from PyInstaller.utils.hooks.qt import add_qt6_dependencies


def hook(hook_api) -> None:
    """Add QtCore's Qt libraries, and its translations unless turned off.

    Args:
        hook_api: PyInstaller's hook API for this module.
    """
    hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
    if get_hook_config(hook_api, "PySide6", "liaison_translations") is False:
        datas = [(src, dest) for src, dest in datas if not src.endswith(".qm")]
    hook_api.add_imports(*hiddenimports)
    hook_api.add_binaries(binaries)
    hook_api.add_datas(datas)
