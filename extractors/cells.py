"""Parse printed table cells: integers with separators, footnote markers, IPv4 equivalence."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

# "note1", "Note 2", "/32Note 1", "^{note 1}", "$^{note 3}$" → marker "Note N"
NOTE_RE = re.compile(r"\$?\s*\^?\{?\s*\bnote\s*(\d+)\s*\}?\$?", re.IGNORECASE)
SUPERSCRIPT_NOTE_RE = re.compile(r"\s*\^\{\s*(\d+)\s*\}")
NOTE_GLUED_RE = re.compile(r"(?<=[0-9A-Za-z/)])note\s*(\d+)\s*\}?\$?", re.IGNORECASE)
EMPTY_MARKER_RE = re.compile(r"\^\{\s*\}|\$\s*\$")
DECIMAL_RE = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
INT_RE = re.compile(r"^\d{1,3}(?:,\d{3})+$|^\d+$")
EQUIV_TERM_RE = re.compile(r"^(\d+)\s*([ABC])$")
EQUIV_WEIGHTS = {"A": 2**24, "B": 2**16, "C": 2**8}


class CellError(ValueError):
    """A printed cell that does not parse; the message quotes it."""


def split_notes(text: str) -> tuple[str, list[str]]:
    """Move footnote markers out of a printed cell: ``'69,866,752Note 1'`` → (``'69,866,752'``,
    ``['Note 1']``); ``'Online video^{23}'`` → (``'Online video'``, ``['Note 23']``)."""
    if "^" not in text and "$" not in text and "note" not in text.lower():
        return " ".join(text.split()), []  # no marker can match: most cells
    notes: list[str] = []

    def take(match: re.Match[str]) -> str:
        notes.append(f"Note {int(match[1])}")
        return ""

    cleaned = SUPERSCRIPT_NOTE_RE.sub(take, text)
    cleaned = NOTE_GLUED_RE.sub(take, cleaned)
    cleaned = NOTE_RE.sub(take, cleaned)
    cleaned = EMPTY_MARKER_RE.sub("", cleaned)
    return " ".join(cleaned.split()), notes


def parse_int(text: str) -> int:
    """A printed non-negative integer with optional thousands separators."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    if not INT_RE.match(cleaned):
        raise CellError(f"not an integer: {text!r}")
    return int(cleaned.replace(",", ""))


@dataclass(frozen=True)
class Equivalence:
    """IPv4 address count written as /8 (A), /16 (B) and /24 (C) blocks."""

    a: int
    b: int
    c: int

    @property
    def addresses(self) -> int:
        return (
            self.a * EQUIV_WEIGHTS["A"] + self.b * EQUIV_WEIGHTS["B"] + self.c * EQUIV_WEIGHTS["C"]
        )


def parse_equivalence(text: str) -> Equivalence:
    """``'20A+116B+85C'`` → Equivalence(20, 116, 85); terms in A, B, C order, each at most once."""
    terms = [term.strip() for term in text.strip().split("+")]
    counts: dict[str, int] = {}
    order = "ABC"
    last = -1
    for term in terms:
        match = EQUIV_TERM_RE.match(term)
        if match is None:
            raise CellError(f"not an A/B/C equivalence: {text!r}")
        letter = match[2]
        if order.index(letter) <= last:
            raise CellError(f"A/B/C terms repeated or out of order: {text!r}")
        last = order.index(letter)
        counts[letter] = int(match[1])
    return Equivalence(counts.get("A", 0), counts.get("B", 0), counts.get("C", 0))


def is_total_label(label: str) -> bool:
    return re.fullmatch(r"\s*(?:grand\s+)?total\s*", label, re.IGNORECASE) is not None


def parse_decimal(text: str) -> Decimal:
    """A printed number, possibly with separators, sign or a trailing %: ``'-11.7%'``."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").replace("−", "-").rstrip("%")
    if not DECIMAL_RE.match(cleaned):
        raise CellError(f"not a number: {text!r}")
    return Decimal(cleaned.replace(",", ""))


def parse_percent(text: str) -> float:
    """``'97.0%'`` → 97.0 (percentages are stored as printed numbers, not fractions)."""
    if not text.strip().endswith("%"):
        raise CellError(f"not a percentage: {text!r}")
    return float(parse_decimal(text))


# Printed units → factor to the base unit (persons, addresses, /32 blocks, km, ports …).
UNIT_SCALES: dict[str, int] = {
    "1": 1,
    "block/32": 1,
    "blocks/32": 1,
    "/32": 1,
    "10,000": 10_000,
    "10 thousand": 10_000,
    "100 million": 100_000_000,
    "10,000 km": 10_000,
    "km": 1,
}


def scale_of(unit: str) -> int:
    key = " ".join(unit.split()).lower()
    if key not in UNIT_SCALES:
        raise CellError(f"unknown unit {unit!r} (known: {', '.join(UNIT_SCALES)})")
    return UNIT_SCALES[key]


def in_base_unit(value: Decimal, unit: str) -> float:
    return float(value * scale_of(unit))
