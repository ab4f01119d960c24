"""The library's jobs: opening it, importing files and folders, removing documents, off-thread.

:class:`LibraryJobs` is a plain QObject that owns the :class:`db.reading.Library`
the window reads. Every job runs on a worker thread (:class:`Job`): opening the
library (which may build the store), importing (folders walked by
:func:`db.imports.find_documents`, files imported one at a time by
:func:`db.imports.iter_imports`, cancellable between two files) and removing
(:func:`db.imports.remove_document`), the last two followed by reopening the
library on the same thread. The GUI thread only receives the opened library,
the progress and the outcome (:class:`ImportOutcome`), by signals. :mod:`db.reading` is imported on
the worker, so the window is painted before Whoosh and the rest of :mod:`db` load; a fresh store
is opened by it alone, and the write side (:mod:`db.library`, which builds, repairs and settles,
with the parsers and extractors) is loaded only when the store needs that work, or by an import
or a removal.

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

from db.errors import DataFolderError, LiaisonError
from db.kinds import HTML_SUFFIXES, IMPORT_SUFFIXES, PDF_SUFFIXES, TEXT_SUFFIXES

if TYPE_CHECKING:
    from db.imports import ImportReport, Skipped
    from db.reading import Library


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
class ImportOutcome:
    """What one import job did: a report per file it imported, and what it passed over.

    Attributes:
        reports: One :class:`db.imports.ImportReport` per file imported or refused, in order.
        skipped: What the folder walk passed over (:class:`db.imports.Skipped`): files
            that are not documents, folders that cannot be read.
        total: How many files the job set out to import.
        cancelled: True when the officer stopped it before the last file.
        sources: The files and folders the officer chose or dropped.
    """

    reports: tuple[ImportReport, ...]
    skipped: tuple[Skipped, ...] = ()
    total: int = 0
    cancelled: bool = False
    sources: tuple[Path, ...] = ()

    def summary(self) -> ImportSummary:
        """Return the outcome in words (see :func:`summarize_imports`)."""
        return summarize_imports(
            self.reports,
            skipped=self.skipped,
            total=self.total,
            cancelled=self.cancelled,
            sources=self.sources,
        )


@dataclass(frozen=True)
class ImportSummary:
    """What one import job did, in words for the officer.

    Attributes:
        headline: One sentence ("Imported 12 files, 3 already in the library, 2 skipped.").
        imported: One line per file now in the library.
        duplicates: One line per file already there.
        skipped: One line per file refused or passed over, naming it and the reason.
        document_id: The first newly imported document (to show it), or None.
    """

    headline: str
    imported: tuple[str, ...]
    duplicates: tuple[str, ...]
    skipped: tuple[str, ...]
    document_id: str | None

    @property
    def ok(self) -> bool:
        """True when no file was skipped."""
        return not self.skipped

    def groups(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """Return (heading, lines) for each kind of outcome, empty ones left out."""
        groups = (
            ("Skipped", self.skipped),
            ("Imported", self.imported),
            ("Already in the library", self.duplicates),
        )
        return tuple((title, lines) for title, lines in groups if lines)

    def details(self) -> str:
        """Return the per-file lines, grouped (what was skipped first), as plain text."""
        return "\n\n".join(
            f"{title} ({len(lines)}):\n" + "\n".join(f"• {line}" for line in lines)
            for title, lines in self.groups()
        )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _shown_path(path: Path, sources: Sequence[Path]) -> str:
    """Name a path found in a folder from that folder on ("dossier/2024/photo.png")."""
    for source in sources:
        try:
            return str(path.relative_to(source.parent))
        except ValueError:
            continue
    return str(path)


def summarize_imports(
    reports: Sequence[ImportReport],
    *,
    skipped: Sequence[Skipped] = (),
    total: int | None = None,
    cancelled: bool = False,
    sources: Sequence[Path] = (),
) -> ImportSummary:
    """Put what an import did (:class:`db.imports.ImportReport` objects) in words.

    Args:
        reports: One report per file, in order.
        skipped: What a folder walk passed over, each with its reason.
        total: How many files the import set out to do (default: ``len(reports)``).
        cancelled: The officer stopped the import before the last file.
        sources: The files and folders chosen (to name what was passed over, and
            what held nothing to import).
    """
    imported = tuple(r.message for r in reports if r.ok)
    duplicates = tuple(r.message for r in reports if r.status == "duplicate")
    passed_over = tuple(f"{_shown_path(s.path, sources)} {s.reason}" for s in skipped)
    refused = tuple(r.message for r in reports if r.status == "rejected")
    skipped_lines = refused + passed_over
    first = next((r.document_id for r in reports if r.status == "imported"), None)
    first = first or next((r.document_id for r in reports if r.ok), None)
    if not reports and not cancelled:
        return ImportSummary(
            _nothing_found(skipped, sources), imported, duplicates, skipped_lines, first
        )
    rest = [(len(duplicates), "already in the library"), (len(skipped_lines), "skipped")]
    rest = [(n, what) for n, what in rest if n]
    if imported:
        parts = [f"imported {_plural(len(imported), 'file')}"]
        parts += [f"{n} {what}" for n, what in rest]
        counts = ", ".join(parts)
    else:
        parts = [
            f"{_plural(n, 'file') if i == 0 else n} {what}" for i, (n, what) in enumerate(rest)
        ]
        counts = "nothing imported" + (": " + ", ".join(parts) if parts else "")
    if cancelled:
        total = len(reports) if total is None else total
        headline = f"Cancelled after {len(reports)} of {_plural(total, 'file')}: {counts}."
    else:
        headline = counts[0].upper() + counts[1:] + "."
    return ImportSummary(headline, imported, duplicates, skipped_lines, first)


def _nothing_found(skipped: Sequence[Skipped], sources: Sequence[Path]) -> str:
    """One sentence for an import that found no file to import."""
    unreadable = [s for s in skipped if s.unreadable]
    if unreadable and len(unreadable) == len(sources):
        first = unreadable[0]
        return f"Nothing was imported: {first.path} {first.reason}."
    folders = [s for s in sources if s.is_dir()]
    if folders:
        names = ", ".join(f"“{f.name or f}”" for f in folders)
        return (
            f"Nothing was imported: no document Liaison imports (text, Markdown, HTML or PDF) "
            f"was found in {names}."
        )
    return "Nothing to import."


class LibraryJobs(QObject):
    """Owns the window's library: opens it and changes it, one job at a time, off the GUI thread.

    Args:
        library: An already open library to adopt. The jobs object then never closes
            it and refuses to change it (tests share one library this way).
        parent: The QObject parent.
    """

    opened = Signal(object)
    """Emitted with the newly opened :class:`db.reading.Library`."""
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
    """Emitted with the :class:`ImportOutcome` of an import job."""
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
        self._cancel = threading.Event()

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
        from db.reading import open_fresh  # on the worker: the window is painted first

        try:
            library = open_fresh()
            if library is None:  # a store to build or repair: only now the write side loads
                from db.library import open_library

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
        """Stop an import after its current file, wait for the job, then close the library."""
        if self._job is not None:
            self._cancel.set()
            job, self._job = self._job, None
            job.wait()
            job.done.disconnect(self._job_done)
            job.release()
            opened = job.opened
            if opened is not None and opened is not self.library:
                opened.close()
        self.close()

    # -- changing ------------------------------------------------------------

    def start_import(self, sources: Sequence[Path]) -> bool:
        """Import files, and everything under folders, on a worker thread; :attr:`imported` follows.

        On the worker, folders are walked (:func:`db.imports.find_documents`), the
        data folder is checked once (:func:`db.imports.check_writable`), then the
        files are imported one at a time (:func:`db.imports.iter_imports`), each
        reported by :attr:`progressed` before it starts. :meth:`cancel` stops the
        job after the file under way: every file already imported stays, whole.

        Args:
            sources: Files and folders, as the officer chose or dropped them.

        Returns:
            False (and nothing starts) when a job runs already or the library is not open.
        """
        if not self.can_change or not sources:
            return False
        from db.imports import check_writable, find_documents, iter_imports

        chosen = tuple(Path(f) for f in sources)
        cancel = self._cancel
        cancel.clear()

        def work(report: Reporter) -> ImportOutcome:
            report(0, 0, "")  # looking for documents
            scan = find_documents(list(chosen))
            files = scan.files
            skipped = tuple(scan.skipped)
            if not files:
                return ImportOutcome((), skipped, 0, False, chosen)
            try:
                check_writable()
            except DataFolderError as exc:
                raise DataFolderError(f"Nothing was imported: {exc}.") from exc
            reports: list[ImportReport] = []
            imports = iter_imports(files)
            try:
                for done, path in enumerate(files):
                    if cancel.is_set():
                        break  # between two files: every file reported is whole
                    report(done, len(files), path.name)
                    reports.append(next(imports))
            finally:
                imports.close()  # releases the data folder's lock
            report(len(reports), len(files), "")
            stopped = len(reports) < len(files)
            return ImportOutcome(tuple(reports), skipped, len(files), stopped, chosen)

        if len(chosen) == 1 and not chosen[0].is_dir():
            names = chosen[0].name
        else:
            names = ", ".join(p.name or str(p) for p in chosen[:2]) + ("…" if chosen[2:] else "")
        self._start("import", chosen, work, f"Importing {names}…")
        return True

    def cancel(self) -> bool:
        """Ask the running import to stop once its current file is imported (or refused).

        Returns:
            True when an import runs and will stop; False when there is none.
        """
        if self._job is None or self._job_kind != "import":
            return False
        self._cancel.set()
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
        """Back in the GUI thread: take the reopened library, then report what the job did.

        What the job was is read first: a slot of :attr:`opened` may start the next job
        (an import waiting for the library), which sets the kind anew.
        """
        job, self._job = self._job, None
        if job is None:
            return
        kind, arg = self._job_kind, self._job_arg
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
        if kind == "open":
            return
        self.busy_changed.emit("")
        if error is not None:
            self.job_failed.emit(error)
        elif kind == "import":
            self.imported.emit(result)
        else:
            self.removed.emit(str(arg), list(result))
