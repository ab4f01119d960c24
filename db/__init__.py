"""Liaison's store: parsing, entity linking, SQLite record, Whoosh index and search.

Nothing in this package imports Qt: the desktop app and the CLI both talk to it
through the small API in :mod:`db.store`, :mod:`db.build` and :mod:`db.search`.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
