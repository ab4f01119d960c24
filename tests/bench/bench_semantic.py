"""Cost of the meaning-based stage (db/semantic.py): start, build and look-up figures.

Run ``python -m tests.bench.bench_semantic`` (part of ``make bench``). It prints:

* loading the bundled token table (SHA-256 check included) and a store's vectors;
* passage-embedding throughput on ``--passages`` synthetic passages recombined from the real
  corpus's sentences (as :mod:`tests.bench.bench_search` makes its corpora), extrapolated to
  the 166,099 passages of the 10,000-document benchmark corpus, with the file size it needs;
* per-look-up latency on the real corpus for every look-up of the evaluation and own-words
  development sets, with the words alone and with the meaning stage (query embedding
  included), median and p95 over ``--rounds`` passes;
* the dense stage alone (coarse pass, exact cosines of its candidates, top 100) over 166,099
  passage vectors (the synthetic passages' vectors repeated with a little noise), i.e. what it
  adds per look-up at 10,000 documents, and how much of the exact top 100 it finds;
* the word match of the candidates (the nearest passages and the words' matches), which does
  not grow with the store.

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
from db.reading import Library
from db.semantic import (
    DENSE_CANDIDATES,
    LEXICAL_DEPTH,
    TABLE_FILE,
    VECTORS_NAME,
    PassageVectors,
    TokenTable,
    forget_bundled_table,
    principal_axes,
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
                        lib.engine.meaning.forget_query()  # the query is embedded anew
                        t0 = time.perf_counter()
                        lib.search(q, limit=10, meaning=meaning)
                        samples.append((time.perf_counter() - t0) * 1000)
                label = "words and meaning" if meaning else "words alone      "
                print(
                    f"real corpus, {label}: median {statistics.median(samples):.1f} ms, "
                    f"p95 {percentile(samples, 95):.1f} ms over {len(samples)} look-ups"
                )

        # 166,099 passage vectors: the synthetic passages' real vectors, repeated with a little
        # noise (as the benchmark corpora repeat real sentences), in the stored rotation.
        rng = np.random.default_rng(SEED)
        reps = -(-PASSAGES_10K // n_passages)
        big = np.tile(vectors.matrix @ vectors.rotation.T, (reps, 1))[:PASSAGES_10K]
        big += rng.normal(0, 0.02, big.shape).astype(np.float32)
        big /= np.linalg.norm(big, axis=1, keepdims=True)
        rotation = principal_axes(big)
        ids = [f"p{i}" for i in range(PASSAGES_10K)]
        stage = PassageVectors(
            ids, (big @ rotation).astype(np.float16), vectors.idf, table, rotation
        )
        exact = PassageVectors(ids, big @ rotation, vectors.idf, table, rotation)
        sample = queries[:: max(1, len(queries) // 60)]
        stage.nearest(stage.embed(sample[0]), DENSE_CANDIDATES)  # builds the coarse copy
        samples, answers = [], []
        for q in sample:
            vec = stage.embed(q)
            t0 = time.perf_counter()
            answers.append((vec, stage.nearest(vec, DENSE_CANDIDATES)))
            samples.append((time.perf_counter() - t0) * 1000)
        # The exact top 50, after the timing: a product through the BLAS leaves its threads
        # spinning, which would slow the next timed look-up.
        found = 0
        for vec, got in answers:
            sims = exact.matrix @ (vec @ rotation)
            truth = {ids[i] for i in np.argpartition(-sims, DENSE_CANDIDATES)[:DENSE_CANDIDATES]}
            found += len(truth & {pid for pid, _ in got})
        print(
            f"dense stage at {PASSAGES_10K:,} passages: median {statistics.median(samples):.1f} ms,"
            f" p95 {percentile(samples, 95):.1f} ms per look-up (coarse pass and exact cosines); "
            f"{found / (len(sample) * DENSE_CANDIDATES):.1%} of the exact top "
            f"{DENSE_CANDIDATES} found; memory {stage.matrix.nbytes / 1e6:.0f} MB + coarse "
            f"{stage._coarse.nbytes / 1e6:.0f} MB"
        )
        # The word match (db.semantic.PassageVectors.word_match) scores the words' matches and
        # the nearest passages, whatever the store's size: time it on that many candidates.
        n_cand = DENSE_CANDIDATES + LEXICAL_DEPTH
        pick = random.Random(SEED)
        samples = []
        for q in sample:
            cands = pick.sample(vectors.ids, min(n_cand, len(vectors.ids)))
            t0 = time.perf_counter()
            vectors.word_match(q, cands)
            samples.append((time.perf_counter() - t0) * 1000)
        print(
            f"word match of {n_cand} candidates (of {n_passages:,} synthetic passages, words' "
            f"vectors made on first use): median {statistics.median(samples):.1f} ms, "
            f"p95 {percentile(samples, 95):.1f} ms per look-up"
        )
        forget_bundled_table()


def main(argv: list[str] | None = None) -> None:
    """Parse the options and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=5_000, help="passages to embed")
    parser.add_argument("--rounds", type=int, default=5, help="timed passes over the look-ups")
    args = parser.parse_args(argv)
    run(args.passages, args.rounds)


if __name__ == "__main__":
    main()
