"""The ``liaison`` entry point: opens the window without loading the command-line machinery.

``liaison gui`` and ``liaison gui --smoke`` (the Start-menu launcher's call, and the packaged
smoke check) go straight to :func:`desktop.app.main.run_gui`, so start-up does not pay for
importing click and every command; anything else is handed to :mod:`desktop.cli`.
"""

from __future__ import annotations

import os
import sys

_FAST = (["gui"], ["gui", "--smoke"])
#: The BLAS libraries' thread settings (OpenBLAS on Linux and Windows, Accelerate on macOS,
#: MKL where numpy was built with it), read once when numpy loads.
BLAS_THREADS_VARIABLES = ("OPENBLAS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "MKL_NUM_THREADS")


def one_blas_thread() -> None:
    """Run numpy's matrix products on one thread (unless the user set otherwise).

    The sentence encoder (:mod:`db.encoder`) multiplies small matrices for a look-up; a
    BLAS that splits even those among its threads makes each product wait for a thread to
    be scheduled on a busy machine (a median of 330 ms a look-up measured that way, 8 ms on
    one thread), while the large products of a build ran no faster on two threads than on
    one here. Must run before numpy is imported.
    """
    for name in BLAS_THREADS_VARIABLES:
        os.environ.setdefault(name, "1")


def main() -> None:
    """Console-script entry point."""
    one_blas_thread()
    args = sys.argv[1:]
    if args in _FAST:
        from db.errors import LiaisonError
        from desktop.app.main import run_gui

        try:
            code = run_gui(smoke=args == ["gui", "--smoke"])
        except LiaisonError as exc:
            print(f"liaison: error: {exc}", file=sys.stderr)
            code = 1
        raise SystemExit(code)
    from desktop.cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
