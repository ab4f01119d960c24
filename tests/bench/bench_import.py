"""Import and removal cost against the library's size: empty, 100 and 1,000 documents.

``python -m tests.bench.bench_import [--repeats 9]`` works in temporary data folders on
generated General Assembly resolutions (:mod:`tests.helpers.resolutions`). Three libraries
are made first: an empty one (the bundled texts alone), one of 100 documents (a folder of
100 imported in one call, timed) and one of 1,000 (900 more originals recorded and one full
build: the incremental path is what is measured, not how the benchmark gets there). Then
the imports are timed side by side, round after round in turn into each library (so a
change of the machine's load falls on all three alike), each taken out again untimed:

* one import (the API call ``import_files([file])``, as ``liaison import`` makes it, minus
  the interpreter's start), with the process's remembered digests and reads forgotten
  before each (:func:`db.files.cold`), as a new process;
* the same imports in a long-lived process (the window), which remembers what it read
  and verified while it stays unchanged;
* ``liaison import FILE`` as a new process (the officer's whole wait, n=3 each);
* a removal from the 1,000-document library, repeated;
* the store's index segments and one search's latency at 1,000 documents.

Targets on this machine: one import into 1,000 ≤ 1 s and ≤ 2× the same import into an
empty library, a folder of 100 ≤ 60 s, a removal ≤ 1 s.
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
from db.sentences import forget
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
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--large", type=int, default=1000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="liaison-bench-import-") as tmp:
        os.environ[paths.ENV_DATA_DIR] = str(Path(tmp) / "data")
        run(Path(tmp), args.repeats, args.large)


def run(tmp: Path, repeats: int, large: int) -> None:
    """Measure in folders under ``tmp``; print one line per figure."""
    probes = write_resolutions(tmp / "probes", range(90_000, 90_000 + repeats))
    folder = write_resolutions(tmp / "folder", range(1, 101))
    more = write_resolutions(tmp / "more", range(101, large + 1))
    liaison = Path(sys.executable).parent / "liaison"
    sizes = {"empty library": tmp / "empty", "100 documents": tmp / "hundred"}
    sizes[f"{large:,} documents"] = tmp / "large"

    for data in sizes.values():
        paths.set_data_dir(data)
        build_store()
        (warmup,) = write_resolutions(tmp / "warmup", [99_999])
        (report,) = import_files([warmup])  # untimed: one-time loads (token table)
        remove_document(report.document_id)

    paths.set_data_dir(sizes["100 documents"])
    files.cold()
    forget()  # every import below embeds its clauses as text never seen (db.sentences)
    started = time.perf_counter()
    reports = import_files(folder)
    whole = time.perf_counter() - started
    assert all(r.ok for r in reports), [r.message for r in reports if not r.ok]
    print(f"{'folder of 100 in one call':<34} {whole:6.1f} s  ({whole / len(folder):.3f} s a file)")

    paths.set_data_dir(sizes[f"{large:,} documents"])
    started = time.perf_counter()
    library = paths.library_dir()
    for path in [*folder, *more]:
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
    print(f"{f'(library of {large:,} built in full)':<34} {time.perf_counter() - started:6.1f} s")

    def import_each(data: Path, path: Path, *, cold: bool) -> float:
        """Import one file into the library at ``data``, take it out again; its time."""
        paths.set_data_dir(data)
        if cold:
            files.cold()
        forget()
        started = time.perf_counter()
        (report,) = import_files([path])
        took = time.perf_counter() - started
        assert report.ok, report.message
        remove_document(report.document_id)
        return took

    for cold, label in ((True, "one import, {}"), (False, "  in a running window, {}")):
        times: dict[str, list[float]] = {name: [] for name in sizes}
        for path in probes:
            for name, data in sizes.items():
                times[name].append(import_each(data, path, cold=cold))
        base = statistics.median(times["empty library"])
        for name in sizes:
            print(_line(label.format(name), times[name], None if name == "empty library" else base))

    by_command: dict[str, list[float]] = {name: [] for name in sizes}
    for n in range(3):
        for name, data in sizes.items():
            (path,) = write_resolutions(tmp / "cli", [80_000 + n])
            started = time.perf_counter()
            subprocess.run(
                [str(liaison), "--data-dir", str(data), "import", str(path)],
                check=True,
                capture_output=True,
            )
            by_command[name].append(time.perf_counter() - started)
            paths.set_data_dir(data)
            (report,) = import_files([path])  # already there: tells its id
            remove_document(report.document_id)
    cli_base = statistics.median(by_command["empty library"])
    for name in sizes:
        med = statistics.median(by_command[name])
        ratio = "" if name == "empty library" else f"  {med / cli_base:4.2f}× empty"
        print(f"{'  liaison import FILE, ' + name:<34} median {med:6.3f} s  (n=3){ratio}")

    paths.set_data_dir(sizes[f"{large:,} documents"])
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
