"""News text: split a scraped news file into articles, keep the relevant ones, extract figures.

Pure functions over a loaded ``Document`` (no I/O besides the packaged indicator vocabulary).

1. ``split_articles`` cuts a file into articles. Lines are sorted into blank lines, page
   furniture ("more recommended stories"), datelines (a short line with a full date), titles (a
   short line that is not a sentence) and body lines. Scraped pages put the title either before
   its body or after it: if the file's first content line is a title, titles open articles,
   otherwise they close them. A dateline is attached to the title right before it, else to the
   article it sits in.
2. ``published``: a full date on a dateline ("Updated: 2025-01-17 10:23", "January 17, 2025") or
   in a wire dateline opening the body ("BEIJING, Jan. 17, 2025 (Xinhua) --"); otherwise the
   ``YYYY-MM`` that starts the file name, as day 1 of that month (``published_from`` says which).
   The file-name date is the file's, so it is given to every article of the file.
3. Relevance is decided by the article's own words (title and body): it must name China and at
   least two different internet-statistics topics (internet users, penetration rate, CNNIC, 5G,
   domain names, digital economy, …). Irrelevant articles yield no figures.
4. ``extract_news_facts`` runs ``RULES`` (declarative: a regex over a sentence whose named groups
   are figure slots, each naming an indicator id of the shared vocabulary) over every sentence of
   every relevant article. Numbers, units and qualifiers reuse ``extractors.narrative``'s parser;
   news forms are added on top: "78.6 percent", "73 per cent", "1.2 percentage points",
   "11.76 trillion yuan", "one billion", verbs that qualify a figure ("surpassed", "neared"), and
   numbers broken across lines ("24.\\n\\n8 million").

Periods come from the figure's sentence: the nearest date phrase before the figure ("By December
2024, …", "by the end of last year"), else the first one after it ("… 78.6 percent in 2024"),
comparison dates ("from March 2020", "from the previous year") excluded; else the last date
phrase of an earlier sentence of the same paragraph. Relative phrases ("last year", "as of June")
are resolved against the article's published date. The period is a best guess, and
``NewsFact.period_resolved`` False for the caller to flag, when the article has no date for a
relative phrase (the reference date is then the day after the latest period the article prints),
when only an earlier paragraph dates the figure (its last date phrase is used), or when nothing
does (the month before the reference date). With nothing to guess from, ``period_end`` is
``datetime.date.min``.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property
from pathlib import PurePath
from typing import Literal

from extractors.document import Document
from extractors.narrative import (
    _MONTH,
    _MULT,
    _NUM,
    _QUAL,
    FIGURE_RE,
    MULTIPLIERS,
    OPENER_RE,
    VERB_QUALIFIERS,
    Fact,
    Figure,
    date_of,
    figure_from_match,
    normalise_quote,
    normalise_words,
    resolve_id,
    sentence_spans,
)
from extractors.recognise import month_number
from extractors.vocabulary import base_units

# --------------------------------------------------------------------------------------------
# Articles
# --------------------------------------------------------------------------------------------

LineKind = Literal["blank", "furniture", "dateline", "title", "body"]
PublishedFrom = Literal["text", "file_name"]

FULL_DATE_RE = re.compile(
    r"\b(?P<iy>(?:19|20)\d{2})-(?P<im>\d{1,2})-(?P<id>\d{1,2})\b"
    rf"|\b(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d{{2}})\b"
    rf"|\b(?P<day2>\d{{1,2}})\s+(?P<month2>{_MONTH})\.?,?\s+(?P<year2>(?:19|20)\d{{2}})\b",
    re.IGNORECASE,
)
WIRE_DATELINE_RE = re.compile(
    rf"^[A-Z][A-Za-z .'-]{{1,40}},\s+(?P<date>(?:{_MONTH})\.?\s+\d{{1,2}},?\s+(?:19|20)\d{{2}})"
    r"\s*(?:\([^)]{1,30}\))?\s*(?:--|—|–)",
    re.IGNORECASE,
)
FILE_DATE_RE = re.compile(r"^(?P<year>(?:19|20)\d{2})-(?P<month>0[1-9]|1[0-2])(?!\d)")
FURNITURE_RE = re.compile(
    r"^(?:more\s+recommended\s+stories|recommended(?:\s+stories)?|related(?:\s+\w+)?|share|print"
    r"|editor:.*|source:.*|\(?web\s+editor:.*|copyright\b.*|photo:.*)$",
    re.IGNORECASE,
)
DATELINE_MAX_CHARS = 100
TITLE_MAX_CHARS = 160
TITLE_WORDS = range(3, 26)
# A line ending with one of these words continues on the next line: not a title.
CONTINUATION_WORDS = frozenset(
    {"a", "an", "the", "of", "and", "or", "to", "in", "on", "at", "by", "for", "from", "with"}
    | {"as", "that", "which", "whose", "its", "their"}
)
SENTENCE_END_RE = re.compile(r"(?:[.,;:]|[.,]['\"”’)])$")


@dataclass(frozen=True)
class Article:
    """One article of a news file."""

    article_id: str  # f"{sha256[:12]}-{n}", n = 1-based position in the file
    title: str | None
    relevant: bool
    published: datetime.date | None  # see ``published_from``
    first_line: int  # 1-based line span of the article (title, datelines, body) in the file
    last_line: int
    reason: str  # why relevant / not (one line)
    published_from: PublishedFrom | None = None  # "text" (a printed date) or "file_name"


@dataclass
class _Segment:
    """An article being assembled: line numbers (1-based) by role."""

    title: int | None = None
    extra_titles: list[int] = field(default_factory=list)  # subheads right after a title
    body: list[int] = field(default_factory=list)
    datelines: list[int] = field(default_factory=list)

    def all_lines(self) -> list[int]:
        titles = [] if self.title is None else [self.title]
        return sorted([*titles, *self.extra_titles, *self.body, *self.datelines])


def full_date(text: str) -> datetime.date | None:
    """The first complete printed date (with day and year) in ``text``."""
    for match in FULL_DATE_RE.finditer(text):
        try:
            if match["iy"]:
                return datetime.date(int(match["iy"]), int(match["im"]), int(match["id"]))
            month, day, year = (
                (match["month"], match["day"], match["year"])
                if match["month"]
                else (match["month2"], match["day2"], match["year2"])
            )
            return datetime.date(int(year), month_number(month), int(day))
        except ValueError:
            continue
    return None


def file_name_date(path: str) -> datetime.date | None:
    """Day 1 of the ``YYYY-MM`` that starts the file name, if any."""
    match = FILE_DATE_RE.match(PurePath(path).name)
    return datetime.date(int(match["year"]), int(match["month"]), 1) if match else None


def _next_content(lines: Sequence[str], index: int) -> str:
    return next((line.strip() for line in lines[index + 1 :] if line.strip()), "")


def line_kind(lines: Sequence[str], index: int) -> LineKind:
    """The role of line ``index`` (0-based) of a news file."""
    text = lines[index].strip()
    if not text:
        return "blank"
    if FURNITURE_RE.match(text):
        return "furniture"
    if (
        len(text) <= DATELINE_MAX_CHARS
        and not text.endswith(".")
        and full_date(text) is not None
        and len(FULL_DATE_RE.sub("", text).split()) <= 6
    ):
        return "dateline"
    words = text.split()
    starts_lower = text[0].islower()
    if starts_lower and len(words) < TITLE_WORDS.start + 3 and not text.endswith("."):
        return "furniture"
    if (
        len(text) <= TITLE_MAX_CHARS
        and len(words) in TITLE_WORDS
        and not starts_lower
        and not SENTENCE_END_RE.search(text)
        and words[-1].lower() not in CONTINUATION_WORDS
        and not _next_content(lines, index)[:1].islower()
    ):
        return "title"
    return "body"


def _segments(lines: Sequence[str]) -> list[_Segment]:
    """Group the lines of a news file into articles (see the module docstring)."""
    kinds = [line_kind(lines, index) for index in range(len(lines))]
    content = [(n + 1, kind) for n, kind in enumerate(kinds) if kind not in ("blank", "furniture")]
    if not content:
        return []
    leading = content[0][1] == "title"
    done: list[_Segment] = []
    current: _Segment | None = None
    previous: LineKind | None = None
    for number, kind in content:
        if kind == "title":
            if leading:
                if current is not None and not current.body and current.title is not None:
                    current.extra_titles.append(number)
                else:
                    if current is not None:
                        done.append(current)
                    current = _Segment(title=number)
            elif current is not None and current.body:
                current.title = number
                done.append(current)
                current = None
            elif done:
                done[-1].extra_titles.append(number)
            else:  # a title before any body after all (a dateline came first)
                current = current or _Segment()
                current.title = number
                leading = True
        elif kind == "dateline":
            if previous == "title" and not leading and done:
                done[-1].datelines.append(number)
            else:
                current = current or _Segment()
                current.datelines.append(number)
        else:
            current = current or _Segment()
            current.body.append(number)
        previous = kind
    if current is not None and (current.body or current.title is not None):
        done.append(current)
    return done


# Topics of China's internet statistics: (label, regex). Two different ones make an article
# relevant, provided it is about China.
TOPICS: tuple[tuple[str, str], ...] = (
    ("internet users", r"\binternet\s+(?:users|population)|\bnetizens|\bonline\s+population"),
    ("penetration rate", r"\bpenetration\b"),
    ("CNNIC", r"\bCNNIC\b|China\s+Internet\s+Network\s+Information\s+Center"),
    ("MIIT", r"\bMIIT\b|Ministry\s+of\s+Industry\s+and\s+Information\s+Technology"),
    ("5G", r"\b5G\b"),
    ("base stations", r"\bbase\s+stations?\b"),
    ("broadband", r"\bbroadband\b|\bgigabit\b|\boptical\s+fib(?:er|re)"),
    ("domain names", r"\bdomain\s+names?\b|\bIPv[46]\b"),
    ("internet development", r"\binternet\s+(?:development|infrastructure)\b"),
    ("digital economy", r"\bdigital\s+economy\b|\bdigitali[sz]ation\b|\bcomputing\s+power\b"),
    ("e-commerce", r"\be-commerce\b|\bonline\s+(?:retail|shopp\w+|payment)|\bmobile\s+payment"),
    ("online services", r"\be-learning\b|\bonline\s+(?:education|video|news|medical)\b"),
    ("artificial intelligence", r"\bartificial\s+intelligence\b|(?-i:\bAI\b)"),
)
TOPIC_RES = tuple((label, re.compile(regex, re.IGNORECASE)) for label, regex in TOPICS)
CHINA_RE = re.compile(r"\bChin(?:a|ese)\b|\bCNNIC\b|\bBeijing\b", re.IGNORECASE)
MIN_TOPICS = 2


def relevance(text: str) -> tuple[bool, str]:
    """Is ``text`` about China's internet statistics? (decision, one-line reason)."""
    found = [label for label, regex in TOPIC_RES if regex.search(text)]
    if not found:
        return False, "no internet-statistics terms"
    named = ", ".join(found)
    if len(found) < MIN_TOPICS:
        return False, f"only one internet-statistics topic ({named})"
    if not CHINA_RE.search(text):
        return False, f"internet-statistics terms ({named}) but not about China"
    return True, f"about China's internet statistics: {named}"


