"""Fault numbers for issue 13, side by side in one run.

1. A 200 MB text input: wall time and peak memory (RSS of the process and its children) of
   ``load_source`` with the default limits (refused by size before reading) and with the size
   limit raised above the file (read in the bounded child: processed or given up within its
   time and memory limits), against the baseline of reading the same file unbounded
   (``load_document`` in process, as text inputs were before).
2. The seeded fuzz of the 54th PDF: offsets tried, rejected, blocked, published, silently short.

    .venv/bin/python -m benchmarks.faults [--fuzz-count 200] [--skip-baseline]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import psutil

from cninet.process import load_source
from extractors.document import DocumentError, load_document
from tests.fuzzing import trials

ROOT = Path(__file__).resolve().parent.parent
TXT = ROOT / "raw" / "reports" / "cnnic-54-en-2024-08.txt"


def big_text(folder: Path, megabytes: int) -> Path:
    path = folder / "big.txt"
    block = TXT.read_bytes()
    with path.open("wb") as handle:
        while handle.tell() < megabytes * 1024 * 1024:
            handle.write(block)
    return path


def peak_rss(call: Callable[[], object]) -> tuple[float, float, str]:
    """Wall seconds, peak MB (this process + children, sampled), and what the call said."""
    me = psutil.Process()
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            rss = me.memory_info().rss
            for child in me.children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    rss += child.memory_info().rss
            peak[0] = max(peak[0], rss)
            time.sleep(0.05)

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    started = time.perf_counter()
    try:
        result = call()
        said = getattr(result, "reason", None) or f"loaded ({type(result).__name__})"
    except DocumentError as exc:
        said = exc.reason
    elapsed = time.perf_counter() - started
    done.set()
    watcher.join()
    return elapsed, peak[0] / 1e6, str(said)


RAISED = {"CNINET_DOC_MAX_MB": "1000", "CNINET_DOC_TIMEOUT_S": "30", "CNINET_DOC_MEMORY_MB": "500"}


def text_numbers(megabytes: int, skip_baseline: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = big_text(Path(folder), megabytes)
        print(f"{megabytes} MB text input ({path.stat().st_size / 1e6:.0f} MB on disk)")
        cases: list[tuple[str, Callable[[], object], dict[str, str]]] = [
            ("bounded, default limits", lambda: load_source(path, "big.txt"), {}),
            (
                "bounded, size limit raised, 30 s / 500 MB",
                lambda: load_source(path, "big.txt"),
                RAISED,
            ),
        ]
        if not skip_baseline:
            cases.append(("baseline: unbounded read in process", lambda: load_document(path), {}))
        for label, call, env in cases:
            saved = {key: os.environ.get(key) for key in env}
            os.environ.update(env)
            try:
                elapsed, peak, said = peak_rss(call)
            finally:
                for key, value in saved.items():
                    if value is None:
                        os.environ.pop(key, None)
                    else:
                        os.environ[key] = value
            print(f"  {label:45s} {elapsed:6.1f} s  peak {peak:7.0f} MB  {said[:90]}")


def fuzz_numbers(count: int) -> None:
    started = time.perf_counter()
    seen = list(trials(13, count, budget_s=3600))
    outcomes = Counter(trial.outcome for trial in seen)
    short = [trial for trial in seen if trial.short]
    print(
        f"fuzz of the 54th PDF (seed 13): {len(seen)} offsets tried in "
        f"{time.perf_counter() - started:.0f} s: {outcomes.get('rejected', 0)} rejected, "
        f"{outcomes.get('skipped', 0)} not recognised, {outcomes.get('blocked', 0)} with every "
        f"table blocked, {outcomes.get('published', 0)} published, {len(short)} silently short"
    )
    kinds = Counter(
        trial.reason.split(" (")[0].split(";")[0][:60] for trial in seen if trial.reason
    )
    for reason, n in kinds.most_common(8):
        print(f"  {n:4d}  {reason}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=int, default=200)
    parser.add_argument("--fuzz-count", type=int, default=200)
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args()
    text_numbers(args.megabytes, args.skip_baseline)
    fuzz_numbers(args.fuzz_count)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    print(f"max RSS of this process: {peak:.0f} MB")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
