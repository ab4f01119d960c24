"""A cross-process lock on a file, so two copies of Liaison never write at once.

:func:`data_lock` serialises everything that writes the data folder (building
the store, importing, removing). The lock is advisory (``fcntl.flock`` on
POSIX, ``msvcrt.locking`` on Windows), released by the operating system when
the process ends, even when it is killed, so a crash never leaves it held.
It is re-entrant within a thread: an import that rebuilds the store takes it
once; another thread of the same process waits like another process would.
A folder where the lock file cannot be created (read-only) is not locked:
nothing can be written there anyway.
"""

from __future__ import annotations

import errno
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import IO

from db.errors import LiaisonError

LOCK_NAME = ".liaison.lock"
#: How long a second copy waits for the first to finish writing.
DEFAULT_TIMEOUT = 300.0
_POLL = 0.05

_held: dict[str, tuple[IO[bytes], int]] = {}
_guard = threading.RLock()


class LockTimeoutError(LiaisonError):
    """Another copy of Liaison held the lock for longer than we were willing to wait."""


def _try_lock(fh: IO[bytes]) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
            return False
        raise
    return True


def _unlock(fh: IO[bytes]) -> None:
    if sys.platform == "win32":
        import msvcrt

        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


@contextmanager
def file_lock(path: Path, *, timeout: float = DEFAULT_TIMEOUT) -> Iterator[bool]:
    """Hold an exclusive lock on ``path`` (created if needed) for the ``with`` block.

    Args:
        path: The lock file.
        timeout: Seconds to wait for another process to let go.

    Yields:
        True when the lock is held; False when the lock file could not be
        created (a read-only folder), in which case the block runs unlocked.

    Raises:
        LockTimeoutError: Another process held the lock for ``timeout`` seconds.
    """
    key = f"{threading.get_ident()}:{path.absolute()}"
    with _guard:
        if key in _held:
            fh, depth = _held[key]
            _held[key] = (fh, depth + 1)
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield True
        finally:
            with _guard:
                fh, depth = _held[key]
                _held[key] = (fh, depth - 1)
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(path, "a+b")
    except OSError:
        yield False
        return
    try:
        deadline = time.monotonic() + timeout
        while not _try_lock(fh):
            if time.monotonic() >= deadline:
                raise LockTimeoutError(
                    f"another copy of Liaison has been writing {path.parent} for over "
                    f"{timeout:.0f} s; try again when it has finished"
                )
            time.sleep(_POLL)
        with _guard:
            _held[key] = (fh, 1)
        try:
            yield True
        finally:
            with _guard:
                del _held[key]
            _unlock(fh)
    finally:
        fh.close()


def data_lock(folder: Path, *, timeout: float = DEFAULT_TIMEOUT) -> AbstractContextManager[bool]:
    """Return the lock that guards every write under a data folder (see :func:`file_lock`)."""
    return file_lock(folder / LOCK_NAME, timeout=timeout)
