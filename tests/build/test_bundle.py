"""The frozen app works from a read-only folder and writes nothing inside it.

One PyInstaller build (``python build/bundle.py --skip-minimal --no-measure``, as a
subprocess) serves every test of this module. The bundle folder is made read-only
(``chmod -R a-w``, restored afterwards); the frozen executable then runs headless
(``QT_QPA_PLATFORM=offscreen``) with ``LIAISON_DATA_DIR`` pointing to a fresh folder:

* ``search --json "maritime piracy"`` prints JSON hits, answered from the store
  shipped inside the bundle (no store gets built in the data folder);
* ``search --json "people smugglers' boats"`` has hits found by meaning: numpy (its
  OpenBLAS, never stripped) and the token table work frozen;
* ``gui --smoke`` prints its one JSON line of timings and exits 0;
* ``brief new|add|show|export`` writes a brief's Markdown, DOCX and PDF (read back);
* ``import`` reads a PDF, a saved web page and a Markdown note, and records each file's
  SHA-256 as hashlib computes it here: the bundle has no OpenSSL (``_hashlib``, ``_ssl``,
  libssl, libcrypto are left out, nor GIO), so Python's own SHA-256 works frozen;
* afterwards every file and folder of the bundle has the same size and mtime as
  right after the build, and nothing was added or removed. (The comparison is what
  counts: the tests often run as root, for whom ``chmod a-w`` prevents nothing.)
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import stat
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers.documents import resolution_pdf, web_page_html

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
BUILD_TIMEOUT_S = 900
RUN_TIMEOUT_S = 120
QUERY = "maritime piracy"
#: No passage says "smugglers' boats": the meaning-based stage fills in (db/semantic.py).
MEANING_QUERY = "people smugglers' boats"
#: Files of the libraries the spec leaves out (OpenSSL, GIO), by name on Linux, Windows, macOS.
LEFT_OUT = re.compile(r"^(?:_ssl|_hashlib)\.|^libssl[.-]|^libcrypto[.-]|^libgio-2\.0\.")


@dataclass
class Frozen:
    """A built bundle and how to run it."""

    folder: Path
    executable: Path
    snapshot: dict[str, tuple[str, int, int]]


def bundle_paths(dist: Path) -> tuple[Path, Path]:
    """Return the bundle folder and its console executable, as ``build/liaison.spec`` names them."""
    if sys.platform == "darwin":
        folder = dist / "Liaison.app"
        return folder, folder / "Contents" / "MacOS" / "Liaison"
    folder = dist / "Liaison"
    exe = folder / ("liaison-cli.exe" if sys.platform == "win32" else "liaison")
    return folder, exe


def snapshot(folder: Path) -> dict[str, tuple[str, int, int]]:
    """Return every entry under a folder: kind, size and mtime (ns), by relative path."""
    entries = {}
    for path in [folder, *folder.rglob("*")]:
        st = path.lstat()
        kind = "link" if stat.S_ISLNK(st.st_mode) else "dir" if stat.S_ISDIR(st.st_mode) else "file"
        size = 0 if kind == "dir" else st.st_size
        entries[path.relative_to(folder).as_posix()] = (kind, size, st.st_mtime_ns)
    return entries


def set_writable(folder: Path, writable: bool) -> None:
    """Add or remove write permission on a folder tree (like ``chmod -R a-w`` / ``u+w``)."""
    for path in [folder, *folder.rglob("*")]:
        if path.is_symlink():
            continue
        mode = path.stat().st_mode
        if writable:
            path.chmod(mode | stat.S_IWUSR)
        else:
            path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def run_frozen(frozen: Frozen, data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the frozen executable headless with its own data folder."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(QT_QPA_PLATFORM="offscreen", LIAISON_DATA_DIR=str(data_dir))
    return subprocess.run(
        [str(frozen.executable), *args],
        env=env,
        cwd=data_dir.parent,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=RUN_TIMEOUT_S,
    )


@pytest.fixture(scope="module")
def frozen(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Frozen]:
    """Build the bundle once, make it read-only, and restore write access afterwards."""
    out = tmp_path_factory.mktemp("bundle")
    dist = out / "dist"
    cmd = [
        sys.executable,
        str(ROOT / "build" / "bundle.py"),
        "--dist",
        str(dist),
        "--store",
        str(out / "store"),
        "--work",
        str(ROOT / ".pyinstaller" / "work"),  # git-ignored; its cache makes rebuilds quick
        "--skip-minimal",
        "--no-measure",
    ]
    proc = subprocess.run(
        cmd, cwd=ROOT, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S, check=False
    )
    assert proc.returncode == 0, f"build failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}"
    folder, exe = bundle_paths(dist)
    assert exe.is_file(), f"no executable at {exe}"
    set_writable(folder, False)
    try:
        yield Frozen(folder, exe, snapshot(folder))
    finally:
        set_writable(folder, True)


@pytest.fixture(scope="module")
def runs(frozen: Frozen, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Run ``search --json`` and ``gui --smoke`` once each from the read-only bundle."""
    home = tmp_path_factory.mktemp("frozen-run")
    search_data = home / "search-data"
    gui_data = home / "gui-data"
    return {
        "search": run_frozen(frozen, search_data, "search", "--json", QUERY),
        "search_data": search_data,
        "meaning": run_frozen(frozen, home / "meaning-data", "search", "--json", MEANING_QUERY),
        "gui": run_frozen(frozen, gui_data, "gui", "--smoke"),
        "version": run_frozen(frozen, home / "version-data", "--version"),
    }


