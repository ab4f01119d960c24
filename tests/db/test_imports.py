"""Importing the officer's own files: every format, every bad input, the library unchanged."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from db import paths
from db.errors import DataFolderError
from db.extract import MAX_IMPORT_BYTES
from db.imports import check_writable, import_files, remove_document
from db.library import open_library
from db.originals import list_imports
from tests.helpers.documents import RESOLUTION, make_pdf, resolution_pdf, web_page_html


def snapshot(data_dir: Path) -> dict[str, str]:
    """Every file of the library folder with its SHA-256 (what 'exactly as it was' means)."""
    lib = data_dir / "library"
    if not lib.exists():
        return {}
    return {
        str(p.relative_to(lib)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(lib.rglob("*"))
        if p.is_file()
    }


def library_state(data_dir: Path) -> tuple[dict[str, str], list[str]]:
    with open_library() as lib:
        docs = [d["id"] for d in lib.documents()]
    return snapshot(data_dir), docs


def test_check_writable_leaves_nothing_and_names_the_data_folder_it_cannot_write(tmp_path):
    library = tmp_path / "data" / "library"
    check_writable(library_dir=library)  # creates the library folder, and nothing in it
    assert library.is_dir() and list(library.iterdir()) == []
    library.rmdir()
    library.write_text("a file where the library folder should be")
    with pytest.raises(DataFolderError) as caught:
        check_writable(library_dir=library)
    assert (
        str(caught.value)
        == f"the data folder {tmp_path / 'data'} could not be written (File exists)"
    )


@pytest.fixture
def data_dir() -> Path:
    return paths.data_dir()


def test_import_resolution_pdf_then_search_entities_cite_and_remove(tmp_path, data_dir):
    pdf = resolution_pdf(tmp_path / "A_RES_79_999.pdf")
    (report,) = import_files([pdf])
    assert report.ok, report.message
    assert report.document_id == "a-res-79-999"
    assert report.message == (
        "A/RES/79/999: 2 preambular paragraphs, 3 operative paragraphs, 1 footnote, 3 entities"
    )
    with open_library() as lib:
        doc = lib.store.document("a-res-79-999")
        assert doc["origin"] == "imported"
        assert doc["date"] == "2024-12-02"
        assert [d["origin"] for d in lib.documents()].count("bundled") == 4
        hits = lib.search("kelp forest").hits
        assert hits[0].passage_id == "a-res-79-999:op2"
        assert hits[0].citation == "A/RES/79/999, para. 2"
        who = {h.passage_id for h in lib.entity("WHO")["hits"]}
        assert who == {"a-res-77-20:op13", "a-res-79-999:op1"}
        assert lib.passage("a-res-79-999:pp1")["footnotes"] == [1]
    assert remove_document("a-res-79-999") == ["A_RES_79_999.pdf"]
    with open_library() as lib:
        assert len(lib.documents()) == 4
        assert not lib.search("kelp forest", meaning=False).hits
        assert all(h.document_id != "a-res-79-999" for h in lib.search("kelp forest").hits)
    assert list_imports() == []
    assert set(snapshot(data_dir)) == {"library.sqlite", "manifest.json"}


def test_text_markdown_and_html(tmp_path):
    md = tmp_path / "statement.md"
    md.write_text(
        "# Statement on reef crime\n\n"
        "The *United Nations Environment Programme* and partners met.\n\n"
        "## Outcomes\n\n- A shared database of seaweed smuggling;\n- Training for reef patrols.\n",
        encoding="utf-8",
    )
    txt = tmp_path / "notes.txt"
    txt.write_text(
        "Meeting notes\nThe delegation discussed mangrove protection in detail.\n", encoding="utf-8"
    )
    html = tmp_path / "page.html"
    html.write_text(web_page_html(), encoding="utf-8")
    reports = import_files([md, txt, html])
    assert [r.status for r in reports] == ["imported", "imported", "imported"], [
        r.message for r in reports
    ]
    with open_library() as lib:
        page = lib.store.document(reports[2].document_id)
        assert page["title"] == "Test partnership with UNICRI"
        texts = [p["text"] for p in lib.store.passages(page["id"])]
        assert "Seaweed smuggling analysis;" in texts
        joined = " ".join(texts)
        for boilerplate in ("tracking", "Home", "Site header", "Footer text", "color: red"):
            assert boilerplate not in joined
        statement = lib.store.document(reports[0].document_id)
        assert (statement["title"], statement["kind"]) == ("Statement on reef crime", "note")
        assert lib.store.passages(statement["id"])[1]["heading"] == "Outcomes"
        hit = lib.search("mangrove").hits[0]
        assert hit.document_id == reports[1].document_id
        assert "Statement on reef crime" not in [
            p["text"] for p in lib.store.passages(reports[0].document_id)
        ]
        assert lib.entity("UNEP")["total"] >= 1


@pytest.mark.parametrize(
    ("encoding", "data"),
    [
        (
            "cp1252",
            "Caf\u00e9 \u201cquotes\u201d and the \u20ac sign: a statement on coastal policing.\n",
        ),
        ("latin-1", "R\u00e9sum\u00e9 of the na\u00efve coastal policing statement, in full.\n"),
        ("utf-16", "A UTF-16 statement on coastal policing with a BOM, \u00e9t\u00e9.\n"),
    ],
)
def test_legacy_encodings_import_correctly(tmp_path, encoding, data):
    f = tmp_path / f"{encoding}.txt"
    f.write_bytes(data.encode(encoding))  # utf-16 writes its BOM
    (report,) = import_files([f])
    assert report.ok, report.message
    with open_library() as lib:
        texts = [p["text"] for p in lib.store.passages(report.document_id)]
    assert texts == [data.strip()]


def _bad_files(tmp_path: Path) -> list[tuple[Path, str]]:
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        fh.truncate(MAX_IMPORT_BYTES + 1)
    bad_utf8 = tmp_path / "broken.txt"
    bad_utf8.write_bytes("Déjà vu in UTF-8, then ".encode() + b"\xff\xfe\xfa" + b" more text here.")
    binary = tmp_path / "image.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.txt"
    blank.write_text("   \n\n  ")
    corrupt = tmp_path / "corrupt.pdf"
    corrupt.write_bytes(resolution_pdf(tmp_path / "ok.pdf").read_bytes()[:300])
    no_text = make_pdf(tmp_path / "scan.pdf", [[]])
    encrypted = tmp_path / "locked.pdf"
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(resolution_pdf(tmp_path / "plain.pdf")))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    with encrypted.open("wb") as fh:
        writer.write(fh)
    script = tmp_path / "app.html"
    script.write_text(
        "<html><body><script>" + "var x = 1;" * 5000 + "</script><p>Loading</p></body></html>"
    )
    return [
        (empty, "empty.md is empty"),
        (blank, "blank.txt is empty"),
        (binary, "image.txt is a binary file, not text"),
        (bad_utf8, "broken.txt has invalid UTF-8 at byte 25"),
        (big, "big.txt is larger than the 20 MB import limit"),
        (corrupt, "corrupt.pdf is not a readable PDF (the file is damaged)"),
        (encrypted, "locked.pdf is an encrypted PDF (it needs a password)"),
        (no_text, "scan.pdf has no text layer (a scanned PDF?); run it through OCR first"),
        (script, "app.html has almost no readable text (mostly script or markup)"),
        (tmp_path / "nowhere.txt", "nowhere.txt does not exist or is not a file"),
    ]


def test_each_bad_input_is_refused_and_the_library_is_unchanged(tmp_path, data_dir):
    good = tmp_path / "good.txt"
    good.write_text("A statement about lighthouse security, kept in the library.\n")
    assert import_files([good])[0].ok
    before = library_state(data_dir)
    for path, message in _bad_files(tmp_path):
        (report,) = import_files([path])
        assert report.status == "rejected"
        assert report.message == message
        assert "\n" not in report.message
        assert library_state(data_dir) == before, path.name


def test_duplicates_captures_and_near_duplicates(tmp_path, data_dir):
    a = tmp_path / "a.txt"
    a.write_text(RESOLUTION, encoding="utf-8")
    assert import_files([a])[0].status == "imported"
    before = library_state(data_dir)
    (same,) = import_files([a])
    assert same.status == "duplicate"
    assert same.message == "a.txt is already in the library (document a-res-79-999)"
    bundled = Path(paths.corpus_dir()) / "004_d52a88afa3b7dd84.txt"
    assert import_files([bundled])[0].message.endswith(
        "is already in the library (document a-res-77-20)"
    )
    near = tmp_path / "near.txt"
    near.write_text(
        RESOLUTION.replace("zoonotic outbreaks", "zoonotic disease outbreaks"), encoding="utf-8"
    )
    (n,) = import_files([near])
    assert n.status == "duplicate"
    assert "near-duplicate of document a-res-79-999" in n.message
    assert library_state(data_dir) == before
    # The same text captured again (other line breaks) is kept as another capture.
    again = tmp_path / "again.txt"
    again.write_text(RESOLUTION.replace("\n\n", "\n\n\n"), encoding="utf-8")
    (c,) = import_files([again])
    assert c.status == "capture"
    with open_library() as lib:
        doc = lib.store.document("a-res-79-999")
        assert len(doc["sources"]) == 2
        assert len(lib.documents()) == 5


def test_bundled_documents_cannot_be_removed():
    from db.errors import LiaisonError

    with pytest.raises(LiaisonError, match="part of the bundled corpus"):
        remove_document("a-res-77-20")


def test_reparsed_from_originals_when_the_inputs_change(tmp_path, data_dir, monkeypatch):
    f = tmp_path / "notes.txt"
    f.write_text("Harbour notes\nThe harbour master described container checks.\n")
    (r,) = import_files([f])
    store = paths.store_dir()
    (store / "liaison.sqlite").unlink()
    (store / "manifest.json").unlink()
    with open_library() as lib:
        assert lib.report.rebuilt
        assert lib.search("container checks").hits[0].document_id == r.document_id
    # A new parser version makes the store stale: it is rebuilt, imports included.
    import db.freshness

    monkeypatch.setattr(db.freshness, "PARSER_VERSION", 999)
    with open_library() as lib:
        assert lib.report.state == "stale" and lib.report.rebuilt
        assert lib.search("container checks").hits


def test_cli_import_and_remove(tmp_path):
    from click.testing import CliRunner

    from desktop.cli import cli

    pdf = resolution_pdf(tmp_path / "res.pdf")
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    runner = CliRunner()
    result = runner.invoke(cli, ["import", str(pdf), str(empty)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "A/RES/79/999: 2 preambular paragraphs, 3 operative paragraphs, 1 footnote, 3 entities",
        "Done: 1 imported, 0 already there, 1 refused.",
    ]
    assert result.stderr.strip().splitlines()[-1] == "liaison: error: empty.txt is empty"
    result = runner.invoke(cli, ["documents", "--json"])
    origins = {d["id"]: d["origin"] for d in json.loads(result.stdout)}
    assert origins["a-res-79-999"] == "imported" and origins["a-res-77-20"] == "bundled"
    result = runner.invoke(cli, ["remove", "a-res-79-999"])
    assert result.exit_code == 0 and result.stdout.startswith("Removed a-res-79-999")
    result = runner.invoke(cli, ["remove", "a-res-77-20"])
    assert result.exit_code == 1
    assert "cannot be removed" in result.stderr


def test_killed_import_leaves_no_half_added_document(tmp_path, data_dir):
    """Kill imports at several points: after a restart every document is whole or absent."""
    env = {**os.environ, "LIAISON_DATA_DIR": str(data_dir)}
    exe = Path(sys.executable).parent / "liaison"
    subprocess.run([str(exe), "build"], env=env, check=True, capture_output=True)
    for i, delay in enumerate((0.05, 0.2, 0.4, 0.6, 0.9)):
        f = tmp_path / f"note{i}.txt"
        f.write_text(f"Note {i}\nObservation number {i} about quay{i} inspections.\n")
        proc = subprocess.Popen(
            [str(exe), "import", str(f)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        with open_library() as lib:
            recorded = {x.file_name for x in list_imports()}
            stored = {
                s["file"]
                for d in lib.documents()
                if d["origin"] == "imported"
                for s in d["sources"]
            }
            assert recorded == stored
            for name in recorded:
                n = name.removeprefix("note").removesuffix(".txt")
                assert lib.search(f"quay{n}").hits, name
        originals = data_dir / "library" / "originals"
        present = {p.name for p in originals.iterdir()} if originals.is_dir() else set()
        assert present == {x.original.name for x in list_imports()}


def test_an_original_changed_on_disk_is_never_shown(tmp_path, data_dir):
    f = tmp_path / "orig.txt"
    f.write_text("Lighthouse notes\nThe keeper logged twelve beacon checks.\n")
    (r,) = import_files([f])
    (original,) = (data_dir / "library" / "originals").iterdir()
    original.write_text("Lighthouse notes\nThe keeper logged twelve secret checks.\n")
    from db.build import build_store

    build_store(paths.store_dir())
    with open_library() as lib:
        assert r.document_id not in {d["id"] for d in lib.documents()}
        assert all(h.document_id != r.document_id for h in lib.search("keeper secret").hits)


def test_a_successor_resolution_sharing_most_paragraphs_is_its_own_document(tmp_path, data_dir):
    first = tmp_path / "first.txt"
    first.write_text(RESOLUTION, encoding="utf-8")
    successor = tmp_path / "successor.txt"
    successor.write_text(
        RESOLUTION.replace("79/999.", "81/5.").replace("zoonotic outbreaks", "zoonotic disease"),
        encoding="utf-8",
    )
    reports = import_files([first, successor])
    assert [r.status for r in reports] == ["imported", "imported"], [r.message for r in reports]
    with open_library() as lib:
        assert lib.store.document("a-res-81-5")["symbol"] == "A/RES/81/5"
        assert lib.store.document("a-res-79-999")["symbol"] == "A/RES/79/999"
