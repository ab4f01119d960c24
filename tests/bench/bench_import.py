"""Import and removal cost against the library's size: empty, 100 and 1,000 documents.

``python -m tests.bench.bench_import [--repeats 7]`` works in a temporary data folder on
generated General Assembly resolutions (:mod:`tests.helpers.resolutions`) and prints:

* one import (the API call ``import_files([file])``, as ``liaison import`` makes it, minus
  the interpreter's start) into an empty library, and into libraries of 100 and 1,000
  documents, each repeated with other resolutions (each taken out again, untimed);
* the same imports in a long-lived process (the window), which remembers the digests of the
  store files it verified while they stay unchanged;
* a removal from the 1,000-document library, repeated;
* a folder of 100 resolutions imported in one call (into the empty library; it makes the
  library of 100);
* the store's index segments and one search's latency at 1,000 documents.

Before each timed call the process forgets the digests it computed
(:func:`db.files.cold`), so the store is verified against its manifest by reading every
file, as a new ``liaison`` process does.

The library of 1,000 is made by recording 900 more originals and one full build (the
incremental path is what is measured, not how the benchmark gets there). Targets on this
machine: one import into 1,000 ≤ 1 s and ≤ 2× the same import into an empty library, a
folder of 100 ≤ 60 s, a removal ≤ 1 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from db import files, paths
from db.build import build_store
from db.files import sha256_bytes
from db.freshness import store_state
from db.imports import import_files, remove_document
from db.index import index_stats
from db.library import open_library
from db.originals import ImportedFile, record_original, write_library_manifest
from tests.helpers.resolutions import marker, write_resolutions


def _pct(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def _line(label: str, values: list[float], base: float | None = None) -> str:
    med = statistics.median(values)
    text = f"{label:<34} median {med:6.3f} s  p95 {_pct(values, 95):6.3f} s  (n={len(values)})"
    if base:
        text += f"  {med / base:4.2f}× empty"
    return text


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print its lines."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--large", type=int, default=1000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="liaison-bench-import-") as tmp:
        os.environ[paths.ENV_DATA_DIR] = str(Path(tmp) / "data")
        run(Path(tmp), args.repeats, args.large)


def run(tmp: Path, repeats: int, large: int) -> None:
    """Measure in the data folder the environment names; print one line per figure."""
    probes = write_resolutions(tmp / "probes", range(90_000, 90_000 + repeats))
    folder = write_resolutions(tmp / "folder", range(1, 101))
    more = write_resolutions(tmp / "more", range(101, large + 1))
    build_store()

    liaison = Path(sys.executable).parent / "liaison"

    def by_command(label: str, base: float | None) -> float:
        """Time ``liaison import FILE`` as a new process (the officer's wait), n=3."""
        times = []
        for n in range(3):
            (path,) = write_resolutions(tmp / f"cli-{label}", [80_000 + 10 * len(label) + n])
            started = time.perf_counter()
            subprocess.run([str(liaison), "import", str(path)], check=True, capture_output=True)
            times.append(time.perf_counter() - started)
            (report,) = import_files([path])  # already there: tells its id
            remove_document(report.document_id)
        med = statistics.median(times)
        ratio = f"  {med / base:4.2f}× empty" if base else ""
        print(f"{'  liaison import FILE, ' + label:<34} median {med:6.3f} s  (n=3){ratio}")
        return med

    def one_import_each(*, cold: bool = True) -> list[float]:
        """Import each probe and take it out again; ``cold``: as a new process would."""
        times = []
        for path in probes:
            if cold:
                files.cold()
            started = time.perf_counter()
            (report,) = import_files([path])
            times.append(time.perf_counter() - started)
            assert report.ok, report.message
            remove_document(report.document_id)
        return times

    (warmup,) = write_resolutions(tmp / "warmup", [99_999])
    (report,) = import_files([warmup])  # untimed: the process's one-time loads (token table)
    remove_document(report.document_id)
    empty = one_import_each()
    print(_line("one import, empty library", empty))
    base = statistics.median(empty)
    warm_empty = one_import_each(cold=False)
    print(_line("  in a running window, empty", warm_empty))
    warm_base = statistics.median(warm_empty)
    cli_base = by_command("empty library", None)

    files.cold()
    started = time.perf_counter()
    reports = import_files(folder)
    whole = time.perf_counter() - started
    assert all(r.ok for r in reports), [r.message for r in reports if not r.ok]
    print(f"{'folder of 100 in one call':<34} {whole:6.1f} s  ({whole / len(folder):.3f} s a file)")

    hundred = one_import_each()
    print(_line("one import, 100 documents", hundred, base))
    by_command("100 documents", cli_base)

    started = time.perf_counter()
    library = paths.library_dir()
    for path in more:
        data = path.read_bytes()
        record = ImportedFile(
            sha256=sha256_bytes(data),
            file_name=path.name,
            suffix=".txt",
            format="text",
            encoding="utf-8",
            size=len(data),
            title=None,
            imported_at=datetime.now(UTC).isoformat(timespec="microseconds"),
        )
        record_original(library, record, data)
    write_library_manifest(library)
    build_store()
    assert store_state() == "fresh"
    print(f"{'(library of 1,000 built in full)':<34} {time.perf_counter() - started:6.1f} s")

    thousand = one_import_each()
    print(_line(f"one import, {large:,} documents", thousand, base))
    print(_line(f"  in a running window, {large:,}", one_import_each(cold=False), warm_base))
    by_command(f"{large:,} documents", cli_base)

    removals = []
    with open_library() as lib:
        victims = [d["id"] for d in lib.documents() if d["origin"] == "imported"][-repeats:]
    for doc_id in victims:
        files.cold()
        started = time.perf_counter()
        remove_document(doc_id)
        removals.append(time.perf_counter() - started)
    print(_line(f"removal, {large:,} documents", removals))

    stats = index_stats(paths.store_dir() / "index")
    with open_library() as lib:
        lib.search(marker(5))
        started = time.perf_counter()
        hits = lib.search(marker(7)).hits
        took = time.perf_counter() - started
    print(
        f"{'index at the end':<34} {stats['segments']} segments, {stats['passages']:,} "
        f"passages, {stats['deleted']} deleted; a search {took * 1000:.0f} ms "
        f"(first hit {hits[0].passage_id if hits else None})"
    )


if __name__ == "__main__":
    main()
