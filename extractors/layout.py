"""A document as one stream of lines whose cells are split where the printed text has gaps.

Both formats end up in the same shape, so locating and reading a table is one piece of code.
A .txt dump marks cells with tabs. For a PDF, PDFium gives every character with its box and
font size: characters are grouped into lines by their vertical centre, a gap wider than about
one em starts a new cell, and raised small characters (footnote markers) are written
``^{...}``, the same form the text dump's ``²³`` and ``$^{11}$`` are normalised to. Only pages
near a wanted caption are read this way; running headers and page numbers (the top and bottom
margins) are dropped.
"""

from __future__ import annotations

import ctypes
import re
from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, NamedTuple

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extractors.document import Document
from extractors.ocr import PAGE_MARGIN, OcrPage, footnote_markers

CELL_GAP_EM = 0.9  # a gap wider than this many font sizes separates two cells
WORD_GAP_EM = 0.15  # a gap wider than this separates two words
SUPERSCRIPT_RATIO = 0.8  # characters this much smaller than their line are superscripts
RAISED_RATIO = 0.95  # … and characters at least a little smaller, printed raised …
RAISE_EM = 0.2  # … by this many font sizes above the line's baseline
LINE_TOLERANCE_EM = 0.45  # characters whose centres are this close share a line
MARGIN = PAGE_MARGIN  # top and bottom fraction of a page holding running headers and page numbers
PAGE_WINDOW = (-1, 2)  # pages read around a caption's page: tables break onto later pages
SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
RULE_RE = re.compile(r"^[-=_—\s]*$")


Span = tuple[float, float]  # a cell's left and right edge on the page, in points


@dataclass(frozen=True)
class Line:
    """One printed line: its cells (one for running text) and where it stands (1-based).

    A PDF line also has each cell's horizontal ``spans``, its vertical centre ``y`` (points
    from the page's bottom) and its font ``size``: wrapped headers and cells are put back
    together by position (extractors.wrapping). A text dump's lines have none of these.
    """

    cells: tuple[str, ...]
    page: int | None
    line: int | None
    spans: tuple[Span, ...] = ()
    y: float | None = None
    size: float = 0.0

    @property
    def text(self) -> str:
        return " ".join(cell for cell in self.cells if cell)


def normalise_space(text: str) -> str:
    return " ".join(text.split())


def normalise_markers(text: str) -> str:
    """Text-dump footnote markers to the ``^{N}`` form: ``²³`` and ``$.CN^{11}$`` alike."""
    text = re.sub(r"\$([^$]{0,40})\$", r"\1", text)  # LaTeX math debris: $.CN^{11}$
    return re.sub(
        r"\s*([⁰¹²³⁴⁵⁶⁷⁸⁹]+)", lambda m: "^{" + m[1].translate(SUPERSCRIPT_DIGITS) + "}", text
    )


def clean_cells(cells: Sequence[str]) -> tuple[str, ...]:
    values = [normalise_space(normalise_markers(cell)) for cell in cells]
    while values and not values[-1]:
        values.pop()
    return tuple(values)


def txt_lines(lines: Sequence[str]) -> list[Line]:
    """Non-blank lines of a text dump; rule lines (``-----``) are dropped."""
    out = []
    for number, raw in enumerate(lines, start=1):
        if RULE_RE.match(raw.replace("\t", "")):
            continue
        out.append(Line(clean_cells(raw.split("\t")), None, number))
    return out


class Char(NamedTuple):
    text: str
    left: float
    bottom: float
    right: float
    top: float
    size: float

    @property
    def centre(self) -> float:
        return (self.bottom + self.top) / 2


def unchecked(function: Any, restype: Any) -> Any:
    """A PDFium function called without ctypes' per-argument checks (half the cost per call;
    the line reader makes two calls per character)."""
    address = ctypes.cast(function, ctypes.c_void_p).value
    assert address is not None
    return ctypes.CFUNCTYPE(restype)(address)


LOOSE_CHAR_BOX = unchecked(pdfium_c.FPDFText_GetLooseCharBox, ctypes.c_int)
FONT_SIZE = unchecked(pdfium_c.FPDFText_GetFontSize, ctypes.c_double)


def page_chars(textpage: pdfium.PdfTextPage) -> list[Char]:
    """Every printed (non-space) character of a page with its loose box and font size."""
    count = textpage.count_chars()
    text = textpage.get_text_range(0, count)
    handle = ctypes.c_void_p(ctypes.cast(textpage.raw, ctypes.c_void_p).value)
    box = pdfium_c.FS_RECTF()
    where = ctypes.byref(box)
    chars = []
    for index, char in enumerate(text[:count]):
        if char.isspace():
            continue
        if not LOOSE_CHAR_BOX(handle, index, where):
            raise pdfium.PdfiumError("Failed to get charbox.")
        size = FONT_SIZE(handle, index)
        chars.append(Char(char, box.left, box.bottom, box.right, box.top, size))
    return chars


def group_lines(chars: Sequence[Char]) -> list[list[Char]]:
    """Characters grouped into lines, top to bottom; each line's reference is its largest font."""
    lines: list[tuple[float, float, list[Char]]] = []
    placed = sorted(((char.centre, char) for char in chars), key=itemgetter(0), reverse=True)
    for middle, char in placed:
        if lines:
            centre, size, members = lines[-1]
            if abs(centre - middle) <= LINE_TOLERANCE_EM * max(size, char.size):
                members.append(char)
                if char.size > size:
                    lines[-1] = (middle, char.size, members)
                continue
        lines.append((middle, char.size, [char]))
    return [sorted(members, key=itemgetter(1)) for _, _, members in lines]


def line_cells(chars: Sequence[Char]) -> tuple[str, ...]:
    """Cells of one line: gaps split cells and words; small characters become ``^{...}``."""
    return cells_and_spans(chars)[0]


