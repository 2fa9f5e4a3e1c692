"""Run one section spec over a document's line stream → a tidy frame plus failures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from extractors.cells import CellError, is_total_label, split_notes
from extractors.document import Document
from extractors.edition import Edition
from extractors.figures.facts import Fact, consolidate
from extractors.footnotes import FOOTNOTE_AMBIGUOUS, near, unglue
from extractors.lattice import READINGS_DISAGREE, disagreements
from extractors.layout import Line
from extractors.locate import SectionNotFound, locate_table, prepare
from extractors.ocr import OCR_UNVERIFIED, doubtful
from extractors.spec import RecordsSpec, Section, SectionSpec, TextSpec

# (row index, check name, message): an erratum the extractor itself saw (e.g. two mentions of
# one figure that disagree); validation turns it into a flag on that row.
PendingFlag = tuple[int, str, str]
TEXT_CAPTION = "(report text)"
ROW_KEY = "_printed_row"  # which printed row a tidy row came from (for its pending flags)


@dataclass(frozen=True)
class SectionResult:
    """Rows extracted for one section from one source, and every structural failure met."""

    section: str
    dataset: str
    frame: pd.DataFrame
    failures: tuple[str, ...] = field(default=())
    pending_flags: tuple[PendingFlag, ...] = field(default=())

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
    doc: Document,
    edition: Edition,
    extractor: str,
    caption: str,
    page: int | None,
    line: int | None,
) -> dict[str, Any]:
    return {
        "source_sha256": doc.sha256,
        "source_path": doc.path,
        "source_format": doc.format,
        "text_layer": doc.layer_of(page),
        "edition": edition.edition,
        "page": page,
        "line": line,
        "caption": caption,
        "extractor": extractor,
    }


def ocr_doubts(doc: Document, row: Line) -> list[str]:
    """For a row read by OCR: one message per word Tesseract read with low confidence."""
    if doc.layer_of(row.page) != "ocr" or row.page is None or row.y is None:
        return []
    read = doc.ocr[row.page - 1]
    words = doubtful(read, row.y, row.size) if read is not None else []
    printed = "\t".join(row.cells)
    return [
        f'OCR read {word.text!r} with confidence {word.confidence:.0f}: OCR text "{printed}"'
        for word in words
    ]


def extract_section(
    doc: Document, edition: Edition, spec: SectionSpec, lines: Sequence[Line]
) -> SectionResult:
    """Locate ``spec``'s table and parse every body row; nothing here raises on bad input."""
    try:
        table = locate_table(lines, spec)
    except SectionNotFound as exc:
        return SectionResult(spec.id, spec.dataset, pd.DataFrame(), (str(exc),))
    records: list[dict[str, Any]] = []
    failures: list[str] = []
    pending: list[tuple[int, str, str]] = []  # (record, check, message)
    notes = prepare(lines).notes
    text = doc.text
    disagree: dict[int, list[str]] = {}
    for found in disagreements(doc, spec, lines, table.body):
        disagree.setdefault(found.row, []).append(found.message)
    for index, row in enumerate(table.body):
        unglued = unglue(row.cells, near(notes, row), text)
        try:
            values = row_values(spec, replace(row, cells=unglued.cells))
        except CellError as exc:
            failures.append(f"{spec.id}: {where(row)}: {exc} in row {'|'.join(row.cells)!r}")
            continue
        pending += [(len(records), FOOTNOTE_AMBIGUOUS, message) for message in unglued.ambiguous]
        pending += [(len(records), READINGS_DISAGREE, m) for m in disagree.get(index, [])]
        pending += [(len(records), OCR_UNVERIFIED, m) for m in ocr_doubts(doc, row)]
        where_printed = provenance(doc, edition, spec.extractor, table.caption, row.page, row.line)
        records.append(
            {
                **where_printed,
                "period_end": pd.Timestamp(spec.period(edition)),
                "raw": "\t".join(row.cells),
                **values,
                ROW_KEY: len(records),
            }
        )
    frame = pd.DataFrame.from_records(records)
    if spec.tidy is not None and not failures:
        try:
            frame = spec.tidy(frame, table.header_text, edition)
        except CellError as exc:
            failures.append(f"{spec.id}: {exc} (header {table.header_text!r})")
    if failures:
        return SectionResult(spec.id, spec.dataset, frame.drop(columns=[ROW_KEY]), tuple(failures))
    frame["quality_flags"] = [[] for _ in range(len(frame))]
    flags = tuple(
        (index, check, message)
        for record, check, message in pending
        for index in frame.index[frame[ROW_KEY] == record]
    )
    return SectionResult(spec.id, spec.dataset, frame.drop(columns=[ROW_KEY]), (), flags)


