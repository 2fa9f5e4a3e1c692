"""Date phrases and the period a figure refers to.

English: clause openers ("By June 2024", "as of the end of May", "in the first half of 2024"),
a date right after a figure ("32.5% in December 2023"), a footnote that re-dates a figure ("based
on data available by the end of May 2024"), bare years ("in 2024"), phrases relative to the
article's date ("last year", "by the end of last year", "as of June"). Comparison dates
("compared with December 2023", "from 95.1 percent") never date a figure.

Chinese: 截至2023年12月, 到2023年底, 2023年上半年, 第三季度, 6月 (month of the reference year),
去年底/去年/上半年/今年 (relative to the article's date); comparison dates (较2022年, 比去年) and
dates inside book titles (《…（2021-2023年）》) are skipped.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Literal

from extractors.figures.grammar import grammar

PeriodKind = Literal["absolute", "month", "relative"]
HALF_ENDS = {"first": 6, "second": 12}
QUARTER_ENDS = {"first": 3, "second": 6, "third": 9, "fourth": 12}


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def month_number(token: str, lang: str = "en") -> int:
    return int(token) if token.isdigit() else grammar(lang).months[token.lower().rstrip(".")]


@dataclass(frozen=True)
class LatinDates:
    date: str  # a date phrase with groups month/day/year
    opener: re.Pattern[str]
    postfix: re.Pattern[str]
    footnote: re.Pattern[str]
    comparison_before: re.Pattern[str]
    year: re.Pattern[str]
    relative: re.Pattern[str]
    comparison: re.Pattern[str]


@cache
def latin_dates(lang: str = "en") -> LatinDates:
    g = grammar(lang)
    month = g.fragments["MONTH"]
    date = (
        rf"(?P<month>{month})\b\.?(?:\s+(?P<day>\d{{1,2}})(?!\d)(?:st|nd|rd|th)?)?"
        r"(?:,?\s+(?P<year>(?:19|20)\d{2})(?!\d))?"
    )
    half = (
        r"(?:the\s+)?(?P<half>first|second)\s+half\s+of\s+"
        r"(?:(?P<hyear>(?:19|20)\d{2})|the\s+year|this\s+year)"
    )
    quarter = (
        r"(?:the\s+)?(?P<quarter>first|second|third|fourth)\s+quarter"
        r"(?:\s+of\s+(?P<qyear>(?:19|20)\d{2}))?"
    )
    qual, num, mult = g.fragments["QUAL"], g.fragments["NUMBER"], g.fragments["MULT"]
    return LatinDates(
        date=date,
        opener=re.compile(
            r"\b(?:by|as\s+of|as\s+at|at|in|during|until|up\s+to|through)\s+"
            rf"(?:the\s+end\s+of\s+)?(?:{date}|{half}|{quarter})",
            re.IGNORECASE,
        ),
        postfix=re.compile(rf"\s+in\s+{date}", re.IGNORECASE),
        footnote=re.compile(
            r"based\s+on\s+(?:the\s+)?data\s+(?:available\s+)?(?:by|as\s+of|up\s+to|until|at)\s+"
            rf"(?:the\s+end\s+of\s+)?{date}",
            re.IGNORECASE,
        ),
        comparison_before=re.compile(
            r"(?:compared\s+(?:with|to)|than|from|since|versus|vs\.?|relative\s+to)\s*$|[\d%]\s*$",
            re.IGNORECASE,
        ),
        year=re.compile(
            r"\b(?:by|as\s+of|as\s+at|at|in|during|for|through(?:out)?|until|up\s+to|ended)\s+"
            r"(?:the\s+(?:end|whole)\s+of\s+)?(?:the\s+year\s+)?(?P<year>(?:19|20)\d{2})\b"
            r"(?![-–]\d)",
            re.IGNORECASE,
        ),
        relative=re.compile(
            r"\b(?:(?:by|as\s+of|as\s+at|at|in|during|for|through|until|up\s+to)\s+)?"
            r"(?:the\s+end\s+of\s+)?(?P<rel>last\s+year|the\s+previous\s+year|the\s+prior\s+year"
            r"|last\s+month)\b",
            re.IGNORECASE,
        ),
        comparison=re.compile(
            rf"\b(?:compared\s+(?:with|to)|than|from|since|versus|vs\.?|relative\s+to|over)\s+"
            rf"(?:(?:{qual})\s+)?(?:{num}\s*(?:(?:{mult}|%|percent|per\s*cent)\s*)?)?$",
            re.IGNORECASE,
        ),
    )


def date_of(match: re.Match[str], default_year: int, lang: str = "en") -> datetime.date | None:
    """The period end a date phrase names: a month's last day unless a day is printed."""
    groups = match.groupdict()
    if groups.get("month"):
        year = int(groups["year"]) if groups.get("year") else default_year
        month = month_number(groups["month"], lang)
        if groups.get("day"):
            try:
                return datetime.date(year, month, int(groups["day"]))
            except ValueError:
                return month_end(year, month)
        return month_end(year, month)
    if groups.get("half"):
        year = int(groups["hyear"]) if groups.get("hyear") else default_year
        return month_end(year, HALF_ENDS[groups["half"].lower()])
    if groups.get("quarter"):
        year = int(groups["qyear"]) if groups.get("qyear") else default_year
        return month_end(year, QUARTER_ENDS[groups["quarter"].lower()])
    return None


