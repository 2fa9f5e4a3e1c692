"""Tables whose printed cells wrap onto more lines (Word exports, narrow columns).

Two repairs, both decided by where the words stand, never by what they say:

- A header printed over several lines becomes one text per column: each header cell goes to
  the column(s) of the body rows it stands over (x-overlap); a text dump's header lines go by
  tab position. ``User`` / ``Size`` / ``Dec.`` / ``2023`` → ``User Size Dec. 2023``.
- A line without numbers printed right under a body row and inside its columns continues
  that row: ``Instant | 105,963 | …`` + ``Messaging`` → ``Instant Messaging | 105,963 | …``;
  a narrow value cell split the same way (``20A+116B+`` / ``85C``, ``100`` / ``million``)
  joins its column. In a PDF the line must stand within about a line's height of the row, in
  the row's font size; when the next row stands clearly nearer, the line belongs to that row
  (a label printed at the bottom of its cell). In a text dump the line must follow the row
  directly (no blank line between) and be short. Nothing continues a Total row.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import replace

from extractors.cells import is_total_label, split_notes
from extractors.layout import Line, Span
from extractors.rows import is_caption, is_number_cell

JOIN_EM = 1.6  # a continuation's centre stands at most this many font sizes from its row's
NEARER = 1.15  # the next row is "clearly nearer" when this many times nearer
SIZE_TOLERANCE = 0.1  # a continuation is printed in its row's font size (footnotes are not)
FIT_SHARE = 0.9  # share of a continuation cell's width that lies inside one column
HEADER_SHARE = 0.3  # share of a header cell's width over a column that puts it in that column
MAX_TEXT_WORDS = 6  # a text dump's continuation line has at most this many words
SENTENCE_END = (".", ":", ";")


def overlap(a: Span, b: Span) -> float:
    return max(0.0, min(a[1], b[1]) - max(a[0], b[0]))


def column_extents(rows: Sequence[Line], width: int) -> list[Span]:
    """Each column's left and right edge over the rows of ``width`` cells that have spans."""
    placed = [row.spans for row in rows if len(row.spans) == width]
    if not placed:
        return []
    return [
        (min(spans[i][0] for spans in placed), max(spans[i][1] for spans in placed))
        for i in range(width)
    ]


def bands(extents: Sequence[Span]) -> list[Span]:
    """The horizontal band of each column: its gaps to the neighbours split down the middle."""
    cuts = [(extents[i][1] + extents[i + 1][0]) / 2 for i in range(len(extents) - 1)]
    edges = [-math.inf, *cuts, math.inf]
    return [(edges[i], edges[i + 1]) for i in range(len(extents))]


def columns_under(span: Span, column_bands: Sequence[Span]) -> list[int]:
    """Columns a header cell stands over (a cell spanning two columns heads both)."""
    width = max(span[1] - span[0], 1e-6)
    shares = [overlap(span, band) / width for band in column_bands]
    hits = [i for i, share in enumerate(shares) if share >= HEADER_SHARE]
    return hits or [max(range(len(shares)), key=shares.__getitem__)]


def column_of(span: Span, column_bands: Sequence[Span]) -> int | None:
    """The one column a continuation cell lies inside, or None if it crosses a boundary."""
    width = max(span[1] - span[0], 1e-6)
    for index, band in enumerate(column_bands):
        if overlap(span, band) >= FIT_SHARE * width:
            return index
    return None


def joined(parts: Sequence[str]) -> str:
    """Wrapped pieces of one cell as one text: ``Car-`` + ``hailing`` → ``Car-hailing``,
    ``20A+116B+`` + ``85C`` → ``20A+116B+85C``, ``343,168,`` + ``256``; else one space."""
    text = ""
    for part in parts:
        if not part:
            continue
        glue = (
            text.endswith("+")
            or (text.endswith(",") and part[:1].isdigit())
            or (text.endswith("-") and text[-2:-1].isalpha())
        )
        text = f"{text}{part}" if glue or not text else f"{text} {part}"
    return text


def merged_header(header: Sequence[Line], rows: Sequence[Line], width: int) -> tuple[str, ...]:
    """One header text per column from the header lines above ``rows``, top to bottom."""
    extents = column_extents(rows, width)
    column_bands = bands(extents) if extents else []
    parts: list[list[str]] = [[] for _ in range(width)]
    for line in header:
        if column_bands and len(line.spans) == len(line.cells):
            for cell, span in zip(line.cells, line.spans, strict=True):
                for column in columns_under(span, column_bands):
                    parts[column].append(cell)
        else:
            for index, cell in enumerate(line.cells):
                parts[min(index, width - 1)].append(cell)
    return tuple(joined(column) for column in parts)


