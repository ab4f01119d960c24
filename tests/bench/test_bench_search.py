"""The search benchmark runs end to end and prints its figures (no timing is asserted)."""

from __future__ import annotations

import re

from tests.bench import bench_search


def test_benchmark_prints_latency_build_and_agreement(capsys):
    bench_search.main(["--sizes", "30", "--rounds", "1", "--agreement"])
    out = capsys.readouterr().out
    assert "[real corpus]" in out
    assert "[30 documents]" in out
    assert re.search(r"search: median [\d.]+ ms, p95 [\d.]+ ms", out)
    assert re.search(r"entity-filtered: median [\d.]+ ms, max [\d.]+ ms", out)
    assert re.search(r"ranking: first hit as exhaustive scoring's in \d+/139 look-ups", out)
    table = out[out.index("corpus  ") :].splitlines()
    assert table[2].startswith("real corpus") and "p95 <= 20 ms" in table[2]
    assert table[3].startswith("30 documents")


def test_summary_judges_the_index_phase_against_the_build_target():
    rows = [("10,000 documents", 10_000, 166_000, 400.0, 200.0, 40.0, 100.0)]
    assert "(met)" in bench_search.summary(rows)
    rows = [("10,000 documents", 10_000, 166_000, 400.0, 301.0, 40.0, 100.0)]
    assert "(MISSED)" in bench_search.summary(rows)
