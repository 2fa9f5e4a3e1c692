"""The Internet Society of China annual report (中国互联网发展报告) → indicator facts.

Pure functions over a loaded ``Document`` (no I/O besides the packaged indicator vocabulary):

1. ``content_lines`` — every printed line with its page (PDF) or line (.txt), cleaned: running
   page headers and lone page numbers dropped, bold markers ``**`` and bullet glyphs removed,
   whitespace next to a Chinese character removed ("超过810万 标" → "超过810万标").
2. ``find_cards`` — KPI cards: a short label (one or two lines: "工业互联网" / "产业"), a value
   (one or two lines, the first starting with a figure: "超过810万" / "标准机架") and a change
   line ("↑46.1%"). The PDF's joined labels and the text dump's split ones read the same.
3. ``prose_of`` — all other lines as paragraphs. In a PDF, a line that reaches the right margin
   and does not end a sentence continues on the next line (across pages, headers dropped); in a
   text dump every line is a paragraph. Every character keeps its location.
4. ``RULES`` — one small declarative rule per kind of figure: a regular expression over the
   words of a sentence (NFKC-normalised, so "，" reads ",") whose named groups are figures, each
   naming an indicator id, optionally with topic words that must occur in the sentence (or, for
   ``context=2``, the sentence before). ``CARD_RULES`` name the cards by their label. Rules never
   refer to page numbers or to this edition's values.
5. A change printed right after a figure ("，同比增长46.1%", "，较2022年增长35.5%", "↑46.1%" on
   a card) is a separate fact: the rule's ``yoy`` id, the same period, raw "同比增长46.1%".

Periods: the last date phrase before the figure in its sentence ("截至2023年底" → 2023-12-31,
"2023年" → 2023-12-31, "截至2024年3月" → 2024-03-31, "2004年至2024年3月31日期间" → 2024-03-31),
skipping comparison dates ("较2022年") and dates inside book titles (《…（2021-2023年）》); else
the edition's period end. Cards carry no date: the edition's period end.

Figures no rule claims are kept with ``indicator_id=None`` and their sentence when they are
statements — a quantity (a multiplier or a unit word) that ends its clause ("超级节点12个，",
"面积近1900万平方米。"), as opposed to an attributive count inside a noun phrase ("16个部门",
"24小时不间断直播"). Years, dates, fractions ("1/7") and Chinese numerals ("近百亿") are not
figures.

An id a rule names that the vocabulary does not define (or whose base unit the printed unit
cannot be) is not invented: the fact is returned with ``indicator_id=None`` and its value in
the printed unit's natural base; ``extract_isc_mentions`` still tells which id the rule named.
"""

from __future__ import annotations

import calendar
import datetime
import re
import unicodedata
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

from extractors.document import Document
from extractors.narrative import Fact, source_lines
from extractors.recognise import Edition
from extractors.vocabulary import base_units
from extractors.zh_numbers import (
    FIGURE_LEAD,
    FIGURE_RE,
    ZhFigure,
    figure_from_match,
    find_zh_figures,
    is_generation_name,
    normalise,
    normalise_with_offsets,
    parse_zh_change,
    parse_zh_figure,
)

Location = tuple[int | None, int | None]

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
    return bool(CHANGE_LINE_RE.match(normalise(text)))


def starts_with_figure(text: str) -> bool:
    match = FIGURE_RE.match(normalise(text))
    if match is None:
        return False
    figure = figure_from_match(match)
    return figure.is_quantity and not is_generation_name(figure)


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
        parse_zh_figure(value)
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


@dataclass(frozen=True)
class Prose:
    """Paragraphs ("\\n" between them) with the source line of every character; ``norm`` is the
    NFKC text the rules read, ``origin[i]`` the offset in ``text`` of ``norm[i]``."""

    text: str
    starts: tuple[int, ...]
    lines: tuple[Line, ...]

    @cached_property
    def _normalised(self) -> tuple[str, tuple[int, ...]]:
        return normalise_with_offsets(self.text)

    @property
    def norm(self) -> str:
        return self._normalised[0]

    @property
    def origin(self) -> tuple[int, ...]:
        return self._normalised[1]

    def printed(self, start: int, end: int) -> str:
        """The printed text of the normalised span [start, end)."""
        return self.text[self.origin[start] : self.origin[end - 1] + 1]

    def line_at(self, norm_offset: int) -> Line:
        return self.lines[max(bisect_right(self.starts, self.origin[norm_offset]) - 1, 0)]


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
    return Prose(text, tuple(starts), tuple(lines))


