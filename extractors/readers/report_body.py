"""The body of a CNNIC report (English) as prose: from the "Core Data" heading to the first
appendix, page headers, page numbers, footnotes, table rows, captions and headings left out,
lines joined, bullet glyphs turned into sentence breaks, footnote markers glued to figures
("794 million⁴", "794 million4") moved aside (their footnote text is kept for dating), OCR
slips ("Sy June 2024") corrected. Every character keeps its source page (PDF) or line (text).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from types import MappingProxyType

from extractors.document import Document
from extractors.edition import Edition, edition_of
from extractors.figures.engine import Dating, read_prose
from extractors.figures.facts import Fact
from extractors.figures.grammar import grammar
from extractors.figures.numbers import SUPERSCRIPT_DIGITS, superscript_number
from extractors.figures.text import Location, Prose, sentences
from extractors.kinds import source_kind
from extractors.vocabulary import base_units

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
OCR_BY_RE = re.compile(
    rf"\b[S8]y(?=\s+(?:the\s+end\s+of\s+)?(?i:{grammar('en').fragments['MONTH']})\b)"
)
MARKER_RE = re.compile(
    r"(?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹]+)"
    r"|\$(?P<texbody>[^$\n]{0,30}?)\^\{(?P<tex>\d{1,2})\}\$"
    r"|(?:(?<=[a-z]{3})|(?<=%))(?P<glued>\d{1,2})(?!\w)"
)
CONTINUATION_MAX_CHARS = 40
FOOTNOTE_MAX_LINES = 8


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


def body_of(doc: Document) -> Prose:
    """The report body as located prose (see the module docstring)."""
    lines = source_lines(doc)
    reader = _BodyReader()
    for index in body_range(lines):
        reader.feed(*lines[index])
    reader.close_note()
    builder = reader.builder
    builder.hard_break()
    return Prose(
        text="".join(builder.parts),
        starts=tuple(builder.line_starts),
        locations=tuple(builder.locations),
        lang="en",
        markers=MappingProxyType(builder.markers),
        footnotes=MappingProxyType(reader.footnotes),
    )


def report_facts(doc: Document, edition: Edition, kind_name: str = "cnnic_en") -> list[Fact]:
    """Every sentence figure of an English report body (or excerpt), one Fact per mention, in
    reading order; an excerpt that names no edition has its figures flagged."""
    kind = source_kind(kind_name)
    prose = body_of(doc)
    dating = Dating(default=edition.period_end if edition.period_end != date.min else None)
    mentions = read_prose(prose, sentences(prose), kind, dating, base_units())
    return [with_edition(m.fact, edition) for m in mentions]


def with_edition(fact: Fact, edition: Edition) -> Fact:
    """A fact keeps the edition its source is (or names); an excerpt that names none gives
    its figures the edition whose cut-off is the latest period it prints (an earlier value it
    compares with belongs to the same text), else the edition whose cut-off the figure is dated
    at, else flags edition_unresolved."""
    number = edition.edition
    if number is None:
        number = edition_of(edition.period_end) or edition_of(fact.period_end)
    if number is None:
        return replace(fact, flags=(*fact.flags, "edition_unresolved"))
    return replace(fact, edition=number, publisher="CNNIC" if edition.kind != "isc" else "ISC")


def excerpt_facts(doc: Document, edition: Edition) -> list[Fact]:
    """The figures of an English report excerpt (Core Data, a chapter) without its cover."""
    return [f for f in report_facts(doc, edition, "excerpt_en") if f.indicator_id is not None]
