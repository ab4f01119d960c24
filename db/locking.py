"""A cross-process lock on a file, so two copies of Liaison never write at once.

:func:`data_lock` serialises everything that writes the data folder (building
the store, importing, removing). The lock is advisory (``fcntl.flock`` on
POSIX, ``msvcrt.locking`` on Windows), released by the operating system when
the process ends, even when it is killed, so a crash never leaves it held.
It is re-entrant within a thread: an import that rebuilds the store takes it
once; another thread of the same process waits like another process would.

A lock that cannot be taken is an error (:class:`~db.errors.LockError`), never
a silent pass: a folder in place of the lock file, or one that cannot be
opened, stops the write with one line. A lock file that cannot be written but
can be read still locks (``flock`` needs no write access). The one exception is
a read-only data folder without a lock file: nothing can be written there by
anyone, so the block runs unlocked (and its writes fail on their own).
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

from db.errors import LockError, LockTimeoutError

LOCK_NAME = ".liaison.lock"
#: How long a second copy waits for the first to finish writing.
DEFAULT_TIMEOUT = 300.0
_POLL = 0.05

_held: dict[str, tuple[IO[bytes], int]] = {}
_guard = threading.RLock()


_READ_ONLY = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})

__all__ = ["LockError", "LockTimeoutError", "data_lock", "file_lock"]


def _open_lock(path: Path) -> IO[bytes] | None:
    """Open the lock file, creating it; None only for a read-only folder without one.

    Raises:
        LockError: The lock file exists but cannot be opened (a folder, no access).
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return open(path, "a+b")
    except OSError as exc:
        failure = exc
    if path.is_file():
        try:
            return open(path, "rb")  # a read-only lock file still locks
        except OSError as exc:
            failure = exc
    elif not path.exists() and not path.is_symlink() and failure.errno in _READ_ONLY:
        return None
    if path.is_dir():
        what = "is a folder, not a file; remove it"
    else:
        what = f"cannot be opened ({failure.strerror or failure}); remove it or fix its permissions"
    raise LockError(
        f"cannot lock the data folder {path.parent} against another copy of Liaison: "
        f"{path.name} {what}"
    ) from failure


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
        raise LockError(f"cannot lock {fh.name} ({exc.strerror or exc})") from exc
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
        True when the lock is held; False only in a read-only folder that has no
        lock file (nothing can be written there), where the block runs unlocked.

    Raises:
        LockError: The lock file cannot be opened or locked.
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
    fh = _open_lock(path)
    if fh is None:
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
