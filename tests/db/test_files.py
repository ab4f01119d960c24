"""db.files: reads remembered by the digest of a file's bytes (read_once, cold)."""

from __future__ import annotations

import os
from pathlib import Path

from db import files
from db.files import read_once


def _rewrite_keeping_size_and_mtime(path: Path, data: bytes) -> None:
    st = path.stat()
    assert len(data) == st.st_size
    path.write_bytes(data)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_read_once_reads_again_when_the_bytes_change_whatever_the_mtime(tmp_path):
    path = tmp_path / "record"
    path.write_bytes(b"aaaa")
    calls: list[bytes] = []

    def read() -> bytes:
        calls.append(path.read_bytes())
        return calls[-1]

    assert read_once("test record", path, read) == b"aaaa"
    assert read_once("test record", path, read) == b"aaaa"
    assert len(calls) == 1  # the same bytes: remembered
    _rewrite_keeping_size_and_mtime(path, b"bbbb")
    assert read_once("test record", path, read) == b"bbbb"
    assert len(calls) == 2
    files.cold()
    assert read_once("test record", path, read) == b"bbbb"
    assert len(calls) == 3  # a new process reads again


def test_read_once_keeps_nothing_read_while_the_file_changed(tmp_path):
    path = tmp_path / "record"
    path.write_bytes(b"old")
    calls: list[str] = []

    def read_then_changed() -> str:
        calls.append("read")
        path.write_bytes(b"new")  # another writer commits while this one reads
        return "what was read"

    read_once("test record", path, read_then_changed)
    path.write_bytes(b"old")
    read_once("test record", path, read_then_changed)
    assert calls == ["read", "read"]  # the first read was not trusted for b"old"


def test_remember_stands_for_a_read_of_exactly_the_bytes_written(tmp_path):
    path = tmp_path / "manifest"
    path.write_bytes(b"written")
    files.remember("test manifest", b"written", "as written")
    calls: list[str] = []

    def read() -> str:
        calls.append("read")
        return "read from disk"

    assert read_once("test manifest", path, read) == "as written"
    assert calls == []
    _rewrite_keeping_size_and_mtime(path, b"changed")
    assert read_once("test manifest", path, read) == "read from disk"
    assert calls == ["read"]


def test_read_once_keeps_the_latest_few_results_of_a_name(tmp_path):
    paths = [tmp_path / f"record-{n}" for n in range(max(3, files.KEEP_PER_NAME) + 1)]
    for n, path in enumerate(paths):
        path.write_bytes(f"library {n}".encode())
    calls: list[str] = []

    def reader(path: Path):
        return lambda: calls.append(path.name) or path.name

    three = paths[:3]
    for _ in range(3):  # three libraries in turn in one process: each read once
        for path in three:
            assert read_once("test record", path, reader(path)) == path.name
    assert calls == [p.name for p in three]
    for path in paths[3:]:  # more than the latest few: the oldest is read again
        read_once("test record", path, reader(path))
    read_once("test record", paths[0], reader(paths[0]))
    assert calls == [p.name for p in paths] + [paths[0].name]
