"""The brief as PDF through Qt's writer, read back with pypdf: every exact text and citation."""

from __future__ import annotations

import pypdf
import pytest

from db.brief_export import brief_document
from db.briefs import Briefs
from db.reading import Library
from desktop.brief_pdf import write_pdf
from tests.helpers.briefs_export import PINS, TITLE, flat, make_brief


@pytest.fixture
def briefs() -> Briefs:
    with Briefs.open() as b:
        yield b


def read_pdf(path) -> tuple[pypdf.PdfReader, str]:
    """Return the reader and all pages' text, each page's number (its last line) left out."""
    reader = pypdf.PdfReader(str(path))
    pages = []
    for n, page in enumerate(reader.pages, start=1):
        body, _, last = page.extract_text().rstrip().rpartition("\n")
        assert last.strip() == str(n)
        pages.append(body)
    return reader, flat("\n".join(pages))


def test_pdf_read_back_holds_every_exact_text_and_citation(
    qapp, briefs: Briefs, library: Library, tmp_path
) -> None:
    title = make_brief(briefs, library)
    doc = brief_document(briefs.get(title), briefs.check(title, library=library), style="short")
    path = write_pdf(doc, tmp_path / "brief.pdf")
    reader, text = read_pdf(path)
    assert reader.metadata.title == TITLE
    assert text.startswith(f"{TITLE} 2026-12-01 Meeting with UNODC on 1 December.")
    for pid, quote, note in PINS:
        passage = library.passage(pid)
        assert flat(f"“{quote or passage['text']}”") in text, pid
        assert flat(passage["citation"]) in text, pid
        assert flat(note) in text
    # Ligatures are off: "Office", "trafficking", "firearms" come back letter by letter.
    assert "ﬁ" not in text and "ﬃ" not in text and "Office on Drugs and Crime" in text
    assert "¹ United Nations, Treaty Series, vol. 1996, No. 1200." in text
    sources = text[text.index("Sources") :]
    for s in library.store.document("a-res-77-20")["sources"]:
        assert s["sha256"] in sources.replace(" ", "")


def test_a_long_brief_runs_over_pages_and_loses_nothing(
    qapp, briefs: Briefs, library: Library, tmp_path
) -> None:
    briefs.create(title="Every operative paragraph")
    ids = [p["id"] for p in library.document("a-res-77-20")["passages_list"]]
    for pid in ids:
        briefs.pin("Every operative paragraph", library=library, passage_id=pid)
    checks = briefs.check("Every operative paragraph", library=library)
    doc = brief_document(briefs.get("Every operative paragraph"), checks, style="short")
    reader, text = read_pdf(write_pdf(doc, tmp_path / "long.pdf"))
    assert len(reader.pages) > 3
    for c in checks:
        assert flat(c.item.text) in text, c.item.passage_id
    assert not list(tmp_path.glob(".long.pdf.*"))  # no temporary file left behind