def opening_date(text: str, default_year: int) -> datetime.date | None:
    """The last date phrase that opens a clause in ``text`` ("By June 2024, …"), skipping
    comparison dates ("compared to December 2023") and dates that follow a figure."""
    dates = latin_dates()
    found: datetime.date | None = None
    for match in dates.opener.finditer(text):
        before = text[max(0, match.start() - 25) : match.start()]
        if dates.comparison_before.search(before):
            continue
        found = date_of(match, default_year) or found
    return found


def postfix_date(text: str, position: int, default_year: int) -> datetime.date | None:
    """A date printed right after a figure: "32.5% in December 2023"."""
    match = latin_dates().postfix.match(text, position)
    return date_of(match, default_year) if match else None


def footnote_date(note: str, default_year: int) -> datetime.date | None:
    """A footnote that re-dates its figure: "based on data available by the end of May 2024"."""
    match = latin_dates().footnote.search(note)
    return date_of(match, default_year) if match else None


# --------------------------------------------------------------------------------------------
# Period phrases (articles): absolute, month without a year, relative to the article's date
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodPhrase:
    """A date phrase in a sentence (span in that sentence's text)."""

    start: int
    end: int
    kind: PeriodKind
    match: re.Match[str]
    lang: str = "en"

    def resolve(self, reference: datetime.date | None) -> datetime.date | None:
        """The period end, given the article's date (None if it needs one and has none)."""
        if self.lang == "zh":
            return zh_phrase_date(self, reference)
        groups = self.match.groupdict()
        if self.kind == "absolute":
            if groups.get("year") and not groups.get("month"):
                return datetime.date(int(groups["year"]), 12, 31)
            return date_of(self.match, 1)
        if reference is None:
            return None
        if self.kind == "month":
            if groups.get("month"):
                month = month_number(groups["month"])
                year = reference.year if month <= reference.month else reference.year - 1
                return date_of(self.match, year)
            return date_of(self.match, reference.year)
        relative = " ".join(groups["rel"].lower().split())
        if relative == "last month":
            return reference.replace(day=1) - datetime.timedelta(days=1)
        return datetime.date(reference.year - 1, 12, 31)


@lru_cache(maxsize=4096)
def period_phrases(text: str, lang: str = "en") -> tuple[PeriodPhrase, ...]:
    """Date phrases in ``text`` that date a figure (comparison dates left out), in order
    (cached: every figure of a sentence asks for its sentence's phrases)."""
    return tuple(_period_phrases(text, lang))


def _period_phrases(text: str, lang: str) -> list[PeriodPhrase]:
    if lang == "zh":
        return zh_period_phrases(text)
    dates = latin_dates()
    found: list[PeriodPhrase] = []
    for match in dates.opener.finditer(text):
        printed = match["year"] or match["hyear"] or match["qyear"]
        found.append(PeriodPhrase(*match.span(), "absolute" if printed else "month", match))
    for match in dates.year.finditer(text):
        found.append(PeriodPhrase(*match.span(), "absolute", match))
    for match in dates.relative.finditer(text):
        found.append(PeriodPhrase(*match.span(), "relative", match))
    kept: list[PeriodPhrase] = []
    for phrase in sorted(found, key=lambda p: (p.start, -p.end)):
        if kept and phrase.start < kept[-1].end:
            continue  # overlaps a longer phrase already kept
        if dates.comparison.search(text[max(0, phrase.start - 40) : phrase.start]):
            continue
        kept.append(phrase)
    return kept


def latest_printed_period(text: str, lang: str = "en") -> datetime.date | None:
    """The latest period with a printed year in ``text`` (comparison dates included)."""
    found: list[datetime.date] = []
    if lang == "zh":
        for match in ZH_DATE_RE.finditer(text):
            if match["year"]:
                found.append(zh_date_of(match, 1))
        return max(found, default=None)
    dates = latin_dates()
    for regex in (dates.opener, dates.year):
        for match in regex.finditer(text):
            if regex is dates.opener and not (match["year"] or match["hyear"] or match["qyear"]):
                continue
            resolved = PeriodPhrase(*match.span(), "absolute", match).resolve(None)
            if resolved is not None:
                found.append(resolved)
    return max(found, default=None)


# --------------------------------------------------------------------------------------------
# Chinese
# --------------------------------------------------------------------------------------------