def _published(
    lines: Sequence[str], segment: _Segment, path: str
) -> tuple[datetime.date | None, PublishedFrom | None]:
    for number in segment.datelines:
        found = full_date(lines[number - 1])
        if found is not None:
            return found, "text"
    for number in segment.body[:1]:
        wire = WIRE_DATELINE_RE.match(lines[number - 1].strip())
        printed = full_date(wire["date"]) if wire is not None else None
        if printed is not None:
            return printed, "text"
    from_name = file_name_date(path)
    return from_name, ("file_name" if from_name else None)


def _article(doc: Document, lines: Sequence[str], n: int, segment: _Segment) -> Article:
    title = None if segment.title is None else " ".join(lines[segment.title - 1].split())
    words = [lines[number - 1] for number in (*segment.extra_titles, *segment.body)]
    relevant, reason = relevance("\n".join([title or "", *words]))
    published, published_from = _published(lines, segment, doc.path)
    numbers = segment.all_lines()
    return Article(
        article_id=f"{doc.sha256[:12]}-{n}",
        title=title,
        relevant=relevant,
        published=published,
        first_line=numbers[0],
        last_line=numbers[-1],
        reason=reason,
        published_from=published_from,
    )


def split_articles(doc: Document) -> list[Article]:
    """The articles of a news file, in file order (see the module docstring)."""
    return [article for article, _ in _articles(doc)]


