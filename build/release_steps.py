"""The release steps, one subcommand each: what ``.github/workflows/release.yml`` runs.

Every step runs the same way on a developer's machine as in CI::

    python build/release_steps.py quick-checks     # ruff + the fast tests (offscreen Qt)
    python build/release_steps.py bundle           # build/bundle.py: both bundles + report
    python build/release_steps.py installer        # Windows .exe setup, macOS .dmg, Linux .tar.gz
    python build/release_steps.py smoke-installed  # install it, run the installed app, uninstall

``smoke-installed`` installs the installer this OS's ``installer`` step wrote (Windows: a
silent per-user install; macOS: copy the app out of the mounted image into
``~/Applications``; Linux: unpack the archive), then runs the *installed* app headless
(``QT_QPA_PLATFORM=offscreen``): ``gui --smoke`` must print its JSON timings and
``search --json "maritime piracy"`` must return hits. On Windows it also checks that
reinstalling removes a stray file from the previous install (``[InstallDelete]``) and that
uninstalling removes the program folder but keeps the data folder.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
INSTALLERS = DIST / "installers"
QUERY = "maritime piracy"


def version() -> str:
    """Return ``[project] version`` from ``pyproject.toml``."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return data["project"]["version"]


def run(*cmd: str | Path, env: dict[str, str] | None = None) -> None:
    """Run a command from the repository root, echoing it; fail on a non-zero exit."""
    args = [str(c) for c in cmd]
    print("+ " + subprocess.list2cmdline(args), flush=True)
    subprocess.run(args, cwd=ROOT, env=env, check=True)


def headless_env(data_dir: Path | None = None) -> dict[str, str]:
    """Return the environment for a headless run of the app (optionally with its own data)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    if data_dir is not None:
        env["LIAISON_DATA_DIR"] = str(data_dir)
    return env


# -- steps ----------------------------------------------------------------------------------


def quick_checks() -> None:
    """Lint and run the fast tests (everything but the slow bundle test)."""
    run(sys.executable, "-m", "ruff", "check", ".")
    run(sys.executable, "-m", "ruff", "format", "--check", ".")
    run(sys.executable, "-m", "pytest", "-q", "-m", "not slow", env=headless_env())


def bundle() -> None:
    """Build the frozen app and the minimal yardstick; write ``dist/bundle-report.json``."""
    run(sys.executable, ROOT / "build" / "bundle.py")


def installer() -> Path:
    """Build this OS's installer into ``dist/installers`` and return its path."""
    v = version()
    if sys.platform == "win32":
        run(sys.executable, ROOT / "build" / "windows" / "make_installer.py", "--no-bundle")
        return INSTALLERS / f"Liaison-{v}-windows-x64-setup.exe"
    if sys.platform == "darwin":
        env = dict(os.environ, SKIP_BUNDLE="1", PYTHON=sys.executable)
        run("bash", ROOT / "build" / "macos" / "make_dmg.sh", env=env)
        arch = os.environ.get("TARGET_ARCH") or os.uname().machine
        return INSTALLERS / f"Liaison-{v}-macos-{arch}.dmg"
    # Linux has no installer of its own yet: the bundle as an archive.
    INSTALLERS.mkdir(parents=True, exist_ok=True)
    out = INSTALLERS / f"Liaison-{v}-linux-{os.uname().machine}.tar.gz"
    with tarfile.open(out, "w:gz") as tar:
        tar.add(DIST / "Liaison", arcname="Liaison")
    print(f"installer: {out}")
    return out


