"""The ISC annual report (中国互联网发展报告（2024）): KPI cards and sentence figures → indicators.

The golden file ``tests/golden/isc-2024-zh/indicators.csv`` was typed by hand from the printed
report (PDF pages 2–11; the same text in the .txt dump), one row per printed figure
(indicator_id, period_end, raw): the 8 KPI cards (value and ↑change) and the figures of the
bullets and paragraphs. Conventions:

- ``value`` is the number as printed, ``unit`` multiplier + unit word as printed ("万个",
  "万亿元", "Tbps", "%"; a 余/多 inside a figure is a qualifier: "66万余家" → 66, "万家", over),
  ``value_base`` the value in base units (persons/count/km/percent; yuan for 元 and for market
  sizes printed without 元; Gbps for bandwidth, 95.36 Tbps = 95360; EFLOPS; ms).
- ``raw`` is the figure as printed without its leading qualifier ("810万标准机架" of
  "超过810万标准机架"); a change is raw "↑46.1%" on a card, "同比增长46.1%" in a sentence, and
  "增长35.5%" in "较2022年增长35.5%" (the comparison year is not part of the figure).
- A figure printed twice the same way (card and sentence: "337.7万个") is one golden row.
- The report contradicts itself, and the golden keeps both figures: the AI card says ↑13.9%, the
  AI bullet "同比增长18%"; online literature users are "5.21亿人" and, two bullets later,
  "5.37亿"; 5G virtual private networks are "3.16万个" and "超过2.9万个".
- Every golden id is in the vocabulary (base units yuan, gbps, eflops and ms included).
- Not figures: years and dates, fractions ("1/7", "2/3以上"), Chinese numerals ("近百亿"),
  attributive counts inside noun phrases ("16个部门", "24小时不间断直播", "超500家商家").
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import math
import re
from collections import Counter

import pytest

from extractors.document import Document, load_document, parse_document
from extractors.edition import Edition
from extractors.figures.dates import period_before
from extractors.figures.engine import Mention
from extractors.figures.facts import Fact
from extractors.figures.numbers import find_han as find_zh_figures
from extractors.figures.numbers import parse_han as parse_zh_figure
from extractors.figures.numbers import parse_han_change as parse_zh_change
from extractors.figures.text import nfkc as normalise
from extractors.kinds import source_kind
from extractors.readers.isc_report import (
    clean_line,
    content_lines,
    find_cards,
    isc_mentions,
)
from extractors.readers.isc_report import isc_facts as extract_isc_facts
from extractors.recognise import recognise
from extractors.sections import specs_for
from extractors.spec import TextSpec
from extractors.vocabulary import base_units, load_vocabulary
from tests.conftest import RAW, ROOT

ISC = source_kind("isc_zh")
RULES = ISC.rules
CARD_RULES = ISC.cards


def extract_isc_mentions(doc: Document, edition: Edition) -> list[Mention]:
    return isc_mentions(doc, edition, ISC, base_units())


REPORTS = {fmt: RAW / "reports" / f"isc-2024-zh.{fmt}" for fmt in ("pdf", "txt")}
GOLDEN_FILE = ROOT / "tests" / "golden" / "isc-2024-zh" / "indicators.csv"
FORMATS = ("pdf", "txt")
D = datetime.date
CARD_LABELS = [
    "5G基站",
    "数据中心机架",
    "人工智能",
    "云计算",
    "数字经济",
    "工业互联网产业",
    "电子商务交易额",
    "蜂窝物联网终端用户",
]
# Statement figures no rule names (indicator_id None), in reading order, with what they are.
DOCUMENTED_UNMATCHED = (
    "71个",  # 5G applications reach 71 of the 97 national-economy categories
    "40批",  # batches of App/SDK infringement notices
    "30余项",  # IoT national standards
    "20余项",  # IoT industry standards
    "12个",  # super nodes of the Xinghuo blockchain network
    "23.5%",  # contribution of online travel/entertainment/catering to online retail growth
    "2.6个百分点",  # percentage points of online retail growth they pulled
    "1900万平方米",  # floor area of cross-border e-commerce overseas warehouses
    "90%",  # cost cut by 24-hour AI live streaming
)

Key = tuple[str, datetime.date, str]


@dataclasses.dataclass(frozen=True)
class GoldenRow:
    value: float
    unit: str
    value_base: float
    qualifier: str | None


def read_golden() -> dict[Key, GoldenRow]:
    assert GOLDEN_FILE.exists(), f"missing golden file {GOLDEN_FILE}"
    rows: dict[Key, GoldenRow] = {}
    with GOLDEN_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            key = (row["indicator_id"], D.fromisoformat(row["period_end"]), row["raw"])
            assert key not in rows, f"golden row repeated: {key}"
            rows[key] = GoldenRow(
                value=float(row["value"]),
                unit=row["unit"],
                value_base=float(row["value_base"]),
                qualifier=row["qualifier"] or None,
            )
    return rows


@pytest.fixture(scope="module")
def documents() -> dict[str, Document]:
    return {fmt: load_document(path) for fmt, path in REPORTS.items()}


@pytest.fixture(scope="module")
def mentions(documents: dict[str, Document]) -> dict[str, list[Mention]]:
    return {fmt: extract_isc_mentions(doc, recognise(doc)) for fmt, doc in documents.items()}


@pytest.fixture(scope="module")
def golden() -> dict[Key, GoldenRow]:
    return read_golden()


def key_of(item: Mention) -> Key:
    return (item.named or "", item.fact.period_end, item.fact.raw)


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --------------------------------------------------------------------------------------------
# Chinese numbers, units, qualifiers
# --------------------------------------------------------------------------------------------

FIGURES = [
    # text, value, unit, natural base unit, value_base, qualifier, raw
    ("337.7万个", 337.7, "万个", "count", 3_377_000, None, "337.7万个"),
    ("超过810万", 810, "万", "count", 8_100_000, "over", "810万"),
    ("超过810万 标\n准机架", 810, "万标准机架", "count", 8_100_000, "over", "810万标准机架"),
    ("46.83万亿元", 46.83, "万亿元", "yuan", 46_830_000_000_000, None, "46.83万亿元"),
    ("1.35万亿元", 1.35, "万亿元", "yuan", 1_350_000_000_000, None, "1.35万亿元"),
    ("5784亿元", 5784, "亿元", "yuan", 578_400_000_000, None, "5784亿元"),
    ("95.36Tbps", 95.36, "Tbps", "gbps", 95_360, None, "95.36Tbps"),
    ("11320G", 11320, "G", "gbps", 11_320, None, "11320G"),
    ("230EFLOPS", 230, "EFLOPS", "eflops", 230, None, "230EFLOPS"),
    ("0.0038%", 0.0038, "%", "percent", 0.0038, None, "0.0038%"),
    ("25.74ms", 25.74, "ms", "ms", 25.74, None, "25.74ms"),
    ("473.8万千米", 473.8, "万千米", "km", 4_738_000, None, "473.8万千米"),
    ("5.21亿人", 5.21, "亿人", "persons", 521_000_000, None, "5.21亿人"),
    ("23.32亿户", 23.32, "亿户", "count", 2_332_000_000, None, "23.32亿户"),
    ("3620万部", 3620, "万部", "count", 36_200_000, None, "3620万部"),
    ("3783件", 3783, "件", "count", 3783, None, "3783件"),
    ("达到7.78亿", 7.78, "亿", "count", 778_000_000, None, "7.78亿"),
    ("突破15.7亿", 15.7, "亿", "count", 1_570_000_000, "over", "15.7亿"),
    ("超9.4万个", 9.4, "万个", "count", 94_000, "over", "9.4万个"),
    ("逾500家", 500, "家", "count", 500, "over", "500家"),
    ("超过了340家", 340, "家", "count", 340, "over", "340家"),
    ("近1900万平方米", 1900, "万平方米", "m2", 19_000_000, "nearly", "1900万平方米"),
    ("接近100%", 100, "%", "percent", 100, "nearly", "100%"),
    ("约4.9万亿元", 4.9, "万亿元", "yuan", 4_900_000_000_000, "about", "4.9万亿元"),
    ("不足3%", 3, "%", "percent", 3, "less than", "3%"),
    ("66万余家", 66, "万家", "count", 660_000, "over", "66万余家"),
    ("400多家", 400, "家", "count", 400, "over", "400多家"),
    ("30余项", 30, "项", "count", 30, "over", "30余项"),
    ("40%以上", 40, "%", "percent", 40, "over", "40%"),
    ("2.6个百分点", 2.6, "pp", "percent", 2.6, None, "2.6个百分点"),
    ("1,234.5亿元", 1234.5, "亿元", "yuan", 123_450_000_000, None, "1,234.5亿元"),
    # full-width digits, point, per cent and letters (NFKC)
    ("３３７．７万个", 337.7, "万个", "count", 3_377_000, None, "337.7万个"),
    ("超过８１０万　标准机架", 810, "万标准机架", "count", 8_100_000, "over", "810万标准机架"),
    ("９５．３６Ｔｂｐｓ", 95.36, "Tbps", "gbps", 95_360, None, "95.36Tbps"),
    ("０．００３８％", 0.0038, "%", "percent", 0.0038, None, "0.0038%"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "value", "unit", "base_unit", "value_base", "qualifier", "raw"), FIGURES
)
def test_parse_zh_figure(
    text: str,
    value: float,
    unit: str,
    base_unit: str,
    value_base: float,
    qualifier: str | None,
    raw: str,
) -> None:
    figure = parse_zh_figure(text)
    assert figure.value == pytest.approx(value, rel=1e-12)
    assert figure.unit == unit
    assert figure.base_unit == base_unit
    assert figure.value_base == pytest.approx(value_base, rel=1e-12)
    assert figure.qualifier == qualifier
    assert figure.raw == raw


@pytest.mark.parametrize(
    ("text", "base_unit", "expected"),
    [
        ("7.78亿", "persons", 778_000_000),  # a bare figure is a count of any kind …
        ("1.15万亿", "yuan", 1_150_000_000_000),  # … or yuan (market sizes print no 元)
        ("11.36亿个", "ports", 1_136_000_000),  # a counter word fits every count base
        ("5.21亿人", "count", 521_000_000),
        ("6432万千米", "km", 64_320_000),
    ],
)
def test_to_base_accepts_compatible_units(text: str, base_unit: str, expected: float) -> None:
    assert parse_zh_figure(text).to_base(base_unit) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("text", "base_unit"),
    [("46.1%", "count"), ("95.36Tbps", "km"), ("5784亿元", "count"), ("337.7万个", "yuan")],
)
def test_to_base_refuses_incompatible_units(text: str, base_unit: str) -> None:
    with pytest.raises(ValueError):
        parse_zh_figure(text).to_base(base_unit)


@pytest.mark.parametrize(
    "text", ["", "百亿", "近百亿", "abc", "5G", "337.7万个以及", "2/3", "↑46.1%", "46.1%%"]
)
def test_unparseable_figures_raise_one_line(text: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_zh_figure(text)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "value", "raw"),
    [
        ("↑46.1%", 46.1, "↑46.1%"),
        ("↓3.2%", -3.2, "↓3.2%"),
        ("同比增长46.1%", 46.1, "同比增长46.1%"),
        ("同比下降3.2%", -3.2, "同比下降3.2%"),
        ("同比增速为35.2%", 35.2, "同比增速为35.2%"),
        ("增长11%", 11, "增长11%"),
        ("↑４６．１％", 46.1, "↑46.1%"),
    ],
)
def test_parse_zh_change(text: str, value: float, raw: str) -> None:
    change = parse_zh_change(text)
    assert (change.value, change.unit, change.raw) == (pytest.approx(value), "%", raw)


@pytest.mark.parametrize("text", ["↑46.1", "46.1%", "增长2.6个百分点", "↑"])
def test_unparseable_changes_raise(text: str) -> None:
    with pytest.raises(ValueError):
        parse_zh_change(text)


def test_technology_names_years_and_fractions_are_not_quantities() -> None:
    text = normalise("5G基站、IPv6、400G全光网、以6G、2023年12月、约占1/7、达到2/3以上、5G/6G")
    assert [f.raw for f in find_zh_figures(text) if f.is_quantity] == []


def test_clean_line_drops_bold_bullets_and_cjk_spaces() -> None:
    assert clean_line("- **产业规模：**我国人工智能") == "产业规模：我国人工智能"
    assert clean_line("➤ 2023年，我国") == "2023年，我国"
    assert clean_line("- ◆ 工业和信息化部") == "工业和信息化部"
    assert clean_line("超过810万 标") == "超过810万标"
    assert clean_line("5G RedCap产业") == "5G RedCap产业"


# --------------------------------------------------------------------------------------------
# Periods
# --------------------------------------------------------------------------------------------

NO_DATE = D(2099, 12, 31)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("截至2023年底，5G基站数达", D(2023, 12, 31)),
        ("2023年，全年网上零售额", D(2023, 12, 31)),
        ("截至2024年3月，全球人工智能企业超过", D(2024, 3, 31)),
        ("截止2024年3月，已有", D(2024, 3, 31)),
        ("截至2023年8月，我国已有", D(2023, 8, 31)),
        ("2004年至2024年3月31日期间，量子计算领域", D(2024, 3, 31)),
        ("2013年至2023年9月，全球人工智能专利累计申请量超", D(2023, 9, 30)),
        ("2024年上半年，", D(2024, 6, 30)),
        ("2024年第三季度，", D(2024, 9, 30)),
        ("截至6月底，", D(2099, 6, 30)),
        ("云计算市场规模达6165亿元，较2022年", NO_DATE),
        ("根据《2023年全国广播电视行业统计公报》，", NO_DATE),
        ("实施《工业互联网创新发展行动计划（2021-2023年）》的", NO_DATE),
    ],
)
def test_period_before(text: str, expected: datetime.date) -> None:
    assert period_before(normalise(text), NO_DATE) == expected


# --------------------------------------------------------------------------------------------
# KPI cards: the PDF's card layout and the text dump's line-per-field layout
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_all_eight_cards_are_found(fmt: str, documents: dict[str, Document]) -> None:
    cards = find_cards(content_lines(documents[fmt]))
    assert [card.label for card in cards] == CARD_LABELS
    assert [compact(card.value) for card in cards][:2] == ["337.7万个", "超过810万标准机架"]
    assert [card.change for card in cards][-1] == "↑26.4%"
    assert all(any(rule.label.fullmatch(card.label) for rule in CARD_RULES) for card in cards)


def test_cards_give_the_same_rows_from_pdf_and_text(mentions: dict[str, list[Mention]]) -> None:
    def card_rows(found: list[Mention]) -> list[tuple[str | None, float, str, str]]:
        return [
            (m.named, m.fact.value, m.fact.unit, m.fact.raw)
            for m in found
            if compact(m.fact.quote).split("↑")[0].startswith(tuple(CARD_LABELS))
            and "↑" in m.fact.quote
        ]

    pdf, txt = card_rows(mentions["pdf"]), card_rows(mentions["txt"])
    assert len(pdf) == 16
    assert pdf == txt


# --------------------------------------------------------------------------------------------
# The 2024 report against the hand-typed golden file
# --------------------------------------------------------------------------------------------


def test_golden_file_covers_cards_and_sentences(golden: dict[Key, GoldenRow]) -> None:
    card_rows = [key for key in golden if key[2].startswith("↑")]
    assert len(card_rows) == 8
    assert len(golden) - 16 >= 25


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_golden_row_is_found_and_equal(
    fmt: str, mentions: dict[str, list[Mention]], golden: dict[Key, GoldenRow]
) -> None:
    units = base_units()
    got: dict[Key, list[Mention]] = {}
    for item in mentions[fmt]:
        got.setdefault(key_of(item), []).append(item)
    missing = sorted(key for key in golden if key not in got)
    assert not missing, f"{fmt}: golden rows not extracted: {missing}"
    for key, row in golden.items():
        for item in got[key]:
            fact = item.fact
            where = f"{fmt} {key} (page {fact.page}, line {fact.line})"
            assert math.isclose(fact.value, row.value, rel_tol=1e-12), where
            assert fact.unit == row.unit, where
            assert math.isclose(fact.value_base, row.value_base, rel_tol=1e-12), where
            assert fact.qualifier == row.qualifier, where
            expected_id = key[0] if key[0] in units else None
            assert fact.indicator_id == expected_id, where


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_named_figure_is_in_the_golden_file(
    fmt: str, mentions: dict[str, list[Mention]], golden: dict[Key, GoldenRow]
) -> None:
    extra = sorted({key_of(m) for m in mentions[fmt] if m.named} - golden.keys())
    assert not extra, f"{fmt}: named figures missing from the golden file: {extra}"


@pytest.mark.parametrize("fmt", FORMATS)
def test_unnamed_figures_are_kept_and_documented(
    fmt: str, mentions: dict[str, list[Mention]]
) -> None:
    unnamed = [m.fact for m in mentions[fmt] if m.named is None]
    assert tuple(f.raw for f in unnamed) == DOCUMENTED_UNMATCHED, [f.quote for f in unnamed]
    assert all(f.indicator_id is None and f.quote for f in unnamed)


def test_pdf_and_text_give_the_same_facts(mentions: dict[str, list[Mention]]) -> None:
    def keys(found: list[Mention]) -> Counter[tuple[str | None, str | None, datetime.date, float]]:
        return Counter(
            (m.fact.indicator_id, m.named, m.fact.period_end, m.fact.value) for m in found
        )

    assert keys(mentions["pdf"]) == keys(mentions["txt"])
    assert {(m.fact.indicator_id, m.fact.period_end, m.fact.value) for m in mentions["pdf"]} == {
        (m.fact.indicator_id, m.fact.period_end, m.fact.value) for m in mentions["txt"]
    }


@pytest.mark.parametrize("fmt", FORMATS)
def test_quotes_and_locations(
    fmt: str, mentions: dict[str, list[Mention]], documents: dict[str, Document]
) -> None:
    doc = documents[fmt]
    for fact in (m.fact for m in mentions[fmt]):
        assert fact.raw and compact(fact.raw) in compact(fact.quote), fact
        assert fact.raw in fact.quote, fact  # the schema's check, without whitespace help
        assert "\n" not in fact.quote, fact
        digits = re.search(r"\d[\d.,]*", fact.raw)
        assert digits is not None, fact
        if fmt == "pdf":
            assert fact.line is None and fact.page is not None, fact
            assert digits[0] in compact(doc.pages[fact.page - 1]), fact
        else:
            assert fact.page is None and fact.line is not None, fact
            assert digits[0] in doc.lines[fact.line - 1], fact


@pytest.mark.parametrize("fmt", FORMATS)
def test_changes_are_separate_facts_with_the_figures_period(
    fmt: str, mentions: dict[str, list[Mention]]
) -> None:
    facts = [m.fact for m in mentions[fmt]]
    quantum = [f for f in facts if (f.indicator_id or "").startswith("quantum_")]
    assert {f.period_end for f in quantum} == {D(2024, 3, 31)}
    yoy = [f for f in facts if (f.indicator_id or "").endswith("_yoy_pct")]
    assert len(yoy) == 8 + 13
    assert all(f.unit == "%" and f.value_base == f.value for f in yoy)
    stations = [f for f in facts if f.indicator_id == "base_stations_5g_yoy_pct"]
    assert [(f.raw, f.value) for f in stations] == [("↑46.1%", 46.1), ("同比增长46.1%", 46.1)]


def test_the_report_contradicts_itself(mentions: dict[str, list[Mention]]) -> None:
    """Kept as printed (the pipeline flags them as errata when it consolidates)."""
    facts = [m.fact for m in mentions["txt"]]

    def raws(indicator: str) -> list[str]:
        return [f.raw for f in facts if f.indicator_id == indicator]

    assert raws("ai_core_industry_yoy_pct") == ["↑13.9%", "同比增长18%"]
    assert raws("online_literature_users") == ["5.21亿人", "5.37亿"]
    assert raws("private_networks_5g") == ["3.16万个", "2.9万个"]


# --------------------------------------------------------------------------------------------
# Generality: an edited copy (other numbers and dates, cards in another order), unknown figures
# --------------------------------------------------------------------------------------------

NUMBER_EDITS = {
    "337.7万个": "351.2万个",
    "46.1%": "44.0%",
    "810万": "902万",
    "5784亿元": "6120亿元",
    "↑26.4%": "↓1.5%",
    "7.78亿": "8.01亿",
    "95.36Tbps": "101.5Tbps",
    "0.0038%": "0.0041%",
    "5.21亿人": "5.5亿人",
    "2.49万亿元和0.59万亿元": "2.71万亿元和0.64万亿元",
    "截至2023年底": "截至2024年6月底",
    "截至2023年8月": "截至2024年2月",
}
EDITED_EXPECTED: dict[tuple[str, datetime.date, str], tuple[float, str, str | None]] = {
    ("base_stations_5g", D(2023, 12, 31), "351.2万个"): (351.2, "万个", None),  # card
    ("base_stations_5g", D(2024, 6, 30), "351.2万个"): (351.2, "万个", None),  # sentence
    ("base_stations_5g_yoy_pct", D(2024, 6, 30), "同比增长44.0%"): (44.0, "%", None),
    ("data_center_racks", D(2023, 12, 31), "902万标准机架"): (902, "万标准机架", "over"),
    ("ai_core_industry_yuan", D(2023, 12, 31), "6120亿元"): (6120, "亿元", None),
    ("cellular_iot_terminal_users_yoy_pct", D(2023, 12, 31), "↓1.5%"): (-1.5, "%", None),
    ("active_ipv6_users", D(2023, 12, 31), "8.01亿"): (8.01, "亿", None),
    ("international_bandwidth_gbps", D(2023, 12, 31), "101.5Tbps"): (101.5, "Tbps", None),
    ("ipv6_packet_loss_pct", D(2023, 12, 31), "0.0041%"): (0.0041, "%", None),
    ("online_literature_users", D(2023, 12, 31), "5.5亿人"): (5.5, "亿人", None),
    ("rural_online_retail_sales_yuan", D(2023, 12, 31), "2.71万亿元"): (2.71, "万亿元", None),
    ("agricultural_online_retail_sales_yuan", D(2023, 12, 31), "0.64万亿元"):
        (0.64, "万亿元", None),
    ("open_datasets", D(2024, 2, 29), "345853个"): (345853, "个", None),
}  # fmt: skip


def edited_report(text: str) -> str:
    """The KPI cards in reverse order, other numbers and dates."""
    lines = text.split("\n")
    first = lines.index("5G基站")
    ends = [i for i, line in enumerate(lines) if line.startswith("↑") and i > first]
    starts = [first] + [end + 1 for end in ends[:-1]]
    blocks = [lines[start : end + 1] for start, end in zip(starts, ends, strict=True)]
    assert len(blocks) == 8
    lines[first : ends[-1] + 1] = [line for block in reversed(blocks) for line in block]
    edited = "\n".join(lines)
    for old, new in NUMBER_EDITS.items():
        assert old in edited, old
        edited = edited.replace(old, new)
    return edited


def test_edited_report_gives_the_edited_figures(documents: dict[str, Document]) -> None:
    original = documents["txt"]
    doc = parse_document("edited.txt", edited_report(original.text).encode("utf-8"))
    found = extract_isc_mentions(doc, recognise(doc))
    got = {key_of(m): m.fact for m in found}
    for key, (value, unit, qualifier) in EDITED_EXPECTED.items():
        assert key in got, key
        fact = got[key]
        assert (fact.value, fact.unit, fact.qualifier) == (pytest.approx(value), unit, qualifier)
    cards = find_cards(content_lines(doc))
    assert [card.label for card in cards] == CARD_LABELS[::-1]
    named = {m.named for m in found}
    assert named == {m.named for m in extract_isc_mentions(original, recognise(original))}


def test_unknown_figures_are_kept_unmatched() -> None:
    text = (
        "中国互联网发展报告（2025）\n\n"
        "智能音箱\n\n1.2亿台\n\n↑8.0%\n\n"
        "- 截至2024年6月，智能音箱用户规模达1.25亿人，同比增长3.5%。\n"
        "- IPv6活跃用户数达到8.1亿。\n"
    )
    doc = parse_document("synthetic.txt", text.encode("utf-8"))
    edition = Edition("isc", "zh", 2025, None, D(2024, 12, 31))
    facts = extract_isc_facts(doc, edition)
    assert [(f.indicator_id, f.period_end, f.value, f.unit, f.raw, f.line) for f in facts] == [
        (None, D(2024, 12, 31), 1.2, "亿台", "1.2亿台", 5),
        (None, D(2024, 12, 31), 8.0, "%", "↑8.0%", 7),
        (None, D(2024, 6, 30), 1.25, "亿人", "1.25亿人", 9),
        (None, D(2024, 6, 30), 3.5, "%", "同比增长3.5%", 9),
        ("active_ipv6_users", D(2024, 12, 31), 8.1, "亿", "8.1亿", 10),
    ]
    assert facts[0].quote == "智能音箱 1.2亿台 ↑8.0%"
    assert facts[2].value_base == 125_000_000.0
    assert facts[2].quote == "截至2024年6月，智能音箱用户规模达1.25亿人，同比增长3.5%。"


def test_full_width_text_reads_like_ascii_and_keeps_its_print() -> None:
    text = "- 截至２０２４年６月，５Ｇ基站数达３５０．１万个，同比增长１０．０％。\n"
    doc = parse_document("full-width.txt", text.encode("utf-8"))
    facts = extract_isc_facts(doc, Edition("isc", "zh", 2025, None, D(2024, 12, 31)))
    assert [(f.indicator_id, f.period_end, f.value, f.unit, f.raw) for f in facts] == [
        ("base_stations_5g", D(2024, 6, 30), 350.1, "万个", "３５０．１万个"),
        ("base_stations_5g_yoy_pct", D(2024, 6, 30), 10.0, "%", "同比增长１０．０％"),
    ]
    assert facts[0].value_base == 3_501_000.0
    assert all(f.raw in f.quote for f in facts)


# --------------------------------------------------------------------------------------------
# Rules, vocabulary, registration
# --------------------------------------------------------------------------------------------


def rule_ids() -> set[str]:
    ids: set[str] = set()
    for rule in RULES:
        ids |= {indicator for _, indicator, _ in rule.slots}
        ids |= {yoy for _, _, yoy in rule.slots if yoy}
        ids |= {indicator for _, indicator in rule.items}
    for card in CARD_RULES:
        ids |= {card.indicator} | ({card.yoy} if card.yoy else set())
    return ids


def test_rules_are_declarative() -> None:
    patterns = [rule.pattern for rule in RULES] + [card.label.pattern for card in CARD_RULES]
    for pattern in patterns:
        # located by words, never by this edition's dates or values
        assert not re.search(r"20\d\d|\d+\.\d+|\d{3,}", pattern), pattern


def test_rule_ids_are_in_the_vocabulary(golden: dict[Key, GoldenRow]) -> None:
    units = base_units()
    assert rule_ids() <= set(units), sorted(rule_ids() - set(units))
    assert {key[0] for key in golden} <= rule_ids()
    for (indicator, _, raw), row in golden.items():
        # the printed unit converts to the vocabulary's base unit
        figure = parse_zh_change(raw) if row.unit == "%" and raw[0] in "↑同增" else None
        figure = figure or parse_zh_figure(f"{row.value}{row.unit}")
        assert figure.to_base(units[indicator]) == pytest.approx(row.value_base), indicator


def test_new_vocabulary_rows_are_named_in_both_languages() -> None:
    vocabulary = load_vocabulary().set_index("indicator_id")
    for indicator in rule_ids() & set(vocabulary.index):
        row = vocabulary.loc[indicator]
        assert row["name_en"].strip() and row["name_zh"].strip(), indicator
        if indicator.endswith(("_pct", "_yoy_pct")):
            assert row["base_unit"] == "percent", indicator


def test_isc_text_section_is_registered() -> None:
    specs = specs_for("isc", "zh")
    assert [spec.id for spec in specs] == ["isc_text"]
    spec = specs[0]
    assert isinstance(spec, TextSpec)
    assert spec.dataset == "indicators" and spec.source_kind == "isc"
    assert spec.facts is extract_isc_facts
    doc = parse_document("s.txt", "- IPv6活跃用户数达到8.1亿。\n".encode())
    facts = spec.facts(doc, Edition("isc", "zh", 2025, None, D(2024, 12, 31)))
    assert [(f.indicator_id, f.value_base) for f in facts] == [("active_ipv6_users", 810_000_000)]
    assert all(isinstance(f, Fact) for f in facts)
