"""Flip bytes of the 54th edition's PDF and see what each damaged copy would publish.

Shared by tests/test_faults.py (a bounded, seeded run) and benchmarks/fuzz_pdf.py (a longer
one). A damaged copy must end in one of three ways: rejected with a one-line reason (loading,
recognition), every short table blocked as structural, or its tables published whole. A table
that would publish with fewer rows than the edition prints (the hand-typed goldens) is
"silently short" — the failure this guards against.

Each copy is read by the library's own steps (cninet.process.run_source) with loading in
process (PDFium is fast; the forked child adds nothing here) and the pure checks that block
publishing (section failures, province membership, membership against a previous edition
holding the 54th's members); pandera validation, which only adds blocks, is left out for speed.
"""

from __future__ import annotations

import csv
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from cninet.process import SourceOutcome, Steps, dataset_parts, run_source, whole
from extractors.document import Document, DocumentError, parse_document
from extractors.extract import SectionResult, run_section
from extractors.layout import Line, document_lines
from extractors.spec import Section
from schemas.completeness import lost_members
from schemas.validate import Validated

ROOT = Path(__file__).resolve().parent.parent
PDF = ROOT / "raw" / "reports" / "cnnic-54-en-2024-08.pdf"
GOLDEN = ROOT / "tests" / "golden" / "cnnic-54-en"
TEXT_SECTIONS = frozenset({"indicators_text"})


def golden_frames() -> dict[str, pd.DataFrame]:
    """The hand-typed goldens of the 54th edition's tables."""
    out = {}
    for path in sorted(GOLDEN.glob("*.csv")):
        if path.stem in ("edition", "indicators"):
            continue
        with path.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        frame = pd.DataFrame(rows)
        frame["is_total"] = (
            frame.get("is_total", pd.Series("false", index=frame.index)).str.lower() == "true"
        )
        frame["edition"] = 53  # a previous edition with the same members
        out[path.stem] = frame
    return out


def table_sections() -> frozenset[str]:
    from extractors.sections import specs_for

    return frozenset(s.id for s in specs_for("cnnic", "en") if s.id not in TEXT_SECTIONS)


def in_process_load(data: bytes) -> Callable[[Path, str], Document | SourceOutcome]:
    def load(path: Path, name: str) -> Document | SourceOutcome:
        try:
            return parse_document(name, data)
        except DocumentError as exc:
            return SourceOutcome(exc.path, "rejected", exc.reason)

    return load


def pure_validate(
    previous: dict[str, pd.DataFrame],
) -> Callable[[Sequence[SectionResult], str], dict[str, Validated]]:
    def validate(results: Sequence[SectionResult], run_id: str) -> dict[str, Validated]:
        out = {}
        for dataset, parts in dataset_parts(results).items():
            if parts.failures:
                out[dataset] = Validated(dataset, parts.frame, structural=tuple(parts.failures))
                continue
            checked = whole(Validated(dataset, parts.frame))
            lost = lost_members(dataset, parts.frame, previous.get(dataset, pd.DataFrame()))
            if lost and checked.ok:
                checked = Validated(dataset, parts.frame, structural=(lost,))
            out[dataset] = checked
        return out

    return validate


def lines_of(doc: Document, specs: Sequence[Section]) -> list[Line]:
    return document_lines(doc, [c for spec in specs for c in spec.captions])


@dataclass(frozen=True)
class Trial:
    offset: int
    bit: int
    outcome: str  # rejected | skipped | blocked | published | unchanged
    reason: str
    short: tuple[str, ...]  # datasets published with fewer rows than printed


def flipped(data: bytes, offset: int, bit: int) -> bytes:
    damaged = bytearray(data)
    damaged[offset] ^= 1 << bit
    return bytes(damaged)


def trial(data: bytes, offset: int, bit: int, golden: dict[str, pd.DataFrame]) -> Trial:
    damaged = flipped(data, offset, bit)
    steps = Steps(in_process_load(damaged), lines_of, run_section, pure_validate(golden))
    outcome = run_source(PDF, "fuzz", steps, table_sections(), name="fuzzed.pdf")
    if outcome.status != "extracted":
        return Trial(offset, bit, outcome.status, outcome.reason, ())
    ok = {d: v for d, v in outcome.validated.items() if v.ok}
    short = tuple(sorted(d for d, v in ok.items() if len(v.frame) < len(golden[d])))
    kind = "published" if ok else "blocked"
    reason = "; ".join(line for v in outcome.validated.values() for line in v.structural)
    return Trial(offset, bit, kind, reason, short)


def trials(seed: int, count: int, budget_s: float) -> Iterator[Trial]:
    """Up to ``count`` seeded flips (offsets anywhere in the file), within ``budget_s``."""
    data = PDF.read_bytes()
    golden = golden_frames()
    rng = random.Random(seed)
    started = time.monotonic()
    for _ in range(count):
        if time.monotonic() - started > budget_s:
            return
        yield trial(data, rng.randrange(len(data)), rng.randrange(8), golden)
