"""The comparison's files (db/compare_export.py): DOCX read back with python-docx, Markdown."""

from __future__ import annotations

import docx
import pytest

from db.compare import align, to_markdown
from db.compare_export import write_docx, write_markdown
from db.errors import ExportError
from db.parse import parse_text
from tests.helpers.editing import ORIGINAL, edited_resolution

EDITS = [
    {"op": "drop", "id": "op3"},
    {
        "op": "reword",
        "id": "op5",
        "old": "optimal coordination",
        "new": "close and regular coordination",
    },
    {
        "op": "add",
        "after": "op7",
        "kind": "operative",
        "text": "Invites cooperation on kelp piracy in the high seas;",
        "opening": "Invites",
    },
]


def _passages(text: str) -> list[dict]:
    return [
        {"id": p.local_id, "kind": p.kind, "number": p.number, "text": p.text}
        for p in parse_text(text).passages
        if p.kind in ("preambular", "operative", "subparagraph")
    ]


@pytest.fixture
def pairs():
    old = _passages(ORIGINAL.read_text(encoding="utf-8"))
    return align(old, _passages(edited_resolution(EDITS).text))


def test_docx_reads_back_with_changes_marked_by_form(pairs, tmp_path):
    path = write_docx(pairs, tmp_path / "c.docx", old_label="A/RES/77/20", new_label="A/RES/79/15")
    doc = docx.Document(str(path))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "A/RES/79/15 compared with A/RES/77/20"
    assert "1 dropped" in texts[1] and "1 added" in texts[1]
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert "para. 3 (dropped)" in headings
    assert any(h.endswith("(changed)") for h in headings)
    runs = [r for p in doc.paragraphs for r in p.runs]
    struck = "".join(r.text for r in runs if r.font.strike)
    marked = "".join(r.text for r in runs if r.underline and r.bold)
    assert "optimal" in struck and "close and regular" in marked
    assert "Invites cooperation on kelp piracy in the high seas;" in marked
    dropped = next(p for p in pairs if p.change == "dropped")
    assert dropped.old_text in struck
    # Unchanged paragraphs are counted, not listed.
    assert texts[-1].endswith("(renumbered ones included) and are not listed.")
    assert len(headings) == sum(p.change not in ("same", "renumbered") for p in pairs)


def test_docx_with_unchanged_paragraphs(pairs, tmp_path):
    path = write_docx(pairs, tmp_path / "c.docx", old_label="o", new_label="n", include_same=True)
    headings = [p.text for p in docx.Document(str(path)).paragraphs if p.style.name == "Heading 2"]
    assert len(headings) == len(pairs)


def test_characters_xml_cannot_hold_are_dropped(pairs, tmp_path):
    added = next(p for p in pairs if p.change == "added")
    added.new_text = "Invites\x0b cooperation\x00;"
    path = write_docx(pairs, tmp_path / "c.docx", old_label="o", new_label="n")
    texts = [p.text for p in docx.Document(str(path)).paragraphs]
    assert "Invites cooperation;" in texts


def test_bad_folder_is_one_clear_error_and_nothing_is_left(pairs, tmp_path):
    with pytest.raises(ExportError, match="No such folder"):
        write_docx(pairs, tmp_path / "missing" / "c.docx", old_label="o", new_label="n")
    target = tmp_path / "c.md"
    write_markdown(to_markdown(pairs, old_label="o", new_label="n"), target)
    assert target.read_text(encoding="utf-8").startswith("# n compared with o")
    assert [p.name for p in tmp_path.iterdir()] == ["c.md"]