SENTENCE_END_RE = re.compile(r"[。!?]+|\n")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of normalised prose: ends after 。!? and at paragraphs."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in SENTENCE_END_RE.finditer(text):
        end = match.start() if match.group() == "\n" else match.end()
        if text[start:end].strip():
            spans.append((start, end))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


# --------------------------------------------------------------------------------------------
# Periods
# --------------------------------------------------------------------------------------------

DATE_RE = re.compile(
    r"(?<!\d)(?P<year>(?:19|20)\d{2})年(?:(?P<month>1[0-2]|0?[1-9])月(?:(?P<day>3[01]|[12]\d|0?"
    r"[1-9])日)?|(?P<end>底|末)|(?P<half>上半年|下半年)|第?(?P<quarter>[一二三四1-4])季度)?"
    r"|(?<![\d年])(?P<mon>1[0-2]|0?[1-9])月(?:(?P<mday>3[01]|[12]\d|0?[1-9])日)?"
)
COMPARISON_BEFORE_RE = re.compile(r"(?:较|比|相比|相较于?|同比|环比|与|自|从)$")
TITLE_RE = re.compile(r"《[^》]*》")
QUARTERS = {"一": 3, "二": 6, "三": 9, "四": 12, "1": 3, "2": 6, "3": 9, "4": 12}


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def date_of(match: re.Match[str], default_year: int) -> datetime.date:
    """The period end a date phrase names: a month's last day unless a day is printed."""
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


def period_before(text: str, default: datetime.date) -> datetime.date:
    """The last date phrase in ``text`` (a sentence up to a figure) that dates it, else
    ``default``: comparison dates and dates inside book titles 《…》 are skipped."""
    titles = [m.span() for m in TITLE_RE.finditer(text)]
    found = default
    for match in DATE_RE.finditer(text):
        if any(start <= match.start() < end for start, end in titles):
            continue
        if COMPARISON_BEFORE_RE.search(text[: match.start()]):
            continue
        found = date_of(match, default.year)
    return found


# --------------------------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------------------------

# Verbs between a subject and its figure; all optional ("网上零售额15.42万亿元").
VERB = (
    r"(?:已经?|均|共|累计)?(?:达到了?|达|为|是|至|提升至|提升到|提高至|提高到|增至|增长至|"
    r"增长到|上升至|跃升至|升至|共计|总计|合计|高达|有)?"
)
PARTS = {
    # where a figure starts (its qualifier and number) and a few more of its characters; the
    # figure itself is read at that position with zh_numbers.FIGURE_RE
    "FIG": FIGURE_LEAD + r"[^,;。、!?\s]{0,6}?",
    # a figure in a list ("7.99亿、4.54亿和2.65亿户"): its characters up to the next separator
    "ITEM": FIGURE_LEAD + r"[^,;。、和及与或!?\s\d]{0,6}",
    "VERB": VERB,
    # words within one clause
    "GAP": r"[^,;。!?\n]",
}
PLACEHOLDER_RE = re.compile(r"\{([A-Z]+)\}")
# The figure after a subject: an optional verb, then the figure (group ``v``).
AFTER_SUBJECT_RE = re.compile(VERB + r"(?P<v>" + FIGURE_LEAD + r")")


def expand(pattern: str) -> str:
    """Replace ``{FIG}``, ``{ITEM}``, ``{VERB}`` and ``{GAP}`` by their regular expressions."""
    return PLACEHOLDER_RE.sub(lambda m: PARTS[m[1]], pattern)


@dataclass(frozen=True)
class Rule:
    """One kind of figure. ``pattern`` is either the words of a subject ("5G基站(?:总?数|数量)?":
    the figure follows them, after an optional verb such as 达/达到/为/提升至) or, when it holds
    ``{FIG}``, a pattern whose named groups of ``slots`` are figures ("(?P<v>{FIG})授权专利").
    ``slots`` name (indicator id, yoy id or None) per group (``v`` for a subject). ``topic``:
    words of which one must occur (any case) in the sentence or, with ``context=2``, in the
    sentence before."""

    name: str
    pattern: str
    slots: tuple[tuple[str, str, str | None], ...]
    topic: tuple[str, ...] = ()
    context: int = 1

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(expand(self.pattern))

    @property
    def is_subject(self) -> bool:
        return "{FIG}" not in self.pattern


