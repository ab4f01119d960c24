"""Titles, headings and footnotes that are (or decode to) markup never make a widget open a file.

A property test: hypothesis writes Markdown, HTML and resolution documents whose
title, headings and footnote carry ``<img src=…>`` (plain, entity-encoded, as a
``file://`` URL, as ``//host/share/…``) pointing at canary files outside the data
folder. They are imported through the window, then shown in every widget that
shows document text (citation label, viewer, footnote tooltip, tree rows and
their tooltips, results, filter chips, the remove dialog, import notices, the
status bar), each painted. The kernel (inotify) reports any open of a canary by
Qt's C++ code; the Python audit hook reports any Python open outside the data
folder, resources and the Python/Qt installation.
"""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QHelpEvent, QImage
from PySide6.QtWidgets import QApplication, QMessageBox, QToolTip

from desktop.app.jobs import LibraryJobs
from desktop.app.settings import Settings
from desktop.app.window import MainWindow
from tests.helpers.documents import RESOLUTION
from tests.reliability.file_opens import AVAILABLE, OpenWatch
from tests.reliability.guards import AuditRecorder
from tests.reliability.test_hostile_documents import allowed_roots

pytestmark = [
    pytest.mark.qt_log_ignore("This plugin does not support (propagateSizeHints|raise)"),
    pytest.mark.skipif(not AVAILABLE, reason="file-open watch needs Linux inotify"),
]

CANARIES = ("a.png", "b.png", "c.png", "d.png")
PAGE_TEXT = (
    "The organization and the United Nations work together on border management, "
    "maritime security and the exchange of police information between member countries."
)


def sources(folder: Path) -> st.SearchStrategy[str]:
    """Strings naming a canary file the way a hostile document would."""
    canary = st.sampled_from(CANARIES).map(lambda n: str(folder / n))
    return st.one_of(
        canary,
        canary.map(lambda p: f"file://{p}"),
        canary.map(lambda p: f"//localhost{p}"),
        st.just("//host/share/x.png"),
    )


def payloads(folder: Path) -> st.SearchStrategy[str]:
    """Markup as it would reach a widget once the document's text is decoded."""
    tag = st.sampled_from(
        (
            '<img src="{}">',
            "<img src='{}' width=400 height=300>",
            "<img src={}>",
            '<b>Bold</b> <img src="{}"/>',
            '<table background="{}"><tr><td>cell</td></tr></table>',
            "<p style=\"background-image:url('{}')\">styled</p>",
        )
    )
    words = st.text(alphabet="abcdefghij &;", min_size=0, max_size=12)
    return st.tuples(words, tag, sources(folder), words).map(
        lambda t: f"{t[0]} {t[1].format(t[2])} {t[3]}".strip()
    )


def write_documents(folder: Path, n: int, title: str, heading: str) -> list[Path]:
    """Write a Markdown file, an HTML page (markup entity-encoded) and a resolution."""
    md = folder / f"hostile-{n}.md"
    md.write_text(
        f"# {title}\n\n## {heading}\n\nThe liaison desk met on maritime piracy {n}.\n\n"
        f"### {heading} again\n\nA second paragraph on border management {n}.\n",
        encoding="utf-8",
    )
    page = folder / f"hostile-{n}.html"
    encoded = html.escape(title)
    numeric = "".join(f"&#{ord(c)};" for c in heading)
    page.write_text(
        f"<!DOCTYPE html><html><head><title>{encoded}</title></head><body>"
        f"<h1>{encoded}</h1><p>{PAGE_TEXT} Cooperation on wildlife crime, page {n}.</p>"
        f"<h2>{numeric}</h2><p>{PAGE_TEXT} Joint work on cybercrime, page {n}.</p>"
        "</body></html>",
        encoding="utf-8",
    )
    resolution = folder / f"hostile-{n}-res.txt"
    words = ("kelp", "coral", "tuna", "whale", "otter", "squid", "heron", "lynx", "bison", "ibis")
    unique = " ".join(words[int(d)] for d in f"{n:03d}")
    text = RESOLUTION.replace("zoonotic outbreaks", f"{unique} outbreaks")
    text = text.replace("kelp forest protection", f"{unique} protection")
    text = text.replace("provisional agenda", f"{unique} agenda")
    text = text.replace("wildlife crime", f"{unique} crime")
    text = text.replace("79/999", f"79/{900 + n}").replace("A/79/L.99", f"A/79/L.{n}")
    text = text.replace("Cooperation between the United Nations and the Test Police", title)
    text = text.replace("¹ Resolution 77/20.", f"¹ {heading}")
    resolution.write_text(text, encoding="utf-8")
    return [md, page, resolution]


