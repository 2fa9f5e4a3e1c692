"""Wall time of the read commands (`cninet show`, `versions`, `series`, `datasets`, and `diff`
for reference) as a person or a script meets it: a fresh `python -m flows.cli` process each
time, median of several runs, beside the same commands of an earlier revision (default
a177b87, before the light read path) run from a `git archive` copy over the same store.

Two stores, built by real `cninet run`s of this checkout: the bundled raw/ (the 54th edition,
PDF and text, the ISC report, two news texts), and the same with a second run that adds N
generated CNNIC editions (tests/editions.py's date shift and the edition number, as
benchmarks/many_editions.py makes them; the 55th-64th by default).

    .venv/bin/python benchmarks/cli_speed.py [--editions 10] [--repeat 5] [--before a177b87]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET = 1.0  # seconds, issue 12
COMMANDS = [
    ["show", "indicators"],
    ["show", "indicators", "--edition", "54"],
    ["show", "indicators", "--json"],
    ["versions", "indicators"],
    ["series", "internet_users"],
    ["datasets"],
    ["diff", "indicators", "--from", "0"],
]
TARGETED = {"show", "versions", "series", "datasets"}


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def export_revision(revision: str, folder: Path) -> Path:
    """The files of ``revision`` (git archive), to run its CLI from."""
    archive = subprocess.run(
        ["git", "archive", revision], cwd=ROOT, check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def ordinal(number: int) -> str:
    teens = 10 <= number % 100 <= 20
    return f"{number}{'th' if teens else {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th')}"


def cninet_run(folder: Path, env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "flows.cli", "--curated", str(folder / "cur"), "run",
         "--raw", str(folder / "raw")],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"cninet run failed:\n{done.stdout}\n{done.stderr}")


def build_store(folder: Path, editions: int, env: dict[str, str]) -> Path:
    """raw/ published by `cninet run` of this checkout; with ``editions``, a second run adds
    that many generated CNNIC editions after the 54th (so each table has two versions).
    Returns the curated folder."""
    start = time.perf_counter()
    shutil.copytree(ROOT / "raw", folder / "raw")
    cninet_run(folder, env)
    if editions:
        from tests.editions import REPORT_54_TXT, shift_dates

        base = REPORT_54_TXT.read_text(encoding="utf-8")
        for number in range(55, 55 + editions):
            text = shift_dates(base, 6 * (number - 54)).replace(
                "The 54th Statistical Report", f"The {ordinal(number)} Statistical Report"
            )
            target = folder / "raw" / "reports" / f"cnnic-{number}-en.txt"
            target.write_text(text, encoding="utf-8")
        cninet_run(folder, env)
    print(f"  built {folder.name} in {time.perf_counter() - start:.0f} s")
    return folder / "cur"


def wall(code: Path, curated: Path, args: list[str], repeat: int, env: dict[str, str]) -> float:
    """Median wall of ``repeat`` fresh processes; NaN when that revision refuses the command
    (an option it does not have)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "flows.cli", "--curated", str(curated), *args],
            cwd=code, env=env, capture_output=True, check=False,
        )  # fmt: skip
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            return float("nan")
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--editions", type=int, default=10, help="generated editions (store 2)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--before", default="a177b87", help="revision to compare with")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cninet-cli-speed-") as scratch:
        work = Path(scratch)
        env = {**os.environ, "PREFECT_HOME": str(work / "prefect")}
        env.pop("COLUMNS", None)
        before = export_revision(args.before, work / "before")
        print(f"load average {load_average()}; building the stores ...")
        stores = {
            "raw/": build_store(work / "raw-only", 0, env),
            f"raw/ + {args.editions} editions": build_store(work / "many", args.editions, env),
        }
        print(f"load average {load_average()}; measuring (median of {args.repeat}) ...\n")
        print(f"| command | store | {args.before} | now | target |")
        print("|---|---|---|---|---|")
        for name, curated in stores.items():
            for command in COMMANDS:
                old = wall(before, curated, command, args.repeat, env)
                new = wall(ROOT, curated, command, args.repeat, env)
                target = f"≤ {TARGET:.0f} s" if command[0] in TARGETED else "—"
                shown = "n/a" if old != old else f"{old:.2f} s"
                print(
                    f"| `cninet {' '.join(command)}` | {name} | {shown} | {new:.2f} s | {target} |"
                )
        print(f"\nload average {load_average()}")


if __name__ == "__main__":
    main()
