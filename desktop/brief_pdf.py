"""A brief as PDF, or on a printer, through Qt's own text layout and PDF writer.

Why Qt: the app already ships QtGui, whose ``QPdfWriter`` embeds the fonts it uses with
their Unicode maps (the PDF's text can be searched and copied, and ``pypdf`` reads it back),
lays out any script the system fonts cover, and renders the very HTML the clipboard carries
(:func:`db.brief_export.to_html`), so the PDF, the printout and a paste say the same. A
pure-Python writer would need a TrueType font shipped with the app for anything beyond
Latin-1, and a second layout of the brief. ``QPdfWriter`` lives in QtGui, not in the
excluded QtPrintSupport module, so the bundle needs nothing more.

Pages are drawn line by line: ``QTextDocument.print_`` draws every paragraph that touches a
page in full and lets the clip hide the rest, and a PDF keeps clipped text, so a paragraph
split over two pages would be found (and copied) twice. Here each line is drawn once, on
its own page. Ligatures are off, so "Office" is not written as "O" + "ﬃ" + "ce".

The command line has no window: :func:`gui_application` starts a ``QGuiApplication`` on the
``offscreen`` platform (shipped in the bundle) when none exists.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QFont,
    QGuiApplication,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)

from db.brief_export import BriefDocument, to_html
from db.errors import ExportError
from db.files import atomic_path

#: Resolution of the PDF's coordinate system (dots per inch).
PDF_DPI = 300
#: Page margins, in millimetres.
MARGIN_MM = 20.0
#: Layout units per inch: Qt's text layout measures in 96-dpi pixels, scaled to the device.
_LAYOUT_DPI = 96


def gui_application() -> QGuiApplication:
    """Return the running Qt application, or start a headless one (``offscreen`` platform)."""
    app = QGuiApplication.instance()
    if isinstance(app, QGuiApplication):
        return app
    return QGuiApplication(["liaison", "-platform", "offscreen"])


def text_document(doc: BriefDocument) -> QTextDocument:
    """Return the brief as a Qt text document (not yet laid out for a device)."""
    text = QTextDocument()
    font = QFont("sans-serif", 11)
    # No ligatures: "ﬃ" would come back from the PDF as one character, and a quote
    # copied out of it would no longer match the text ("Oﬃce" for "Office").
    for feature in ("liga", "clig", "dlig"):
        font.setFeature(QFont.Tag(feature), 0)
    text.setDefaultFont(font)
    text.setHtml(to_html(doc))
    text.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, doc.title)
    return text


def print_brief(doc: BriefDocument, device: QPagedPaintDevice) -> int:
    """Lay the brief out on a paged device (a ``QPdfWriter``, or a printer); return the pages.

    The device's own margins are set to zero; the brief's margins are :data:`MARGIN_MM`.
    """
    device.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)
    text = text_document(doc)
    layout = text.documentLayout()
    layout.setPaintDevice(device)
    margin = MARGIN_MM / 25.4 * _LAYOUT_DPI
    frame = text.rootFrame().frameFormat()
    frame.setMargin(margin)
    text.rootFrame().setFrameFormat(frame)
    page = QSizeF(device.width(), device.height())
    text.setPageSize(page)
    pages = text.pageCount()
    scale = device.logicalDpiY() / _LAYOUT_DPI
    number_font = QFont(text.defaultFont())
    number_font.setPointSizeF(9)
    painter = QPainter(device)
    try:
        painter.setPen(Qt.GlobalColor.black)
        for index in range(pages):
            if index:
                device.newPage()
            top = index * page.height()
            block = text.begin()
            while block.isValid():
                rect = layout.blockBoundingRect(block)
                if rect.bottom() >= top and rect.top() < top + page.height():
                    lines = block.layout()
                    for n in range(lines.lineCount()):
                        line = lines.lineAt(n)
                        y = rect.top() + line.y()
                        if top <= y < top + page.height():
                            line.draw(painter, QPointF(rect.left(), rect.top() - top))
                block = block.next()
            painter.setFont(number_font)
            painter.drawText(
                QRectF(0, page.height() - margin * scale * 0.75, page.width() - margin * scale, 0),
                Qt.AlignmentFlag.AlignRight | Qt.TextFlag.TextDontClip,
                str(index + 1),
            )
    finally:
        painter.end()
    return pages


def write_pdf(doc: BriefDocument, path: Path) -> Path:
    """Write the brief as an A4 PDF to ``path`` (a Qt application must exist or is started).

    Raises:
        ExportError: The file cannot be written.
    """
    gui_application()
    with atomic_path(Path(path)) as tmp:
        writer = QPdfWriter(str(tmp))
        writer.setTitle(doc.title)
        writer.setCreator("Liaison")
        writer.setResolution(PDF_DPI)
        writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        print_brief(doc, writer)
        del writer  # closes the file before it is renamed
        if not tmp.is_file() or tmp.stat().st_size == 0:
            raise ExportError(f"cannot write {path}: the PDF writer could not open it")
    return Path(path)
