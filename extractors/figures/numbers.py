"""Figures as printed, in any language the grammar files describe.

A figure is ``[qualifier] number [multiplier] [unit] [footnote]``, read by one of two readers,
picked by the grammar's script:

- latin: "1.09967 billion", "78.0%", "73 per cent", "802 mln", "338m", "1,011 million",
  "nearly 1.1 billion (1.09967 billion)" (the bracketed figure is the precise one), "794
  million⁴" (a glued footnote marker is not a digit), spelled-out numbers ("one billion", "half a
  billion", "nine hundred million"), "1.2 percentage points", "11.76 trillion yuan".
- han (text already NFKC and simplified, see ``extractors.figures.text``): "337.7万个",
  "超过810万标准机架", "46.83万亿元", "95.36Tbps", "30余项", "40%以上", and Chinese numerals before
  a multiplier ("九百一十八万", "一点一八亿", read with cn2an) where a source kind allows them.

``Figure.in_base`` gives the value in a vocabulary base unit, or raises ValueError if the printed
unit cannot be in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from functools import cache

import cn2an

from extractors.figures.grammar import Grammar, alternation, grammar

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"


@dataclass(frozen=True)
class Figure:
    """A number as printed: ``nearly 1.1 billion (1.09967 billion)`` → 1.09967, "billion"."""

    number: Decimal  # as printed (810 of 810万; 1.09967 of 1.09967 billion); signed for changes
    multiplier: str  # stored name: "", "million", "万", "亿" …
    factor: int  # the multiplier's factor
    unit_word: str  # stored unit: "", "%", "GB", "个", "元", "Tbps" …
    natural: str  # the unit word's base unit ("" for a bare figure)
    unit_factor: Decimal
    qualifier: str | None
    raw: str  # the figure as printed, whitespace-normalised, qualifier left out
    start: int  # span of ``raw`` in the text read
    end: int
    stop: int  # end including a trailing qualifier (以上/左右) or footnote (≥ end)
    footnote: int | None = None
    lang: str = "en"
    share: Decimal | None = None  # one part of a printed a:b ratio: its share of a+b in percent

    @property
    def value(self) -> float:
        return float(self.number)

    @property
    def unit(self) -> str:
        """As printed, normalised: "billion", "%", "billion GB", "万个", "亿元", "" (bare)."""
        if self.lang == "zh":
            return self.multiplier + self.unit_word
        return " ".join(part for part in (self.multiplier, self.unit_word) if part)

    @property
    def is_quantity(self) -> bool:
        """Printed with a multiplier or a unit word (a bare "2023" is not a quantity)."""
        return bool(self.multiplier or self.unit_word)

    @property
    def base_unit(self) -> str:
        """The natural base unit of the printed unit word ("count" for a bare figure)."""
        return self.natural or "count"

    @property
    def value_base(self) -> float:
        """The value in the printed unit's natural base (a bare figure: number × multiplier)."""
        return float(self.number * self.factor * self.unit_factor)

    def to_base(self, base_unit: str) -> float:
        """The value in vocabulary ``base_unit`` under its language's grammar."""
        g = grammar(self.lang)
        return self.in_base(base_unit, g.bare_bases, g.count_bases)

    def in_base(self, base_unit: str, bare: frozenset[str], counts: frozenset[str]) -> float:
        """The value in vocabulary ``base_unit``; ``bare``: bases a bare figure may be in,
        ``counts``: the count-like bases (interchangeable). ValueError if it cannot be."""
        if self.share is not None:
            if base_unit != "percent":
                raise ValueError(f"a ratio part {self.raw!r} cannot be in {base_unit}")
            return round(float(self.share), 10)
        if not self.unit_word:
            ok = base_unit in bare
        elif self.natural in counts:
            ok = base_unit in counts
        else:
            ok = self.natural == base_unit
        if not ok:
            natural = self.natural or "a bare count"
            raise ValueError(f"{self.raw!r} is in {natural}, not {base_unit}")
        return self.value_base


def decimal_of(text: str) -> Decimal:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation as exc:  # pragma: no cover - the patterns admit only numbers
        raise ValueError(f"not a number: {text!r}") from exc


def superscript_number(text: str) -> int:
    return int("".join(str(SUPERSCRIPT_DIGITS.index(c)) for c in text))


def footnote_number(text: str | None) -> int | None:
    if not text:
        return None
    return superscript_number(text) if text[0] in SUPERSCRIPT_DIGITS else int(text)


# --------------------------------------------------------------------------------------------
# Latin script
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LatinPatterns:
    figure: re.Pattern[str]
    words: re.Pattern[str]