def placed_cells(line: Line, row: Line) -> list[tuple[int, str]] | None:
    """(column, text) of each cell of ``line`` under ``row``'s columns, or None if a cell
    does not fit one of them."""
    if row.spans and line.spans:
        column_bands = bands(row.spans)
        columns = [column_of(span, column_bands) for span in line.spans]
        if any(column is None for column in columns):
            return None
        return [(c, cell) for c, cell in zip(columns, line.cells, strict=True) if c is not None]
    if len(line.cells) > len(row.cells):
        return None
    return [(index, cell) for index, cell in enumerate(line.cells) if cell]


def attach(row: Line, line: Line, below: bool) -> Line:
    """``row`` with the cells of its continuation ``line`` joined into its columns."""
    placed = placed_cells(line, row)
    assert placed is not None
    cells = list(row.cells)
    for column, text in placed:
        cells[column] = joined([cells[column], text] if below else [text, cells[column]])
    return replace(row, cells=tuple(cells))


def distance(a: Line, b: Line) -> float:
    """Vertical distance of two lines' centres in font sizes (PDF), or in lines (text)."""
    if a.y is None or b.y is None:
        return float(abs((b.line or 0) - (a.line or 0)))
    return abs(a.y - b.y) / max(a.size, b.size, 1e-6)


def may_continue(line: Line, row: Line, last: Line) -> bool:
    """Whether ``line`` may continue ``row`` whose last printed line is ``last``."""
    text = line.text
    if not text or is_caption(line) or is_total_label(split_notes(row.cells[0])[0]):
        return False
    placed = placed_cells(line, row)
    if (
        placed is None
        or text.endswith(SENTENCE_END)
        or not all(completes(row.cells[column], piece) for column, piece in placed)
    ):
        return False
    if row.y is None:  # a text dump: the very next line, short
        return line.line == (last.line or 0) + 1 and len(text.split()) <= MAX_TEXT_WORDS
    return (
        line.page == row.page
        and abs(line.size - row.size) <= SIZE_TOLERANCE * row.size
        and distance(last, line) <= JOIN_EM
    )


def unfinished(row: Line) -> bool:
    """A row with a cell cut short (``3A+192B+``): its next line may look like a row."""
    return any(cell.endswith(("+", ",")) for cell in row.cells)


def completes(cell: str, piece: str) -> bool:
    """A number continues only a cell left visibly unfinished (``20A+116B+``, ``343,168,``)
    or empty; words continue any cell. (A line of numbers alone is not a continuation.)"""
    return not is_number_cell(piece) or not cell or cell.endswith(("+", ","))


def belongs_below(line: Line, last: Line, following: Line | None) -> bool:
    """A PDF line between two rows whose next row stands clearly nearer belongs to it."""
    if following is None or line.y is None or following.page != line.page:
        return False
    return distance(line, following) * NEARER < distance(last, line)


def join_continuations(lines: Sequence[Line], is_row: Callable[[Line], bool]) -> list[Line]:
    """The line stream with every continuation line joined into its row (module docstring)."""
    out: list[Line] = []
    row_at: int | None = None  # index in ``out`` of the row that may still be continued
    last: Line | None = None  # that row's last printed line
    pending: list[Line] = []  # lines that belong to the next row (printed above it)
    for index, line in enumerate(lines):
        if (
            row_at is not None
            and last is not None
            and unfinished(out[row_at])
            and may_continue(line, out[row_at], last)
        ):
            out[row_at] = attach(out[row_at], line, below=True)
            last = line
            continue
        if is_row(line):
            for early in reversed(pending):
                line = attach(line, early, below=False)
            pending = []
            out.append(line)
            row_at, last = len(out) - 1, line
            continue
        following = lines[index + 1] if index + 1 < len(lines) else None
        if (
            row_at is not None
            and last is not None
            and following is not None
            and is_row(following)
            and belongs_below(line, last, following)
            and may_continue(line, following, following)
        ):
            pending.append(line)
            row_at = None
            continue
        if row_at is not None and last is not None and may_continue(line, out[row_at], last):
            out[row_at] = attach(out[row_at], line, below=True)
            last = line
            continue
        out.extend(pending)
        pending = []
        out.append(line)
        row_at, last = None, None
    out.extend(pending)
    return out
