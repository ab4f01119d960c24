"""Comparing two versions in the window: the side-by-side dialog, its keys, exports, "new since".

The later version (A/RES/79/15) is made by editing 77/20 (tests/helpers/editing.py) and
imported into the test's own library, as an officer would.
"""

from __future__ import annotations

import docx
import pytest
from PySide6.QtCore import Qt

from desktop.app.panes.compare import DELETE_STYLE, INSERT_STYLE, PAIR_ROLE, CompareDialog
from tests.helpers.editing import edited_resolution, local, successor_edits

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (propagateSizeHints|raise)")
OLD = "a-res-77-20"


@pytest.fixture
def with_successor(qtbot, own_window, tmp_path):
    """The window, with A/RES/79/15 imported and open; returns (window, its id, alignment)."""
    edited = edited_resolution(successor_edits())
    path = tmp_path / "a-res-79-15.txt"
    path.write_text(edited.text, encoding="utf-8")
    with qtbot.waitSignal(own_window.flows.job_finished, timeout=60_000):
        assert own_window.flows.import_paths([path])
    new_id = own_window.flows.last_import.document_id
    assert own_window.reader_pane.reader.document["id"] == new_id
    return own_window, new_id, edited.expected


def test_compare_proposes_the_predecessor_and_shows_each_change(qtbot, with_successor):
    window, new_id, expected = with_successor
    window.actions_by_name["compare"].trigger()
    dialog = window.dialogs.open_dialogs["compare"]
    assert isinstance(dialog, CompareDialog) and dialog.isVisible()
    assert (dialog.old_id(), dialog.new_id()) == (OLD, new_id)
    assert "A/RES/77/20" in dialog.proposal_label.text()
    # Rows: the pairs whose words differ (unchanged ones on request), each change named.
    shown = [dialog.model.index(r, 0).data(PAIR_ROLE) for r in range(dialog.model.rowCount())]
    assert {p.change for p in shown} == {"changed", "moved", "added", "dropped"}
    got = {(local(p.old), local(p.new), p.change) for p in dialog.pairs}
    assert len(got & set(expected)) / len(expected) >= 0.95
    header = dialog.model.horizontalHeaderItem
    assert (header(1).text(), header(2).text()) == ("A/RES/77/20", "A/RES/79/15")
    dialog.show_same.setChecked(True)
    assert dialog.model.rowCount() == len(dialog.pairs)
    changes = {dialog.model.index(r, 0).data(PAIR_ROLE).change for r in range(len(dialog.pairs))}
    assert {"same", "renumbered"} <= changes
    dialog.show_same.setChecked(False)
    # A changed row: deleted words struck through on the left, inserted ones underlined.
    row = next(r for r, p in enumerate(shown) if p.change == "changed" and p.diff)
    pair = shown[row]
    deleted = next(s["text"].strip() for s in pair.diff if s["op"] == "delete")
    inserted = next(s["text"].strip() for s in pair.diff if s["op"] == "insert")
    old_html = dialog.model.index(row, 1).data(Qt.ItemDataRole.UserRole + 30)
    new_html = dialog.model.index(row, 2).data(Qt.ItemDataRole.UserRole + 30)
    assert f'<span style="{DELETE_STYLE}">{deleted}' in old_html and INSERT_STYLE not in old_html
    assert f'<span style="{INSERT_STYLE}">{inserted}' in new_html and DELETE_STYLE not in new_html
    assert "line-through" in DELETE_STYLE and "underline" in INSERT_STYLE


def test_compare_is_keyboard_navigable_and_opens_the_paragraph(qtbot, with_successor):
    window, _new_id, _ = with_successor
    dialog = window.dialogs.compare()
    table = dialog.table
    qtbot.waitUntil(table.hasFocus, timeout=2000)  # the rows have the keys from the start
    assert table.currentIndex().row() == 0
    qtbot.keyClick(table, Qt.Key.Key_Down)
    qtbot.keyClick(table, Qt.Key.Key_Down)
    assert table.currentIndex().row() == 2
    pair = dialog.current_pair()
    with qtbot.waitSignal(dialog.passage_chosen, timeout=2000) as blocker:
        qtbot.keyClick(table, Qt.Key.Key_Return)
    want = pair.new or pair.old
    assert blocker.args == [want]
    assert window.reader_pane.reader.passage["id"] == want
    # A dropped paragraph opens in the earlier version.
    dropped = next(
        r
        for r in range(dialog.model.rowCount())
        if dialog.model.index(r, 0).data(PAIR_ROLE).change == "dropped"
    )
    table.setCurrentIndex(dialog.model.index(dropped, 2))
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert window.reader_pane.reader.document["id"] == OLD
    # Left moves to the earlier version's column: Enter opens the earlier paragraph.
    changed = next(r for r, p in enumerate(dialog.rows()) if p.change == "changed")
    table.setCurrentIndex(dialog.model.index(changed, 2))
    qtbot.keyClick(table, Qt.Key.Key_Left)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert window.reader_pane.reader.passage["id"] == dialog.rows()[changed].old


def test_compare_exports_markdown_and_docx(qtbot, with_successor, tmp_path):
    window, new_id, _ = with_successor
    dialog = window.dialogs.compare()
    md = dialog.export("md", tmp_path / "cmp.md")
    assert md.read_text(encoding="utf-8") == window.library.compare_markdown(OLD, new_id)
    out = dialog.export("docx", tmp_path / "cmp.docx")
    read = docx.Document(str(out))
    assert read.paragraphs[0].text == "A/RES/79/15 compared with A/RES/77/20"
    runs = [r for p in read.paragraphs for r in p.runs]
    struck = "".join(r.text for r in runs if r.font.strike)
    underlined = "".join(r.text for r in runs if r.underline and r.bold)
    pair = next(p for p in dialog.pairs if p.change == "changed" and p.diff)
    for seg in pair.diff:
        if seg["op"] == "delete":
            assert seg["text"].strip() in struck
        elif seg["op"] == "insert":
            assert seg["text"].strip() in underlined


def test_new_since_marks_in_the_viewer(qtbot, with_successor):
    window, new_id, _ = with_successor
    reader = window.reader_pane.reader
    since = window.library.new_since(new_id)
    assert since and set(since.values()) <= {"added", "changed", "moved"}
    html = reader.html
    for change, words in (("added", "new since"), ("changed", "changed since")):
        pid = next(p for p, c in since.items() if c == change)
        paragraph = html.split(f'<a name="p-{pid.replace(":", "_")}"></a>')[1].split("</p>")[0]
        assert f"[{words} A/RES/77/20]" in paragraph
    same = next(
        p["id"]
        for p in reader.document["passages_list"]
        if p["id"] not in since and p["kind"] == "operative"
    )
    paragraph = html.split(f'<a name="p-{same.replace(":", "_")}"></a>')[1].split("</p>")[0]
    assert "since A/RES/77/20]" not in paragraph
    # The earlier version has no predecessor in the library: no marks.
    reader.open_document(OLD)
    assert "since A/RES/" not in reader.html