@dataclass(frozen=True)
class ListRule:
    """ "A、B和C等领域的规模分别达x、y和z": group ``names`` holds the subjects, group ``values``
    the figures; ``items`` map a subject (regex) to an id, matched in printed order."""

    name: str
    pattern: str
    items: tuple[tuple[str, str], ...]
    topic: tuple[str, ...] = ()
    context: int = 1

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(expand(self.pattern))


@dataclass(frozen=True)
class CardRule:
    """A KPI card named by its label (regex, whole label, NFKC, no spaces)."""

    label: str
    indicator: str
    yoy: str | None

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(self.label)


AnyRule = Rule | ListRule


def one(
    indicator: str,
    pattern: str,
    yoy: str | None = None,
    topic: tuple[str, ...] = (),
    context: int = 1,
) -> Rule:
    """A rule with one figure (the figure after a subject, or group ``v``) named
    ``indicator``, its printed change named ``yoy``."""
    return Rule(indicator, pattern, (("v", indicator, yoy),), topic, context)


_LIST = r"{VERB}(?P<values>{ITEM}(?:(?:、|,|和|及|与){ITEM})+)"

CARD_RULES: tuple[CardRule, ...] = (
    CardRule(r"5G基站(?:总?数|数量)?", "base_stations_5g", "base_stations_5g_yoy_pct"),
    CardRule(
        r"(?:在用)?数据中心机架(?:总?数|规模)?", "data_center_racks", "data_center_racks_yoy_pct"
    ),
    CardRule(
        r"人工智能(?:核心)?(?:产业)?(?:规模)?", "ai_core_industry_yuan", "ai_core_industry_yoy_pct"
    ),
    CardRule(
        r"云计算(?:市场)?(?:规模)?", "cloud_computing_market_yuan", "cloud_computing_market_yoy_pct"
    ),
    CardRule(r"数字经济(?:规模)?", "digital_economy_yuan", "digital_economy_yoy_pct"),
    CardRule(
        r"工业互联网(?:核心)?产业(?:规模)?",
        "industrial_internet_core_industry_yuan",
        "industrial_internet_core_industry_yoy_pct",
    ),
    CardRule(r"电子商务交易额", "ecommerce_transactions_yuan", "ecommerce_transactions_yoy_pct"),
    CardRule(
        r"蜂窝物联网终端用户(?:数)?",
        "cellular_iot_terminal_users",
        "cellular_iot_terminal_users_yoy_pct",
    ),
)

