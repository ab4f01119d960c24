"""Guards that watch what the app does: a Python audit hook and a loopback listener.

An audit hook cannot be removed once installed, so this module installs one
hook when it is first imported; it records events only while a
:class:`AuditRecorder` is active. :class:`LoopbackListener` is a real TCP
socket on 127.0.0.1 that counts the connections it accepts (documents and
proxy settings point at it, so any attempt to reach the network lands there).
"""

from __future__ import annotations

import os
import socket
import sys
import sysconfig
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Audit events that mean "talk to the network".
NETWORK_EVENTS = frozenset(
    {
        "socket.connect",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyaddr",
        "socket.getnameinfo",
        "socket.sendto",
        "socket.bind",
        "urllib.Request",
        "http.client.connect",
        "ftplib.connect",
        "smtplib.connect",
    }
)
#: Audit events that mean "run another program".
PROCESS_EVENTS = frozenset(
    {
        "subprocess.Popen",
        "os.system",
        "os.exec",
        "os.posix_spawn",
        "os.spawn",
        "os.startfile",
        "os.fork",
        "os.forkpty",
        "pty.spawn",
        "webbrowser.open",
        "ctypes.dlopen",
    }
)


@dataclass
class AuditRecorder:
    """Records network, process and file-open audit events while active (``with`` block)."""

    network: list[tuple[str, Any]] = field(default_factory=list)
    processes: list[tuple[str, Any]] = field(default_factory=list)
    opened: list[str] = field(default_factory=list)
    thread: int | None = None

    def __enter__(self) -> AuditRecorder:
        _active.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        _active.remove(self)

    def opened_outside(self, allowed: Iterable[Path]) -> list[str]:
        """Return the paths opened that lie outside every allowed folder."""
        roots = [os.path.realpath(p) for p in allowed]
        out = []
        for path in self.opened:
            if not os.path.isabs(path):
                continue  # relative to a folder fd (shutil.rmtree); see relative_opens()
            real = os.path.realpath(path)
            if not any(real == r or real.startswith(r.rstrip(os.sep) + os.sep) for r in roots):
                out.append(path)
        return out

    def relative_opens(self) -> set[str]:
        """Return the relative names opened (by ``dir_fd``-based walks such as ``rmtree``)."""
        return {p for p in self.opened if not os.path.isabs(p)}


_active: list[AuditRecorder] = []


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if not _active:
        return
    if event in NETWORK_EVENTS:
        for r in _active:
            r.network.append((event, args))
    elif event in PROCESS_EVENTS and event != "ctypes.dlopen":
        for r in _active:
            r.processes.append((event, args))
    elif event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
        path = os.fsdecode(args[0])
        for r in _active:
            r.opened.append(path)


sys.addaudithook(_hook)


def python_roots() -> list[Path]:
    """Folders Python and its packages legitimately read (the install, the venv, stdlib)."""
    roots = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.exec_prefix)}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        roots.add(Path(sysconfig.get_paths()[key]))
    return sorted(roots)


class LoopbackListener:
    """A TCP listener on 127.0.0.1:<free port> counting accepted connections."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.port: int = self.sock.getsockname()[1]
        self.accepted = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    def proxy_env(self) -> dict[str, str]:
        """Proxy variables pointing at the listener: any HTTP(S) attempt would land here."""
        env = {}
        for name in ("http_proxy", "https_proxy", "all_proxy", "ftp_proxy"):
            env[name] = env[name.upper()] = self.url
        env["no_proxy"] = env["NO_PROXY"] = ""
        return env

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted += 1
            conn.close()

    def __enter__(self) -> LoopbackListener:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()
