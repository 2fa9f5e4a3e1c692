"""`cninet run` of one edition into a warm store, and `cninet rerun` of one section, in each
Prefect API mode, side by side in one run: wall (subprocess) beside the run's own work (the
summary line's `own work`: read + validate + publish + report).

The warm store holds the 54th edition's PDF; the measured run adds its text dump (a new source:
read, validated, published). Modes: `kept server` (`cninet server start` in a temporary
PREFECT_HOME, started before the clock) and `per-run server` (no server: the run starts its
own API; its PREFECT_HOME already migrated by an earlier run, as on a second `make run`).

    .venv/bin/python benchmarks/run_modes.py
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "raw" / "reports"
LINE = re.compile(r"wall ([0-9.]+) s, of which own work ([0-9.]+) s \(([^)]*)\)")


def cninet(env: dict[str, str], cwd: Path, *args: str) -> tuple[float, str]:
    begun = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "flows.cli", *args], cwd=cwd, env=env, capture_output=True,
        text=True, timeout=600,
    )  # fmt: skip
    wall = time.perf_counter() - begun
    if done.returncode != 0:
        raise SystemExit(f"cninet {' '.join(args)} failed: {done.stderr[-2000:]}")
    return wall, " ".join(done.stdout.split())


def measured(wall: float, text: str) -> str:
    found = LINE.search(text)
    if not found:
        return f"{wall:5.1f} s wall (no summary line)"
    own = float(found.group(2))
    return f"{wall:5.1f} s wall, own work {own:.2f} s ({found.group(3)}): {wall / own:.1f}×"


def main() -> None:
    base = Path(tempfile.mkdtemp(prefix="cninet-modes-"))
    try:
        env0 = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "CNINET_"))}
        homes = {"per-run server": base / "home-per-run", "kept server": base / "home-kept"}
        warm = base / "warm"
        (warm / "raw").mkdir(parents=True)
        shutil.copy(REPORTS / "cnnic-54-en-2024-08.pdf", warm / "raw")
        env = {**env0, "PREFECT_HOME": str(homes["per-run server"]), "COLUMNS": "250"}
        cninet(env, warm, "--curated", "cur", "run", "--raw", "raw")  # warm store, migrated home
        kept_env = {**env0, "PREFECT_HOME": str(homes["kept server"]), "COLUMNS": "250"}
        cninet(kept_env, base, "server", "start")
        print(f"load average before: {os.getloadavg()[0]:.1f}")
        results: dict[str, list[str]] = {}
        try:
            for mode, home in homes.items():
                env = {**env0, "PREFECT_HOME": str(home), "COLUMNS": "250"}
                work = base / f"run-{home.name}"
                shutil.copytree(warm, work)
                shutil.copy(REPORTS / "cnnic-54-en-2024-08.txt", work / "raw")
                text_dump = "raw/cnnic-54-en-2024-08.txt"
                run = cninet(env, work, "--curated", "cur", "run", "--raw", "raw", text_dump)
                assert mode in run[1], run[1]
                rerun = cninet(env, work, "--curated", "cur", "rerun", "--edition", "54",
                               "--section", "ipv6_by_org", "--raw", "raw")  # fmt: skip
                results[mode] = [measured(*run), measured(*rerun)]
        finally:
            cninet(kept_env, base, "server", "stop")
        print(f"load average after: {os.getloadavg()[0]:.1f}")
        for index, what in enumerate(("run of one edition (text dump) into a warm store",
                                      "rerun --edition 54 --section ipv6_by_org")):  # fmt: skip
            print(what)
            for mode, lines in results.items():
                print(f"  {mode:15} {lines[index]}")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
