"""Briefs made by the tests over real stores: one passage later changed, one document removed.

:func:`pin_then_change_library` pins passages of two imported documents, then changes the
library the way an officer can: the resolution is removed and imported again with one
paragraph reworded (same symbol, so the same passage ids), and the note is removed. Each
import and removal rebuilds the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from db.briefs import Briefs
from db.imports import import_files, remove_document
from db.library import open_library
from tests.helpers.documents import RESOLUTION

OLD_OP2 = "report on kelp forest protection at its eighty-first session;"
NEW_OP2 = "report on kelp forest and seagrass protection at its eighty-second session;"
NOTE_TEXT = "Harbour notes\n\nThe harbour master described container checks at quay nine.\n"


@dataclass(frozen=True)
class Changed:
    """What :func:`pin_then_change_library` pinned (positions are 1-based)."""

    title: str
    unchanged_id: str  # a bundled passage, still as pinned
    changed_id: str
    changed_pinned_text: str
    removed_id: str
    removed_pinned_text: str


def pin_then_change_library(briefs: Briefs, tmp_path: Path, title: str = "Change test") -> Changed:
    """Create a brief of three pinned passages, then change and remove two of them.

    Item 1 is bundled (``ok``), item 2 a paragraph that is reworded (``changed``), item 3
    a passage whose document is removed (``removed``).
    """
    res = tmp_path / "resolution.txt"
    res.write_text(RESOLUTION, encoding="utf-8")
    note = tmp_path / "harbour.txt"
    note.write_text(NOTE_TEXT, encoding="utf-8")
    reports = import_files([res, note])
    assert all(r.ok for r in reports), [r.message for r in reports]
    note_doc = reports[1].document_id
    briefs.create(title=title, date="2026-12-01", notes="Before the meeting.")
    with open_library() as lib:
        removed_id = next(p["id"] for p in lib.document(note_doc)["passages_list"])
        briefs.pin(title, library=lib, passage_id="a-res-77-20:op17a", note="the I-24/7 part")
        changed = briefs.pin(title, library=lib, passage_id="a-res-79-999:op2", note="kelp")
        removed = briefs.pin(title, library=lib, passage_id=removed_id, note="harbour")
    remove_document("a-res-79-999")
    remove_document(note_doc)
    res2 = tmp_path / "resolution-v2.txt"
    res2.write_text(RESOLUTION.replace(OLD_OP2, NEW_OP2), encoding="utf-8")
    (again,) = import_files([res2])
    assert again.ok, again.message
    return Changed(
        title=title,
        unchanged_id="a-res-77-20:op17a",
        changed_id=changed.passage_id,
        changed_pinned_text=changed.text,
        removed_id=removed.passage_id,
        removed_pinned_text=removed.text,
    )
