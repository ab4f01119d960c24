"""The data lock: taken or refused in one line, never silently skipped."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from db.errors import LockError
from db.locking import LOCK_NAME, data_lock


def test_a_folder_in_place_of_the_lock_file_is_an_error(tmp_path: Path):
    (tmp_path / LOCK_NAME).mkdir()
    with pytest.raises(LockError) as info, data_lock(tmp_path):
        pass
    assert str(info.value) == (
        f"cannot lock the data folder {tmp_path} against another copy of Liaison: "
        f"{LOCK_NAME} is a folder, not a file; remove it"
    )


def test_a_lock_file_that_cannot_be_opened_is_an_error(tmp_path: Path):
    os.symlink(tmp_path / "missing" / "target", tmp_path / LOCK_NAME)  # dangles
    with pytest.raises(LockError, match=f"{LOCK_NAME} cannot be opened"), data_lock(tmp_path):
        pass


def test_the_lock_is_held_and_reentrant(tmp_path: Path):
    with data_lock(tmp_path) as held, data_lock(tmp_path) as again:
        assert held is True and again is True
    assert (tmp_path / LOCK_NAME).is_file()
