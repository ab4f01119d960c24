"""One object over the store and its index: what the CLI and the desktop app open.

:func:`open_library` finds the store (the user's data folder, or the prebuilt
store inside a frozen app), checks it against its manifest before Whoosh
opens anything, rebuilds it from the bundled corpus when it is missing,
stale or damaged, and returns a :class:`Library`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from db import paths
from db.build import Progress, build_store, store_state, verify_manifest
from db.errors import StoreError, StoreMissingError
from db.index import INDEX_DIRNAME, open_index
from db.search import Filters, SearchEngine, SearchResult
from db.store import Store


@dataclass
class OpenReport:
    """What :func:`open_library` had to do before the library was usable."""

    store_dir: Path
    state: str
    rebuilt: bool = False
    message: str | None = None


class Library:
    """The read-only corpus: documents, passages and search."""

    def __init__(self, store_dir: Path, report: OpenReport | None = None) -> None:
        self.store_dir = store_dir
        self.store = Store.open(store_dir)
        try:
            self.index = open_index(store_dir / INDEX_DIRNAME)
        except Exception as exc:  # whoosh raises many types for a broken index
            self.store.close()
            raise StoreError(f"the search index is damaged ({exc.__class__.__name__})") from exc
        self.engine = SearchEngine(self.index, self.store)
        self.report = report or OpenReport(store_dir, "fresh")

    def close(self) -> None:
        """Close the index and the database."""
        self.engine.close()
        self.index.close()
        self.store.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading -------------------------------------------------------------

    def documents(self) -> list[dict[str, Any]]:
        """Return every document with its sources and passage count."""
        return self.store.documents()

    def document(self, document_id: str) -> dict[str, Any]:
        """Return one document with its passages and footnotes."""
        doc = self.store.document(document_id)
        doc["passages_list"] = self.store.passages(document_id)
        doc["footnotes"] = self.store.footnotes(document_id)
        return doc

    def source_text(self, document_id: str) -> str:
        """Return the primary source text of a document."""
        return self.store.source_text(document_id)

    def passage(self, passage_id: str) -> dict[str, Any]:
        """Return one passage."""
        return self.store.passage(passage_id)

    def summary(self) -> dict[str, Any]:
        """Return counts and build facts for a status line."""
        meta = self.store.meta()
        return {
            **self.store.counts(),
            "built_at": meta.get("built_at"),
            "store_dir": str(self.store_dir),
        }

    def search(self, text: str, *, limit: int = 10, **filters: Any) -> SearchResult:
        """Search passages; keyword filters are those of :class:`db.search.Filters`."""
        return self.engine.search(text, limit=limit, filters=Filters(**filters))


def open_library(
    *,
    store_dir: Path | None = None,
    auto_build: bool = True,
    progress: Progress | None = None,
    notice: Callable[[str], None] | None = None,
) -> Library:
    """Open the library, building or repairing the store first when needed.

    Args:
        store_dir: The store folder (default: the data folder's, or the bundle's).
        auto_build: Build the store when it is missing, stale or damaged.
        progress: Build progress callback.
        notice: Called with one sentence when the store had to be (re)built.

    Raises:
        StoreMissingError: No store and ``auto_build`` is False.
        StoreError: The store is unusable and could not be rebuilt.
    """
    if store_dir is None:
        store_dir = paths.store_dir()
        bundled = paths.bundled_store_dir()
        if bundled is not None and not store_dir.exists() and not verify_manifest(bundled):
            return Library(bundled, OpenReport(bundled, "fresh"))
    state = store_state(store_dir)
    report = OpenReport(store_dir, state)
    if state != "fresh":
        if not auto_build:
            if state == "missing":
                raise StoreMissingError(f"no store at {store_dir}; run `liaison build`")
            problems = "; ".join(verify_manifest(store_dir)) or state
            raise StoreError(f"the store at {store_dir} is {state} ({problems})")
        reason = {
            "missing": "No store yet: building it from the bundled corpus.",
            "stale": "The corpus or parser changed: rebuilding the store.",
            "damaged": "The store was damaged ("
            + "; ".join(verify_manifest(store_dir)[:3])
            + "): rebuilding it from the bundled corpus.",
        }[state]
        if notice:
            notice(reason)
        build_store(store_dir, progress=progress)
        report.rebuilt = True
        report.message = reason
    return Library(store_dir, report)