def _articles(doc: Document) -> list[tuple[Article, _Segment]]:
    lines = doc.lines
    return [
        (_article(doc, lines, n, segment), segment)
        for n, segment in enumerate(_segments(lines), start=1)
    ]


# --------------------------------------------------------------------------------------------
# Prose: an article's body as one string with the source line of every character
# --------------------------------------------------------------------------------------------

HARD_BREAK = "\n"
# A decimal number broken after its point: "24.\n\n8 million" → "24.8 million".
SPLIT_NUMBER_RE = re.compile(
    r"(?:(?<=(?<![\d,.])\d\.)|(?<=(?<![\d,.])\d\d\.)|(?<=(?<![\d,.])\d\d\d\.))"
    rf"[ \t\u00a0]*\n\s*(?=\d+(?:\.\d+)?\s*(?:{_MULT}|%|percent|per\s*cent|percentage))",
    re.IGNORECASE,
)
PARAGRAPH_END_RE = re.compile(r"[.!?][\"”’)\]]*$")


@dataclass(frozen=True)
class Prose:
    """Text with the 1-based source line of every character; "\\n" ends a paragraph."""

    text: str
    lines: tuple[int, ...]

    def substitute(self, regex: re.Pattern[str], repl: Callable[[re.Match[str]], str]) -> Prose:
        """``regex.sub`` keeping locations (inserted text takes the match start's line)."""
        parts: list[str] = []
        where: list[int] = []
        position = 0
        for match in regex.finditer(self.text):
            parts.append(self.text[position : match.start()])
            where.extend(self.lines[position : match.start()])
            new = repl(match)
            parts.append(new)
            anchor = self.lines[min(match.start(), len(self.lines) - 1)]
            where.extend([anchor] * len(new))
            position = match.end()
        parts.append(self.text[position:])
        where.extend(self.lines[position:])
        return Prose("".join(parts), tuple(where))

    def paragraphs(self) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        start = 0
        for index, char in enumerate(self.text):
            if char == HARD_BREAK:
                spans.append((start, index))
                start = index + 1
        spans.append((start, len(self.text)))
        return [(a, b) for a, b in spans if self.text[a:b].strip()]


def body_prose(lines: Sequence[str], numbers: Sequence[int]) -> Prose:
    """The body lines ``numbers`` (1-based) as prose: a blank line, a gap in the numbers or a
    line ending a sentence ends a paragraph; other line breaks are spaces; split numbers mended."""
    parts: list[str] = []
    where: list[int] = []
    for index, number in enumerate(numbers):
        text = lines[number - 1]
        parts.append(text)
        where.extend([number] * len(text))
        if index + 1 == len(numbers):
            break
        following = numbers[index + 1]
        blank = following != number + 1
        separator = "\n\n" if blank else "\n"
        parts.append(separator)
        where.extend([number] * len(separator))
    prose = Prose("".join(parts), tuple(where))
    prose = prose.substitute(SPLIT_NUMBER_RE, lambda _: "")
    return prose.substitute(re.compile(r"[ \t\u00a0]*\n\s*"), _line_break)


def _line_break(match: re.Match[str]) -> str:
    blank = match.group().count("\n") > 1
    ends = PARAGRAPH_END_RE.search(match.string, max(0, match.start() - 8), match.start())
    return HARD_BREAK if blank or ends else " "


