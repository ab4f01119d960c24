"""Offline guarantee: no command and no window ever opens a network connection."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from db import paths
from desktop.cli import cli
from tests.helpers.documents import RESOLUTION, web_page_html
from tests.reliability.guards import AuditRecorder, LoopbackListener

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (propagateSizeHints|raise)")


def _documents(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    txt = folder / "res.txt"
    txt.write_text(RESOLUTION, encoding="utf-8")
    html = folder / "page.html"
    html.write_text(web_page_html(), encoding="utf-8")
    return [txt, html]


COMMANDS = [
    ["build"],
    ["documents", "--json"],
    ["search", "--json", "maritime piracy"],
    ["search", "--json", "INTERPOL"],
    ["show", "--json", "a-res-77-20"],
    ["entities", "--json"],
    ["entity", "--json", "UNODC"],
    ["summary"],
]


def test_the_guards_see_a_real_connection():
    """The audit hook and the listener do catch a connection (so zero below means zero)."""
    with LoopbackListener() as listener, AuditRecorder() as rec:
        with socket.create_connection(("127.0.0.1", listener.port), timeout=2):
            pass
    assert [e for e, _ in rec.network if e == "socket.connect"]
    deadline = 50
    while listener.accepted == 0 and deadline:
        import time

        time.sleep(0.05)
        deadline -= 1
    assert listener.accepted == 1


def test_cli_and_window_in_process_make_no_connection(tmp_path, qapp, capsys):
    from desktop.app.main import run_gui

    files = _documents(tmp_path / "in")
    runner = CliRunner()
    with LoopbackListener() as listener, AuditRecorder() as rec:
        for args in COMMANDS:
            result = runner.invoke(cli, args)
            assert result.exit_code == 0, (args, result.output)
        result = runner.invoke(cli, ["import", *map(str, files)])
        assert result.exit_code == 0, result.output
        result = runner.invoke(cli, ["search", "--json", "kelp forest"])
        # Both imported documents say "kelp forest"; either may come first.
        first_two = [h["document_id"] for h in json.loads(result.stdout)["hits"][:2]]
        assert "a-res-79-999" in first_two
        assert run_gui(smoke=True) == 0
    assert rec.network == []
    assert rec.processes == []
    assert listener.accepted == 0
    timings = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert timings["viewer_ms"] > 0


def _run(args: list[str], env: dict[str, str], log: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tests.reliability.audited", str(log), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_cli_and_window_as_processes_make_no_connection(tmp_path):
    """Real processes, proxies pointed at a loopback listener: nothing connects to it."""
    files = _documents(tmp_path / "in")
    log = tmp_path / "audit.jsonl"
    with LoopbackListener() as listener:
        env = {
            **os.environ,
            **listener.proxy_env(),
            paths.ENV_DATA_DIR: str(tmp_path / "data"),
            "QT_QPA_PLATFORM": "offscreen",
        }
        for args in [*COMMANDS[:3], ["import", *map(str, files)], ["gui", "--smoke"]]:
            proc = _run(args, env, log)
            assert proc.returncode == 0, (args, proc.stderr)
        smoke = json.loads(proc.stdout.strip().splitlines()[-1])
        assert smoke["viewer_ms"] > 0
        assert listener.accepted == 0
    events = [json.loads(line) for line in log.read_text().splitlines()]
    assert [e for e in events if e["event"] != "import QtNetwork"] == []
    # QtNetwork is loaded by the single-instance guard of the window, and by nothing else.
    imports = [e for e in events if e["event"] == "import QtNetwork"]
    guard = os.path.join("desktop", "app", "single_instance.py")
    assert imports
    assert all(any(f.endswith(guard) for f in e["stack"]) for e in imports)


def test_cli_commands_never_load_qtnetwork(tmp_path):
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from desktop.cli import cli\n"
        "r = CliRunner()\n"
        "for args in (['build'], ['search', '--json', 'piracy'], ['documents'], ['entities']):\n"
        "    assert r.invoke(cli, args).exit_code == 0, args\n"
        "print('PySide6.QtNetwork' in sys.modules, 'PySide6.QtWidgets' in sys.modules)\n"
    )
    env = {**os.environ, paths.ENV_DATA_DIR: str(tmp_path / "data")}
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["False", "False"]
