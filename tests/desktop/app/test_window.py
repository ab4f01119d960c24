"""The real window over the real store, driven with pytest-qt."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QPoint, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication, QKeySequence, QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMenu

from db import paths
from desktop.app import shortcuts
from desktop.app.models import NODE_ROLE
from desktop.app.search import RESULT_LIMIT
from desktop.app.settings import Settings
from desktop.app.viewer import passage_anchor
from desktop.app.window import MainWindow

# The offscreen platform plugin says so whenever a window with a menu bar is shown.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (propagateSizeHints|raise)")


def test_starts_focused_on_search_with_a_hint(window):
    assert window.search_pane.field.hasFocus()
    assert window.search_pane.results_stack.currentWidget() is window.search_pane.empty_label
    assert "Type a few words" in window.search_pane.empty_label.text()
    assert "documents" in window.status_bar.summary_label.text() and "passages" in window.status_bar.summary_label.text()


def test_typing_shows_results_then_enter_opens_the_passage(qtbot, window, search_for):
    search_for(window, "maritime piracy")
    assert window.search_pane.results_model.rowCount() > 0
    first = window.search_pane.results_model.hit(0)
    assert "piracy" in first.snippet.lower() and "**" in first.snippet
    QTest.keyClick(window.search_pane.field, Qt.Key.Key_Down)
    assert window.search_pane.results_view.currentIndex().row() == 1
    QTest.keyClick(window.search_pane.field, Qt.Key.Key_Up)
    QTest.keyClick(window.search_pane.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.reader_pane.reader.passage is not None)
    assert window.reader_pane.reader.passage["id"] == first.passage_id
    assert window.reader_pane.citation_label.full_text() == first.citation
    assert window.reader_pane.reader.anchor == passage_anchor(first.passage_id)
    html = window.reader_pane.reader.html
    assert "background-color:#ffe27a" in html  # query terms marked
    assert "background-color:#fdf3d0" in html  # the passage marked


def test_typo_and_empty_states(window, search_for):
    search_for(window, "zzzqqxx")
    assert window.search_pane.results_stack.currentWidget() is window.search_pane.empty_label
    assert "No passage matches “zzzqqxx”" in window.search_pane.empty_label.text()
    search_for(window, "peacekeping")
    state = window.search_pane.controller.last_state
    assert state.corrected_query == "peacekeeping"
    assert window.search_pane.info_label.text().startswith("Showing results for “peacekeeping”")
    QTest.keyClick(window.search_pane.field, Qt.Key.Key_Escape)
    assert window.search_pane.field.text() == ""


def test_entity_in_tree_filters_results_and_chip_removes_it(qtbot, window, search_for):
    search_for(window, "cooperation")
    unfiltered = window.search_pane.results_model.rowCount()
    assert window.tree_pane.select("un", "entity:unodc")
    assert window.search_pane.controller.filter("entity").value == "unodc"
    assert "entity" in window.search_pane.chips.chips
    hits = [
        window.search_pane.results_model.hit(r)
        for r in range(window.search_pane.results_model.rowCount())
    ]
    allowed = {h.passage_id for h in window.library.search("", limit=1000, entity="unodc").hits}
    assert hits and {h.passage_id for h in hits} <= allowed
    assert len(hits) <= unfiltered
    window.search_pane.chips.chips["entity"].click()
    assert window.search_pane.controller.filter("entity") is None
    assert not window.search_pane.chips.isVisible()


def test_tree_filter_narrows_the_tree(window):
    window.tree_pane.show_tab("un")
    window.tree_pane.filter_field.setText("UNODC")
    proxy = window.tree_pane.proxies["un"]
    assert proxy.rowCount() == 1
    assert proxy.mapFromSource(window.tree_pane.models["un"].find("entity:unodc")).isValid()
    assert not proxy.mapFromSource(window.tree_pane.models["un"].find("entity:unfpa")).isValid()


def test_document_outline_node_opens_passage_and_document_node_filters(window):
    assert window.tree_pane.select("documents", "passage:a-res-77-20:op17b")
    assert window.reader_pane.reader.passage["id"] == "a-res-77-20:op17b"
    assert window.tree_pane.select("documents", "doc:a-res-77-20")
    assert window.search_pane.controller.filter("document").value == "a-res-77-20"
    assert window.search_pane.results_model.rowCount() > 0
    assert all(
        window.search_pane.results_model.hit(r).document_id == "a-res-77-20"
        for r in range(window.search_pane.results_model.rowCount())
    )


def test_mention_click_selects_entity(window):
    window.reader_pane.reader.open_passage("a-res-77-20:op1")
    assert "liaison://entity/" in window.reader_pane.reader.html
    window.reader_pane.viewer.entity_link.emit("unodc")
    node = window.tree_pane.views["un"].currentIndex().data(Qt.ItemDataRole.UserRole + 1)
    assert node is not None and node.ref == "unodc"
    assert window.search_pane.controller.filter("entity").value == "unodc"


def test_copy_citation_and_passage(window):
    window.reader_pane.reader.open_passage("a-res-77-20:op17a")
    window.actions_by_name["copy_citation"].trigger()
    assert QGuiApplication.clipboard().text() == "A/RES/77/20, para. 17(a)"
    window.actions_by_name["copy_passage"].trigger()
    text = QGuiApplication.clipboard().text()
    assert text.endswith("”\n— A/RES/77/20, para. 17(a)")
    assert text.startswith("“" + window.library.passage("a-res-77-20:op17a")["text"])
    assert "A/RES/77/20, para. 17(a)" in QGuiApplication.clipboard().mimeData().html()


def test_back_and_forward(window):
    window.reader_pane.reader.open_passage("a-res-77-20:op1")
    window.reader_pane.reader.open_passage("united-nations:s7.p1")
    assert window.actions_by_name["back"].isEnabled()
    window.actions_by_name["back"].trigger()
    assert window.reader_pane.reader.passage["id"] == "a-res-77-20:op1"
    assert window.actions_by_name["forward"].isEnabled()
    window.actions_by_name["forward"].trigger()
    assert window.reader_pane.reader.passage["id"] == "united-nations:s7.p1"


def test_zoom_changes_fonts(window):
    before = window.reader_pane.viewer.document().defaultFont().pointSizeF()
    results_before = window.search_pane.results_view.font().pointSizeF()
    window.actions_by_name["zoom_in"].trigger()
    assert window.reader_pane.viewer.document().defaultFont().pointSizeF() > before
    assert window.search_pane.results_view.font().pointSizeF() > results_before
    window.actions_by_name["zoom_reset"].trigger()
    assert abs(window.reader_pane.viewer.document().defaultFont().pointSizeF() - before) < 0.01


def test_theme_toggle_switches_palette(qapp, window):
    light = qapp.palette().color(qapp.palette().ColorRole.Base).lightness()
    window.actions_by_name["toggle_dark"].trigger()
    assert window.theme.dark and window.theme.mode == "dark"
    assert qapp.palette().color(qapp.palette().ColorRole.Base).lightness() < light
    assert window.actions_by_name["toggle_dark"].isChecked()
    window.actions_by_name["toggle_dark"].trigger()
    assert not window.theme.dark


def test_settings_persist_across_windows(make_window):
    first = make_window()
    first.resize(760, 520)  # within the offscreen screen, which restoreGeometry respects
    first.actions_by_name["zoom_in"].trigger()
    first.splitter.setSizes([340, 230, 300])
    first.actions_by_name["toggle_dark"].trigger()
    first.tree_pane.show_tab("themes")
    sizes, zoom = first.splitter.sizes(), first.zoom.factor
    first.close()
    saved = Settings()
    assert saved.zoom == zoom and saved.theme == "dark"
    second = make_window()
    assert second.zoom.factor == zoom
    assert second.splitter.sizes() == sizes
    assert second.tree_pane.current_key() == "themes"
    assert (second.width(), second.height()) == (760, 520)
    second.actions_by_name["toggle_dark"].trigger()


def test_source_toggle_selects_the_span(window):
    window.reader_pane.reader.open_passage("a-res-77-20:op1")
    window.actions_by_name["toggle_source"].trigger()
    p = window.library.passage("a-res-77-20:op1")
    source = window.library.source_text("a-res-77-20")
    assert window.reader_pane.viewer.toPlainText() == source
    cursor = window.reader_pane.viewer.textCursor()
    assert (cursor.selectionStart(), cursor.selectionEnd()) == (p["span_start"], p["span_end"])
    window.actions_by_name["toggle_source"].trigger()
    assert "<h1>" not in window.reader_pane.viewer.toPlainText()
    assert not window.reader_pane.viewer.source_mode


def test_find_in_document(window):
    window.reader_pane.reader.open_passage("a-res-77-20:op1")
    window.actions_by_name["find"].trigger()
    assert window.reader_pane.find_bar.isVisible()
    window.reader_pane.find_bar.field.setText("INTERPOL")
    window.actions_by_name["find_next"].trigger()
    first = window.reader_pane.viewer.textCursor().selectionStart()
    window.actions_by_name["find_next"].trigger()
    assert window.reader_pane.viewer.textCursor().selectionStart() > first
    window.actions_by_name["find_previous"].trigger()
    assert window.reader_pane.viewer.textCursor().selectionStart() == first
    assert window.reader_pane.find("no such words anywhere") is False


def test_footnote_text_for_markers(window):
    window.reader_pane.reader.open_passage("a-res-77-20:pp2")
    assert 'href="liaison://fn/1"' in window.reader_pane.reader.html
    assert window.reader_pane.viewer.footnotes["1"].startswith("1. United Nations, Treaty Series")


def test_keyboard_focus_shortcuts_and_dialogs(qtbot, window, search_for):
    search_for(window, "piracy")
    window.actions_by_name["focus_results"].trigger()
    assert window.search_pane.results_view.hasFocus()
    QTest.keyClick(window.search_pane.results_view, Qt.Key.Key_Slash)
    assert window.search_pane.field.hasFocus()
    window.actions_by_name["focus_viewer"].trigger()
    QTest.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert window.search_pane.field.hasFocus()
    window.actions_by_name["shortcuts"].trigger()
    window.actions_by_name["about"].trigger()
    dialogs = [window.dialogs.open_dialogs["shortcuts"], window.dialogs.open_dialogs["about"]]
    assert all(d.isVisible() for d in dialogs)
    table = dialogs[0].table
    keys = [table.item(r, 0).text() for r in range(table.rowCount())]
    assert any("Ctrl+Shift+P" in k for k in keys) and any("F1" in k for k in keys)
    about = dialogs[1].findChild(type(window.reader_pane.viewer), "about").toPlainText()
    assert "SHA-256" in about and "A/RES/77/20" in about
    assert "all-MiniLM-L6-v2" in about and "Apache License 2.0" in about
    for d in dialogs:
        d.close()


def test_every_action_is_in_its_menu_and_answers_its_keys(qtbot, window):
    menus = {m.title(): m for m in window.menuBar().findChildren(QMenu) if m.title()}
    fired: list[str] = []
    for spec in shortcuts.ACTIONS:
        action = window.actions_by_name[spec.name]
        assert action in menus[spec.menu].actions(), spec.name
        # Replace the handler by a recorder: the key must reach this very action.
        action.triggered.disconnect()
        action.triggered.connect(lambda _=False, name=spec.name: fired.append(name))
        action.setEnabled(True)
    window.search_pane.results_view.setFocus()
    for spec in shortcuts.ACTIONS:
        for key in spec.keys:
            fired.clear()
            QTest.keySequence(window.search_pane.results_view, QKeySequence(key))
            assert fired == [spec.name], (spec.name, key, fired)
    keyless = {s.name for s in shortcuts.ACTIONS if not s.keys}
    assert keyless == {
        "remove_document",
        "cite_short",
        "cite_full",
        "follow_system",
        "about",
        # The Brief menu's entries (the pin key and Ctrl+P on the pane are the fast ways).
        "new_brief",
        "open_brief",
        "rename_brief",
        "export_brief",
        "print_brief",
        "copy_brief",
    }


# -- copying what is selected (issue 12) ---------------------------------------------


def _clipboard() -> tuple[str, str]:
    mime = QGuiApplication.clipboard().mimeData()
    return mime.text(), mime.html()


def test_copy_takes_the_highlighted_result_not_the_open_passage(qtbot, window, search_for):
    search_for(window, "maritime piracy")
    QTest.keyClick(window.search_pane.field, Qt.Key.Key_Return)
    opened = window.reader_pane.reader.passage["id"]
    search_for(window, "counter-terrorism")
    QTest.keyClick(window.search_pane.field, Qt.Key.Key_Down)
    highlighted = window.search_pane.current_hit().passage_id
    assert highlighted != opened
    QTest.keyClick(
        window.search_pane.field,
        Qt.Key.Key_C,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    text, html = _clipboard()
    assert text == window.library.citation(highlighted)
    assert html == window.library.citation_html(highlighted)
    assert window.reader_pane.citation_label.full_text() == text
    # The right-click menu of a result acts on that result.
    menu = window.selection.results_menu(0)
    first = window.search_pane.current_hit().passage_id
    names = [a.objectName() for a in menu.actions()]
    assert names == ["copy_citation", "copy_passage", "", "pin"]
    menu.actions()[1].trigger()
    text, html = _clipboard()
    assert text.startswith("“" + window.library.passage(first)["text"][:40])
    assert text.endswith("\n— " + window.library.citation(first))
    assert "<i>" in html or "<p" in html
    menu.close()


def _paragraph_point(window, passage_id: str):
    viewer = window.reader_pane.viewer
    block = viewer.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            if passage_anchor(passage_id) in it.fragment().charFormat().anchorNames():
                cursor = QTextCursor(block)
                cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
                viewer.setTextCursor(cursor)
                viewer.ensureCursorVisible()
                return viewer.cursorRect(cursor).center() - QPoint(20, 0)
            it += 1
        block = block.next()
    raise AssertionError(f"{passage_id} is not shown")


def test_clicking_a_viewer_paragraph_selects_it_for_copying(qtbot, window):
    window.reader_pane.reader.open_passage("a-res-77-20:op1")
    window.reader_pane.viewer.setTextCursor(QTextCursor(window.reader_pane.viewer.document()))
    point = _paragraph_point(window, "a-res-77-20:op17a")
    QTest.mouseClick(window.reader_pane.viewer.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert window.reader_pane.selected_id == "a-res-77-20:op17a"
    assert window.reader_pane.citation_label.full_text() == "A/RES/77/20, para. 17(a)"
    window.actions_by_name["copy_citation"].trigger()
    assert _clipboard()[0] == "A/RES/77/20, para. 17(a)"
    # Full style, for every copy action.
    window.actions_by_name["cite_full"].trigger()
    assert window.settings.citation_style == "full"
    window.actions_by_name["copy_citation"].trigger()
    full = "General Assembly resolution 77/20 of 21 November 2022, para. 17(a)"
    assert _clipboard()[0] == full
    assert window.reader_pane.citation_label.full_text() == full
    # A selection inside the paragraph: quoted with that paragraph's citation.
    viewer = window.reader_pane.viewer
    viewer.moveCursor(QTextCursor.MoveOperation.Start)
    assert viewer.find("communications system, which enables")
    menu = window.selection.viewer_menu()
    assert [a.objectName() for a in menu.actions()] == [
        "copy_citation",
        "copy_passage",
        "copy_selection",
        "",
        "pin",
    ]
    menu.actions()[2].trigger()
    menu.close()
    assert _clipboard()[0] == f"“communications system, which enables”\n— {full}"
    window.actions_by_name["cite_short"].trigger()


def test_the_open_document_resolves_shorthand_and_notices_show(qtbot, window, search_for):
    window.reader_pane.reader.open_document("a-res-77-20")
    search_for(window, "OP 17")
    assert window.search_pane.results_model.hit(0).passage_id == "a-res-77-20:op17"
    search_for(window, "OP 30")
    notice = window.search_pane.notice_label
    assert notice.isVisible()
    assert notice.text() == "A/RES/77/20 has no operative paragraph 30 (operative paragraphs 1–20)."
    search_for(window, "piracy")
    assert not notice.isVisible()


def test_web_pages_show_paragraph_numbers_and_catalog_notes(window):
    window.reader_pane.reader.open_passage("united-nations:s7.p1")
    html = window.reader_pane.reader.html
    assert "it still names DPKO" in window.reader_pane.viewer.toPlainText()
    number = window.library.passage("united-nations:s7.p1")["number"]
    anchor = passage_anchor("united-nations:s7.p1")
    assert f'<a name="{anchor}"></a><span style="color:' in html
    after = html.split(f'<a name="{anchor}"></a>', 1)[1]
    assert after.split("</span>", 1)[0].endswith(f">{number}&nbsp;&nbsp;&nbsp;")


# -- issue 16: the window never fights the officer ------------------------------------

TERM_MARK = "background-color:#ffe27a"


def test_long_titles_never_widen_the_window(qtbot, own_window, tmp_path):
    window = own_window
    title = "Cooperation " + "between the organizations on maritime security " * 8
    page = tmp_path / "long.md"
    page.write_text(
        f"# {title}\n\n## {title[:150]}\n\nThe liaison desk met on kelp piracy twice.\n",
        encoding="utf-8",
    )
    with qtbot.waitSignal(window.flows.job_finished, timeout=60_000):
        assert window.flows.import_paths([page])
    doc_id = window.flows.last_import.document_id
    window.reader_pane.reader.open_passage(
        window.library.document(doc_id)["passages_list"][0]["id"]
    )
    window.search_pane.set_filter("document", doc_id, f"Document: {title}")
    qtbot.wait(50)
    label = window.reader_pane.citation_label
    assert len(label.full_text()) > 300 and label.text().endswith("…")
    # Everything fits the smallest screen the issue names (1024 px wide).
    assert window.minimumSizeHint().width() <= 1024
    window.resize(1024, 600)
    assert window.width() <= 1024
    chip = window.search_pane.chips.chips["document"]
    assert chip.sizeHint().width() < 400


def test_ctrl_u_keeps_the_query_and_raw_source_is_marked_raw(qtbot, window, search_for):
    search_for(window, "piracy")
    QTest.keyClick(window.search_pane.field, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    assert window.search_pane.field.text() == "piracy"
    QTest.keyClick(window.search_pane.field, Qt.Key.Key_Return)
    window.reader_pane.viewer.setFocus()
    QTest.keyClick(
        window.reader_pane.viewer,
        Qt.Key.Key_U,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert window.reader_pane.viewer.source_mode
    assert window.reader_pane.citation_label.full_text().startswith("Raw source text · ")
    block = window.reader_pane.viewer.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            assert not it.fragment().charFormat().fontUnderline()
            it += 1
        block = block.next()
    window.actions_by_name["toggle_source"].trigger()
    assert not window.reader_pane.citation_label.full_text().startswith("Raw")


def test_switching_tree_tabs_does_not_filter(window):
    for name in ("tab_capabilities", "tab_themes", "tab_un"):
        window.actions_by_name[name].trigger()
        assert window.search_pane.controller.filters == (), name


def test_choosing_a_document_clears_an_entity_filter_it_cannot_meet(window):
    lib = window.library
    pairs = (
        (e["id"], d["id"])
        for e in lib.entity_tree("un")
        if lib.entity_passage_ids(e["id"])
        for d in lib.documents()
        if not {p["id"] for p in lib.document(d["id"])["passages_list"]}
        & lib.entity_passage_ids(e["id"])
    )
    entity_id, doc_id = next(pairs)
    assert window.tree_pane.select("un", f"entity:{entity_id}")
    assert window.search_pane.controller.filter("entity") is not None
    assert window.tree_pane.select("documents", f"doc:{doc_id}")
    assert window.search_pane.controller.filter("entity") is None
    assert window.search_pane.results_model.rowCount() > 0


def test_following_an_entity_in_the_text_clears_the_query(qtbot, window, search_for):
    search_for(window, "piracy")
    QTest.keyClick(window.search_pane.field, Qt.Key.Key_Return)
    window.reader_pane.viewer.entity_link.emit("unodc")
    assert window.search_pane.field.text() == ""
    assert window.search_pane.controller.filter("entity").value == "unodc"
    qtbot.waitUntil(lambda: window.search_pane.results_model.rowCount() > 0)


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Down])
def test_enter_or_down_in_the_tree_filter_selects(window, key):
    window.tree_pane.show_tab("un")
    window.tree_pane.filter_field.setFocus()
    QTest.keyClicks(window.tree_pane.filter_field, "UNODC")
    QTest.keyClick(window.tree_pane.filter_field, key)
    assert window.tree_pane.current_view().hasFocus()
    assert window.search_pane.controller.filter("entity").value == "unodc"


def test_a_sub_paragraph_opens_at_its_lead_in(window):
    window.reader_pane.reader.open_passage("a-res-77-20:op17b")
    assert window.reader_pane.reader.anchor == passage_anchor("a-res-77-20:op17")
    assert window.reader_pane.selected_id == "a-res-77-20:op17b"
    viewer = window.reader_pane.viewer
    top = viewer.cursorForPosition(QPoint(5, 5))
    visible = viewer.document().toPlainText()[top.position() :]
    assert "Encourages" in visible.split("INTERPOL databases")[0]


def test_find_says_n_of_m(window):
    window.reader_pane.reader.open_document("a-res-77-20")
    text = window.reader_pane.viewer.document().toPlainText()
    total = text.lower().count("interpol")
    pane = window.reader_pane
    window.actions_by_name["find"].trigger()
    pane.find_bar.field.setText("INTERPOL")
    window.actions_by_name["find_next"].trigger()
    assert pane.find_bar.status.text() == f"1 of {total}"
    window.actions_by_name["find_next"].trigger()
    assert pane.find_bar.status.text() == f"2 of {total}"
    rect = pane.viewer.cursorRect()
    assert rect.bottom() < pane.viewer.viewport().height() - rect.height()


def test_esc_clears_the_previous_search_marks(qtbot, window, search_for):
    search_for(window, "piracy")
    QTest.keyClick(window.search_pane.field, Qt.Key.Key_Return)
    assert TERM_MARK in window.reader_pane.reader.html
    window.search_pane.field.setFocus()
    QTest.keyClick(window.search_pane.field, Qt.Key.Key_Escape)
    assert TERM_MARK not in window.reader_pane.reader.html


def test_operative_paragraphs_include_their_sub_paragraphs(window, search_for):
    op = next(a for a in window.search_pane.kind_actions if a.data() == "operative")
    op.trigger()
    search_for(window, "INTERPOL databases")
    model = window.search_pane.results_model
    kinds = {model.hit(r).kind for r in range(model.rowCount())}
    assert kinds == {"operative", "subparagraph"}
    assert "a-res-77-20:op17b" in {model.hit(r).passage_id for r in range(model.rowCount())}


def test_printing_the_document_with_the_selected_citation(qtbot, window):
    from pypdf import PdfReader

    window.reader_pane.reader.open_passage("a-res-77-20:op17a")
    opened: list[QUrl] = []
    handler = _UrlSink(opened)
    QDesktopServices.setUrlHandler("file", handler, "open")
    try:
        window.reader_pane.viewer.setFocus()
        QTest.keySequence(window.reader_pane.viewer, QKeySequence("Ctrl+P"))
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert len(opened) == 1
    out = Path(opened[0].toLocalFile())
    assert out.parent == paths.prints_dir() and out.name == "a-res-77-20.pdf"
    text = " ".join(page.extract_text() for page in PdfReader(out).pages)
    words = " ".join(text.split())
    assert words.startswith("A/RES/77/20, para. 17(a)")
    assert "INTERPOL I-24/7 global police secure communications system" in words
    assert "print" in {a.objectName() for a in window.menuBar().actions()[0].menu().actions()}
    # No print dialog: the bundle leaves QtPrintSupport out.
    assert "PySide6.QtPrintSupport" not in sys.modules


class _UrlSink(QObject):
    """Receives the file URLs the app asks the desktop to open."""

    def __init__(self, urls: list[QUrl]) -> None:
        super().__init__()
        self.urls = urls

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


def test_tab_leaves_the_viewer_instead_of_walking_its_links(window):
    window.reader_pane.reader.open_passage("a-res-77-20:op1")
    viewer = window.reader_pane.viewer
    viewer.setFocus()
    QTest.keyClick(viewer, Qt.Key.Key_Tab)
    assert not viewer.hasFocus()
    assert not viewer.textCursor().hasSelection()


def test_recent_searches_are_remembered_and_searched_again(qtbot, window, search_for):
    for query in ("maritime piracy", "counter-terrorism", "maritime piracy"):
        search_for(window, query)
        QTest.keyClick(window.search_pane.field, Qt.Key.Key_Return)
    assert window.settings.recent_searches[:2] == ["maritime piracy", "counter-terrorism"]
    menu = window.search_pane.recent_menu(window.settings.recent_searches)
    assert [a.text() for a in menu.actions()][:2] == ["maritime piracy", "counter-terrorism"]
    menu.actions()[1].trigger()
    menu.close()
    assert window.search_pane.field.text() == "counter-terrorism"
    assert window.search_pane.controller.last_state.query == "counter-terrorism"


def test_every_control_has_an_accessible_name(window):
    from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QLineEdit, QTextEdit

    window.search_pane.set_filter("kind", "operative", "Operative paragraphs")
    for cls in (QAbstractButton, QLineEdit, QAbstractItemView, QTextEdit):
        for widget in window.findChildren(cls):
            if (
                widget.isHidden()
                or widget.objectName().startswith("qt_")
                or (widget.parent() is not None and widget.parent().inherits("QLineEdit"))
            ):
                continue  # Qt's own parts: line edits' clear buttons, the menu bar's » button
            name = widget.accessibleName() or getattr(widget, "text", lambda: "")()
            assert any(c.isalpha() for c in name), (cls.__name__, widget.objectName(), name)


def test_date_filter_like_the_cli(window, search_for):
    search_for(window, "cooperation")
    assert window.search_pane.apply_dates("2022-01-01", "2022-12-31")
    model = window.search_pane.results_model
    assert model.rowCount() > 0
    assert {model.hit(r).document_id for r in range(model.rowCount())} == {"a-res-77-20"}
    assert window.search_pane.chips.chips["date"].text().startswith("Dates: 2022-01-01")
    assert not window.search_pane.apply_dates("21/11/2022", "")
    assert "Not a date range" in window.statusBar().currentMessage()
    assert window.search_pane.apply_dates("", "")
    assert window.search_pane.controller.filter("date") is None


def test_a_squeezed_layout_is_never_saved(make_window):
    window = make_window(persist=True)
    window.splitter.setSizes([40, 40, 600])
    squeezed = window.splitter.sizes()
    assert min(squeezed) < 120
    window.close()
    assert Settings().splitter_sizes != squeezed


def _marked_runs(window) -> list[str]:
    """Return the runs of text the viewer shows marked as search terms, in order."""
    runs: list[str] = []
    block = window.reader_pane.viewer.document().begin()
    while block.isValid():
        current = ""
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.charFormat().background().color().name() == TERM_MARK.split(":")[1]:
                current += fragment.text()
            elif current:
                runs.append(current)
                current = ""
            it += 1
        if current:
            runs.append(current)
        block = block.next()
    return runs


def test_an_acronym_marks_only_its_entity_in_the_viewer(qtbot, window, search_for):
    search_for(window, "UNODC")
    model = window.search_pane.results_model
    row = next(r for r in range(model.rowCount()) if model.hit(r).passage_id.endswith(":op14"))
    window.search_pane.results_view.setCurrentIndex(model.index(row, 0))
    QTest.keyClick(window.search_pane.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.reader_pane.reader.passage is not None)
    assert window.reader_pane.reader.passage["id"] == "a-res-77-20:op14"
    runs = _marked_runs(window)
    assert "United Nations Office on Drugs and Crime" in runs
    assert set(runs) == {"United Nations Office on Drugs and Crime"}
    assert window.reader_pane.viewer.toPlainText().count("United Nations") > len(runs)


def test_choosing_the_general_assembly_lists_its_resolution(qtbot, window):
    """Its own resolution's passages, and the passages naming it, as many as the tree says."""
    assert window.tree_pane.select("un", "entity:general_assembly")
    model = window.search_pane.results_model
    qtbot.waitUntil(lambda: model.rowCount() > 0)
    shown = [model.hit(r).passage_id for r in range(model.rowCount())]
    assert "a-res-77-20:op1" in shown  # names no organ: there as part of the GA's resolution
    assert "united-nations:s1.p1" in shown  # names the GA
    node = window.tree_pane.current_view().currentIndex().data(NODE_ROLE)
    assert node.ref == "general_assembly"
    assert node.count == len(window.library.entity_passage_ids("general_assembly")) > 8
    assert len(shown) == min(node.count, RESULT_LIMIT)


def test_status_messages_expire(qtbot, library, theme):
    settings = Settings()
    settings.status_timeout_ms = 300
    window = MainWindow(library, Settings(), theme)
    qtbot.addWidget(window)
    window.show()
    bar = window.statusBar()
    # A message asking for 3 s (nothing to copy) and one asking for no timeout at all.
    window.selection.copy_citation()
    assert bar.currentMessage() == "Select a result or a passage first."
    qtbot.waitUntil(lambda: bar.currentMessage() == "", timeout=2000)
    window.reader_pane.message.emit("Footnote 1: old news", 0)
    assert bar.currentMessage() == "Footnote 1: old news"
    qtbot.waitUntil(lambda: bar.currentMessage() == "", timeout=2000)
    # Work under way stays while it is under way.
    window.status_bar.show_lasting("Importing a.pdf (1 of 2)…")
    qtbot.wait(600)
    assert bar.currentMessage() == "Importing a.pdf (1 of 2)…"