# --------------------------------------------------------------------------------------------
# Figures: narrative's parser plus news units and number words
# --------------------------------------------------------------------------------------------

_ONES = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
WORD_NUMBERS = (
    {"a": 1, "eleven": 11, "twelve": 12}
    | {word: n for n, word in enumerate(_ONES, start=1)}
    | {word: 10 * n for n, word in enumerate(_TENS, start=2)}
)
_WORDNUM = "|".join(sorted(WORD_NUMBERS, key=len, reverse=True))
WORD_FIGURE_RE = re.compile(
    rf"(?:(?P<qual>{_QUAL})\s+)?(?P<word>\b(?:{_WORDNUM}))\s+(?P<mult>{_MULT})", re.IGNORECASE
)
UNIT_TAIL_RE = re.compile(
    r"\s*(?:(?P<pct>percent|per\s*cent)\b|(?P<pp>percentage\s+points?)\b|(?P<yuan>yuan)\b)",
    re.IGNORECASE,
)
# news unit words the narrative parser does not know → vocabulary base unit
NEWS_UNIT_BASES = {"percentage points": "percent", "yuan": "yuan"}
NEWS_VERB_QUALIFIERS = {
    **VERB_QUALIFIERS,
    "neared": "nearly",
    "nearing": "nearly",
    "approaching": "nearly",
    "topped": "over",
    "topping": "over",
    "exceeding": "over",
    "surpassing": "over",
}


def read_figure(text: str, start: int = 0, end: int | None = None) -> Figure:
    """The figure at ``text[start:end]``: narrative's ``FIGURE_RE`` forms plus "78.6 percent",
    "73 per cent", "1.2 percentage points", "11.76 trillion yuan" and "one billion"."""
    stop = len(text) if end is None else end
    word = WORD_FIGURE_RE.match(text, start, stop)
    if word is not None:
        first = word.start("word")
        return Figure(
            number=Decimal(WORD_NUMBERS[word["word"].lower()]),
            multiplier=normalise_words(word["mult"]),
            unit_word="",
            qualifier=normalise_words(word["qual"]) or None,
            raw=" ".join(text[first : word.end()].split()),
            start=first,
            end=word.end(),
            footnote=None,
        )
    match = FIGURE_RE.match(text, start, stop)
    if match is None:
        raise ValueError(f"no figure at {text[start:stop]!r}")
    figure = figure_from_match(match)
    tail = UNIT_TAIL_RE.match(text, figure.end, stop) if not figure.unit_word else None
    if tail is None:
        return figure
    unit_word = "%" if tail["pct"] else "percentage points" if tail["pp"] else "yuan"
    return replace(
        figure,
        unit_word=unit_word,
        raw=" ".join(text[figure.start : tail.end()].split()),
        end=tail.end(),
    )


def base_value(figure: Figure, base_unit: str | None) -> float:
    """The figure in ``base_unit`` (None: the number times its multiplier)."""
    scaled = figure.number * MULTIPLIERS[figure.multiplier]
    news_base = NEWS_UNIT_BASES.get(figure.unit_word)
    if news_base is not None:
        if base_unit is not None and base_unit != news_base:
            raise ValueError(f"{figure.raw!r} is in {news_base}, not {base_unit}")
        return float(scaled)
    if base_unit is None:
        return float(scaled)
    return figure.to_base(base_unit)


# --------------------------------------------------------------------------------------------
# Periods
# --------------------------------------------------------------------------------------------

YEAR_RE = re.compile(
    r"\b(?:by|as\s+of|as\s+at|at|in|during|for|through(?:out)?|until|up\s+to)\s+"
    r"(?:the\s+(?:end|whole)\s+of\s+)?(?:the\s+year\s+)?(?P<year>(?:19|20)\d{2})\b(?![-–]\d)",
    re.IGNORECASE,
)
RELATIVE_RE = re.compile(
    r"\b(?:(?:by|as\s+of|as\s+at|at|in|during|for|through|until|up\s+to)\s+)?"
    r"(?:the\s+end\s+of\s+)?(?P<rel>last\s+year|the\s+previous\s+year|the\s+prior\s+year"
    r"|last\s+month)\b",
    re.IGNORECASE,
)
COMPARISON_RE = re.compile(
    rf"\b(?:compared\s+(?:with|to)|than|from|since|versus|vs\.?|relative\s+to|over)\s+"
    rf"(?:(?:{_QUAL})\s+)?(?:{_NUM}\s*(?:(?:{_MULT}|%|percent|per\s*cent)\s*)?)?$",
    re.IGNORECASE,
)
PeriodKind = Literal["absolute", "month", "relative"]


@dataclass(frozen=True)
class PeriodPhrase:
    """A date phrase in a sentence: absolute ("by December 2024", "in 2020"), a month without
    a year ("as of June"), or relative to the article's date ("by the end of last year")."""

    start: int
    end: int
    kind: PeriodKind
    match: re.Match[str]

    def resolve(self, reference: datetime.date | None) -> datetime.date | None:
        """The period end, given the article's date (None if it needs one and has none)."""
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


