"""The Internet Society of China annual report (中国互联网发展报告): printed lines, KPI cards and
prose.

1. ``content_lines`` — every printed line with its page (PDF) or line (.txt), cleaned: running
   page headers and lone page numbers dropped, bold markers ``**`` and bullet glyphs removed,
   whitespace next to a Chinese character removed ("超过810万 标" → "超过810万标").
2. ``find_cards`` — KPI cards: a short label (one or two lines: "工业互联网" / "产业"), a value
   (one or two lines, the first starting with a figure: "超过810万" / "标准机架") and a change
   line ("↑46.1%"). The PDF's joined labels and the text dump's split ones read the same.
3. ``prose_of`` — all other lines as paragraphs. In a PDF, a line that reaches the right margin
   and does not end a sentence continues on the next line (across pages, headers dropped); in a
   text dump every line is a paragraph. Every character keeps its location.
4. ``isc_mentions`` — the cards (named by the kind's ``cards`` records: value and change, the
   edition's period) and the prose read by the figure engine with the ``isc_zh`` rules.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from extractors.document import Document
from extractors.edition import Edition
from extractors.figures.engine import Dating, Mention, known_value, read_prose
from extractors.figures.facts import Fact
from extractors.figures.grammar import grammar
from extractors.figures.numbers import (
    Figure,
    han_at,
    han_from_match,
    han_patterns,
    parse_han,
    parse_han_change,
)
from extractors.figures.rules import SourceKind
from extractors.figures.text import Location, Prose, nfkc, normalise_with_offsets, sentences
from extractors.kinds import source_kind
from extractors.readers.report_body import source_lines
from extractors.vocabulary import base_units

# --------------------------------------------------------------------------------------------
# Lines
# --------------------------------------------------------------------------------------------

BULLET_RE = re.compile(r"^(?:[-–•▪]\s+)?(?:[◆◇♦➤➢□■●▶►▪]\s*)*")
PAGE_NUMBER_RE = re.compile(r"^\d{1,4}$")
SENTENCE_ENDS = ("。", "！", "？", "!", "?")
CLAUSE_ENDS = ("，", "、", "；", "：", ",", ";", ":")
WRAP_SHARE = 0.8  # a PDF line at least this share of the widest line reaches the margin


@dataclass(frozen=True)
class Line:
    """A cleaned printed line, its location and its position in the document."""

    text: str
    location: Location
    index: int
    after_blank: bool = False  # a blank line is printed right above it


@lru_cache(maxsize=8192)
def char_width(char: str) -> float:
    return 1.0 if unicodedata.east_asian_width(char) in "WF" else 0.5


def width(text: str) -> float:
    """Printed width in Chinese characters (Latin letters and digits count half)."""
    return sum(map(char_width, text))


def squeeze(text: str) -> str:
    """Whitespace next to a non-ASCII character goes ("810万 标" → "810万标"); other runs of
    whitespace become one space ("5G RedCap")."""

    def replace(match: re.Match[str]) -> str:
        before = text[match.start() - 1] if match.start() else ""
        after = text[match.end()] if match.end() < len(text) else ""
        return "" if not before.isascii() or not after.isascii() else " "

    return re.sub(r"\s+", replace, text)


def clean_line(text: str) -> str:
    """A printed line without bold markers, bullet glyphs and needless whitespace."""
    return squeeze(BULLET_RE.sub("", text.replace("**", "").strip()).strip())


def running_headers(doc: Document) -> frozenset[str]:
    """First lines repeated on at least half of a PDF's pages (the running header)."""
    if doc.format != "pdf":
        return frozenset()
    firsts = Counter(
        next((line.strip() for line in page.split("\n") if line.strip()), "") for page in doc.pages
    )
    return frozenset(t for t, n in firsts.items() if t and n >= 2 and 2 * n >= len(doc.pages))