def test_search_json_answers_from_the_bundled_store(runs: dict[str, object]) -> None:
    proc = runs["search"]
    assert isinstance(proc, subprocess.CompletedProcess)
    assert proc.returncode == 0, proc.stderr
    hits = json.loads(proc.stdout)["hits"]
    assert hits, f"no hit for {QUERY!r}"
    assert all(h["passage_id"] and h["citation"] for h in hits)
    assert any("piracy" in h["text"].lower() for h in hits)
    # The prebuilt store inside the bundle answered: nothing was built in the data folder.
    data_dir = runs["search_data"]
    assert isinstance(data_dir, Path)
    assert not (data_dir / "store").exists(), proc.stderr


def test_search_json_finds_passages_by_meaning(runs: dict[str, object]) -> None:
    proc = runs["meaning"]
    assert isinstance(proc, subprocess.CompletedProcess)
    assert proc.returncode == 0, proc.stderr
    hits = json.loads(proc.stdout)["hits"]
    assert any(h["match"] == "meaning" for h in hits), [h["match"] for h in hits]


def test_gui_smoke_prints_its_timings(runs: dict[str, object]) -> None:
    proc = runs["gui"]
    assert isinstance(proc, subprocess.CompletedProcess)
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr[-3000:]}"
    lines = proc.stdout.strip().splitlines()
    assert lines, f"no output\n{proc.stderr[-3000:]}"
    timings = json.loads(lines[-1])
    for key in ("window_shown_ms", "first_results_ms", "viewer_ms"):
        assert isinstance(timings.get(key), int | float), timings
        assert timings[key] >= 0


def test_version_is_the_project_version(runs: dict[str, object]) -> None:
    proc = runs["version"]
    assert isinstance(proc, subprocess.CompletedProcess)
    assert proc.returncode == 0, proc.stderr
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert version in proc.stdout