def period_phrases(text: str) -> list[PeriodPhrase]:
    """Date phrases in ``text`` that date a figure (comparison dates left out), in order."""
    found: list[PeriodPhrase] = []
    for match in OPENER_RE.finditer(text):
        printed = match["year"] or match["hyear"] or match["qyear"]
        found.append(PeriodPhrase(*match.span(), "absolute" if printed else "month", match))
    for match in YEAR_RE.finditer(text):
        found.append(PeriodPhrase(*match.span(), "absolute", match))
    for match in RELATIVE_RE.finditer(text):
        found.append(PeriodPhrase(*match.span(), "relative", match))
    kept: list[PeriodPhrase] = []
    for phrase in sorted(found, key=lambda p: (p.start, -p.end)):
        if kept and phrase.start < kept[-1].end:
            continue  # overlaps a longer phrase already kept
        if COMPARISON_RE.search(text[max(0, phrase.start - 40) : phrase.start]):
            continue
        kept.append(phrase)
    return kept


def latest_printed_period(text: str) -> datetime.date | None:
    """The latest period with a printed year in ``text`` (comparison dates included)."""
    dates: list[datetime.date] = []
    for regex in (OPENER_RE, YEAR_RE):
        for match in regex.finditer(text):
            if regex is OPENER_RE and not (match["year"] or match["hyear"] or match["qyear"]):
                continue
            phrase = PeriodPhrase(*match.span(), "absolute", match)
            resolved = phrase.resolve(None)
            if resolved is not None:
                dates.append(resolved)
    return max(dates, default=None)


# --------------------------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------------------------

_FIG = (
    rf"(?:(?:{_QUAL})\s+)?(?>(?<![\w.,]){_NUM}(?!\d)(?:\s+{_MULT})?"
    rf"|\b(?:{_WORDNUM})\s+{_MULT})"
)
NEWS_PARTS = {
    # a count of persons or things: "1.1 billion", "over 4,500", "one billion" (never a %)
    "COUNT": _FIG + r"(?!\s*(?:%|percent|per\s*cent|percentage|yuan|U\.S\.|dollars|times\b"
    r"|years?\b|[-–]\d))",
    "PCT": rf"(?:(?:{_QUAL})\s+)?(?<![\w.,]){_NUM}(?:\s*%|\s+(?:percent|per\s*cent)\b)",
    "PP": rf"(?:(?:{_QUAL})\s+)?(?<![\w.,]){_NUM}\s+percentage\s+points?\b",
    "YUAN": rf"(?:(?:{_QUAL})\s+)?(?<![\w.,]){_NUM}(?:\s+{_MULT})?\s+yuan\b",
    "APOS": r"['’]",
    "LOC": r"(?:\s+(?:in|of|across)\s+(?:china|the\s+country|the\s+nation|the\s+chinese\s+mainland"
    r"|chinese\s+mainland))?",
    "VERB": r"\s+(?:(?:had|has|have)\s+)?(?:hit|reached|neared|approached|exceeded|surpassed"
    r"|topped|passed|numbered|stood\s+at|stands\s+at|stand\s+at|totall?ed|totals|total|amounted\s+to"
    r"|(?:was|were|has\s+been|had\s+been|have\s+been)\s+(?:raised|increased|lifted|brought)\s+to"
    r"|was|were|is|are|rose\s+to|grew\s+to|increased\s+to|climbed\s+to|jumped\s+to|reaching"
    r"|hitting)",
    # words within one clause, never across another subject
    "GAP": r"(?:(?!\b(?:while|whereas|number\s+of)\b)(?:[^.;\n]|\.(?=\d)))*?",
    "CHANGE": r"(?:up|an?\s+(?:net\s+)?(?:increase|rise|addition|growth)\s+of"
    r"|a\s+year-on-year\s+(?:increase|rise|growth)\s+of|(?:increas|ris|grow)(?:ed|ing|en)\s+by"
    r"|rose\s+by|grew\s+by|adding|added)",
    "AREA": r"(?P<area>rural|urban)",
    "AGED_60": r"(?:the\s+)?(?:population|people|residents|elderly|seniors|senior\s+citizens"
    r"|citizens|those)\s+aged\s+60\s+(?:and|or)\s+(?:above|over|older)",
    "ALL_USERS": r"(?:(?:china|the\s+country){APOS}s\s+|the\s+|all\s+)?(?:total\s+)?"
    r"(?:internet\s+(?:population|users)|netizens)",
    "PAREN": r"(?:\s*\([^)]*\))?",
}
NEWS_PARTS["SHARE"] = r"(?:{GAP}\baccounting\s+for\s+(?P<s>{PCT})\s+of\s+{ALL_USERS})?"
PLACEHOLDER_RE = re.compile(r"\{([A-Z][A-Z_0-9]*)\}")


def expand(pattern: str) -> str:
    """Replace ``{COUNT}``, ``{PCT}``, ``{VERB}`` … by their regular expressions (nested)."""
    while PLACEHOLDER_RE.search(pattern):
        pattern = PLACEHOLDER_RE.sub(lambda m: NEWS_PARTS[m[1]], pattern)
    return pattern


@dataclass(frozen=True)
class NewsRule:
    """One way news print a kind of figure: ``pattern`` is searched in a sentence; each named
    group in ``slots`` is a figure and names an indicator id (may use ``{area}``)."""

    name: str
    pattern: str
    slots: tuple[tuple[str, str], ...]

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(expand(self.pattern), re.IGNORECASE)