def content_lines(doc: Document) -> list[Line]:
    """Every non-empty cleaned line, page furniture left out."""
    headers = running_headers(doc)
    lines: list[Line] = []
    blank = False
    for raw, location in source_lines(doc):
        stripped = raw.strip()
        if stripped in headers or PAGE_NUMBER_RE.match(stripped):
            continue
        text = clean_line(stripped)
        if text:
            lines.append(Line(text, location, len(lines), blank))
        blank = not text
    return lines


def join_lines(left: str, right: str) -> str:
    """Two wrapped pieces of one paragraph: a space only between two Latin words ("5G" /
    "RedCap"), never inside a number ("4.54" / "亿", "13" / "99")."""
    if left and right and left[-1].isascii() and left[-1].isalpha() and right[0].isascii():
        return left + " " + right if right[0].isalnum() else left + right
    return left + right


# --------------------------------------------------------------------------------------------
# KPI cards
# --------------------------------------------------------------------------------------------

CHANGE_LINE_RE = re.compile(r"^[↑↓]\s*\d+(?:\.\d+)?\s*%$")
CARD_MAX_WIDTH = 16  # a card's label or value line is short
CARD_LABEL_LINES = 2
CARD_VALUE_LINES = 2


@dataclass(frozen=True)
class Card:
    """A KPI card: label, value and change as printed (cleaned), and where they are."""

    label: str
    value: str
    change: str
    value_line: Line
    change_line: Line
    indexes: tuple[int, ...]

    @property
    def quote(self) -> str:
        return f"{self.label} {self.value} {self.change}"


def is_change_line(text: str) -> bool:
    return bool(CHANGE_LINE_RE.match(nfkc(text)))


def starts_with_figure(text: str) -> bool:
    return han_at(nfkc(text), 0) is not None


def is_card_piece(text: str) -> bool:
    return width(text) <= CARD_MAX_WIDTH and not text.endswith(SENTENCE_ENDS + CLAUSE_ENDS)


def card_value_start(lines: Sequence[Line], end: int, used: set[int]) -> int | None:
    """Index of the first value line of a card whose change line is ``end``."""
    for size in range(1, CARD_VALUE_LINES + 1):
        start = end - size
        if start < 0 or start in used or not is_card_piece(lines[start].text):
            return None
        if starts_with_figure(lines[start].text):
            return start
    return None


def card_label_start(lines: Sequence[Line], value_start: int, used: set[int]) -> int:
    """Index of the first label line: up to two short lines right above the value, the second
    only if no blank line separates them ("工业互联网" / "产业") and the label stays short."""
    start = value_start
    while start > 0 and value_start - start < CARD_LABEL_LINES:
        above = lines[start - 1].text
        label = above + "".join(line.text for line in lines[start:value_start])
        if (
            start - 1 in used
            or (start < value_start and lines[start].after_blank)
            or is_change_line(above)
            or not is_card_piece(above)
            or width(label) > CARD_MAX_WIDTH
            or starts_with_figure(above)
        ):
            break
        start -= 1
    return start


def card_at(lines: Sequence[Line], end: int, used: set[int]) -> Card | None:
    """The card whose change line is ``lines[end]``, if the lines above read as one."""
    value_start = card_value_start(lines, end, used)
    if value_start is None:
        return None
    label_start = card_label_start(lines, value_start, used)
    if label_start == value_start:
        return None
    value = "".join(line.text for line in lines[value_start:end])
    try:
        parse_han(value)
    except ValueError:
        return None
    return Card(
        label="".join(line.text for line in lines[label_start:value_start]),
        value=value,
        change=lines[end].text,
        value_line=lines[value_start],
        change_line=lines[end],
        indexes=tuple(range(label_start, end + 1)),
    )


def find_cards(lines: Sequence[Line]) -> list[Card]:
    """Every KPI card, in printed order."""
    cards: list[Card] = []
    used: set[int] = set()
    for index, line in enumerate(lines):
        if is_change_line(line.text):
            card = card_at(lines, index, used)
            if card is not None:
                cards.append(card)
                used.update(card.indexes)
    return cards


# --------------------------------------------------------------------------------------------
# Prose
# --------------------------------------------------------------------------------------------


def wrap_width(lines: Sequence[Line]) -> float:
    return max((width(line.text) for line in lines), default=0.0)


