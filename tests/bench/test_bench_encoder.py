"""The encoder benchmark runs end to end and prints its figures (no timing asserted)."""

from __future__ import annotations

import re

from tests.bench import bench_encoder


def test_benchmark_prints_load_latency_and_throughput(capsys):
    bench_encoder.main(["--lookups", "10", "--clauses", "30"])
    out = capsys.readouterr().out
    assert re.search(r"BLAS threads: .+", out)
    assert re.search(r"sentence encoder: [\d.]+ MB, loaded and SHA-256 checked in \d+ ms", out)
    assert re.search(r"one look-up at a time \(10 look-ups\): median [\d.]+ ms, p95 [\d.]+ ms", out)
    assert re.search(
        r"clauses in batches \(30 clauses, [\d,]+ word pieces\): .* word pieces/s", out
    )


def test_the_lookups_come_from_the_development_sets_only():
    names = {path.name for path in bench_encoder.LOOKUP_FILES}
    assert names == {
        "search_eval.toml",
        "search_ownwords_dev.toml",
        "search_ownwords_dev2.toml",
        "search_ownwords_dev3.toml",
    }
    assert len(bench_encoder.lookups()) > 300
