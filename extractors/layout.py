"""A document as one ordered stream of elements: text lines and table blocks.

Both formats end up in the same shape, so locating a section by its caption is one piece of
code. A .txt dump marks table rows with tabs; a PDF's ruled tables are found by pdfplumber, but
only on the pages whose text (read fast with PDFium) mentions a wanted caption, and their
neighbours, where a table broken across a page boundary continues.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pdfplumber

from extractors.document import Document

logging.getLogger("pdfminer").setLevel(logging.ERROR)


@dataclass(frozen=True)
class Row:
    """One printed table row: its cells and where it stands (PDF page or text line, 1-based)."""

    cells: tuple[str, ...]
    page: int | None
    line: int | None


@dataclass(frozen=True)
class Element:
    """A text line (``rows`` empty) or a table block (``rows[0]`` is its printed header)."""

    order: int
    text: str
    page: int | None
    line: int | None
    rows: tuple[Row, ...] = ()

    @property
    def is_table(self) -> bool:
        return bool(self.rows)


def normalise_space(text: str) -> str:
    return " ".join(text.split())


def clean_cells(cells: Iterable[str | None]) -> tuple[str, ...]:
    values = [normalise_space(cell or "") for cell in cells]
    while values and not values[-1]:
        values.pop()
    return tuple(values)


def txt_elements(lines: Sequence[str]) -> list[Element]:
    """Tab-separated runs of lines are table blocks; other non-blank lines are text."""
    elements: list[Element] = []
    block: list[Row] = []

    def flush() -> None:
        if block:
            first = block[0]
            text = "\t".join(first.cells)
            elements.append(Element(len(elements), text, None, first.line, tuple(block)))
            block.clear()

    for number, line in enumerate(lines, start=1):
        if "\t" in line and line.strip():
            block.append(Row(clean_cells(line.split("\t")), None, number))
            continue
        flush()
        if line.strip():
            elements.append(Element(len(elements), normalise_space(line), None, number))
    flush()
    return elements


def pdf_pages_matching(pages: Sequence[str], patterns: Sequence[re.Pattern[str]]) -> list[int]:
    """0-based indexes of pages with a text line matching any pattern, plus their neighbours."""
    hits = {
        index
        for index, text in enumerate(pages)
        if any(
            pattern.search(normalise_space(line))
            for line in text.splitlines()
            for pattern in patterns
        )
    }
    wanted = {near for index in hits for near in (index - 1, index, index + 1)}
    return sorted(index for index in wanted if 0 <= index < len(pages))


def inside(obj: dict[str, float], box: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = box
    return (
        obj["x0"] >= x0 - 1
        and obj["x1"] <= x1 + 1
        and obj["top"] >= top - 1
        and obj["bottom"] <= bottom + 1
    )


def pdf_page_elements(page: pdfplumber.page.Page, number: int, start: int) -> list[Element]:
    """Elements of one PDF page, top to bottom."""
    tables = page.find_tables()
    boxes = [table.bbox for table in tables]
    placed: list[tuple[float, Element]] = []
    for table in tables:
        rows = tuple(
            Row(clean_cells(cells), number, None)
            for cells in table.extract()
            if any((cell or "").strip() for cell in cells)
        )
        if rows:
            placed.append((table.bbox[1], Element(0, "\t".join(rows[0].cells), number, None, rows)))
    outside = page.filter(lambda obj: "x0" not in obj or not any(inside(obj, b) for b in boxes))
    for line in outside.extract_text_lines(return_chars=False):
        text = normalise_space(line["text"])
        if text:
            placed.append((line["top"], Element(0, text, number, None)))
    placed.sort(key=lambda item: item[0])
    return [
        Element(start + offset, element.text, element.page, element.line, element.rows)
        for offset, (_, element) in enumerate(placed)
    ]


def pdf_elements(doc: Document, page_indexes: Sequence[int]) -> list[Element]:
    """Elements of the given PDF pages (0-based indexes), in reading order."""
    elements: list[Element] = []
    with pdfplumber.open(io.BytesIO(doc.data)) as pdf:
        for index in page_indexes:
            page = pdf.pages[index]
            elements.extend(pdf_page_elements(page, index + 1, len(elements)))
            page.close()
    return elements


def document_elements(doc: Document, captions: Sequence[re.Pattern[str]]) -> list[Element]:
    """The element stream of a document, restricted for PDFs to pages near the captions."""
    if doc.format == "txt":
        return txt_elements(doc.lines)
    return pdf_elements(doc, pdf_pages_matching(doc.pages, captions))
