"""The status bar's messages expire: none outlives the bar's timeout, work under way stays."""

from __future__ import annotations

from desktop.app.status import StatusBar


def test_no_message_outlives_the_timeout(qtbot):
    bar = StatusBar(200)
    qtbot.addWidget(bar)
    for asked in (0, 60_000):
        bar.showMessage(f"asked {asked} ms", asked)
        assert bar.currentMessage() == f"asked {asked} ms"
        qtbot.waitUntil(lambda: bar.currentMessage() == "", timeout=1500)


def test_work_under_way_stays_until_replaced(qtbot):
    bar = StatusBar(100)
    qtbot.addWidget(bar)
    bar.show_lasting("Importing a.pdf (1 of 2)…")
    qtbot.wait(300)
    assert bar.currentMessage() == "Importing a.pdf (1 of 2)…"
    bar.showMessage("Imported a.pdf.")
    qtbot.waitUntil(lambda: bar.currentMessage() == "", timeout=1500)
