"""Specific exceptions raised by the store, each with a one-line message for people."""


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


class LockError(LiaisonError):
    """The data folder's lock file cannot be opened or locked, so nothing may be written."""


class LockTimeoutError(LockError):
    """Another copy of Liaison held the lock for longer than we were willing to wait."""


class ModelError(LiaisonError):
    """The bundled embedding table is missing, unreadable or not the one pinned by SHA-256."""
