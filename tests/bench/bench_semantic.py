"""Cost of the meaning-based stage (db/semantic.py): start, build and look-up figures.

Run ``python -m tests.bench.bench_semantic`` (part of ``make bench``). It prints:

* loading the bundled token table (SHA-256 check included) and a store's vectors;
* passage-embedding throughput on ``--passages`` synthetic passages recombined from the real
  corpus's sentences (as :mod:`tests.bench.bench_search` makes its corpora), extrapolated to
  the 166,099 passages of the 10,000-document benchmark corpus, with the file size it needs;
* per-look-up latency on the real corpus for every look-up of the evaluation and own-words
  development sets, with the words alone and with the meaning stage (query embedding
  included), median and p95 over ``--rounds`` passes;
* the dense stage alone (query embedding, cosine against every passage, top 50) on a random
  matrix of 166,099 unit vectors, i.e. what it adds per look-up at 10,000 documents.

Nothing is asserted; figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from db import paths
from db.build import build_store
from db.library import Library
from db.semantic import (
    DENSE_CANDIDATES,
    TABLE_FILE,
    VECTORS_NAME,
    PassageVectors,
    TokenTable,
    bundled_table,
)
from tests.bench.bench_search import gather_material, percentile
from tests.search.evaluation import EVAL_FILE, load_eval

#: Passages of the 10,000-document benchmark corpus (README, "Speed").
PASSAGES_10K = 166_099
SEED = 20_221_121


def synthetic_passages(store_dir: Path, n: int) -> list[tuple[str, str | None, str]]:
    """Return ``n`` passages (id, heading, text) recombined from the real corpus's sentences."""
    m = gather_material(store_dir)
    rng = random.Random(SEED)
    return [
        (f"p{i}", rng.choice(m.headings), " ".join(rng.sample(m.sentences, rng.randint(1, 3))))
        for i in range(n)
    ]


def run(n_passages: int, rounds: int) -> None:
    """Print every figure (see the module docstring)."""
    with tempfile.TemporaryDirectory(prefix="liaison-bench-sem-") as tmp:
        store = Path(tmp) / "store"
        build_store(store)
        t0 = time.perf_counter()
        table = TokenTable.load()
        load_ms = (time.perf_counter() - t0) * 1000
        size_mb = (paths.embeddings_dir() / TABLE_FILE).stat().st_size / 1e6
        print(f"token table: {size_mb:.1f} MB, loaded and SHA-256 checked in {load_ms:.0f} ms")

        passages = synthetic_passages(store, n_passages)
        t0 = time.perf_counter()
        vectors = PassageVectors.build(passages, table)
        build_s = time.perf_counter() - t0
        rate = n_passages / build_s
        out = Path(tmp) / VECTORS_NAME
        vectors.save(out)
        per_passage = out.stat().st_size / n_passages
        print(
            f"passage vectors: {n_passages} passages in {build_s:.2f} s ({rate:,.0f}/s, 1 core); "
            f"{PASSAGES_10K:,} passages (10,000 documents) extrapolated: "
            f"{PASSAGES_10K / rate:.0f} s, file {per_passage * PASSAGES_10K / 1e6:.0f} MB"
        )

        queries = [q.q for q in load_eval()]
        queries += [q.q for q in load_eval(EVAL_FILE.with_name("search_ownwords_dev.toml"))]
        with Library(store) as lib:
            t0 = time.perf_counter()
            lib.engine.meaning.vectors()
            print(f"store vectors loaded in {(time.perf_counter() - t0) * 1000:.1f} ms")
            for meaning in (False, True):
                for q in queries:
                    lib.search(q, limit=10, meaning=meaning)
                samples = []
                for _ in range(rounds):
                    for q in queries:
                        lib.engine.ranker.clear_cache()
                        lib.engine.meaning._last = None  # the query is embedded anew
                        t0 = time.perf_counter()
                        lib.search(q, limit=10, meaning=meaning)
                        samples.append((time.perf_counter() - t0) * 1000)
                label = "words and meaning" if meaning else "words alone      "
                print(
                    f"real corpus, {label}: median {statistics.median(samples):.1f} ms, "
                    f"p95 {percentile(samples, 95):.1f} ms over {len(samples)} look-ups"
                )

        rng = np.random.default_rng(SEED)
        big = rng.standard_normal((PASSAGES_10K, table.dims)).astype(np.float32)
        big /= np.linalg.norm(big, axis=1, keepdims=True)
        stage = PassageVectors([f"p{i}" for i in range(PASSAGES_10K)], big, vectors.idf, table)
        samples = []
        for q in queries[: max(20, len(queries) // rounds)]:
            t0 = time.perf_counter()
            stage.nearest(stage.embed(q), DENSE_CANDIDATES)
            samples.append((time.perf_counter() - t0) * 1000)
        print(
            f"dense stage at {PASSAGES_10K:,} passages: median {statistics.median(samples):.1f} ms,"
            f" p95 {percentile(samples, 95):.1f} ms per look-up; vectors in memory "
            f"{big.nbytes / 1e6:.0f} MB"
        )
        bundled_table.cache_clear()


def main(argv: list[str] | None = None) -> None:
    """Parse the options and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=5_000, help="passages to embed")
    parser.add_argument("--rounds", type=int, default=5, help="timed passes over the look-ups")
    args = parser.parse_args(argv)
    run(args.passages, args.rounds)


if __name__ == "__main__":
    main()
