"""Whether a built store is usable as it is: its manifest, its inputs' fingerprint, its state.

The read side of the store's life: opening a library checks a store with these
functions and nothing else, so it never imports the parsers, the extractors or the
builder (:mod:`db.build`), which only building, importing and repairing need. The
versions folded into the fingerprint come from the modules that own them
(:data:`db.versions.PARSER_VERSION` for the parsers).
"""

from __future__ import annotations

import fnmatch
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

from db import paths
from db.files import sha256_bytes, sha256_file, sha256_file_cached
from db.index import INDEX_VERSION
from db.originals import library_fingerprint
from db.semantic import VECTORS_VERSION
from db.store import DB_FILENAME, SCHEMA_VERSION, read_fingerprint
from db.versions import PARSER_VERSION

MANIFEST_NAME = "manifest.json"


def inputs_fingerprint(resources: Path | None = None, library: Path | None = None) -> str:
    """Return a fingerprint of everything a build reads, and of the code versions.

    A store whose recorded fingerprint differs is stale: rebuilt when the resources or
    the code changed, brought in line incrementally when only the library did (see
    :func:`sync_store`).

    Args:
        resources: The resources folder (default: the bundled one).
        library: The officer's library folder (default: the data folder's).
    """
    return combined_fingerprint(
        library_fingerprint(library or paths.library_dir()), resources_fingerprint(resources)
    )


def combined_fingerprint(library_part: str, resources_part: str) -> str:
    """Return the store's fingerprint from its library part and its resources part."""
    return sha256_bytes(f"{library_part}{resources_part}".encode())


#: (path, size, mtime_ns) → SHA-256 of the resource files hashed by this process.
_RESOURCE_DIGESTS: dict[tuple[str, int, int], str] = {}


def resources_fingerprint(resources: Path | None = None) -> str:
    """Return a fingerprint of the resources a build reads, and of the code versions.

    That is the corpus, gazetteer, search and embeddings folders: what a change of the
    library leaves alone.

    A file is hashed once per process while its size and modification time stay the same.
    """
    resources = resources or paths.resources_dir()
    parts = [
        f"schema={SCHEMA_VERSION};parser={PARSER_VERSION};index={INDEX_VERSION}",
        f";vectors={VECTORS_VERSION}",
    ]
    for sub in ("corpus", "gazetteer", "search", "embeddings"):
        folder = resources / sub
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            st = path.stat()
            key = (str(path), st.st_size, st.st_mtime_ns)
            digest = _RESOURCE_DIGESTS.get(key)
            if digest is None:
                digest = _RESOURCE_DIGESTS[key] = sha256_file(path)
            parts += [str(path.relative_to(resources)), digest]
    return sha256_bytes("".join(parts).encode())


def pending_change(store_dir: Path) -> list[str] | None:
    """Return the documents of an in-place change cut short, or None when there is none."""
    try:
        pending = json.loads((store_dir / MANIFEST_NAME).read_text(encoding="utf-8")).get("pending")
    except (OSError, ValueError, AttributeError):
        return None
    if not isinstance(pending, dict):
        return None
    docs = pending.get("documents")
    if not isinstance(docs, list) or not all(isinstance(d, str) for d in docs):
        return None
    return docs


def file_stat(path: Path) -> list[int]:
    """Return what a store's manifest records of a file besides its digest.

    Its size and modification time (ns): a file whose two are the recorded ones is the
    file the manifest's writer saw (as ``make`` and ``rsync`` judge files). The inode is
    left out: a copy that keeps modification times (``cp -p``, ``rsync -a``, a backup
    restored) holds the same bytes, and a FAT drive numbers its inodes anew on each mount.
    """
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


def store_files(store_dir: Path) -> list[str]:
    """Return the store's files a manifest lists, as ``/``-separated relative paths."""
    return sorted(
        str(p.relative_to(store_dir)).replace(os.sep, "/")
        for p in store_dir.rglob("*")
        if p.is_file() and p.name != MANIFEST_NAME and not manifest_leftover(store_dir, p)
    )


