"""Memory of ``liaison search --json -`` over many unique queries: does it level off?

Run ``python -m tests.bench.bench_batch_memory``. Builds the store from the bundled
corpus into a temporary data folder, starts one batch process, feeds it ``--n``
unique queries (default 30,000: words of the corpus, near-miss spellings that go
through typo correction, and a token never seen before in each query) and prints
the process's resident memory (``VmRSS`` from ``/proc``, Linux only) every
``--every`` queries, with the growth over the second half of the run.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from db import paths

LIAISON = Path(sys.executable).parent / "liaison"


def unique_queries(n: int, seed: int) -> list[str]:
    """Return ``n`` distinct queries: corpus words, misspellings and a new token each."""
    words: set[str] = set()
    for p in paths.corpus_dir().glob("*.txt"):
        words.update(w.lower() for w in re.findall(r"[A-Za-z]{4,}", p.read_text(encoding="utf-8")))
    vocab = sorted(words)
    rng = random.Random(seed)
    out = []
    for i in range(n):
        picked = [rng.choice(vocab) for _ in range(rng.randrange(1, 4))]
        if rng.random() < 0.5:  # a typo: one letter swapped for another
            w = picked[0]
            k = rng.randrange(len(w))
            picked[0] = w[:k] + rng.choice("abcdefghijklmnopqrstuvwxyz") + w[k + 1 :]
        picked.append(f"zq{i:x}")
        out.append(" ".join(picked))
    return out


def rss_kib(pid: int) -> int:
    """Return the resident set size of a process in KiB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def main() -> None:
    """Run the batch and print RSS as it goes."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=30_000)
    ap.add_argument("--every", type=int, default=5_000)
    ap.add_argument("--seed", type=int, default=17)
    args = ap.parse_args()
    queries = unique_queries(args.n, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, paths.ENV_DATA_DIR: tmp}
        subprocess.run([str(LIAISON), "build"], env=env, check=True, capture_output=True)
        proc = subprocess.Popen(
            [str(LIAISON), "search", "--json", "-"],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
        )
        assert proc.stdin is not None and proc.stdout is not None
        figures: list[tuple[int, int]] = []
        answered = 0
        # One query at a time: wait for its answer line, so RSS is read between queries.
        for i, q in enumerate(queries, start=1):
            proc.stdin.write(q + "\n")
            proc.stdin.flush()
            proc.stdout.readline()
            answered += 1
            if i == 1 or i % args.every == 0:
                figures.append((i, rss_kib(proc.pid)))
                print(f"{i:>7} queries: RSS {figures[-1][1] / 1024:.0f} MiB", flush=True)
        proc.stdin.close()
        proc.wait(timeout=60)
    half = [f for f in figures if f[0] >= args.n // 2]
    growth = (half[-1][1] - half[0][1]) / 1024 if len(half) > 1 else 0.0
    print(
        f"answered {answered}; RSS first {figures[0][1] / 1024:.0f} MiB, "
        f"last {figures[-1][1] / 1024:.0f} MiB, growth over the second half {growth:+.1f} MiB"
    )


if __name__ == "__main__":
    main()
