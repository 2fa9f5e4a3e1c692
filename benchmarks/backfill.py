"""Backfill of 1, 5 and 20 editions (the bundled text dump with edited edition numbers) through
the Dask task runner (2 worker threads), into a fresh curated folder each time.

Reports wall time per size and the work beyond Prefect's start-up, in one process.

    .venv/bin/python benchmarks/backfill.py [--sizes 1 5 20] [--workers 2]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from flows import prefect_env

prefect_env.configure()

from flows.pipeline import backfill_sources  # noqa: E402
from flows.prefect_env import local_run_settings  # noqa: E402

TEXT = Path(__file__).resolve().parent.parent / "raw" / "reports" / "cnnic-54-en-2024-08.txt"


def editions(folder: Path, count: int) -> list[Path]:
    text = TEXT.read_text(encoding="utf-8")
    paths = []
    for number in range(count):
        path = folder / f"cnnic-{100 + number}.txt"
        path.write_text(text.replace("The 54th", f"The {100 + number}th"), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 5, 20])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, local_run_settings():
        rows: list[tuple[int, float, float]] = []
        for size in [1, *args.sizes]:  # the first run warms Prefect up and is not reported
            work = Path(folder) / f"run-{size}-{len(rows)}"
            (work / "raw").mkdir(parents=True)
            paths = editions(work / "raw", size)
            prefect_env.FLOW_ENTERED.clear()
            started = time.perf_counter()
            result = backfill_sources(paths, work / "curated", args.workers)
            wall = time.perf_counter() - started
            assert all(s.status == "extracted" for s in result.sources)
            startup = prefect_env.FLOW_ENTERED[0] - started
            rows.append((size, wall, wall - startup))
    print(f"backfill through Dask ({args.workers} worker threads), text-dump editions:")
    for size, wall, work_s in rows[1:]:
        print(f"  {size:>3} editions: {wall:6.1f} s wall, {work_s:6.1f} s beyond start-up, "
              f"{work_s / size:5.2f} s per edition")  # fmt: skip


if __name__ == "__main__":
    main()
