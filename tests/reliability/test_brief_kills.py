"""Briefs survive ``kill -9``: 50 CLI edits killed at random moments, nothing returned is lost.

Each round starts one ``liaison brief add|note|remove|move`` process and kills it (SIGKILL)
after a random delay, drawn mostly from the last part of that command's usual run time,
where its transaction happens. A command that exited 0 before the kill must be in the
database afterwards; a killed one must be there whole or not at all. After every round the
database passes ``PRAGMA integrity_check`` and reads back exactly one of those two states.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from db import paths
from db.briefs import Briefs

pytestmark = pytest.mark.slow

LIAISON = Path(sys.executable).parent / "liaison"
KILLS = 50
TITLE = "Kill test"
POOL = [f"a-res-77-20:op{n}" for n in range(1, 21)] + [f"a-res-77-20:pp{n}" for n in range(1, 10)]

State = list[tuple[str, str]]  # (passage id, note) in order


def state(path: Path) -> State:
    with Briefs.open(path) as briefs:
        return [(i.passage_id, i.note) for i in briefs.items(TITLE)]


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def plan(rng: random.Random, model: State, n: int) -> tuple[str, list[str], State]:
    """Return (kind, CLI arguments, the state after the command) for a random edit."""
    kinds = ["note", "add", "move"] + (["remove"] if len(model) > 3 else [])
    kind = rng.choice(kinds)
    after = list(model)
    if kind == "note":
        k = rng.randrange(len(model))
        text = f"note {n}: said in the meeting"
        after[k] = (model[k][0], text)
        return kind, ["note", TITLE, str(k + 1), text], after
    if kind == "add":
        pid = rng.choice(POOL)
        text = f"pinned {n}"
        after.append((pid, text))
        return kind, ["add", TITLE, pid, "--note", text], after
    if kind == "move":
        a, b = rng.randrange(len(model)), rng.randrange(len(model))
        after.insert(b, after.pop(a))
        return kind, ["move", TITLE, str(a + 1), str(b + 1)], after
    k = rng.randrange(len(model))
    del after[k]
    return kind, ["remove", TITLE, str(k + 1)], after


def test_fifty_kills_lose_no_returned_change(built_store: Path, library) -> None:
    shutil.copytree(built_store, paths.store_dir())
    db_path = paths.briefs_db_path()
    with Briefs.open() as briefs:
        briefs.create(title=TITLE)
        for pid in POOL[:4]:
            briefs.pin(TITLE, library=library, passage_id=pid, note=f"first {pid}")
    env = {**os.environ, "LIAISON_DATA_DIR": str(paths.data_dir())}
    rng = random.Random(20261201)
    model = state(db_path)
    durations: dict[str, list[float]] = {"note": [], "add": [], "move": [], "remove": []}
    kills = returned = landed = 0
    started = time.monotonic()
    for n in range(4 * KILLS):
        if kills >= KILLS:
            break
        kind, args, after = plan(rng, model, n)
        usual = durations[kind]
        # Let each kind of command finish twice first, to learn how long it runs.
        kill_at = None
        if len(usual) >= 2:
            typical = statistics.median(usual)
            kill_at = (
                rng.uniform(0.0, typical)
                if rng.random() < 0.3
                else rng.uniform(0.6 * typical, 1.1 * typical)
            )
        t0 = time.monotonic()
        proc = subprocess.Popen(
            [str(LIAISON), "brief", *args],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        if kill_at is None:
            _, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, err
            durations[kind].append(time.monotonic() - t0)
        else:
            try:
                proc.wait(timeout=kill_at)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                kills += 1
            proc.communicate(timeout=60)
        assert integrity(db_path) == "ok"
        now = state(db_path)
        if proc.returncode == 0:
            returned += 1
            assert now == after, f"round {n}: {kind} returned but is not in the database"
        else:
            assert proc.returncode == -signal.SIGKILL
            assert now in (model, after), f"round {n}: a killed {kind} left a half change"
            landed += now == after and now != model
        model = now
    elapsed = time.monotonic() - started
    assert kills == KILLS
    # The final state reads back through the command line too.
    proc = subprocess.run(
        [str(LIAISON), "brief", "list", "--json"], env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    print(
        f"\n{kills} kills, {returned} commands returned, {landed} killed commands had committed;"
        f" {len(model)} items at the end; {elapsed:.1f} s"
    )
