"""Turn an imported file into text: encodings detected, HTML and PDF reduced to their words.

Every rejection is an :class:`ImportRejectedError` whose message names the reason in
one line (the caller prefixes the file name).
"""

from __future__ import annotations

import contextvars
import io
import itertools
import logging
import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

from db.errors import ImportRejectedError
from db.kinds import (
    HTML_SUFFIXES,
    MARKDOWN_SUFFIXES,
    PDF_SUFFIXES,
)
from db.parse.layout import (
    BLOCK_LINE,
    NOTE_START,
    STANDALONE_LINE,
    footnote_zone,
    is_furniture,
    keeps_hyphen,
    word_forms,
)
from db.parse.resolution import header_symbols
from db.parse.text import MAX_TITLE_CHARS, short_title

if TYPE_CHECKING:
    from pypdf import PageObject

#: Files larger than this are refused (a UN resolution PDF is well under 1 MB).
MAX_IMPORT_BYTES = 20 * 1024 * 1024
_MIN_WORDS = 20


@dataclass(frozen=True)
class ImportLimits:
    """How much work one imported document may cost; past any bound it is refused in one line.

    The defaults are far above what a UN document needs (a 300-page report has
    about 1,500 passages and 1 MB of text, and reads in seconds) and far below
    what stalls the app.

    Attributes:
        max_bytes: Size of the file.
        max_text_chars: Characters of text extracted from the whole file.
        max_passages: Passages parsed from that text.
        max_page_chars: Characters of text extracted from one PDF page.
        max_page_tokens: Operators and operands in one PDF page's content
            stream (pypdf's parsing budget; a page of text has a few thousand).
        max_seconds: Time to read, extract and parse the whole file.
    """

    max_bytes: int = MAX_IMPORT_BYTES
    max_text_chars: int = 5_000_000
    max_passages: int = 10_000
    max_page_chars: int = 200_000
    max_page_tokens: int = 300_000
    max_seconds: float = 120.0

    def clock(self) -> Deadline:
        """Start the clock of one file's work."""
        return Deadline(time.monotonic() + self.max_seconds, self.max_seconds)


@dataclass(frozen=True)
class Deadline:
    """The moment one file's work must be finished by (see :attr:`ImportLimits.max_seconds`)."""

    at: float
    seconds: float

    def check(self, where: str = "") -> None:
        """Refuse the file when its time is up.

        Raises:
            ImportRejectedError: The deadline has passed.
        """
        if time.monotonic() > self.at:
            at = f", stopped {where}" if where else ""
            raise ImportRejectedError(
                f"takes too long to read (over the {self.seconds:g} s limit per document{at})"
            )


DEFAULT_LIMITS = ImportLimits()


@dataclass
class Extracted:
    """The text of an imported file and what was learnt on the way."""

    text: str
    format: str  # "text" | "markdown" | "html" | "pdf"
    encoding: str | None = None
    title: str | None = None