RULES: tuple[AnyRule, ...] = (
    # --- network infrastructure -------------------------------------------------------------
    one("base_stations_5g", r"5G基站(?:总?数|数量)?", "base_stations_5g_yoy_pct"),
    one("global_5g_users", r"全球5G用户(?:总?数|规模)?"),
    one("private_networks_5g", r"5G(?:行业)?虚拟专网(?:数量?)?"),
    one("application_cases_5g", r"5G应用案例(?:数量?)?"),
    one("active_ipv6_users", r"IP[vV]6活跃用户(?:数量?|规模)?"),
    one("ipv6_international_bandwidth_gbps", r"国际出入口IP[vV]6带宽"),
    one("ipv6_infrastructure_readiness_pct", r"基础设施就绪度", topic=("ipv6",)),
    one("ipv6_latency_ms", r"IP[vV]6网内时延"),
    one("ipv6_packet_loss_pct", r"网内丢包率", topic=("ipv6",)),
    one("fiber_new_length_km", r"新建光缆线路(?:长度)?"),
    one("fiber_length_km", r"(?:光缆线路)?总长度", "fiber_length_yoy_pct", topic=("光缆",)),
    one("broadband_ports", r"宽带接入端口(?:数量?)?"),
    one("fttho_ports", r"光纤接入(?:\(FTTH/O\))?端口(?:数量?)?"),
    one(
        "international_bandwidth_gbps",
        r"国际互联网出口带宽(?:\([^)]{0,8}\))?",
        "international_bandwidth_yoy_pct",
    ),
    one("international_bandwidth_added_gbps", r"扩容", topic=("出口带宽",)),
    one("ixp_access_bandwidth_gbps", r"交换中心接入总带宽"),
    one("ixp_peak_traffic_gbps", r"峰值流量", topic=("交换中心",)),
    one("ixp_connected_companies", r"有(?P<v>{FIG}){GAP}{0,40}?接入(?:互联网)?交换中心"),
    # --- computing --------------------------------------------------------------------------
    one(
        "data_center_racks",
        r"数据中心机架(?:总规模|总数|数量|规模)?",
        "data_center_racks_yoy_pct",
    ),
    one("computing_power_eflops", r"算力总规模"),
    one(
        "cloud_computing_market_yuan",
        r"云计算(?:市场|产业)?规模",
        "cloud_computing_market_yoy_pct",
    ),
    one("intelligent_computing_share_pct", r"智能算力(?:规模)?占比"),
    one("quantum_patent_applications", r"发明专利申请(?:量|数)?", topic=("量子",)),
    one("quantum_patents_granted", r"授权总量", topic=("量子",)),
    one("quantum_patents_in_force", r"(?P<v>{FIG})授权专利{GAP}{0,12}?有效", topic=("量子",)),
    # --- data ---------------------------------------------------------------------------------
    one("open_data_platforms", r"(?P<v>{FIG}){GAP}{0,12}?地方政府上线数据开放平台"),
    one("open_datasets", r"有效数据集(?:数量?)?"),
    # --- artificial intelligence ---------------------------------------------------------
    one(
        "ai_core_industry_yuan",
        r"核心产业规模",
        "ai_core_industry_yoy_pct",
        topic=("人工智能",),
        context=2,
    ),
    one(
        "industrial_internet_core_industry_yuan",
        r"核心产业规模",
        "industrial_internet_core_industry_yoy_pct",
        topic=("工业互联网",),
        context=2,
    ),
    one("global_ai_companies", r"全球人工智能企业(?:数量?)?"),
    one("ai_companies", r"(?:我国|中国)(?:人工智能)?企业(?:数量?)?", topic=("人工智能",)),
    one("global_ai_patent_applications", r"全球人工智能专利(?:累计)?申请量?"),
    one("ai_patent_applications_china_share_pct", r"中国占比", topic=("人工智能专利",)),
    one(
        "generative_ai_products",
        r"(?P<v>{FIG}){GAP}{0,6}?(?:大模型|产品|服务)完成(?:生成式人工智能服务)?备案",
    ),
    # --- Internet of Things --------------------------------------------------------------
    one("wireless_iot_connections_global_share_pct", r"无线物联网连接数在全球的占比"),
    one(
        "cellular_iot_terminal_users",
        r"蜂窝物联网终端用户(?:数量?|规模)?",
        "cellular_iot_terminal_users_yoy_pct",
    ),
    ListRule(
        "cellular_iot_fields",
        r"蜂窝物联网终端应用于(?P<names>{GAP}*?)等?领域的规模分别" + _LIST,
        (
            ("公共服务", "cellular_iot_terminals_public_services"),
            ("车联网", "cellular_iot_terminals_connected_vehicles"),
            ("智慧零售", "cellular_iot_terminals_smart_retail"),
            ("智能家居", "cellular_iot_terminals_smart_home"),
        ),
    ),
    # --- industrial Internet, digital economy, e-commerce ----------------------------------
    one("industrial_internet_platforms", r"工业互联网平台(?:数量?)?"),
    one("digital_economy_yuan", r"数字经济(?:规模|总量)?", "digital_economy_yoy_pct"),
    one(
        "ecommerce_transactions_yuan",
        r"电子商务交易额(?:[^,;。!?\n\d]{0,8}?,)?{VERB}(?P<v>{FIG})",
        "ecommerce_transactions_yoy_pct",
    ),
    one(
        "online_retail_sales_yuan",
        r"(?<!农村)(?<!农产品)(?:全国)?网上零售额",
        "online_retail_sales_yoy_pct",
    ),
    ListRule(
        "rural_online_retail",
        r"(?P<names>{GAP}{2,20}?)网络零售额分别" + _LIST,
        (
            ("农村", "rural_online_retail_sales_yuan"),
            ("农产品", "agricultural_online_retail_sales_yuan"),
        ),
    ),
    one(
        "cross_border_ecommerce_yuan",
        r"跨境电商进出口(?:总额|规模)",
        "cross_border_ecommerce_yoy_pct",
    ),
    one(
        "cross_border_ecommerce_trade_share_pct",
        r"占外贸进出口总额的",
        topic=("跨境电商",),
    ),
    one("cross_border_ecommerce_entities", r"跨境电商主体(?:数量?)?"),
    one("cross_border_independent_sites", r"独立站(?:数量?)?", topic=("跨境",)),
    one("cross_border_overseas_warehouses", r"海外仓(?:数量?)?", topic=("跨境",)),
    # --- online literature, live streaming, audiovisual, games -----------------------------
    one(
        "online_literature_users",
        r"网络文学用户(?:规模|数量|数)",
        "online_literature_users_yoy_pct",
    ),
    one(
        "online_literature_reading_market_yuan",
        r"阅读市场规模",
        "online_literature_reading_market_yoy_pct",
    ),
    one(
        "online_literature_ip_market_yuan",
        r"网络文学IP市场规模[^,;。!?\n\d]{0,6}?{VERB}(?P<v>{FIG})",
    ),
    one("online_literature_authors", r"网络文学作者(?:规模|数量)"),
    one("online_literature_authors_added", r"新增作者", topic=("网络文学",)),
    one("online_literature_works", r"作品数量", topic=("网络文学",)),
    one("online_literature_works_added", r"新增作品", topic=("网络文学",)),
    one(
        "online_literature_users",
        r"(?<!作者)用户(?:规模|数量|数)",
        "online_literature_users_yoy_pct",
        topic=("网络文学",),
    ),
    one("live_streaming_users", r"网络直播用户(?:规模|数量|数)"),
    one("live_commerce_market_yuan", r"直播电商市场规模", "live_commerce_market_yoy_pct"),
    one("online_audiovisual_market_yuan", r"网络视听市场规模"),
    one(
        "audiovisual_service_revenue_yuan",
        r"网络视听服务机构总收入",
        "audiovisual_service_revenue_yoy_pct",
    ),
    one("online_audiovisual_users", r"用户(?:规模|数量|数)", topic=("网络视听",)),
    one("online_audiovisual_share_pct", r"网民使用率", topic=("网络视听",)),
    one("online_audiovisual_companies", r"企业(?:数量?)?", topic=("网络视听",)),
    one(
        "online_game_revenue_yuan",
        r"网络游戏市场实际(?:销售)?收入",
        "online_game_revenue_yoy_pct",
    ),
    one("mobile_game_revenue_share_pct", r"移动游戏实际销售收入占比"),
    one("mobile_game_revenue_yuan", r"移动游戏实际销售收入", "mobile_game_revenue_yoy_pct"),
    one("online_game_users", r"游戏用户规模", "online_game_users_yoy_pct"),
    # --- public services -------------------------------------------------------------------
    one("county_telemedicine_coverage_pct", r"县级远程医疗覆盖率"),
)

