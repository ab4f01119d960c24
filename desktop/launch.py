"""The ``liaison`` entry point: opens the window without loading the command-line machinery.

``liaison gui`` and ``liaison gui --smoke`` (the Start-menu launcher's call, and the packaged
smoke check) go straight to :func:`desktop.app.main.run_gui`, so start-up does not pay for
importing click and every command; anything else is handed to :mod:`desktop.cli`.
"""

from __future__ import annotations

import sys

_FAST = (["gui"], ["gui", "--smoke"])


def main() -> None:
    """Console-script entry point."""
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
