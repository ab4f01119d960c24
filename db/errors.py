"""Every exception :mod:`db` raises, each with a one-line message for people.

No other module of :mod:`db` defines an exception class; they import theirs from here.
"""

from __future__ import annotations

import errno
from pathlib import Path

#: errno values that mean "this folder cannot be written" rather than "the disk failed".
READ_ONLY_ERRNOS = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})


class LiaisonError(Exception):
    """Base class: every error Liaison reports to a person derives from this."""


class CatalogError(LiaisonError):
    """The curated catalog (resources/corpus/catalog.toml) is missing or malformed."""


class ParseError(LiaisonError):
    """A document could not be parsed into passages."""


class StoreMissingError(LiaisonError):
    """No built store exists where one was expected."""


class StoreError(LiaisonError):
    """The store exists but cannot be used (damaged, wrong schema, unreadable)."""


class StoreWriteError(StoreError):
    """A new store could not be written (full disk, read-only folder); the old one is unchanged.

    Attributes:
        errno: The operating system's error number, when known.
    """

    def __init__(self, message: str, errno_: int | None = None) -> None:
        super().__init__(message)
        self.errno = errno_

    @property
    def read_only(self) -> bool:
        """True when the folder cannot be written at all (permissions, read-only media)."""
        return self.errno in READ_ONLY_ERRNOS

    @classmethod
    def from_os_error(cls, exc: OSError, store_dir: Path) -> StoreWriteError:
        """Describe an :class:`OSError` met while writing a store, in one sentence."""
        reason = exc.strerror or str(exc) or exc.__class__.__name__
        if exc.errno == errno.ENOSPC:
            what = f"there is not enough disk space to write the store in {store_dir.parent}"
        elif exc.errno in READ_ONLY_ERRNOS:
            what = f"the folder {store_dir.parent} cannot be written ({reason})"
        else:
            what = f"the store could not be written in {store_dir.parent} ({reason})"
        return cls(f"{what}; the previous store is unchanged", exc.errno)


class IncrementalUpdateError(StoreError):
    """A change of the store that cannot be made in place safely; the store is rebuilt."""


class UnsafeIndexError(Exception):
    """The index asked to unpickle something that is not part of Whoosh: refused.

    Not a :class:`LiaisonError`: it is raised from inside Whoosh's reading of the index,
    as any other unpickling error would be.
    """


class GazetteerError(LiaisonError):
    """The gazetteer data is missing or inconsistent."""


class LibraryError(LiaisonError):
    """The officer's library record (``library.sqlite``) is damaged and cannot be used."""


class NotFoundError(LiaisonError):
    """A document, passage or entity that was asked for does not exist."""


class QueryError(LiaisonError):
    """A search query or filter cannot be understood."""


class BriefError(LiaisonError):
    """A brief cannot be created or changed as asked (bad title, quote, position, …)."""


class BriefNotFoundError(BriefError, NotFoundError):
    """No brief has that title (or id)."""


class BriefExistsError(BriefError):
    """Another brief already has that title."""


class BriefItemNotFoundError(BriefError, NotFoundError):
    """A brief has no item at that position."""


class BriefsDatabaseError(LiaisonError):
    """The briefs database cannot be opened (damaged, or written by a newer Liaison)."""


class ExportError(LiaisonError):
    """A brief could not be exported (unknown format, unwritable file)."""


class ImportRejectedError(LiaisonError):
    """A file cannot be imported; the message says why in one line (without the file name)."""


class DataFolderError(LiaisonError):
    """The data folder cannot be written, so nothing can be imported (checked before starting)."""


class LockError(LiaisonError):
    """The data folder's lock file cannot be opened or locked, so nothing may be written."""


class LockTimeoutError(LockError):
    """Another copy of Liaison held the lock for longer than we were willing to wait."""


class ModelError(LiaisonError):
    """A bundled model file (token table, encoder) is unreadable or not the pinned one (SHA-256)."""
