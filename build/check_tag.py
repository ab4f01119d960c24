"""Fail when a release tag does not match the version in ``pyproject.toml``.

Usage: ``python build/check_tag.py v1.2.3``
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    """Compare the tag (``v`` + version) with ``[project] version``.

    Args:
        argv: The tag, alone (default: ``sys.argv[1:]``).

    Returns:
        0 when they match, 1 otherwise.
    """
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: check_tag.py TAG", file=sys.stderr)
        return 2
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    expected = "v" + data["project"]["version"]
    if args[0] != expected:
        print(f"check_tag: tag {args[0]} but pyproject.toml says {expected}", file=sys.stderr)
        return 1
    print(f"check_tag: {expected} ok")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
