"""The window opens a fresh library and searches without loading the write side of ``db``.

Structural, not timed: a fresh Python process opens the library the way the window's
jobs object does and searches it; the modules that build, extract and parse (what an
import or a rebuild needs, never reading) must not be among the modules it loaded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from db import paths

#: Modules only an import, a removal or a rebuild needs.
WRITE_SIDE = ("db.build", "db.extract", "db.parse", "db.imports", "db.repair")

PROGRAM = """
import json, sys
from desktop.app.jobs import LibraryJobs
library, error = LibraryJobs()._open_on_worker()
assert error is None, error
hits = library.search("maritime piracy").hits
print(json.dumps({"hits": len(hits), "modules": sorted(sys.modules)}))
"""


def _open_and_search(data_dir: Path) -> dict[str, object]:
    env = {**os.environ, paths.ENV_DATA_DIR: str(data_dir), "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", PROGRAM], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_opening_a_fresh_library_and_searching_loads_no_write_side(built_store: Path) -> None:
    result = _open_and_search(built_store.parent)
    assert result["hits"] > 0
    loaded = [
        m for m in result["modules"] if any(m == w or m.startswith(f"{w}.") for w in WRITE_SIDE)
    ]
    assert loaded == []
