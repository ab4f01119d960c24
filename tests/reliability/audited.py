"""Run the ``liaison`` CLI under an audit hook that logs network and process events.

Usage: ``python -m tests.reliability.audited LOG [liaison arguments…]``. Each event
is appended to LOG as one JSON line; so is every import of ``PySide6.QtNetwork``
with the files on the importing stack (only the single-instance guard may import it).
"""

from __future__ import annotations

import json
import sys
import traceback
from typing import Any

from tests.reliability.guards import NETWORK_EVENTS, PROCESS_EVENTS

LOG = sys.argv[1]


def _write(record: dict[str, Any]) -> None:
    with open(LOG, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, default=repr) + "\n")


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if event in NETWORK_EVENTS or (event in PROCESS_EVENTS and event != "ctypes.dlopen"):
        _write({"event": event, "args": [repr(a) for a in args]})
    elif event == "import" and args and args[0] == "PySide6.QtNetwork":
        files = [f.filename for f in traceback.extract_stack()]
        _write({"event": "import QtNetwork", "stack": files})


def main() -> None:
    """Install the hook, then run the CLI with the remaining arguments."""
    open(LOG, "a").close()
    sys.addaudithook(_hook)
    from desktop.cli import main as cli_main

    sys.argv = ["liaison", *sys.argv[2:]]
    cli_main()


if __name__ == "__main__":
    main()
