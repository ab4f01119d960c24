"""Files on disk: SHA-256 digests, atomic writes and folder swaps (one helper for each).

Every module of :mod:`db` that hashes a file, writes a file that must be whole or
absent, or swaps a freshly built folder into place does it through this module.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from db.errors import ExportError

#: JSON as :func:`json.dump` writes it: what a manifest holds.
JsonValue = dict[str, "JsonValue"] | list["JsonValue"] | str | int | float | bool | None


def sha256_bytes(data: bytes) -> str:
    """Return the hex SHA-256 of some bytes."""
    return hashlib.sha256(data).hexdigest()


#: (path, size, mtime_ns, inode) → SHA-256 of the files this process hashed.
_DIGESTS: dict[tuple[str, int, int, int], str] = {}


def sha256_file_cached(path: Path) -> str:
    """Return :func:`sha256_file` of a file, hashed again only when it changed on disk.

    For files this process checks and then records again (a store's manifest before and
    after an in-place change): a file whose size, modification time and inode are the
    ones it had when this process hashed it is not read again.
    """
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns, st.st_ino)
    digest = _DIGESTS.get(key)
    if digest is None:
        if len(_DIGESTS) > 10_000:
            _DIGESTS.clear()
        digest = _DIGESTS[key] = sha256_file(path)
    return digest


#: (what, SHA-256 of the bytes it was read from) → what this process read from them.
_READ: dict[tuple[str, str], object] = {}


def read_once(what: str, path: Path, read: Callable[[], object]) -> object:
    """Return ``read()``, remembered by the SHA-256 of ``path``'s bytes.

    For a small file this process reads again and again (the library record): it is
    hashed every time (never trusted by size or modification time), and ``read`` runs
    only when its bytes are ones this process has not read before. A result is kept
    only when the file's digest is the same before and after ``read`` (a file changed
    meanwhile is read again next time). The latest :data:`KEEP_PER_NAME` results are
    kept for each ``what``. The caller must not change what is returned.

    Args:
        what: A name for what ``read`` returns (the latest few results are kept per name).
        path: The file ``read`` reads.
        read: Reads the file (its result must depend on the file's bytes alone).
    """
    before = sha256_file(path)
    hit = _READ.get((what, before), _READ)
    if hit is not _READ:
        return hit
    value = read()
    if sha256_file(path) == before:
        _keep(what, before, value)
    return value


def remember(what: str, data: bytes, value: object) -> None:
    """Tell :func:`read_once` what ``what`` reads from a file holding ``data``.

    For a file this process has just written from ``value`` (so reading it back gives
    ``value``): the next :func:`read_once` of that file, while it still holds ``data``,
    does not read it. The caller must not change ``value`` afterwards.
    """
    _keep(what, sha256_bytes(data), value)


#: Results :func:`read_once` keeps for each name: the latest few (a process with one
#: library needs one; the import benchmark alternates between three).
KEEP_PER_NAME = 4


def _keep(what: str, digest: str, value: object) -> None:
    """Remember ``value`` as what ``what`` reads from bytes of ``digest`` (the latest few)."""
    _READ.pop((what, digest), None)
    older = [k for k in _READ if k[0] == what]
    for key in older[: max(0, len(older) - KEEP_PER_NAME + 1)]:
        del _READ[key]
    _READ[(what, digest)] = value


def cold() -> None:
    """Forget the digests and reads this process remembers (as a new process starts)."""
    _DIGESTS.clear()
    _READ.clear()


def sha256_file(path: Path) -> str:
    """Return the hex SHA-256 of a file, read in blocks (never whole into memory)."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all (a temporary file, fsync, rename).

    A process killed while writing leaves at most a hidden ``.NAME.PID.tmp`` beside it.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_json_atomically(path: Path, obj: JsonValue) -> bytes:
    """Write ``obj`` as key-sorted UTF-8 JSON to ``path``, whole or not at all.

    One object per line at the top level only: JSON's C encoder writes it (an indented
    dump goes through the pure-Python encoder, about five times slower on a library's
    manifest of a thousand rows).

    Returns:
        The bytes written.
    """
    if isinstance(obj, dict):
        dump = lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False)  # noqa: E731
        lines = [f"{dump(k)}: {dump(v)}" for k, v in sorted(obj.items())]
        text = "{\n" + ",\n".join(lines) + "\n}"
    else:
        text = json.dumps(obj, sort_keys=True, ensure_ascii=False)
    data = text.encode("utf-8")
    write_bytes_atomically(path, data)
    return data


def rmtree(path: Path) -> None:
    """Delete a folder, making read-only sub-folders writable first if needed."""

    def retry(func: Callable[[str], object], name: str, _exc: BaseException) -> None:
        try:
            os.chmod(os.path.dirname(name), 0o700)
            func(name)
        except OSError:
            pass

    if not path.exists():
        return
    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=retry)
    else:
        shutil.rmtree(path, onerror=lambda f, n, e: retry(f, n, e[1]))


def swap_in(new: Path, target: Path) -> None:
    """Put the folder ``new`` in the place of ``target`` (two renames), then delete the old one.

    If the second rename fails, the old folder is put back.
    """
    old = target.parent / f".{target.name}.old-{os.getpid()}"
    if target.exists():
        os.replace(target, old)
    try:
        os.replace(new, target)
    except OSError:
        if old.exists():
            os.replace(old, target)
        raise
    rmtree(old)


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it to ``path`` when the block succeeds.

    Raises:
        ExportError: The folder cannot be written.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(f"cannot write {path}: No such folder")
    if path.is_dir():
        raise ExportError(f"cannot write {path}: it is a folder")
    # Not created here: the writer creates it, with the permissions any new file gets.
    tmp = folder / f".{path.name}.{secrets.token_hex(6)}.partial"
    try:
        yield tmp
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
