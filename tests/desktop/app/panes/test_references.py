"""References in the window: links in the viewer, instrument cards, "cited by", the References tab.

Real window, real library: the session's built store, or (``own_window``) a copy the test
imports into. Links are followed by clicking them in the viewer.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor

from desktop.app.panes.references import InstrumentCard
from desktop.app.viewer import link_url, passage_anchor, reference_key
from desktop.app.window import MainWindow
from tests.helpers.editing import BRIEFING

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (propagateSizeHints|raise)")
RESOLUTION = "a-res-77-20"


def _reference(window: MainWindow, document_id: str, target: str) -> dict:
    refs = window.library.references(document_id)
    return next(r for r in refs if r["target"] == target)


def click_reference(qtbot, window: MainWindow, ref: dict) -> None:
    """Click the link of ``ref`` in the viewer (it must show ``ref``'s document)."""
    viewer = window.reader_pane.viewer
    href = link_url("ref", reference_key(ref["passage_id"], ref["start"]))
    doc = viewer.document()
    found = doc.find(ref["surface"], 0)
    while not found.isNull():
        probe = QTextCursor(doc)
        probe.setPosition(found.selectionStart() + 1)
        if probe.charFormat().anchorHref() == href:
            break
        found = doc.find(ref["surface"], found)
    assert not found.isNull(), f"no link {href} on {ref['surface']!r}"
    probe = QTextCursor(doc)
    probe.setPosition(found.selectionStart() + 2)
    viewer.setTextCursor(probe)
    viewer.ensureCursorVisible()
    rect = viewer.cursorRect(probe)
    point = QPoint(rect.center().x() + 2, rect.center().y())
    assert viewer.anchorAt(point) == href
    qtbot.mouseClick(viewer.viewport(), Qt.MouseButton.LeftButton, pos=point)


def import_note(qtbot, window: MainWindow, tmp_path, text: str = BRIEFING) -> str:
    note = tmp_path / "briefing.md"
    note.write_text(text, encoding="utf-8")
    with qtbot.waitSignal(window.flows.job_finished, timeout=60_000):
        assert window.flows.import_paths([note])
    return window.flows.last_import.document_id


def test_a_reference_outside_the_library_opens_its_card(qtbot, own_window, monkeypatch):
    window = own_window
    window.reader_pane.reader.open_document(RESOLUTION)
    ref = _reference(window, RESOLUTION, "A/RES/51/1")
    assert ref["surface"].startswith("resolution 51/1") and not ref["in_library"]
    tip = window.reader_pane.viewer.reference_tips[reference_key(ref["passage_id"], ref["start"])]
    assert tip.endswith("A/RES/51/1 — not in your library: click for its card (Import…)")
    click_reference(qtbot, window, ref)
    qtbot.waitUntil(lambda: window.refs.card is not None, timeout=3000)
    card = window.refs.card
    assert isinstance(card, InstrumentCard) and card.isVisible()
    assert card.instrument["target"] == "A/RES/51/1"
    facts = card.facts_label.text()
    assert "General Assembly resolution" in facts and "1996" in facts
    assert "not in your library" in facts
    cited = [card.cited_list.item(i).text() for i in range(card.cited_list.count())]
    assert any(c.startswith("A/RES/77/20") for c in cited), cited
    assert window.reader_pane.reader.document["id"] == RESOLUTION  # nothing else opened
    # "Import…" opens the import file dialog (answered here: no file chosen).
    asked: list[str] = []
    monkeypatch.setattr(
        "desktop.app.flows.QFileDialog.getOpenFileNames",
        lambda *args, **kwargs: (asked.append(args[1]), ([], ""))[1],
    )
    assert card.import_button is not None and card.open_button is None
    qtbot.mouseClick(card.import_button, Qt.MouseButton.LeftButton)
    assert asked == ["Import documents into your library"]
    qtbot.waitUntil(lambda: window.refs.card is None, timeout=3000)


def test_a_paragraph_reference_opens_the_paragraph(qtbot, own_window, tmp_path):
    window = own_window
    note_id = import_note(qtbot, window, tmp_path)
    reader = window.reader_pane.reader
    assert reader.document["id"] == note_id  # the imported note is shown
    ref = _reference(window, note_id, "A/RES/77/20")
    assert ref["surface"] == "resolution 77/20, para. 12"
    assert ref["target_passage_id"] == f"{RESOLUTION}:op12"
    tip = window.reader_pane.viewer.reference_tips[reference_key(ref["passage_id"], ref["start"])]
    assert tip == "A/RES/77/20, para. 12 — in your library: click to open the paragraph"
    click_reference(qtbot, window, ref)
    qtbot.waitUntil(lambda: reader.passage is not None, timeout=3000)
    assert reader.passage["id"] == f"{RESOLUTION}:op12"
    assert reader.anchor == passage_anchor(f"{RESOLUTION}:op12")
    assert window.reader_pane.selected_id == f"{RESOLUTION}:op12"
    assert window.refs.card is None
    # The paragraph is scrolled into view.
    viewer = window.reader_pane.viewer
    assert window.reader_pane.select_passage(f"{RESOLUTION}:op12")
    assert viewer.viewport().rect().contains(viewer.cursorRect().center())
    # Back returns to the note.
    reader.back()
    assert reader.document["id"] == note_id


def test_cited_by_under_the_header_in_the_paragraph_and_its_menu(qtbot, own_window, tmp_path):
    window = own_window
    whole = "\nThe desk keeps General Assembly resolution 77/20 at hand.\n"
    note_id = import_note(qtbot, window, tmp_path, BRIEFING + whole)
    reader = window.reader_pane.reader
    reader.open_document(RESOLUTION)
    note_citation = window.library.references(note_id)[0]["citation"]
    cited = f"{RESOLUTION}:op12"
    # The paragraph says it is cited, with a link listing who cites it.
    assert f'href="{link_url("citedby", cited)}"' in reader.html
    assert "cited by 1</a>" in reader.html
    # The document says which passages cite it as a whole, with links to them.
    whole_ref = next(
        r
        for r in window.library.references(note_id)
        if r["paragraph"] is None and r["target"] == "A/RES/77/20"
    )
    assert whole_ref["target_document_id"] == RESOLUTION
    line = reader.html.split("<b>Cited by:</b>")[1].split("</p>")[0]
    assert f'href="{link_url("passage", whole_ref["passage_id"])}"' in line
    # The References tab now says 77/20 is in the library.
    model = window.tree_pane.models["references"]
    node = model.node(model.find("instrument:A/RES/77/20"))
    assert node.badge == "in library" and node.count == 2
    menu = window.refs.cited_by_menu(cited)
    actions = [a for a in menu.actions() if a.isEnabled()]
    assert [a.text() for a in actions] == [
        f"{note_citation} — “resolution 77/20, para. 12”".replace("&", "&&")
    ]
    actions[0].trigger()
    assert reader.document["id"] == note_id
    # Right-click on the paragraph: the copy menu with a "Cited by" submenu.
    reader.open_passage(cited)
    base = window.selection.viewer_menu()
    window.refs.cited_by_menu(cited, base)
    sub = next(a.menu() for a in base.actions() if a.menu() is not None)
    assert sub.title() == "Cited &by (1)"
    assert sub.actions()[0].text().startswith(note_citation.replace("&", "&&"))
    # A paragraph nobody cites says so.
    empty = window.refs.cited_by_menu(f"{RESOLUTION}:op1")
    assert [a.text() for a in empty.actions()] == ["No passage in the library cites it"]


def test_the_references_tab_lists_every_instrument_with_counts(qtbot, window):
    tree = window.tree_pane
    assert tree.tab_keys[-2:] == ["themes", "references"]
    model = tree.models["references"]
    instruments = window.library.instruments()
    assert len(instruments) == 21  # the bundled corpus's hand annotation has 21 references
    for item in instruments:
        node = model.node(model.find(f"instrument:{item['target']}"))
        assert node is not None, item["target"]
        assert node.count == item["references"]
        assert (node.badge == "in library") == item["in_library"]
    assert not any(i["in_library"] for i in instruments)  # the bundled texts cite others
    # Choosing one shows its card, with the passages citing it.
    assert tree.select("references", "instrument:S/RES/1950 (2010)")
    qtbot.waitUntil(lambda: window.refs.card is not None, timeout=3000)
    card = window.refs.card
    assert card.instrument["target"] == "S/RES/1950 (2010)"
    assert card.cited_list.count() == len(window.library.cited_by("S/RES/1950 (2010)"))
    card.cited_list.setCurrentRow(0)
    first = window.library.cited_by("S/RES/1950 (2010)")[0]["passage_id"]
    qtbot.mouseClick(card.open_cited_button, Qt.MouseButton.LeftButton)
    assert window.reader_pane.reader.passage["id"] == first
    # Alt+5 brings the tab forward.
    window.actions_by_name["tab_references"].trigger()
    assert tree.current_key() == "references"
