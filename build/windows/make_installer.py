"""Build the Windows installer ``dist/installers/Liaison-<version>-windows-x64-setup.exe``.

Steps:

1. Unless ``--no-bundle`` is given or ``dist/Liaison/Liaison.exe`` exists, build the
   frozen app with ``build/bundle.py --skip-minimal --no-measure``.
2. Read the version from ``pyproject.toml`` (``[project] version``).
3. Find Inno Setup's compiler ``ISCC.exe`` (``--iscc``, ``$ISCC``, ``PATH``, then the
   usual install folders; ``choco install innosetup`` puts it there).
4. Run ``ISCC /DAppVersion=<version> /DSourceDir=<dist/Liaison> /DOutputDir=<dist/installers>
   build/windows/liaison.iss``.

``--dry-run`` prints the ISCC command without running anything, so the script can be
checked on any OS.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ISS = ROOT / "build" / "windows" / "liaison.iss"
ISCC_CANDIDATES = (
    r"C:\Program Files (x86)\Inno Setup 6\ISCC.exe",
    r"C:\Program Files\Inno Setup 6\ISCC.exe",
    os.path.expandvars(r"%LOCALAPPDATA%\Programs\Inno Setup 6\ISCC.exe"),
)


def project_version() -> str:
    """Return ``[project] version`` from ``pyproject.toml``."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return data["project"]["version"]


def find_iscc(explicit: str | None) -> str | None:
    """Return the path of ``ISCC.exe``, or None when Inno Setup is not installed.

    Args:
        explicit: A path given on the command line, tried first.
    """
    for candidate in (explicit, os.environ.get("ISCC")):
        if candidate and Path(candidate).is_file():
            return candidate
    on_path = shutil.which("ISCC") or shutil.which("iscc")
    if on_path:
        return on_path
    return next((c for c in ISCC_CANDIDATES if Path(c).is_file()), None)


def installer_path(out_dir: Path, version: str) -> Path:
    """Return where ISCC writes the installer (``OutputBaseFilename`` in the .iss)."""
    return out_dir / f"Liaison-{version}-windows-x64-setup.exe"


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point.

    Args:
        argv: Arguments (default: ``sys.argv[1:]``).

    Returns:
        The exit code.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="PyInstaller dist folder")
    parser.add_argument("--iscc", help="path of ISCC.exe")
    parser.add_argument("--no-bundle", action="store_true", help="never build the frozen app")
    parser.add_argument("--dry-run", action="store_true", help="print the ISCC command only")
    args = parser.parse_args(argv)

    dist = args.dist.resolve()
    source = dist / "Liaison"
    out_dir = dist / "installers"
    version = project_version()

    if not (source / "Liaison.exe").is_file() and not args.no_bundle and not args.dry_run:
        print("make_installer: building the frozen app …", flush=True)
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "build" / "bundle.py"),
                *("--dist", str(dist), "--skip-minimal", "--no-measure"),
            ],
            check=True,
        )
    iscc = find_iscc(args.iscc) or "ISCC.exe"
    cmd = [
        iscc,
        f"/DAppVersion={version}",
        f"/DSourceDir={source}",
        f"/DOutputDir={out_dir}",
        str(ISS),
    ]
    print("make_installer: " + subprocess.list2cmdline(cmd), flush=True)
    if args.dry_run:
        return 0
    if sys.platform != "win32":
        print("make_installer: Inno Setup runs on Windows only", file=sys.stderr)
        return 2
    if not (source / "Liaison.exe").is_file() or not (source / "liaison-cli.exe").is_file():
        print(f"make_installer: no Windows bundle in {source}", file=sys.stderr)
        return 1
    if find_iscc(args.iscc) is None:
        print(
            "make_installer: ISCC.exe not found; install Inno Setup 6 "
            "(choco install innosetup) or pass --iscc",
            file=sys.stderr,
        )
        return 1
    out_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(cmd, check=True)
    setup = installer_path(out_dir, version)
    if not setup.is_file():
        print(f"make_installer: ISCC did not write {setup}", file=sys.stderr)
        return 1
    print(f"make_installer: {setup} ({setup.stat().st_size / 2**20:.1f} MiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
