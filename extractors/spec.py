"""Section specs: what to extract, declared as data (one file per section under sections/)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

RowParser = Callable[[Sequence[str]], Mapping[str, Any]]
SPEC_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
CHAPTER_RE = re.compile(r"^[a-z][a-z0-9-]*$")


class SpecError(ValueError):
    """A section spec that is not well formed."""


@dataclass(frozen=True)
class SectionSpec:
    """A printed table: how to find it (caption, header) and how to read each body row.

    ``caption`` is searched in whitespace-normalised text lines; ``header`` is compared with the
    block's first row case-insensitively, cell by cell. ``parse_row`` turns the printed cells of
    one body row into the dataset's value columns (raising ``CellError`` on bad cells).
    """

    id: str
    dataset: str
    chapter: str
    caption: re.Pattern[str]
    header: tuple[str, ...]
    parse_row: RowParser
    doc_kind: str = "cnnic"
    lang: str = "en"
    version: str = "1"
    description: str = ""

    def __post_init__(self) -> None:
        if not SPEC_ID_RE.match(self.id):
            raise SpecError(f"section id {self.id!r} must be lower_snake_case")
        if not CHAPTER_RE.match(self.chapter):
            raise SpecError(f"{self.id}: chapter {self.chapter!r} must be lower-kebab-case")
        if len(self.header) < 2 or not all(cell.strip() for cell in self.header):
            raise SpecError(f"{self.id}: header needs at least two non-empty cells")
        if self.caption.flags & re.IGNORECASE == 0:
            raise SpecError(f"{self.id}: caption pattern must be case-insensitive")

    @property
    def extractor(self) -> str:
        return f"{self.id}@{self.version}"

    def header_matches(self, cells: Sequence[str]) -> bool:
        wanted = [cell.casefold() for cell in self.header]
        return [" ".join(cell.split()).casefold() for cell in cells] == wanted
