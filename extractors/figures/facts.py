"""Facts: one figure stated in a sentence, and the precision helpers every layer shares.

``consolidate`` keeps, per (indicator, period), the most precise mention and lists the mentions
that disagree beyond their printed rounding. ``resolution`` (one unit of the last printed
digit, in base units) is what schemas/cross.py and cninet/reconcile.py compare with.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Fact:
    """One figure stated in a sentence (or a KPI card)."""

    indicator_id: str | None  # None only if truly unmatched (then still returned with its quote)
    period_end: datetime.date
    value: float  # the number as printed (1.09967 for "1.09967 billion")
    unit: str  # as printed: "billion", "%", "billion GB", "万个", "" (bare count) …
    value_base: float  # in the vocabulary's base unit (1.09967 billion → 1099670000.0)
    qualifier: str | None  # "nearly", "over", … lower case; None if none
    quote: str  # the sentence, whitespace-normalised
    raw: str  # the figure as printed ("1.09967 billion", "78.0%")
    page: int | None  # PDF page (1-based), else None
    line: int | None  # 1-based line of the .txt, else None
    period_resolved: bool = True  # False: period_end is a best guess (flagged downstream)
    edition: int | None = None  # the CNNIC edition the figure belongs to, when known
    flags: tuple[str, ...] = field(default=())  # e.g. ("edition_unresolved",)
    publisher: str | None = None  # whose figure it is (CNNIC, ISC, MIIT …), when known


def consolidate(facts: Iterable[Fact]) -> tuple[list[Fact], list[tuple[Fact, Fact]]]:
    """Per (indicator_id, period_end): keep the most precisely printed mention; return the kept
    facts and every (kept, other) pair whose values differ by more than the other's rounding."""
    groups: dict[tuple[str, datetime.date], list[Fact]] = {}
    for fact in facts:
        if fact.indicator_id is not None:
            groups.setdefault((fact.indicator_id, fact.period_end), []).append(fact)
    kept: list[Fact] = []
    conflicts: list[tuple[Fact, Fact]] = []
    for mentions in groups.values():
        best = min(mentions, key=fact_resolution)
        kept.append(best)
        conflicts += [(best, other) for other in mentions if not consistent(best, other)]
    return kept, conflicts


LOWER_BOUNDS = frozenset({"over", "more than", "surpassed", "exceeded", "above", "at least"})
UPPER_BOUNDS = frozenset({"nearly", "almost", "close to", "under", "less than", "below"})


def consistent(best: Fact, other: Fact) -> bool:
    """Whether two mentions of one figure agree within their rounding; a bound ("over 29
    thousand") agrees with any value on its side of the bound."""
    tolerance = (fact_resolution(other) / 2 + fact_resolution(best) / 2) * (1 + 1e-9)
    difference = best.value_base - other.value_base
    if other.qualifier in LOWER_BOUNDS:
        return difference >= -tolerance
    if other.qualifier in UPPER_BOUNDS:
        return difference <= tolerance
    return abs(difference) <= tolerance


def fact_resolution(fact: Fact) -> float:
    """One unit of the last printed digit of a fact, in its base unit (1.169 billion → 1e6)."""
    return resolution(fact.raw, fact.value, fact.value_base)


def resolution(raw: str, value: float, value_base: float) -> float:
    """One unit of the last significant printed digit of ``raw``, in base units. Trailing zeros
    of a whole number are not significant: "170 thousand" is good to 10 thousand."""
    match = re.search(r"(\d[\d,]*)(?:\.(\d+))?", raw)
    if match and match[2]:
        exponent = -len(match[2])
    elif match:
        digits = match[1].replace(",", "")
        exponent = len(digits) - len(digits.rstrip("0")) if digits.strip("0") else 0
    else:
        exponent = 0
    scale = value_base / value if value else 1.0
    return 10.0**exponent * abs(scale)
