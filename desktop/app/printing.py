"""Printing the open document (Ctrl+P): a PDF headed by the selected passage's citation.

Like a brief, the document is written as a PDF in the data folder (``printed/``)
and opened in the system's PDF viewer to print from there: the bundle carries no
print dialog (QtPrintSupport is left out of it).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QPdfWriter

from db import paths
from desktop.app.panes.reader import ReaderPane


class DocumentPrinter(QObject):
    """Prints what the reader pane shows, through a PDF.

    Args:
        reader: The reader pane (its document, and the citation that heads the print).
        parent: The QObject parent.
    """

    message = Signal(str, int)
    """Emitted with (a status line, how long to show it in ms)."""

    def __init__(self, reader: ReaderPane, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.reader = reader

    def print_document(self) -> Path | None:
        """Write the open document as a PDF and open it in the PDF viewer.

        Returns:
            The PDF written, or None when no document is open.
        """
        document = self.reader.reader.document
        if document is None:
            self.message.emit("Open a document to print it.", 4000)
            return None
        folder = paths.prints_dir()
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{document['id']}.pdf"
        writer = QPdfWriter(str(target))
        writer.setTitle(str(document.get("title") or document["id"]))
        if not self.reader.print_to(writer):
            return None
        del writer  # the PDF is finished when its writer goes
        if QDesktopServices.openUrl(QUrl.fromLocalFile(str(target))):
            self.message.emit(f"Opened {target.name} in the PDF viewer: print it from there.", 8000)
        else:
            self.message.emit(f"The document is in {target}; open it to print it.", 10000)
        return target