_USERS_SUBJECT = (
    r"\b(?:(?:the\s+)?(?:total\s+)?number\s+of\s+)?(?:(?:china|the\s+country){APOS}s\s+|chinese\s+)?"
    r"(?<!mobile\s)(?<!rural\s)(?<!urban\s)(?<!active\s)"
    r"(?:internet\s+users|netizens|(?:netizen|internet|online)\s+population)"
)
_CN = r"[\"“”'‘’]?\.cn[\"“”'‘’]?"
_GROWTH = r"(?:{CHANGE}|rising|increasing|growing)"

RULES: tuple[NewsRule, ...] = (
    # --- users and penetration -------------------------------------------------------------
    NewsRule(
        "internet_users",
        _USERS_SUBJECT + r"{LOC}{VERB}\s+(?P<v>{COUNT})(?:{GAP}\b{CHANGE}\s+(?P<c>{COUNT}))?",
        (("v", "internet_users"), ("c", "internet_users_change")),
    ),
    NewsRule(
        "area_internet_users",
        r"\b(?:(?:the\s+)?number\s+of\s+)?(?:internet\s+users|netizens)\s+in\s+"
        r"(?:china{APOS}s\s+|the\s+)?{AREA}\s+areas{VERB}\s+(?P<v>{COUNT})",
        (("v", "{area}_internet_users"),),
    ),
    NewsRule(
        "area_internet_users_before",
        r"\b(?:(?:the\s+)?number\s+of\s+)?{AREA}\s+(?:internet\s+users|netizens){LOC}{VERB}\s+"
        r"(?P<v>{COUNT})",
        (("v", "{area}_internet_users"),),
    ),
    NewsRule(
        "internet_users_growth",
        _USERS_SUBJECT + r"{LOC}\s+(?:(?:had|has|have)\s+)?(?:grew|increased|rose|expanded|climbed)"
        r"\s+by\s+(?P<c>{COUNT})",
        (("c", "internet_users_change"),),
    ),
    NewsRule(
        "internet_users_figure_first",
        r"(?<!\badded\s)(?<!\badding\s)(?<!\bof\s)(?P<v>{COUNT})\s+(?:internet\s+users|netizens)"
        r"\b(?!\s+(?:aged|in\s+(?:rural|urban)))",
        (("v", "internet_users"),),
    ),
    NewsRule(
        "area_penetration_in_areas",
        r"\binternet\s+penetration(?:\s+rate)?\s+(?:in|of|for)\s+(?:china{APOS}s\s+|the\s+)?"
        r"{AREA}\s+areas{VERB}\s+(?P<v>{PCT})",
        (("v", "{area}_penetration_pct"),),
    ),
    NewsRule(
        "area_penetration",
        r"\b{AREA}\s+(?:internet\s+)?penetration(?:\s+rate)?{LOC}{VERB}\s+(?P<v>{PCT})",
        (("v", "{area}_penetration_pct"),),
    ),
    NewsRule(
        "area_penetration_after",
        r"\binternet\s+penetration(?:\s+rate)?{VERB}\s+(?P<v>{PCT})\s+in\s+"
        r"(?:china{APOS}s\s+|the\s+)?{AREA}\s+areas",
        (("v", "{area}_penetration_pct"),),
    ),
    NewsRule(
        "age_60_plus_access",
        r"(?P<v>{PCT})\s+of\s+{AGED_60}\s+(?:have|had|has|with|are|were|use[sd]?|using|went|go)\s+"
        r"(?:internet\s+access|access\s+to\s+the\s+internet|online|the\s+internet|internet)",
        (("v", "age_60_plus_penetration_pct"),),
    ),
    NewsRule(
        "age_60_plus_penetration",
        r"\binternet\s+penetration(?:\s+rate)?\s+(?:among|for|of)\s+{AGED_60}{VERB}\s+(?P<v>{PCT})",
        (("v", "age_60_plus_penetration_pct"),),
    ),
    NewsRule(
        "internet_penetration",
        r"\b(?:internet\s+penetration(?:\s+rate)?|penetration\s+rate\s+of\s+the\s+internet){LOC}"
        r"(?:{VERB}|\s+of)\s+(?P<v>{PCT})(?:{GAP}\b{CHANGE}\s+(?P<c>{PP}))?",
        (("v", "internet_penetration_pct"), ("c", "internet_penetration_change_pp")),
    ),
    # --- infrastructure ---------------------------------------------------------------------
    NewsRule(
        "base_stations_5g_number",
        r"\b(?:(?:total\s+)?number\s+of\s+)?5G\s+base\s+stations{LOC}(?:{VERB}|\s+to)\s+"
        r"(?P<v>{COUNT})"
        r"(?:{GAP}\b(?:with\s+)?{CHANGE}\s+(?P<c>{COUNT}))?",
        (("v", "base_stations_5g"), ("c", "base_stations_5g_change")),
    ),
    NewsRule(
        "base_stations_5g_built_new",
        r"(?P<c>{COUNT})\s+(?:new\s+)?5G\s+base\s+stations\s+(?:were|was|had\s+been|have\s+been)"
        r"\s+(?:newly\s+)?(?:built|added|constructed|opened)",
        (("c", "base_stations_5g_change"),),
    ),
    NewsRule(
        "base_stations_5g_added",
        r"\b(?:built|added|constructed|opened)\s+(?P<c>{COUNT})\s+new\s+5G\s+base\s+stations",
        (("c", "base_stations_5g_change"),),
    ),
    NewsRule(
        "base_stations_5g_total",
        r"\b(?:(?:had|has|have)\s+)?(?:established|built|constructed|deployed|opened|boasts?"
        r"|boasted|had|has|have|operates?)\s+(?:a\s+total\s+of\s+)?(?P<v>{COUNT})\s+5G\s+base\s+"
        r"stations\b(?:{GAP}\b(?:with\s+)?{CHANGE}\s+(?P<c>{COUNT}))?",
        (("v", "base_stations_5g"), ("c", "base_stations_5g_change")),
    ),
    NewsRule(
        "cn_domain_names",
        r"\bnumber\s+of\s+(?:registered\s+)?" + _CN + r"\s+domain(?:\s+names?)?{LOC}{VERB}\s+"
        r"(?P<v>{COUNT})",
        (("v", "cn_domain_names"),),
    ),
    NewsRule(
        "cn_domain_names_figure_first",
        r"(?P<v>{COUNT})\s+(?:registered\s+)?" + _CN + r"\s+domain\s+names",
        (("v", "cn_domain_names"),),
    ),
    # --- applications ----------------------------------------------------------------------
    NewsRule(
        "online_payment_users",
        r"\b(?:number\s+of\s+)?(?:online\s+payment\s+users|users\s+of\s+online\s+payments?)"
        r"{LOC}{VERB}\s+(?P<v>{COUNT}){SHARE}",
        (("v", "online_payment_users"), ("s", "online_payment_share_pct")),
    ),
    NewsRule(
        "online_shopping_users",
        r"\b(?:number\s+of\s+)?(?:online\s+shoppers|online\s+shopping\s+users|users\s+of\s+online"
        r"\s+shopping){LOC}{VERB}\s+(?P<v>{COUNT}){SHARE}",
        (("v", "online_shopping_users"), ("s", "online_shopping_share_pct")),
    ),
    NewsRule(
        "online_education_users",
        r"\b(?:number\s+of\s+)?(?:e-learning|online\s+(?:education|learning))\s+users{LOC}"
        r"{VERB}\s+(?P<v>{COUNT}){SHARE}",
        (("v", "online_education_users"), ("s", "online_education_share_pct")),
    ),
    NewsRule(
        "application_users_figure_first",
        r"(?<!\bof\s)(?P<v>{COUNT})\s+(?:(?P<app__online_payment>online\s+payment\s+users)"
        r"|(?P<app__online_shopping>online\s+(?:shoppers|shopping\s+users))"
        r"|(?P<app__online_education>(?:e-learning|online\s+(?:education|learning))\s+users))",
        (("v", "{app}_users"),),
    ),
    # --- artificial intelligence -----------------------------------------------------------
    NewsRule(
        "generative_ai_products",
        r"\bnumber\s+of\s+(?:registered\s+)?(?:[^,.;]{0,60}?\s)?generative\s+(?:artificial\s+"
        r"intelligence|AI)\b[^,.;]{0,60}?{VERB}\s+(?P<v>{COUNT})",
        (("v", "generative_ai_products"),),
    ),
    NewsRule(
        "generative_ai_products_figure_first",
        r"(?P<v>{COUNT})\s+(?:registered\s+)?generative\s+(?:artificial\s+intelligence|AI)\s+"
        r"(?:\(AI\)\s+)?(?:service\s+)?(?:products|services|models|large\s+models)",
        (("v", "generative_ai_products"),),
    ),
    NewsRule(
        "ai_companies",
        r"\bnumber\s+of\s+(?:AI|artificial\s+intelligence)\s+(?:companies|enterprises|firms){LOC}"
        r"{VERB}\s+(?P<v>{COUNT})",
        (("v", "ai_companies"),),
    ),
    NewsRule(
        "ai_companies_figure_first",
        r"(?P<v>{COUNT})\s+(?:AI|artificial\s+intelligence)\s+(?:companies|enterprises|firms)\b",
        (("v", "ai_companies"),),
    ),
    # --- e-commerce (values in yuan) ----------------------------------------------------------
    NewsRule(
        "online_retail_sales",
        r"\bonline\s+retail\s+sales{LOC}(?:{VERB}|\s+of)\s+(?P<v>{YUAN}){PAREN}"
        r"(?:{GAP}\b" + _GROWTH + r"\s+(?:by\s+)?(?P<g>{PCT}))?",
        (("v", "online_retail_sales_yuan"), ("g", "online_retail_sales_yoy_pct")),
    ),
    NewsRule(
        "cross_border_ecommerce",
        r"\bcross-border\s+e-commerce(?:\s+(?:trade|imports\s+and\s+exports|transactions))?{LOC}"
        r"{VERB}\s+(?P<v>{YUAN}){PAREN}(?:{GAP}\b" + _GROWTH + r"\s+(?:by\s+)?(?P<g>{PCT}))?",
        (("v", "cross_border_ecommerce_yuan"), ("g", "cross_border_ecommerce_yoy_pct")),
    ),
)