ZH_DATE_RE = re.compile(
    r"(?<!\d)(?P<year>(?:19|20)\d{2})年(?:(?P<month>1[0-2]|0?[1-9])月(?:(?P<day>3[01]|[12]\d|0?"
    r"[1-9])日)?|(?P<end>底|末)|(?P<half>上半年|下半年)|第?(?P<quarter>[一二三四1-4])季度)?"
    r"|(?<![\d年])(?P<mon>1[0-2]|0?[1-9])月(?:(?P<mday>3[01]|[12]\d|0?[1-9])日)?"
)
ZH_RELATIVE_RE = re.compile(
    r"(?P<rel>去年底|去年年底|去年末|去年(?!同期)|上年底|上年末|今年上半年|今年|(?<!\d年)(?<!\d)上半年|(?<![\d今去上])年底"
    r"|(?<![\d今去上])年末)(?:(?P<rmon>1[0-2]|0?[1-9])月(?:(?P<rday>3[01]|[12]\d|0?[1-9])日)?)?"
)
ZH_COMPARISON_BEFORE_RE = re.compile(r"(?:较|比|相比|相较于?|同比|环比|与|自|从|由)$")
ZH_TITLE_RE = re.compile(r"《[^》]*》")
QUARTERS = {"一": 3, "二": 6, "三": 9, "四": 12, "1": 3, "2": 6, "3": 9, "4": 12}


def zh_date_of(match: re.Match[str], default_year: int) -> datetime.date:
    """The period end a Chinese date phrase names: a month's last day unless a day is printed."""
    if match["year"] is None:
        month = int(match["mon"])
        day = match["mday"]
        return (
            datetime.date(default_year, month, int(day)) if day else month_end(default_year, month)
        )
    year = int(match["year"])
    if match["month"]:
        month = int(match["month"])
        return (
            datetime.date(year, month, int(match["day"]))
            if match["day"]
            else month_end(year, month)
        )
    if match["half"]:
        return month_end(year, 6 if match["half"] == "上半年" else 12)
    if match["quarter"]:
        return month_end(year, QUARTERS[match["quarter"]])
    return datetime.date(year, 12, 31)


def earlier_date(text: str, position: int, later: datetime.date, lang: str) -> datetime.date:
    """The period of the earlier value of a change ("由2016年底的95.1%提升至96.3%", "rose from
    16.9% in March 2020 to 26.3%"): a date printed with it (Chinese: between the rule's start
    and the figure, ``text[:position]``; English: right after it), else the end of the year
    before ``later`` (CNNIC compares a figure with the end of the previous year)."""
    fallback = datetime.date(later.year - 1, 12, 31)
    if lang != "zh":
        return postfix_date(text, position, later.year) or fallback
    found = fallback
    for match in ZH_DATE_RE.finditer(text, 0, position):
        found = zh_date_of(match, later.year)
    for match in ZH_RELATIVE_RE.finditer(text, 0, position):
        if match["rel"].startswith(("去年", "上年")):
            found = fallback
    return found


def period_before(text: str, default: datetime.date) -> datetime.date:
    """The last date phrase in ``text`` (a sentence up to a figure) that dates it, else
    ``default``: comparison dates and dates inside book titles 《…》 are skipped."""
    titles = [m.span() for m in ZH_TITLE_RE.finditer(text)]
    found = default
    for match in ZH_DATE_RE.finditer(text):
        if any(start <= match.start() < end for start, end in titles):
            continue
        if ZH_COMPARISON_BEFORE_RE.search(text[: match.start()]):
            continue
        found = zh_date_of(match, default.year)
    return found


def zh_period_phrases(text: str) -> list[PeriodPhrase]:
    titles = [m.span() for m in ZH_TITLE_RE.finditer(text)]
    found: list[PeriodPhrase] = []
    for regex, kind in ((ZH_DATE_RE, "absolute"), (ZH_RELATIVE_RE, "relative")):
        for match in regex.finditer(text):
            if any(start <= match.start() < end for start, end in titles):
                continue
            if ZH_COMPARISON_BEFORE_RE.search(text[: match.start()]):
                continue
            chosen: PeriodKind = "relative" if kind == "relative" else "absolute"
            if kind == "absolute" and match["year"] is None:
                chosen = "month"
            found.append(PeriodPhrase(*match.span(), chosen, match, "zh"))
    kept: list[PeriodPhrase] = []
    for phrase in sorted(found, key=lambda p: (p.start, -p.end)):
        if kept and phrase.start < kept[-1].end:
            continue
        kept.append(phrase)
    return kept


def zh_phrase_date(phrase: PeriodPhrase, reference: datetime.date | None) -> datetime.date | None:
    match = phrase.match
    if phrase.kind == "absolute":
        return zh_date_of(match, 1)
    if reference is None:
        return None
    if phrase.kind == "month":
        month = int(match["mon"])
        year = reference.year if month <= reference.month else reference.year - 1
        return zh_date_of(match, year)
    relative = match["rel"]
    if match["rmon"] and relative in ("今年", "去年"):
        year = reference.year - (1 if relative == "去年" else 0)
        month = int(match["rmon"])
        return (
            datetime.date(year, month, int(match["rday"]))
            if match["rday"]
            else month_end(year, month)
        )
    if relative.startswith(("去年", "上年")):
        return datetime.date(reference.year - 1, 12, 31)
    if relative.endswith("上半年"):
        return datetime.date(reference.year, 6, 30)
    return datetime.date(reference.year, 12, 31)
