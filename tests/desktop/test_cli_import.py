"""``liaison import`` on folders: recursion, skipped files, the summary, exit codes, Ctrl+C."""

from __future__ import annotations

import json
import os
import pty
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from db.imports import find_documents
from db.kinds import IMPORT_SUFFIXES
from db.originals import check_library, list_imports
from desktop.cli import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_NOTHING_ADDED, _ImportProgress, cli
from tests.helpers import layouts
from tests.helpers.documents import make_pdf

LIAISON = Path(sys.executable).parent / "liaison"


def _note(path: Path, word: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"Notes on {word}\nThe {word} inspection at the port found nothing unusual.\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def run(tmp_path):
    """Run the CLI in-process with a private data folder; returns (exit_code, stdout, stderr)."""
    data = tmp_path / "data"

    def _run(*args: str):
        result = CliRunner().invoke(cli, ["--data-dir", str(data), *args], catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    return _run


def _imported(run) -> dict[str, str]:
    code, out, _ = run("documents", "--json")
    assert code == 0
    return {
        s["file"]: d["id"]
        for d in json.loads(out)
        if d["origin"] == "imported"
        for s in d["sources"]
    }


def test_a_nested_folder_is_imported_with_one_reason_per_file_left_out(run, tmp_path):
    top = tmp_path / "dossier"
    _note(top / "lighthouse.txt", "lighthouse")
    _note(top / "2024" / "drawbridge.md", "drawbridge")
    (top / "2024" / "sc").mkdir(parents=True)
    make_pdf(top / "2024" / "sc" / "sc.pdf", layouts.SC_RESOLUTION)
    (top / "2024" / "copy.txt").write_bytes((top / "lighthouse.txt").read_bytes())  # duplicate
    (top / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))  # not a document
    (top / "garbled.txt").write_bytes(bytes(range(256)) * 8)  # binary under a text name
    (top / "gone.txt").symlink_to(tmp_path / "nowhere.txt")  # cannot be read
    _note(top / ".hidden.txt", "hidden")
    _note(top / ".cache" / "portcullis.txt", "portcullis")

    code, out, err = run("import", str(top))

    assert code == EXIT_ERROR  # two files were refused
    lines = out.splitlines()
    assert lines[-1] == ("Done: 3 imported, 1 already there, 2 refused, 1 skipped (not documents).")
    assert any(line.startswith("S/RES/2178 (2014): ") for line in lines)
    assert "copy.txt is already in the library" in out
    errors = err.splitlines()
    assert f"liaison: skipped: {top / 'photo.png'} is not a document Liaison imports" in errors
    assert "liaison: error: gone.txt does not exist or is not a file" in errors
    assert sum(line.startswith("liaison: error: garbled.txt ") for line in errors) == 1
    assert "hidden" not in err + out and "portcullis" not in err + out
    assert len(errors) == 3  # one line each, nothing else (no progress off a terminal)
    assert set(_imported(run)) == {"lighthouse.txt", "drawbridge.md", "sc.pdf"}


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_a_file_without_read_permission_is_refused_in_one_line(run, tmp_path):
    top = tmp_path / "dossier"
    _note(top / "lighthouse.txt", "lighthouse")
    secret = _note(top / "secret.txt", "secret")
    secret.chmod(0)
    try:
        code, out, err = run("import", str(top))
    finally:
        secret.chmod(0o600)
    assert code == EXIT_ERROR
    assert err.splitlines() == ["liaison: error: secret.txt cannot be read (Permission denied)"]
    assert out.splitlines()[-1] == "Done: 1 imported, 0 already there, 1 refused."


def test_files_and_folders_mixed_then_nothing_added(run, tmp_path):
    top = tmp_path / "dossier"
    _note(top / "a" / "lighthouse.txt", "lighthouse")
    single = _note(tmp_path / "drawbridge.txt", "drawbridge")

    code, out, _ = run("import", str(single), str(top))
    assert code == 0, out
    assert out.splitlines()[-1] == "Done: 2 imported, 0 already there, 0 refused."
    assert set(_imported(run)) == {"lighthouse.txt", "drawbridge.txt"}

    code, out, err = run("import", str(top), str(single))
    assert code == EXIT_NOTHING_ADDED
    assert out.splitlines() == [
        "lighthouse.txt is already in the library (document notes-on-lighthouse)",
        "drawbridge.txt is already in the library (document notes-on-drawbridge)",
        "Done: 0 imported, 2 already there, 0 refused.",
        "liaison: nothing added: every file is already there",
    ]
    assert err == ""
    assert len(list_imports()) == 2


def test_a_folder_without_documents_adds_nothing(run, tmp_path):
    top = tmp_path / "empty"
    (top / "sub").mkdir(parents=True)
    (top / "sub" / "readme.docx").write_bytes(b"PK\x03\x04")
    code, out, err = run("import", str(top), "--json")
    assert code == EXIT_NOTHING_ADDED
    (skipped,) = [json.loads(line) for line in out.splitlines()]
    assert skipped["status"] == "skipped"
    assert err.splitlines() == ["liaison: nothing added: no document to import was found"]


def test_find_documents_takes_the_importers_file_types_in_name_order(tmp_path):
    for suffix in IMPORT_SUFFIXES:
        (tmp_path / f"doc{suffix.upper()}").write_text("x")
    (tmp_path / "b.csv").write_text("x")
    scan = find_documents([tmp_path, tmp_path / "doc.TXT"])
    assert [p.suffix.lower() for p in scan.files] == sorted(
        IMPORT_SUFFIXES, key=lambda s: f"doc{s.upper()}"
    )
    assert [(s.path.name, s.unreadable) for s in scan.skipped] == [("b.csv", False)]


def test_progress_line_counts_and_estimates_time_left(monkeypatch):
    bar = _ImportProgress(10)
    assert bar.line() == "Importing 0/10"
    monkeypatch.setattr(bar, "started", bar.started - 40.0)
    bar.done = 4  # 10 s a file so far, 6 to go
    assert bar.line() == "Importing 4/10, about 1 min left"
    bar.done = 8
    assert bar.line() == "Importing 8/10, about 10 s left"  # now 5 s a file, 2 to go


def _env(data: Path) -> dict[str, str]:
    return {**os.environ, "LIAISON_DATA_DIR": str(data), "QT_QPA_PLATFORM": "offscreen"}


@pytest.mark.slow
def test_progress_is_drawn_on_a_terminal(tmp_path):
    top = tmp_path / "dossier"
    _note(top / "lighthouse.txt", "lighthouse")
    _note(top / "drawbridge.txt", "drawbridge")
    leader, follower = pty.openpty()
    try:
        proc = subprocess.run(
            [str(LIAISON), "import", str(top)],
            env=_env(tmp_path / "data"),
            stdout=subprocess.PIPE,
            stderr=follower,
            text=True,
            timeout=300,
        )
        os.close(follower)
        follower = -1
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        if follower >= 0:
            os.close(follower)
        os.close(leader)
    assert proc.returncode == 0, proc.stdout
    assert b"Importing 0/2" in shown and b"Importing 1/2, about " in shown
    assert "Importing" not in proc.stdout


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.slow
def test_ctrl_c_keeps_what_was_imported_whole_and_says_how_many(run, tmp_path):
    top = tmp_path / "dossier"
    # Enough files that the interrupt, sent once the first is in, lands before the last even
    # on a busy machine.
    kinds = ["lighthouse", "drawbridge", "portcullis", "watchtower", "gatehouse", "harbour"]
    words = [f"{kind}{i}" for i in range(8) for kind in kinds]
    for word in words:
        _note(top / f"{word}.txt", word)
    data = tmp_path / "data"
    proc = subprocess.Popen(
        [str(LIAISON), "import", str(top)],
        env=_env(data),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # As in an officer's terminal: a test suite started in the background by a script
        # has SIGINT ignored, which the child would inherit (and then never see Ctrl-C).
        preexec_fn=_default_sigint,
    )
    first = proc.stdout.readline()  # the first file is in: interrupt during the next ones
    proc.send_signal(signal.SIGINT)
    rest, err = proc.communicate(timeout=300)
    assert proc.returncode == EXIT_INTERRUPTED, err
    reported = [line for line in [first, *rest.splitlines()] if line.strip()]
    n = len(reported)
    assert 1 <= n < len(words)
    plural = "file" if n == 1 else "files"
    assert err.splitlines()[-1] == (
        f"liaison: interrupted: {n} {plural} imported and kept; any file under way was not added"
    )
    assert len(list_imports(data / "library")) == n
    assert check_library(data / "library").consistent
    assert len(_imported(run)) == n  # the store holds exactly the files reported


def test_reparse_and_remove_from_the_command_line(run, tmp_path):
    from tests.helpers.resolutions import marker, write_resolutions

    (path,) = write_resolutions(tmp_path / "in", [41])
    code, out, _ = run("import", str(path))
    assert code == 0, out
    doc_id = _imported(run)[path.name]
    code, out, err = run("reparse", doc_id)
    assert (code, out, err) == (0, f"Parsed {doc_id} again\n", "")
    code, out, _ = run("search", "--json", marker(41))
    assert json.loads(out)["hits"][0]["passage_id"] == f"{doc_id}:op1"
    code, _, err = run("reparse", "a-res-77-20")
    assert code == EXIT_ERROR
    assert err == (
        "liaison: error: a-res-77-20 is part of the bundled corpus; it is re-parsed with the "
        "corpus\n"
    )
    code, _, err = run("reparse", "no-such-document")
    assert code == EXIT_ERROR and err.startswith("liaison: error: no document with id")
    code, out, _ = run("remove", doc_id)
    assert (code, out) == (0, f"Removed {doc_id} ({path.name})\n")
    code, out, _ = run("search", "--json", marker(41))
    assert not [h for h in json.loads(out)["hits"] if h["document_id"] == doc_id]
