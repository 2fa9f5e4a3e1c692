"""The work after extraction as the store grows: one edition's validation, cross checks,
publish, derived datasets (reconciliation, series), registry and quality report, into an
empty store and into one that already holds N earlier runs, step by step, side by side.

The editions are the bundled 54th text dump with every date moved on by six months per
edition and its number changed (tests/editions.py's ``shift_dates``), so each run brings
its own periods, as real editions do (and restates the previous edition's later period, as
Table 4 and the sentences do). Each edition is extracted once (not timed); the store is
grown by N runs of exactly the steps ``flows.pipeline.finish_run`` takes (as plain calls, no
Prefect; the incremental paths: reconciliation and series from the run's commits, the
report's changes from the change data feed); then the next edition's run is timed into a
fresh copy of the grown store and into an empty one.

    .venv/bin/python benchmarks/after_extraction.py [--runs 100] [--repeat 3] [--profile out.prof]

``--code DIR`` runs the same steps with the cninet of another checkout (a baseline
worktree) in the same run: the benchmark file is this one, the code measured is DIR's.
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
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if os.environ.get("CNINET_BENCH_CODE"):
    sys.path.insert(0, os.environ["CNINET_BENCH_CODE"])
else:
    sys.path.insert(0, str(ROOT))

FIRST = 55


def ordinal(number: int) -> str:
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


def edition_text(base: str, number: int) -> str:
    from tests.editions import shift_dates

    moved = shift_dates(base, 6 * (number - 54))
    return re.sub(
        r"The 54th Statistical Report", f"The {ordinal(number)} Statistical Report", moved
    )


def timed(steps: dict[str, float], name: str, call: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    value = call()
    steps[name] = steps.get(name, 0.0) + time.perf_counter() - start
    return value


def extracted(path: Path) -> tuple[Any, list[Any]]:
    """One source read and extracted (not validated): its outcome and section results."""
    from cninet.process import PLAIN_STEPS, Steps, run_source

    held: list[Any] = []

    def hold(results: Sequence[Any], _run_id: str) -> dict[str, Any]:
        held.extend(results)
        return {}

    steps = Steps(PLAIN_STEPS.load, PLAIN_STEPS.lines, PLAIN_STEPS.extract, hold)
    outcome = run_source(path, "bench", steps, name=path.name)
    assert outcome.status == "extracted", outcome.reason
    return outcome, held


def after_extraction(curated: Path, source: tuple[Any, list[Any]], run_id: str) -> dict[str, float]:
    """The run's steps after extraction, as finish_run takes them, timed (seconds)."""
    import dataclasses

    import pandas as pd

    from cninet.process import (
        RunResult,
        commit_metadata,
        processed_sources,
        prove_whole,
        publishable,
        validate_source,
    )
    from cninet.reconcile import reconcile_store
    from cninet.registry import processed, record
    from cninet.report import write_report
    from cninet.series import publish_series
    from cninet.store import publish
    from cninet.versions import changes_since_previous

    outcome, results = source
    steps: dict[str, float] = {}
    validated = timed(steps, "validation + cross checks", lambda: validate_source(results, run_id))
    outcomes = [dataclasses.replace(outcome, validated=validated)]
    outcomes = timed(steps, "prove whole", lambda: prove_whole(curated, outcomes))
    published = []
    start = time.perf_counter()
    for dataset, parts in sorted(publishable(outcomes).items()):
        frame = pd.concat([part for _, part in parts], ignore_index=True)
        metadata = commit_metadata(run_id, dataset, frame, outcomes)
        published.append(publish(curated, dataset, frame, metadata))
    steps["publish"] = time.perf_counter() - start
    reconciled, conflicts = timed(
        steps, "reconciliation", lambda: reconcile_store(curated, run_id, tuple(published))
    )
    if reconciled is not None:
        published.append(reconciled)
    editions = sorted({o.edition.edition for o in outcomes if o.edition and o.edition.edition})
    derived, checks = timed(
        steps, "series + vocabulary", lambda: publish_series(curated, run_id, editions, published)
    )
    published.extend(derived)

    def registry() -> None:
        set(processed(curated))
        record(curated, processed_sources(outcomes), run_id)

    timed(steps, "registry", registry)
    done = tuple(published)
    changes = timed(steps, "report: changes", lambda: changes_since_previous(curated, done))
    result = RunResult(run_id, tuple(outcomes), done, None, None, conflicts, (), tuple(checks))
    timed(steps, "report: write", lambda: write_report(curated, result, changes))
    return steps