# --------------------------------------------------------------------------------------------
# Facts
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewsFact:
    """A figure of a news article, with the article it comes from."""

    fact: Fact  # page None; line = 1-based line in the file
    article_id: str
    period_resolved: bool  # False: fact.period_end is a best guess, for the caller to flag


@dataclass(frozen=True)
class _Sentence:
    start: int
    end: int
    paragraph: int


@dataclass(frozen=True)
class _ArticleContext:
    article: Article
    prose: Prose
    sentences: tuple[_Sentence, ...]
    reference: datetime.date | None  # the published date, if known
    guess: datetime.date | None  # the reference to guess with when there is none
    units: Mapping[str, str]


def _sentences(prose: Prose) -> tuple[_Sentence, ...]:
    found: list[_Sentence] = []
    for number, (start, end) in enumerate(prose.paragraphs()):
        for a, b in sentence_spans(prose.text[start:end]):
            found.append(_Sentence(start + a, start + b, number))
    return tuple(found)


def _qualifier(text: str, sentence_start: int, figure: Figure) -> str | None:
    if figure.qualifier:
        return figure.qualifier
    before = text[max(sentence_start, figure.start - 30) : figure.start]
    verb = re.search(r"(\w+)\s+$", before)
    return NEWS_VERB_QUALIFIERS.get(verb[1].lower()) if verb else None