@cache
def latin_patterns(lang: str) -> LatinPatterns:
    g = grammar(lang)
    figure = g.expand(
        r"(?:(?P<qual>{QUAL})\s+)?(?P<num>(?<![\w.,]){NUMBER}(?!\d))"
        r"(?:\s+(?P<mult>{MULT})|(?P<gmult>{GMULT}))?(?:{UNIT_SEP}(?P<unit>{UNIT}))?(?P<fn>{FN})?"
        r"(?:\s*\(\s*(?P<pnum>{NUMBER})(?:\s+(?P<pmult>{MULT}))?(?:{UNIT_SEP}(?P<punit>{UNIT}))?"
        r"(?P<pfn>{FN})?\s*\))?",
        g.path,
    )
    hundred = alternation(list(g.extra.get("hundred_words", ())) or ["hundred"])
    words = g.expand(
        r"(?:(?P<qual>{QUAL})\s+)?(?P<word>\b{WORDNUM}(?:[\s-]+{WORDNUM})?"
        rf"(?P<hundred>\s+(?:{hundred}))?)\s+(?P<mult>{{MULT}})",
        g.path,
    )
    return LatinPatterns(re.compile(figure, re.IGNORECASE), re.compile(words, re.IGNORECASE))


def _words(text: str | None) -> str:
    return " ".join(text.lower().split()) if text else ""


def _multiplier(g: Grammar, printed: str | None, glued: str | None) -> tuple[str, int]:
    if glued:
        return g.glued_multipliers[glued.lower()]
    if printed:
        return g.multipliers[_words(printed)]
    return "", 1


def _unit(g: Grammar, printed: str | None) -> tuple[str, str, Decimal]:
    if not printed:
        return "", "", Decimal(1)
    compact = " ".join(printed.split())
    lowered = {key.lower(): value for key, value in g.units.items()}
    if compact.lower().startswith("block"):
        return g.units["blocks/32"]
    return g.units.get(compact) or lowered[compact.lower()]


def latin_from_match(g: Grammar, match: re.Match[str], offset: int = 0) -> Figure:
    """A latin figure match as a Figure (``offset``: where the matched string starts)."""
    precise = match["pnum"] is not None
    p = "p" if precise else ""
    present = [
        name for name in (f"{p}num", f"{p}mult", "gmult", f"{p}unit") if match[name] is not None
    ]
    if precise:
        present = [name for name in present if name != "gmult"]
    start, end = match.start(present[0]), match.end(present[-1])
    glued = match["gmult"] if not precise or match["pmult"] is None else None
    multiplier, factor = _multiplier(g, match[f"{p}mult"] or match["mult"], glued)
    unit, natural, unit_factor = _unit(g, match[f"{p}unit"] or match["unit"])
    qualifier = None if precise else (g.qualifiers.get(_words(match["qual"])) or None)
    footnote = footnote_number(match[f"{p}fn"])
    return Figure(
        number=decimal_of(match[f"{p}num"]),
        multiplier=multiplier,
        factor=factor,
        unit_word=unit,
        natural=natural,
        unit_factor=unit_factor,
        qualifier=qualifier,
        raw=" ".join(match.string[start:end].split()),
        start=offset + start,
        end=offset + end,
        stop=offset + max(end, match.end(f"{p}fn") if match[f"{p}fn"] else end),
        footnote=footnote,
        lang=g.lang,
    )


def word_value(g: Grammar, text: str, hundred: bool) -> Decimal:
    words = [
        w for w in re.split(r"[\s-]+", text.lower()) if w not in g.extra.get("hundred_words", ())
    ]
    total = Decimal(0)
    index = 0
    while index < len(words):
        for size in (4, 3, 2, 1):
            phrase = " ".join(words[index : index + size])
            if phrase in g.number_words:
                total += g.number_words[phrase]
                index += size
                break
        else:
            index += 1
    return total * 100 if hundred else total


def read_latin(lang: str, text: str, start: int = 0, end: int | None = None) -> Figure:
    """The figure at ``text[start:end]`` (spelled-out numbers first); ValueError if none."""
    g = grammar(lang)
    patterns = latin_patterns(lang)
    stop = len(text) if end is None else end
    word = patterns.words.match(text, start, stop)
    if word is not None:
        first = word.start("word")
        multiplier, factor = _multiplier(g, word["mult"], None)
        return Figure(
            number=word_value(g, word["word"], bool(word["hundred"])),
            multiplier=multiplier,
            factor=factor,
            unit_word="",
            natural="",
            unit_factor=Decimal(1),
            qualifier=g.qualifiers.get(_words(word["qual"])) or None,
            raw=" ".join(text[first : word.end()].split()),
            start=first,
            end=word.end(),
            stop=word.end(),
            lang=lang,
        )
    match = patterns.figure.match(text, start, stop)
    if match is None:
        raise ValueError(f"no figure at {text[start:stop]!r}")
    return latin_from_match(g, match)


