"""``liaison brief …``: the command names and JSON other tools depend on, exports, errors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pypdf
import pytest
from click.testing import CliRunner

from db import paths
from db.briefs import Briefs
from desktop.cli import cli
from tests.helpers.briefs import pin_then_change_library
from tests.helpers.briefs_export import flat

LIAISON = Path(sys.executable).parent / "liaison"


@pytest.fixture
def data(built_store: Path) -> Path:
    """The test's data folder, holding a copy of the session's store (nothing to build)."""
    shutil.copytree(built_store, paths.store_dir())
    return paths.data_dir()


@pytest.fixture
def run(data: Path):
    """Run the CLI in-process; returns (exit_code, stdout, stderr)."""

    def _run(*args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    return _run


def test_new_add_note_remove_show_json_contract(run, library) -> None:
    assert run("brief", "new", "Vienna, UNODC")[0] == 0
    code, out, _ = run("brief", "add", "Vienna, UNODC", "a-res-77-20:op17a", "--note", "ask")
    assert code == 0 and out == "Pinned A/RES/77/20, para. 17(a) as item 1 of 'Vienna, UNODC'\n"
    assert run("brief", "add", "vienna, unodc", "a-res-77-20:pp2")[0] == 0
    assert run("brief", "add", "Vienna, UNODC", "united-nations:s1.p1")[0] == 0
    assert run("brief", "note", "Vienna, UNODC", "2", "Treaty, footnote 1")[0] == 0
    assert run("brief", "remove", "Vienna, UNODC", "3")[0] == 0
    code, out, _ = run("brief", "show", "Vienna, UNODC", "--json")
    assert code == 0
    shown = json.loads(out)
    assert {"name", "notes", "items"} <= set(shown)
    assert shown["name"] == "Vienna, UNODC" and shown["notes"] == ""
    for item in shown["items"]:
        assert {"passage_id", "text", "citation", "note", "status"} <= set(item)
        assert item["status"] in {"ok", "changed", "removed"}
    assert [
        (i["passage_id"], i["text"], i["citation"], i["note"], i["status"]) for i in shown["items"]
    ] == [
        (
            pid,
            library.passage(pid)["text"],
            library.passage(pid)["citation"],
            note,
            "ok",
        )
        for pid, note in (("a-res-77-20:op17a", "ask"), ("a-res-77-20:pp2", "Treaty, footnote 1"))
    ]


def test_show_and_export_in_the_full_style(run, library, tmp_path) -> None:
    run("brief", "new", "Styled")
    run("brief", "add", "Styled", "a-res-77-20:op17a")
    _, out, _ = run("brief", "show", "Styled", "--json", "--style", "full")
    (item,) = json.loads(out)["items"]
    assert item["citation"] == library.citation("a-res-77-20:op17a", style="full")
    assert item["citation"].startswith("General Assembly resolution 77/20 of 21 November 2022")
    target = tmp_path / "styled.md"
    assert (
        run("brief", "export", "Styled", "--format", "md", "-o", str(target), "--style", "full")[0]
        == 0
    )
    assert f"— {item['citation']}" in target.read_text(encoding="utf-8")
    assert run("brief", "show", "Styled", "--style", "harvard")[0] == 2


def test_list_json_and_table(run) -> None:
    code, out, _ = run("brief", "list")
    assert code == 0 and out.startswith("No briefs yet")
    run("brief", "new", "First", "--date", "2026-12-01")
    run("brief", "new", "Second")
    run("brief", "add", "First", "a-res-77-20:op1")
    code, out, _ = run("brief", "list", "--json")
    listed = json.loads(out)
    assert [(b["name"], b["items"]) for b in listed] == [("First", 1), ("Second", 0)]
    assert listed[0]["date"] == "2026-12-01"
    code, out, _ = run("brief", "list")
    assert code == 0 and "First" in out and "Second" in out and "ITEMS" in out


def test_move_rename_delete(run) -> None:
    run("brief", "new", "M")
    for pid in ("a-res-77-20:op1", "a-res-77-20:op2", "a-res-77-20:op3"):
        run("brief", "add", "M", pid)
    assert run("brief", "move", "M", "3", "1")[0] == 0
    assert run("brief", "rename", "M", "Meeting")[0] == 0
    _, out, _ = run("brief", "show", "Meeting", "--json")
    assert [i["passage_id"][-3:] for i in json.loads(out)["items"]] == ["op3", "op1", "op2"]
    assert run("brief", "delete", "Meeting")[1] == "Deleted brief 'Meeting' (3 items)\n"
    assert json.loads(run("brief", "list", "--json")[1]) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["brief", "add", "Nope", "a-res-77-20:op1"], "no brief named 'Nope'"),
        (["brief", "add", "M", "a-res-77-20:op99"], "no passage with id 'a-res-77-20:op99'"),
        (["brief", "add", "M", "a-res-77-20:op1", "--quote", "xyz"], "the quote is not part"),
        (["brief", "new", "m"], "a brief named 'm' already exists"),
        (["brief", "new", "Dated", "--date", "tomorrow"], "'tomorrow' is not a date"),
        (["brief", "note", "M", "2", "x"], "brief 'M' has no item 2 (items 1-1)"),
        (["brief", "remove", "M", "0"], "brief 'M' has no item 0 (items 1-1)"),
        (["brief", "show", "Other", "--json"], "no brief named 'Other'"),
        (
            ["brief", "export", "M", "--format", "md", "-o", "/nonexistent-dir/x.md"],
            "cannot write /nonexistent-dir/x.md",
        ),
    ],
)
def test_errors_are_one_line_exit_1_and_change_nothing(run, args, message) -> None:
    run("brief", "new", "M")
    run("brief", "add", "M", "a-res-77-20:op1", "--note", "kept")
    before = run("brief", "show", "M", "--json")[1]
    code, out, err = run(*args)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith("liaison: error: ") and message in err
    assert run("brief", "show", "M", "--json")[1] == before


def test_usage_errors_exit_2(run) -> None:
    run("brief", "new", "M")
    assert run("brief", "export", "M", "--format", "odt", "-o", "x.odt")[0] == 2
    assert run("brief", "note", "M", "first", "x")[0] == 2


def test_show_marks_changed_and_removed_items(run, data, tmp_path) -> None:
    with Briefs.open() as briefs:
        changed = pin_then_change_library(briefs, tmp_path)
    _, out, _ = run("brief", "show", changed.title, "--json")
    items = json.loads(out)["items"]
    assert [i["status"] for i in items] == ["ok", "changed", "removed"]
    assert items[1]["text"] == changed.changed_pinned_text
    assert items[1]["current_text"] != changed.changed_pinned_text
    assert items[2]["text"] == changed.removed_pinned_text
    _, out, _ = run("brief", "show", changed.title)
    assert "[changed since pinned]" in out and "[no longer in the library]" in out


def test_export_md_docx_pdf_from_the_command_line(data, library, tmp_path) -> None:
    """Real processes: the PDF needs Qt, started offscreen by the command itself."""
    env = {**os.environ, "LIAISON_DATA_DIR": str(data)}
    env.pop("QT_QPA_PLATFORM", None)

    def liaison(*args: str) -> str:
        proc = subprocess.run(
            [str(LIAISON), *args], env=env, capture_output=True, text=True, timeout=120
        )
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    liaison("brief", "new", "Export", "--date", "2026-12-01", "--notes", "Room 4")
    pins = [("a-res-77-20:pp2", None), ("a-res-77-20:op17a", "I-24/7 global police")]
    for pid, quote in pins:
        liaison("brief", "add", "Export", pid, *(["--quote", quote] if quote else []))
    wanted = [(q or library.passage(p)["text"], library.passage(p)["citation"]) for p, q in pins]
    for fmt in ("md", "docx", "pdf"):
        out = tmp_path / f"brief.{fmt}"
        assert liaison("brief", "export", "Export", "--format", fmt, "-o", str(out)) == (
            f"Wrote {out} (2 items)\n"
        )
    md = (tmp_path / "brief.md").read_text(encoding="utf-8")
    paragraphs = [p.text for p in docx.Document(str(tmp_path / "brief.docx")).paragraphs]
    reader = pypdf.PdfReader(str(tmp_path / "brief.pdf"))
    pdf = flat(" ".join(p.extract_text() for p in reader.pages))
    for text, citation in wanted:
        assert f"> {text}\n" in md and citation in md
        assert text in paragraphs and citation in paragraphs
        assert flat(text) in pdf and flat(citation) in pdf
    assert "Room 4" in md and "Room 4" in paragraphs and "Room 4" in pdf


def test_json_is_one_line_whatever_the_note_holds(run) -> None:
    note = "line\u2028separator, next\x85line, para\u2029graph, tab\tand\nnewline"
    run("brief", "new", "Odd")
    run("brief", "add", "Odd", "a-res-77-20:op1", "--note", note)
    _, out, _ = run("brief", "show", "Odd", "--json")
    assert len(out.splitlines()) == 1
    assert json.loads(out)["items"][0]["note"] == note
