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


class ModelError(LiaisonError):
    """The bundled embedding table is missing, unreadable or not the one pinned by SHA-256."""