def parse_figure(text: str, lang: str = "en") -> Figure:
    """The first figure in ``text`` (latin script)."""
    match = latin_patterns(lang).figure.search(text)
    if match is None:
        raise ValueError(f"no figure in {text!r}")
    return latin_from_match(grammar(lang), match)


# --------------------------------------------------------------------------------------------
# Han script
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HanPatterns:
    figure: re.Pattern[str]
    lead: str  # a figure's qualifier and number, for embedding in rule patterns
    change: re.Pattern[str]
    numeral: re.Pattern[str]


def _han_units(g: Grammar) -> str:
    guards = g.extra.get("unit_guards", {})
    parts = []
    for word in sorted(g.units, key=len, reverse=True):
        guard = guards.get(word)
        latin = word.isascii() and word.isalpha()
        lookahead = f"(?!{guard})" if guard else "(?![A-Za-z])" if latin else ""
        parts.append(re.escape(word) + lookahead)
    return "|".join(parts)


@cache
def han_patterns(lang: str) -> HanPatterns:
    g = grammar(lang)
    qual = alternation(list(g.qualifiers))
    mults = alternation([m for m in g.multipliers if m])
    suffix = alternation(list(g.extra.get("suffix_qualifiers", {})))
    num = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
    figure = (
        rf"(?:(?P<qual>{qual})\s*)?"
        rf"(?P<num>(?<![A-Za-z0-9./_第])(?<!\d,){num}(?![\d/]))"
        rf"(?P<infix1>[余多])?(?P<mult>{mults})?"
        rf"(?P<infix2>[余多])?\s?(?P<unit>{_han_units(g)})?"
        rf"(?P<suffix>{suffix})?"
    )
    lead = rf"(?:(?:{qual})\s*)?(?<![A-Za-z0-9./_第])(?<!\d,)\d(?:[\d.,]*\d)?"
    change = (
        r"^(?:(?P<arrow>[↑↓])|(?:同比|环比|比上年|较上年|较去年)?"
        r"(?P<word>增长了?|增加了?|提高了?|提升了?|上升了?|增速为|增速|增幅为|增幅|"
        r"下降了?|减少了?|降低了?|回落了?))\s*(?P<figure>.+)$"
    )
    chars = re.escape(str(g.extra.get("numeral_chars", "")))
    numeral = (
        rf"(?:(?P<qual>{qual})\s*)?(?:(?P<cnum>(?<![{chars}\d])[{chars}]{{2,}})"
        rf"(?P<mult>{mults})(?P<unit>{_han_units(g)})?|百分之(?P<pct>[{chars}]+))"
    )
    return HanPatterns(re.compile(figure), lead, re.compile(change), re.compile(numeral))


def han_from_match(g: Grammar, match: re.Match[str], offset: int = 0) -> Figure:
    qualifier = g.qualifiers.get(match["qual"] or "")
    infix = g.extra.get("infix_qualifiers", {})
    suffixes = g.extra.get("suffix_qualifiers", {})
    for group, table in (("infix1", infix), ("infix2", infix), ("suffix", suffixes)):
        if qualifier is None and match[group]:
            qualifier = table[match[group]]
    body = [name for name in ("num", "infix1", "mult", "infix2", "unit") if match[name] is not None]
    start, end = match.start("num"), match.end(body[-1])
    unit, natural, unit_factor = g.units.get(match["unit"] or "", ("", "", Decimal(1)))
    multiplier, factor = g.multipliers.get(match["mult"] or "", ("", 1))
    return Figure(
        number=decimal_of(match["num"]),
        multiplier=multiplier,
        factor=factor,
        unit_word=unit,
        natural=natural,
        unit_factor=unit_factor,
        qualifier=qualifier,
        raw=match.string[start:end],
        start=offset + start,
        end=offset + end,
        stop=offset + match.end(),
        lang=g.lang,
    )


def numeral_from_match(g: Grammar, match: re.Match[str]) -> Figure | None:
    """A Chinese-numeral figure ("九百一十八万") as a Figure, or None if cn2an cannot read it."""
    printed = match["cnum"] or match["pct"]
    try:
        number = Decimal(str(cn2an.cn2an(printed, "strict")))
    except (ValueError, KeyError, IndexError):
        return None
    if match["pct"]:
        unit, natural, unit_factor = g.units["%"]
        multiplier, factor = "", 1
        start = match.start("pct") - 3
    else:
        unit, natural, unit_factor = g.units.get(match["unit"] or "", ("", "", Decimal(1)))
        multiplier, factor = g.multipliers[match["mult"]]
        start = match.start("cnum")
    return Figure(
        number=number,
        multiplier=multiplier,
        factor=factor,
        unit_word=unit,
        natural=natural,
        unit_factor=unit_factor,
        qualifier=g.qualifiers.get(match["qual"] or ""),
        raw=match.string[start : match.end()],
        start=start,
        end=match.end(),
        stop=match.end(),
        lang=g.lang,
    )


