"""The meaning-stage benchmark runs end to end and prints its figures (no timing asserted)."""

from __future__ import annotations

import re

from tests.bench import bench_semantic


def test_benchmark_prints_load_build_and_latency(capsys):
    bench_semantic.main(["--passages", "200", "--rounds", "1"])
    out = capsys.readouterr().out
    assert re.search(r"token table: [\d.]+ MB, loaded and SHA-256 checked in \d+ ms", out)
    assert re.search(r"passage vectors: 200 passages in [\d.]+ s .*extrapolated: \d+ s", out)
    assert re.search(r"real corpus, words and meaning: median [\d.]+ ms, p95 [\d.]+ ms", out)
    assert re.search(r"real corpus, words alone +: median [\d.]+ ms", out)
    assert re.search(r"dense stage at 166,099 passages: median [\d.]+ ms", out)
    assert re.search(r"word match of \d+ candidates .*: median [\d.]+ ms, p95 [\d.]+ ms", out)
