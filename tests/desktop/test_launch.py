"""The ``liaison`` entry point: BLAS on one thread before numpy loads."""

from __future__ import annotations

import os

from desktop.launch import BLAS_THREADS_VARIABLES, one_blas_thread


def test_numpy_products_are_set_to_one_thread_unless_the_user_chose(monkeypatch):
    for name in BLAS_THREADS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MKL_NUM_THREADS", "3")
    one_blas_thread()
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"
    assert os.environ["VECLIB_MAXIMUM_THREADS"] == "1"
    assert os.environ["MKL_NUM_THREADS"] == "3"
