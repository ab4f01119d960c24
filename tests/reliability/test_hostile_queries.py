"""Hostile queries: whatever an officer (or a pasted document) types, search answers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db import paths
from tests.helpers.hostile import HOSTILE_TOKENS

LIAISON = Path(sys.executable).parent / "liaison"


#: Queries built from the tokens above, plus arbitrary text of any code point.
queries = st.one_of(
    st.lists(st.sampled_from(HOSTILE_TOKENS), max_size=12).map(" ".join),
    st.lists(st.sampled_from(HOSTILE_TOKENS), max_size=12).map("".join),
    st.text(max_size=200),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40).map(lambda s: s * 50),
)

HOSTILE = [
    "",
    " ",
    '"unbalanced',
    "((((",
    "))))",
    "AND",
    "OR OR OR",
    "NOT",
    "*",
    "?*?*",
    "title:",
    "text:(piracy",
    "a" * 10_000,
    "piracy " * 1500,
    "\u202eyracip",
    "🇺🇳" * 500,
    "[a TO",
    "passage_id:*",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=queries)
def test_library_search_never_raises(library, text):
    result = library.search(text, limit=10)
    assert len(result.hits) <= 10
    for h in result.hits:
        json.dumps(h.to_dict(), ensure_ascii=False)


def test_fixed_hostile_queries(library):
    for text in HOSTILE:
        library.search(text)
        library.search(text, entity="UNODC", limit=3)


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=st.lists(queries, min_size=20, max_size=40))
def test_cli_batch_search_answers_every_line_with_json(built_store, batch):
    lines = [q.replace("\r", " ").replace("\n", " ") for q in [*HOSTILE, *batch]]
    data = Path(built_store).parent
    env = {**os.environ, paths.ENV_DATA_DIR: str(data), "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run(
        [str(LIAISON), "search", "--json", "-"],
        input="\n".join(lines) + "\n",
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="surrogateescape",
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    out = proc.stdout.splitlines()
    assert len(out) == len(lines)
    for line in out:
        assert isinstance(json.loads(line)["hits"], list)
