"""Start-up, side by side: ``liaison gui --smoke`` against a bare PySide6 window, same interpreter.

Run ``python -m tests.bench.bench_start [ROUNDS]`` (Qt offscreen). Rounds alternate the two
programs so a busy machine slows both alike; medians and the ratio are printed. Both measure
from the kernel's process start time (interpreter start-up included) to the first turn of
the event loop after the window was shown.

Python's bytecode cache is on in both programs, as in every officer's Python (an
installed Liaison, or a bundle, never compiles its modules at each start): the first,
unmeasured run writes it. A ``PYTHONDONTWRITEBYTECODE`` set in the shell (as on the
development machine) is dropped for the runs, or every start would include compiling
Liaison's own modules while PySide6 comes precompiled. ``--no-cache`` keeps it set,
to see that cost.

``--against DIR`` adds a third program to each round: ``liaison gui --smoke`` run from
another checkout of Liaison (``git archive 4d4e190 | tar -x -C DIR``; put first on
``PYTHONPATH``, same interpreter and packages, its own data folder), to compare a
change with the code before it side by side.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile

BARE = """
import os, time
from pathlib import Path
stat = Path("/proc/self/stat").read_text()
ticks = int(stat.rsplit(")", 1)[1].split()[19])
uptime = float(Path("/proc/uptime").read_text().split()[0])
started = time.perf_counter() - (uptime - ticks / os.sysconf("SC_CLK_TCK"))
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
window.resize(1280, 800)
window.show()
QTimer.singleShot(0, lambda: (print(round((time.perf_counter() - started) * 1000)), app.quit()))
app.exec()
"""


def run_bare(env: dict[str, str]) -> int:
    """Return the bare window's time to shown, in ms."""
    out = subprocess.run(
        [sys.executable, "-c", BARE], env=env, capture_output=True, text=True, check=True
    )
    return int(out.stdout.split()[-1])


def run_smoke(env: dict[str, str]) -> dict[str, int]:
    """Return ``liaison gui --smoke``'s timings."""
    liaison = os.path.join(os.path.dirname(sys.executable), "liaison")
    out = subprocess.run(
        [liaison, "gui", "--smoke"], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _medians(name: str, smoke: list[dict[str, int]], bare: float) -> None:
    """Print the medians of one program's runs (and its shown / bare ratio)."""
    for key in ("window_shown_ms", "first_results_ms", "viewer_ms"):
        values = sorted(s[key] for s in smoke)
        print(f"{name} {key}: median {statistics.median(values):.0f} ms {values}")
    shown = statistics.median(s["window_shown_ms"] for s in smoke)
    print(f"{name} ratio window shown / bare: {shown / bare:.2f}")


def main(rounds: int = 7, *, bytecode_cache: bool = True, against: str | None = None) -> None:
    """Print the medians of ``rounds`` alternating runs (and of ``against``'s, if given)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    if bytecode_cache:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    programs = {"liaison": {**env, "LIAISON_DATA_DIR": tempfile.mkdtemp(prefix="liaison-start-")}}
    if against:
        programs[f"against {against}"] = {
            **env,
            "PYTHONPATH": os.path.abspath(against),
            "LIAISON_DATA_DIR": tempfile.mkdtemp(prefix="liaison-start-"),
        }
    for program_env in programs.values():
        run_smoke(program_env)  # builds the store (and writes the bytecode cache); not counted
    bare: list[int] = []
    smoke: dict[str, list[dict[str, int]]] = {name: [] for name in programs}
    for _ in range(rounds):
        bare.append(run_bare(env))
        for name, program_env in programs.items():
            smoke[name].append(run_smoke(program_env))
    cache = "on" if bytecode_cache else "off (PYTHONDONTWRITEBYTECODE=1)"
    print(f"rounds: {rounds} (alternating); bytecode cache {cache}; load {os.getloadavg()[0]:.2f}")
    print(f"bare PySide6 window shown: median {statistics.median(bare):.0f} ms {sorted(bare)}")
    for name, runs in smoke.items():
        _medians(name, runs, statistics.median(bare))


if __name__ == "__main__":
    flags = sys.argv[1:]
    against = flags[flags.index("--against") + 1] if "--against" in flags else None
    args = [a for a in flags if a not in ("--no-cache", "--against", against)]
    main(
        int(args[0]) if args else 7,
        bytecode_cache="--no-cache" not in flags,
        against=against,
    )
