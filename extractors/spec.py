"""Section specs: what to extract, declared as data (one file per section under sections/)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from extractors.document import Document
from extractors.edition import Edition

RowParser = Callable[[Sequence[str]], Mapping[str, Any]]
# (rows with the value columns, printed header text, edition) → tidy rows
Tidy = Callable[[pd.DataFrame, str, Edition], pd.DataFrame]
PeriodRule = Callable[[Edition], date]
SPEC_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
CHAPTER_RE = re.compile(r"^[a-z][a-z0-9-]*$")


class SpecError(ValueError):
    """A section spec that is not well formed."""


def edition_cutoff(edition: Edition) -> date:
    """Most tables describe the survey cut-off of their edition."""
    return edition.period_end


def end_of_previous_year(edition: Edition) -> date:
    """Tables that describe the year before the edition's cut-off (e.g. users per province)."""
    return date(edition.period_end.year - 1, 12, 31)


def check_names(spec_id: str, chapter: str) -> None:
    if not SPEC_ID_RE.match(spec_id):
        raise SpecError(f"section id {spec_id!r} must be lower_snake_case")
    if not CHAPTER_RE.match(chapter):
        raise SpecError(f"{spec_id}: chapter {chapter!r} must be lower-kebab-case")


class Named:
    """What every kind of section has: an id, a version, and the captions it looks for."""

    id: str
    version: str

    @property
    def extractor(self) -> str:
        return f"{self.id}@{self.version}"

    @property
    def captions(self) -> tuple[re.Pattern[str], ...]:
        return ()


@dataclass(frozen=True)
class SectionSpec(Named):
    """A printed table: how to find it and how to read each body row.

    ``caption`` is searched in whitespace-normalised lines. ``header`` holds regexes that must
    all occur, in order, in the lines printed right above the table's rows; ``columns`` is the
    number of printed cells per body row. ``parse_row`` turns the cells of one body row (label
    with footnote markers removed) into value columns, raising ``CellError`` on a bad cell.
    ``tidy`` reshapes the parsed rows (e.g. one row per period); ``period`` says which date the
    figures describe.
    """

    id: str
    dataset: str
    chapter: str
    caption: re.Pattern[str]
    header: tuple[str, ...]
    columns: int
    parse_row: RowParser
    doc_kind: str = "cnnic"
    lang: str = "en"
    version: str = "1"
    description: str = ""
    period: PeriodRule = edition_cutoff
    tidy: Tidy | None = None

    def __post_init__(self) -> None:
        check_names(self.id, self.chapter)
        if not self.header or not all(keyword.strip() for keyword in self.header):
            raise SpecError(f"{self.id}: header needs at least one non-empty keyword")
        for keyword in self.header:
            try:
                re.compile(keyword)
            except re.error as exc:
                raise SpecError(f"{self.id}: header keyword {keyword!r}: {exc}") from exc
        if self.columns < 2:
            raise SpecError(f"{self.id}: a table has at least two columns")
        if self.caption.flags & re.IGNORECASE == 0:
            raise SpecError(f"{self.id}: caption pattern must be case-insensitive")

    @property
    def captions(self) -> tuple[re.Pattern[str], ...]:
        return (self.caption,)


@dataclass(frozen=True)
class TextSpec(Named):
    """Figures stated in sentences: ``facts`` reads a document's running text.

    The facts (extractors.figures.facts.Fact) are kept one per indicator and period, the most
    precisely printed mention; mentions that disagree beyond their rounding are flagged.
    """

    id: str
    dataset: str
    chapter: str
    facts: Callable[[Document, Edition], Sequence[Any]]
    source_kind: str
    doc_kind: str = "cnnic"
    lang: str = "en"
    version: str = "1"
    description: str = ""

    def __post_init__(self) -> None:
        check_names(self.id, self.chapter)


@dataclass(frozen=True)
class RecordsSpec(Named):
    """Rows a reader builds directly (e.g. the articles of a news file). Each record holds the
    dataset's value columns plus ``period_end``, ``page``, ``line`` and ``raw``."""

    id: str
    dataset: str
    chapter: str
    records: Callable[[Document, Edition], Sequence[Mapping[str, Any]]]
    doc_kind: str
    lang: str = "en"
    version: str = "1"
    description: str = ""
    caption: str = ""

    def __post_init__(self) -> None:
        check_names(self.id, self.chapter)


Section = SectionSpec | TextSpec | RecordsSpec