def paint_tooltip() -> None:
    """Lay out and paint the tooltip on screen, if any (that is when Qt loads images)."""
    for w in QApplication.topLevelWidgets():
        if w.inherits("QTipLabel") and w.isVisible():
            w.grab()


def exercise(window: MainWindow, qtbot, document_ids: list[str]) -> None:
    """Show each document's text in every widget that shows it, painting each."""
    for doc_id in document_ids:
        window.reader_pane.reader.open_document(doc_id, "")
        window.grab()
        doc = window.reader_pane.reader.document
        assert doc is not None
        for p in doc["passages_list"][:3]:
            window.reader_pane.reader.open_passage(p["id"], "")
            window.grab()
        for f in doc.get("footnotes") or []:
            window.reader_pane.viewer.footnote_link.emit(str(f["number"]))
            paint_tooltip()
        # The Documents tree: select the document (a filter chip), hover every row.
        assert window.tree_pane.select("documents", f"doc:{doc_id}")
        window.grab()
        view = window.tree_pane.views["documents"]
        top = view.currentIndex()
        view.expandRecursively(top)
        model = view.model()
        stack = [top]
        while stack:
            index = stack.pop()
            stack.extend(model.index(r, 0, index) for r in range(model.rowCount(index)))
            rect = view.visualRect(index)
            if not rect.isValid() or not view.viewport().rect().contains(rect.center()):
                continue
            pos = rect.center()
            event = QHelpEvent(QEvent.Type.ToolTip, pos, view.viewport().mapToGlobal(pos))
            QApplication.sendEvent(view.viewport(), event)
            paint_tooltip()
        window.actions_by_name["clear_filters"].trigger()
        # The remove question: painted, then cancelled.
        shown: list[str] = []

        def answer(shown: list[str] = shown) -> None:
            box = QApplication.activeModalWidget()
            if isinstance(box, QMessageBox):
                box.grab()
                shown.append(box.text())
                box.button(QMessageBox.StandardButton.Cancel).click()

        QTimer.singleShot(50, answer)
        assert window.flows.remove_document(doc_id) is False
        assert shown, "the remove question was not shown"
    # The title and a heading typed as queries: results, the "no match" line, chips.
    for text in (window.reader_pane.reader.document["title"], "maritime piracy border"):
        window.search_pane.field.setText(text)
        window.search_pane.controller.run_now()
        window.grab()
    QToolTip.hideText()


def test_markup_in_titles_and_headings_never_opens_files(tmp_path_factory, qtbot, theme):
    outside = tmp_path_factory.mktemp("outside")
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.red)
    for name in CANARIES:
        assert image.save(str(outside / name))
    docs = tmp_path_factory.mktemp("documents")
    jobs = LibraryJobs()
    window = MainWindow(None, Settings(), theme, jobs=jobs)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.library_opened, timeout=120_000):
        assert jobs.open()
    counter = iter(range(1, 10_000))
    reports: list = []

    def collect(outcome) -> None:
        reports.extend(outcome.reports)

    jobs.imported.connect(collect)

    live = {"window": window}
    with OpenWatch(outside) as watch:
        # The watch sees opens (a check of the check).
        (outside / CANARIES[0]).read_bytes()
        assert CANARIES[0] in watch.poll()
        watch.opened.clear()

        @settings(
            max_examples=3,
            deadline=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        )
        @given(
            pairs=st.lists(st.tuples(payloads(outside), payloads(outside)), min_size=2, max_size=2)
        )
        def check(pairs: list[tuple[str, str]]) -> None:
            window = live["window"]
            files = [f for t, h in pairs for f in write_documents(docs, next(counter), t, h)]
            with AuditRecorder() as rec:
                with qtbot.waitSignal(window.flows.job_finished, timeout=120_000):
                    assert window.flows.import_paths(files)
                if window.flows.summary_dialog is not None:
                    window.flows.summary_dialog.grab()
                window.grab()
                assert [r.status for r in reports] == ["imported"] * len(files), [
                    r.message for r in reports
                ]
                imported = [str(r.document_id) for r in reports]
                reports.clear()
                exercise(window, qtbot, imported)
            assert watch.poll() == [], pairs
            outside_opens = rec.opened_outside([*allowed_roots(docs), docs])
            assert outside_opens == [], (pairs, outside_opens)

        check()
    # Hypothesis keeps the test function (and what it closes over) until the process ends;
    # it must not keep the window, or Qt objects would outlive the application.
    live.clear()
    jobs.imported.disconnect(collect)
    window.close()
