"""The ``liaison`` command line: the JSON contract, readable output, errors, --data-dir."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from desktop.cli import cli
from tests.helpers import layouts
from tests.helpers.documents import make_pdf


@pytest.fixture
def run(tmp_path):
    """Run the CLI in-process with a private data folder; returns (exit_code, stdout, stderr)."""
    data = tmp_path / "data"

    def _run(*args: str, stdin: str | None = None):
        runner = CliRunner()
        result = runner.invoke(
            cli, ["--data-dir", str(data), *args], input=stdin, catch_exceptions=False
        )
        return result.exit_code, result.stdout, result.stderr

    return _run


def test_documents_json_contract(run):
    code, out, _ = run("documents", "--json")
    assert code == 0
    docs = json.loads(out)
    assert len(docs) == 4
    for d in docs:
        assert {"id", "title", "kind", "symbol", "date", "sources", "passages"} <= set(d)
        for s in d["sources"]:
            assert set(s) == {"file", "sha256"}
    res = next(d for d in docs if d["kind"] == "resolution")
    assert (res["symbol"], res["date"]) == ("A/RES/77/20", "2022-11-21")
    assert sum(len(d["sources"]) for d in docs) == 5


def test_show_json_contract_in_order(run):
    code, out, _ = run("show", "a-res-77-20", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["id"] == "a-res-77-20"
    passages = doc["passages"]
    for p in passages:
        assert {"passage_id", "heading", "number", "kind", "text", "citation", "footnotes"} <= set(
            p
        )
    ops = [p["number"] for p in passages if p["kind"] == "operative"]
    assert ops == [str(n) for n in range(1, 21)]
    assert [p["number"] for p in passages if p["kind"] == "subparagraph"] == [
        "17(a)",
        "17(b)",
        "17(c)",
        "17(d)",
        "17(e)",
    ]
    assert len(doc["footnotes"]) == 8
    assert {"marker", "text"} <= set(doc["footnotes"][0])
    assert doc["footnotes"][0]["marker"] == "¹"


def test_search_json_contract(run):
    code, out, _ = run("search", "maritime piracy", "--json", "--limit", "5")
    assert code == 0
    result = json.loads(out)
    assert set(result) == {"query", "corrected_query", "notice", "hits"}
    assert result["notice"] is None
    hits = result["hits"]
    assert 1 <= len(hits) <= 5
    keys = {
        "passage_id",
        "document_id",
        "document_title",
        "citation",
        "heading",
        "number",
        "text",
        "snippet",
        "score",
    }
    assert all(keys <= set(h) for h in hits)
    assert hits[0]["heading"] == "Maritime piracy"
    assert "**" in hits[0]["snippet"]
    scores = [h["score"] for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert len({h["passage_id"] for h in hits}) == len(hits)


def test_search_batch_mode_one_json_object_per_line(run):
    stdin = "maritime piracy\nI-24/7\n\nsanctions\n77/20 para 30\n"
    code, out, _ = run("search", "--json", "-", stdin=stdin)
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 5
    results = [json.loads(line) for line in lines]
    assert [r["query"] for r in results] == stdin.splitlines()
    assert results[0]["hits"][0]["heading"] == "Maritime piracy"
    assert results[2] == {"query": "", "corrected_query": None, "notice": None, "hits": []}
    assert any("I-24/7" in h["text"] for h in results[1]["hits"])
    # A notice is never lost when there is no hit.
    assert results[4]["hits"] == []
    assert results[4]["notice"] == (
        "A/RES/77/20 has no operative paragraph 30 (operative paragraphs 1–20)."
    )


def test_readable_tables(run):
    code, out, _ = run("documents")
    assert code == 0
    assert out.splitlines()[0].split()[:3] == ["ID", "KIND", "SYMBOL"]
    code, out, _ = run("search", "maritime piracy")
    assert code == 0
    assert "“Maritime piracy”, para. 1" in out.splitlines()[0]
    code, out, _ = run("show", "a-res-77-20")
    assert "[A/RES/77/20, para. 17(a)]" in out
    code, out, _ = run("summary")
    assert code == 0
    passages = int(out.splitlines()[1].split(" passages")[0].split(", ")[-1])
    assert f"{passages} of {passages} passages read by the sentence model" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("show", "nope"), "no document with id 'nope'"),
        (("search", "x", "--document", "nope"), "no document with id 'nope'"),
    ],
)
def test_errors_are_one_line_with_nonzero_exit(run, args, message):
    assert run("build")[0] == 0
    code, out, err = run(*args)
    assert code == 1
    assert out == ""
    assert err.strip() == f"liaison: error: {message}"


def test_usage_errors_exit_2(run):
    code, _, err = run("search", "x", "--limit", "0")
    assert code == 2
    assert "--limit" in err


def test_data_dir_holds_every_written_file(run, tmp_path):
    code, out, _ = run("build")
    assert code == 0
    assert "Built 4 documents, 127 passages, 8 footnotes from 5 files" in out
    written = {p.relative_to(tmp_path).parts[0] for p in tmp_path.rglob("*")}
    assert written == {"data"}
    assert (tmp_path / "data" / "store" / "liaison.sqlite").is_file()
    code, _, err = run("build", "--if-stale")
    assert code == 0 and "up to date" in err


def _commands(group: click.Group, prefix: str = ""):
    for name, cmd in group.commands.items():
        yield f"{prefix}{name}", cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, f"{prefix}{name} ")


def test_every_command_and_option_has_help_text():
    assert cli.help
    for name, cmd in _commands(cli):
        assert cmd.help, f"command {name!r} has no help text"
        for param in cmd.params:
            if isinstance(param, click.Option):
                assert param.help, f"option {param.name!r} of {name!r} has no help text"


def test_console_script_runs_as_a_real_process(tmp_path):
    exe = Path(sys.executable).parent / "liaison"
    env = {**os.environ, "LIAISON_DATA_DIR": str(tmp_path)}
    proc = subprocess.run(
        [str(exe), "search", "--json", "A/RES/77/20 para 17(a)"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    hits = json.loads(proc.stdout)["hits"]
    assert hits
    assert "No store yet" in proc.stderr


def test_search_json_carries_the_corrected_query(run):
    code, out, _ = run("search", "sanctoins comittees", "--json")
    assert code == 0
    result = json.loads(out)
    assert result["hits"][0]["passage_id"] == "united-nations:s3.p1"
    assert result["corrected_query"] == "sanctions committees"
    code, out, _ = run("search", "sanctoins comittees")
    assert out.splitlines()[0] == "Showing results for: sanctions committees"


def test_window_start_does_not_load_the_command_line_machinery():
    code = "import sys, desktop.launch; print('click' in sys.modules, 'desktop.cli' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.split() == ["False", "False"]


#: The look-ups of issue 12, as a new user types them: the right paragraph first, or a
#: sentence saying it does not exist (and then nothing else).
ISSUE_EXAMPLES = [
    ("OP 19", "A/RES/77/20, para. 19", None),
    ("OP 17", "A/RES/77/20, para. 17", None),
    ("PP 9", "A/RES/77/20, preambular para. 9", None),
    ("preambular paragraph 9", "A/RES/77/20, preambular para. 9", None),
    ("para 17", "A/RES/77/20, para. 17", None),
    ("footnote 2", "A/RES/77/20, footnote 2", None),
    ("OP17", "A/RES/77/20, para. 17", None),
    ("op19", "A/RES/77/20, para. 19", None),
    (
        "77/20 para 30",
        None,
        "A/RES/77/20 has no operative paragraph 30 (operative paragraphs 1–20).",
    ),
    ("77/20 para 1(b)", None, "Paragraph 1 of A/RES/77/20 has no lettered sub-paragraphs."),
    ("77/999 para 2", None, "No document 77/999 in your library."),
]


def test_issue_examples_give_the_paragraph_or_say_it_does_not_exist(run):
    stdin = "".join(f"{q}\n" for q, _, _ in ISSUE_EXAMPLES)
    code, out, _ = run("search", "--json", "-", stdin=stdin)
    assert code == 0
    for (query, first, notice), line in zip(ISSUE_EXAMPLES, out.splitlines(), strict=True):
        result = json.loads(line)
        assert result["query"] == query
        assert result["notice"] == notice, query
        if first is None:
            assert result["hits"] == [], query
        else:
            assert result["hits"][0]["citation"] == first, query


def test_readable_search_says_reference_instead_of_a_score_for_a_cited_passage(run):
    code, out, _ = run("search", "OP 19", "--limit", "1")
    assert code == 0
    assert out.splitlines()[0] == " 1. A/RES/77/20, para. 19  (reference)"
    code, out, _ = run("search", "maritime piracy", "--limit", "1")
    assert "(reference)" not in out and "1000" not in out


def test_readable_search_prints_the_notice_on_its_own_line(run):
    code, out, _ = run("search", "77/20 para 30")
    assert code == 0
    assert out.splitlines() == [
        "A/RES/77/20 has no operative paragraph 30 (operative paragraphs 1–20)."
    ]
    code, out, _ = run("search", "60/288")
    lines = out.splitlines()
    assert lines[0] == "No document 60/288 in your library; the passages below mention it."
    assert lines[1].startswith(" 1. A/RES/77/20, footnote 3")


def test_style_option_on_search_and_show(run):
    code, out, _ = run("search", "OP 17(a)", "--style", "full", "--limit", "1")
    assert code == 0
    assert out.splitlines()[0].startswith(
        " 1. General Assembly resolution 77/20 of 21 November 2022, para. 17(a)"
    )
    code, out, _ = run("search", "OP 17(a)", "--style", "full", "--json")
    hit = json.loads(out)["hits"][0]
    assert hit["citation"] == "General Assembly resolution 77/20 of 21 November 2022, para. 17(a)"
    code, out, _ = run("show", "united-nations", "--style", "full", "--json")
    doc = json.loads(out)
    assert doc["notes"] == [
        "An older capture of INTERPOL's United Nations page (it still names DPKO, renamed in 2019)."
    ]
    first = doc["passages"][1]
    assert first["number"] == "1"
    assert first["citation"] == (
        "INTERPOL, “United Nations”, section “Cooperation agreement”, para. 1 (web page)"
    )
    code, out, _ = run("show", "a-res-77-20")
    assert "[A/RES/77/20, para. 17(a)]" in out
    code, _, err = run("search", "x", "--style", "apa")
    assert code == 2 and "--style" in err


def test_document_option_is_the_context_of_a_reference(run, tmp_path):
    code, out, _ = run("search", "OP 2", "--document", "a-res-77-20", "--json")
    assert code == 0
    assert json.loads(out)["hits"][0]["passage_id"] == "a-res-77-20:op2"


def test_import_and_show_real_un_layouts(run, tmp_path):
    """A GA resolution, an SC resolution and a report, as PDFs, imported and cited right."""
    files = [
        make_pdf(tmp_path / "ga.pdf", layouts.GA_RESOLUTION),
        make_pdf(tmp_path / "sc.pdf", layouts.SC_RESOLUTION),
        make_pdf(tmp_path / "report.pdf", layouts.REPORT),
    ]
    code, out, _ = run("import", *map(str, files))
    assert code == 0, out
    assert out.splitlines()[:3] == [
        "A/RES/99/7: 3 preambular paragraphs, 6 operative paragraphs, 2 sub-paragraphs, "
        "1 footnote, 3 entities",
        "S/RES/2178 (2014): 2 preambular paragraphs, 7 operative paragraphs, 2 sub-paragraphs, "
        "0 entities",
        "A/77/150: 2 sub-paragraphs, 14 paragraphs, 1 footnote, 7 entities",
    ]
    for doc_id, fixture in (
        ("a-res-99-7", layouts.GA_PASSAGES),
        ("s-res-2178-2014", layouts.SC_PASSAGES),
        ("a-77-150", layouts.REPORT_PASSAGES),
    ):
        code, out, _ = run("show", doc_id, "--json")
        assert code == 0
        shown = [
            (p["number"], p["kind"], p["citation"], p["text"]) for p in json.loads(out)["passages"]
        ]
        assert shown == [(e.number, e.kind, e.citation, e.text) for e in fixture]
    code, out, _ = run("documents", "--json")
    kinds = {d["id"]: (d["kind"], d["symbol"], d["date"]) for d in json.loads(out)}
    assert kinds["s-res-2178-2014"] == ("resolution", "S/RES/2178 (2014)", "2014-09-24")
    assert kinds["a-77-150"] == ("report", "A/77/150", "2022-07-15")
    code, out, _ = run("search", "A/RES/99/7 para 5", "--json")
    assert json.loads(out)["hits"][0]["citation"] == "A/RES/99/7, para. 5"


# -- hostile input and output (issue 17) ----------------------------------------------


def test_batch_mode_survives_an_invalid_utf8_line(tmp_path):
    """A line that is not UTF-8 gets an error object; the lines around it are answered."""
    env = {**os.environ, "LIAISON_DATA_DIR": str(tmp_path / "data"), "PYTHONIOENCODING": "utf-8"}
    liaison = Path(sys.executable).parent / "liaison"
    proc = subprocess.run(
        [str(liaison), "search", "--json", "-"],
        input=b"IBIN\n\xff\xfe caf\xe9 query\nFIND\n",
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.decode("utf-8").splitlines()
    assert len(lines) == 3
    first, second, third = (json.loads(line) for line in lines)
    assert first["hits"][0]["citation"] and third["hits"]
    assert second == {"error": "line 2 is not valid UTF-8 (byte 1); it was skipped"}


@pytest.mark.parametrize("option", ["--from", "--to"])
@pytest.mark.parametrize("value", ["not-a-date", "2022-13-01", "22-11-2022", "2022-02-30"])
def test_a_date_filter_that_is_not_a_date_is_a_usage_error_naming_it(run, option, value):
    code, out, err = run("search", "piracy", option, value)
    assert code == 2 and out == ""
    assert f"Invalid value for '{option}': '{value}' is not a date" in err


@pytest.mark.parametrize("value", ["2022", "2022-11", "2022-11-21"])
def test_iso_dates_of_every_precision_are_accepted(run, value):
    code, out, _ = run("search", "INTERPOL", "--from", value, "--json")
    assert code == 0 and json.loads(out)


def test_bidi_controls_in_titles_are_neutralised_when_printed(run, tmp_path):
    page = tmp_path / "evil.html"
    page.write_text(
        "<html><body><h1>Harbour \u202egnp.exe notes</h1>"
        + "<p>The lighthouse inspection at the port found nothing unusual at all.</p>" * 30
        + "</body></html>",
        encoding="utf-8",
    )
    code, out, err = run("import", str(page))
    assert code == 0, err
    assert "\u202e" not in out and "\\u202e" in out
    code, out, _ = run("documents")
    assert "\u202e" not in out and "Harbour \\u202egnp.exe notes" in out
    code, out, _ = run("documents", "--json")
    (doc,) = [d for d in json.loads(out) if d["origin"] == "imported"]
    assert doc["title"] == "Harbour \u202egnp.exe notes"  # the JSON still holds the real title
    code, out, _ = run("search", "lighthouse")
    assert "\u202e" not in out


def test_leftovers_of_a_killed_build_are_removed_on_the_next_start(run, tmp_path):
    data = tmp_path / "data"
    assert run("documents")[0] == 0
    leftover = data / ".store.building-999999"
    (leftover / "index").mkdir(parents=True)
    (leftover / "index" / "_passages_1.seg").write_bytes(b"x" * 1000)
    (data / ".store.old-999998").mkdir()
    assert run("documents")[0] == 0
    assert sorted(p.name for p in data.iterdir() if p.name.startswith(".store")) == []


def test_pypdf_warnings_do_not_reach_standard_error(tmp_path):
    from tests.helpers.documents import make_raw_pdf, text_ops

    body = text_ops(["Harbour security notes for the port authority and the coast guard."] * 5)
    pdf = make_raw_pdf(tmp_path / "noisy.pdf", [body + b"/X1 Do\n" * 200] * 10)
    env = {**os.environ, "LIAISON_DATA_DIR": str(tmp_path / "data")}
    liaison = Path(sys.executable).parent / "liaison"
    proc = subprocess.run(
        [str(liaison), "import", str(pdf)], env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "noisy: 50 paragraphs, 0 entities\n"
    assert len(proc.stderr.splitlines()) <= 1, proc.stderr[:500]


def test_show_into_a_pipe_that_closes_early_ends_quietly(built_store):
    env = {**os.environ, "LIAISON_DATA_DIR": str(Path(built_store).parent)}
    liaison = Path(sys.executable).parent / "liaison"
    proc = subprocess.run(
        f"'{liaison}' show a-res-77-20 | head -n 1",
        shell=True,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.stdout.strip()
    assert "Broken pipe" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr


def test_readable_search_shows_no_raw_marks(run):
    code, out, _ = run("search", "maritime piracy")
    assert code == 0 and "piracy" in out.lower() and "**" not in out
