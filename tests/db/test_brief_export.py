"""Exports of a brief: Markdown and DOCX read back hold every item's exact text and citation."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest

from db import paths
from db.brief_export import (
    brief_document,
    to_html,
    to_markdown,
    to_text,
    write_docx,
    write_markdown,
)
from db.briefs import Briefs, Snapshot, snapshot
from db.errors import ExportError
from db.library import open_library
from db.reading import Library
from tests.helpers.briefs import NEW_OP2, OLD_OP2, pin_then_change_library
from tests.helpers.briefs_export import NOTES, PINS, TITLE, make_brief


@pytest.fixture
def briefs() -> Briefs:
    with Briefs.open() as b:
        yield b


@pytest.fixture
def document(briefs: Briefs, library: Library):
    title = make_brief(briefs, library)
    return brief_document(briefs.get(title), briefs.check(title, library=library), style="short")


def expected(library: Library) -> list[tuple[str, str]]:
    """(exact quoted text, exact citation) of every pinned item, read from the library."""
    out = []
    for pid, quote, _ in PINS:
        p = library.passage(pid)
        out.append((quote or p["text"], p["citation"]))
    return out


def test_document_has_items_in_order_with_footnotes_and_sources(document, library) -> None:
    assert [(i.text, i.citation) for i in document.items] == expected(library)
    assert document.items[1].is_quote and not document.items[0].is_quote
    assert [f.text for f in document.items[0].footnotes] == [
        "United Nations, Treaty Series, vol. 1996, No. 1200."
    ]
    labels = [s.label for s in document.sources]
    assert labels == ["A/RES/77/20", "INTERPOL and UN entities"]
    res = library.store.document("a-res-77-20")
    assert document.sources[0].sources == tuple((s["file"], s["sha256"]) for s in res["sources"])
    assert all(s.in_library for s in document.sources)


def test_markdown_holds_title_notes_items_and_sources(document, library, tmp_path) -> None:
    path = write_markdown(document, tmp_path / "brief.md")
    text = path.read_text(encoding="utf-8")
    assert text == to_markdown(document)
    assert text.startswith(f"# {TITLE}\n\nDate: 2026-12-01\n\n{NOTES}\n")
    for quoted, citation in expected(library):
        assert f"> {quoted}\n" in text
        assert f"— {citation}" in text
    assert "- Footnote ¹ United Nations, Treaty Series, vol. 1996, No. 1200." in text
    assert "Note: Ask about access." in text
    for s in document.sources:
        for _, sha in s.sources:
            assert sha in text
    assert text.index("## Sources") > text.index(expected(library)[-1][0])


def test_docx_read_back_holds_every_exact_text_and_citation(document, library, tmp_path) -> None:
    path = write_docx(document, tmp_path / "brief.docx")
    read = docx.Document(str(path))
    paragraphs = [p.text for p in read.paragraphs]
    quotes = [p.text for p in read.paragraphs if p.style.name == "Quote"]
    assert quotes == [q for q, _ in expected(library)]
    for quoted, citation in expected(library):
        assert quoted in paragraphs
        assert citation in paragraphs
    assert paragraphs[0] == TITLE and read.core_properties.title == TITLE
    assert "2026-12-01" in paragraphs
    assert "¹ United Nations, Treaty Series, vol. 1996, No. 1200." in paragraphs
    assert "Note: Treaty basis: footnote 1." in paragraphs
    sources = paragraphs[paragraphs.index("Sources") + 1 :]
    assert sources[0].startswith("A/RES/77/20: Cooperation between the United Nations")
    assert library.store.document("a-res-77-20")["sources"][0]["sha256"] in sources[0]
    assert sources[1].startswith("INTERPOL and UN entities: undated; SHA-256 ")


def test_html_and_text_escape_nothing_away(document, library) -> None:
    page = to_html(document)
    assert "<script" not in page
    plain = to_text(document)
    for quoted, citation in expected(library):
        assert f"“{quoted}”" in plain and citation in plain
    # The web page's citation has curly quotes and the HTML escapes what needs it.
    web = expected(library)[2][1]
    assert "“" in web and web in page


def test_markup_in_notes_is_text_not_markup(briefs: Briefs, library: Library) -> None:
    briefs.create(title="<b>Bold</b> & co", notes="<script>alert(1)</script>")
    briefs.pin("<b>Bold</b> & co", library=library, passage_id="a-res-77-20:op1", note="<i>x</i>")
    doc = brief_document(
        briefs.get("<b>Bold</b> & co"),
        briefs.check("<b>Bold</b> & co", library=library),
        style="short",
    )
    page = to_html(doc)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; co" in page and "&lt;i&gt;x&lt;/i&gt;" in page


def test_changed_and_removed_items_are_exported_marked_with_their_pinned_text(
    briefs: Briefs, built_store: Path, tmp_path: Path
) -> None:
    shutil.copytree(built_store, paths.store_dir())
    changed = pin_then_change_library(briefs, tmp_path)
    with open_library() as lib:
        doc = brief_document(
            briefs.get(changed.title), briefs.check(changed.title, library=lib), style="short"
        )
    md = to_markdown(doc)
    assert f"> {changed.changed_pinned_text}" in md and OLD_OP2 in md
    assert "**Changed since pinned.** The library now reads: " in md and NEW_OP2 in md
    assert f"> {changed.removed_pinned_text}" in md
    assert "**No longer in the library.**" in md
    out = write_docx(doc, tmp_path / "changed.docx")
    paragraphs = [p.text for p in docx.Document(str(out)).paragraphs]
    assert changed.changed_pinned_text in paragraphs
    assert changed.removed_pinned_text in paragraphs
    assert any(p.startswith("Changed since pinned. The library now reads: ") for p in paragraphs)
    assert "No longer in the library. " in paragraphs
    gone = [s for s in doc.sources if not s.in_library]
    assert [s.label for s in gone] == ["Harbour notes"]  # the title its first line gives


def test_an_unwritable_target_is_one_clear_error_and_no_stray_file(document, tmp_path) -> None:
    with pytest.raises(ExportError, match=r"cannot write .*missing/brief.docx"):
        write_docx(document, tmp_path / "missing" / "brief.docx")
    folder = tmp_path / "brief.md"
    folder.mkdir()  # a folder where the file should go: the rename fails
    (folder / "kept.txt").write_text("the officer's file")
    with pytest.raises(ExportError, match=r"cannot write .*brief.md"):
        write_markdown(document, folder)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brief.md"]
    assert (folder / "kept.txt").read_text() == "the officer's file"


def test_the_chosen_style_is_used_and_a_wrong_one_refused(briefs, library, tmp_path) -> None:
    title = make_brief(briefs, library)
    checks = briefs.check(title, library=library)
    full = brief_document(briefs.get(title), checks, style="full", library=library)
    wanted = [library.citation(pid, style="full") for pid, _, _ in PINS]
    assert [i.citation for i in full.items] == wanted
    assert wanted[0].startswith("General Assembly resolution 77/20 of 21 November 2022")
    paragraphs = [
        p.text for p in docx.Document(str(write_docx(full, tmp_path / "f.docx"))).paragraphs
    ]
    assert all(c in paragraphs for c in wanted)
    with pytest.raises(ExportError, match="unknown citation style 'harvard'"):
        brief_document(briefs.get(title), checks, style="harvard")


def test_an_item_pinned_without_a_style_is_cited_by_the_library(briefs, library) -> None:
    """Items pinned before a style existed: the library cites them while they are unchanged."""
    briefs.create(title="Old")
    snap = snapshot(library, "a-res-77-20:op1")
    old = Snapshot(
        passage_id=snap.passage_id, text=snap.text, citation=snap.citation, document=snap.document
    )
    briefs.add_item("Old", snapshot=old)
    checks = briefs.check("Old", library=library)
    full = brief_document(briefs.get("Old"), checks, style="full", library=library)
    assert full.items[0].citation == library.citation("a-res-77-20:op1", style="full")
    alone = brief_document(briefs.get("Old"), checks, style="full")
    assert alone.items[0].citation == snap.citation == "A/RES/77/20, para. 1"


def test_an_export_gets_the_permissions_of_any_new_file(document, tmp_path) -> None:
    reference = tmp_path / "reference.txt"
    reference.write_text("x")
    for name, writer in (("brief.md", write_markdown), ("brief.docx", write_docx)):
        out = writer(document, tmp_path / name)
        assert out.stat().st_mode == reference.stat().st_mode, name
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brief.docx", "brief.md", "reference.txt"]
