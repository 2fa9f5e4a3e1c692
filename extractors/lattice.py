"""A second, independent reading of ruled tables (camelot's lattice method).

The line reader (extractors.layout) splits cells where the printed text has gaps. This
reading ignores the gaps: the located table's region of the page is rendered (PDFium), the
printed rules are found in the image by camelot's lattice line detection (OpenCV
morphology), and each cell is the box between two vertical and two horizontal rules, holding
the characters whose centres fall inside it. A table whose region shows no full grid (the
chapter tables print horizontal rules only) gets no second reading. Each body row's cells are
compared with the boxes of the grid row it stands in; a cell that differs is one
``readings_disagree`` message with both texts, and with what pdfplumber (pdfminer's own text
decoding) reads in that box, as a third opinion. Values are published as the line reader
read them; the flag sends a person to the page.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pypdfium2 as pdfium

from extractors.cells import split_notes
from extractors.document import Document
from extractors.layout import Char, Line, cells_and_spans, document_lines, group_lines, page_chars
from extractors.locate import SectionNotFound, locate_table
from extractors.spec import Section, SectionSpec
from extractors.wrapping import joined

RENDER_SCALE = 2.0  # 144 dpi: a half-point rule is a line of pixels
LINE_SCALE = 15  # camelot: the shortest rule found is the region's size / LINE_SCALE
MARGIN_EM = 1.5  # around the table's rows, in font sizes (takes in the rules around them)
MIN_RULE_EM = 1.3  # a vertical rule is at least this long (a glyph's stem is shorter)
MERGE_PT = 2.0  # rules closer than this are one rule
COVER_SHARE = 0.9  # a vertical rule spans this share of the rows to count
READINGS_DISAGREE = "readings_disagree"
SETTING = "CNINET_SECOND_READING"  # "0" turns the second reading off (on by default)


def enabled() -> bool:
    return os.environ.get(SETTING, "1").strip() != "0"


def prepare() -> None:
    """Import camelot's image processing (OpenCV) once in the calling process, so each
    forked reader child does not pay the import again (about a second)."""
    if enabled():
        import camelot.image_processing  # noqa: F401


@dataclass(frozen=True)
class Grid:
    """The rules of one table region, in PDF points: columns left to right, rows top down."""

    xs: tuple[float, ...]
    ys: tuple[float, ...]

    @property
    def columns(self) -> list[tuple[float, float]]:
        return list(zip(self.xs, self.xs[1:], strict=False))

    def band_of(self, y: float) -> tuple[float, float] | None:
        """The (top, bottom) of the grid row a line at height ``y`` stands in."""
        for top, bottom in zip(self.ys, self.ys[1:], strict=False):
            if top > y > bottom:
                return top, bottom
        return None


def merged(values: Sequence[float]) -> list[float]:
    """Positions of rules, the ones closer than MERGE_PT taken as one."""
    out: list[float] = []
    for value in sorted(values):
        if not out or value - out[-1] > MERGE_PT:
            out.append(value)
    return out


Box = tuple[float, float, float, float]  # left, bottom, right, top (PDF points)


def region_of(rows: Sequence[Line], page_size: tuple[float, float]) -> Box:
    """The band of the page across ``rows``, full width (a ruled box reaches past its text),
    with a margin that takes in the rules above and below (the last row's cell may run over
    a few lines below its first)."""
    margin = MARGIN_EM * max(row.size for row in rows)
    ys = [row.y for row in rows if row.y is not None]
    width, height = page_size
    return (0.0, max(min(ys) - 4 * margin, 0.0), width, min(max(ys) + margin, height))


def find_grid(page: pdfium.PdfPage, box: Box, rows: Sequence[Line]) -> Grid | None:
    """The rules camelot's lattice detection finds in ``box`` of the page: vertical rules
    that run past all of ``rows``, and every horizontal rule."""
    from camelot.image_processing import adaptive_threshold, find_lines

    left, bottom, right, top = box
    width, height = page.get_width(), page.get_height()
    bitmap = page.render(scale=RENDER_SCALE, crop=(left, bottom, width - right, height - top))
    image = np.ascontiguousarray(bitmap.to_numpy()[:, :, :3])
    _, threshold = adaptive_threshold(image)
    _, vertical = find_lines(threshold, direction="vertical", line_scale=LINE_SCALE)
    _, horizontal = find_lines(threshold, direction="horizontal", line_scale=LINE_SCALE)
    ys_rows = [row.y for row in rows if row.y is not None]
    need = max(COVER_SHARE * (max(ys_rows) - min(ys_rows)), MIN_RULE_EM * max(r.size for r in rows))
    xs = [
        left + x1 / RENDER_SCALE
        for x1, y1, _, y2 in vertical
        if abs(y1 - y2) / RENDER_SCALE >= need
    ]
    ys = [top - y1 / RENDER_SCALE for _, y1, _, _ in horizontal]
    if len(merged(xs)) < 2 or len(merged(ys)) < 2:
        return None
    return Grid(tuple(merged(xs)), tuple(sorted(merged(ys), reverse=True)))


def box_text(chars: Sequence[Char], x: tuple[float, float], y: tuple[float, float]) -> str:
    """The text of the characters whose centres lie in the box, line by line."""
    inside = [c for c in chars if x[0] < (c.left + c.right) / 2 < x[1] and y[1] < c.centre < y[0]]
    if not inside:
        return ""
    return joined([" ".join(cells_and_spans(line)[0]) for line in group_lines(inside)])


def same_cell(a: str, b: str) -> bool:
    """Two readings of a cell agree: the same text and markers, spaces aside."""
    (text_a, notes_a), (text_b, notes_b) = split_notes(a), split_notes(b)
    return "".join(text_a.split()) == "".join(text_b.split()) and notes_a == notes_b


def third_opinion(data: bytes, page: int, box: Box) -> str:
    """What pdfplumber (pdfminer's text decoding) reads in a box: asked only on a
    disagreement, so its cost is paid only then."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data), pages=[page]) as pdf:
        plumbed = pdf.pages[0]
        height = plumbed.height
        left, bottom, right, top = box
        text = plumbed.crop((left, height - top, right, height - bottom)).extract_text()
    return " ".join((text or "").split())


@dataclass(frozen=True)
class Disagreement:
    row: int  # index into the rows compared
    message: str


def row_disagreements(row: Line, grid: Grid, chars: Sequence[Char], data: bytes) -> list[str]:
    band = grid.band_of(row.y) if row.y is not None else None
    if band is None or len(grid.columns) != len(row.cells):
        return [f"the ruled grid has no row of {len(row.cells)} boxes where this row stands"]
    out = []
    for index, (cell, column) in enumerate(zip(row.cells, grid.columns, strict=True)):
        boxed = box_text(chars, column, band)
        if not same_cell(cell, boxed):
            box = (column[0], band[1], column[1], band[0])
            plumbed = third_opinion(data, row.page or 1, box)
            out.append(
                f"column {index + 1}: the line reader reads {cell!r}, the ruled grid "
                f"(camelot lattice) {boxed!r}; pdfplumber reads {plumbed!r}"
            )
    return out


def second_reading(data: bytes, rows: Sequence[Line], columns: int) -> list[Disagreement]:
    """Every cell of a located PDF table whose ruled-grid reading differs (module
    docstring); nothing for a table without a full grid of ``columns`` columns."""
    placed = [row for row in rows if row.page is not None and row.y is not None and row.spans]
    if not placed:
        return []
    found: list[Disagreement] = []
    pdf = pdfium.PdfDocument(data)
    try:
        for number in sorted({row.page for row in placed if row.page is not None}):
            on_page = [row for row in placed if row.page == number]
            page = pdf[number - 1]
            box = region_of(on_page, (page.get_width(), page.get_height()))
            grid = find_grid(page, box, on_page)
            if grid is None or len(grid.columns) != columns:
                page.close()
                continue
            textpage = page.get_textpage()
            chars = page_chars(textpage)
            textpage.close()
            page.close()
            for row in on_page:
                for message in row_disagreements(row, grid, chars, data):
                    found.append(Disagreement(rows.index(row), message))
    finally:
        pdf.close()
    return found


class ReadLines(list[Line]):
    """A document's line stream with the second reading of its located ruled tables already
    made (``second``: section id → disagreements), so it can be made where the line stream is
    (the bounded reader child) and not in the run's own process."""

    second: dict[str, list[Disagreement]]


def read_lines(doc: Document, specs: Sequence[Section]) -> list[Line]:
    """``document_lines`` for ``specs``, and for a PDF with a text layer (second reading on)
    each table section located and read a second time (``second_reading``)."""
    lines = document_lines(doc, [c for spec in specs for c in spec.captions])
    if doc.format != "pdf" or doc.text_layer != "pdf" or not enabled():
        return lines
    out = ReadLines(lines)
    out.second = {}
    for spec in specs:
        if not isinstance(spec, SectionSpec):
            continue
        try:
            table = locate_table(lines, spec)
        except SectionNotFound:
            continue
        out.second[spec.id] = second_reading(doc.data, table.body, spec.columns)
    return out


def disagreements(
    doc: Document, spec: SectionSpec, lines: Sequence[Line], body: Sequence[Line]
) -> list[Disagreement]:
    """The second reading of a located table: made with the line stream (``read_lines``),
    else here; none for a text file, an OCR'd document or with the second reading off."""
    if isinstance(lines, ReadLines):
        return lines.second.get(spec.id, [])
    if doc.format != "pdf" or doc.text_layer != "pdf" or not enabled():
        return []
    return second_reading(doc.data, body, spec.columns)
