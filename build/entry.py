"""Entry script of the frozen app: the ``liaison`` console script, plus a GUI launcher rule.

PyInstaller freezes this file (not ``desktop/cli.py`` directly) so that the windowed
launcher the installers put in the Start menu / Dock, the executable named exactly
``Liaison``, opens the window when started with no arguments, whatever the bare
``liaison`` command does. Every other executable name and every call with arguments
behaves exactly like the ``liaison`` console script.
"""

from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path

from desktop.launch import main

#: The windowed launcher's name (``Liaison.exe``, ``Liaison.app/Contents/MacOS/Liaison``).
GUI_LAUNCHER = "Liaison"


def launcher_args(executable: str, argv: list[str]) -> list[str]:
    """Return the arguments to run with: ``gui`` for a bare start of the windowed launcher.

    Args:
        executable: The path of the running executable.
        argv: The arguments after the program name.

    Returns:
        The arguments to hand to the ``liaison`` command line.
    """
    # macOS Finder used to pass -psn_0_NNN (process serial number); ignore it.
    argv = [a for a in argv if not a.startswith("-psn_")]
    if not argv and Path(executable).stem == GUI_LAUNCHER:
        return ["gui"]
    return argv


if __name__ == "__main__":
    # A store of PARALLEL_INDEX_MIN passages or more is indexed by worker processes
    # (db/index.py); a frozen app on Windows and macOS starts them by running this
    # executable again, which freeze_support() turns into the worker.
    multiprocessing.freeze_support()
    sys.argv[1:] = launcher_args(sys.executable, sys.argv[1:])
    main()
