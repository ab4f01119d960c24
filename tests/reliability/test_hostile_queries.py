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
    check_result(library, result)


def check_result(library, result) -> None:
    """Every hit is a real, distinct passage, its marks inside its text, best first."""
    ids = [h.passage_id for h in result.hits]
    assert len(ids) == len(set(ids))
    scores = [h.score for h in result.hits]
    assert scores == sorted(scores, reverse=True)
    for h in result.hits:
        stored = library.passage(h.passage_id)
        assert h.text == stored["text"] and h.document_id == stored["document_id"]
        assert all(0 <= s < e <= len(h.text) for s, e in h.highlights)
        json.dumps(h.to_dict(), ensure_ascii=False)
    assert result.notice is None or (result.notice and "\n" not in result.notice)


def test_fixed_hostile_queries(library):
    unodc = library.entity_passage_ids("unodc")
    for text in HOSTILE:
        check_result(library, library.search(text))
        filtered = library.search(text, entity="UNODC", limit=3)
        check_result(library, filtered)
        assert {h.passage_id for h in filtered.hits} <= unodc, text
    # Hostile wrapping around a real word still finds it.
    repeated = library.search("piracy " * 1500).hits
    plain = library.search("piracy").hits
    assert [h.passage_id for h in repeated[:3]] == [h.passage_id for h in plain[:3]]
    first = repeated[0]
    assert [first.text[s:e].lower() for s, e in first.highlights][:1] == ["piracy"]
    assert library.search("").hits == []


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
    out = proc.stdout.split("\n")[:-1]  # not splitlines(): U+0085 in a query is no line end
    assert len(out) == len(lines)
    for line in out:
        assert isinstance(json.loads(line)["hits"], list)