def test_briefs_export_md_docx_pdf_from_the_bundle(
    frozen: Frozen, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """python-docx (with lxml and its template) and Qt's PDF writer are frozen in the bundle."""
    import docx
    import pypdf

    home = tmp_path_factory.mktemp("frozen-brief")
    data = home / "data"
    steps = [
        ("brief", "new", "Frozen"),
        ("brief", "add", "Frozen", "a-res-77-20:op17a", "--note", "from the bundle"),
        ("brief", "show", "Frozen", "--json"),
        *(
            ("brief", "export", "Frozen", "--format", fmt, "-o", str(home / f"brief.{fmt}"))
            for fmt in ("md", "docx", "pdf")
        ),
    ]
    procs = [run_frozen(frozen, data, *step) for step in steps]
    for step, proc in zip(steps, procs, strict=True):
        assert proc.returncode == 0, f"{step}: {proc.stderr[-2000:]}"
    (item,) = json.loads(procs[2].stdout)["items"]
    assert item["status"] == "ok" and item["citation"] == "A/RES/77/20, para. 17(a)"
    text = item["text"]
    assert f"> {text}" in (home / "brief.md").read_text(encoding="utf-8")
    paragraphs = [p.text for p in docx.Document(str(home / "brief.docx")).paragraphs]
    assert text in paragraphs and item["citation"] in paragraphs
    pdf = " ".join(p.extract_text() for p in pypdf.PdfReader(str(home / "brief.pdf")).pages)
    assert " ".join(text.split()) in " ".join(pdf.split())


def test_import_reads_pdf_html_markdown_and_hashes_them_without_openssl(
    frozen: Frozen, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The PDF reader and parsers freeze; the SHA-256 recorded is the file's, without OpenSSL."""
    assert not [p.name for p in frozen.folder.rglob("*") if LEFT_OUT.search(p.name)]
    home = tmp_path_factory.mktemp("frozen-import")
    files = [
        resolution_pdf(home / "resolution.pdf"),
        home / "page.html",
        home / "note.md",
    ]
    files[1].write_text(web_page_html(), encoding="utf-8")
    files[2].write_text("# Frozen note\n\nThe piracy unit met on Tuesday.\n", encoding="utf-8")
    data = home / "data"
    proc = run_frozen(frozen, data, "import", "--json", *map(str, files))
    assert proc.returncode == 0, proc.stderr[-2000:]
    reports = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["status"] for r in reports] == ["imported"] * 3, reports
    assert reports[0]["counts"]["operative"] == 3, reports[0]
    listed = run_frozen(frozen, data, "documents", "--json")
    assert listed.returncode == 0, listed.stderr[-2000:]
    recorded = {s["file"]: s["sha256"] for d in json.loads(listed.stdout) for s in d["sources"]}
    assert {f.name: recorded.get(f.name) for f in files} == {
        f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files
    }


def test_frozen_app_writes_nothing_in_its_own_folder(
    frozen: Frozen, runs: dict[str, object]
) -> None:
    assert runs  # every frozen run above has happened
    after = snapshot(frozen.folder)
    added = sorted(set(after) - set(frozen.snapshot))
    removed = sorted(set(frozen.snapshot) - set(after))
    changed = sorted(p for p in set(after) & set(frozen.snapshot) if after[p] != frozen.snapshot[p])
    assert not (added or removed or changed), (
        f"added {added[:10]}, removed {removed[:10]}, changed {changed[:10]}"
    )


def test_check_judges_the_folder_against_200_mb_and_the_start_ratio(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``bundle.py --check`` fails on a folder over 200 MB, not on the ratio to the minimal."""
    spec = importlib.util.spec_from_file_location("bundle_script", ROOT / "build" / "bundle.py")
    assert spec is not None and spec.loader is not None
    bundle = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, bundle)  # its dataclasses look it up there
    spec.loader.exec_module(bundle)
    smoke = {"ok": True}
    report = {
        "size": {
            "liaison": {"folder_bytes": 188_200_000},
            "minimal": {"folder_bytes": 121_600_000},
            "folder_ratio": 1.55,
            "archive_ratio": 1.68,
        },
        "start": {"liaison": smoke, "minimal": smoke, "window_shown_ratio": 1.2},
    }
    assert bundle.targets_met(report) == []
    report["size"]["liaison"]["folder_bytes"] = 200_000_001
    assert bundle.targets_met(report) == ["bundle folder 200.0 MB > 200 MB"]
    report["size"]["liaison"]["folder_bytes"] = 188_200_000
    report["start"]["window_shown_ratio"] = 2.1
    assert bundle.targets_met(report) == ["start window_shown_ratio 2.1 > 2.0"]
