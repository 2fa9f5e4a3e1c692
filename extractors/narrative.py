"""Narrative indicators: figures a report states only in sentences, not in tables.

Pure functions over a loaded ``Document`` (no I/O besides the packaged indicator vocabulary):

1. ``body_of(doc)`` turns the report body (from the "Core Data" heading to the first appendix)
   into one string of prose: page headers, page numbers, footnotes, table rows, captions and
   headings are left out, lines are joined, bullet glyphs become sentence breaks, footnote
   markers glued to figures ("794 million⁴", "794 million4") are moved aside (their footnote
   text is kept for dating), and OCR slips ("Sy June 2024") are corrected. Every character keeps
   its source page (PDF) or line (text dump).
2. ``sentence_spans`` cuts that prose into sentences.
3. ``RULES`` is a tuple of small declarative rules, one per kind of figure: a regular expression
   over the words of a sentence whose named groups are figure slots, each slot mapped to an
   indicator id of the vocabulary. Rules never refer to page numbers or to this edition's values.
4. ``extract_facts`` runs the rules and returns one ``Fact`` per mention, dated by the clause
   that opens it ("By June 2024" → 2024-06-30, "By the end of May" → 2024-05-31), by a date
   printed right after it ("32.5% in December 2023"), by its footnote ("based on data available
   by the end of May 2024"), or else by the edition's cut-off date.

Figures in statements of the form "the number of X ... reached N" that no rule claims are still
returned, with ``indicator_id=None``, so a new edition's new indicators surface instead of
vanishing. ``consolidate`` keeps, per (indicator, period), the most precise mention and lists the
mentions that disagree beyond their printed rounding.
"""

from __future__ import annotations

import calendar
import datetime
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from types import MappingProxyType

from extractors.document import Document
from extractors.recognise import MONTHS, Edition, month_number
from extractors.vocabulary import base_units

# --------------------------------------------------------------------------------------------
# Numbers, units, qualifiers
# --------------------------------------------------------------------------------------------

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
QUALIFIER_WORDS = (
    "nearly",
    "almost",
    "about",
    "around",
    "approximately",
    "roughly",
    "over",
    "more than",
    "less than",
    "fewer than",
    "close to",
    "up to",
    "at least",
)
# Verbs that carry a qualifier when no adverb is printed: "had approached 20 million".
VERB_QUALIFIERS = {"approached": "nearly", "exceeded": "over", "surpassed": "over"}
MULTIPLIERS = {
    "": 1,
    "thousand": 10**3,
    "ten thousand": 10**4,
    "million": 10**6,
    "hundred million": 10**8,
    "billion": 10**9,
    "trillion": 10**12,
}
# printed unit word (normalised) → (vocabulary base unit, factor)
UNIT_BASES: dict[str, tuple[str, int]] = {
    "%": ("percent", 1),
    "GB": ("gb", 1),
    "hours": ("hours", 1),
    "hour": ("hours", 1),
    "kilometers": ("km", 1),
    "kilometer": ("km", 1),
    "kilometres": ("km", 1),
    "kilometre": ("km", 1),
    "km": ("km", 1),
    "blocks/32": ("blocks_32", 1),
}
COUNT_BASES = frozenset({"persons", "count", "ports", "addresses"})

_QUAL = r"(?:" + "|".join(w.replace(" ", r"\s+") for w in QUALIFIER_WORDS) + r")"
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_MULT = r"(?:hundred\s+million|ten\s+thousand|thousand|million|billion|trillion)(?![a-z])"
_UNIT = r"(?:%|GB\b|hours?\b|kilomet(?:er|re)s?\b|km\b|blocks?\s*/\s*32\b)"
_UNIT_SEP = r"(?:\s*(?=%)|\s*(?=GB)|\s+)"
_FN = r"(?:[⁰¹²³⁴⁵⁶⁷⁸⁹]+|(?<=[a-z%])\d{1,2}(?!\w))"

