"""One window per data folder: a second start hands over to the first.

The first copy of the app listens on a local socket (:class:`QLocalServer`, a
Unix-domain socket or a Windows named pipe, never the network) named after the
user's data folder. A second copy connects, asks the first to bring its window
to the front, and exits. Claiming happens under a lock file, so two copies
started at the same instant cannot both think they are first. If the socket
cannot be created at all, the app runs unguarded rather than not at all.
"""

from __future__ import annotations

import getpass
import hashlib
import sys
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication, QMainWindow

from db import paths
from db.locking import file_lock

LOCK_NAME = ".gui.lock"
ACTIVATE = b"activate\n"
CONNECT_MS = 1000


def server_name(data_dir: Path) -> str:
    """Return the local socket name for a data folder (per user, short enough for every OS)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "user"
    key = hashlib.sha256(f"{user}\0{data_dir.absolute()}".encode()).hexdigest()[:20]
    return f"liaison-{key}"


class SingleInstance(QObject):
    """The guard: :meth:`claim` once; emits :attr:`activated` when another copy starts."""

    activated = Signal()

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.name = server_name(data_dir)
        self.server: QLocalServer | None = None

    def claim(self) -> bool:
        """Become the first copy, or hand over to the one already running.

        Returns:
            True when this process should go on and open its window; False when
            another copy was asked to show itself instead.
        """
        with file_lock(self.data_dir / LOCK_NAME, timeout=30):
            socket = QLocalSocket()
            socket.connectToServer(self.name)
            if socket.waitForConnected(CONNECT_MS):
                socket.write(ACTIVATE)
                socket.waitForBytesWritten(CONNECT_MS)
                socket.disconnectFromServer()
                return False
            socket.abort()
            QLocalServer.removeServer(self.name)  # a socket file left by a crashed copy
            server = QLocalServer(self)
            server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
            if server.listen(self.name):
                server.newConnection.connect(self._on_connection)
                self.server = server
            return True

    def _on_connection(self) -> None:
        assert self.server is not None
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            socket.disconnected.connect(socket.deleteLater)
            socket.disconnectFromServer()
        self.activated.emit()
        raise_main_window()

    def close(self) -> None:
        """Stop listening (the next copy becomes the first)."""
        if self.server is not None:
            self.server.close()
            self.server.deleteLater()
            self.server = None


def raise_main_window() -> None:
    """Bring this app's main window to the front."""
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMainWindow) and widget.isVisible():
            widget.showNormal()
            widget.raise_()
            widget.activateWindow()


_current: SingleInstance | None = None


def hand_over_to_running_copy(data_dir: Path | None = None) -> bool:
    """Claim the guard for this process, or hand over to the copy already running.

    Call once, after the QApplication exists. The guard stops listening when the
    application quits (or when this is called again in the same process).

    Args:
        data_dir: The data folder whose copies are counted (default: the current one).

    Returns:
        True when another copy was asked to show itself: this one should exit.
    """
    global _current
    if _current is not None:
        _current.close()
        _current = None
    app = QApplication.instance()
    guard = SingleInstance(data_dir or paths.data_dir(), app)
    if not guard.claim():
        guard.deleteLater()
        print(
            "liaison: Liaison is already open: brought its window to the front.",
            file=sys.stderr,
        )
        return True
    _current = guard
    if app is not None:
        app.aboutToQuit.connect(guard.close)
    return False
