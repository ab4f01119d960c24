"""The window's geometry: restored, never wider than the screen, a squeezed layout never saved."""

from __future__ import annotations

import pytest

from desktop.app.settings import Settings

# The offscreen platform plugin says so whenever a window with a menu bar is shown.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (propagateSizeHints|raise)")


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


def test_a_squeezed_layout_is_never_saved(make_window):
    window = make_window(persist=True)
    window.splitter.setSizes([40, 40, 600])
    squeezed = window.splitter.sizes()
    assert min(squeezed) < 120
    window.close()
    assert Settings().splitter_sizes != squeezed


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