# A change printed right after a figure: "，同比增长46.1%", "，较2022年增长35.5%", "，增长11%",
# "，总长度同比增长7.96%" (a short repeated subject between), "，同比增速为35.2%".
YOY_AFTER_RE = re.compile(
    r",?[^,;。!?、\d\n]{0,8}?(?:较[^,;。!?\n]{0,8}?|比上年|比去年)?"
    r"(?P<change>(?:同比|环比)?(?:增长了?|增加了?|提高了?|提升了?|上升了?|增速为|增速|增幅为|"
    r"增幅|下降了?|减少了?|降低了?|回落了?)" + FIGURE_LEAD + r"\s?%)"
)
# What may follow a statement figure: the end of its clause or a connective.
STATEMENT_END_RE = re.compile(r"$|[,;。!?、:)\]」』”’]|和|及|与|或|同比|环比|较|比|增|占")


# --------------------------------------------------------------------------------------------
# Facts
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mention:
    """A fact, the indicator id its rule names (``fact.indicator_id`` is that id only if the
    vocabulary defines it; None if no rule names the figure) and its reading-order key."""

    fact: Fact
    named: str | None
    order: tuple[int, int]


@dataclass(frozen=True)
class _Context:
    prose: Prose
    spans: Sequence[tuple[int, int]]
    edition: Edition
    units: Mapping[str, str]

    @cached_property
    def lowered(self) -> str:
        return self.prose.norm.lower()


