"""The open library and the jobs that change it: opening it, importing files, removing documents.

:class:`LibrarySession` is a plain QObject that owns the :class:`db.library.Library`
the window reads. It imports :mod:`db.library` only when asked to open it, so
the window can be shown first. It runs one import or removal at a time in a
worker thread (:class:`Job`, calling :func:`db.imports.import_files` or
:func:`db.imports.remove_document`, which know nothing of Qt) and reopens the
library in the GUI thread when the job is done.

The library is closed while a job runs: the job swaps a rebuilt store in place
of the old one, which Windows refuses while files inside it are open.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from db.errors import LiaisonError

#: The file types the import accepts, for the file dialog and drag and drop.
IMPORT_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml", ".pdf")
IMPORT_FILTER = (
    "Documents (*.txt *.text *.md *.markdown *.html *.htm *.xhtml *.pdf);;"
    "PDF (*.pdf);;Web pages (*.html *.htm *.xhtml);;"
    "Text and Markdown (*.txt *.text *.md *.markdown);;All files (*)"
)

Reporter = Callable[[int, int, str], None]


def one_line(exc: BaseException) -> str:
    """Return an exception as one line for the officer (never a traceback)."""
    if isinstance(exc, OSError):
        text = f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": ")
    elif isinstance(exc, LiaisonError):
        text = str(exc)
    else:
        text = f"unexpected error ({exc.__class__.__name__}: {exc})"
    return " ".join(text.split()) or exc.__class__.__name__


class Job(QThread):
    """One piece of work on a worker thread; reports progress and its result by signals.

    Args:
        work: Called on the worker thread with a progress reporter ``(done, total, name)``;
            returns the result.
        parent: The QObject parent (lives in the GUI thread, so its slots run there).
    """

    progressed = Signal(int, int, str)
    """Emitted with (files done, files in all, the file being worked on)."""
    done = Signal(object, object)
    """Emitted once with (the result or None, a one-line error message or None)."""

    def __init__(self, work: Callable[[Reporter], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.work = work

    def run(self) -> None:  # runs on the worker thread
        """Do the work and emit :attr:`done`."""
        result: Any = None
        error: str | None = None
        try:
            result = self.work(self.progressed.emit)
        except Exception as exc:  # every failure becomes one line for the officer
            error = one_line(exc)
            print(f"liaison: error: {error}", file=sys.stderr)
        self.done.emit(result, error)


@dataclass(frozen=True)
class ImportSummary:
    """What one import job did, in words for the officer.

    Attributes:
        headline: One sentence ("Imported 1 document.").
        imported: One line per file now in the library.
        skipped: One line per file already there (duplicates).
        rejected: One line per file refused, naming the file and the reason.
        document_id: The first newly imported document (to show it), or None.
    """

    headline: str
    imported: tuple[str, ...]
    skipped: tuple[str, ...]
    rejected: tuple[str, ...]
    document_id: str | None

    @property
    def ok(self) -> bool:
        """True when no file was rejected."""
        return not self.rejected

    def details(self) -> str:
        """Return the per-file lines, grouped, as plain text."""
        groups = (
            ("Imported", self.imported),
            ("Already in the library", self.skipped),
            ("Not imported", self.rejected),
        )
        return "\n\n".join(
            f"{title}:\n" + "\n".join(f"• {line}" for line in lines)
            for title, lines in groups
            if lines
        )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summarize_imports(reports: Sequence[Any]) -> ImportSummary:
    """Turn :class:`db.imports.ImportReport` objects into an :class:`ImportSummary`."""
    imported = tuple(r.message for r in reports if r.ok)
    skipped = tuple(r.message for r in reports if r.status == "duplicate")
    rejected = tuple(r.message for r in reports if r.status == "rejected")
    parts = []
    if imported:
        parts.append(f"Imported {_plural(len(imported), 'file')}")
    if skipped:
        parts.append(f"{_plural(len(skipped), 'file')} already in the library")
    if rejected:
        parts.append(f"{_plural(len(rejected), 'file')} not imported")
    headline = (", ".join(parts) or "Nothing to import") + "."
    headline = headline[0].upper() + headline[1:]
    first = next((r.document_id for r in reports if r.status == "imported"), None)
    first = first or next((r.document_id for r in reports if r.ok), None)
    return ImportSummary(headline, imported, skipped, rejected, first)


class LibrarySession(QObject):
    """Owns the window's library: opens it, and changes it one job at a time.

    Args:
        library: An already open library to adopt. The session then never closes
            it and refuses to change it (tests share one library this way).
        progress: Store-build progress callback for :func:`db.library.open_library`.
        notice: Called with one sentence when the store has to be (re)built.
        parent: The QObject parent.
    """

    opened = Signal(object)
    """Emitted with the newly opened :class:`db.library.Library`."""
    open_failed = Signal(str)
    """Emitted with a one-line reason when the library could not be opened."""
    closed = Signal()
    """Emitted when the library was closed (a job is about to change the store)."""
    busy_changed = Signal(str)
    """Emitted with what the running job does ("" when no job runs any more)."""
    progressed = Signal(int, int, str)
    """Emitted with (files done, files in all, the file being worked on)."""
    imported = Signal(object)
    """Emitted with the list of :class:`db.imports.ImportReport` after an import job."""
    removed = Signal(str, object)
    """Emitted with the document id and the file names removed."""
    job_failed = Signal(str)
    """Emitted with a one-line message when a job failed as a whole."""

    def __init__(
        self,
        library: Any | None = None,
        *,
        progress: Callable[[str, int, int], None] | None = None,
        notice: Callable[[str], None] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.library = library
        self.owned = library is None
        self.error: str | None = None
        self._progress = progress
        self._notice = notice
        self._job: Job | None = None
        self._job_kind = ""
        self._job_arg: Any = None

    # -- state ---------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """True while an import or removal runs."""
        return self._job is not None

    @property
    def can_change(self) -> bool:
        """True when an import or removal may start now."""
        return self.owned and self.library is not None and not self.busy

    # -- opening -------------------------------------------------------------

    def open(self) -> bool:
        """Open the library (building the store if needed) and emit :attr:`opened`.

        Returns:
            True when the library is open; otherwise :attr:`error` says why and
            :attr:`open_failed` was emitted.
        """
        if not self.owned:
            if self.library is not None:
                self.opened.emit(self.library)
            return self.library is not None
        from db.library import open_library  # here, not at import: the window shows first

        self.close()
        try:
            library = open_library(progress=self._progress, notice=self._notice)
        except (LiaisonError, OSError) as exc:
            self.error = one_line(exc)
            self.open_failed.emit(self.error)
            return False
        self.error = None
        self.library = library
        self.opened.emit(library)
        return True

    def close(self) -> None:
        """Close the library (only one this session opened)."""
        if self.owned and self.library is not None:
            library, self.library = self.library, None
            library.close()
            self.closed.emit()

    def shutdown(self) -> None:
        """Wait for a running job (it cannot be cut short safely), then close the library."""
        if self._job is not None:
            self._job.wait()
            self._job.done.disconnect(self._job_done)
            self._job = None
        self.close()

    # -- jobs ----------------------------------------------------------------

    def start_import(self, files: Sequence[Path]) -> bool:
        """Import ``files`` on a worker thread; :attr:`imported` follows.

        Returns:
            False (and nothing starts) when a job runs already or the library is not open.
        """
        if not self.can_change or not files:
            return False
        from db.imports import import_files

        paths = [Path(f) for f in files]

        def work(report: Reporter) -> list[Any]:
            reports = []
            for i, path in enumerate(paths):
                report(i, len(paths), path.name)
                reports.extend(import_files([path]))
            report(len(paths), len(paths), "")
            return reports

        names = paths[0].name if len(paths) == 1 else f"{len(paths)} files"
        self._start("import", paths, work, f"Importing {names}…")
        return True

    def start_remove(self, document_id: str) -> bool:
        """Remove an imported document on a worker thread; :attr:`removed` follows.

        Returns:
            False (and nothing starts) when a job runs already or the library is not open.
        """
        if not self.can_change:
            return False
        from db.imports import remove_document

        self._start(
            "remove",
            document_id,
            lambda _report: remove_document(document_id),
            f"Removing {document_id}…",
        )
        return True

    def _start(self, kind: str, arg: Any, work: Callable[[Reporter], Any], busy_text: str) -> None:
        self.close()
        self._job_kind, self._job_arg = kind, arg
        self._job = Job(work, self)
        self._job.progressed.connect(self.progressed)
        self._job.done.connect(self._job_done)
        self.busy_changed.emit(busy_text)
        self._job.start()

    def _job_done(self, result: Any, error: str | None) -> None:
        """Back in the GUI thread: reopen the library, then report what the job did."""
        job, self._job = self._job, None
        if job is not None:
            job.wait()
            job.deleteLater()
        self.open()
        self.busy_changed.emit("")
        if error is not None:
            self.job_failed.emit(error)
        elif self._job_kind == "import":
            self.imported.emit(list(result))
        else:
            self.removed.emit(str(self._job_arg), list(result))
