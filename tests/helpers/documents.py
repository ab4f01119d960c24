"""Documents made by the tests: a new resolution as text and PDF, a saved web page, bad files.

Nothing here is committed as a binary: PDFs are written by :func:`make_pdf`,
a small writer of real PDF files with a text layer (Helvetica, one text line per
source line, wrapped like a converted resolution). A page given as a
:class:`PdfPage` is laid out like a printed UN page: a running header at the
top, the body, footnotes in small type at the foot (their markers raised in the
body, written ``{1}``), and the footer (page and job numbers, barcode) below.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

_MARKER = re.compile(r"\{(\d{1,2})\}")


@dataclass
class PdfPage:
    """One printed page: each part is a list of lines ("" for a blank line in the body)."""

    body: list[str]
    header: list[str] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)


def _pdf_string(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def _body_line(line: str) -> list[str]:
    """Show a line, raising footnote markers ``{1}`` in small type as a printed page does."""
    ops = []
    pos = 0
    for m in _MARKER.finditer(line):
        if m.start() > pos:
            ops.append(f"{_pdf_string(line[pos : m.start()])} Tj")
        ops.append(f"/F1 6 Tf 4 Ts {_pdf_string(m.group(1))} Tj 0 Ts /F1 10 Tf")
        pos = m.end()
    if pos < len(line) or not ops:
        ops.append(f"{_pdf_string(line[pos:])} Tj")
    return ops


def _page_ops(page: list[str] | PdfPage) -> list[str]:
    if not isinstance(page, PdfPage):
        ops = ["BT", "/F1 10 Tf", "12 TL", "50 800 Td"]
        for line in page:
            ops.append(f"{_pdf_string(line)} Tj T*")
        ops.append("ET")
        return ops
    ops = []
    for i, line in enumerate(page.header):
        ops += ["BT", "/F1 9 Tf", f"1 0 0 1 50 {812 - 11 * i} Tm", f"{_pdf_string(line)} Tj", "ET"]
    ops += ["BT", "/F1 10 Tf", "12 TL", "1 0 0 1 50 770 Tm"]
    for line in page.body:
        ops += [*_body_line(line), "T*"]
    ops.append("ET")
    for i, line in enumerate(page.footnotes):
        y = 60 + 10 * (len(page.footnotes) - i) + 10 * len(page.footer)
        ops += ["BT", "/F1 8 Tf", f"1 0 0 1 50 {y} Tm", f"{_pdf_string(line)} Tj", "ET"]
    for i, line in enumerate(page.footer):
        y = 30 + 10 * (len(page.footer) - i)
        ops += ["BT", "/F1 8 Tf", f"1 0 0 1 50 {y} Tm", f"{_pdf_string(line)} Tj", "ET"]
    return ops


def page_text(pages: list[PdfPage], *, page_break: str = "\n\n", superscripts: bool = True) -> str:
    """Return pages as a text converted from the PDF would read: furniture and footnotes inline.

    Markers become superscript digits, footnotes start with one; pages are
    separated by ``page_break`` (a blank line, or only a line break, so that a
    running header sits inside the paragraph the page break cut), lines inside a
    paragraph keep their breaks. With ``superscripts`` False, markers and footnote
    numbers stay plain digits ("INTERPOL,1", "1 Resolution 77/20."), as other
    converters write them.
    """
    sup = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹" if superscripts else "0123456789")
    out: list[str] = []
    for page in pages:
        lines = [*page.header]
        lines += [_MARKER.sub(lambda m: m.group(1).translate(sup), ln) for ln in page.body]
        for note in page.footnotes:
            number, _, rest = note.partition(" ")
            lines += ["", f"{number.translate(sup)} {rest}"]
        lines += page.footer
        out.append("\n".join(lines))
    return page_break.join(out) + "\n"


RESOLUTION = """General Assembly

Distr.: General
9 December 2024

Seventy-ninth session

Agenda item 128 (y)

Resolution adopted by the General Assembly on 2 December 2024

[without reference to a Main Committee (A/79/L.99)]

79/999. Cooperation between the United Nations and the Test Police Organization

The General Assembly,

Recalling its resolution 77/20 of 21 November 2022 on cooperation with INTERPOL,¹

Welcoming the work of the United Nations Office on Drugs and Crime on wildlife crime,

1. *Encourages* the Test Police Organization and the World Health Organization to share data on zoonotic outbreaks;

2. *Requests* the Secretary-General to report on kelp forest protection at its eighty-first session;

3. *Decides* to include the item in the provisional agenda of its eighty-first session.

