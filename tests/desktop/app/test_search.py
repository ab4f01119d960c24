"""The search controller: debounced, generation-tagged searches over the real store."""

from __future__ import annotations

from desktop.app.search import SearchController, SearchState


def test_stale_generation_never_overwrites(qtbot, library):
    controller = SearchController(library)
    seen: list[SearchState] = []
    controller.results_ready.connect(seen.append)
    controller.set_query("piracy")
    old = controller.execute(controller.generation, "piracy", ())
    controller.set_query("counter-terrorism")
    assert controller.deliver(old) is False
    controller.run_now()
    assert [s.query for s in seen] == ["counter-terrorism"]


def test_debounce_waits_for_a_pause(qtbot, library):
    controller = SearchController(library)
    seen: list[SearchState] = []
    controller.results_ready.connect(seen.append)
    for text in ("p", "pi", "pir", "piracy"):
        controller.set_query(text)
    assert seen == []
    qtbot.waitUntil(lambda: len(seen) == 1, timeout=2000)
    assert seen[0].query == "piracy"


def test_context_document_and_notice_reach_the_state(library):
    controller = SearchController(library)
    controller.context_document = "a-res-77-20"
    state = controller.execute(1, "OP 17(a)", ())
    assert state.hits[0].passage_id == "a-res-77-20:op17a"
    missing = controller.execute(2, "OP 30", ())
    assert missing.notice is not None and "no operative paragraph 30" in missing.notice
