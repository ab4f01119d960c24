"""The brief pane, driven with pytest-qt over a real briefs database and the real library."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from db import paths
from db.briefs import Briefs
from db.library import open_library
from db.reading import Library
from desktop.app.panes.brief import (
    BRIEF_PASSAGE_ROLE,
    ITEM_COLUMN,
    NOTE_COLUMN,
    STATUS_ROLE,
    BriefItemsModel,
    BriefPane,
)
from tests.helpers.briefs import NEW_OP2, OLD_OP2, pin_then_change_library

# The offscreen platform plugin says so whenever a top-level widget is shown.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

IDS = ["a-res-77-20:op1", "a-res-77-20:op2", "a-res-77-20:op3", "a-res-77-20:op17a"]


@pytest.fixture
def briefs() -> Briefs:
    with Briefs.open() as b:
        yield b


@pytest.fixture
def pane(qtbot, briefs: Briefs, library: Library) -> BriefPane:
    briefs.create(title="Vienna", date="2026-12-01", notes="Room 4")
    for pid in IDS:
        briefs.pin("Vienna", library=library, passage_id=pid, note=f"note {pid[-4:]}")
    widget = BriefPane(briefs, library)
    qtbot.addWidget(widget)
    widget.resize(520, 640)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def order(briefs: Briefs) -> list[str]:
    return [i.passage_id for i in briefs.items("Vienna")]


def test_model_passes_the_model_tester(qtmodeltester, briefs, library) -> None:
    briefs.create(title="Vienna")
    for pid in IDS:
        briefs.pin("Vienna", library=library, passage_id=pid, note="n")
    model = BriefItemsModel(briefs, library)
    model.set_brief("Vienna")
    qtmodeltester.check(model)
    assert model.rowCount() == 4 and model.columnCount() == 2
    assert model.data(model.index(3, ITEM_COLUMN)) == "4. A/RES/77/20, para. 17(a)"
    assert model.data(model.index(3, ITEM_COLUMN), BRIEF_PASSAGE_ROLE) == IDS[3]
    assert model.flags(model.index(0, NOTE_COLUMN)) & Qt.ItemFlag.ItemIsEditable
    assert not model.flags(model.index(0, ITEM_COLUMN)) & Qt.ItemFlag.ItemIsEditable


def test_opens_the_brief_with_its_notes_and_items(pane: BriefPane) -> None:
    assert pane.current_title() == "Vienna"
    assert pane.chooser.currentText() == "Vienna"
    assert pane.notes_edit.toPlainText() == "Room 4"
    assert pane.date_label.text() == "Meeting of 2026-12-01"
    assert pane.model.rowCount() == 4
    assert pane.empty_label.isHidden()
    assert "A/RES/77/20, para. 1" in pane.detail.toPlainText()


def test_reorder_by_keyboard(qtbot, pane: BriefPane, briefs: Briefs) -> None:
    pane.view.setFocus()
    pane.view.setCurrentIndex(pane.model.index(0, ITEM_COLUMN))
    QTest.keyClick(pane.view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert order(briefs) == [IDS[1], IDS[0], IDS[2], IDS[3]]
    assert pane.view.currentIndex().row() == 1
    QTest.keyClick(pane.view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(pane.view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert order(briefs) == [IDS[1], IDS[2], IDS[3], IDS[0]]
    QTest.keyClick(pane.view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)  # at the end
    assert order(briefs) == [IDS[1], IDS[2], IDS[3], IDS[0]]
    QTest.keyClick(pane.view, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert order(briefs) == [IDS[1], IDS[2], IDS[0], IDS[3]]
    shown = [pane.model.data(pane.model.index(r, 0), BRIEF_PASSAGE_ROLE) for r in range(4)]
    assert shown == order(briefs)
    assert pane.model.data(pane.model.index(2, 0)).startswith("3. A/RES/77/20, para. 1")


def test_reorder_by_drag_and_drop(pane: BriefPane, briefs: Briefs) -> None:
    model = pane.model
    drag = model.mimeData([model.index(0, ITEM_COLUMN), model.index(0, NOTE_COLUMN)])
    # What the view does on a drop between rows 2 and 3: the model moves, the view removes nothing.
    assert not model.dropMimeData(drag, Qt.DropAction.MoveAction, 3, 0, QModelIndex())
    assert order(briefs) == [IDS[1], IDS[2], IDS[0], IDS[3]]
    drag = model.mimeData([model.index(3, ITEM_COLUMN)])
    model.dropMimeData(drag, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    assert order(briefs) == [IDS[3], IDS[1], IDS[2], IDS[0]]
    drag = model.mimeData([model.index(0, ITEM_COLUMN)])
    model.dropMimeData(drag, Qt.DropAction.MoveAction, -1, -1, QModelIndex())  # past the end
    assert order(briefs) == [IDS[1], IDS[2], IDS[0], IDS[3]]
    assert model.rowCount() == 4


def test_edit_a_note_in_place(qtbot, pane: BriefPane, briefs: Briefs) -> None:
    pane.view.setFocus()
    pane.view.setCurrentIndex(pane.model.index(1, ITEM_COLUMN))
    QTest.keyClick(pane.view, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert editor is not None and editor is not pane.view
    editor.selectAll()
    QTest.keyClicks(editor, "Ask UNODC about the figures")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: briefs.items("Vienna")[1].note == "Ask UNODC about the figures")
    assert pane.model.data(pane.model.index(1, NOTE_COLUMN)) == "Ask UNODC about the figures"
    assert [i.note for i in briefs.items("Vienna")][::2] == ["note :op1", "note :op3"]


def test_a_refused_note_says_why_and_changes_nothing(qtbot, pane: BriefPane, briefs) -> None:
    with qtbot.waitSignal(pane.message) as said:
        assert not pane.model.setData(pane.model.index(0, NOTE_COLUMN), "a\x00b")
    assert said.args == ["A note cannot contain NUL characters."]
    assert briefs.items("Vienna")[0].note == "note :op1"


def test_remove_with_delete_and_put_back_with_undo(qtbot, pane: BriefPane, briefs) -> None:
    pane.view.setFocus()
    pane.view.setCurrentIndex(pane.model.index(1, ITEM_COLUMN))
    with qtbot.waitSignal(pane.message) as said:
        QTest.keyClick(pane.view, Qt.Key.Key_Delete)
    assert said.args[0].startswith("Removed A/RES/77/20, para. 2 from the brief")
    assert order(briefs) == [IDS[0], IDS[2], IDS[3]]
    assert pane.model.rowCount() == 3
    QTest.keyClick(pane.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert order(briefs) == IDS
    assert briefs.items("Vienna")[1].note == "note :op2"


def test_enter_opens_the_item(qtbot, pane: BriefPane) -> None:
    pane.view.setFocus()
    pane.view.setCurrentIndex(pane.model.index(3, ITEM_COLUMN))
    with qtbot.waitSignal(pane.open_passage) as opened:
        QTest.keyClick(pane.view, Qt.Key.Key_Return)
    assert opened.args == [IDS[3]]


def test_pin_marks_and_reports(qtbot, pane: BriefPane, briefs, library) -> None:
    quote = "global police secure communications system"
    with qtbot.waitSignal(pane.pinned_changed) as marked:
        assert pane.pin("a-res-77-20:op17a", quote=quote, note="the quote")
    assert marked.args[0] == frozenset(IDS)
    assert pane.model.rowCount() == 5 and pane.view.currentIndex().row() == 4
    assert pane.model.data(pane.model.index(4, 0)) == "5. A/RES/77/20, para. 17(a) (quotation)"
    assert f"“{quote}”" in pane.detail.toPlainText()
    with qtbot.waitSignal(pane.message) as said:
        assert not pane.pin("a-res-77-20:op17a", quote="not in it")
    assert said.args == ["The quote is not part of the text of passage a-res-77-20:op17a."]
    assert len(briefs.items("Vienna")) == 5


def test_notes_new_brief_and_switching(qtbot, pane: BriefPane, briefs) -> None:
    pane.notes_edit.setFocus()
    pane.notes_edit.selectAll()
    QTest.keyClicks(pane.notes_edit, "Room 5, 10:00")
    qtbot.waitUntil(lambda: briefs.get("Vienna").notes == "Room 5, 10:00", timeout=3000)
    with qtbot.waitSignal(pane.message) as said:
        assert not pane.new_brief("vienna")
    assert "already exists" in said.args[0]
    assert pane.new_brief("New York", date="2026-12-09")
    assert pane.current_title() == "New York" and pane.model.rowCount() == 0
    assert pane.empty_label.isVisible()
    pane.chooser.setCurrentIndex(pane.chooser.findText("Vienna"))
    assert pane.current_title() == "Vienna" and pane.model.rowCount() == 4
    assert pane.notes_edit.toPlainText() == "Room 5, 10:00"


def test_copy_and_export(qtbot, pane: BriefPane, library, tmp_path) -> None:
    assert pane.copy_to_clipboard()
    mime = QGuiApplication.clipboard().mimeData()
    for pid in IDS:
        passage = library.passage(pid)
        assert f"“{passage['text']}”" in mime.text() and passage["citation"] in mime.text()
        assert passage["citation"] in mime.html()
    pane.set_citation_style("full")
    assert pane.export_to(tmp_path / "brief.docx", "docx")
    paragraphs = [p.text for p in docx.Document(str(tmp_path / "brief.docx")).paragraphs]
    for pid in IDS:
        assert library.citation(pid, style="full") in paragraphs
    assert pane.export_to(tmp_path / "brief.pdf", "pdf")
    assert (tmp_path / "brief.pdf").read_bytes().startswith(b"%PDF")
    with qtbot.waitSignal(pane.message) as said:
        assert not pane.export_to(tmp_path / "missing" / "brief.md", "md")
    assert said.args[0].startswith("Cannot write ")


def test_changed_and_removed_items_are_marked_with_the_difference(
    qtbot, briefs: Briefs, built_store: Path, tmp_path: Path
) -> None:
    shutil.copytree(built_store, paths.store_dir())
    changed = pin_then_change_library(briefs, tmp_path)
    lib = open_library()
    try:
        pane = BriefPane(briefs, lib)
        qtbot.addWidget(pane)
        pane.open_brief(changed.title)
        model = pane.model
        assert [model.data(model.index(r, 0), STATUS_ROLE) for r in range(3)] == [
            "ok",
            "changed",
            "removed",
        ]
        assert model.data(model.index(1, 0)).endswith(" — changed since pinned")
        assert model.data(model.index(2, 0)).endswith(" — no longer in the library")
        assert model.data(model.index(2, 0), Qt.ItemDataRole.FontRole).italic()
        pane.view.setCurrentIndex(model.index(1, 0))
        shown = pane.detail.toHtml()
        assert "Changed since pinned" in pane.detail.toPlainText()
        assert changed.changed_pinned_text in pane.detail.toPlainText()
        assert "line-through" in shown and "underline" in shown
        assert "seagrass" in pane.detail.toPlainText() and OLD_OP2 in pane.detail.toPlainText()
        assert NEW_OP2.split()[0] in pane.detail.toPlainText()
        pane.view.setCurrentIndex(model.index(2, 0))
        assert "No longer in the library" in pane.detail.toPlainText()
        assert changed.removed_pinned_text in pane.detail.toPlainText()
        with qtbot.waitSignal(pane.message) as said:
            pane.open_row(2)
        assert "is no longer in the library" in said.args[0]
    finally:
        lib.close()