def continues(text: str, wrap: float | None) -> bool:
    """Does a printed line run on into the next one (same paragraph)?"""
    if wrap is None or text.endswith(SENTENCE_ENDS):
        return False
    return text.endswith(CLAUSE_ENDS) or width(text) >= WRAP_SHARE * wrap


def prose_of(lines: Sequence[Line], wrapped: bool) -> Prose:
    """Join ``lines`` into paragraphs (``wrapped``: PDF lines wrap at the margin)."""
    wrap = wrap_width(lines) if wrapped else None
    text = ""
    starts: list[int] = []
    previous: Line | None = None
    for line in lines:
        if previous is not None:
            if continues(previous.text, wrap):
                joined = join_lines(text, line.text)
                starts.append(len(joined) - len(line.text))
                text = joined
                previous = line
                continue
            text += "\n"
        starts.append(len(text))
        text += line.text
        previous = line
    return Prose(
        text,
        tuple(starts),
        tuple(line.location for line in lines),
        lang="zh",
        keys=tuple(line.index for line in lines),
    )


def card_rule(kind: SourceKind, label: str) -> tuple[str, str | None] | None:
    compact = re.sub(r"\s+", "", nfkc(label))
    for rule in kind.cards:
        if rule.label.fullmatch(compact):
            return rule.indicator, rule.yoy
    return None


def card_figure(value: str) -> tuple[Figure, str]:
    """A card's value as a figure, and the figure as printed (without its qualifier)."""
    norm, origin = normalise_with_offsets(value)
    match = han_patterns("zh").figure.search(norm)
    if match is None:  # pragma: no cover - card_at only accepts values that parse
        return parse_han(value), value
    figure = han_from_match(grammar("zh"), match)
    return figure, value[origin[figure.start] : origin[figure.end - 1] + 1]


def _card_fact(
    named: str | None,
    figure: Figure,
    units: Mapping[str, str],
    period: datetime.date,
    where: tuple[str, str, Line],
) -> Mention:
    quote, raw, line = where
    known, value_base = known_value(named, figure, units, "zh")
    fact = Fact(
        indicator_id=known,
        period_end=period,
        value=figure.value,
        unit=figure.unit,
        value_base=value_base,
        qualifier=figure.qualifier,
        quote=quote,
        raw=raw,
        page=line.location[0],
        line=line.location[1],
    )
    return Mention(fact, named, (line.index, 0))


def card_mentions(
    kind: SourceKind, card: Card, units: Mapping[str, str], edition: Edition
) -> list[Mention]:
    """A card's value and its change (two facts); a label no record names gives None ids."""
    named = card_rule(kind, card.label)
    figure, raw = card_figure(card.value)
    indicator, yoy = named if named else (None, None)
    period = edition.period_end
    return [
        _card_fact(indicator, figure, units, period, (card.quote, raw, card.value_line)),
        _card_fact(
            yoy,
            parse_han_change(card.change),
            units,
            period,
            (card.quote, card.change, card.change_line),
        ),
    ]


def isc_mentions(
    doc: Document, edition: Edition, kind: SourceKind, units: Mapping[str, str]
) -> list[Mention]:
    """Every KPI card (value and change) and every statement figure of the report's prose, one
    mention per printed figure, in reading order."""
    lines = content_lines(doc)
    cards = find_cards(lines)
    used = {index for card in cards for index in card.indexes}
    prose = prose_of([line for line in lines if line.index not in used], doc.format == "pdf")
    found = [m for card in cards for m in card_mentions(kind, card, units, edition)]
    found += read_prose(prose, sentences(prose), kind, Dating(default=edition.period_end), units)
    return sorted(found, key=lambda item: item.order)


def isc_facts(doc: Document, edition: Edition) -> list[Fact]:
    """Every KPI card (value and change) and every statement figure of the report's prose, one
    Fact per printed figure, in reading order (see the module docstring)."""
    return [m.fact for m in isc_mentions(doc, edition, source_kind("isc_zh"), base_units())]
