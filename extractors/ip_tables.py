"""Row parsers shared by the Appendix 2 IP-address tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from extractors.cells import parse_equivalence, parse_int, split_notes
from extractors.spec import RowParser


def count_with_notes(cell: str) -> tuple[int, list[str]]:
    text, notes = split_notes(cell)
    return parse_int(text), notes


def ipv4_row(label_column: str) -> RowParser:
    """Parser for ``label | number of addresses [Note n] | A/B/C equivalence`` rows."""

    def parse(cells: Sequence[str]) -> dict[str, Any]:
        label, count_cell, equivalence_cell = cells
        addresses, notes = count_with_notes(count_cell)
        equivalence_text, equivalence_notes = split_notes(equivalence_cell)
        equivalence = parse_equivalence(equivalence_text)
        return {
            label_column: label,
            "addresses": addresses,
            "equivalence": equivalence_text.replace(" ", ""),
            "a_blocks": equivalence.a,
            "b_blocks": equivalence.b,
            "c_blocks": equivalence.c,
            "notes": notes + equivalence_notes,
        }

    return parse


def ipv6_row(label_column: str) -> RowParser:
    """Parser for ``label | number of /32 blocks [Note n]`` rows."""

    def parse(cells: Sequence[str]) -> dict[str, Any]:
        label, count_cell = cells
        blocks, notes = count_with_notes(count_cell)
        return {label_column: label, "blocks_32": blocks, "notes": notes}

    return parse
