"""Find a section's table in the line stream by its caption text and printed header.

A table is a run of body rows (a label, then at least one number) whose usual number of
cells is the spec's. Its header is the few lines right above the run. The spec's caption picks,
among the runs whose header matches the spec's keywords, the nearest one (captions stand above
or below their table). Later runs with the same number of cells continue it — across a page
break, a footnote, its own caption, or a repeated header — until another caption, a different
header, or a Total.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from threading import Lock

from extractors.cells import is_total_label, split_notes
from extractors.footnotes import Footnote, footnotes
from extractors.layout import Line
from extractors.rows import is_body_row, is_caption, names_periods
from extractors.spec import SectionSpec
from extractors.wrapping import join_continuations, merged_header

MAX_HEADER_LINES = 8  # a header wrapped in narrow columns runs over many short lines
MAX_HEADER_WORDS = 12


class SectionNotFound(Exception):
    """The section's caption or table is missing: a structural failure for that section."""


@dataclass(frozen=True)
class Run:
    """Consecutive body rows with one cell count, and the lines printed right above them."""

    start: int  # index of the first row in the line stream
    rows: tuple[Line, ...]
    header: tuple[Line, ...]  # header-like lines above, top to bottom

    @property
    def end(self) -> int:
        return self.start + len(self.rows) - 1

    @cached_property
    def width(self) -> int:
        """The usual number of cells (a malformed row keeps its run; parsing reports it)."""
        counts = Counter(len(row.cells) for row in self.rows)
        return max(counts, key=lambda width: (counts[width], -width))

    @cached_property
    def header_text(self) -> str:
        """The header as one text, column by column (wrapped header lines merged)."""
        columns = merged_header(self.header, self.rows, self.width)
        return " ".join(column for column in columns if column)

    @cached_property
    def own_header(self) -> tuple[tuple[str, ...], ...]:
        """The tabbed (multi-cell) header lines directly above the rows."""
        tabbed: list[tuple[str, ...]] = []
        for line in reversed(self.header):
            if len(line.cells) < 2:
                break
            tabbed.insert(0, tuple(c.casefold() for c in line.cells))
        return tuple(tabbed)


@dataclass(frozen=True)
class LocatedTable:
    caption: str
    caption_notes: tuple[str, ...]
    header_text: str
    body: tuple[Line, ...]


def is_header_like(line: Line) -> bool:
    """Multi-cell non-body lines (or lines whose only numbers are years, as in a wrapped
    ``Dec. | 2023`` header), or short single-cell lines that are not sentences."""
    if is_caption(line) or (is_body_row(line) and not names_periods(line)):
        return False
    if len(line.cells) >= 2:
        return True
    text = line.text
    return len(text.split()) <= MAX_HEADER_WORDS and not text.rstrip().endswith((".", ":", ";"))


def header_above(lines: Sequence[Line], start: int) -> tuple[Line, ...]:
    header: list[Line] = []
    index = start - 1
    while index >= 0 and len(header) < MAX_HEADER_LINES and is_header_like(lines[index]):
        header.insert(0, lines[index])
        index -= 1
    return tuple(header)


def find_runs(lines: Sequence[Line]) -> list[Run]:
    runs: list[Run] = []
    index = 0
    while index < len(lines):
        if not is_body_row(lines[index]):
            index += 1
            continue
        start = index
        while index < len(lines) and is_body_row(lines[index]):
            index += 1
        runs.append(Run(start, tuple(lines[start:index]), header_above(lines, start)))
    return runs


def header_matches(spec: SectionSpec, text: str) -> bool:
    """Every header keyword occurs in the header text (multi-line headers interleave)."""
    return all(re.search(keyword, text, re.IGNORECASE) for keyword in spec.header)


def distance(caption: int, run: Run) -> int:
    return run.start - caption if caption < run.start else caption - run.end


