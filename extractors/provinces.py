"""Province names as printed → standard names, from a crosswalk kept as data."""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

from extractors.cells import CellError


def normalise_name(name: str) -> str:
    return " ".join(name.split()).casefold()


@cache
def crosswalk() -> dict[str, str]:
    """Printed spelling (case-folded) → province_std; the file is validated when read."""
    text = resources.files("extractors").joinpath("data/provinces.csv").read_text("utf-8")
    mapping: dict[str, str] = {}
    for number, row in enumerate(csv.DictReader(text.splitlines()), start=2):
        printed, standard = row["printed"].strip(), row["province_std"].strip()
        if not printed or not standard:
            raise ValueError(f"provinces.csv line {number}: printed and province_std required")
        key = normalise_name(printed)
        if key in mapping:
            raise ValueError(f"provinces.csv line {number}: {printed!r} listed twice")
        mapping[key] = standard
        if row["name_zh"].strip():
            mapping.setdefault(normalise_name(row["name_zh"]), standard)
    return mapping


def province_std(printed: str) -> str:
    """The standard name for a printed province label; CellError if the crosswalk lacks it."""
    standard = crosswalk().get(normalise_name(printed))
    if standard is None:
        raise CellError(
            f"province {printed!r} is not in extractors/data/provinces.csv (add it with a reason)"
        )
    return standard