def resolve(
    indicator: str | None, figure: ZhFigure, units: Mapping[str, str]
) -> tuple[str | None, float]:
    """(vocabulary id or None, value in its base unit). An id the vocabulary does not define,
    or whose base unit the printed unit cannot be, gives None and the natural base value."""
    if indicator and indicator in units:
        try:
            return indicator, figure.to_base(units[indicator])
        except ValueError:
            pass
    return None, figure.value_base


def mention(
    indicator: str | None,
    figure: ZhFigure,
    units: Mapping[str, str],
    period: datetime.date,
    where: tuple[str, str, Line, int],
) -> Mention:
    """``where``: (quote, raw as printed, source line, offset for the reading order)."""
    quote, raw, line, offset = where
    known, value_base = resolve(indicator, figure, units)
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
    return Mention(fact, indicator, (line.index, offset))


def card_rule(label: str) -> CardRule | None:
    compact = re.sub(r"\s+", "", normalise(label))
    return next((rule for rule in CARD_RULES if rule.regex.fullmatch(compact)), None)


def card_figure(value: str) -> tuple[ZhFigure, str]:
    """A card's value as a figure, and the figure as printed (without its qualifier)."""
    norm, origin = normalise_with_offsets(value)
    match = FIGURE_RE.search(norm)
    if match is None:  # pragma: no cover - card_at only accepts values that parse
        return parse_zh_figure(value), value
    figure = figure_from_match(match)
    return figure, value[origin[figure.start] : origin[figure.end - 1] + 1]


def card_mentions(card: Card, units: Mapping[str, str], period: datetime.date) -> list[Mention]:
    """A card's value and its change (two facts); a label no rule knows gives None ids."""
    rule = card_rule(card.label)
    figure, raw = card_figure(card.value)
    value = mention(
        rule.indicator if rule else None,
        figure,
        units,
        period,
        (card.quote, raw, card.value_line, 0),
    )
    change = mention(
        rule.yoy if rule else None,
        parse_zh_change(card.change),
        units,
        period,
        (card.quote, card.change, card.change_line, 0),
    )
    return [value, change]


def in_topic(ctx: _Context, rule: AnyRule, index: int) -> bool:
    if not rule.topic:
        return True
    first = ctx.spans[max(0, index - rule.context + 1)][0]
    window = ctx.lowered[first : ctx.spans[index][1]]
    return any(word.lower() in window for word in rule.topic)


def figure_at(text: str, position: int) -> ZhFigure | None:
    """The quantity figure starting at ``position`` of normalised ``text`` (its qualifier
    included), or None."""
    match = FIGURE_RE.match(text, position)
    if match is None:
        return None
    figure = figure_from_match(match)
    return figure if figure.is_quantity and not is_generation_name(figure) else None


def slot_figures(
    ctx: _Context, rule: AnyRule, match: re.Match[str], sentence: tuple[int, int]
) -> list[tuple[ZhFigure, str | None, str | None]]:
    """(figure, indicator id, yoy id) for every figure a rule's match names."""
    text = ctx.prose.norm
    if isinstance(rule, Rule) and rule.is_subject:
        after = AFTER_SUBJECT_RE.match(text, match.end(), sentence[1])
        figure = figure_at(text, after.start("v")) if after else None
        _, indicator, yoy = rule.slots[0]
        return [] if figure is None else [(figure, indicator, yoy)]
    if isinstance(rule, Rule):
        found: list[tuple[ZhFigure, str | None, str | None]] = []
        for group, indicator, yoy in rule.slots:
            if match[group] is None:
                continue
            figure = figure_at(text, match.start(group))
            if figure is not None:
                found.append((figure, indicator, yoy))
        return found
    names = match["names"]
    subjects = sorted(
        (hit.start(), indicator)
        for regex, indicator in rule.items
        for hit in re.finditer(regex, names)
    )
    values = [
        figure
        for figure in find_zh_figures(text, match.start("values"), sentence[1])
        if figure.is_quantity and figure.start < match.end("values")
    ]
    if len(values) != len(subjects):
        return [(figure, None, None) for figure in values]
    return [
        (figure, indicator, None) for figure, (_, indicator) in zip(values, subjects, strict=True)
    ]


