"""Watch files for opens by any code in this process, Qt's C++ included (Linux inotify).

Python's audit hook sees only opens made through Python; Qt loads an image named
in rich text with its own C++ file calls. :class:`OpenWatch` asks the kernel
(``inotify``) to report every open of a file inside a folder, whoever opens it.
"""

from __future__ import annotations

import ctypes
import os
import struct
import sys
from pathlib import Path

IN_ACCESS = 0x00000001
IN_OPEN = 0x00000020
_HEADER = struct.Struct("iIII")

#: True where the kernel can report opens (the tests that need it are skipped elsewhere).
AVAILABLE = sys.platform.startswith("linux")


class OpenWatch:
    """Records the names of files opened inside ``folder`` (``with`` block).

    Args:
        folder: The folder to watch (its files, not its sub-folders).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.fd = -1
        self.opened: list[str] = []

    def __enter__(self) -> OpenWatch:
        libc = ctypes.CDLL(None, use_errno=True)
        self.fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1 failed")
        wd = libc.inotify_add_watch(self.fd, os.fsencode(self.folder), IN_OPEN | IN_ACCESS)
        if wd < 0:
            raise OSError(ctypes.get_errno(), f"cannot watch {self.folder}")
        return self

    def poll(self) -> list[str]:
        """Read the events so far and return every name opened since the watch began."""
        while True:
            try:
                data = os.read(self.fd, 65536)
            except BlockingIOError:
                break
            pos = 0
            while pos + _HEADER.size <= len(data):
                _wd, _mask, _cookie, length = _HEADER.unpack_from(data, pos)
                pos += _HEADER.size
                name = data[pos : pos + length].rstrip(b"\0").decode(errors="replace")
                pos += length
                self.opened.append(name or str(self.folder))
        return list(self.opened)

    def __exit__(self, *exc: object) -> None:
        self.poll()
        os.close(self.fd)