FIGURE_RE = re.compile(
    rf"(?:(?P<qual>{_QUAL})\s+)?(?P<num>(?<![\w.,]){_NUM}(?!\d))"
    rf"(?:\s+(?P<mult>{_MULT}))?(?:{_UNIT_SEP}(?P<unit>{_UNIT}))?(?P<fn>{_FN})?"
    rf"(?:\s*\(\s*(?P<pnum>{_NUM})(?:\s+(?P<pmult>{_MULT}))?(?:{_UNIT_SEP}(?P<punit>{_UNIT}))?"
    rf"(?P<pfn>{_FN})?\s*\))?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Figure:
    """A number as printed: ``nearly 1.1 billion (1.09967 billion)`` → 1.09967, "billion"."""

    number: Decimal
    multiplier: str  # "", "thousand", "million", "billion", …
    unit_word: str  # "", "%", "GB", "hours", "kilometers", "blocks/32", …
    qualifier: str | None
    raw: str  # the figure as printed (the precise one when a bracketed one follows)
    start: int  # span of ``raw`` in the parsed text
    end: int
    footnote: int | None  # footnote marker glued to it, if any

    @property
    def value(self) -> float:
        return float(self.number)

    @property
    def unit(self) -> str:
        """As printed, normalised: "billion", "%", "billion GB", "blocks/32", "" (bare count)."""
        return " ".join(part for part in (self.multiplier, self.unit_word) if part)

    def to_base(self, base_unit: str) -> float:
        """The value in a vocabulary base unit; ValueError if the printed unit cannot be one."""
        scaled = self.number * MULTIPLIERS[self.multiplier]
        if not self.unit_word:
            if base_unit not in COUNT_BASES:
                raise ValueError(f"a bare count {self.raw!r} cannot be in {base_unit}")
            return float(scaled)
        base, factor = UNIT_BASES[self.unit_word]
        if base != base_unit:
            raise ValueError(f"{self.raw!r} is in {base}, not {base_unit}")
        return float(scaled * factor)


def normalise_unit_word(text: str | None) -> str:
    if not text:
        return ""
    word = re.sub(r"\s+", "", text)
    lowered = word.lower()
    if lowered.startswith("block"):
        return "blocks/32"
    if lowered == "gb":
        return "GB"
    return "%" if word == "%" else lowered


def normalise_words(text: str | None) -> str:
    return " ".join(text.lower().split()) if text else ""


def superscript_number(text: str) -> int:
    return int("".join(str(SUPERSCRIPT_DIGITS.index(c)) for c in text))


def footnote_number(text: str | None) -> int | None:
    if not text:
        return None
    return superscript_number(text) if text[0] in SUPERSCRIPT_DIGITS else int(text)


def decimal_of(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def figure_from_match(match: re.Match[str], offset: int = 0) -> Figure:
    """A ``FIGURE_RE`` match as a Figure (``offset``: where the matched string starts)."""
    precise = match["pnum"] is not None  # "nearly 1.1 billion (1.09967 billion)": the bracketed
    p = "p" if precise else ""
    present = [g for g in (f"{p}num", f"{p}mult", f"{p}unit") if match[g] is not None]
    start, end = match.start(present[0]), match.end(present[-1])
    return Figure(
        number=decimal_of(match[f"{p}num"]),
        multiplier=normalise_words(match[f"{p}mult"] or match["mult"]),
        unit_word=normalise_unit_word(match[f"{p}unit"] or match["unit"]),
        qualifier=None if precise else (normalise_words(match["qual"]) or None),
        raw=" ".join(match.string[start:end].split()),
        start=offset + start,
        end=offset + end,
        footnote=footnote_number(match[f"{p}fn"]),
    )


def parse_figure(text: str) -> Figure:
    """Parse the first figure in ``text``: "1.09967 billion", "78.0%", "160.4 billion GB",
    "nearly 1.1 billion (1.09967 billion)", "794 million⁴" (a glued footnote is not a digit)."""
    match = FIGURE_RE.search(text)
    if match is None:
        raise ValueError(f"no figure in {text!r}")
    return figure_from_match(match)


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE = (
    rf"(?P<month>{_MONTH})\b\.?(?:\s+(?P<day>\d{{1,2}})(?!\d)(?:st|nd|rd|th)?)?"
    r"(?:,?\s+(?P<year>(?:19|20)\d{2})(?!\d))?"
)
_HALF = (
    r"(?:the\s+)?(?P<half>first|second)\s+half\s+of\s+"
    r"(?:(?P<hyear>(?:19|20)\d{2})|the\s+year|this\s+year)"
)
_QUARTER = (
    r"(?:the\s+)?(?P<quarter>first|second|third|fourth)\s+quarter"
    r"(?:\s+of\s+(?P<qyear>(?:19|20)\d{2}))?"
)
OPENER_RE = re.compile(
    r"\b(?:by|as\s+of|as\s+at|at|in|during|until|up\s+to|through)\s+(?:the\s+end\s+of\s+)?"
    rf"(?:{_DATE}|{_HALF}|{_QUARTER})",
    re.IGNORECASE,
)
POSTFIX_DATE_RE = re.compile(rf"\s+in\s+{_DATE}", re.IGNORECASE)
FOOTNOTE_DATE_RE = re.compile(
    r"based\s+on\s+(?:the\s+)?data\s+(?:available\s+)?(?:by|as\s+of|up\s+to|until|at)\s+"
    rf"(?:the\s+end\s+of\s+)?{_DATE}",
    re.IGNORECASE,
)
COMPARISON_BEFORE_RE = re.compile(
    r"(?:compared\s+(?:with|to)|than|from|since|versus|vs\.?|relative\s+to)\s*$|[\d%]\s*$",
    re.IGNORECASE,
)
HALF_ENDS = {"first": 6, "second": 12}
QUARTER_ENDS = {"first": 3, "second": 6, "third": 9, "fourth": 12}


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def date_of(match: re.Match[str], default_year: int) -> datetime.date | None:
    """The period end a date phrase names: a month's last day unless a day is printed."""
    groups = match.groupdict()
    if groups.get("month"):
        year = int(groups["year"]) if groups.get("year") else default_year
        month = month_number(groups["month"])
        if groups.get("day"):
            return datetime.date(year, month, int(groups["day"]))
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
    found: datetime.date | None = None
    for match in OPENER_RE.finditer(text):
        before = text[max(0, match.start() - 25) : match.start()]
        if COMPARISON_BEFORE_RE.search(before):
            continue
        found = date_of(match, default_year) or found
    return found


def postfix_date(text: str, position: int, default_year: int) -> datetime.date | None:
    """A date printed right after a figure: "32.5% in December 2023"."""
    match = POSTFIX_DATE_RE.match(text, position)
    return date_of(match, default_year) if match else None


def footnote_date(note: str, default_year: int) -> datetime.date | None:
    """A footnote that re-dates its figure: "based on data available by the end of May 2024"."""
    match = FOOTNOTE_DATE_RE.search(note)
    return date_of(match, default_year) if match else None


# --------------------------------------------------------------------------------------------
# Document → body prose with locations
# --------------------------------------------------------------------------------------------

HARD_BREAK = "\n"
HEADER_RE = re.compile(r"^CNNIC\s*中国互联网络信息中心")
LONE_RE = re.compile(r"^(?:\d{1,4}|[IVXLC]{1,4})$")
CORE_DATA_RE = re.compile(r"^core\s+data$", re.IGNORECASE)
APPENDIX_RE = re.compile(r"^appendix\s+\d+\b(?!.*\.{4})", re.IGNORECASE)
HEADING_RE = re.compile(
    r"^(?:(?i:core\s+data)|(?i:chapter)\s+[IVX]+\b|(?i:appendix)\s+\d+\b|\([IVX]+\)\s+\S"
    r"|[IVX]+\.\s+[A-Z]|\d{1,2}\.\s+[A-Z][^.]*$)"
)
CAPTION_RE = re.compile(r"^(?:Figure|Table)\s*\d+(?!\d)")
CAPTION_GLUE_RE = re.compile(r"^(?:Figure|Table)\s*\d+.*?\b(?:19|20)\d{2}\s+(?=\*\*|[A-Z][a-z])")
FOOTNOTE_RES = (
    re.compile(r"^(?P<n>[⁰¹²³⁴⁵⁶⁷⁸⁹]+)\s*(?P<text>.*)$"),
    re.compile(r"^\$[^$\t]*\^\{(?P<n>\d{1,2})\}\$\s+(?P<text>[A-Z][^\t]*)$"),
    re.compile(r"^(?P<n>\d{1,2})(?P<text>(?:Source\b|[A-Z][a-z]|[A-Z]{2}).*)$"),
)
NUMERIC_TOKEN_RE = re.compile(r"^[-+]?\(?\d[\d,]*(?:\.\d+)?%?\)?$")
SENTENCE_WORDS_RE = re.compile(
    r"\b(?:had|has|have|reached|was|were|is|are|been|accounting|accounted|increased|decreased"
    r"|grew|rose|fell|dropped)\b",
    re.IGNORECASE,
)
TABLE_ROW_MAX_CHARS = 70
BULLET_LEAD_RE = re.compile(r"^\s*(?:[-–•▪]\s+|[♦◇◆]|\\diamond\b)(?:\s*[♦◇◆])?\s*")
BULLET_INLINE_RE = re.compile(r"\s+-\s*(?:[♦◇◆]\s*)?(?=[A-Z])|\s+-(?:\s*[♦◇◆])?\s*$")
GLYPH_RE = re.compile(r"\s*[♦◇◆]\s*")
OCR_BY_RE = re.compile(rf"\b[S8]y(?=\s+(?:the\s+end\s+of\s+)?(?i:{_MONTH})\b)")
MARKER_RE = re.compile(
    r"(?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹]+)"
    r"|\$(?P<texbody>[^$\n]{0,30}?)\^\{(?P<tex>\d{1,2})\}\$"
    r"|(?:(?<=[a-z]{3})|(?<=%))(?P<glued>\d{1,2})(?!\w)"
)
CONTINUATION_MAX_CHARS = 40
FOOTNOTE_MAX_LINES = 8
Location = tuple[int | None, int | None]


@dataclass(frozen=True)
class Body:
    """The prose of a report body as one string ("\\n" = hard sentence break), with the source
    location of every character, the footnote markers moved out of it and the footnote texts."""

    text: str
    line_starts: tuple[int, ...]
    locations: tuple[Location, ...]
    markers: Mapping[int, int]  # offset in ``text`` right after a figure → footnote number
    footnotes: Mapping[int, str]

    def location(self, offset: int) -> Location:
        index = bisect_right(self.line_starts, offset) - 1
        return self.locations[max(index, 0)] if self.locations else (None, None)


def source_lines(doc: Document) -> list[tuple[str, Location]]:
    """Every line with its (page, line) location: page for a PDF, 1-based line for text."""
    if doc.format == "pdf":
        return [
            (line, (number, None))
            for number, page in enumerate(doc.pages, start=1)
            for line in page.split("\n")
        ]
    return [(line, (None, number)) for number, line in enumerate(doc.lines, start=1)]


def body_range(lines: Sequence[tuple[str, Location]]) -> range:
    """From the "Core Data" heading to the first appendix heading (the whole text if absent)."""
    stripped = [line.strip() for line, _ in lines]
    start = next((i for i, s in enumerate(stripped) if CORE_DATA_RE.match(s)), 0)
    end = next((i for i in range(start + 1, len(lines)) if APPENDIX_RE.match(stripped[i])), None)
    return range(start, len(lines) if end is None else end)


def strip_markers(text: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Remove footnote markers ("million⁴", "million4", "%1", "$.CN^{11}$"); return the clean
    text and (offset in the clean text, footnote number) for each marker."""
    out: list[str] = []
    markers: list[tuple[int, int]] = []
    position = length = 0
    for match in MARKER_RE.finditer(text):
        out.append(text[position : match.start()])
        length += match.start() - position
        if match["tex"] is not None:
            out.append(match["texbody"])
            length += len(match["texbody"])
            number = int(match["tex"])
        elif match["sup"] is not None:
            number = superscript_number(match["sup"])
        else:
            number = int(match["glued"])
        markers.append((length, number))
        position = match.end()
    out.append(text[position:])
    return "".join(out), tuple(markers)


def clean_line(line: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """One body line as prose: hyphen artefacts, bold marks, bullets (→ hard breaks), OCR "Sy"
    for "By", footnote markers moved out."""
    text = line.replace("\ufffe", "-").replace("\u00a0", " ").replace("**", "")
    text = BULLET_LEAD_RE.sub(HARD_BREAK, text)
    text = BULLET_INLINE_RE.sub(HARD_BREAK, text)
    text = GLYPH_RE.sub(" ", text)
    text = OCR_BY_RE.sub("By", text)
    return strip_markers(text)


def footnote_start(line: str) -> tuple[int, str] | None:
    for pattern in FOOTNOTE_RES:
        match = pattern.match(line)
        if match:
            number = match["n"]
            value = superscript_number(number) if number[0] in SUPERSCRIPT_DIGITS else int(number)
            return value, match["text"]
    return None


def is_heading(line: str) -> bool:
    return len(line) < 100 and not line.endswith((".", ",", ";")) and bool(HEADING_RE.match(line))


def is_table_row(line: str) -> bool:
    if "\t" in line:
        return True
    tokens = line.split()
    return (
        len(line) < TABLE_ROW_MAX_CHARS
        and bool(tokens)
        and bool(NUMERIC_TOKEN_RE.match(tokens[-1]))
        and ", " not in line
        and "; " not in line
        and not SENTENCE_WORDS_RE.search(line)
    )


def is_continuation(line: str) -> bool:
    """A short unpunctuated line after a caption or heading continues it ("Jun. 2024")."""
    return (
        len(line) < CONTINUATION_MAX_CHARS
        and ", " not in line
        and not line.endswith((".", ";", ":", "!", "?"))
    )


@dataclass
class _BodyBuilder:
    parts: list[str] = field(default_factory=list)
    length: int = 0
    line_starts: list[int] = field(default_factory=list)
    locations: list[Location] = field(default_factory=list)
    markers: dict[int, int] = field(default_factory=dict)

    def hard_break(self) -> None:
        if self.parts and not self.parts[-1].endswith(HARD_BREAK):
            self._append(HARD_BREAK)

    def add(self, text: str, location: Location) -> None:
        cleaned, markers = clean_line(text)
        if not cleaned.strip():
            return
        last = self.parts[-1] if self.parts else HARD_BREAK
        if not last.endswith((HARD_BREAK, "-")) or last.endswith(" -"):
            self._append(" ")
        self.line_starts.append(self.length)
        self.locations.append(location)
        for offset, number in markers:
            self.markers[self.length + offset] = number
        self._append(cleaned)

    def _append(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)


def line_kind(line: str) -> str:
    """What a stripped source line is: furniture (page header, page number, blank), note
    (a footnote starts), caption, heading, table (a table row) or text (body prose)."""
    if not line or HEADER_RE.match(line) or LONE_RE.match(line):
        return "furniture"
    if "\t" in line:
        return "table"
    if footnote_start(line) is not None:
        return "note"
    if CAPTION_RE.match(line):
        return "caption"
    if is_heading(line):
        return "heading"
    return "table" if is_table_row(line) else "text"


@dataclass
class _BodyReader:
    """Reads body lines in order: prose goes to the builder, footnotes (with their wrapped
    continuation lines) to ``footnotes``; captions, headings and table rows break sentences."""

    builder: _BodyBuilder = field(default_factory=_BodyBuilder)
    footnotes: dict[int, str] = field(default_factory=dict)
    note: list[str] = field(default_factory=list)  # the footnote being read: number, lines
    note_open: bool = False  # its last line did not end a sentence: more lines follow
    after_title: bool = False  # a caption or heading may wrap onto one short line

    def feed(self, raw: str, location: Location) -> None:
        line = raw.strip()
        kind = line_kind(line)
        if kind == "furniture":
            return
        if kind == "note" or (
            self.note_open
            and (kind in ("caption", "heading") or len(self.note) > FOOTNOTE_MAX_LINES)
        ):
            self.close_note()
        if kind == "note":
            self.open_note(line)
        elif self.note_open:
            self.note.append(line)
            self.note_open = not line.endswith(".")
        elif self.after_title and kind == "text" and is_continuation(line):
            self.after_title = False
        elif kind == "text":
            self.after_title = False
            self.builder.add(raw, location)
        else:
            self.structure(kind, line, location)

    def structure(self, kind: str, line: str, location: Location) -> None:
        self.builder.hard_break()
        glued = CAPTION_GLUE_RE.match(line) if kind == "caption" else None
        if glued is not None:
            self.builder.add(line[glued.end() :], location)
        self.after_title = kind in ("caption", "heading") and glued is None

    def open_note(self, line: str) -> None:
        number, text = footnote_start(line) or (0, line)
        self.note[:] = [str(number), text]
        self.note_open = not text.rstrip().endswith(".")
        self.after_title = False

    def close_note(self) -> None:
        if self.note:
            self.footnotes.setdefault(int(self.note[0]), " ".join(self.note[1:]))
            self.note.clear()
        self.note_open = False


def body_of(doc: Document) -> Body:
    """The report body as located prose (see the module docstring)."""
    lines = source_lines(doc)
    reader = _BodyReader()
    for index in body_range(lines):
        reader.feed(*lines[index])
    reader.close_note()
    builder = reader.builder
    builder.hard_break()
    return Body(
        text="".join(builder.parts),
        line_starts=tuple(builder.line_starts),
        locations=tuple(builder.locations),
        markers=MappingProxyType(builder.markers),
        footnotes=MappingProxyType(reader.footnotes),
    )


# --------------------------------------------------------------------------------------------
# Sentences
# --------------------------------------------------------------------------------------------

SENTENCE_END_RE = re.compile(r"[.!?][\"”’)\]]*(?=\s)|\n")
SENTENCE_START_RE = re.compile(r"\s+[\"“‘(*]?\.?[A-Z0-9]")
ABBREVIATIONS = frozenset(
    {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}
    | {"no", "vs", "etc", "co", "ltd", "inc", "mr", "ms", "dr", "st", "fig", "e.g", "i.e", "u.s"}
)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence: ends at ". " before a capital or digit (not after "Jun."
    and other abbreviations) and at every hard break."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in SENTENCE_END_RE.finditer(text):
        end = match.end()
        if match.group() != HARD_BREAK:
            word = text[max(start, match.start() - 6) : match.start()].split()
            if word and word[-1].lower().lstrip('("“') in ABBREVIATIONS:
                continue
            if not SENTENCE_START_RE.match(text, end):
                continue
        _add_span(spans, text, start, end)
        start = end
    _add_span(spans, text, start, len(text))
    return spans


def _add_span(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def normalise_quote(text: str) -> str:
    """Whitespace-normalised sentence text (no space before punctuation left by line joins)."""
    return re.sub(r"\s+([,.;:!?)])(?=\s|$)", r"\1", " ".join(text.split()))


# --------------------------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------------------------

_FIGURE_BODY = (
    rf"(?:{_QUAL}\s+)?(?<![\w.,]){_NUM}(?!\d)(?:\s+{_MULT})?"
    r"(?:\s*\(\s*" + _NUM + rf"(?:\s+{_MULT})?\s*\))?"
)
PARTS = {
    # a count: "304 million", "nearly 1.1 billion (1.09967 billion)", "69,080" (never a % etc.)
    "COUNT": _FIGURE_BODY
    + r"(?!\s*(?:%|percent|percentage|GB\b|hours?\b|km\b|kilomet|blocks?\b|:))",
    "PCT": rf"(?:{_QUAL}\s+)?(?<![\w.,]){_NUM}\s*%",
    "GB": rf"(?:{_QUAL}\s+)?(?<![\w.,]){_NUM}(?:\s+{_MULT})?\s*GB\b",
    "HOURS": rf"(?:{_QUAL}\s+)?(?<![\w.,]){_NUM}\s+hours?\b",
    "KM": rf"(?:{_QUAL}\s+)?(?<![\w.,]){_NUM}(?:\s+{_MULT})?\s+(?:kilomet(?:er|re)s?|km)\b",
    "BLOCKS": rf"(?:{_QUAL}\s+)?(?<![\w.,]){_NUM}(?:\s+{_MULT})?\s+blocks?\s*/\s*32\b",
    "ANY": _FIGURE_BODY + rf"(?:\s*{_UNIT})?",
    "NUM": rf"(?<![\w.,]){_NUM}",
    "DATE": re.sub(r"\(\?P<\w+>", "(?:", _DATE),
    # "in China", "in the country"
    "LOC": r"(?:\s+(?:in|of|across)\s+(?:china|the\s+country|the\s+nation|chinese\s+mainland))?",
    "VERB": r"\s+(?:(?:had|has|have)\s+)?(?:reached|approached|exceeded|surpassed|stood\s+at"
    r"|totall?ed|amounted\s+to|was|were|is|are|rose\s+to|grew\s+to|increased\s+to|fell\s+to"
    r"|dropped\s+to|decreased\s+to)",
    # words within one clause: no sentence end, no ";", decimals allowed
    "GAP": r"(?:[^.;\n]|\.(?=\d))*?",
    # like GAP, but never across the start of another subject ("while the number of …")
    "SHARE_GAP": r"(?:(?!\b(?:while|whereas|number\s+of|size\s+of)\b)(?:[^.;\n]|\.(?=\d)))*?",
    "ALL_USERS": r"(?:the\s+)?(?:total\s+)?(?:size\s+of\s+)?(?:internet\s+users|netizens)",
}
PARTS["PCTLIST"] = (
    rf"{PARTS['PCT']}(?:\s*,\s*(?:and\s+)?{PARTS['PCT']})*(?:\s*,?\s*and\s+{PARTS['PCT']})?"
)
PLACEHOLDER_RE = re.compile(r"\{([A-Z_]+)\}")


def expand(pattern: str) -> str:
    """Replace ``{COUNT}``, ``{PCT}``, ``{VERB}`` … by their regular expressions."""
    return PLACEHOLDER_RE.sub(lambda m: PARTS[m[1]], pattern)


@dataclass(frozen=True)
class Rule:
    """One kind of figure. ``pattern`` is searched in a sentence (``context`` = how many
    sentences, ending with the figure's, it sees); each named group in ``slots`` is a figure and
    names an indicator id, which may use other named groups ("{area}_internet_users").
    ``anchors``: lower-case words of which one must occur in the sentence (a fast pre-check)."""

    name: str
    anchors: tuple[str, ...]
    pattern: str
    slots: tuple[tuple[str, str], ...]
    context: int = 1
    requires: str | None = None

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(expand(self.pattern), re.IGNORECASE)

    @cached_property
    def requires_regex(self) -> re.Pattern[str] | None:
        return re.compile(self.requires, re.IGNORECASE) if self.requires else None


@dataclass(frozen=True)
class ListRule:
    """ "the proportions of A, B, and C were x%, y%, and z%, respectively": group ``names`` holds
    the subjects, group ``values`` the figures; ``items`` map a subject (regex) to an id."""

    name: str
    anchors: tuple[str, ...]
    pattern: str
    items: tuple[tuple[str, str], ...]
    context: int = 1

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(expand(self.pattern), re.IGNORECASE)

    @cached_property
    def item_regexes(self) -> tuple[tuple[re.Pattern[str], str], ...]:
        return tuple((re.compile(rf"\b(?:{p})\b", re.IGNORECASE), i) for p, i in self.items)

    @property
    def requires_regex(self) -> re.Pattern[str] | None:
        return None


@dataclass(frozen=True)
class RatioRule:
    """ "the ratio of male to female Internet users … 50.8:49.2": group ``ratio`` is a:b, stored
    as two shares in percent (100·a/(a+b), 100·b/(a+b)); the printed parts are the values."""

    name: str
    anchors: tuple[str, ...]
    pattern: str
    first: str
    second: str
    context: int = 1

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(expand(self.pattern), re.IGNORECASE)

    @property
    def requires_regex(self) -> re.Pattern[str] | None:
        return None


AnyRule = Rule | ListRule | RatioRule

# Applications: id stem → how the report names it. Each gives <stem>_users and <stem>_share_pct.
APPLICATIONS: tuple[tuple[str, str], ...] = (
    ("instant_messaging", r"instant\s+messaging"),
    ("online_video", r"online\s+video(?:\s*\([^)]*\))?"),
    ("short_video", r"short\s+video"),
    ("mini_drama", r"(?:mini|micro)-?\s*dramas?"),
    ("online_payment", r"online\s+payments?"),
    ("online_shopping", r"online\s+shopping"),
    ("search_engine", r"search\s+engines?"),
    ("online_news", r"online\s+news"),
    ("live_streaming", r"(?:online\s+)?live\s+streaming"),
    ("online_music", r"online\s+music"),
    ("online_meal_ordering", r"online\s+(?:meal\s+ordering|food\s+delivery)"),
    ("online_literature", r"online\s+literature"),
    ("online_car_hailing", r"(?:online\s+)?car-hailing"),
    ("online_travel_booking", r"online\s+travel\s+booking"),
    ("online_medical", r"internet\s+healthcare|online\s+(?:medical(?:\s+services?)?|healthcare)"),
    ("online_audio", r"online\s+audio"),
    ("online_office", r"online\s+office"),
)


def choice(name: str, options: Iterable[tuple[str, str]]) -> str:
    """An alternation whose branch names a value: ``{name}`` in an id template becomes the key of
    the branch that matched (groups ``name__key``)."""
    return "(?:" + "|".join(f"(?P<{name}__{key}>{regex})" for key, regex in options) + ")"


def application_rule() -> Rule:
    """ "the number of X users … reached N, … accounting for P% of the total Internet users"."""
    subject = (
        r"(?:(?:number|size|scale)\s+of|\busers\s+of|\buser\s+(?:size|base|scale)\s+of)\s+"
        + choice("app", APPLICATIONS)
        + r"(?:\s+(?:users|consumers))?"
    )
    return Rule(
        name="application_users",
        anchors=("user", "consumer"),
        pattern=rf"{subject}{{LOC}}{{VERB}}\s+(?P<users>{{COUNT}})"
        r"(?:{SHARE_GAP}\baccounting\s+for\s+(?P<share>{PCT})\s+of\s+{ALL_USERS})?",
        slots=(("users", "{app}_users"), ("share", "{app}_share_pct")),
    )


DEVICES: tuple[tuple[str, str], ...] = (
    (r"mobile\s+phones?", "mobile_access_share_pct"),
    (r"desktop(?:\s+computers?)?|desktops", "desktop_access_share_pct"),
    (r"laptops?(?:\s+computers?)?|notebook\s+computers?", "laptop_access_share_pct"),
    (r"televisions?|TVs?", "tv_access_share_pct"),
    (r"tablets?(?:\s+computers?)?", "tablet_access_share_pct"),
    (r"(?:smart\s+)?connected\s+vehicles?|in-car\s+devices?", "smart_vehicle_access_share_pct"),
    (r"smart\s+home\s+devices?", "smart_home_access_share_pct"),
    (r"(?:personal\s+)?wearable\s+devices?", "wearable_access_share_pct"),
)
AGE_GROUPS: tuple[tuple[str, str], ...] = (
    (r"(?P<lo>\d{1,2})\s*[-–]\s*(?P<hi>\d{1,2})", "age_{lo}_{hi}_share_pct"),
    (r"(?P<lo>\d{1,2})\s+and\s+(?:above|over|older)", "age_{lo}_plus_share_pct"),
    (r"(?:under|below)\s+(?P<hi>\d{1,2})", "age_under_{hi}_share_pct"),
)
_RESPECTIVELY = r"(?P<values>{PCTLIST}),?\s*respectively"

RULES: tuple[AnyRule, ...] = (
    # --- users and penetration -------------------------------------------------------------
    Rule(
        "internet_users",
        ("internet users",),
        r"\b(?:number|size|scale)\s+of\s+internet\s+users{LOC}{VERB}\s+(?P<v>{COUNT})",
        (("v", "internet_users"),),
    ),
    Rule(
        "internet_penetration",
        ("penetration",),
        r"\binternet\s+penetration\s+rate{LOC}(?:{VERB}|\s+of)\s+(?P<v>{PCT})",
        (("v", "internet_penetration_pct"),),
    ),
    Rule(
        "area_penetration",
        ("penetration",),
        r"\bpenetration\s+rate\s+in\s+(?P<area>urban|rural)\s+areas{LOC}{VERB}\s+(?P<v>{PCT})",
        (("v", "{area}_penetration_pct"),),
    ),
    Rule(
        "mobile_internet_users",
        ("mobile internet users",),
        r"\b(?:number|size|scale)\s+of\s+mobile\s+internet\s+users{LOC}{VERB}\s+(?P<v>{COUNT})"
        r"(?:{SHARE_GAP}\bwith\s+(?P<s>{PCT})\s+of\s+internet\s+users\s+accessing\s+the\s+"
        r"internet\s+(?:via|through|by)\s+mobile\s+(?:phones?|devices?))?",
        (("v", "mobile_internet_users"), ("s", "mobile_access_share_pct")),
    ),
    Rule(
        "mobile_access_share",
        ("mobile phone",),
        r"\bproportion\s+of\s+internet\s+users{LOC}\s+accessing\s+the\s+internet\s+"
        r"(?:via|through|by)\s+mobile\s+phones?{VERB}\s+(?P<v>{PCT})",
        (("v", "mobile_access_share_pct"),),
    ),
    ListRule(
        "access_devices",
        ("respectively",),
        r"\bproportions\s+of\s+(?:internet\s+)?users\s+accessing\s+the\s+internet\s+"
        r"(?:via|through|by)\s+(?P<names>[^.;]*?)\s+(?:had\s+)?(?:were|was|reached|"
        r"accounted\s+for)\s+" + _RESPECTIVELY,
        DEVICES,
    ),
    Rule(
        "smart_vehicle_users",
        ("vehicle",),
        r"\b(?:number|size)\s+of\s+(?:internet\s+)?users\s+accessing\s+the\s+internet\s+"
        r"(?:via|through|by)\s+smart\s+connected\s+vehicles{VERB}\s+(?P<v>{COUNT})",
        (("v", "smart_vehicle_users"),),
    ),
    Rule(
        "area_users",
        ("urban", "rural"),
        r"\b(?:(?:number|size|scale)\s+of\s+)?(?P<area>urban|rural)\s+internet\s+users{LOC}"
        r"{VERB}\s+(?P<v>{COUNT})(?:{SHARE_GAP}\baccounting\s+for\s+(?P<s>{PCT})\s+of\s+"
        r"(?:the\s+total|all|total)(?:\s+internet\s+users)?)?",
        (("v", "{area}_internet_users"), ("s", "{area}_users_share_pct")),
    ),
    Rule(
        "non_internet_users",
        ("non-internet",),
        r"\b(?:number|size|scale)\s+of\s+non-internet\s+users{LOC}{VERB}\s+(?P<v>{COUNT})",
        (("v", "non_internet_users"),),
    ),
    Rule(
        "non_internet_rural_share",
        ("accounted",),
        r"\bnon-internet\s+users\s+were\s+(?:\w+\s+){0,3}in\s+rural\s+areas\.\s+(?:they|this\s+"
        r"group)\s+accounted\s+for\s+(?P<v>{PCT})",
        (("v", "non_internet_rural_share_pct"),),
        context=2,
    ),
    Rule(
        "non_internet_age_share",
        ("this group",),
        r"\bnon-internet\s+users\s+was\s+(?:individuals|people|those)\s+aged\s+(?P<lo>\d{1,2})\s+"
        r"and\s+(?:above|over|older)\.\s+{GAP}\bthis\s+group\s+(?:constituted|accounted\s+for|"
        r"made\s+up)\s+(?P<v>{PCT})",
        (("v", "non_internet_age_{lo}_plus_share_pct"),),
        context=2,
    ),
    ListRule(
        "non_internet_inconveniences",
        ("respectively",),
        r"\binconveniences\s+included\s+(?P<names>[^.;]*?),?\s+accounting\s+for\s+" + _RESPECTIVELY,
        (
            (r"buy(?:ing)?\s+things|shopping", "non_internet_inconvenience_shopping_pct"),
            (
                r"(?:do(?:ing)?\s+)?errands(?:\s+and\s+pay(?:ing)?\s+bills)?|pay(?:ing)?\s+bills",
                "non_internet_inconvenience_errands_pct",
            ),
        ),
    ),
    Rule(
        "non_internet_reason_skills",
        ("know how",),
        r"(?P<v>{PCT})\s+of\s+(?:non-internet\s+users|them)\b[^.;]{0,60}?\b(?:did\s+not|do\s+not|"
        r"don't)\s+know\s+how\s+to\s+use\s+(?:computers|the\s+internet|networks)",
        (("v", "non_internet_reason_skills_pct"),),
        requires=r"non-internet",
    ),
    Rule(
        "non_internet_reason_literacy",
        ("pinyin", "literacy"),
        r"(?P<v>{PCT})\s+of\s+(?:non-internet\s+users|them)\s+(?:due\s+to|because\s+of)\s+"
        r"[^.;]{0,40}?(?:pinyin|literacy)",
        (("v", "non_internet_reason_literacy_pct"),),
        requires=r"non-internet",
    ),
    Rule(
        "non_internet_reason_devices",
        ("devices",),
        r"(?P<v>{PCT})\s+of\s+(?:non-internet\s+users|them)\s+(?:due\s+to|because\s+of)\s+"
        r"not\s+having\s+[^.;]{0,30}?devices",
        (("v", "non_internet_reason_devices_pct"),),
        requires=r"non-internet",
    ),
    Rule(
        "non_internet_reason_age",
        ("too young", "too old"),
        r"(?P<v>{PCT})\s+of\s+(?:non-internet\s+users|them)\s+(?:due\s+to|because\s+of)\s+"
        r"being\s+too\s+(?:young|old)",
        (("v", "non_internet_reason_age_pct"),),
        requires=r"non-internet",
    ),
    Rule(
        "non_internet_driver_family",
        ("family",),
        r"\bcommunicat\w*\s+with\s+(?:family|relatives)[^.;]{0,40}?(?:accounting\s+for|"
        r"making\s+up)\s+(?P<v>{PCT})",
        (("v", "non_internet_driver_family_pct"),),
        requires=r"\bfactor",
    ),
    Rule(
        "non_internet_driver_devices",
        ("barrier-free",),
        r"\bbarrier-free\s+internet\s+access\s+devices[^.;]{0,60}?(?:accounting\s+for|making\s+up)"
        r"\s+(?P<v>{PCT})",
        (("v", "non_internet_driver_devices_pct"),),
        requires=r"\bfactor",
    ),
    Rule(
        "non_internet_driver_training",
        ("training",),
        r"\btraining\s+in\s+internet\s+use[^.;]{0,60}?(?:accounting\s+for|making\s+up)"
        r"\s+(?P<v>{PCT})",
        (("v", "non_internet_driver_training_pct"),),
        requires=r"\bfactor",
    ),
    # --- structure of users ------------------------------------------------------------------
    RatioRule(
        "gender_ratio",
        ("male",),
        r"\bratio\s+of\s+male\s+to\s+female\s+internet\s+users{LOC}{VERB}\s+"
        r"(?P<ratio>{NUM}\s*:\s*{NUM})",
        "male_users_share_pct",
        "female_users_share_pct",
    ),
    ListRule(
        "age_structure",
        ("respectively",),
        r"\binternet\s+users\s+aged\s+(?P<names>[^.;%]*?)\s+(?:had\s+)?(?:accounted\s+for|"
        r"account\s+for|were|made\s+up)\s+" + _RESPECTIVELY,
        AGE_GROUPS,
    ),
    Rule(
        "age_plus_change",
        ("aged",),
        r"\bproportion\s+of\s+internet\s+users\s+aged\s+(?P<lo>\d{1,2})\s+and\s+(?:above|over|"
        r"older)\s+(?:increased|decreased|rose|fell|grew|dropped|changed)\s+from\s+(?P<a>{PCT})"
        r"\s+in\s+{DATE}\s+to\s+(?P<b>{PCT})",
        (("a", "age_{lo}_plus_share_pct"), ("b", "age_{lo}_plus_share_pct")),
    ),
    Rule(
        "age_plus",
        ("aged",),
        r"\bproportion\s+of\s+internet\s+users\s+aged\s+(?P<lo>\d{1,2})\s+and\s+(?:above|over|"
        r"older){VERB}\s+(?P<v>{PCT})",
        (("v", "age_{lo}_plus_share_pct"),),
    ),
    Rule(
        "new_users_age_plus",
        ("new internet users",),
        r"\bamong\s+the\s+new\s+internet\s+users\b[^.;]{0,60}?,\s+those\s+aged\s+(?P<lo>\d{1,2})"
        r"\s+and\s+(?:above|over|older)\s+accounted\s+for\s+(?P<v>{PCT})",
        (("v", "new_users_age_{lo}_plus_share_pct"),),
    ),
    # --- IP addresses and domain names ---------------------------------------------------------
    Rule(
        "ipv4_addresses",
        ("ipv4",),
        r"\bnumber\s+of\s+ipv4\s+addresses{LOC}{VERB}\s+(?P<v>{COUNT})",
        (("v", "ipv4_addresses"),),
    ),
    Rule(
        "ipv6_blocks",
        ("ipv6",),
        r"\bnumber\s+of\s+ipv6\s+addresses{LOC}{VERB}\s+(?P<v>{BLOCKS})",
        (("v", "ipv6_blocks_32"),),
    ),
    Rule(
        "active_ipv6_users",
        ("active",),
        r"\bnumber\s+of\s+active\s+(?:ipv6\s+)?users{LOC}{VERB}\s+(?P<v>{COUNT})",
        (("v", "active_ipv6_users"),),
        requires=r"ipv6",
    ),
    Rule(
        "active_ipv6_users_after",
        ("active ipv6 users",),
        r"(?P<v>{COUNT})\s+active\s+ipv6\s+users",
        (("v", "active_ipv6_users"),),
    ),
    Rule(
        "ipv6_mobile_traffic_share",
        ("ipv6 traffic",),
        r"\bipv6\s+traffic\s+(?:accounting\s+for|accounted\s+for|reached)\s+(?P<v>{PCT})\s+of\s+"
        r"mobile\s+networks?",
        (("v", "ipv6_mobile_traffic_share_pct"),),
    ),
    Rule(
        "ipv6_recursive_services_share",
        ("recursive",),
        r"\bprovided\s+ipv6\s+(?:public\s+)?recursive\s+services?,?\s+accounting\s+for\s+"
        r"(?P<v>{PCT})",
        (("v", "ipv6_recursive_services_share_pct"),),
    ),
    Rule(
        "domain_names",
        ("domain names",),
        r"\b(?:total\s+)?number\s+of\s+domain\s+names{LOC}{VERB}\s+(?P<v>{COUNT})",
        (("v", "domain_names"),),
    ),
    Rule(
        "tld_domain_names",
        ("domain names",),
        r"\bnumber\s+of\s+\."
        + choice("tld", (("cn", "cn"), ("com", "com"), ("zhongguo", "中国")))
        + r"\s+domain\s+names{LOC}{VERB}\s+(?P<v>{COUNT})",
        (("v", "{tld}_domain_names"),),
    ),
    Rule(
        "new_gtld_domain_names",
        ("gtld",),
        r"\bnumber\s+of\s+new\s+generic\s+top-level\s+domains?(?:\s+names?)?"
        r"(?:\s*\(new\s+gtlds?\))?{VERB}\s+(?P<v>{COUNT})",
        (("v", "new_gtld_domain_names"),),
    ),
    Rule(
        "national_tld_domain_names",
        ("national top-level",),
        r"\bregistration\s+of\s+national\s+top-level\s+domain\s+names{LOC}{VERB}\s+(?P<v>{COUNT})",
        (("v", "national_tld_domain_names"),),
    ),
    # --- infrastructure ---------------------------------------------------------------------
    Rule(
        "base_stations",
        ("base stations",),
        r"\b(?:total\s+)?number\s+of\s+mobile\s+(?:phone\s+)?base\s+stations{LOC}{VERB}\s+"
        r"(?P<v>{COUNT})",
        (("v", "base_stations"),),
    ),
    Rule(
        "base_stations_5g",
        ("5g base stations",),
        r"\b(?:total\s+)?number\s+of\s+5G\s+base\s+stations(?:\s+for\s+mobile\s+phones)?{LOC}"
        r"{VERB}\s+(?P<v>{COUNT})(?:{SHARE_GAP}\baccounting\s+for\s+(?P<s>{PCT})\s+of\s+the\s+"
        r"total\s+number\s+of\s+mobile\s+(?:phone\s+)?base\s+stations)?",
        (("v", "base_stations_5g"), ("s", "base_stations_5g_share_pct")),
    ),
    Rule(
        "base_stations_5g_built",
        ("5g base stations",),
        r"\ba\s+total\s+of\s+(?P<v>{COUNT})\s+5G\s+base\s+stations\s+(?:had|have)\s+been\s+"
        r"(?:built|constructed|opened)",
        (("v", "base_stations_5g"),),
    ),
    Rule(
        "broadband_ports",
        ("access ports",),
        r"\bnumber\s+of\s+(?:internet\s+)?broadband\s+(?:internet\s+)?access\s+ports{LOC}{VERB}"
        r"\s+(?P<v>{COUNT})",
        (("v", "broadband_ports"),),
    ),
    Rule(
        "fttho_ports",
        ("ftth",),
        r"\bnumber\s+of\s+FTTH/O\s+ports{LOC}{VERB}\s+(?P<v>{COUNT})(?:{SHARE_GAP}\baccounting\s+"
        r"for\s+(?P<s>{PCT})\s+of\s+the\s+total\s+(?:internet\s+)?broadband\s+access\s+ports)?",
        (("v", "fttho_ports"), ("s", "fttho_ports_share_pct")),
    ),
    Rule(
        "pon_10g_ports",
        ("pon",),
        r"\bnumber\s+of\s+10G\s+PON\s+ports[^.;]{0,80}?{VERB}\s+(?P<v>{COUNT})",
        (("v", "pon_10g_ports"),),
    ),
    Rule(
        "fiber_length",
        ("length",),
        r"\btotal\s+length\s+of\s+(?:fib(?:er|re)\s+optic\s+cable|optical\s+(?:fib(?:er|re)\s+)?"
        r"(?:cable\s+)?)lines{LOC}{VERB}\s+(?P<v>{KM})",
        (("v", "fiber_length_km"),),
    ),
    ListRule(
        "fiber_line_shares",
        ("respectively",),
        r"\bproportions\s+of\s+(?P<names>[^.;]*?optical\s+fib(?:er|re)\s+lines?[^.;]*?)\s+"
        r"(?:were|was|accounted\s+for)\s+" + _RESPECTIVELY,
        (
            (r"access\s+network", "fiber_access_network_share_pct"),
            (r"local\s+(?:network\s+)?relay", "fiber_local_relay_share_pct"),
            (r"long-distance|long\s+distance", "fiber_long_distance_share_pct"),
        ),
    ),
    Rule(
        "websites",
        ("websites",),
        r"\bnumber\s+of\s+websites{LOC}{VERB}\s+(?P<v>{COUNT})",
        (("v", "websites"),),
    ),
    Rule(
        "cn_websites",
        ("websites",),
        r"\bnumber\s+of\s+(?:global\s+)?websites\s+(?:with|under)\s+\.CN(?:\s+domain\s+names)?"
        r"{VERB}\s+(?P<v>{COUNT})",
        (("v", "cn_websites"),),
    ),
    Rule(
        "mobile_traffic",
        ("traffic",),
        r"\bmobile\s+internet\s+(?:access\s+)?traffic{LOC}{VERB}\s+(?P<v>{GB})",
        (("v", "mobile_traffic_gb"),),
    ),
    Rule(
        "mobile_dou",
        ("dou",),
        r"\bdataflow\s+of\s+usage\s+\(DOU\)[^.;]{0,60}?{VERB}\s+(?P<v>{GB})",
        (("v", "mobile_dou_gb"),),
    ),
    Rule(
        "weekly_online_hours",
        ("weekly",),
        r"\baverage\s+weekly\s+internet\s+usage\s+time\s+per\s+internet\s+user{LOC}{VERB}\s+"
        r"(?P<v>{HOURS})",
        (("v", "weekly_online_hours"),),
    ),
    # --- applications ----------------------------------------------------------------------
    application_rule(),
)

# A statement about a quantity no rule knows: still returned, with indicator_id None.
UNMATCHED_RULE = Rule(
    "unmatched_statement",
    ("number of", "size of", "scale of"),
    r"\b(?:number|size|scale)\s+of\s+(?:(?!\b(?:had|has|have|was|were|is|are|reached)\b)"
    r"[^,;.\n]){2,80}?\s+(?:(?:had|has|have)\s+)?(?:reached|approached|was|were|stood\s+at|"
    r"totall?ed)\s+(?P<v>{ANY})",
    (("v", ""),),
)


# --------------------------------------------------------------------------------------------
# Facts
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    """One figure stated in a sentence."""

    indicator_id: str | None  # None only if truly unmatched (then still returned with its quote)
    period_end: datetime.date
    value: float  # the number as printed (1.09967 for "1.09967 billion")
    unit: str  # as printed: "billion", "%", "billion GB", "blocks/32", "" (bare count) …
    value_base: float  # in the vocabulary's base unit (1.09967 billion → 1099670000.0)
    qualifier: str | None  # "nearly", "over", … lower case; None if none
    quote: str  # the sentence, whitespace-normalised
    raw: str  # the figure as printed ("1.09967 billion", "78.0%")
    page: int | None  # PDF page (1-based), else None
    line: int | None  # 1-based line of the .txt, else None
    period_resolved: bool = True  # False: period_end is a best guess (flagged downstream)


@dataclass(frozen=True)
class _Context:
    body: Body
    spans: Sequence[tuple[int, int]]
    edition: Edition
    units: Mapping[str, str]

    @property
    def year(self) -> int:
        return self.edition.period_end.year


def resolve_id(template: str, groups: Mapping[str, str | None], units: Mapping[str, str]) -> str:
    """Fill an id template ("{area}_internet_users", "{app}_users") from a match's groups: a
    ``choice`` branch gives its key, a plain group its lower-cased text. "" if not in the
    vocabulary."""
    if "{" not in template:
        return template
    values: dict[str, str] = {}
    for group, text in groups.items():
        if text is None:
            continue
        name, _, key = group.partition("__")
        values[name] = key or "_".join(text.lower().split())
    try:
        indicator = template.format(**values)
    except KeyError:
        return ""
    return indicator if indicator in units else ""


def period_for(ctx: _Context, sentence_start: int, figure: Figure) -> datetime.date:
    """Footnote date, else a date printed right after the figure, else the last clause-opening
    date before it in its sentence, else the edition's cut-off."""
    note = ctx.body.footnotes.get(ctx.body.markers.get(figure.end, -1))
    dated = footnote_date(note, ctx.year) if note else None
    text = ctx.body.text
    return (
        dated
        or postfix_date(text, figure.end, ctx.year)
        or opening_date(text[sentence_start : figure.start], ctx.year)
        or ctx.edition.period_end
    )


def qualifier_for(ctx: _Context, sentence_start: int, figure: Figure) -> str | None:
    if figure.qualifier:
        return figure.qualifier
    before = ctx.body.text[max(sentence_start, figure.start - 30) : figure.start]
    verb = re.search(r"(\w+)\s+$", before)
    return VERB_QUALIFIERS.get(verb[1].lower()) if verb else None


def make_fact(
    ctx: _Context,
    sentence: tuple[int, int],
    figure: Figure,
    indicator_id: str | None,
) -> Fact:
    if indicator_id:
        value_base = figure.to_base(ctx.units[indicator_id])
    else:
        value_base = float(figure.number * MULTIPLIERS[figure.multiplier])
    page, line = ctx.body.location(figure.start)
    return Fact(
        indicator_id=indicator_id or None,
        period_end=period_for(ctx, sentence[0], figure),
        value=figure.value,
        unit=figure.unit,
        value_base=value_base,
        qualifier=qualifier_for(ctx, sentence[0], figure),
        quote=normalise_quote(ctx.body.text[sentence[0] : sentence[1]]),
        raw=figure.raw,
        page=page,
        line=line,
    )


def _windows(
    ctx: _Context, rule: AnyRule, index: int, lowered: str
) -> Iterator[tuple[int, re.Match[str]]]:
    """Matches of ``rule`` in the window of sentences ending with sentence ``index``."""
    if not any(anchor in lowered for anchor in rule.anchors):
        return
    start = ctx.spans[max(0, index - rule.context + 1)][0]
    window = ctx.body.text[start : ctx.spans[index][1]]
    requires = rule.requires_regex
    if requires is not None and not requires.search(window):
        return
    for match in rule.regex.finditer(window):
        yield start, match


def _rule_facts(
    ctx: _Context, rule: AnyRule, index: int, lowered: str, claimed: set[int]
) -> Iterator[Fact]:
    sentence = ctx.spans[index]
    for offset, match in _windows(ctx, rule, index, lowered):
        for figure, indicator in _slot_figures(ctx, rule, match, offset):
            if figure.start < sentence[0] or figure.start in claimed:
                continue
            if not isinstance(rule, RatioRule):
                claimed.add(figure.start)
            yield make_fact(ctx, sentence, figure, indicator)
        if isinstance(rule, RatioRule):
            claimed.add(offset + match.start("ratio"))


def _slot_figures(
    ctx: _Context, rule: AnyRule, match: re.Match[str], offset: int
) -> list[tuple[Figure, str | None]]:
    if isinstance(rule, Rule):
        found: list[tuple[Figure, str | None]] = []
        for group, template in rule.slots:
            if match[group] is None:
                continue
            figure = _figure_at(match, group, offset)
            found.append((figure, resolve_id(template, match.groupdict(), ctx.units) or None))
        return found
    if isinstance(rule, ListRule):
        return _list_figures(ctx, rule, match, offset)
    return _ratio_figures(rule, match, offset)


def _figure_at(match: re.Match[str], group: str, offset: int) -> Figure:
    parsed = FIGURE_RE.match(match.string, match.start(group), match.end(group))
    if parsed is None:  # pragma: no cover - every slot pattern is a figure pattern
        raise ValueError(f"slot {group!r} is not a figure: {match[group]!r}")
    return figure_from_match(parsed, offset)


def _list_figures(
    ctx: _Context, rule: ListRule, match: re.Match[str], offset: int
) -> list[tuple[Figure, str | None]]:
    names = match["names"]
    subjects: list[tuple[int, int, str]] = []
    for regex, template in rule.item_regexes:
        for item in regex.finditer(names):
            indicator = resolve_id(template, item.groupdict(), ctx.units)
            subjects.append((item.start(), item.end(), indicator))
    subjects.sort()
    ordered: list[str] = []
    last_end = -1
    for start, end, indicator in subjects:
        if start >= last_end:
            ordered.append(indicator)
            last_end = end
    base = match.start("values")
    figures = [
        figure_from_match(m, offset)
        for m in FIGURE_RE.finditer(match.string, base, match.end("values"))
    ]
    if len(ordered) != len(figures):
        return [(figure, None) for figure in figures]
    return [(figure, indicator or None) for figure, indicator in zip(figures, ordered, strict=True)]


def _ratio_figures(
    rule: RatioRule, match: re.Match[str], offset: int
) -> list[tuple[Figure, str | None]]:
    start, end = match.span("ratio")
    raw = " ".join(match.string[start:end].split())
    first, second = (decimal_of(part) for part in raw.split(":"))
    total = first + second
    found: list[tuple[Figure, str | None]] = []
    for part, indicator in ((first, rule.first), (second, rule.second)):
        share = part * 100 / total
        found.append(
            (
                _RatioFigure(
                    number=part,
                    multiplier="",
                    unit_word="ratio",
                    qualifier=None,
                    raw=raw,
                    start=offset + start,
                    end=offset + end,
                    footnote=None,
                    share=share,
                ),
                indicator,
            )
        )
    return found


@dataclass(frozen=True)
class _RatioFigure(Figure):
    """One part of a printed a:b ratio; its base value is its share of a+b in percent."""

    share: Decimal = Decimal(0)

    def to_base(self, base_unit: str) -> float:
        if base_unit != "percent":
            raise ValueError(f"a ratio part {self.raw!r} cannot be in {base_unit}")
        return round(float(self.share), 10)


def extract_facts(doc: Document, edition: Edition) -> list[Fact]:
    """Every narrative figure of the report body, one Fact per mention, in reading order."""
    body = body_of(doc)
    ctx = _Context(body=body, spans=sentence_spans(body.text), edition=edition, units=base_units())
    claimed: set[int] = set()
    facts: list[Fact] = []
    for index, (start, end) in enumerate(ctx.spans):
        lowered = body.text[start:end].lower()
        if not any(ch.isdigit() for ch in lowered):
            continue
        for rule in (*RULES, UNMATCHED_RULE):
            facts.extend(_rule_facts(ctx, rule, index, lowered, claimed))
    return facts


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
