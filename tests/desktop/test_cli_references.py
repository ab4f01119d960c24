"""``liaison refs``, ``cited-by`` and ``compare`` on a temp data folder, with imported documents.

A later version of 77/20 (A/RES/79/15) is made by editing its text (tests/helpers/editing.py):
the "successor" comparison fixture plus rewording enough paragraphs that today's duplicate
check (80 % of passages shared) does not refuse it as a near-duplicate of 77/20.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from db.reading import Library
from desktop.cli import cli
from tests.helpers.editing import BRIEFING, edited_resolution, successor_edits


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """A data folder whose library holds the successor resolution and a briefing note."""
    root = tmp_path_factory.mktemp("refs-cli")
    successor = root / "successor.txt"
    successor.write_text(edited_resolution(successor_edits()).text, encoding="utf-8")
    briefing = root / "briefing.md"
    briefing.write_text(BRIEFING, encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["--data-dir", str(root / "data"), "import", str(successor), str(briefing), "--json"],
        catch_exceptions=False,
    )
    reports = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["status"] for r in reports] == ["imported", "imported"], reports
    return root / "data", reports


@pytest.fixture
def run(data):
    def _run(*args: str):
        result = CliRunner().invoke(cli, ["--data-dir", str(data[0]), *args])
        return result.exit_code, result.stdout, result.stderr

    return _run


def test_refs_json_contract_on_the_bundled_resolution(run):
    code, out, _ = run("refs", "a-res-77-20", "--json")
    assert code == 0
    rows = json.loads(out)
    assert len(rows) == 18
    for r in rows:
        assert {
            "passage_id",
            "text",
            "target",
            "in_library",
            "target_document_id",
            "target_passage_id",
        } <= set(r)
    first = rows[0]
    assert first["passage_id"] == "a-res-77-20:pp1"
    assert first["text"] == "resolution 51/1 of 15 October 1996"
    assert (first["target"], first["in_library"], first["target_document_id"]) == (
        "A/RES/51/1",
        False,
        None,
    )
    assert {r["target"] for r in rows} >= {"E/RES/2019/19", "A/DEC/60/519", "A/60/88/Corr.2"}


def test_paragraph_reference_resolves_to_the_paragraph(run, data):
    briefing_id = data[1][1]["document_id"]
    code, out, _ = run("refs", briefing_id, "--json")
    assert code == 0
    rows = {r["target"]: r for r in json.loads(out)}
    para = rows["A/RES/77/20"]
    assert para["text"] == "resolution 77/20, para. 12"
    assert para["in_library"] is True
    assert para["target_document_id"] == "a-res-77-20"
    assert para["target_passage_id"] == "a-res-77-20:op12"
    assert rows["S/RES/2178 (2014)"]["in_library"] is False
    assert rows["A/79/150"]["target_passage_id"] is None
    # ... and the paragraph shows who cites it.
    code, out, _ = run("cited-by", "a-res-77-20:op12", "--json")
    assert [r["passage_id"] for r in json.loads(out)] == [para["passage_id"]]


def test_successor_cites_its_predecessor(run):
    code, out, _ = run("refs", "a-res-79-15", "--json")
    assert code == 0
    to_77_20 = [r for r in json.loads(out) if r["target"] == "A/RES/77/20"]
    assert [(r["passage_id"], r["text"], r["target_document_id"]) for r in to_77_20] == [
        ("a-res-79-15:pp1", "77/20 of 21 November 2022", "a-res-77-20")
    ]


@pytest.mark.parametrize("typed", ["A/RES/77/20", "77/20", "resolution 77/20", "a-res-77-20"])
def test_cited_by_any_spelling(run, data, typed):
    code, out, _ = run("cited-by", typed, "--json")
    assert code == 0
    cited_in = {r["passage_id"] for r in json.loads(out)}
    briefing_id = data[1][1]["document_id"]
    assert {"a-res-79-15:pp1"} | {p for p in cited_in if p.startswith(briefing_id)} == cited_in
    assert len(cited_in) == 2


def test_cited_by_a_symbol_not_in_the_library(run):
    code, out, _ = run("cited-by", "S/RES/1950(2010)", "--json")
    assert code == 0
    assert [r["passage_id"] for r in json.loads(out)] == ["united-nations:s7.p2"]
    code, out, _ = run("cited-by", "S/RES/1950 (2010)")
    assert code == 0 and "Maritime piracy" in out and "not in library" in out
    code, out, _ = run("cited-by", "99/99")
    assert code == 0 and out.strip() == "Nothing in the library cites 99/99."


def test_compare_json_contract(run):
    code, out, _ = run("compare", "a-res-77-20", "a-res-79-15", "--json")
    assert code == 0
    rows = json.loads(out)
    for r in rows:
        assert {"old", "new", "change", "diff"} <= set(r)
        assert r["change"] in {"same", "renumbered", "changed", "moved", "added", "dropped"}
    by_old = {r["old"]: r for r in rows if r["old"]}
    assert by_old["a-res-77-20:op12"]["new"] == "a-res-79-15:op12"
    assert by_old["a-res-77-20:op12"]["change"] == "changed"
    assert any(
        s["op"] == "insert" and "public health emergencies" in s["text"]
        for s in by_old["a-res-77-20:op12"]["diff"]
    )
    assert by_old["a-res-77-20:op14"] | {"diff": None} == by_old["a-res-77-20:op14"]
    assert (by_old["a-res-77-20:op14"]["new"], by_old["a-res-77-20:op14"]["change"]) == (
        "a-res-79-15:op16",
        "moved",
    )
    assert (by_old["a-res-77-20:op5"]["new"], by_old["a-res-77-20:op5"]["change"]) == (
        None,
        "dropped",
    )
    assert by_old["a-res-77-20:op6"]["change"] == "renumbered"
    assert by_old["a-res-77-20:pp2"]["change"] == "changed"
    added = [r["new"] for r in rows if r["change"] == "added"]
    assert added == ["a-res-79-15:pp24", "a-res-79-15:op8", "a-res-79-15:op17e"]
    for r in rows:
        if r["change"] == "added":
            assert r["old"] is None and r["diff"] is None
    # The edited text has no footnotes: each of 77/20's is reported dropped, none lost.
    assert sum(r["change"] == "dropped" and ":fn" in r["old"] for r in rows) == 8


def test_compare_proposes_the_predecessor(run):
    code, out, _ = run("compare", "a-res-79-15", "--json")
    assert code == 0
    assert out == run("compare", "a-res-77-20", "a-res-79-15", "--json")[1]


def test_compare_readable_and_markdown(run):
    code, out, _ = run("compare", "a-res-77-20", "a-res-79-15")
    assert code == 0
    assert out.startswith("a-res-79-15 compared with a-res-77-20: ")
    assert "[-seventy-ninth-]{+eighty-first+}" in out
    assert "MOVED      a-res-77-20:op14 → a-res-79-15:op16" in out
    code, md, _ = run("compare", "a-res-77-20", "a-res-79-15", "--markdown")
    assert code == 0
    assert md.startswith("# A/RES/79/15 compared with A/RES/77/20\n")
    assert "## A/RES/79/15, para. 12 (changed)" in md
    assert "Was A/RES/77/20, para. 5: ~~" in md


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("refs", "no-such-doc"), "liaison: error: no document with id 'no-such-doc'\n"),
        (("compare", "a-res-77-20", "nope"), "liaison: error: no document with id 'nope'\n"),
        (
            ("compare", "a-res-77-20"),
            "liaison: error: no earlier document on the same agenda item as a-res-77-20\n",
        ),
        (("cited-by", "maritime piracy"), "liaison: error: 'maritime piracy' is not a document"),
    ],
)
def test_errors_are_one_line(run, args, message):
    code, out, err = run(*args)
    assert code == 1
    assert out == ""
    assert err.startswith(message) and err.count("\n") == 1


def test_new_since_marks_for_the_viewer(data):
    with Library(data[0] / "store") as lib:
        marks = lib.new_since("a-res-79-15")
        assert marks == lib.new_since("a-res-79-15", "a-res-77-20")
        assert lib.new_since("a-res-77-20") == {}
    assert marks["a-res-79-15:op8"] == "added"
    assert marks["a-res-79-15:op12"] == "changed"
    assert marks["a-res-79-15:op16"] == "moved"
    assert "a-res-79-15:op13" not in marks  # the same words
    assert set(marks.values()) == {"added", "changed", "moved"}
