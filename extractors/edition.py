"""What a recognised source is (kind, language, edition, dates) and the CNNIC edition calendar.

The CNNIC Statistical Report appears twice a year; its numbering fixes its survey cut-off:
the 54th edition's data run to 30 June 2024 and each edition is six months after the one before,
so an even edition N ends on 30 June of 2024 − (54 − N) / 2 and an odd one on 31 December of
2023 − (53 − N) / 2 (53rd → 2023-12-31, 20th → 2007-06-30). One edition is off the cycle: the
45th (April 2020, delayed by the pandemic) has data to 31 March 2020 (``OFF_CYCLE``).
``edition_cutoff`` is that rule and ``edition_of`` its inverse; a text that names an edition ("the
53rd Statistical Report", 第53次《中国互联网络发展状况统计报告》) but prints no date resolves its
figures to it, and a figure dated at a cut-off belongs to that edition.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

REFERENCE_EDITION = 54
REFERENCE_CUTOFF = date(2024, 6, 30)
FIRST_EDITION = 1
# editions whose survey does not end on the half-year (number → cut-off), with the reason above
OFF_CYCLE = {45: date(2020, 3, 31)}


class UnrecognisedDocument(Exception):
    """The document is not a source cninet knows; the message is the one-line reason."""


@dataclass(frozen=True)
class Edition:
    """What a recognised source is: its kind (a folder of extractors/sources/), language,
    edition and dates from its text."""

    kind: str
    lang: str
    edition: int | None  # None for news and unresolved excerpts
    published: date | None
    period_end: date  # for news: the latest article date (figures carry their own periods)


def edition_cutoff(number: int) -> date:
    """The survey cut-off of CNNIC edition ``number`` (see the module docstring)."""
    if number < FIRST_EDITION:
        raise ValueError(f"no CNNIC edition {number}")
    if number in OFF_CYCLE:
        return OFF_CYCLE[number]
    months = (number - REFERENCE_EDITION) * 6
    total = REFERENCE_CUTOFF.year * 12 + (REFERENCE_CUTOFF.month - 1) + months
    year, month = divmod(total, 12)
    return date(year, month + 1, 30 if month + 1 == 6 else 31)


def edition_of(period: date) -> int | None:
    """The CNNIC edition whose cut-off ``period`` is, if it is one."""
    for number, cutoff in OFF_CYCLE.items():
        if period == cutoff:
            return number
    if (period.month, period.day) not in ((6, 30), (12, 31)):
        return None
    number = REFERENCE_EDITION + (period.year - REFERENCE_CUTOFF.year) * 2
    number += 0 if period.month == 6 else 1
    if number < FIRST_EDITION or number in OFF_CYCLE:
        return None
    return number