¹ Resolution 77/20.
"""


def make_pdf(
    path: Path, pages: list[list[str]] | list[PdfPage], *, title: str | None = None
) -> Path:
    """Write a real PDF whose pages show the given lines as text.

    Args:
        path: Where to write.
        pages: For each page, its lines (plain Latin-1 text), or a :class:`PdfPage`
            with a running header, footnotes at its foot and a footer.
        title: The document-information title, if any.
    """
    objects: list[bytes] = []

    def add(obj: bytes) -> int:
        objects.append(obj)
        return len(objects)

    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    page_ids = []
    pages_id_placeholder = len(objects) + 1 + 2 * len(pages)
    for page in pages:
        stream = "\n".join(_page_ops(page)).encode("cp1252")
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        page_ids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] "
                b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>"
                % (pages_id_placeholder, font, content)
            )
        )
    kids = b" ".join(b"%d 0 R" % i for i in page_ids)
    pages_id = add(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(page_ids)))
    assert pages_id == pages_id_placeholder
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    info = add(b"<< /Title (%s) >>" % title.encode("latin-1")) if title else None
    path.write_bytes(_serialise(objects, catalog, info))
    return path


def _serialise(objects: list[bytes], catalog: int, info: int | None = None) -> bytes:
    """Return a PDF file of numbered ``objects`` (1-based) with its xref table and trailer."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    trailer = b"<< /Size %d /Root %d 0 R" % (len(objects) + 1, catalog)
    if info:
        trailer += b" /Info %d 0 R" % info
    out += b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def resolution_pdf(path: Path) -> Path:
    """Write :data:`RESOLUTION` as a two-page PDF, lines wrapped at 90 characters."""
    text = RESOLUTION.replace("¹", "1")  # Helvetica/WinAnsi has no superscript one
    lines: list[str] = []
    for para in text.split("\n\n"):
        lines.extend(textwrap.wrap(para.replace("\n", " "), 90) or [""])
        lines.append("")
    half = len(lines) // 2
    return make_pdf(path, [lines[:half], lines[half:]], title="A/RES/79/999")


def web_page_html() -> str:
    """Return a saved web page with navigation, scripts, styles and an iframe around the text."""
    return """<!DOCTYPE html><html><head><title>Test partnership | INTERPOL</title>
<style>body { color: red }</style><script>var tracking = "x";</script></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<header>Site header</header>
<iframe src="https://example.invalid/ad"></iframe>
<main><h1>Test partnership with UNICRI</h1>
<p>The United Nations Interregional Crime and Justice Research Institute and the test police
organization run joint research on kelp forest crime and coral reef protection.</p>
<h2>Joint projects</h2>
<p>Projects include:</p>
<ul><li>Seaweed smuggling analysis;</li><li>Reef patrol training.</li></ul>
</main><footer>Footer text</footer><script>track();</script></body></html>"""


def make_raw_pdf(path: Path, contents: list[bytes], *, shared: bool = False) -> Path:
    """Write a real PDF whose pages draw the given content streams (Helvetica as /F1).

    Args:
        path: Where to write.
        contents: One content stream per page, as raw PDF operators.
        shared: Write only the first stream, once, and make every page draw it
            (``len(contents)`` pages sharing one content stream).
    """
    objects: list[bytes] = []

    def add(obj: bytes) -> int:
        objects.append(obj)
        return len(objects)

    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    n = len(contents)
    streams = [
        add(b"<< /Length %d >>\nstream\n" % len(c) + c + b"\nendstream")
        for c in (contents[:1] if shared else contents)
    ]
    pages_id = len(objects) + n + 1
    kids = [
        add(
            b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>"
            % (pages_id, font, streams[0] if shared else streams[i])
        )
        for i in range(n)
    ]
    refs = b" ".join(b"%d 0 R" % k for k in kids)
    assert add(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (refs, n)) == pages_id
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    path.write_bytes(_serialise(objects, catalog))
    return path


def text_ops(lines: list[str]) -> bytes:
    """Return content-stream operators that show ``lines`` as text (Latin-1)."""
    ops = [b"BT /F1 10 Tf 12 TL 50 800 Td"]
    for line in lines:
        esc = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(b"(%s) Tj T*" % esc.encode("cp1252"))
    ops.append(b"ET")
    return b"\n".join(ops) + b"\n"


def aes_encrypted_pdf(source: Path, path: Path) -> Path:
    """Write ``source`` as a PDF whose encryption dictionary asks for AES (empty password).

    The document is encrypted by pypdf (RC4, which needs no extra package) and its
    dictionary then says ``/AESV2``, as an AES-encrypted file's does: the password
    check passes, and reading any stream needs an AES implementation.
    """
    import io

    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, NumberObject

    writer = PdfWriter(clone_from=str(source))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    entry = writer._encrypt_entry
    entry[NameObject("/V")] = NumberObject(4)
    entry[NameObject("/R")] = NumberObject(4)
    std = DictionaryObject(
        {
            NameObject("/CFM"): NameObject("/AESV2"),
            NameObject("/Length"): NumberObject(16),
            NameObject("/AuthEvent"): NameObject("/DocOpen"),
        }
    )
    entry[NameObject("/CF")] = DictionaryObject({NameObject("/StdCF"): std})
    entry[NameObject("/StmF")] = NameObject("/StdCF")
    entry[NameObject("/StrF")] = NameObject("/StdCF")
    buf = io.BytesIO()
    writer.write(buf)
    path.write_bytes(buf.getvalue())
    return path