def read_manifest(store_dir: Path) -> dict[str, dict[str, Any]] | None:
    """Return a store manifest's ``files`` (digests) and ``stats``, or None when unusable.

    ``files`` maps each file to its SHA-256, or to None for a file recorded by its
    :func:`file_stat` alone (the record, after an in-place change: see
    :func:`db.build.write_manifest`); ``stats`` maps files to their :func:`file_stat`
    (empty in a manifest written before stats were recorded).
    """
    try:
        manifest = json.loads((store_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
        files = manifest["files"]
        stats = manifest.get("stats", {})
    except (ValueError, KeyError, TypeError, AttributeError, OSError):
        return None
    # Valid JSON of the wrong shape ({"files": null}, a string, a list) is damage too.
    if not isinstance(files, dict) or not all(
        isinstance(k, str) and isinstance(v, (str, type(None))) and _safe_relative(k)
        for k, v in files.items()
    ):
        return None
    if not isinstance(stats, dict) or not all(
        isinstance(v, list) and len(v) == 2 and all(type(x) is int for x in v)
        for v in stats.values()
    ):
        return None
    return {"files": files, "stats": stats}


def verify_manifest(store_dir: Path) -> list[str]:
    """Compare a store with its manifest.

    A file whose size and modification time are the recorded ones is as recorded and is
    not read; any other is hashed and compared with its recorded SHA-256 (a file recorded
    by its stat alone has then changed). A store opened where it was written, or copied
    with its modification times, is not read at all; one copied without them is read whole
    on each check until its next change records the new stats.

    Returns:
        One line per problem (missing, changed or unknown file); empty when the
        store is exactly as built.
    """
    if not (store_dir / MANIFEST_NAME).is_file():
        return ["the manifest is missing"]
    manifest = read_manifest(store_dir)
    if manifest is None:
        return ["the manifest is unreadable"]
    if pending_change(store_dir) is not None:
        return ["a change of the store was interrupted"]
    files, stats = manifest["files"], manifest["stats"]
    problems = []
    present = set(store_files(store_dir))
    for rel, digest in sorted(files.items()):
        if rel not in present:
            problems.append(f"{rel} is missing")
        elif not _as_recorded(store_dir / rel, digest, stats.get(rel)):
            problems.append(f"{rel} has changed")
    for rel in sorted(present - set(files)):
        problems.append(f"{rel} is not part of the store")
    return problems


def _as_recorded(path: Path, digest: str | None, stat: list[int] | None) -> bool:
    """True when a file is the one its manifest entry records (see :func:`verify_manifest`)."""
    if stat is not None and file_stat(path) == stat:
        return True
    return digest is not None and sha256_file_cached(path) == digest


def manifest_leftover(store_dir: Path, path: Path) -> bool:
    """True for a manifest being written beside the store's when its writer was killed."""
    return path.parent == store_dir and fnmatch.fnmatch(path.name, f".{MANIFEST_NAME}.*.tmp")


def _safe_relative(rel: str) -> bool:
    """True for a manifest entry naming a file inside the store (no ``..``, not absolute)."""
    parts = rel.split("/")
    return bool(rel) and not rel.startswith("/") and ".." not in parts and ":" not in parts[0]


def library_only_stale(store_dir: Path, resources: Path | None = None) -> bool:
    """True when a stale store differs from its inputs only by the officer's library."""
    try:
        recorded = read_fingerprint(store_dir / DB_FILENAME, "resources_fingerprint")
    except sqlite3.DatabaseError:
        return False
    return recorded is not None and recorded == resources_fingerprint(resources)


def store_state(store_dir: Path | None = None, library: Path | None = None) -> str:
    """Return ``"missing"``, ``"interrupted"``, ``"stale"``, ``"damaged"`` or ``"fresh"``.

    ``"interrupted"``: an in-place change (an import, a removal) was cut short; see
    :func:`repair_interrupted`.
    """
    store_dir = store_dir or paths.store_dir()
    db_path = store_dir / DB_FILENAME
    if not db_path.is_file():
        return "missing"
    if pending_change(store_dir) is not None:
        return "interrupted"
    if verify_manifest(store_dir):
        return "damaged"
    try:
        fingerprint = read_fingerprint(db_path)
    except sqlite3.DatabaseError:
        return "damaged"
    if fingerprint is None or fingerprint != inputs_fingerprint(library=library):
        return "stale"
    return "fresh"


def leftover_stores(store_dir: Path) -> list[Path]:
    """Return the half-built or swapped-out stores a killed build left beside ``store_dir``."""
    if not store_dir.parent.is_dir():
        return []
    return [
        p
        for p in store_dir.parent.glob(f".{store_dir.name}.*-*")
        if p.is_dir() and p.name.split(".")[-1].split("-")[0] in ("building", "old")
    ]
