"""Comparison of two resolutions (db/compare.py) against fixtures made by editing 77/20."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from db.compare import CHANGES, align, propose_predecessor, summary, to_markdown, word_diff
from db.parse import parse_text
from tests.helpers.editing import ORIGINAL, edited_resolution

FIXTURES = Path(__file__).resolve().parent.parent / "data" / "compare_fixtures.toml"
ALIGNED = ("preambular", "operative", "subparagraph")


def _fixtures() -> list[dict]:
    return tomllib.loads(FIXTURES.read_text(encoding="utf-8"))["fixture"]


def _passages(text: str) -> list[dict]:
    return [
        {"id": p.local_id, "kind": p.kind, "number": p.number, "text": p.text}
        for p in parse_text(text).passages
        if p.kind in ALIGNED
    ]


def _scores(got: set, want: set) -> tuple[float, float]:
    hit = len(got & want)
    return hit / len(got) if got else 1.0, hit / len(want) if want else 1.0


def _run(fixture: dict) -> tuple[set, set]:
    edited = edited_resolution(fixture["edits"])
    want = {(o or None, n or None, c) for o, n, c in fixture["expected"]}
    # The written-down alignment is the one the edits imply (the file is not stale).
    assert want == set(edited.expected), fixture["name"]
    old = _passages(ORIGINAL.read_text(encoding="utf-8"))
    pairs = align(old, _passages(edited.text))
    got = {(p.old, p.new, p.change) for p in pairs}
    return got, want


def test_alignment_precision_and_recall():
    totals = {"pairs": [set(), set()], "changes": [set(), set()]}
    print()
    for f in _fixtures():
        got, want = _run(f)
        scores = []
        for key, g, w in (
            ("pairs", {x[:2] for x in got}, {x[:2] for x in want}),
            ("changes", got, want),
        ):
            totals[key][0] |= {(f["name"], *x) for x in g}
            totals[key][1] |= {(f["name"], *x) for x in w}
            scores.append(_scores(g, w))
        (pp, pr), (cp, cr) = scores
        print(
            f"{f['name']:<14} pairs P {pp:.3f} R {pr:.3f}   change types P {cp:.3f} R {cr:.3f}"
            f"   ({len(want)} expected)"
        )
        assert min(pp, pr, cp, cr) >= 0.95, (f["name"], sorted(got - want), sorted(want - got))
    (pp, pr), (cp, cr) = (_scores(*totals["pairs"]), _scores(*totals["changes"]))
    n = len(totals["changes"][1])
    print(f"{'all':<14} pairs P {pp:.3f} R {pr:.3f}   change types P {cp:.3f} R {cr:.3f}   ({n})")
    assert min(pp, pr, cp, cr) >= 0.95


def test_every_change_kind_is_exercised():
    kinds = {c for f in _fixtures() for _o, _n, c in f["expected"]}
    assert kinds == set(CHANGES)


def test_successor_details():
    fixture = next(f for f in _fixtures() if f["name"] == "successor")
    edited = edited_resolution(fixture["edits"])
    pairs = align(_passages(ORIGINAL.read_text(encoding="utf-8")), _passages(edited.text))
    by_old = {p.old: p for p in pairs if p.old}
    op12 = by_old["op12"]
    assert (op12.new, op12.change) == ("op12", "changed")
    deleted = "".join(s["text"] for s in op12.diff if s["op"] == "delete")
    inserted = "".join(s["text"] for s in op12.diff if s["op"] == "insert")
    assert "COVID" in deleted and "public health emergencies" in inserted
    assert by_old["op14"].change == "moved"
    assert by_old["op5"].new is None and by_old["op5"].change == "dropped"
    # A dropped paragraph is listed where it stood: right after what preceded it.
    order = [p.old for p in pairs]
    assert order.index("op5") == order.index("op4") + 1
    counts = summary(pairs)
    assert counts["added"] == 3 and counts["dropped"] == 3


def test_word_diff_spells_both_texts():
    old = "Requests the Secretary-General to report at its seventy-ninth session;"
    new = "Requests the Secretary-General to report at its eighty-first session;"
    diff = word_diff(old, new)
    assert "".join(s["text"] for s in diff if s["op"] != "insert") == old
    assert "".join(s["text"] for s in diff if s["op"] != "delete") == new
    assert [s["text"] for s in diff if s["op"] == "delete"] == ["seventy-ninth"]


def test_identical_documents_are_all_same():
    old = _passages(ORIGINAL.read_text(encoding="utf-8"))
    pairs = align(old, old)
    assert {p.change for p in pairs} == {"same"}
    assert len(pairs) == len(old)


def test_markdown_export():
    fixture = next(f for f in _fixtures() if f["name"] == "successor")
    edited = edited_resolution(fixture["edits"])
    pairs = align(_passages(ORIGINAL.read_text(encoding="utf-8")), _passages(edited.text))
    md = to_markdown(pairs, old_label="A/RES/77/20", new_label="A/RES/79/15")
    assert md.startswith("# A/RES/79/15 compared with A/RES/77/20\n")
    assert "~~seventy-ninth~~ **eighty-first**" in md
    assert "## para. 8 (added)" in md
    assert "## para. 5 (dropped)" in md
    assert "## preambular para. 24 (dropped)" in md
    assert "~~the COVID-19 pandemic~~ **pandemics and other public health emergencies**" in md
    assert "(same)" not in md


def _doc(doc_id, date, title, agenda_title, kind="resolution", item="127 (y)"):
    return {
        "id": doc_id,
        "kind": kind,
        "date": date,
        "title": title,
        "meta": {"agenda_title": agenda_title, "agenda_item": item},
    }


INTERPOL = (
    "Cooperation between the United Nations and the International Criminal Police Organization"
)
AGENDA = "Cooperation between the United Nations and regional and other organizations"


@pytest.mark.parametrize("swap", [False, True])
def test_predecessor_is_the_latest_earlier_resolution_on_the_item(swap):
    docs = [
        _doc("a-res-75-10", "2020-11-23", INTERPOL, AGENDA),
        _doc("a-res-77-20", "2022-11-21", INTERPOL + " (INTERPOL)", AGENDA, item="127 (y)"),
        _doc("a-res-77-5", "2022-11-01", "Cooperation with the African Union", AGENDA),
        _doc("a-res-79-15", "2024-12-02", INTERPOL + " (INTERPOL)", AGENDA, item="128 (y)"),
        _doc("webpage", "2021-01-01", INTERPOL, AGENDA, kind="webpage"),
    ]
    if swap:
        docs.reverse()
    new = next(d for d in docs if d["id"] == "a-res-79-15")
    assert propose_predecessor(new, docs) == "a-res-77-20"
    assert propose_predecessor(docs[0] if not swap else docs[-1], docs) is None


_WORDS = ["cooperation", "INTERPOL", "United", "Nations", "crime", "Calls", "upon", "States", "the"]
_PASSAGE = st.builds(
    lambda kind, words: {"kind": kind, "text": " ".join(words)},
    st.sampled_from(["preambular", "operative", "subparagraph", "footnote", "paragraph"]),
    st.lists(st.sampled_from(_WORDS), max_size=12),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_PASSAGE, max_size=15), st.lists(_PASSAGE, max_size=15))
def test_every_passage_appears_once(old, new):
    old = [{**p, "id": f"o{i}", "number": str(i)} for i, p in enumerate(old)]
    new = [{**p, "id": f"n{i}", "number": str(i)} for i, p in enumerate(new)]
    pairs = align(old, new)
    assert sorted(p.old for p in pairs if p.old) == sorted(p["id"] for p in old)
    assert [p.new for p in pairs if p.new] == [p["id"] for p in new]  # in the new order
    for p in pairs:
        assert p.change in CHANGES
        assert (p.old is None) == (p.change == "added")
        assert (p.new is None) == (p.change == "dropped")
        if p.diff is not None:
            assert "".join(s["text"] for s in p.diff if s["op"] != "insert") == p.old_text
            assert "".join(s["text"] for s in p.diff if s["op"] != "delete") == p.new_text
