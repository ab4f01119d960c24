"""Valid JSON of the wrong shape on disk: every manifest and setting is checked and repaired.

The store's manifest, the library's manifest and the window's settings are
written with values a person, a sync tool or a bug could leave there; the real
CLI (in process) and the real window (``run_gui(smoke=True)``) must say so in
one sentence, repair, and answer as before, and be silent the time after.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from db import paths
from db.freshness import verify_manifest
from db.imports import import_files
from db.originals import LIBRARY_MANIFEST, check_library
from desktop.cli import cli
from tests.reliability.test_store_integrity import baseline, cli_search, store

__all__ = ["baseline", "store"]  # fixtures shared with the store-integrity tests

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (propagateSizeHints|raise)")

STORE_MANIFESTS = {
    "files null": {"schema_version": 1, "files": None},
    "files a string": {"schema_version": 1, "files": "index/x.seg"},
    "files a list": {"schema_version": 1, "files": ["liaison.sqlite"]},
    "a digest that is a number": {"schema_version": 1, "files": {"liaison.sqlite": 5}},
    "a path outside the store": {"schema_version": 1, "files": {"../../etc/passwd": "0" * 64}},
    "the whole manifest a list": [1, 2, 3],
}


@pytest.mark.parametrize("shape", list(STORE_MANIFESTS))
def test_store_manifest_of_the_wrong_shape_is_damage_and_repaired(shape, store, baseline):
    (store / "manifest.json").write_text(json.dumps(STORE_MANIFESTS[shape]))
    hits, err = cli_search()
    assert hits == baseline
    assert err == [
        "liaison: The store was damaged (the manifest is unreadable): "
        "rebuilding it from the bundled corpus and your library."
    ]
    assert verify_manifest(store) == []
    assert cli_search() == (baseline, [])


def test_window_opens_past_a_store_manifest_of_the_wrong_shape(store, qapp, capfd):
    from desktop.app.main import run_gui

    (store / "manifest.json").write_text(json.dumps({"files": None}))
    assert run_gui(smoke=True) == 0
    out, err = capfd.readouterr()
    assert json.loads(out.strip().splitlines()[-1])["viewer_ms"] > 0
    assert "the manifest is unreadable" in err
    assert verify_manifest(store) == []


LIBRARY_PENDING = {
    "pending a string": "x",
    "removal of a number": {"remove": 5},
    "removal of numbers": {"remove": [5]},
    "addition of a string": {"add": "x"},
    "addition of a row with a path": {
        "add": {
            "sha256": "../" * 20 + "a" * 4,
            "file_name": "x",
            "suffix": "/../../x",
            "format": "text",
            "encoding": None,
            "size": 1,
            "title": "x",
            "imported_at": "2026",
        }
    },
    "two changes": {"add": None, "remove": []},
}


@pytest.mark.parametrize("shape", list(LIBRARY_PENDING))
def test_library_manifest_of_the_wrong_shape_is_recreated_from_the_record(shape, store, tmp_path):
    f = tmp_path / "harbour.txt"
    f.write_text("Harbour notes\n\nThe lighthouse inspection found nothing unusual.\n")
    (report,) = import_files([f])
    assert report.ok
    mpath = paths.library_dir() / LIBRARY_MANIFEST
    manifest = json.loads(mpath.read_text())
    manifest["pending"] = LIBRARY_PENDING[shape]
    mpath.write_text(json.dumps(manifest))
    hits, err = cli_search("lighthouse")
    assert hits and hits[0].startswith(report.document_id)
    assert err == [
        "liaison: The library manifest was unreadable and was recreated from the record."
    ]
    assert check_library().consistent
    assert cli_search("lighthouse") == (hits, [])
    result = CliRunner().invoke(cli, ["build"])
    assert result.exit_code == 0, result.output


def test_zoom_that_is_not_a_number_is_clamped(tmp_path, qapp):
    from desktop.app.settings import Settings

    for value in ("nan", "inf", "-inf", "1e400"):
        ini = tmp_path / f"{value}.ini"
        ini.write_text(f"[view]\nzoom={value}\n")
        assert Settings(ini).zoom == 1.0, value
    ini = tmp_path / "big.ini"
    ini.write_text("[view]\nzoom=9\n")
    assert Settings(ini).zoom == 4.0
