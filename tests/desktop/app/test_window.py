"""The real window over the real store, driven with pytest-qt."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMenu

from desktop.app import shortcuts
from desktop.app.settings import Settings
from desktop.app.viewer import passage_anchor
from desktop.app.window import MainWindow

# The offscreen platform plugin says so whenever a window with a menu bar is shown.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (propagateSizeHints|raise)")


def test_starts_focused_on_search_with_a_hint(window):
    assert window.search_pane.field.hasFocus()
    assert window.search_pane.results_stack.currentWidget() is window.search_pane.empty_label
    assert "Type a few words" in window.search_pane.empty_label.text()
    assert (
        "documents" in window.status_bar.summary_label.text()
        and "passages" in window.status_bar.summary_label.text()
    )


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


def test_back_and_forward(window):
    window.reader_pane.reader.open_passage("a-res-77-20:op1")
    window.reader_pane.reader.open_passage("united-nations:s7.p1")
    assert window.actions_by_name["back"].isEnabled()
    window.actions_by_name["back"].trigger()
    assert window.reader_pane.reader.passage["id"] == "a-res-77-20:op1"
    assert window.actions_by_name["forward"].isEnabled()
    window.actions_by_name["forward"].trigger()
    assert window.reader_pane.reader.passage["id"] == "united-nations:s7.p1"


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
    assert "SCOWL" in about and "Kevin Atkinson" in about
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


# -- issue 16: the window never fights the officer ------------------------------------


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