def header_only(run: Run, head: Run) -> bool:
    """A run of header lines that look like rows (``Dec. | Dec. 2023 | Jun. | 2024`` of a
    repeated wrapped header): skipped over, not a different table."""
    return run.width != head.width and all(names_periods(row) for row in run.rows)


def continuation(lines: Sequence[Line], head: Run, runs: Sequence[Run], caption: int) -> list[Run]:
    """Later runs that continue ``head`` (see module docstring)."""
    parts = [head]
    for run in runs:
        if run.start <= parts[-1].end or header_only(run, head):
            continue
        if any(is_total_label(split_notes(row.cells[0])[0]) for row in parts[-1].rows):
            break
        between = range(parts[-1].end + 1, run.start)
        if any(is_caption(lines[i]) and i != caption for i in between):
            break
        if run.width != head.width or run.own_header not in ((), head.own_header):
            break
        parts.append(run)
    return parts


def first_part(
    lines: Sequence[Line], nearest: Run, heads: Sequence[Run], runs: Sequence[Run], caption: int
) -> Run:
    """The earliest head run whose continuation reaches ``nearest`` (a table broken across
    pages whose caption sits under its last part)."""
    for head in heads:
        if head.start >= nearest.start:
            break
        if nearest in continuation(lines, head, [r for r in runs if r.start > head.end], caption):
            return head
    return nearest


@dataclass(frozen=True)
class Prepared:
    """What every section's search reads from one line stream, worked out once for all of
    them: continuation lines joined into their rows, each line's text, the runs of rows."""

    lines: tuple[Line, ...]
    texts: tuple[str, ...]
    runs: tuple[Run, ...]
    notes: tuple[Footnote, ...]  # every footnote printed in the stream as read


PREPARED_KEPT = 2  # line streams whose preparation is kept (one source is read at a time)
_prepared: dict[tuple[int, ...], tuple[Sequence[Line], Prepared]] = {}
_prepared_lock = Lock()


def prepare(lines: Sequence[Line]) -> Prepared:
    """The preparation of ``lines``, reused while the same Line objects are asked about again
    (every section of a source is looked for in one stream). Keyed by the lines' identities,
    which cannot be reused while the stream is held here."""
    key = tuple(map(id, lines))
    with _prepared_lock:
        kept = _prepared.get(key)
    if kept is not None:
        return kept[1]
    joined = tuple(join_continuations(lines, is_body_row))
    texts = tuple(line.text for line in joined)
    prepared = Prepared(joined, texts, tuple(find_runs(joined)), footnotes(lines))
    with _prepared_lock:
        while len(_prepared) >= PREPARED_KEPT:
            del _prepared[next(iter(_prepared))]
        _prepared[key] = (tuple(lines), prepared)
    return prepared


def locate_table(lines: Sequence[Line], spec: SectionSpec) -> LocatedTable:
    """The table a caption matching ``spec.caption`` names (see module docstring)."""
    prepared = prepare(lines)
    lines = prepared.lines
    captions = [i for i, text in enumerate(prepared.texts) if spec.caption.search(text)]
    if not captions:
        raise SectionNotFound(f"{spec.id}: caption /{spec.caption.pattern}/ not found")
    runs = list(prepared.runs)
    heads = [r for r in runs if r.width == spec.columns and header_matches(spec, r.header_text)]
    if not heads:
        wanted = " … ".join(spec.header)
        raise SectionNotFound(
            f"{spec.id}: no table of {spec.columns} columns under a header like [{wanted}]"
        )
    caption, nearest = min(((c, r) for c in captions for r in heads), key=lambda p: distance(*p))
    head = first_part(lines, nearest, heads, runs, caption)
    parts = continuation(lines, head, [r for r in runs if r.start > head.end], caption)
    text, notes = split_notes(lines[caption].text)
    body = tuple(row for part in parts for row in part.rows)
    return LocatedTable(text, tuple(notes), head.header_text, body)