def fact_record(doc: Document, edition: Edition, spec: TextSpec, fact: Fact) -> dict[str, Any]:
    return {
        **provenance(doc, edition, spec.extractor, TEXT_CAPTION, fact.page, fact.line),
        "period_end": pd.Timestamp(fact.period_end),
        "raw": fact.raw,
        "indicator_id": fact.indicator_id,
        "value": fact.value,
        "unit": fact.unit,
        "value_base": fact.value_base,
        "qualifier": fact.qualifier,
        "source_kind": spec.source_kind,
        "lang": spec.lang,
        "quote": fact.quote,
        "is_total": False,
        "notes": [],
        "quality_flags": [],
    }


TEXT_COLUMNS = (
    "source_sha256",
    "source_path",
    "source_format",
    "text_layer",
    "edition",
    "page",
    "line",
    "caption",
    "extractor",
    "period_end",
    "raw",
    "indicator_id",
    "value",
    "unit",
    "value_base",
    "qualifier",
    "source_kind",
    "lang",
    "quote",
    "is_total",
    "notes",
    "quality_flags",
)


def disagreement(kept: Fact, other: Fact) -> str:
    where_other = f"page {other.page}" if other.page is not None else f"line {other.line}"
    return f"{kept.raw} here, but {other.raw} at {where_other}: {other.quote[:120]}"


def extract_text_section(doc: Document, edition: Edition, spec: TextSpec) -> SectionResult:
    """One row per indicator and period (its most precise mention), plus unmatched figures."""
    facts = list(spec.facts(doc, edition))
    kept, conflicts = consolidate(facts)
    unmatched = [fact for fact in facts if fact.indicator_id is None]
    rows = kept + unmatched
    records = [fact_record(doc, edition, spec, f) for f in rows]
    # a source with no figure gives an empty frame that still has the dataset's columns
    frame = pd.DataFrame.from_records(records, columns=list(TEXT_COLUMNS))
    position = {id(fact): index for index, fact in enumerate(rows)}
    pending = (
        tuple(
            (position[id(best)], "erratum_text_mentions_disagree", disagreement(best, other))
            for best, other in conflicts
        )
        + tuple(
            (index, "period_unresolved", f"period guessed as {fact.period_end}: {fact.quote[:100]}")
            for index, fact in enumerate(rows)
            if not fact.period_resolved
        )
        + tuple(
            (index, flag, f"{flag}: {fact.raw} in {fact.quote[:100]}")
            for index, fact in enumerate(rows)
            for flag in fact.flags
        )
        + tuple(
            (index, "publisher_not_cnnic", f"attributed to {fact.publisher}: {fact.quote[:100]}")
            for index, fact in enumerate(rows)
            if fact.publisher not in (None, "CNNIC", "ISC")
        )
    )
    return SectionResult(spec.id, spec.dataset, frame, (), pending)


def extract_records_section(doc: Document, edition: Edition, spec: RecordsSpec) -> SectionResult:
    rows = []
    for record in spec.records(doc, edition):
        values = dict(record)
        where_printed = provenance(
            doc, edition, spec.extractor, spec.caption, values.pop("page"), values.pop("line")
        )
        period = values.pop("period_end")
        rows.append(
            {
                **where_printed,
                "period_end": pd.Timestamp(period) if period is not None else pd.NaT,
                **values,
                "is_total": False,
                "notes": [],
                "quality_flags": [],
            }
        )
    return SectionResult(spec.id, spec.dataset, pd.DataFrame.from_records(rows))


def run_section(
    doc: Document, edition: Edition, spec: Section, lines: Sequence[Line]
) -> SectionResult:
    """Extract one section of any kind."""
    if isinstance(spec, TextSpec):
        return extract_text_section(doc, edition, spec)
    if isinstance(spec, RecordsSpec):
        return extract_records_section(doc, edition, spec)
    return extract_section(doc, edition, spec, lines)
