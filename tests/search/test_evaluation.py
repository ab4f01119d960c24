"""Search quality on the evaluation set, measured on the real store built from the corpus.

Every look-up of ``tests/data/search_eval.toml`` goes through
``Library.search(q, limit=10)``; the figures are success@3 (a relevant
passage among the first three hits) and MRR@10. A plain SQLite FTS5 bm25()
index over the same passages' text is the baseline the engine must beat.
The per-category table is printed to the terminal on every run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from db.reading import Library
from db.store import Store
from tests.search.evaluation import (
    CATEGORIES,
    DEPTH,
    EVAL_FILE,
    EvalQuery,
    Fts5Baseline,
    Scores,
    describe_failures,
    evaluate,
    load_eval,
    report,
    stage_report,
)

REPO = Path(__file__).resolve().parents[2]

MIN_QUERIES = 90
#: With the dense (meaning) stage the keyword set must do no worse than the words alone did.
MIN_SUCCESS_AT_3 = 0.97
MIN_MRR_AT_10 = 0.95
#: Our MRR@10 must be at least this multiple of the FTS5 baseline's.
MIN_GAIN_OVER_BASELINE = 1.15

QUERIES = load_eval()


@pytest.fixture(scope="module")
def ours(library: Library) -> Scores:
    """The engine's scores on the evaluation set."""
    return evaluate(QUERIES, lambda q: [h.passage_id for h in library.search(q, limit=DEPTH).hits])


@pytest.fixture(scope="module")
def baseline(built_store: Path) -> Scores:
    """The plain FTS5 bm25() baseline's scores on the same passages."""
    store = Store.open(built_store)
    try:
        fts = Fts5Baseline(store.passages())
    finally:
        store.close()
    try:
        return evaluate(QUERIES, fts.search)
    finally:
        fts.close()


def test_eval_set_is_well_formed(built_store: Path) -> None:
    store = Store.open(built_store)
    try:
        ids = {p["id"] for p in store.passages()}
    finally:
        store.close()
    assert len(QUERIES) >= MIN_QUERIES
    texts = [q.q for q in QUERIES]
    assert len(set(texts)) == len(texts), "a look-up is listed twice"
    for q in QUERIES:
        assert q.q.strip() and "\n" not in q.q, q
        assert q.category in CATEGORIES, q
        assert q.relevant, q
        assert q.relevant <= ids, f"{q.q!r} names unknown passages {sorted(q.relevant - ids)}"
    assert {q.category for q in QUERIES} == set(CATEGORIES)
    by_text = {q.q: q for q in QUERIES}
    # The two look-ups of the issue.
    assert by_text["drone attacks"].relevant <= {"a-res-77-20:op16", "a-res-77-20:pp23"}
    assert by_text["sanctoins comittees"].relevant == {"united-nations:s3.p1"}


def test_print_report(
    ours: Scores,
    baseline: Scores,
    capsys: pytest.CaptureFixture[str],
    record_property: pytest.RecordProperty,
) -> None:
    record_property("success_at_3", round(ours.success_at_3, 4))
    record_property("mrr_at_10", round(ours.mrr_at_10, 4))
    record_property("baseline_success_at_3", round(baseline.success_at_3, 4))
    record_property("baseline_mrr_at_10", round(baseline.mrr_at_10, 4))
    text = report(ours, baseline)
    rows = {line.split()[0]: line.split() for line in text.splitlines()[3:] if line[:1].isalpha()}
    # One row per category and one for all, with both figures of each side.
    assert set(rows) == {*ours.by_category(), "all"}
    assert rows["all"][1:] == [
        str(len(ours.outcomes)),
        f"{ours.success_at_3:.3f}",
        f"{baseline.success_at_3:.3f}",
        f"{ours.mrr_at_10:.3f}",
        f"{baseline.mrr_at_10:.3f}",
    ]
    with capsys.disabled():
        print()
        print(text)
        failures = describe_failures(ours)
        if failures:
            print(f"Look-ups not answered in the first three ({len(ours.failures())}):")
            print(failures)


def test_success_at_3(ours: Scores) -> None:
    assert ours.success_at_3 >= MIN_SUCCESS_AT_3, (
        f"success@3 {ours.success_at_3:.3f} < {MIN_SUCCESS_AT_3}; failing look-ups:\n"
        + describe_failures(ours)
    )


def test_mrr_at_10(ours: Scores) -> None:
    assert ours.mrr_at_10 >= MIN_MRR_AT_10, (
        f"MRR@10 {ours.mrr_at_10:.3f} < {MIN_MRR_AT_10}; failing look-ups:\n"
        + describe_failures(ours)
    )


def test_beats_the_fts5_baseline(ours: Scores, baseline: Scores) -> None:
    target = MIN_GAIN_OVER_BASELINE * baseline.mrr_at_10
    assert ours.mrr_at_10 >= target, (
        f"MRR@10 {ours.mrr_at_10:.3f} < {MIN_GAIN_OVER_BASELINE} x baseline "
        f"{baseline.mrr_at_10:.3f} = {target:.3f}"
    )


def test_baseline_ranks_are_sane(baseline: Scores) -> None:
    """The baseline really searches: plain keyword look-ups mostly succeed."""
    keyword = [o for o in baseline.outcomes if o.query.category == "keyword"]
    assert sum(o.success for o in keyword) >= len(keyword) // 2