PRECISE_RE = re.compile(r"\(\s*(?P<inner>\d[\d.,]*[^()\s]{0,6}?)\s*\)")


def is_generation_name(figure: Figure) -> bool:
    """ "5G", "6G": a single digit before a bare "G" names a mobile generation."""
    return figure.unit_word == "G" and figure.multiplier == "" and figure.number < 10


def han_at(text: str, position: int, numerals: bool = False, lang: str = "zh") -> Figure | None:
    """The quantity figure starting at ``position`` of normalised ``text`` (qualifier
    included), or None."""
    g = grammar(lang)
    patterns = han_patterns(lang)
    match = patterns.figure.match(text, position)
    if match is not None:
        figure = han_from_match(g, match)
        if not figure.is_quantity or is_generation_name(figure):
            return None
        precise = PRECISE_RE.match(text, figure.stop)  # "近11亿人(10.9967亿人)": the exact one
        if precise is not None:
            inner = patterns.figure.match(text, precise.start("inner"))
            if inner is not None and inner.end() == precise.end("inner"):
                exact = han_from_match(g, inner)
                if exact.unit == figure.unit:
                    return replace(exact, qualifier=None, stop=precise.end())
        return figure
    if numerals:
        word = patterns.numeral.match(text, position)
        if word is not None:
            return numeral_from_match(g, word)
    return None


def find_han(
    text: str, start: int = 0, end: int | None = None, numerals: bool = False, lang: str = "zh"
) -> Iterator[Figure]:
    """Every figure in normalised ``text`` in order (mobile generations skipped; bare numbers
    returned: check ``is_quantity``); with ``numerals`` also Chinese-numeral figures."""
    g = grammar(lang)
    patterns = han_patterns(lang)
    stop = len(text) if end is None else end
    found = [
        figure
        for figure in (han_from_match(g, m) for m in patterns.figure.finditer(text, start, stop))
        if not is_generation_name(figure)
    ]
    if numerals:
        for match in patterns.numeral.finditer(text, start, stop):
            figure = numeral_from_match(g, match)
            if figure is not None:
                found.append(figure)
        found.sort(key=lambda f: f.start)
    yield from found


def parse_han(text: str, lang: str = "zh") -> Figure:
    """``text`` as exactly one figure (NFKC, whitespace removed, a lead-in verb skipped):
    "337.7万个", "超过810万 标准机架", "１．３５万亿元", "达到7.78亿", "30余项", "40%以上"."""
    from extractors.figures.text import nfkc

    g = grammar(lang)
    compact = re.sub(r"\s+", "", nfkc(text))
    if not compact:
        raise ValueError("empty figure")
    body = compact
    for verb in g.extra.get("verbs", ()):
        if body.startswith(verb) and len(body) > len(verb):
            body = body[len(verb) :]
            break
    match = han_patterns(lang).figure.match(body)
    if match is None:
        reason = "no Arabic digits" if not re.search(r"\d", body) else "no figure at its start"
        raise ValueError(f"not a Chinese figure ({reason}): {text!r}")
    if match.end() != len(body):
        raise ValueError(f"unexpected text {body[match.end() :]!r} after the figure in {text!r}")
    figure = han_from_match(g, match)
    if is_generation_name(figure):
        raise ValueError(f"a mobile generation, not a figure: {text!r}")
    return figure


def parse_han_change(text: str, lang: str = "zh") -> Figure:
    """A printed change in percent: "↑46.1%", "同比增长46.1%", "较上年下降3.2%" → a signed
    figure (decline negative), unit "%"."""
    from extractors.figures.text import nfkc

    g = grammar(lang)
    compact = re.sub(r"\s+", "", nfkc(text))
    match = han_patterns(lang).change.match(compact)
    if match is None:
        raise ValueError(f"not a printed change (↑/↓ or 增长/下降 …): {text!r}")
    figure = parse_han(match["figure"], lang)
    if figure.unit_word != "%" or figure.multiplier:
        raise ValueError(f"a change must be a percentage: {text!r}")
    declines = (match["arrow"] or match["word"] or "").startswith(
        tuple(g.extra.get("decline_words", ()))
    )
    number = -figure.number if declines else figure.number
    return replace(figure, number=number, raw=compact, start=0, end=len(compact), stop=len(compact))
