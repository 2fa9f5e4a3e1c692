"""Find a section's table in the element stream by its caption text and printed header."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from extractors.cells import split_notes
from extractors.layout import Element, Row
from extractors.spec import SectionSpec

# Any printed table/figure caption: a boundary that a table broken across pages never crosses.
ANY_CAPTION_RE = re.compile(r"^(?:table|figure|chart)\s*\d+|^[表图]\s*\d+", re.IGNORECASE)


class SectionNotFound(Exception):
    """The section's caption or table is missing: a structural failure for that section."""


@dataclass(frozen=True)
class LocatedTable:
    caption: str
    caption_notes: tuple[str, ...]
    header: tuple[str, ...]
    body: tuple[Row, ...]


def continues(previous: Element, following: Element, between: Sequence[Element]) -> bool:
    """Whether ``following`` is the next-page part of ``previous`` (same header, no caption or
    other table in between)."""
    if previous.page is None or following.page != previous.page + 1:
        return False
    if previous.rows[0].cells != following.rows[0].cells:
        return False
    return not any(el.is_table or ANY_CAPTION_RE.match(el.text) for el in between)


def table_groups(elements: Sequence[Element], spec: SectionSpec) -> list[list[Element]]:
    """Blocks with the spec's header, with page-broken continuations joined into one group."""
    groups: list[list[Element]] = []
    for element in elements:
        if not element.is_table or not spec.header_matches(element.rows[0].cells):
            continue
        if groups:
            last = groups[-1][-1]
            if continues(last, element, elements[last.order + 1 : element.order]):
                groups[-1].append(element)
                continue
        groups.append([element])
    return groups


def distance(caption: Element, group: Sequence[Element]) -> int:
    first, last = group[0].order, group[-1].order
    return first - caption.order if caption.order < first else caption.order - last


def locate_table(elements: Sequence[Element], spec: SectionSpec) -> LocatedTable:
    """The table nearest to a caption matching ``spec.caption`` whose header is ``spec.header``."""
    captions = [el for el in elements if not el.is_table and spec.caption.search(el.text)]
    if not captions:
        raise SectionNotFound(f"{spec.id}: caption /{spec.caption.pattern}/ not found")
    groups = table_groups(elements, spec)
    if not groups:
        header = " | ".join(spec.header)
        raise SectionNotFound(f"{spec.id}: no table with header [{header}] near its caption")
    caption, group = min(
        ((c, g) for c in captions for g in groups), key=lambda pair: distance(*pair)
    )
    body = tuple(row for block in group for row in block.rows[1:])
    if not body:
        raise SectionNotFound(f"{spec.id}: table under caption {caption.text!r} has no rows")
    text, notes = split_notes(caption.text)
    return LocatedTable(text, tuple(notes), group[0].rows[0].cells, body)
