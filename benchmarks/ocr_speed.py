"""OCR of an image-only edition: wall time, peak memory, and how many table rows come out right.

The 54th edition PDF is rasterised at each ``--dpi`` (PDFium render → PIL → image-only PDF,
as a scanner makes it), then read as a run reads a source: ``load_source`` (the bounded reader
child with the default limits: its time and memory limit are printed) OCRs every page, then
the line stream, every section and validation (with the report arithmetic that vouches for
OCR rows, schemas.ocr). Figures per resolution:

- wall time of the load (the OCR) and of the rest;
- peak RSS: the largest sum over the reader child and its Tesseract processes, sampled every
  50 ms with psutil;
- table rows against the hand-typed goldens (tests/golden): exact, wrong but flagged
  ``ocr_unverified``, withheld (their table not published), wrong and unflagged (must be 0).

    .venv/bin/python -m benchmarks.ocr_speed [--dpi 300 --dpi 150] [--pages 1-44]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from pathlib import Path

import psutil

from cninet.guard import Limits
from cninet.process import load_source, recognise_or_reject, section_specs, source_lines
from extractors.document import Document
from extractors.extract import run_section
from extractors.sections import specs_for
from schemas.validate import Validated
from tests.conftest import REPORT_PDF
from tests.ocr_scoring import Score, score
from tests.scans import image_only_pdf


def table_datasets() -> list[str]:
    from extractors.spec import SectionSpec

    return sorted({s.dataset for s in specs_for("cnnic", "en") if isinstance(s, SectionSpec)})


class PeakRss:
    """The largest total RSS of this process's descendants while the block runs."""

    def __init__(self) -> None:
        self.peak = 0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.sample, daemon=True)

    def sample(self) -> None:
        me = psutil.Process()
        while not self.done.is_set():
            total = 0
            for proc in me.children(recursive=True):
                try:
                    total += proc.memory_info().rss
                except psutil.Error:
                    continue
            self.peak = max(self.peak, total)
            time.sleep(0.05)

    def __enter__(self) -> PeakRss:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.done.set()
        self.thread.join()


def read(path: Path) -> tuple[float, float, int, dict[str, Validated] | str]:
    """(OCR seconds, rest seconds, peak RSS bytes, validated datasets or the rejection)."""
    from cninet.process import validate_source

    start = time.perf_counter()
    with PeakRss() as rss:
        loaded = load_source(path, path.name)
    ocr_s = time.perf_counter() - start
    if not isinstance(loaded, Document):
        return ocr_s, 0.0, rss.peak, f"{loaded.status}: {loaded.reason}"
    start = time.perf_counter()
    edition = recognise_or_reject(loaded)
    if isinstance(edition, str):
        return ocr_s, 0.0, rss.peak, f"not recognised: {edition}"
    specs = section_specs(edition)
    lines = source_lines(loaded, specs)
    if isinstance(lines, str):
        return ocr_s, 0.0, rss.peak, lines
    results = [run_section(loaded, edition, spec, lines) for spec in specs]
    validated = validate_source(results, "bench")
    return ocr_s, time.perf_counter() - start, rss.peak, validated


def page_range(text: str) -> list[int]:
    first, _, last = text.partition("-")
    return list(range(int(first) - 1, int(last or first)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dpi", type=int, action="append")
    parser.add_argument("--pages", default=None, help="1-based range, e.g. 30-40 (default all)")
    args = parser.parse_args()
    limits = Limits.from_env()
    print(
        f"reader child limits: {limits.seconds:g} s, {limits.memory_mb} MB address space above "
        f"the parent's, {limits.size_mb:g} MB file; {os.cpu_count()} cores; "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    pages = page_range(args.pages) if args.pages else None
    data = REPORT_PDF.read_bytes()
    datasets = table_datasets()
    with tempfile.TemporaryDirectory() as folder:
        for dpi in args.dpi or [300, 150]:
            path = Path(folder) / f"cnnic-54-en-scan-{dpi}dpi.pdf"
            path.write_bytes(image_only_pdf(data, dpi, pages))
            ocr_s, rest_s, peak, outcome = read(path)
            size = path.stat().st_size / 2**20
            print(f"\n{dpi} dpi ({size:.1f} MB): OCR {ocr_s:.1f} s, the rest {rest_s:.1f} s, "
                  f"peak RSS {peak / 2**20:.0f} MB")  # fmt: skip
            if isinstance(outcome, str):
                print(f"  {outcome}")
                continue
            result: Score = score(outcome, datasets)
            rest = result.rows - result.exact
            flagged = result.flagged + result.withheld
            print(f"  table rows: {result.rows}; exact {result.exact} "
                  f"({100 * result.exact / result.rows:.1f} %, {result.exact_flagged} of them "
                  f"flagged); the rest {rest}: flagged {result.flagged}, withheld "
                  f"{result.withheld}, wrong and unflagged {len(result.wrong)} "
                  f"({100 * flagged / rest if rest else 100:.0f} % flagged)")  # fmt: skip
            for line in result.wrong:
                print(f"  WRONG {line}")
            blocked = [f"{n}: {'; '.join(v.structural)[:160]}" for n, v in outcome.items()
                       if not v.ok]  # fmt: skip
            for line in blocked:
                print(f"  withheld {line}")
    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
