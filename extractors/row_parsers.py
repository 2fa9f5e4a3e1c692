"""Row parsers shared by section specs: each turns a row's printed cells into value columns."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pandas as pd

from extractors.cells import (
    CellError,
    in_base_unit,
    parse_decimal,
    parse_equivalence,
    parse_int,
    parse_percent,
    split_notes,
)
from extractors.edition import Edition
from extractors.figures.grammar import grammar
from extractors.provinces import province_std
from extractors.spec import RowParser


def count_cell(cell: str) -> tuple[int, list[str]]:
    text, notes = split_notes(cell)
    return parse_int(text), notes


def label_and_counts(label_column: str, value_columns: Sequence[str]) -> RowParser:
    """``label | n | n …`` rows of integer counts (footnote markers go to notes)."""

    def parse(cells: Sequence[str]) -> dict[str, Any]:
        values: dict[str, Any] = {label_column: cells[0], "notes": []}
        for column, cell in zip(value_columns, cells[1:], strict=True):
            values[column], notes = count_cell(cell)
            values["notes"] += notes
        return values

    return parse


def ipv4_row(label_column: str) -> RowParser:
    """``label | number of addresses [Note n] | A/B/C equivalence`` (Appendix 2 Tables 1–2)."""

    def parse(cells: Sequence[str]) -> dict[str, Any]:
        label, count_cell_text, equivalence_cell = cells
        addresses, notes = count_cell(count_cell_text)
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


def province_counts(value_columns: Sequence[str], scale: int = 1) -> RowParser:
    """``province | n …`` rows; adds province_std and, with ``scale``, ``users`` = n × scale."""
    counts = label_and_counts("province", value_columns)

    def parse(cells: Sequence[str]) -> dict[str, Any]:
        values = dict(counts(cells))
        values["province_std"] = province_std(cells[0])
        if scale != 1:
            values["users"] = values[value_columns[0]] * scale
        return values

    return parse


def province_share(cells: Sequence[str]) -> dict[str, Any]:
    text, notes = split_notes(cells[1])
    return {
        "province": cells[0],
        "province_std": province_std(cells[0]),
        "share_pct": parse_percent(text),
        "notes": notes,
    }


def resource_row(cells: Sequence[str]) -> dict[str, Any]:
    """``category | unit | value`` (Table 1): value as printed and in base units."""
    category, unit_cell, value_cell = cells
    unit, unit_notes = split_notes(unit_cell)
    text, notes = split_notes(value_cell)
    value = parse_decimal(text)
    return {
        "category": category,
        "unit": unit,
        "value": float(value),
        "value_base": in_base_unit(value, unit),
        "notes": unit_notes + notes,
    }


def application_row(cells: Sequence[str]) -> dict[str, Any]:
    """``application | users earlier | share | users later | share | growth`` (Table 4)."""
    application, users_a, share_a, users_b, share_b, growth = cells
    notes: list[str] = []
    parsed = []
    for cell, parser in (
        (users_a, parse_int),
        (share_a, parse_percent),
        (users_b, parse_int),
        (share_b, parse_percent),
        (growth, parse_percent),
    ):
        text, cell_notes = split_notes(cell)
        notes += cell_notes
        parsed.append(parser(text))
    return {
        "application": application,
        "users_10k_earlier": parsed[0],
        "utilization_earlier": parsed[1],
        "users_10k_later": parsed[2],
        "utilization_later": parsed[3],
        "growth_pct": parsed[4],
        "notes": notes,
    }


def header_periods(header: str) -> list[pd.Timestamp]:
    """Distinct month-year periods named in a header, in printed order, as month ends."""
    months = "|".join(sorted(grammar("en").months, key=len, reverse=True))
    found: list[pd.Timestamp] = []
    for match in re.finditer(rf"\b({months})\.?\s*((?:19|20)\d{{2}})\b", header, re.IGNORECASE):
        month = grammar("en").months[match[1].lower()]
        period = pd.Timestamp(int(match[2]), month, 1) + pd.offsets.MonthEnd(0)
        if period not in found:
            found.append(period)
    return found


def application_periods(frame: pd.DataFrame, header: str, edition: Edition) -> pd.DataFrame:
    """Wide Table 4 rows → one row per application and period; growth on the later row."""
    periods = sorted(header_periods(header))
    if len(periods) != 2:
        found = ", ".join(p.date().isoformat() for p in periods) or "none"
        raise CellError(f"expected two periods in the header, found {found}")
    rows = []
    for suffix, period in zip(("earlier", "later"), periods, strict=True):
        part = frame.drop(
            columns=[c for c in frame.columns if c.endswith(("_earlier", "_later"))]
        ).copy()
        part["period_end"] = period
        part["users_10k"] = frame[f"users_10k_{suffix}"]
        part["users"] = frame[f"users_10k_{suffix}"] * 10_000
        part["utilization_pct"] = frame[f"utilization_{suffix}"]
        if suffix == "earlier":
            part["growth_pct"] = float("nan")
        part["order"] = range(len(frame))
        rows.append(part)
    long = pd.concat(rows, ignore_index=True).sort_values(["order", "period_end"], kind="stable")
    return long.drop(columns=["order"]).reset_index(drop=True)