def baseline(chars: Sequence[Char], size: float) -> float:
    """The bottom of a line's full-size characters (the median, so one low glyph is ignored)."""
    bottoms = sorted(char.bottom for char in chars if char.size >= RAISED_RATIO * size)
    return bottoms[len(bottoms) // 2]


def is_superscript(char: Char, size: float, base: float) -> bool:
    """A footnote marker by typography: much smaller than its line, or smaller and raised."""
    if char.size < SUPERSCRIPT_RATIO * size:
        return True
    return char.size < RAISED_RATIO * size and char.bottom - base >= RAISE_EM * size


def cells_and_spans(chars: Sequence[Char]) -> tuple[tuple[str, ...], tuple[Span, ...]]:
    """Cells of one line (see ``line_cells``) and each cell's left and right edge."""
    size = max(char.size for char in chars)
    base = baseline(chars, size)
    cells: list[str] = []
    spans: list[Span] = []
    current = ""
    raised = False
    previous: Char | None = None
    start = chars[0].left
    for char in chars:
        small = is_superscript(char, size, base)
        gap = char.left - previous.right if previous else 0.0
        new_cell = previous is not None and gap > CELL_GAP_EM * size
        if raised and (not small or new_cell):
            current += "}"
            raised = False
        if new_cell and previous is not None:
            cells.append(current)
            spans.append((start, previous.right))
            current = ""
            start = char.left
        elif previous is not None and gap > WORD_GAP_EM * size and not (small and not raised):
            current += " "
        if small and not raised:
            current += "^{"
            raised = True
        current += char.text
        previous = char
    cells.append(current + ("}" if raised else ""))
    spans.append((start, chars[-1].right))
    kept = [(cell, span) for cell, span in zip(clean_cells(cells), spans, strict=False)]
    return tuple(cell for cell, _ in kept), tuple(span for _, span in kept)


def pdf_line(chars: Sequence[Char], page: int) -> Line:
    """One PDF line with its cells' positions (the line's centre is its largest font's)."""
    cells, spans = cells_and_spans(chars)
    size = max(char.size for char in chars)
    centres = [char.centre for char in chars if char.size >= SUPERSCRIPT_RATIO * size]
    return Line(cells, page, None, spans, sum(centres) / len(centres), size)


def pdf_page_lines(page: pdfium.PdfPage, number: int) -> list[Line]:
    """Lines of one PDF page without its margins (running header, page number)."""
    height = page.get_height()
    textpage = page.get_textpage()
    try:
        chars = page_chars(textpage)
    finally:
        textpage.close()
    body = [c for c in chars if MARGIN * height < c.centre < (1 - MARGIN) * height]
    return [pdf_line(line, number) for line in group_lines(body)]


def caption_pages(pages: Sequence[str], patterns: Sequence[re.Pattern[str]]) -> list[int]:
    """0-based indexes of pages with a line matching a caption, widened by PAGE_WINDOW."""
    hits = {
        index
        for index, text in enumerate(pages)
        if any(p.search(line) for line in map(normalise_space, text.splitlines()) for p in patterns)
    }
    before, after = PAGE_WINDOW
    wanted = {near for index in hits for near in range(index + before, index + after + 1)}
    return sorted(index for index in wanted if 0 <= index < len(pages))


MARKER_REACH_EM = 2.0  # an OCR'd marker belongs to the word ending this near on its left


def with_markers(words: Sequence[Char], markers: Sequence[Char]) -> list[Char]:
    """OCR'd words with each footnote marker written raised (``^{2}``) after the word just
    left of it on its line; a marker with no such word stays a small character of its own."""
    out = list(words)
    for marker in markers:
        left = [
            i
            for i, w in enumerate(out)
            if abs(w.centre - marker.centre) <= LINE_TOLERANCE_EM * w.size
            and w.right <= marker.left + 1
            and marker.left - w.right <= MARKER_REACH_EM * w.size
        ]
        if not left:
            out.append(marker)
            continue
        i = max(left, key=lambda n: out[n].right)
        word = out[i]
        text = f"{word.text}^{{{marker.text}}}"
        out[i] = Char(text, word.left, word.bottom, marker.right, word.top, word.size)
    return out


def ocr_page_lines(read: OcrPage, number: int) -> list[Line]:
    """Lines of a page read by OCR: each word is one box, grouped and split into cells like
    a text layer's characters (the same margins dropped), footnote markers read as numbers
    written raised after their word (``with_markers``)."""
    height = read.height
    words = [Char(w.text, w.left, w.bottom, w.right, w.top, w.size) for w in read.words]
    marks = [
        Char(m.text, m.left, m.bottom, m.right, m.top, m.top - m.bottom)
        for m in footnote_markers(read)
    ]
    body = [
        c for c in with_markers(words, marks) if MARGIN * height < c.centre < (1 - MARGIN) * height
    ]
    return [pdf_line(line, number) for line in group_lines(body)]


def pdf_lines(doc: Document, page_indexes: Sequence[int]) -> list[Line]:
    pdf = pdfium.PdfDocument(doc.data)
    try:
        lines = []
        for index in page_indexes:
            read = doc.ocr[index] if index < len(doc.ocr) else None
            if read is not None:
                lines.extend(ocr_page_lines(read, index + 1))
                continue
            page = pdf[index]
            lines.extend(pdf_page_lines(page, index + 1))
            page.close()
        return lines
    finally:
        pdf.close()


def document_lines(doc: Document, captions: Sequence[re.Pattern[str]]) -> list[Line]:
    """The line stream of a document; for a PDF only the pages around the captions."""
    if doc.format == "txt":
        return txt_lines(doc.lines)
    return pdf_lines(doc, caption_pages(doc.pages, captions))
