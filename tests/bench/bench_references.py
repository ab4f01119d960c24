"""Reference look-ups on a large synthetic record: cited-by, a document's references, listing.

Run ``python -m tests.bench.bench_references``. Writes a record of ``--documents``
resolutions (16 operative paragraphs each, 3 references each to random others) into a
temporary SQLite file with the store's own migrations and writers, then times
:meth:`db.store.Store.references` by symbol and by document and
:meth:`db.store.Store.reference_targets` (the References listing). Prints medians of 5 runs.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import sqlite_utils

from db.store import Store, migrate, write_references


def _record(db: sqlite_utils.Database, n: int, seed: int) -> int:
    rng = random.Random(seed)
    docs, passages, refs = [], [], []
    for i in range(n):
        symbol = f"A/RES/{40 + i % 40}/{i}"
        docs.append({"id": f"d{i}", "seq": i, "title": "t", "kind": "resolution", "symbol": symbol})
        for k in range(1, 17):
            pid = f"d{i}:op{k}"
            passages.append(
                {
                    "id": pid,
                    "document_id": f"d{i}",
                    "seq": k,
                    "local_id": f"op{k}",
                    "kind": "operative",
                    "number": str(k),
                    "text": "x",
                    "citation": f"{symbol}, para. {k}",
                }
            )
            if k <= 3:
                t = rng.randrange(2 * n)
                refs.append(
                    {
                        "passage_id": pid,
                        "document_id": f"d{i}",
                        "start": 0,
                        "end": 5,
                        "surface": "s",
                        "target": f"A/RES/{40 + t % 40}/{t}",
                        "kind": "ga_resolution",
                        "year": None,
                        "paragraph": str(rng.randrange(1, 20)),
                    }
                )
    db["documents"].insert_all(docs)
    db["passages"].insert_all(passages)
    return write_references(db, refs)


def _median_ms(fn: Callable[[], object], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    """Build the synthetic record and print the timings."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        conn = sqlite3.connect(Path(tmp) / "bench.sqlite")
        db = sqlite_utils.Database(conn)
        migrate(db)
        n_refs = _record(db, args.documents, args.seed)
        store = Store(db)
        print(f"{args.documents} documents, {n_refs} references")
        timings = {
            "references to one symbol": lambda: store.references(target="A/RES/45/5"),
            "references of one document": lambda: store.references(document_id="d77"),
            "every instrument, counted": store.reference_targets,
        }
        for label, fn in timings.items():
            print(f"  {label:<28} {_median_ms(fn):8.2f} ms")
        conn.close()


if __name__ == "__main__":
    main()