@pytest.mark.slow
def test_batch_mode_answers_every_query_in_one_process(library: Library, tmp_path: Path) -> None:
    env = {**os.environ, "LIAISON_DATA_DIR": str(tmp_path / "data"), "PYTHONIOENCODING": "utf-8"}
    stdin = "".join(f"{q.q}\n" for q in QUERIES)
    proc = subprocess.run(
        [sys.executable, "-m", "desktop.cli", "search", "--json", "-"],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPO,
        env=env,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == len(QUERIES), proc.stdout[-2000:]
    for q, line in zip(QUERIES, lines, strict=True):
        result = json.loads(line)
        assert isinstance(result, dict), (q.q, line[:200])
        assert result["query"] == q.q
        assert _ids(result["hits"]) == _expected_ids(library, q), q.q


def _ids(hits: list[dict[str, object]]) -> list[object]:
    return [h["passage_id"] for h in hits]


def _expected_ids(library: Library, q: EvalQuery) -> list[str]:
    return [h.passage_id for h in library.search(q.q, limit=DEPTH).hits]


HELDOUT = load_eval(EVAL_FILE.with_name("search_heldout.toml"))


def test_held_out_look_ups_do_no_worse_than_the_baseline(
    library: Library, built_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Look-ups never used for tuning: figures printed; ours must not fall below plain FTS5."""
    ours_h = evaluate(
        HELDOUT, lambda q: [h.passage_id for h in library.search(q, limit=DEPTH).hits]
    )
    store = Store.open(built_store)
    try:
        fts = Fts5Baseline(store.passages())
    finally:
        store.close()
    try:
        base_h = evaluate(HELDOUT, fts.search)
    finally:
        fts.close()
    with capsys.disabled():
        print("\nHeld-out look-ups (never used for tuning):")
        print(report(ours_h, base_h))
    assert len(HELDOUT) >= 25
    assert ours_h.success_at_3 >= base_h.success_at_3


#: Every evaluation set, in the order printed. search_ownwords_dev.toml was written by the
#: developer of the dense stage, search_ownwords_dev2.toml, search_ownwords_dev3.toml and
#: search_ownwords_dev4.toml blind by other helpers; all four were used to tune it (with
#: search_eval.toml); the held-out set and the frozen blind set search_ownwords.toml (when
#: present) never were.
EVAL_SETS = (
    ("search_eval (tuned)", EVAL_FILE),
    ("search_heldout", EVAL_FILE.with_name("search_heldout.toml")),
    ("search_ownwords_dev (tuned)", EVAL_FILE.with_name("search_ownwords_dev.toml")),
    ("search_ownwords_dev2 (tuned)", EVAL_FILE.with_name("search_ownwords_dev2.toml")),
    ("search_ownwords_dev3 (tuned)", EVAL_FILE.with_name("search_ownwords_dev3.toml")),
    ("search_ownwords_dev4 (tuned)", EVAL_FILE.with_name("search_ownwords_dev4.toml")),
    ("search_ownwords (frozen)", EVAL_FILE.with_name("search_ownwords.toml")),
)
OWNWORDS_DEV = load_eval(EVAL_FILE.with_name("search_ownwords_dev.toml"))
OWNWORDS_DEV2 = load_eval(EVAL_FILE.with_name("search_ownwords_dev2.toml"))
OWNWORDS_DEV3 = load_eval(EVAL_FILE.with_name("search_ownwords_dev3.toml"))
OWNWORDS_DEV4 = load_eval(EVAL_FILE.with_name("search_ownwords_dev4.toml"))


def _ranker(library: Library, *, meaning: bool) -> Callable[[str], list[str]]:
    return lambda q: [h.passage_id for h in library.search(q, limit=DEPTH, meaning=meaning).hits]


def test_own_words_dev_set_is_well_formed(built_store: Path) -> None:
    store = Store.open(built_store)
    try:
        ids = {p["id"] for p in store.passages()}
    finally:
        store.close()
    for queries, at_least in (
        (OWNWORDS_DEV, 40),
        (OWNWORDS_DEV2, 100),
        (OWNWORDS_DEV3, 100),
        (OWNWORDS_DEV4, 100),
    ):
        assert len(queries) >= at_least
        assert len({q.q for q in queries}) == len(queries)
        for q in queries:
            # The later sets name their own kinds ("shorthand", "near-miss").
            assert q.category and q.relevant and q.relevant <= ids, q
    # No look-up of one development set is repeated in another.
    texts = [q.q.lower() for q in (*OWNWORDS_DEV, *OWNWORDS_DEV2, *OWNWORDS_DEV3, *OWNWORDS_DEV4)]
    assert len(set(texts)) == len(texts)
    assert all(q.category in CATEGORIES for q in OWNWORDS_DEV)


def test_every_set_with_and_without_the_dense_stage(
    library: Library, built_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Print each set's figures for the words alone and with meaning; meaning must help."""
    store = Store.open(built_store)
    try:
        fts = Fts5Baseline(store.passages())
    finally:
        store.close()
    rows = []
    try:
        for name, path in EVAL_SETS:
            if not path.is_file():
                continue
            queries = load_eval(path)
            rows.append(
                (
                    name,
                    evaluate(queries, _ranker(library, meaning=False)),
                    evaluate(queries, _ranker(library, meaning=True)),
                    evaluate(queries, fts.search),
                )
            )
    finally:
        fts.close()
    with capsys.disabled():
        print()
        print(stage_report(rows))
    by_name = {name: (words, both) for name, words, both, _ in rows}
    for name in (
        "search_ownwords_dev (tuned)",
        "search_ownwords_dev2 (tuned)",
        "search_ownwords_dev3 (tuned)",
        "search_ownwords_dev4 (tuned)",
    ):
        words, both = by_name[name]
        assert both.mrr_at_10 > words.mrr_at_10 + 0.05, (name, words, both)
        assert both.success_at_3 > words.success_at_3, (name, words, both)
    words, both = by_name["search_eval (tuned)"]
    assert both.success_at_3 >= MIN_SUCCESS_AT_3 and both.mrr_at_10 >= MIN_MRR_AT_10, both