def _check_installed(executable: Path, work: Path) -> None:
    """Run the installed app headless: ``gui --smoke`` and ``search --json`` must work."""
    print(f"smoke: {executable}", flush=True)
    data = work / "data"
    smoke = subprocess.run(
        [str(executable), "gui", "--smoke"],
        env=headless_env(data),
        capture_output=True,
        text=True,
        timeout=180,
    )
    print(smoke.stdout.strip() or "(no stdout)")
    if smoke.returncode != 0:
        raise SystemExit(f"smoke: gui --smoke exited {smoke.returncode}\n{smoke.stderr[-3000:]}")
    timings = json.loads(smoke.stdout.strip().splitlines()[-1])
    missing = {"window_shown_ms", "first_results_ms", "viewer_ms"} - set(timings)
    if missing:
        raise SystemExit(f"smoke: gui --smoke printed no {sorted(missing)}: {timings}")
    search = subprocess.run(
        [str(executable), "search", "--json", QUERY],
        env=headless_env(data),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    hits = json.loads(search.stdout or "{}").get("hits") if search.returncode == 0 else None
    if not hits:
        raise SystemExit(f"smoke: search exited {search.returncode}: {search.stderr[-2000:]}")
    print(f"smoke: search --json {QUERY!r}: {len(hits)} hits")


def _smoke_windows(setup: Path, work: Path) -> None:
    local = Path(os.environ["LOCALAPPDATA"])
    app_dir = local / "Programs" / "Liaison"
    data_dir = local / "Liaison"  # platformdirs user_data_dir("Liaison", appauthor=False)
    flags = ["/VERYSILENT", "/SUPPRESSMSGBOXES", "/NORESTART", "/CURRENTUSER"]
    run(setup, *flags, f"/LOG={work / 'install.log'}")
    _check_installed(app_dir / "liaison-cli.exe", work)
    # Upgrade path: a file left by a previous version must be gone after reinstalling.
    stray = app_dir / "_internal" / "stray-from-old-version.txt"
    stray.write_text("old")
    data_dir.mkdir(parents=True, exist_ok=True)
    keep = data_dir / "officer-data.txt"
    keep.write_text("must survive upgrade and uninstall")
    run(setup, *flags, f"/LOG={work / 'reinstall.log'}")
    if stray.exists():
        raise SystemExit("smoke: reinstall left the previous version's files ([InstallDelete])")
    _check_installed(app_dir / "liaison-cli.exe", work)
    run(app_dir / "unins000.exe", "/VERYSILENT", "/SUPPRESSMSGBOXES", "/NORESTART")
    for _ in range(60):  # the uninstaller finishes in a child process
        if not (app_dir / "Liaison.exe").exists():
            break
        time.sleep(1)
    if (app_dir / "Liaison.exe").exists() or (app_dir / "_internal").exists():
        raise SystemExit(f"smoke: uninstall left program files in {app_dir}")
    if not keep.is_file():
        raise SystemExit(f"smoke: the data folder {data_dir} was touched")
    print("smoke: install, upgrade and uninstall are clean; the data folder was kept")


def _smoke_macos(dmg: Path, work: Path) -> None:
    mount = work / "mnt"
    mount.mkdir()
    run("hdiutil", "attach", "-nobrowse", "-readonly", "-mountpoint", mount, dmg)
    apps = Path.home() / "Applications"
    apps.mkdir(exist_ok=True)
    target = apps / "Liaison.app"
    shutil.rmtree(target, ignore_errors=True)
    try:
        run("ditto", mount / "Liaison.app", target)
    finally:
        run("hdiutil", "detach", mount)
    try:
        _check_installed(target / "Contents" / "MacOS" / "Liaison", work)
        if os.environ.get("MACOS_SIGNING_IDENTITY"):
            run("codesign", "--verify", "--verbose=1", target)
        else:
            print("smoke: unsigned build (no signing secrets)")
    finally:
        shutil.rmtree(target, ignore_errors=True)


def _smoke_linux(archive: Path, work: Path) -> None:
    with tarfile.open(archive) as tar:
        tar.extractall(work / "opt", filter="data")
    _check_installed(work / "opt" / "Liaison" / "liaison", work)


def smoke_installed() -> None:
    """Install this OS's installer, run the installed app headless, uninstall."""
    v = version()
    with tempfile.TemporaryDirectory(prefix="liaison-installed-") as tmp:
        work = Path(tmp)
        if sys.platform == "win32":
            _smoke_windows(INSTALLERS / f"Liaison-{v}-windows-x64-setup.exe", work)
        elif sys.platform == "darwin":
            arch = os.environ.get("TARGET_ARCH") or os.uname().machine
            _smoke_macos(INSTALLERS / f"Liaison-{v}-macos-{arch}.dmg", work)
        else:
            _smoke_linux(INSTALLERS / f"Liaison-{v}-linux-{os.uname().machine}.tar.gz", work)


STEPS = {
    "quick-checks": quick_checks,
    "bundle": bundle,
    "installer": installer,
    "smoke-installed": smoke_installed,
}


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point.

    Args:
        argv: Arguments (default: ``sys.argv[1:]``).

    Returns:
        The exit code.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=sorted(STEPS))
    args = parser.parse_args(argv)
    STEPS[args.step]()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
