"""Publishing one more edition into a store that already holds 20, beside publishing it into
an empty store; and `cninet series internet_users` over that store.

The editions are the bundled 54th text dump with every date moved on by six months per
edition and the number changed (tests/editions.py's ``shift_dates``): editions 55-74 fill the
store, the 75th is the one published. Each measurement is a real `process-sources` flow run
(Prefect's ephemeral API started once beforehand, so its start-up is in neither figure) into
a fresh copy of the store; then the same steps as plain calls, to say where the time goes.

    .venv/bin/python benchmarks/many_editions.py [--editions 20] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="cninet-bench-prefect-"))

from flows import prefect_env  # noqa: E402

prefect_env.configure()

from cninet.process import PLAIN_STEPS, commit_metadata, prove_whole, publishable, run_source  # noqa: E402
from cninet.series import publish_series  # noqa: E402
from cninet.store import publish  # noqa: E402
from tests.editions import REPORT_54_TXT, shift_dates  # noqa: E402

FIRST = 55


def ordinal(number: int) -> str:
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


def edition(text: str, number: int) -> str:
    moved = shift_dates(text, 6 * (number - 54))
    return re.sub(
        r"The 54th Statistical Report", f"The {ordinal(number)} Statistical Report", moved
    )


def timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def fresh(template: Path | None, scratch: Path) -> Path:
    if scratch.exists():
        shutil.rmtree(scratch)
    if template is None:
        scratch.mkdir(parents=True)
    else:
        shutil.copytree(template, scratch)
    return scratch


def steps(source: Path, curated: Path) -> dict[str, float]:
    """The run's steps as plain calls (no Prefect), each timed."""
    from flows.pipeline import reconcile_published

    out: dict[str, float] = {}
    start = time.perf_counter()
    outcome = run_source(source, "bench", PLAIN_STEPS)
    out["extract + validate"] = time.perf_counter() - start
    start = time.perf_counter()
    outcomes = prove_whole(curated, [outcome])
    out["prove whole (previous edition)"] = time.perf_counter() - start
    start = time.perf_counter()
    published = []
    for dataset, parts in sorted(publishable(outcomes).items()):
        frame = parts[0][1]
        metadata = commit_metadata("bench", dataset, frame, outcomes)
        published.append(publish(curated, dataset, frame, metadata))
    out["publish 12 tables"] = time.perf_counter() - start
    # as a run does them: from the run's commits (only the periods they touched)
    out["reconciliation"] = timed(lambda: reconcile_published(curated, "bench", published))
    numbers = [outcome.edition.edition] if outcome.edition and outcome.edition.edition else []
    out["series + vocabulary"] = timed(lambda: publish_series(curated, "bench", numbers, published))
    return out


def cli_wall(curated: Path, *args: str, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "flows.cli", "--curated", str(curated), *args],
                       check=True, capture_output=True, cwd=ROOT)  # fmt: skip
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--editions", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from flows.pipeline import process_sources

    base = REPORT_54_TXT.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        raw = work / "raw"
        raw.mkdir()
        numbers = list(range(FIRST, FIRST + args.editions))
        paths = []
        for number in [*numbers, FIRST + args.editions]:
            path = raw / f"cnnic-{number}-en.txt"
            path.write_text(edition(base, number), encoding="utf-8")
            paths.append(path)
        new = paths.pop()
        print(f"building a store of {args.editions} editions ({numbers[0]}-{numbers[-1]}) ...")
        process_sources([paths[0]], work / "warm-up", raw=raw)  # starts Prefect's API
        full = work / "full"
        start = time.perf_counter()
        result = process_sources(paths, full, raw=raw)
        print(f"  built in {time.perf_counter() - start:.0f} s; "
              f"{sum(1 for s in result.sources if s.status == 'extracted')} editions")  # fmt: skip

        walls: dict[str, list[float]] = {"empty": [], "full": []}
        for _ in range(args.repeat):
            for name, template in (("empty", None), ("full", full)):
                target = fresh(template, work / f"scratch-{name}")
                start = time.perf_counter()
                process_sources([new], target, raw=raw)
                walls[name].append(time.perf_counter() - start)
        parts = {name: steps(new, fresh(template, work / f"plain-{name}"))
                 for name, template in (("empty", None), ("full", full))}  # fmt: skip

        empty, loaded = (statistics.median(walls[n]) for n in ("empty", "full"))
        print(f"\npublishing edition {FIRST + args.editions} (one `process-sources` run, "
              f"median of {args.repeat}; Prefect already started)")  # fmt: skip
        print(f"  {'into an empty store':34} {empty:7.2f} s")
        print(f"  {f'into a store of {args.editions} editions':34} {loaded:7.2f} s"
              f"   ratio {loaded / empty:.2f}  (target <= 1.20)")  # fmt: skip
        print("\nwhere the time goes (plain calls, no Prefect):")
        print(f"  {'step':34} {'empty':>8} {f'{args.editions} editions':>12}")
        for step in parts["empty"]:
            print(f"  {step:34} {parts['empty'][step]:7.2f}s {parts['full'][step]:11.2f}s")
        total = {n: sum(parts[n].values()) for n in parts}
        print(f"  {'total':34} {total['empty']:7.2f}s {total['full']:11.2f}s")

        series = cli_wall(full, "series", "internet_users")
        show = cli_wall(full, "show", "indicators", "--edition", str(FIRST), repeat=3)
        listing = cli_wall(full, "datasets")
        print(f"\n`cninet series internet_users` over {args.editions} editions: "
              f"{series:.2f} s wall (median of 5; target <= 1.00)")  # fmt: skip
        print(f"  beside `cninet datasets` {listing:.2f} s and `cninet show indicators "
              f"--edition {FIRST}` {show:.2f} s (pandas + pandera: the way before)")  # fmt: skip


if __name__ == "__main__":
    main()
