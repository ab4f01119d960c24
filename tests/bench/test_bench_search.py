"""The search benchmark runs end to end and prints its figures (no timing is asserted)."""

from __future__ import annotations

import re

from tests.bench import bench_search


def test_benchmark_prints_latency_build_and_agreement(capsys):
    bench_search.main(["--sizes", "30", "--rounds", "1", "--agreement"])
    out = capsys.readouterr().out
    assert "[real corpus]" in out
    assert "[30 documents]" in out
    assert re.search(r"  search: median [\d.]+ ms, p95 [\d.]+ ms", out)
    assert re.search(r"  search with meaning: median [\d.]+ ms, p95 [\d.]+ ms", out)
    assert re.search(r"  build: [\d.]+ s \(.*vectors [\d.]+ s", out)
    assert re.search(r"entity-filtered: median [\d.]+ ms, max [\d.]+ ms", out)
    assert re.search(r"ranking: first hit as exhaustive scoring's in \d+/139 look-ups", out)
    table = out[out.index("corpus  ") :].splitlines()
    assert table[2].startswith("real corpus") and "p95 <= 20 ms" in table[2]
    assert table[3].startswith("30 documents")


def _row(index_s=200.0, vectors_s=60.0, p95=100.0):
    return bench_search.Row(
        "10,000 documents", 10_000, 166_000, 400.0, index_s, vectors_s, 40.0, 90.0, 45.0, p95
    )


def test_summary_judges_index_vectors_and_p95_with_meaning_against_their_targets():
    assert "(met)" in bench_search.summary([_row()])
    assert "(MISSED)" in bench_search.summary([_row(index_s=301.0)])
    assert "(MISSED)" in bench_search.summary([_row(vectors_s=181.0)])
    assert "(MISSED)" in bench_search.summary([_row(p95=151.0)])
