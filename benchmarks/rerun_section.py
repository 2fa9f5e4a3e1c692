"""Rerun of one section of one edition: extraction + validation + Delta publish, no Prefect.

Publishes the 54th edition (PDF and text) into a temporary curated folder, then times
re-extracting one section from the PDF and publishing it — once unchanged (no commit) and once
as after an extractor fix (a new version replacing only that section's rows).

    .venv/bin/python benchmarks/rerun_section.py [--section ipv6_by_org] [--repeat 5]
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import tempfile
import time
from pathlib import Path

from cninet.process import commit_metadata, section_specs, validate_source
from cninet.store import publish
from extractors.document import load_document
from extractors.extract import run_section
from extractors.layout import document_lines
from extractors.recognise import recognise
from extractors.spec import Section

RAW = Path(__file__).resolve().parent.parent / "raw" / "reports"


def publish_source(path: Path, curated: Path, specs: tuple[Section, ...] | None = None) -> int:
    doc = load_document(path)
    edition = recognise(doc)
    chosen = specs or section_specs(edition)
    lines = document_lines(doc, [c for spec in chosen for c in spec.captions])
    results = [run_section(doc, edition, spec, lines) for spec in chosen]
    versions = 0
    for dataset, checked in validate_source(results, "bench").items():
        metadata = commit_metadata("bench", dataset, checked.frame, [])
        versions += publish(curated, dataset, checked.frame, metadata).changed
    return versions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--section", default="ipv6_by_org")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    pdf = RAW / "cnnic-54-en-2024-08.pdf"
    with tempfile.TemporaryDirectory() as folder:
        curated = Path(folder)
        for path in (pdf, RAW / "cnnic-54-en-2024-08.txt"):
            publish_source(path, curated)
        spec = next(s for s in section_specs(recognise(load_document(pdf))) if s.id == args.section)
        unchanged, fixed = [], []
        current = spec
        for attempt in range(args.repeat):
            start = time.perf_counter()
            assert publish_source(pdf, curated, (current,)) == 0
            unchanged.append(time.perf_counter() - start)
            current = dataclasses.replace(spec, version=f"fix{attempt}")
            start = time.perf_counter()
            assert publish_source(pdf, curated, (current,)) == 1
            fixed.append(time.perf_counter() - start)
    print(f"rerun of section {args.section} of edition 54 (PDF), median of {args.repeat}:")
    print(f"  unchanged (no commit):          {statistics.median(unchanged):.3f} s")
    print(f"  after a fix (new Delta version): {statistics.median(fixed):.3f} s")


if __name__ == "__main__":
    main()
