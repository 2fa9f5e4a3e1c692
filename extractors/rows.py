"""What a printed line is: a table body row (a label, then numbers), a caption, or neither."""

from __future__ import annotations

import re

from extractors.cells import split_notes
from extractors.layout import Line

# Any printed table/figure caption: a boundary that a continued table never crosses.
ANY_CAPTION_RE = re.compile(r"^(?:table|figure|chart)\s*\d+|^[表图]\s*\d+", re.IGNORECASE)
YEAR_RE = re.compile(r"^(?:19|20)\d{2}$")
NUMBER_CELL_RE = re.compile(r"^[-+−]?\d[\d,]*(?:\.\d+)?\s*%?$|^(?:\d+\s*[ABC]\s*\+?\s*)+$")


def is_number_cell(cell: str) -> bool:
    return bool(NUMBER_CELL_RE.match(split_notes(cell)[0]))


def is_body_row(line: Line) -> bool:
    cells = line.cells
    return (
        len(cells) >= 2
        and bool(cells[0])
        and not is_number_cell(cells[0])
        and any(is_number_cell(cell) for cell in cells[1:])
    )


def is_caption(line: Line) -> bool:
    return bool(ANY_CAPTION_RE.match(line.text))


def names_periods(line: Line) -> bool:
    """A line whose only numbers are years next to words (``Dec. | Dec. 2023 | Jun. | 2024``):
    a wrapped header line, even though it looks like a body row."""
    numbers = [cell for cell in line.cells[1:] if is_number_cell(cell)]
    return bool(numbers) and all(YEAR_RE.match(cell) for cell in numbers)
