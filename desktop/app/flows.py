"""The import and remove flows: choosing files, confirming, and telling the officer what happened.

:class:`LibraryFlows` asks (file or folder dialog, confirmation), starts the job
on :class:`~desktop.app.jobs.LibraryJobs`, shows an import's progress with a
Cancel button (:class:`~desktop.app.import_dialogs.ImportProgressDialog`, for a
folder or several files), and reports the outcome in words: a status line
(:attr:`LibraryFlows.message`) and a non-modal dialog that the officer closes
with Enter, Esc or a click (the import's summary,
:class:`~desktop.app.import_dialogs.ImportSummaryDialog`, or a notice box). It
never touches the panes; when an import brings a new document it emits
:attr:`LibraryFlows.document_imported`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from desktop.app import dialogs
from desktop.app.import_dialogs import ImportProgressDialog, ImportSummaryDialog
from desktop.app.jobs import IMPORT_FILTER, ImportOutcome, ImportSummary, LibraryJobs
from desktop.app.models import TreeNode
from desktop.app.settings import Settings
from desktop.app.viewer import esc


def document_label(doc: dict[str, Any]) -> str:
    """Return how the officer knows a document: its symbol, else its title."""
    return str(doc.get("symbol") or doc.get("title") or doc.get("id"))


class LibraryFlows(QObject):
    """Import and remove, as the officer sees them.

    Args:
        window: The window the dialogs belong to.
        jobs: Runs the jobs.
        settings: Remembers the folder files were last imported from.
    """

    message = Signal(str, int)
    """Emitted with (a status line, how long to show it in ms)."""
    job_finished = Signal(str)
    """Emitted with the status line once an import or removal has been reported."""
    document_imported = Signal(str)
    """Emitted with the id of the first document an import brought in (to show it)."""
    open_node = Signal(object)
    """Emitted with a tree row chosen by "Open" in its context menu."""

    def __init__(self, window: QWidget, jobs: LibraryJobs, settings: Settings) -> None:
        super().__init__(window)
        self.window = window
        self.jobs = jobs
        self.settings = settings
        self.notice_box: QMessageBox | None = None
        self.progress_dialog: ImportProgressDialog | None = None
        self.summary_dialog: ImportSummaryDialog | None = None
        self.last_import: ImportSummary | None = None
        self._removing = ""
        jobs.imported.connect(self._on_imported)
        jobs.progressed.connect(self._on_progress)
        jobs.busy_changed.connect(self._on_busy)
        jobs.removed.connect(self._on_removed)
        jobs.job_failed.connect(self._on_job_failed)

    # -- importing ---------------------------------------------------------------

    def choose_and_import(self) -> None:
        """Choose text, Markdown, HTML or PDF files and import them into the library."""
        if not self.can_change():
            return
        start = self.settings.import_folder
        if not start or not Path(start).is_dir():
            start = str(Path.home())
        files, _ = QFileDialog.getOpenFileNames(
            self.window, "Import documents into your library", start, IMPORT_FILTER
        )
        if files:
            self.settings.import_folder = str(Path(files[0]).parent)
            self.import_paths([Path(f) for f in files])

    def choose_folder_and_import(self) -> None:
        """Choose a folder and import every document under it (File ▸ Import folder…)."""
        if not self.can_change():
            return
        start = self.settings.import_folder
        if not start or not Path(start).is_dir():
            start = str(Path.home())
        folder = QFileDialog.getExistingDirectory(
            self.window, "Import a folder into your library", start
        )
        if folder:
            self.settings.import_folder = str(Path(folder).parent)
            self.import_paths([Path(folder)])

    def import_paths(self, sources: Sequence[Path]) -> bool:
        """Import files, and folders with everything under them, in the background.

        What the menu's two actions and a drop do. A folder or several files get a
        progress dialog with a Cancel button.

        Returns:
            True when the import started; :attr:`job_finished` follows, after the
            summary is shown.
        """
        if not sources or not self.can_change():
            return False
        chosen = [Path(f) for f in sources]
        if not self.jobs.start_import(chosen):
            return False
        if len(chosen) > 1 or chosen[0].is_dir():
            self._show_progress()
        return True

    def cancel_import(self) -> bool:
        """Stop the running import after its current file (what Cancel does).

        Returns:
            True when an import runs and will stop.
        """
        return self.jobs.cancel()

    def _show_progress(self) -> None:
        self._close_progress()
        self.close_notice()
        dialog = ImportProgressDialog(self.window)
        dialog.cancel_requested.connect(self.cancel_import)
        self.progress_dialog = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()

    def _on_progress(self, done: int, total: int, name: str) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.set_progress(done, total, name)

    def _on_busy(self, text: str) -> None:
        if not text:
            self._close_progress()  # before any summary or error box is shown

    def _close_progress(self) -> None:
        dialog, self.progress_dialog = self.progress_dialog, None
        if dialog is not None:
            dialog.finish()
            dialog.deleteLater()

    def _on_imported(self, outcome: ImportOutcome) -> None:
        summary = outcome.summary()
        self.last_import = summary
        if summary.document_id and self.jobs.library is not None:
            self.document_imported.emit(summary.document_id)
        if len(summary.imported) == 1 and len(outcome.reports) == 1 and not outcome.skipped:
            status = f"Imported {summary.imported[0]}"
        else:
            status = summary.headline
        self.message.emit(status, 15000)
        self.show_summary(summary)
        self.job_finished.emit(status)

    def show_summary(self, summary: ImportSummary) -> ImportSummaryDialog:
        """Show an import's summary in a non-blocking dialog (kept in :attr:`summary_dialog`)."""
        self.close_notice()
        dialog = ImportSummaryDialog(summary, self.window)
        self.summary_dialog = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    # -- removing ----------------------------------------------------------------

    def remove_open_document(self, doc: dict[str, Any] | None) -> None:
        """Remove the imported document open in the viewer (after asking)."""
        if doc is None or doc.get("origin") != "imported":
            self.message.emit(
                "Open one of your imported documents to remove it; "
                "the bundled documents cannot be removed.",
                5000,
            )
            return
        self.remove_document(doc["id"])

    def remove_document(self, document_id: str, *, confirm: bool = True) -> bool:
        """Remove an imported document from the library in the background.

        Args:
            document_id: The document.
            confirm: Ask the officer first.

        Returns:
            True when the removal started; :attr:`job_finished` follows.
        """
        if not self.can_change():
            return False
        library = self.jobs.library
        assert library is not None
        doc = next((d for d in library.documents() if d["id"] == document_id), None)
        label = document_label(doc) if doc else document_id
        files = ", ".join(s["file"] for s in doc.get("sources") or []) if doc else ""
        if confirm and not dialogs.confirm(
            self.window,
            "Remove document",
            f"Remove “{label}” from your library?\n\n"
            "Its passages will no longer be found or cited. "
            + (f"The file you imported ({files}) stays where it is." if files else ""),
        ):
            return False
        self._removing = label
        return self.jobs.start_remove(document_id, label)

    def _on_removed(self, document_id: str, files: list[str]) -> None:
        label = self._removing or document_id
        status = f"Removed “{label}” from your library ({', '.join(files)})."
        self.message.emit(status, 15000)
        self.job_finished.emit(status)

    def _on_job_failed(self, message: str) -> None:
        self.message.emit(message, 15000)
        sentence = message if message.endswith((".", "!", "?")) else message + "."
        self.show_notice("Liaison", sentence, [], warning=True)
        self.job_finished.emit(message)

    def can_change(self) -> bool:
        """Return True when an import or removal may start now (else say why)."""
        if self.jobs.can_change:
            return True
        if self.jobs.busy:
            why = "An import or removal is running; try again when it has finished."
        elif not self.jobs.owned:
            why = "This window cannot change its library."
        else:
            why = "The library is not open."
        self.message.emit(why, 5000)
        return False

    def document_menu(self, node: TreeNode) -> QMenu | None:
        """Return the context menu of a Documents-tab row (None for other rows)."""
        doc = node.document_node()
        if doc is None:
            return None
        menu = QMenu(self.window)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        open_action = menu.addAction("&Open")
        open_action.triggered.connect(lambda: self.open_node.emit(node))
        menu.addSeparator()
        if doc.badge == "imported":
            remove = menu.addAction(f"&Remove “{doc.label.replace('&', '&&')}” from your library…")
            remove.setObjectName("remove-document")
            remove.setEnabled(self.jobs.can_change)
            remove.triggered.connect(lambda: self.remove_document(doc.ref))
        else:
            remove = menu.addAction("Part of the bundled corpus (cannot be removed)")
            remove.setEnabled(False)
        return menu

    # -- telling -----------------------------------------------------------------

    def show_notice(
        self,
        title: str,
        headline: str,
        groups: Sequence[tuple[str, Sequence[str]]],
        *,
        warning: bool = False,
    ) -> QMessageBox:
        """Show a non-blocking message box (the last one stays in :attr:`notice_box`).

        Args:
            title: The window title.
            headline: One sentence, in bold.
            groups: (heading, lines) pairs listed under it; empty groups are left out.
            warning: Use the warning icon.
        """
        self.close_notice()
        icon = QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information
        box = QMessageBox(icon, title, "", QMessageBox.StandardButton.Ok, self.window)
        box.setObjectName("notice")
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(f"<b>{esc(headline)}</b>")
        parts = []
        for heading, lines in groups:
            if not lines:
                continue
            items = "".join(f"<li>{esc(line)}</li>" for line in lines)
            head = f"<p style='margin-bottom:2px'>{esc(heading)}:</p>" if heading else ""
            parts.append(f"{head}<ul style='margin-top:0; -qt-list-indent:1'>{items}</ul>")
        box.setInformativeText("<div>" + "".join(parts) + "</div>")
        # Wide enough for a one-line import message on one line (Qt's box is narrow).
        width = min(640, max(360, 8 * max((len(x) for _, g in groups for x in g), default=0)))
        box.setStyleSheet(f"QLabel#qt_msgbox_informativelabel {{ min-width: {width}px; }}")
        box.setWindowModality(Qt.WindowModality.NonModal)
        self.notice_box = box
        box.show()
        return box

    def close_notice(self) -> None:
        """Close the notice box and the last import summary, if open."""
        if self.notice_box is not None:
            self.notice_box.close()
            self.notice_box.deleteLater()
            self.notice_box = None
        if self.summary_dialog is not None:
            self.summary_dialog.close()
            self.summary_dialog.deleteLater()
            self.summary_dialog = None