def yoy_span(ctx: _Context, sentence: tuple[int, int], figure: ZhFigure) -> tuple[int, int] | None:
    """Span of the change printed right after ``figure`` ("同比增长46.1%"), if any."""
    match = YOY_AFTER_RE.match(ctx.prose.norm, figure.stop, sentence[1])
    return match.span("change") if match else None


def rule_matches(ctx: _Context) -> dict[int, list[tuple[AnyRule, re.Match[str]]]]:
    """Sentence index → (rule, match) in rule order: each rule runs once over the prose; a
    match must lie within one sentence whose topic the rule accepts."""
    starts = [start for start, _ in ctx.spans]
    found: dict[int, list[tuple[AnyRule, re.Match[str]]]] = {}
    for rule in RULES:
        for match in rule.regex.finditer(ctx.prose.norm):
            index = bisect_right(starts, match.start()) - 1
            if index < 0 or match.end() > ctx.spans[index][1]:
                continue
            if in_topic(ctx, rule, index):
                found.setdefault(index, []).append((rule, match))
    return found


def sentence_mentions(
    ctx: _Context, index: int, matches: Sequence[tuple[AnyRule, re.Match[str]]]
) -> Iterator[Mention]:
    """Mentions of sentence ``index``: the figures its rule ``matches`` name (with their
    changes), then statement figures no rule claims (indicator None)."""
    sentence = ctx.spans[index]
    prose, text = ctx.prose, ctx.prose.norm
    quote = prose.printed(*sentence).strip()
    claimed: list[tuple[int, int]] = []

    def free(start: int) -> bool:
        return not any(a <= start < b for a, b in claimed)

    def located(start: int, end: int) -> tuple[str, str, Line, int]:
        return quote, prose.printed(start, end), prose.line_at(start), start

    def emit(figure: ZhFigure, indicator: str | None, yoy: str | None) -> Iterator[Mention]:
        period = period_before(text[sentence[0] : figure.start], ctx.edition.period_end)
        claimed.append((figure.start, figure.stop))
        yield mention(indicator, figure, ctx.units, period, located(figure.start, figure.end))
        span = yoy_span(ctx, sentence, figure)
        if span is not None:
            claimed.append(span)
            change = parse_zh_change(text[span[0] : span[1]])
            yield mention(yoy, change, ctx.units, period, located(*span))

    for rule, match in matches:
        for figure, indicator, yoy in slot_figures(ctx, rule, match, sentence):
            if free(figure.start):
                yield from emit(figure, indicator, yoy)
    for figure in find_zh_figures(text, *sentence):
        statement = STATEMENT_END_RE.match(text, figure.stop, sentence[1])
        if figure.is_quantity and free(figure.start) and statement:
            yield from emit(figure, None, None)


def extract_isc_mentions(doc: Document, edition: Edition) -> list[Mention]:
    """Every KPI card (value and change) and every statement figure of the report's prose, one
    mention per printed figure, in reading order."""
    lines = content_lines(doc)
    cards = find_cards(lines)
    used = {index for card in cards for index in card.indexes}
    prose = prose_of([line for line in lines if line.index not in used], doc.format == "pdf")
    ctx = _Context(prose, sentence_spans(prose.norm), edition, base_units())
    found: list[Mention] = []
    for card in cards:
        found.extend(card_mentions(card, ctx.units, edition.period_end))
    matches = rule_matches(ctx)
    for index, (start, end) in enumerate(ctx.spans):
        if any(c.isdigit() for c in prose.norm[start:end]):
            found.extend(sentence_mentions(ctx, index, matches.get(index, [])))
    return sorted(found, key=lambda item: item.order)


def extract_isc_facts(doc: Document, edition: Edition) -> list[Fact]:
    """Every KPI card (value and change) and every statement figure of the report's prose, one
    Fact per printed figure, in reading order (see the module docstring)."""
    return [item.fact for item in extract_isc_mentions(doc, edition)]
