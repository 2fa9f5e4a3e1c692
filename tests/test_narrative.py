"""Narrative indicators: figures the CNNIC 54th English report states only in sentences.

The golden file ``tests/golden/cnnic-54-en/indicators.csv`` was typed by hand from the printed
report (Core Data, Chapters I and II, and the application user counts and shares of Chapter III),
one row per distinct (indicator_id, period_end). Conventions:

- Where the report states a figure more than once, the golden holds the most precisely printed
  mention; every other mention must agree with it within its own printed rounding (broadband
  ports: "1.17 billion" in the Chapter I summary, "1.169 billion" in section (IV) → 1.169).
- "nearly 1.1 billion (1.09967 billion)" is one mention: the bracketed precise figure, with no
  qualifier. "had approached 20 million" is qualifier "nearly".
- The male:female ratio "50.8:49.2" gives two rows with unit "ratio" (base value = percent share).
- Active IPv6 users are dated 2024-05-31 everywhere: "By June 2024, … with 794 million⁴ active
  IPv6 users" carries footnote 4, "based on data available by the end of May 2024".
- Changes ("an increase of 7.42 million"), growth rates, percentage-point changes, ranges ("between
  7% and 8%"), footnote figures (footnote 20's 795.22 / 304.45 million) and Chapter III market
  figures are not narrative indicators here and are not in the golden file.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import math
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from extractors.document import Document, load_document, parse_document
from extractors.edition import Edition
from extractors.figures.dates import footnote_date, opening_date, postfix_date
from extractors.figures.facts import Fact, consolidate
from extractors.figures.numbers import parse_figure
from extractors.kinds import source_kind
from extractors.readers.report_body import clean_line
from extractors.readers.report_body import report_facts as extract_facts
from extractors.recognise import recognise
from extractors.vocabulary import base_units, load_vocabulary, read_vocabulary_text
from tests.conftest import GOLDEN, REPORTS

GOLDEN_FILE = GOLDEN / "indicators.csv"
FORMATS = ("pdf", "txt")
# (indicator_id, period_end) the extractor may report beyond the golden file, with the reason.
DOCUMENTED_EXTRA: dict[tuple[str, datetime.date], str] = {}
# Raw figures of statements no rule knows (indicator_id None) the 54th edition is expected to give.
DOCUMENTED_UNMATCHED: tuple[str, ...] = ()
D = datetime.date

Key = tuple[str, datetime.date]


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
            key = (row["indicator_id"], D.fromisoformat(row["period_end"]))
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
    return {fmt: load_document(Path(REPORTS[fmt])) for fmt in FORMATS}


@pytest.fixture(scope="module")
def facts(documents: dict[str, Document]) -> dict[str, list[Fact]]:
    return {fmt: extract_facts(doc, recognise(doc)) for fmt, doc in documents.items()}


@pytest.fixture(scope="module")
def golden() -> dict[Key, GoldenRow]:
    return read_golden()


# --------------------------------------------------------------------------------------------
# Numbers, units, qualifiers
# --------------------------------------------------------------------------------------------

FIGURES = [
    # text, value, unit, base unit, value_base, qualifier, raw
    ("1.09967 billion", 1.09967, "billion", "persons", 1_099_670_000, None, "1.09967 billion"),
    ("304 million", 304, "million", "persons", 304_000_000, None, "304 million"),
    ("3.917 million", 3.917, "million", "count", 3_917_000, None, "3.917 million"),
    ("78.0%", 78.0, "%", "percent", 78.0, None, "78.0%"),
    ("29.0 hours", 29.0, "hours", "hours", 29.0, None, "29.0 hours"),
    ("160.4 billion GB", 160.4, "billion GB", "gb", 160_400_000_000, None, "160.4 billion GB"),
    ("18.15 GB", 18.15, "GB", "gb", 18.15, None, "18.15 GB"),
    ("69,080 blocks /32", 69080, "blocks/32", "blocks_32", 69080, None, "69,080 blocks /32"),
    ("67.12 million kilometers", 67.12, "million kilometers", "km", 67_120_000, None, None),
    ("170 thousand", 170, "thousand", "count", 170_000, None, "170 thousand"),
    ("265,000 from", 265_000, "", "count", 265_000, None, "265,000"),
    ("approximately 60.9%", 60.9, "%", "percent", 60.9, "approximately", "60.9%"),
    ("more than  5 million", 5, "million", "persons", 5_000_000, "more than", "5 million"),
    ("nearly 1.1 billion (1.09967 billion)", 1.09967, "billion", "persons", 1_099_670_000, None,
     "1.09967 billion"),
    # footnote markers glued to a unit are never part of the number or the unit
    ("794 million⁴ active IPv6 users", 794, "million", "persons", 794_000_000, None, "794 million"),
    ("794 million4 active IPv6 users", 794, "million", "persons", 794_000_000, None, "794 million"),
    ("accounting for 64.56%1 of mobile", 64.56, "%", "percent", 64.56, None, "64.56%"),
    ("31.87 million5\n, of which", 31.87, "million", "count", 31_870_000, None, "31.87 million"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "value", "unit", "base_unit", "value_base", "qualifier", "raw"), FIGURES
)
def test_parse_figure(
    text: str,
    value: float,
    unit: str,
    base_unit: str,
    value_base: float,
    qualifier: str | None,
    raw: str | None,
) -> None:
    figure = parse_figure(text)
    assert figure.value == pytest.approx(value, rel=1e-12)
    assert figure.unit == unit
    assert figure.to_base(base_unit) == pytest.approx(value_base, rel=1e-12)
    assert figure.qualifier == qualifier
    assert figure.raw == (raw or text)


def test_glued_footnote_is_recorded_not_read() -> None:
    assert parse_figure("794 million⁴ active").footnote == 4
    assert parse_figure("794 million4 active").footnote == 4
    assert parse_figure("64.56%1 of").footnote == 1
    assert parse_figure("304 million, accounting").footnote is None


@pytest.mark.parametrize(("text", "base_unit"), [("78.0%", "persons"), ("304 million", "percent")])
def test_incompatible_unit_is_refused(text: str, base_unit: str) -> None:
    with pytest.raises(ValueError):
        parse_figure(text).to_base(base_unit)


def test_clean_line_fixes_ocr_bullets_and_markers() -> None:
    assert clean_line("- Sy June 2024, the number")[0] == "\nBy June 2024, the number"
    assert clean_line("- ♦ By June 2024, the")[0] == "\nBy June 2024, the"
    assert clean_line("users. - ♦ By June 2024")[0] == "users.\nBy June 2024"
    assert clean_line("with 794 million4 active IPv6 users") == (
        "with 794 million active IPv6 users",
        ((16, 4),),
    )
    assert clean_line("with 794 million⁴ active") == ("with 794 million active", ((16, 4),))
    assert clean_line("the number of IPv6 addresses") == ("the number of IPv6 addresses", ())
    assert clean_line("$.CN^{11}$ domain names")[0] == ".CN domain names"
    assert clean_line("year-on\ufffeyear24")[0] == "year-on-year"


# --------------------------------------------------------------------------------------------
# Periods
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("By June 2024, the number of Internet users", D(2024, 6, 30)),
        (clean_line("Sy June 2024, the number of")[0], D(2024, 6, 30)),
        ("By May 2024, the number of active IPv6 users", D(2024, 5, 31)),
        ("By the end of May, the number of active users", D(2024, 5, 31)),
        ("As of June, the user size of mini-dramas reached", D(2024, 6, 30)),
        ("In the first half of 2024, the mobile Internet access traffic", D(2024, 6, 30)),
        ("Among the new Internet users in the first half of the year, those", D(2024, 6, 30)),
        ("as of June 30, 2024, a total of", D(2024, 6, 30)),
        ("December 2023 figures, the", None),
        ("an increase of 7.42 million compared to December 2023, with", None),
        ("777 million, 39.12 million fewer compared with in December 2023, and", None),
        ("a decrease of 2.7 percentage points from December 2023; the", None),
        ("By June 2024, … increased from 32.5% in December 2023 to ", D(2024, 6, 30)),
    ],
)
def test_opening_date(text: str, expected: datetime.date | None) -> None:
    assert opening_date(text, 2024) == expected


def test_postfix_and_footnote_dates() -> None:
    assert postfix_date("from 32.5% in December 2023 to 33.3%", 10, 2024) == D(2023, 12, 31)
    assert postfix_date("from 32.5% to 33.3%", 10, 2024) is None
    note = (
        "The number for active IPv6 users here is based on data available by the end of May 2024."
    )
    assert footnote_date(note, 2024) == D(2024, 5, 31)
    assert footnote_date("Source: Ministry of Industry, July 23, 2024.", 2024) is None


# --------------------------------------------------------------------------------------------
# The 54th edition against the hand-typed golden file
# --------------------------------------------------------------------------------------------


def by_key(found: list[Fact]) -> dict[Key, Fact]:
    kept, _ = consolidate(found)
    return {(fact.indicator_id or "", fact.period_end): fact for fact in kept}


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_golden_row_is_found_and_equal(
    fmt: str, facts: dict[str, list[Fact]], golden: dict[Key, GoldenRow]
) -> None:
    got = by_key(facts[fmt])
    missing = sorted(key for key in golden if key not in got)
    assert not missing, f"{fmt}: golden rows not extracted: {missing}"
    for key, row in golden.items():
        fact = got[key]
        where = f"{fmt} {key[0]} {key[1]} ({fact.raw!r}, page {fact.page}, line {fact.line})"
        assert math.isclose(fact.value, row.value, rel_tol=1e-12), where
        assert fact.unit == row.unit, where
        assert math.isclose(fact.value_base, row.value_base, rel_tol=1e-12), where
        assert fact.qualifier == row.qualifier, where


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_mention_agrees_within_its_rounding(fmt: str, facts: dict[str, list[Fact]]) -> None:
    _, conflicts = consolidate(facts[fmt])
    assert not conflicts, [(a.raw, b.raw, b.quote) for a, b in conflicts]


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_undocumented_extras(
    fmt: str, facts: dict[str, list[Fact]], golden: dict[Key, GoldenRow]
) -> None:
    keys = {(f.indicator_id, f.period_end) for f in facts[fmt] if f.indicator_id is not None}
    assert keys - golden.keys() == set(DOCUMENTED_EXTRA)
    unmatched = tuple(f.raw for f in facts[fmt] if f.indicator_id is None)
    assert unmatched == DOCUMENTED_UNMATCHED, [f.quote for f in facts[fmt] if not f.indicator_id]


@pytest.mark.parametrize("fmt", FORMATS)
def test_quotes_and_locations(
    fmt: str, facts: dict[str, list[Fact]], documents: dict[str, Document]
) -> None:
    doc = documents[fmt]
    lines = doc.lines
    for fact in facts[fmt]:
        assert fact.quote.strip() and fact.raw in fact.quote, fact
        assert "\n" not in fact.quote and "  " not in fact.quote, fact
        number = re.match(r"[\d.,]+", fact.raw)
        assert number is not None, fact
        if fmt == "pdf":
            assert fact.line is None and fact.page is not None, fact
            assert number[0] in doc.pages[fact.page - 1], fact
        else:
            assert fact.page is None and fact.line is not None, fact
            assert number[0] in lines[fact.line - 1], fact


def test_pdf_and_text_give_the_same_facts(facts: dict[str, list[Fact]]) -> None:
    def counted(found: list[Fact]) -> Counter[tuple[str | None, datetime.date, float, str]]:
        return Counter((f.indicator_id, f.period_end, f.value, f.unit) for f in found)

    assert counted(facts["pdf"]) == counted(facts["txt"])


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_mention_is_one_fact(fmt: str, facts: dict[str, list[Fact]]) -> None:
    # Core Data, the Chapter II summary and Chapter II (I) each state the number of users.
    users = [f for f in facts[fmt] if f.indicator_id == "internet_users"]
    assert len(users) == 3
    assert {f.raw for f in users} == {"1.09967 billion"}
    assert all(f.quote.count("1.09967 billion") == 1 for f in users)


def test_ocr_slip_in_text_dump(
    facts: dict[str, list[Fact]], documents: dict[str, Document]
) -> None:
    lines = documents["txt"].lines
    slipped = [
        f for f in facts["txt"] if f.line and lines[f.line - 1].lstrip("- ").startswith("Sy")
    ]
    assert len(slipped) >= 10
    assert all(f.period_end == D(2024, 6, 30) for f in slipped)
    assert sum(f.quote.startswith("By June 2024") for f in slipped) >= 10
    assert not any("Sy June" in f.quote for f in facts["txt"])


@pytest.mark.parametrize("fmt", FORMATS)
def test_footnote_marker_glued_to_figure(fmt: str, facts: dict[str, list[Fact]]) -> None:
    glued = [f for f in facts[fmt] if f.indicator_id == "active_ipv6_users" and "IPv4" in f.quote]
    assert [(f.raw, f.unit, f.value, f.period_end) for f in glued] == [
        ("794 million", "million", 794.0, D(2024, 5, 31))
    ]
    rural = [f for f in facts[fmt] if f.indicator_id == "rural_internet_users"]
    assert {(f.raw, f.value_base) for f in rural} == {("304 million", 304_000_000.0)}


# --------------------------------------------------------------------------------------------
# Generality: an edited copy with other numbers, dates and bullet order
# --------------------------------------------------------------------------------------------

NUMBER_EDITS = {
    "1.09967 billion": "1.11234 billion",
    "78.0%": "79.1%",
    "304 million": "311 million",
    "27.7%": "28.2%",
    "34.2%": "35.9%",
    "69,080 blocks": "71,234 blocks",
    "1.078 billion": "1.083 billion",
    "160.4 billion GB": "171.9 billion GB",
    "29.0 hours": "30.5 hours",
    "3.917 million": "4.105 million",
    "50.8:49.2": "51.1:48.9",
    "553 million": "561 million",
    "85.3%": "86.0%",
}
EDITED_EXPECTED: dict[Key, tuple[float, str]] = {
    ("internet_users", D(2024, 12, 31)): (1.11234, "billion"),
    ("internet_penetration_pct", D(2024, 12, 31)): (79.1, "%"),
    ("rural_internet_users", D(2024, 12, 31)): (311, "million"),
    ("rural_users_share_pct", D(2024, 12, 31)): (28.2, "%"),
    ("desktop_access_share_pct", D(2024, 12, 31)): (35.9, "%"),
    ("ipv6_blocks_32", D(2024, 12, 31)): (71234, "blocks/32"),
    ("instant_messaging_users", D(2024, 12, 31)): (1.083, "billion"),
    ("mobile_traffic_gb", D(2024, 6, 30)): (171.9, "billion GB"),  # "In the first half of 2024"
    ("weekly_online_hours", D(2024, 12, 31)): (30.5, "hours"),
    ("base_stations_5g", D(2024, 12, 31)): (4.105, "million"),
    ("base_stations_5g", D(2024, 6, 30)): (4.105, "million"),  # "By June, …" (no year)
    ("male_users_share_pct", D(2024, 12, 31)): (51.1, "ratio"),
    ("female_users_share_pct", D(2024, 12, 31)): (48.9, "ratio"),
    ("online_meal_ordering_users", D(2024, 12, 31)): (561, "million"),
    ("urban_penetration_pct", D(2024, 12, 31)): (86.0, "%"),
    ("age_50_plus_share_pct", D(2024, 6, 30)): (32.5, "%"),  # "from 32.5% in June 2024"
    ("age_50_plus_share_pct", D(2024, 12, 31)): (33.3, "%"),
    ("active_ipv6_users", D(2024, 5, 31)): (794, "million"),  # dated by its footnote
}


def edited_report(text: str) -> str:
    """Core Data bullets in reverse order, other numbers, six months later."""
    lines = text.split("\n")
    start = lines.index("Core Data")
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("Chapter I "))
    bullets = [i for i in range(start, end) if lines[i].startswith("- ") and lines[i].endswith(".")]
    reordered = [lines[i] for i in reversed(bullets)]
    for index, line in zip(bullets, reordered, strict=True):
        lines[index] = line
    edited = "\n".join(lines)
    for old, new in NUMBER_EDITS.items():
        assert old in edited, old
        edited = edited.replace(old, new)
    edited = edited.replace("June 2024", "\x00").replace("December 2023", "June 2024")
    return edited.replace("\x00", "December 2024")


def test_edited_report_gives_the_edited_figures(documents: dict[str, Document]) -> None:
    original = documents["txt"]
    text = edited_report(original.text)
    assert text.index("Internet healthcare users") < text.index("the number of Internet users")
    doc = parse_document("edited.txt", text.encode("utf-8"))
    edition = dataclasses.replace(recognise(original), period_end=D(2024, 12, 31))
    found = extract_facts(doc, edition)
    got = by_key(found)
    for key, (value, unit) in EDITED_EXPECTED.items():
        assert key in got, key
        assert (got[key].value, got[key].unit) == (pytest.approx(value), unit), key
    _, conflicts = consolidate(found)
    assert not conflicts, [(a.raw, b.raw) for a, b in conflicts]
    assert {f.indicator_id for f in found} == {
        f.indicator_id for f in extract_facts(original, recognise(original))
    }


def test_unknown_statement_is_kept_unmatched() -> None:
    text = (
        "Core Data\n\n"
        "- By June 2024, the number of Internet users in China had reached 1.2 billion.\n"
        "- By March 2024, the number of smart speaker users in China had reached 12.5 million.\n"
    )
    doc = parse_document("synthetic.txt", text.encode("utf-8"))
    edition = Edition("cnnic", "en", 99, D(2024, 8, 1), D(2024, 6, 30))
    found = extract_facts(doc, edition)
    assert [(f.indicator_id, f.period_end, f.value, f.unit, f.line) for f in found] == [
        ("internet_users", D(2024, 6, 30), 1.2, "billion", 3),
        (None, D(2024, 3, 31), 12.5, "million", 4),
    ]
    assert found[1].value_base == 12_500_000.0
    assert found[1].quote.startswith("By March 2024, the number of smart speaker users")


# --------------------------------------------------------------------------------------------
# Vocabulary and rules
# --------------------------------------------------------------------------------------------


def test_vocabulary_loads_and_is_valid() -> None:
    vocabulary = load_vocabulary()
    assert isinstance(vocabulary, pd.DataFrame)
    assert list(vocabulary.columns) == [
        "indicator_id",
        "name_en",
        "name_zh",
        "base_unit",
        "description",
    ]
    assert vocabulary["indicator_id"].is_unique
    assert (vocabulary["name_zh"] != "").all()
    vocabulary.loc[0, "indicator_id"] = "changed"  # a copy: the cached vocabulary is untouched
    assert load_vocabulary().loc[0, "indicator_id"] != "changed"


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (lambda t: t.replace("online_office_users,", "online_office_share_pct,"), "duplicate"),
        (lambda t: t.replace("websites,Websites", "WebSites,Websites"), "lower_snake_case"),
        (lambda t: t.replace(",hours,", ",minutes,"), "unknown base_unit"),
        (lambda t: t.replace("base_unit,", "unit,", 1), "columns"),
    ],
)
def test_vocabulary_rejects_broken_files(edit: Callable[[str], str], reason: str) -> None:
    text = (Path(__file__).parent.parent / "extractors" / "data" / "indicators.csv").read_text(
        encoding="utf-8"
    )
    with pytest.raises(ValueError, match=reason) as caught:
        read_vocabulary_text(edit(text))
    assert "\n" not in str(caught.value)


def test_golden_ids_are_in_the_vocabulary(golden: dict[Key, GoldenRow]) -> None:
    units = base_units()
    for (indicator, _), row in golden.items():
        assert indicator in units, indicator
        expected = {"%": "percent", "ratio": "percent", "hours": "hours", "blocks/32": "blocks_32"}
        if row.unit in expected:
            assert units[indicator] == expected[row.unit], indicator


def test_rules_are_declarative_and_name_known_ids() -> None:
    units = base_units()
    for rule in source_kind("cnnic_en").rules:
        # located by words, never by this edition's dates or values
        assert not re.search(r"20\d\d|\d+\.\d+", rule.pattern), rule.id
        assert all(anchor == anchor.lower() for anchor in rule.anchors), rule.id
        ids = [template for _, template, _ in rule.slots] + [i for _, i in rule.items]
        ids += [change for _, _, change in rule.slots if change]
        for indicator in ids:
            if indicator and "{" not in indicator:
                assert indicator in units, (rule.id, indicator)
