"""Extraction speed: every cninet section of a CNNIC PDF vs naive pdfplumber, side by side.

Naive baseline: ``pdfplumber.open(pdf)`` then ``page.extract_tables()`` on every page.
cninet: what one edition's run extracts — load (PDFium text of every page and the text-layer
check), recognise the edition, read the pages around the captions as gap-split lines (PDFium
character boxes), then every section of the edition: all tables and the sentence figures.
The second reading of ruled tables (camelot, ``CNINET_SECOND_READING``; on by default in a
run) is off for the side-by-side steps; ``--second-reading`` adds one line with it on. Each
step is timed on its own, ``--repeat`` times after a warm-up; medians are reported, with the
total's CPU time and the floor (PDFium's raw text of every page and nothing else).

This tree and the naive baseline run in this process; the pre-change revision
(``--before``, exported with ``git archive``) runs the same steps in a subprocess, so the
improvement shows in one run. Peak RSS is each process's own after its cninet runs (here:
read before the baseline runs).

    .venv/bin/python benchmarks/extract_speed.py [--repeat 7] [--naive-repeat 3]
        [--before e78b21d] [--second-reading] [PDF]
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PDF = ROOT / "raw/reports/cnnic-54-en-2024-08.pdf"
BEFORE_REV = "e78b21d"  # main before the extraction speed work (issue 12, part 4)
SECOND_READING = "CNINET_SECOND_READING"
logging.getLogger("pdfminer").setLevel(logging.ERROR)

Stages = dict[str, float]


def floor(data: bytes) -> int:
    """PDFium's raw text of every page, nothing else: what any reading costs at least."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    chars = 0
    for index in range(len(pdf)):
        page = pdf[index]
        textpage = page.get_textpage()
        chars += len(textpage.get_text_range())
        textpage.close()
        page.close()
    pdf.close()
    return chars


def one_pass(data: bytes) -> tuple[Stages, float, int]:
    """Every step of one edition's extraction, each timed: (seconds per step, CPU seconds of
    the whole, rows extracted)."""
    from extractors.document import parse_document
    from extractors.extract import run_section
    from extractors.layout import document_lines
    from extractors.recognise import recognise
    from extractors.sections import specs_for

    stages: Stages = {}
    cpu = time.process_time()

    def timed(name: str, step: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        out = step()
        stages[name] = time.perf_counter() - start
        return out

    doc = timed("load (page text, text-layer check)", lambda: parse_document("report.pdf", data))
    edition = timed("recognise", lambda: recognise(doc))
    specs = specs_for(edition.kind, edition.lang)
    captions = [caption for spec in specs for caption in spec.captions]
    lines = timed("line stream (pages near captions)", lambda: document_lines(doc, captions))
    rows = 0
    for spec in specs:
        start = time.perf_counter()
        result = run_section(doc, edition, spec, lines)
        stages[f"  {spec.id}"] = time.perf_counter() - start
        assert result.ok, result.failures
        rows += len(result.frame)
    return stages, time.process_time() - cpu, rows


def measure(data: bytes, repeat: int) -> dict[str, Any]:
    """Medians over ``repeat`` passes after a warm-up (imports, rule files, compiled patterns)."""
    floor(data)
    one_pass(data)
    passes = []
    floors = []
    for _ in range(repeat):
        start = time.perf_counter()
        floor(data)
        floors.append(time.perf_counter() - start)
        passes.append(one_pass(data))
    names = list(passes[0][0])
    return {
        "floor": statistics.median(floors),
        "stages": {name: statistics.median(p[0][name] for p in passes) for name in names},
        "total": statistics.median(sum(p[0].values()) for p in passes),
        "cpu": statistics.median(p[1] for p in passes),
        "rows": passes[0][2],
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def naive(data: bytes) -> int:
    import pdfplumber

    tables = 0
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            tables += len(page.extract_tables())
    return tables


def timed_median(function: Callable[[bytes], int], data: bytes, repeat: int) -> tuple[float, int]:
    times = []
    out = 0
    for _ in range(repeat):
        start = time.perf_counter()
        out = function(data)
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def before(rev: str, pdf: Path, repeat: int, folder: Path) -> dict[str, Any]:
    """The same measurement for revision ``rev`` (its extractors/ exported), in a subprocess."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "extractors"], check=True, capture_output=True
    )
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    env = dict(os.environ, PYTHONPATH=str(folder), **{SECOND_READING: "0"})
    out = subprocess.run(
        [sys.executable, __file__, "--worker", "--repeat", str(repeat), str(pdf)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        cwd=folder,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def row(name: str, old: float | None, new: float, unit: str = "s") -> str:
    if unit == "MB":
        return f"{name:<40} {old or 0:>9.0f} {new:>9.0f}"
    ratio = f"{old / new:>6.1f}x" if old and new else ""
    return f"{name:<40} {old or 0:>9.3f} {new:>9.3f} {ratio}"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("pdf", nargs="?", type=Path, default=DEFAULT_PDF)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--naive-repeat", type=int, default=3)
    parser.add_argument("--before", default=BEFORE_REV)
    parser.add_argument("--second-reading", action="store_true")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    data = args.pdf.read_bytes()
    if args.worker:
        print(json.dumps(measure(data, args.repeat)))
        return
    os.environ[SECOND_READING] = "0"
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        old = before(args.before, args.pdf.resolve(), args.repeat, Path(tmp))
    new = measure(data, args.repeat)
    assert new["rows"] == old["rows"], (new["rows"], old["rows"])
    double = None
    if args.second_reading:
        os.environ[SECOND_READING] = "1"
        double, _ = timed_median(lambda d: one_pass(d)[2], data, args.repeat)
        os.environ[SECOND_READING] = "0"
    base, tables = timed_median(naive, data, args.naive_repeat)
    print(
        f"source: {args.pdf.name} ({len(data) / 1e6:.2f} MB); medians of {args.repeat} runs "
        f"(naive: {args.naive_repeat}); load average {load:.1f} / {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} cores"
    )
    print(f"{'wall seconds':<40} {args.before:>9} {'this tree':>9} {'faster':>7}")
    print(row("floor: PDFium raw text of every page", old["floor"], new["floor"]))
    for name, seconds in new["stages"].items():
        print(row(name, old["stages"].get(name), seconds))
    print(row(f"every section, total ({new['rows']} rows)", old["total"], new["total"]))
    print(row("  its CPU seconds", old["cpu"], new["cpu"]))
    print(row("  peak RSS (MB)", old["peak_mb"], new["peak_mb"], "MB"))
    print(f"naive pdfplumber extract_tables, every page: {base:.3f} s ({tables} tables)")
    print(
        f"speed-up vs naive: {base / old['total']:.1f}x ({args.before}), "
        f"{base / new['total']:.1f}x (this tree); total / floor: "
        f"{old['total'] / old['floor']:.1f} / {new['total'] / new['floor']:.1f}"
    )
    if double is not None:
        print(f"this tree, every section + camelot second reading: {double:.3f} s")


if __name__ == "__main__":
    main()