def table(results: dict[str, list[dict[str, float]]]) -> list[list[str]]:
    names = list(next(iter(results.values()))[0])
    rows = [["step", *results]]
    for name in [*names, "total"]:
        cells = []
        for runs in results.values():
            values = [sum(r.values()) if name == "total" else r[name] for r in runs]
            cells.append(f"{statistics.median(values):.3f}")
        rows.append([name, *cells])
    return rows


def show(rows: list[list[str]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))


def store_shape(curated: Path) -> str:
    files = sum(1 for _ in curated.rglob("*.parquet"))
    logs = sum(1 for _ in curated.rglob("_delta_log/*.json"))
    size = sum(p.stat().st_size for p in curated.rglob("*") if p.is_file())
    return f"{files} data files, {logs} log entries, {size / 1e6:.1f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", type=Path, help="cProfile the grown store's run into this")
    parser.add_argument("--code", type=Path, help="measure this checkout's cninet instead")
    args = parser.parse_args()
    if args.code is not None:
        env = {**os.environ, "CNINET_BENCH_CODE": str(args.code.resolve())}
        argv = [a for a in sys.argv[1:]]
        index = argv.index("--code")
        del argv[index : index + 2]
        sys.exit(subprocess.run([sys.executable, __file__, *argv], env=env).returncode)
    import cninet
    from tests.editions import REPORT_54_TXT

    print(f"code measured: {Path(cninet.__file__).resolve().parent.parent}")
    base = REPORT_54_TXT.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        numbers = list(range(FIRST, FIRST + args.runs + 1))
        sources = {}
        start = time.perf_counter()
        for number in numbers:
            path = work / f"cnnic-{number}-en.txt"
            path.write_text(edition_text(base, number), encoding="utf-8")
            sources[number] = extracted(path)
        print(f"{len(numbers)} editions extracted in {time.perf_counter() - start:.0f} s")
        grown = work / "grown"
        start = time.perf_counter()
        growth: list[float] = []
        for number in numbers[:-1]:
            steps = after_extraction(grown, sources[number], f"bench-{number}")
            growth.append(sum(steps.values()))
        print(f"store of {args.runs} runs built in {time.perf_counter() - start:.0f} s: "
              f"{store_shape(grown)}")  # fmt: skip
        marks = sorted({0, 1, 9, 19, 49, 99, 199, args.runs - 1} & set(range(args.runs)))
        print("  while growing, run n's work: "
              + ", ".join(f"n={i + 1} {growth[i]:.2f} s" for i in marks))  # fmt: skip
        new = sources[numbers[-1]]
        results: dict[str, list[dict[str, float]]] = {"empty": [], f"after {args.runs}": []}
        for repeat in range(args.repeat):
            for label, template in (("empty", None), (f"after {args.runs}", grown)):
                target = work / "target"
                shutil.rmtree(target, ignore_errors=True)
                if template is not None:
                    shutil.copytree(template, target)
                results[label].append(after_extraction(target, new, f"bench-new-{repeat}"))
        if args.profile is not None:
            import cProfile

            target = work / "target"
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(grown, target)
            profiler = cProfile.Profile()
            profiler.enable()
            after_extraction(target, new, "bench-profile")
            profiler.disable()
            profiler.dump_stats(str(args.profile))
    rows = table(results)
    show(rows)
    empty, full = float(rows[-1][1]), float(rows[-1][2])
    print(f"after {args.runs} runs / empty: {full / empty:.2f}x (target <= 1.20); "
          f"seconds, medians of {args.repeat}")  # fmt: skip


if __name__ == "__main__":
    main()