_BOMS = [
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
]
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode bytes of a text file, detecting the encoding.

    UTF-8 (with or without BOM), UTF-16/32 with a BOM, and single-byte cp1252
    or latin-1 text are accepted. A file that is UTF-8 but has an invalid
    sequence in the middle is refused rather than guessed at, and so is a
    binary file.

    Returns:
        The text (BOM removed, newlines normalised) and the encoding's name.

    Raises:
        ImportRejectedError: Binary data or broken UTF-8.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError as exc:
                raise ImportRejectedError(
                    f"is not valid {enc.upper()} text (byte {exc.start})"
                ) from exc
            return _normalise(text.lstrip("\ufeff")), enc.replace("-sig", "")
    if b"\x00" in data:
        raise ImportRejectedError("is a binary file, not text")
    try:
        return _normalise(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError as exc:
        if _UTF8_MULTIBYTE.search(data):
            raise ImportRejectedError(f"has invalid UTF-8 at byte {exc.start}") from exc
    try:
        text, enc = data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        text, enc = data.decode("latin-1"), "latin-1"
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > max(2, len(text) // 100):
        raise ImportRejectedError("is a binary file, not text")
    return _normalise(text), enc


def _normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Control characters other than tab and newline are dropped: they are never content.
    return "".join(ch for ch in text if ch in "\t\n" or ord(ch) >= 32 or ch == "\f").replace(
        "\f", "\n\n"
    )


#: Characters of a <title> or <h1> read: more than a title can use (see short_title).
_TITLE_READ = 4 * MAX_TITLE_CHARS


class _HTMLText(HTMLParser):
    """Collects the readable text of a saved web page as lines."""

    DROP = frozenset(
        {
            "script",
            "style",
            "iframe",
            "noscript",
            "nav",
            "header",
            "footer",
            "form",
            "svg",
            "aside",
            "template",
            "button",
            "select",
            "object",
            "canvas",
            "head",
        }
    )
    BLOCK = frozenset(
        {
            "p",
            "div",
            "section",
            "article",
            "main",
            "br",
            "tr",
            "table",
            "ul",
            "ol",
            "blockquote",
            "dd",
            "dt",
            "figure",
            "figcaption",
            "hr",
        }
    )
    HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
    # <embed> is a void element (no end tag): dropping it as a container would drop
    # everything after it. It holds no text, so it is simply ignored.

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.skip = 0
        self.title: str | None = None
        self.in_title = False
        self.title_closed = False
        self.h1: str | None = None
        self.in_h1 = False
        self.script_chars = 0

    def _flush(self) -> None:
        line = re.sub(r"\s+", " ", "".join(self.current)).strip()
        if line:
            self.lines.append(line)
        self.current = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        # A title holds text only: any other tag ends one left open (its end tag missing).
        self.in_title = tag == "title"
        if tag in self.DROP:
            self.skip += 1
            return
        if tag in self.BLOCK or tag in self.HEADINGS:
            self._flush()
        if tag == "li":
            self._flush()
            self.current.append("• ")
        if tag == "h1":
            self.in_h1 = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self.in_title:
            self.title_closed = True
        self.in_title = False
        if tag in self.DROP:
            self.skip = max(0, self.skip - 1)
            return
        if tag in self.BLOCK or tag in self.HEADINGS or tag == "li":
            self._flush()
        if tag == "h1":
            self.in_h1 = False

    def handle_data(self, data: str) -> None:
        if self.in_title and len(self.title or "") <= _TITLE_READ:
            self.title = (self.title or "") + data
        if self.skip:
            self.script_chars += len(data)
            return
        if self.in_h1 and len(self.h1 or "") <= _TITLE_READ:
            self.h1 = (self.h1 or "") + data
        self.current.append(data)


def html_to_text(html: str) -> tuple[str, str | None]:
    """Return the readable lines of an HTML page and its title.

    Scripts, styles, iframes, navigation, headers, footers and forms are dropped;
    headings, paragraphs and list items become lines (list items with a bullet).
    """
    parser = _HTMLText()
    parser.feed(html)
    parser.close()
    parser._flush()
    # A <title> never closed ran on into the page: it is no title.
    page_title = parser.title if parser.title_closed else None
    title = short_title(parser.h1) or short_title(page_title)
    return "\n".join(parser.lines), title


class _PdfWarnings(logging.Handler):
    """Collects pypdf's log records for the file being read (they never reach stderr).

    pypdf logs a warning for every problem it works around (27,510 for one deep
    PDF); :func:`pdf_to_text` turns them into one debug line per file.
    """

    def emit(self, record: logging.LogRecord) -> None:
        seen = _pdf_warnings.get()
        if seen is not None:
            seen.append(record.getMessage()[:200] if len(seen) == 0 else "")


_pdf_warnings: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "pdf_warnings", default=None
)
_PYPDF_LOG = logging.getLogger("pypdf")
_PYPDF_LOG.addHandler(_PdfWarnings())
_PYPDF_LOG.propagate = False
log = logging.getLogger(__name__)


@contextmanager
def _collected_pdf_warnings(name: str) -> Iterator[None]:
    """Count pypdf's warnings while reading one file; log them as one line at the end."""
    seen: list[str] = []
    token = _pdf_warnings.set(seen)
    try:
        yield
    finally:
        _pdf_warnings.reset(token)
        if seen:
            log.debug("%s: pypdf worked around %d problems (first: %s)", name, len(seen), seen[0])


def pdf_to_text(
    data: bytes,
    *,
    limits: ImportLimits = DEFAULT_LIMITS,
    deadline: Deadline | None = None,
    name: str = "PDF",
) -> tuple[str, str | None]:
    """Extract the text layer of a PDF, putting hard-wrapped lines back into paragraphs.

    Args:
        data: The file's bytes.
        limits: Bounds on the work (text per page, content-stream size per page, time).
        deadline: When the whole file's work must be done (default: from ``limits``).
        name: The file's name, for the log.

    Raises:
        ImportRejectedError: Encrypted, damaged, without a text layer, or past a bound.
    """
    from pypdf import PdfReader, apply_configuration
    from pypdf.errors import DependencyError, LimitReachedError

    deadline = deadline or limits.clock()
    pages: list[str] = []
    total = 0
    try:
        with (
            _collected_pdf_warnings(name),
            apply_configuration(stream_parsing_work_maximum_count=limits.max_page_tokens),
        ):
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                try:
                    ok = reader.decrypt("")
                except DependencyError as exc:
                    raise ImportRejectedError(_AES) from exc
                except Exception as exc:
                    raise ImportRejectedError("is an encrypted PDF") from exc
                if not ok:
                    raise ImportRejectedError("is an encrypted PDF (it needs a password)")
            count = len(reader.pages)
            for number, page in enumerate(reader.pages, start=1):
                deadline.check(f"at page {number} of {count}")
                try:
                    text = _page_text(page)
                except LimitReachedError as exc:
                    raise ImportRejectedError(
                        f"has a page ({number}) with more drawing instructions than the "
                        f"{limits.max_page_tokens:,} a page may have"
                    ) from exc
                if len(text) > limits.max_page_chars:
                    raise ImportRejectedError(
                        f"has a page ({number}) with more text than the "
                        f"{limits.max_page_chars:,} characters a page may have"
                    )
                total += len(text)
                if total > limits.max_text_chars:
                    raise ImportRejectedError(_too_much_text(limits))
                pages.append(text)
            meta_title = None
            try:
                meta_title = (reader.metadata or {}).get("/Title")
            except Exception:
                meta_title = None
    except ImportRejectedError:
        raise
    except DependencyError as exc:
        raise ImportRejectedError(_AES) from exc
    except MemoryError as exc:
        raise ImportRejectedError("is too large to read (out of memory)") from exc
    except Exception as exc:  # pypdf raises many types (even AssertionError) on damage
        raise ImportRejectedError("is not a readable PDF (the file is damaged)") from exc
    if not any(p.strip() for p in pages):
        raise ImportRejectedError("has no text layer (a scanned PDF?); run it through OCR first")
    symbols = header_symbols(pages[0]) if pages else []
    vocabulary = word_forms("\n".join(pages))
    text = "\n\n".join(
        reflow(p, symbols=symbols, vocabulary=vocabulary) for p in pages if p.strip()
    )
    return text, short_title(str(meta_title)) if meta_title else None


_AES = (
    "is an encrypted PDF (AES), which Liaison cannot decrypt; "
    "save an unencrypted copy and import that"
)


def _too_much_text(limits: ImportLimits) -> str:
    return f"has more text than the {limits.max_text_chars:,} characters a document may have"


def _page_text(page: PageObject) -> str:
    """Return a page's text, one line per printed line, with a blank line at each wider gap.

    The gap between a paragraph and the next, or between a title and the agenda item
    above it, is wider than the gap between two lines of one paragraph: that is the
    only sign left of where a paragraph ends when its last line is full.
    """
    lines: list[tuple[float | None, str]] = [(None, "")]

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5] if cm and tm else None
        for i, piece in enumerate(text.split("\n")):
            if i:
                lines.append((None, ""))
            y0, current = lines[-1]
            if piece.strip() and y0 is None:
                y0 = y
            lines[-1] = (y0, current + piece)

    text = page.extract_text(visitor_text=visit) or ""
    if "".join(t for _, t in lines) != text.replace("\n", ""):
        return text  # the visitor saw something else: keep pypdf's own lines
    ys = [y for y, t in lines if t.strip() and y is not None]
    steps = sorted(a - b for a, b in itertools.pairwise(ys) if a - b > 0.5)
    if not steps:
        return text
    usual = steps[len(steps) // 2]
    out: list[str] = []
    last: float | None = None
    for y, t in lines:
        if not t.strip():
            out.append(t)
            continue
        if y is not None and last is not None and (last - y > 1.6 * usual or y - last > 1):
            out.append("")
        out.append(t)
        last = y if y is not None else last
    return "\n".join(out)


_NEW_BLOCK = re.compile(r"^(?:\d{1,3}\.\s|\([a-z]{1,4}\)\s|[•\-–]\s|[⁰¹²³⁴⁵⁶⁷⁸⁹]+\s?\S)")


def reflow(page: str, *, symbols: Sequence[str] = (), vocabulary: set[str] | None = None) -> str:
    """Join the hard-wrapped lines of a PDF page into blocks separated by blank lines.

    A line starts a new block when the line before it was clearly shorter than the
    page's full lines (the last line of a paragraph, or a header line), or ended a
    sentence or clause before a capital, or when it opens with a paragraph number,
    a letter in brackets, a bullet or a footnote marker, or is a heading or header
    line of a UN document. Running headers and footers (symbol, page and job
    numbers, barcode) are blocks of their own, never joined to a paragraph; the
    footnotes at the page's foot, above the footer, are marked with superscript
    digits. A word hyphenated at a line's end is joined back (a compound keeps its
    hyphen: see :func:`db.parse.layout.keeps_hyphen`).

    Args:
        page: One page's extracted text.
        symbols: The document's symbols, as its running headers repeat them.
        vocabulary: The document's words, to tell compounds from broken words.
    """
    lines = [ln.strip() for ln in page.splitlines()]
    furniture = [bool(ln) and is_furniture(ln, symbols) for ln in lines]
    content = [i for i, ln in enumerate(lines) if ln and not furniture[i]]
    notes = footnote_zone([lines[i] for i in content])
    note_lines = set(content[len(content) - notes :]) if notes else set()
    lengths = sorted(len(lines[i]) for i in content if i not in note_lines)
    full = lengths[int(len(lengths) * 0.9)] if lengths else 0
    blocks: list[list[str]] = []
    kinds: list[str] = []  # "body" | "note" | "furniture"
    prev = ""
    for i, line in enumerate(lines):
        if not line:
            prev = ""
            continue
        if furniture[i] or i in note_lines:
            kind = "furniture" if furniture[i] else "note"
            if kind == "note" and kinds and kinds[-1] == "note" and not NOTE_START.match(line):
                blocks[-1].append(line)
            else:
                blocks.append([line])
                kinds.append(kind)
            prev = ""
            continue
        alone = bool(STANDALONE_LINE.match(line))
        starts = (
            not prev
            or alone
            or bool(_NEW_BLOCK.match(line) or BLOCK_LINE.match(line))
            or len(prev) < 0.7 * full
            or (
                bool(_CLAUSE_END.search(prev))
                and (line[:1].isupper() or _FOOTNOTE_LINE.match(line))
            )
            or (len(line) < 0.7 * full and line.endswith(",") and line[:1].isupper())
        )
        if starts or not blocks or kinds[-1] != "body":
            blocks.append([line])
            kinds.append("body")
        else:
            blocks[-1].append(line)
        prev = "" if alone else line
    texts = [_join_lines(b, vocabulary) for b in blocks]
    return "\n\n".join(_superscript_footnotes(texts, kinds))


_CLAUSE_END = re.compile(r"[.;:,]\d{0,2}$")
_FOOTNOTE_LINE = re.compile(r"^(\d{1,2})\s+(?=[A-Z*\[])")
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _join_lines(lines: list[str], vocabulary: set[str] | None = None) -> str:
    out = ""
    for line in lines:
        if out.endswith("-") and line[:1].islower():
            head = re.findall(r"[A-Za-z]+", out[-40:])
            tail = re.match(r"[A-Za-z]+", line)
            keep = keeps_hyphen(head[-1] if head else "", tail.group(0) if tail else "", vocabulary)
            out = out + line if keep else out[:-1] + line
        elif out.endswith("-"):
            out = out + line
        else:
            out = f"{out} {line}" if out else line
    return out


def _superscript_footnotes(blocks: list[str], kinds: list[str] | None = None) -> list[str]:
    """Mark a page's footnotes, printed at its foot as "1 Text", with superscript digits.

    The same numbers written right after a word or punctuation in the page's body
    ("INTERPOL,1 ") become superscript markers too, so the resolution parser links
    them as it does for text converted with its superscripts intact.
    """
    kinds = kinds or ["body"] * len(blocks)
    notes = [b for b, k in zip(blocks, kinds, strict=True) if k == "note"]
    numbers = {m.group(1) for m in (_FOOTNOTE_LINE.match(b) for b in notes) if m}
    if not numbers:
        return blocks
    out = []
    for b, kind in zip(blocks, kinds, strict=True):
        if kind == "body":
            b = re.sub(
                r"(?<=[A-Za-z,.;:)\]])(\d{1,2})(?=[\s,.;:]|$)",
                lambda m: (
                    m.group(1).translate(_SUPERSCRIPT) if m.group(1) in numbers else m.group(1)
                ),
                b,
            )
        elif kind == "note":
            b = _FOOTNOTE_LINE.sub(lambda m: m.group(1).translate(_SUPERSCRIPT) + " ", b)
        out.append(b)
    return out


def extract(
    path: Path,
    data: bytes | None = None,
    *,
    limits: ImportLimits = DEFAULT_LIMITS,
    deadline: Deadline | None = None,
) -> Extracted:
    """Read a file for import and return its text.

    Args:
        path: The file (its suffix tells the format; read when ``data`` is None).
        data: The file's bytes, when already read (they are never read twice).
        limits: Bounds on the work this file may cost.
        deadline: When the work must be done (default: from ``limits``).

    Raises:
        ImportRejectedError: Empty, too large, binary, broken encoding, damaged or
            encrypted PDF, no text layer, HTML that is mostly script, or past a bound.
    """
    deadline = deadline or limits.clock()
    too_large = f"is larger than the {limits.max_bytes / (1024 * 1024):g} MB import limit"
    if data is None:
        if path.stat().st_size > limits.max_bytes:
            raise ImportRejectedError(too_large)
        data = path.read_bytes()
    if len(data) > limits.max_bytes:
        raise ImportRejectedError(too_large)
    if not data.strip():
        raise ImportRejectedError("is empty")
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES or data[:5] == b"%PDF-":
        text, title = pdf_to_text(data, limits=limits, deadline=deadline, name=path.name)
        return _checked(Extracted(text, "pdf", None, title), limits)
    text, encoding = decode_text(data)
    head = text[:2000].lower()
    if suffix in HTML_SUFFIXES or re.search(r"<(?:!doctype html|html|body)\b", head):
        body, title = html_to_text(text)
        if len(body.split()) < _MIN_WORDS:
            raise ImportRejectedError("has almost no readable text (mostly script or markup)")
        return _checked(Extracted(body, "html", encoding, title), limits)
    fmt = "markdown" if suffix in MARKDOWN_SUFFIXES else "text"
    return _checked(Extracted(text, fmt, encoding, None), limits)


def _checked(ex: Extracted, limits: ImportLimits) -> Extracted:
    if len(ex.text) > limits.max_text_chars:
        raise ImportRejectedError(_too_much_text(limits))
    if len(ex.text.split()) < 3:
        raise ImportRejectedError("has no readable text")
    return ex
