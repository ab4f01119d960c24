"""The library's jobs: opening it, importing files, removing documents, each off the GUI thread.

:class:`LibraryJobs` is a plain QObject that owns the :class:`db.library.Library`
the window reads. Every job runs on a worker thread (:class:`Job`): opening the
library (which may build the store), importing (:func:`db.imports.import_files`)
and removing (:func:`db.imports.remove_document`), the last two followed by
reopening the library on the same thread. The GUI thread only receives the
opened library and the reports, by signals. :mod:`db.library` is imported on
the worker, so the window is painted before Whoosh and the rest of :mod:`db` load.

The library is closed while a job runs: the job swaps a rebuilt store in place
of the old one, which Windows refuses while files inside it are open.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QThread, Signal

from db.errors import LiaisonError
from db.kinds import HTML_SUFFIXES, IMPORT_SUFFIXES, PDF_SUFFIXES, TEXT_SUFFIXES

if TYPE_CHECKING:
    from db.imports import ImportReport
    from db.library import Library


def _patterns(suffixes: Iterable[str]) -> str:
    return " ".join(f"*{s}" for s in sorted(suffixes))


#: The file dialog's filter, from the importer's file types (:mod:`db.kinds`).
IMPORT_FILTER = (
    f"Documents ({_patterns(IMPORT_SUFFIXES)});;PDF ({_patterns(PDF_SUFFIXES)});;"
    f"Web pages ({_patterns(HTML_SUFFIXES)});;"
    f"Text and Markdown ({_patterns(TEXT_SUFFIXES)});;All files (*)"
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


def _nothing(_report: Reporter) -> None:
    return None


def _not_reopened() -> tuple[Library | None, str | None]:
    return None, None


class Job(QThread):
    """One piece of work on a worker thread; reports progress and its result by signals.

    Args:
        work: Called on the worker thread with a progress reporter ``(done, total, name)``;
            returns the result.
        reopen: Called on the worker thread after ``work``: opens the library again.
        parent: The QObject parent (lives in the GUI thread, so its slots run there).
    """

    progressed = Signal(int, int, str)
    """Emitted with (files done, files in all, the file being worked on)."""
    done = Signal(object, object)
    """Emitted once with (the result or None, a one-line error message or None)."""

    def __init__(
        self,
        work: Callable[[Reporter], Any],
        reopen: Callable[[], tuple[Library | None, str | None]],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.work = work
        self.reopen = reopen
        self.opened: Library | None = None
        self.open_error: str | None = None

    def run(self) -> None:  # runs on the worker thread
        """Do the work, open the library again, and emit :attr:`done`."""
        result: Any = None
        error: str | None = None
        try:
            result = self.work(self.progressed.emit)
        except Exception as exc:  # every failure becomes one line for the officer
            error = one_line(exc)
            print(f"liaison: error: {error}", file=sys.stderr)
        self.opened, self.open_error = self.reopen()
        self.done.emit(result, error)

    def release(self) -> None:
        """Drop the callables (they refer to the jobs object: no cycle outlives the job)."""
        self.work = _nothing
        self.reopen = _not_reopened


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


def summarize_imports(reports: Sequence[ImportReport]) -> ImportSummary:
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


class LibraryJobs(QObject):
    """Owns the window's library: opens it and changes it, one job at a time, off the GUI thread.

    Args:
        library: An already open library to adopt. The jobs object then never closes
            it and refuses to change it (tests share one library this way).
        parent: The QObject parent.
    """

    opened = Signal(object)
    """Emitted with the newly opened :class:`db.library.Library`."""
    open_failed = Signal(str)
    """Emitted with a one-line reason when the library could not be opened."""
    closed = Signal()
    """Emitted when the library was closed (a job is about to change the store)."""
    busy_changed = Signal(str)
    """Emitted with what the running import or removal does ("" when it has finished)."""
    progressed = Signal(int, int, str)
    """Emitted with (files done, files in all, the file being worked on)."""
    build_notice = Signal(str)
    """Emitted with one sentence when opening has to (re)build the store."""
    build_progressed = Signal(str, int, int)
    """Emitted with (step, done, total) while the store is built."""
    imported = Signal(object)
    """Emitted with the list of :class:`db.imports.ImportReport` after an import job."""
    removed = Signal(str, object)
    """Emitted with the document id and the file names removed."""
    job_failed = Signal(str)
    """Emitted with a one-line message when a job failed as a whole."""

    def __init__(self, library: Library | None = None, *, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.owned = library is None
        self.error: str | None = None
        self._job: Job | None = None
        self._job_kind = ""
        self._job_arg: Any = None

    # -- state ---------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """True while a job (opening, importing, removing) runs."""
        return self._job is not None

    @property
    def can_change(self) -> bool:
        """True when an import or removal may start now."""
        return self.owned and self.library is not None and not self.busy

    # -- opening -------------------------------------------------------------

    def open(self) -> bool:
        """Open the library on a worker thread; :attr:`opened` or :attr:`open_failed` follows.

        Returns:
            True when opening started (or an adopted library was reported at once);
            False when another job runs or there is nothing to open.
        """
        if not self.owned:
            if self.library is not None:
                self.opened.emit(self.library)
            return self.library is not None
        if self.busy:
            return False
        self.close()
        self._start("open", None, lambda _report: None, "")
        return True

    def _open_on_worker(self) -> tuple[Library | None, str | None]:
        """Open the library (on the worker thread): (library, None) or (None, why)."""
        from db.library import open_library  # on the worker: the window is painted first

        try:
            library = open_library(
                progress=self.build_progressed.emit, notice=self.build_notice.emit
            )
        except (LiaisonError, OSError) as exc:
            return None, one_line(exc)
        # The meaning stage's table and vectors load beside the officer's first keystrokes.
        threading.Thread(target=library.prepare, name="prepare", daemon=True).start()
        return library, None

    def close(self) -> None:
        """Close the library (only one these jobs opened)."""
        if self.owned and self.library is not None:
            library, self.library = self.library, None
            library.close()
            self.closed.emit()

    def shutdown(self) -> None:
        """Wait for a running job (it cannot be cut short safely), then close the library."""
        if self._job is not None:
            job, self._job = self._job, None
            job.wait()
            job.done.disconnect(self._job_done)
            job.release()
            opened = job.opened
            if opened is not None and opened is not self.library:
                opened.close()
        self.close()

    # -- changing ------------------------------------------------------------

    def start_import(self, files: Sequence[Path]) -> bool:
        """Import ``files`` on a worker thread; :attr:`imported` follows.

        Returns:
            False (and nothing starts) when a job runs already or the library is not open.
        """
        if not self.can_change or not files:
            return False
        from db.imports import import_files

        paths = [Path(f) for f in files]

        def work(report: Reporter) -> list[ImportReport]:
            reports = []
            for i, path in enumerate(paths):
                report(i, len(paths), path.name)
                reports.extend(import_files([path]))
            report(len(paths), len(paths), "")
            return reports

        names = paths[0].name if len(paths) == 1 else f"{len(paths)} files"
        self._start("import", paths, work, f"Importing {names}…")
        return True

    def start_remove(self, document_id: str, label: str = "") -> bool:
        """Remove an imported document on a worker thread; :attr:`removed` follows.

        Args:
            document_id: The document.
            label: How the officer knows it (its symbol or title), for the busy line.

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
            f"Removing {label or document_id}…",
        )
        return True

    def _start(self, kind: str, arg: Any, work: Callable[[Reporter], Any], busy_text: str) -> None:
        self.close()
        self._job_kind, self._job_arg = kind, arg
        self._job = Job(work, self._open_on_worker, self)
        self._job.progressed.connect(self.progressed)
        self._job.done.connect(self._job_done)
        if busy_text:
            self.busy_changed.emit(busy_text)
        self._job.start()

    def _job_done(self, result: Any, error: str | None) -> None:
        """Back in the GUI thread: take the reopened library, then report what the job did."""
        job, self._job = self._job, None
        if job is None:
            return
        job.wait()
        job.release()
        job.deleteLater()
        self.library = job.opened
        if job.opened is not None:
            self.error = None
            self.opened.emit(job.opened)
        else:
            self.error = job.open_error
            self.open_failed.emit(self.error or "the library could not be opened")
        if self._job_kind == "open":
            return
        self.busy_changed.emit("")
        if error is not None:
            self.job_failed.emit(error)
        elif self._job_kind == "import":
            self.imported.emit(list(result))
        else:
            self.removed.emit(str(self._job_arg), list(result))
