"""Prose the figure engine reads: text with the source location of every character, the
normalised form the rules match (Chinese: NFKC + traditional → simplified), and sentences.

Readers (extractors/readers) build a ``Prose`` from a document; the engine never sees a page.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from types import MappingProxyType

import opencc

Location = tuple[int | None, int | None]  # (PDF page, 1-based text line)
HARD_BREAK = "\n"


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def nfkc(text: str) -> str:
    """NFKC: full-width digits, letters and punctuation as ASCII ("３３７．７％" → "337.7%")."""
    return unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=8192)
def _nfkc_char(char: str) -> str:
    return unicodedata.normalize("NFKC", char)


@lru_cache(maxsize=8192)
def _simplified_char(char: str) -> str:
    converted = _t2s().convert(char)
    return converted if len(converted) == 1 else char


def simplified(text: str) -> str:
    """Traditional characters as simplified (網民規模 → 网民规模), length kept."""
    if text.isascii():
        return text
    converted = _t2s().convert(text)
    if len(converted) == len(text):
        return converted
    return "".join(_simplified_char(c) if not c.isascii() else c for c in text)


DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0"}
NUMERAL_DATE_RE = re.compile(
    r"(?P<y>[〇零一二三四五六七八九]{4})(?=年)"
    r"|(?<=年)(?P<m>十[一二]?|[一二三四五六七八九])(?=月)"
    r"|(?<=月)(?P<d>三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九])(?=日)"
)


def _numeral_number(text: str) -> str:
    """ "二〇〇七" → "2007" (digit by digit), "十八" → "18", "三十" → "30", "十" → "10"."""
    if "十" not in text:
        return "".join(DIGITS[c] for c in text)
    tens, _, ones = text.partition("十")
    return str((int(DIGITS[tens]) if tens else 1) * 10 + (int(DIGITS[ones]) if ones else 0))


def numeral_dates(text: str, origin: list[int] | None = None) -> tuple[str, list[int]]:
    """Dates in Chinese numerals as digits (二〇〇七年六月三十日 → 2007年6月30日), with the
    origin of every character kept."""
    where = origin if origin is not None else list(range(len(text)))
    parts: list[str] = []
    mapped: list[int] = []
    position = 0
    for match in NUMERAL_DATE_RE.finditer(text):
        parts.append(text[position : match.start()])
        mapped.extend(where[position : match.start()])
        digits = _numeral_number(match.group())
        parts.append(digits)
        mapped.extend([where[match.start()]] * len(digits))
        position = match.end()
    parts.append(text[position:])
    mapped.extend(where[position:])
    return "".join(parts), mapped


def normalise_with_offsets(text: str) -> tuple[str, tuple[int, ...]]:
    """NFKC per character, traditional → simplified and Chinese-numeral dates as digits, with
    the offset in ``text`` of every character of the result (NFKC may lengthen a character:
    "⑴" → "(1)")."""
    pieces = [_nfkc_char(char) if not char.isascii() else char for char in text]
    if all(len(piece) == 1 for piece in pieces):
        origin = list(range(len(text)))
    else:
        origin = [index for index, piece in enumerate(pieces) for _ in piece]
    converted = simplified("".join(pieces))
    if NUMERAL_DATE_RE.search(converted) is None:
        return converted, tuple(origin)
    dated, mapped = numeral_dates(converted, origin)
    return dated, tuple(mapped)


def normalise_quote(text: str) -> str:
    """Whitespace-normalised sentence text (no space before punctuation left by line joins)."""
    return re.sub(r"\s+([,.;:!?)])(?=\s|$)", r"\1", " ".join(text.split()))


@dataclass(frozen=True)
class Sentence:
    start: int  # span in ``Prose.norm``
    end: int
    paragraph: int


@dataclass(frozen=True)
class Prose:
    """Text as printed (``text``), pieces of it starting at ``starts`` with their source
    ``locations``; ``norm`` is what rules read (``origin[i]``: offset in ``text`` of
    ``norm[i]``). ``markers`` (offset in norm right after a figure → footnote number) and
    ``footnotes`` (number → text) serve report bodies. ``line_of`` overrides locations per
    character (news)."""

    text: str
    starts: tuple[int, ...]
    locations: tuple[Location, ...]
    lang: str = "en"
    markers: Mapping[int, int] = field(default_factory=lambda: MappingProxyType({}))
    footnotes: Mapping[int, str] = field(default_factory=lambda: MappingProxyType({}))
    line_of: tuple[int, ...] | None = None
    keys: tuple[int, ...] | None = None  # a reader's order key per piece (default: its index)

    @cached_property
    def _normalised(self) -> tuple[str, tuple[int, ...]]:
        if self.lang == "en":
            return self.text, tuple(range(len(self.text)))
        return normalise_with_offsets(self.text)

    @property
    def norm(self) -> str:
        return self._normalised[0]

    @property
    def origin(self) -> tuple[int, ...]:
        return self._normalised[1]

    def printed(self, start: int, end: int) -> str:
        """The printed text of the normalised span [start, end)."""
        if self.lang == "en" or end <= start:
            return self.text[start:end]
        return self.text[self.origin[start] : self.origin[end - 1] + 1]

    def location(self, offset: int) -> Location:
        """(page, line) of the normalised offset."""
        at = self.origin[offset] if self.lang != "en" and offset < len(self.origin) else offset
        if self.line_of is not None:
            return None, self.line_of[min(at, len(self.line_of) - 1)]
        index = bisect_right(self.starts, at) - 1
        return self.locations[max(index, 0)] if self.locations else (None, None)

    def piece_key(self, offset: int) -> int:
        """The reading-order key of the piece holding the normalised offset."""
        at = self.origin[offset] if self.lang != "en" and offset < len(self.origin) else offset
        index = max(bisect_right(self.starts, at) - 1, 0)
        return self.keys[index] if self.keys is not None and self.keys else index


# --------------------------------------------------------------------------------------------
# Sentences
# --------------------------------------------------------------------------------------------

LATIN_END_RE = re.compile(r"[.!?][\"”’)\]]*(?=\s)|\n")
LATIN_START_RE = re.compile(r"\s+[\"“‘(*]?\.?[A-Z0-9]")
ABBREVIATIONS = frozenset(
    {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}
    | {"no", "vs", "etc", "co", "ltd", "inc", "mr", "ms", "dr", "st", "fig", "e.g", "i.e", "u.s"}
)
HAN_END_RE = re.compile(r"[。!?]+|\n")


def latin_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence: ends at ". " before a capital or digit (not after "Jun."
    and other abbreviations) and at every hard break."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in LATIN_END_RE.finditer(text):
        end = match.end()
        if match.group() != HARD_BREAK:
            word = text[max(start, match.start() - 6) : match.start()].split()
            if word and word[-1].lower().lstrip('("“') in ABBREVIATIONS:
                continue
            if not LATIN_START_RE.match(text, end):
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


def han_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of normalised Chinese prose: after 。!? and at breaks."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in HAN_END_RE.finditer(text):
        end = match.start() if match.group() == "\n" else match.end()
        if text[start:end].strip():
            spans.append((start, end))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def paragraphs(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for index, char in enumerate(text):
        if char == HARD_BREAK:
            spans.append((start, index))
            start = index + 1
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def sentences(prose: Prose, by_paragraph: bool = False) -> tuple[Sentence, ...]:
    """The sentences of ``prose.norm``; with ``by_paragraph`` each carries its paragraph."""
    split = latin_sentences if prose.lang == "en" else han_sentences
    text = prose.norm
    if not by_paragraph:
        return tuple(Sentence(a, b, 0) for a, b in split(text))
    found: list[Sentence] = []
    for number, (start, end) in enumerate(paragraphs(text)):
        for a, b in split(text[start:end]):
            found.append(Sentence(start + a, start + b, number))
    return tuple(found)
