"""Cost of the numpy sentence encoder (db/encoder.py): load, one look-up, clauses in batches.

Run ``python -m tests.bench.bench_encoder`` (part of ``make bench``). It prints:

* the bundled encoder file's size and the time to load it (SHA-256 check, reading and
  dequantising every weight into float32), the first load in a fresh process;
* the latency of encoding one look-up at a time, median and p95, over every look-up of the
  evaluation and own-words development sets (as a search would embed a query);
* the throughput, in word pieces a second, of encoding every clause of the bundled corpus's
  passages (:func:`db.semantic.clauses`) in batches, as a build would.

Nothing is asserted; figures depend on the machine and its load (numpy's BLAS threads
included: ``OPENBLAS_NUM_THREADS=1`` may be faster on a busy machine).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from db import paths
from db.build import build_store
from db.encoder import ENCODER_FILE, SentenceEncoder
from db.semantic import clauses, passage_text
from db.store import Store
from tests.bench.bench_search import percentile
from tests.search.evaluation import EVAL_FILE, load_eval

#: The development sets whose look-ups are timed (the frozen sets are never read here).
LOOKUP_FILES = [
    EVAL_FILE,
    *(EVAL_FILE.with_name(f"search_ownwords_{d}.toml") for d in ("dev", "dev2", "dev3")),
]


def corpus_clauses() -> list[str]:
    """Return every clause of the bundled corpus's passages (heading and text), in order."""
    with tempfile.TemporaryDirectory(prefix="liaison-bench-enc-") as tmp:
        store_dir = Path(tmp) / "store"
        build_store(store_dir)
        store = Store.open(store_dir)
        try:
            texts = [passage_text(p["heading"], p["text"]) for p in store.passages()]
        finally:
            store.close()
    return [t[a:b] for t in texts for a, b in clauses(t) if t[a:b].strip()]


def lookups() -> list[str]:
    """Return the development sets' look-ups, each once, sorted."""
    return sorted({q.q for path in LOOKUP_FILES for q in load_eval(path)})


def run(max_lookups: int | None, max_clauses: int | None) -> None:
    """Print every figure (see the module docstring)."""
    path = paths.embeddings_dir() / ENCODER_FILE
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "OpenBLAS's default")
    print(f"BLAS threads: {threads}")
    t0 = time.perf_counter()
    encoder = SentenceEncoder.load()
    load_ms = (time.perf_counter() - t0) * 1000
    print(
        f"sentence encoder: {path.stat().st_size / 1e6:.1f} MB, "
        f"loaded and SHA-256 checked in {load_ms:.0f} ms"
    )

    queries = lookups()[:max_lookups]
    encoder.encode(queries[:20])  # warm the word-piece cache and numpy
    times = []
    for q in queries:
        t0 = time.perf_counter()
        encoder.encode([q])
        times.append((time.perf_counter() - t0) * 1000)
    print(
        f"one look-up at a time ({len(queries)} look-ups): median "
        f"{statistics.median(times):.1f} ms, p95 {percentile(times, 95):.1f} ms"
    )

    texts = corpus_clauses()[:max_clauses]
    pieces = sum(len(encoder.token_ids(t)) for t in texts)
    t0 = time.perf_counter()
    encoder.encode(texts)
    seconds = time.perf_counter() - t0
    print(
        f"clauses in batches ({len(texts)} clauses, {pieces:,} word pieces): {seconds:.2f} s, "
        f"{pieces / seconds:,.0f} word pieces/s"
    )


def main(argv: list[str] | None = None) -> None:
    """Parse the options and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lookups", type=int, default=None, help="time only this many")
    parser.add_argument("--clauses", type=int, default=None, help="encode only this many")
    args = parser.parse_args(argv)
    run(args.lookups, args.clauses)


if __name__ == "__main__":
    main()