def _period(ctx: _ArticleContext, index: int, figure: Figure) -> tuple[datetime.date, bool]:
    """(period_end, resolved) for a figure of sentence ``index`` (see the module docstring)."""
    sentence = ctx.sentences[index]
    text = ctx.prose.text[sentence.start : sentence.end]
    phrases = period_phrases(text)
    at, to = figure.start - sentence.start, figure.end - sentence.start
    before = [p for p in phrases if p.end <= at]
    after = [p for p in phrases if p.start >= to]
    chosen = before[-1] if before else after[0] if after else None
    stated = True  # a date carried from an earlier sentence of the same paragraph counts
    back = index - 1
    while chosen is None and back >= 0:
        earlier = ctx.sentences[back]
        stated = stated and earlier.paragraph == sentence.paragraph
        phrases = period_phrases(ctx.prose.text[earlier.start : earlier.end])
        chosen = phrases[-1] if phrases else None
        back -= 1
    if chosen is None:
        reference = ctx.reference or ctx.guess
        if reference is None:
            return datetime.date.min, False
        return reference.replace(day=1) - datetime.timedelta(days=1), False
    resolved = chosen.resolve(ctx.reference)
    if resolved is not None:
        return resolved, stated
    guessed = chosen.resolve(ctx.guess)
    return (guessed or datetime.date.min), False


def _slot_figures(
    ctx: _ArticleContext, rule: NewsRule, match: re.Match[str], offset: int
) -> Iterator[tuple[Figure, str | None]]:
    for group, template in rule.slots:
        if match[group] is None:
            continue
        figure = read_figure(match.string, match.start(group), match.end(group))
        figure = replace(figure, start=figure.start + offset, end=figure.end + offset)
        indicator = resolve_id(template, match.groupdict(), ctx.units)
        yield figure, (indicator if indicator in ctx.units else None)


def _make_fact(ctx: _ArticleContext, index: int, figure: Figure, indicator: str | None) -> NewsFact:
    sentence = ctx.sentences[index]
    text = ctx.prose.text
    period_end, resolved = _period(ctx, index, figure)
    fact = Fact(
        indicator_id=indicator,
        period_end=period_end,
        value=figure.value,
        unit=figure.unit,
        value_base=base_value(figure, ctx.units[indicator] if indicator else None),
        qualifier=_qualifier(text, sentence.start, figure),
        quote=normalise_quote(text[sentence.start : sentence.end]),
        raw=figure.raw,
        page=None,
        line=ctx.prose.lines[figure.start],
    )
    return NewsFact(fact=fact, article_id=ctx.article.article_id, period_resolved=resolved)


def _article_facts(ctx: _ArticleContext) -> list[NewsFact]:
    found: list[tuple[int, NewsFact]] = []
    for index, sentence in enumerate(ctx.sentences):
        text = ctx.prose.text[sentence.start : sentence.end]
        if not any(ch.isdigit() for ch in text) and not WORD_FIGURE_RE.search(text):
            continue
        claimed: set[int] = set()
        for rule in RULES:
            for match in rule.regex.finditer(text):
                for figure, indicator in _slot_figures(ctx, rule, match, sentence.start):
                    if figure.start in claimed:
                        continue
                    claimed.add(figure.start)
                    found.append((figure.start, _make_fact(ctx, index, figure, indicator)))
    return [fact for _, fact in sorted(found, key=lambda item: item[0])]


def extract_news_facts(doc: Document) -> tuple[list[Article], list[NewsFact]]:
    """Every article of a news file, and the figures of its relevant articles (reading order)."""
    lines = doc.lines
    units = base_units()
    articles: list[Article] = []
    facts: list[NewsFact] = []
    for article, segment in _articles(doc):
        articles.append(article)
        if not article.relevant:
            continue
        prose = body_prose(lines, segment.body)
        latest = latest_printed_period(prose.text)
        ctx = _ArticleContext(
            article=article,
            prose=prose,
            sentences=_sentences(prose),
            reference=article.published,
            guess=article.published
            or (latest + datetime.timedelta(days=1) if latest is not None else None),
            units=units,
        )
        facts.extend(_article_facts(ctx))
    return articles, facts


def rule_ids() -> set[str]:
    """Every indicator id the rules can name (templates expanded), pending ones included."""
    ids: set[str] = set()
    for rule in RULES:
        for _, template in rule.slots:
            if "{area}" in template:
                ids.update(template.format(area=area) for area in ("rural", "urban"))
            elif "{app}" in template:
                keys = re.findall(r"\(\?P<app__(\w+)>", rule.pattern)
                ids.update(template.format(app=key) for key in keys)
            else:
                ids.add(template)
    return ids
