"""Extraction speed: every cninet section of a CNNIC PDF vs naive pdfplumber, side by side.

Naive baseline: ``pdfplumber.open(pdf)`` then ``page.extract_tables()`` on every page.
cninet: load (PDFium text of every page), recognise the edition, read the pages around the
captions as gap-split lines (PDFium character boxes; wrapped headers and cells joined),
locate and parse every table section — once without the second reading of ruled tables
(``CNINET_SECOND_READING=0``) and once with it (camelot's lattice rules on the located
tables' page bands). All from the same bytes, in the same process, ``--repeat`` times each;
medians reported. Peak RSS is read after the cninet runs and before the baseline, so it is
cninet's own.

    .venv/bin/python benchmarks/extract_speed.py [--repeat 5] [PDF]
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import resource
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import pdfplumber

from extractors.document import parse_document
from extractors.extract import run_section
from extractors.lattice import SETTING
from extractors.layout import document_lines
from extractors.recognise import recognise
from extractors.sections import specs_for

DEFAULT_PDF = Path(__file__).resolve().parent.parent / "raw/reports/cnnic-54-en-2024-08.pdf"
logging.getLogger("pdfminer").setLevel(logging.ERROR)


def naive(data: bytes) -> int:
    tables = 0
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            tables += len(page.extract_tables())
    return tables


def cninet(data: bytes) -> int:
    doc = parse_document("report.pdf", data)
    edition = recognise(doc)
    specs = specs_for(edition.kind, edition.lang)
    elements = document_lines(doc, [c for spec in specs for c in spec.captions])
    results = [run_section(doc, edition, spec, elements) for spec in specs]
    assert all(result.ok for result in results), [r.failures for r in results]
    return sum(len(result.frame) for result in results)


def with_second_reading(on: bool) -> Callable[[bytes], int]:
    def run(data: bytes) -> int:
        os.environ[SETTING] = "1" if on else "0"
        try:
            return cninet(data)
        finally:
            os.environ.pop(SETTING, None)

    return run


def timed(function: Callable[[bytes], int], data: bytes, repeat: int) -> tuple[float, int]:
    times = []
    out = 0
    for _ in range(repeat):
        start = time.perf_counter()
        out = function(data)
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdf", nargs="?", type=Path, default=DEFAULT_PDF)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    data = args.pdf.read_bytes()
    with_second_reading(True)(data)  # warm imports (camelot, OpenCV) and caches once
    single, rows = timed(with_second_reading(False), data, args.repeat)
    double, _ = timed(with_second_reading(True), data, args.repeat)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    base, tables = timed(naive, data, args.repeat)
    print(f"source: {args.pdf.name} ({len(data) / 1e6:.2f} MB), median of {args.repeat} runs")
    print(f"naive pdfplumber extract_tables, every page:  {base:.3f} s ({tables} tables)")
    print(f"cninet, every section, line reader only:      {single:.3f} s ({rows} rows)")
    print(f"cninet, every section + camelot second reading: {double:.3f} s")
    print(
        f"speed-up vs naive: {base / single:.1f}x / {base / double:.1f}x   "
        f"peak RSS after cninet runs: {peak_mb:.0f} MB"
    )


if __name__ == "__main__":
    main()
