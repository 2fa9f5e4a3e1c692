"""Run one section spec over a document's line stream → a tidy frame plus failures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from extractors.cells import CellError, is_total_label, split_notes
from extractors.document import Document
from extractors.layout import Line
from extractors.locate import SectionNotFound, locate_table
from extractors.recognise import Edition
from extractors.spec import SectionSpec


@dataclass(frozen=True)
class SectionResult:
    """Rows extracted for one section from one source, and every structural failure met."""

    spec: SectionSpec
    frame: pd.DataFrame
    failures: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.failures


def where(row: Line) -> str:
    return f"page {row.page}" if row.page is not None else f"line {row.line}"


def row_values(spec: SectionSpec, row: Line) -> dict[str, Any]:
    """Value columns of one body row; raises CellError naming the cell that failed."""
    if len(row.cells) != spec.columns:
        raise CellError(f"{len(row.cells)} cells where the table has {spec.columns}")
    label, label_notes = split_notes(row.cells[0])
    values = dict(spec.parse_row((label, *row.cells[1:])))
    values["notes"] = sorted({*label_notes, *values.get("notes", [])})
    values["is_total"] = is_total_label(label)
    return values


def provenance(
    doc: Document, edition: Edition, spec: SectionSpec, caption: str, row: Line
) -> dict[str, Any]:
    return {
        "source_sha256": doc.sha256,
        "source_path": doc.path,
        "source_format": doc.format,
        "edition": edition.edition,
        "period_end": pd.Timestamp(spec.period(edition)),
        "page": row.page,
        "line": row.line,
        "caption": caption,
        "raw": "\t".join(row.cells),
        "extractor": spec.extractor,
    }


def extract_section(
    doc: Document, edition: Edition, spec: SectionSpec, lines: Sequence[Line]
) -> SectionResult:
    """Locate ``spec``'s table and parse every body row; nothing here raises on bad input."""
    try:
        table = locate_table(lines, spec)
    except SectionNotFound as exc:
        return SectionResult(spec, pd.DataFrame(), (str(exc),))
    records: list[dict[str, Any]] = []
    failures: list[str] = []
    for row in table.body:
        try:
            values = row_values(spec, row)
        except CellError as exc:
            failures.append(f"{spec.id}: {where(row)}: {exc} in row {'|'.join(row.cells)!r}")
            continue
        records.append({**provenance(doc, edition, spec, table.caption, row), **values})
    frame = pd.DataFrame.from_records(records)
    if spec.tidy is not None and not failures:
        try:
            frame = spec.tidy(frame, table.header_text, edition)
        except CellError as exc:
            failures.append(f"{spec.id}: {exc} (header {table.header_text!r})")
    if not failures:
        frame["quality_flags"] = [[] for _ in range(len(frame))]
    return SectionResult(spec, frame, tuple(failures))
