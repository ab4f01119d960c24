"""A damaged copy of the bundled embeddings folder, for the tests of what a bad model does."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from db import paths


def damaged_embeddings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> Path:
    """Copy the embeddings folder, flip one bit in the middle of ``name``, and use the copy.

    Args:
        tmp_path: Where the copy goes.
        monkeypatch: Points :func:`db.paths.embeddings_dir` at the copy (undone after the test).
        name: The file to damage (the token table, the encoder).

    Returns:
        The copied folder.
    """
    folder = tmp_path / "embeddings"
    shutil.copytree(paths.embeddings_dir(), folder)
    damaged = bytearray((folder / name).read_bytes())
    damaged[len(damaged) // 2] ^= 0x01
    (folder / name).write_bytes(bytes(damaged))
    monkeypatch.setattr(paths, "embeddings_dir", lambda: folder)
    return folder
