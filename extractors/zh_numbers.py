"""Chinese figures as printed: "337.7万个", "超过810万 标准机架", "46.83万亿元", "95.36Tbps".

Pure functions, no I/O. A figure is

    [qualifier] number [余|多] [multiplier] [余|多] [unit word] [以上|左右|以下]

- Text is NFKC-normalised first, so full-width digits, "．", "％", "，" and "（）" read as
  their ASCII forms; whitespace inside a figure is ignored ("810万 标准机架" = "810万标准机架").
- Numbers: "337.7", "345853", "1,234.5" (thousands commas). Chinese numerals ("百亿", "十二") are
  not read: ``parse_zh_figure`` raises ``ValueError`` for them.
- Multipliers (``MULTIPLIERS``): 万 = 1e4, 亿 = 1e8, 万亿 = 1e12 (also 百万, 千万). "万千米" is
  万 × 千米 and "万亿元" is 万亿 × 元.
- Unit words (``UNITS``) map to a natural base unit and a factor:
  counters 个/户/家/件/部/项/台/批/… and 标准机架 → ``count``; 人 → ``persons``; 元 → ``yuan``;
  千米/公里 → ``km``; % → ``percent``; 个百分点 → ``percentage_points``; ms/毫秒 → ``ms``;
  EFLOPS → ``eflops`` (PFLOPS × 0.001); bandwidth → ``gbps``: Tbps × 1000, Gbps and a bare "G"
  ("11320G") × 1. Gbps is the one bandwidth base because the report prints both "G" and "Tbps";
  Gbps keeps every printed value an exact decimal (95.36 Tbps = 95360 Gbps).
  A "G" after a single digit is a mobile generation ("5G", "6G"), never a bandwidth, and a "G"
  followed by a letter or a Chinese character ("400G全光网", "5G基站") is a technology name.
- Qualifiers are normalised to English (``QUALIFIERS``): 超过/超/逾/突破 and a trailing 余/多/以上 →
  "over"; 近/接近/将近 → "nearly"; 约/大约/左右 → "about"; 不足/不到/低于 → "less than";
  不少于 → "at least"; the verbs 达/达到/为/高达 carry no qualifier (None).
- A bare figure (no unit word: "7.78亿", "1.15万亿") is a count or, in Chinese reports that drop
  元 after market sizes, an amount of yuan: ``to_base`` accepts it for the count-like base units
  and for ``yuan``.

A change is a percentage with a direction: "↑46.1%", "同比增长46.1%", "↓3.2%", "同比下降3.2%";
``parse_zh_change`` returns it as a signed figure (a decline is negative).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

# --------------------------------------------------------------------------------------------
# Vocabulary of the printed figure
# --------------------------------------------------------------------------------------------

MULTIPLIERS: dict[str, int] = {
    "": 1,
    "万": 10**4,
    "百万": 10**6,
    "千万": 10**7,
    "亿": 10**8,
    "万亿": 10**12,
}
COUNTERS = (
    "个",
    "户",
    "家",
    "件",
    "部",
    "项",
    "台",
    "批",
    "座",
    "条",
    "款",
    "篇",
    "次",
    "所",
    "种",
    "套",
    "张",
    "人次",
    "标准机架",
    "机架",
)
# printed unit word → (natural base unit, factor to that base)
UNITS: dict[str, tuple[str, Decimal]] = {
    **{word: ("count", Decimal(1)) for word in COUNTERS},
    "人": ("persons", Decimal(1)),
    "元": ("yuan", Decimal(1)),
    "美元": ("usd", Decimal(1)),
    "千米": ("km", Decimal(1)),
    "公里": ("km", Decimal(1)),
    "平方米": ("m2", Decimal(1)),
    "%": ("percent", Decimal(1)),
    "个百分点": ("percentage_points", Decimal(1)),
    "百分点": ("percentage_points", Decimal(1)),
    "小时": ("hours", Decimal(1)),
    "毫秒": ("ms", Decimal(1)),
    "ms": ("ms", Decimal(1)),
    "Tbps": ("gbps", Decimal(1000)),
    "Gbps": ("gbps", Decimal(1)),
    "Mbps": ("gbps", Decimal("0.001")),
    "G": ("gbps", Decimal(1)),
    "EFLOPS": ("eflops", Decimal(1)),
    "PFLOPS": ("eflops", Decimal("0.001")),
    "GB": ("gb", Decimal(1)),
    "TB": ("gb", Decimal(10**3)),
    "PB": ("gb", Decimal(10**6)),
    "EB": ("gb", Decimal(10**9)),
}
# Unit words that must not be read when another word follows ("人工智能", "元宇宙", "部门").
UNIT_GUARDS: dict[str, str] = {
    "人": "工智能|民币",
    "元": "宇宙",
    "部": "门|分|署",
    "次": "要|级",
    "种": "子",
    "G": r"[A-Za-z0-9\u3400-\u9fff]",
}
COUNT_BASES = frozenset({"count", "persons", "ports", "addresses"})
BARE_BASES = COUNT_BASES | {"yuan"}  # a figure printed without a unit word
# printed qualifier (before the figure) → normalised English; None: a verb, no qualifier
QUALIFIERS: dict[str, str | None] = {
    "超过了": "over",
    "超过": "over",
    "超出": "over",
    "超": "over",
    "逾": "over",
    "突破": "over",
    "多于": "over",
    "高于": "over",
    "大于": "over",
    "不少于": "at least",
    "接近": "nearly",
    "将近": "nearly",
    "近": "nearly",
    "约为": "about",
    "大约": "about",
    "约": "about",
    "不足": "less than",
    "不到": "less than",
    "少于": "less than",
    "低于": "less than",
}
VERBS = ("达到了", "达到", "已达", "高达", "达", "为", "是")  # lead-ins parse_zh_figure skips
INFIX_QUALIFIERS = {"余": "over", "多": "over"}  # "30余项", "66万余家", "400多家"
SUFFIX_QUALIFIERS = {"以上": "over", "左右": "about", "以下": "up to"}
DECLINE_WORDS = ("↓", "下降", "减少", "降低", "回落")


def _alternation(words: list[str] | tuple[str, ...]) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


def _unit_alternation() -> str:
    parts = []
    for word in sorted(UNITS, key=len, reverse=True):
        guard = UNIT_GUARDS.get(word)
        latin = word.isascii() and word.isalpha()
        lookahead = f"(?!{guard})" if guard else "(?![A-Za-z])" if latin else ""
        parts.append(re.escape(word) + lookahead)
    return "|".join(parts)


_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
FIGURE_TEMPLATE = (
    rf"(?:(?P<qual>{_alternation(list(QUALIFIERS))})\s*)?"
    rf"(?P<num>(?<![A-Za-z0-9./_第])(?<!\d,){_NUM}(?![\d/]))"
    rf"(?P<infix1>[余多])?(?P<mult>{_alternation([m for m in MULTIPLIERS if m])})?"
    rf"(?P<infix2>[余多])?\s?(?P<unit>{_unit_alternation()})?"
    rf"(?P<suffix>{_alternation(list(SUFFIX_QUALIFIERS))})?"
)
FIGURE_RE = re.compile(FIGURE_TEMPLATE)
# The same pattern without named groups, for embedding in other patterns (several times).
FIGURE_PATTERN = re.sub(r"\(\?P<\w+>", "(?:", FIGURE_TEMPLATE)
# Just a figure's qualifier and number: a light pattern to locate figures in larger patterns
# (read the figure itself with ``FIGURE_RE`` at the located position).
FIGURE_LEAD = (
    rf"(?:(?:{_alternation(list(QUALIFIERS))})\s*)?"
    r"(?<![A-Za-z0-9./_第])(?<!\d,)\d(?:[\d.,]*\d)?"
)
CHANGE_RE = re.compile(
    r"^(?:(?P<arrow>[↑↓])|(?:同比|环比|比上年|较上年|较去年)?"
    r"(?P<word>增长了?|增加了?|提高了?|提升了?|上升了?|增速为|增速|增幅为|增幅|"
    r"下降了?|减少了?|降低了?|回落了?))\s*(?P<figure>.+)$"
)


# --------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """NFKC: full-width digits, letters and punctuation as ASCII ("３３７．７％" → "337.7%")."""
    return unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=4096)
def _nfkc_char(char: str) -> str:
    return unicodedata.normalize("NFKC", char)


def normalise_with_offsets(text: str) -> tuple[str, tuple[int, ...]]:
    """NFKC per character, with the offset in ``text`` of every character of the result (NFKC
    may lengthen a character: "⑴" → "(1)"), so a span found in the result maps back to print."""
    pieces = [_nfkc_char(char) if not char.isascii() else char for char in text]
    if all(len(piece) == 1 for piece in pieces):
        return "".join(pieces), tuple(range(len(text)))
    origin = [index for index, piece in enumerate(pieces) for _ in piece]
    return "".join(pieces), tuple(origin)


# --------------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ZhFigure:
    """A Chinese figure: "超过810万标准机架" → 810, "万", "标准机架", "over"."""

    number: Decimal  # as printed (810 of 810万); negative only for a printed decline
    multiplier: str  # "", "万", "亿", "万亿", …
    unit_word: str  # "", "个", "元", "千米", "Tbps", "%", …
    qualifier: str | None  # "over", "nearly", "about", "less than", …; None if none
    raw: str  # the figure as printed, without its qualifier ("810万标准机架")
    start: int  # span of ``raw`` in the text the figure was read from
    end: int
    stop: int  # end of the printed figure including a trailing 以上/左右 (≥ ``end``)

    @property
    def value(self) -> float:
        return float(self.number)

    @property
    def unit(self) -> str:
        """As printed, qualifiers left out: "万个", "亿元", "万亿元", "Tbps", "%", "亿", ""."""
        return self.multiplier + self.unit_word

    @property
    def is_quantity(self) -> bool:
        """Printed with a multiplier or a unit word (a bare "2023" or "5" is not a quantity)."""
        return bool(self.multiplier or self.unit_word)

    @property
    def base_unit(self) -> str:
        """The natural base unit of the printed unit word ("count" for a bare figure)."""
        return UNITS[self.unit_word][0] if self.unit_word else "count"

    @property
    def value_base(self) -> float:
        """The value in its natural base unit: 337.7万个 → 3377000, 95.36Tbps → 95360 (Gbps)."""
        factor = UNITS[self.unit_word][1] if self.unit_word else Decimal(1)
        return float(self.number * MULTIPLIERS[self.multiplier] * factor)

    def to_base(self, base_unit: str) -> float:
        """The value in a vocabulary base unit; ValueError if the printed unit cannot be one."""
        natural = self.base_unit
        if not self.unit_word:
            ok = base_unit in BARE_BASES
        elif natural in COUNT_BASES:
            ok = base_unit in COUNT_BASES
        else:
            ok = natural == base_unit
        if not ok:
            raise ValueError(f"{self.raw!r} is in {natural}, not {base_unit}")
        return self.value_base


def decimal_of(text: str) -> Decimal:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only numbers
        raise ValueError(f"not a number: {text!r}") from exc


def figure_from_match(match: re.Match[str], offset: int = 0) -> ZhFigure:
    """A ``FIGURE_RE`` match as a ZhFigure (``offset``: where the matched string starts)."""
    qualifier = QUALIFIERS.get(match["qual"] or "")
    for group, table in (
        ("infix1", INFIX_QUALIFIERS),
        ("infix2", INFIX_QUALIFIERS),
        ("suffix", SUFFIX_QUALIFIERS),
    ):
        if qualifier is None and match[group]:
            qualifier = table[match[group]]
    body = [g for g in ("num", "infix1", "mult", "infix2", "unit") if match[g] is not None]
    start, end = match.start("num"), match.end(body[-1])
    return ZhFigure(
        number=decimal_of(match["num"]),
        multiplier=match["mult"] or "",
        unit_word=match["unit"] or "",
        qualifier=qualifier,
        raw=match.string[start:end],
        start=offset + start,
        end=offset + end,
        stop=offset + match.end(),
    )


def is_generation_name(figure: ZhFigure) -> bool:
    """ "5G", "6G": a single digit before a bare "G" names a mobile generation."""
    return figure.unit_word == "G" and figure.multiplier == "" and figure.number < 10


def find_zh_figures(text: str, start: int = 0, end: int | None = None) -> Iterator[ZhFigure]:
    """Every figure in already normalised ``text`` (see ``normalise``) between ``start`` and
    ``end``, in order; spans index ``text``. Mobile generations ("5G") are skipped; bare numbers
    are returned (check ``is_quantity``)."""
    for match in FIGURE_RE.finditer(text, start, len(text) if end is None else end):
        figure = figure_from_match(match)
        if is_generation_name(figure):
            continue
        yield figure


def parse_zh_figure(text: str) -> ZhFigure:
    """Parse ``text`` as exactly one figure, after NFKC and with whitespace removed:
    "337.7万个", "超过810万 标准机架", "１．３５万亿元", "达到7.78亿", "30余项", "40%以上".
    Raises ValueError with a one-line reason."""
    compact = re.sub(r"\s+", "", normalise(text))
    if not compact:
        raise ValueError("empty figure")
    body = compact
    for verb in VERBS:
        if body.startswith(verb) and len(body) > len(verb):
            body = body[len(verb) :]
            break
    match = FIGURE_RE.match(body)
    if match is None:
        reason = "no Arabic digits" if not re.search(r"\d", body) else "no figure at its start"
        raise ValueError(f"not a Chinese figure ({reason}): {text!r}")
    if match.end() != len(body):
        raise ValueError(f"unexpected text {body[match.end() :]!r} after the figure in {text!r}")
    figure = figure_from_match(match)
    if is_generation_name(figure):
        raise ValueError(f"a mobile generation, not a figure: {text!r}")
    return figure


def parse_zh_change(text: str) -> ZhFigure:
    """A printed change in percent: "↑46.1%", "同比增长46.1%", "较上年下降3.2%" → a signed figure
    (decline negative), unit "%". Raises ValueError with a one-line reason."""
    compact = re.sub(r"\s+", "", normalise(text))
    match = CHANGE_RE.match(compact)
    if match is None:
        raise ValueError(f"not a printed change (↑/↓ or 增长/下降 …): {text!r}")
    figure = parse_zh_figure(match["figure"])
    if figure.unit_word != "%" or figure.multiplier:
        raise ValueError(f"a change must be a percentage: {text!r}")
    declines = (match["arrow"] or match["word"] or "").startswith(DECLINE_WORDS)
    number = -figure.number if declines else figure.number
    return ZhFigure(number, "", "%", figure.qualifier, compact, 0, len(compact), len(compact))
