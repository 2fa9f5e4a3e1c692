"""Locating by caption and the report's own arithmetic, on edited copies of the real text dump."""

from __future__ import annotations

import pytest

from extractors.document import parse_document
from schemas.validate import Validated
from tests.conftest import REPORTS
from tests.extraction import validate_document

TEXT = REPORTS["txt"].read_text(encoding="utf-8")
T1_BODY = (
    "Chinese mainland\t343,168,256\t20A+116B+85C\n"
    "Hong Kong\t13,127,424\t200B+79C\n"
    "Macau\t337,920\t5B+40C\n"
    "Taiwan\t35,713,536\t2A+32B+242C\n"
)
T1 = "Region\tNumber of Addresses\tEquivalence\n" + T1_BODY + "\nTable 1 Number of IPv4 Addresses\n"


def run_on(text: str) -> dict[str, Validated]:
    return validate_document(parse_document("edited.txt", text.encode("utf-8")))


def edit(*pairs: tuple[str, str]) -> str:
    text = TEXT
    for old, new in pairs:
        assert old in text, f"edit anchor not in the dump: {old!r}"
        text = text.replace(old, new)
    return text


def rows(result: Validated, label: str, value: str) -> list[tuple[str, int]]:
    return [(str(r[label]), int(r[value])) for _, r in result.frame.iterrows()]


def test_new_edition_layout_other_order_numbers_and_caption_position() -> None:
    """Caption above instead of below, rows reordered, an extra row, other numbers."""
    moved = (
        "Table 1 Number of IPv4 Addresses\n\n"
        "Region\tNumber of Addresses\tEquivalence\n"
        "Taiwan\t35,713,792\t2A+32B+243C\n"
        "Macau\t337,920\t5B+40C\n"
        "Chinese mainland\t343,233,792\t20A+117B+85C\n"
        "Hong Kong\t13,127,424\t200B+79C\n"
        "Elsewhere\t256\t1C\n"
    )
    result = run_on(edit((T1, moved)))["ipv4_by_region"]
    assert result.ok, result.structural
    assert rows(result, "region", "addresses") == [
        ("Taiwan", 35_713_792),
        ("Macau", 337_920),
        ("Chinese mainland", 343_233_792),
        ("Hong Kong", 13_127_424),
        ("Elsewhere", 256),
    ]
    assert list(result.frame["c_blocks"]) == [243, 40, 85, 79, 1]
    assert all(flags == [] for flags in result.frame["quality_flags"])


def test_missing_caption_blocks_only_that_dataset() -> None:
    results = run_on(edit(("Table 1 Number of IPv4 Addresses", "Table 1 Something else")))
    assert not results["ipv4_by_region"].ok
    assert "caption" in results["ipv4_by_region"].structural[0]
    assert results["ipv4_by_org"].ok and results["ipv6_by_region"].ok


def test_wrong_header_is_not_taken_for_the_table() -> None:
    results = run_on(
        edit(("Region\tNumber of Addresses\tEquivalence", "Region\tAddresses\tBlocks"))
    )
    assert not results["ipv4_by_region"].ok
    assert "no table of 3 columns under a header like" in results["ipv4_by_region"].structural[0]


def test_unparseable_cell_is_structural_with_its_line() -> None:
    results = run_on(edit(("Macau\t337,920\t5B+40C", "Macau\t337,920\t5B+40X")))
    failure = results["ipv4_by_region"].structural
    assert len(failure) == 1 and "line 909" in failure[0] and "5B+40X" in failure[0]


def test_wrong_cell_count_is_structural() -> None:
    results = run_on(edit(("China Telecom\t16,387\n", "China Telecom\t16,387\t12\n")))
    assert not results["ipv6_by_org"].ok
    assert "line 952: 3 cells where the table has 2" in results["ipv6_by_org"].structural[0]


def test_missing_total_row_is_structural() -> None:
    results = run_on(edit(("Total\t64,435\n", "")))
    assert not results["ipv6_by_org"].ok
    assert any("one_total_per_source" in line for line in results["ipv6_by_org"].structural)


def flags_of(result: Validated, label_column: str) -> dict[str, list[str]]:
    return {
        str(row[label_column]): list(row["quality_flags"])
        for _, row in result.frame.iterrows()
        if row["quality_flags"]
    }


def test_total_mismatch_flags_the_total_row() -> None:
    results = run_on(edit(("Others\t821 note 4\n", "Others\t822 note 4\n")))
    org = results["ipv6_by_org"]
    assert org.ok
    assert flags_of(org, "organization") == {"Total": ["erratum_parts_sum_to_total"]}
    (flag,) = org.flags
    assert flag.line == 958 and "Total 64,435 printed, rows sum to 64,436" in flag.message


def test_organisation_total_must_equal_the_mainland_row() -> None:
    results = run_on(edit(("Chinese mainland\t64,435", "Chinese mainland\t64,436")))
    assert flags_of(results["ipv6_by_org"], "organization") == {
        "Total": ["erratum_ipv6_by_org_total_equals_mainland"]
    }
    assert flags_of(results["ipv6_by_region"], "region") == {}


def test_ipv4_organisation_total_against_mainland() -> None:
    edited = edit(
        (
            "Chinese mainland\t343,168,256\t20A+116B+85C",
            "Chinese mainland\t343,168,512\t20A+116B+86C",
        )
    )
    flags = flags_of(run_on(edited)["ipv4_by_org"], "organization")
    assert flags["Total"] == ["erratum_ipv4_by_org_total_equals_mainland"]


def test_equivalence_mismatch_is_flagged_not_blocked() -> None:
    results = run_on(
        edit(
            ("China Telecom\t125,763,328\t7A+126B+255C", "China Telecom\t125,763,328\t7A+126B+254C")
        )
    )
    org = results["ipv4_by_org"]
    assert org.ok
    assert flags_of(org, "organization")["China Telecom"] == ["erratum_equivalence"]


@pytest.mark.parametrize("dataset", ["ipv4_by_org", "ipv6_by_org"])
def test_cross_checks_quiet_on_the_real_edition(dataset: str) -> None:
    result = run_on(TEXT)[dataset]
    assert not [f for f in result.flags if "total" in f.check]


def test_next_edition_application_table_other_periods_rows_and_numbers() -> None:
    """Table 4 of a later edition: other periods in the header, rows reordered, one more row."""
    text = edit(
        (
            "Dec. 2023\tRatio\tJun. 2024\tRatio\tGrowth Rate",
            "Jun. 2024\tRatio\tDec. 2024\tRatio\tGrowth Rate",
        ),
        (
            "\t(10,000)\tDec. 2023\t(10,000)\tJun. 2024",
            "\t(10,000)\tJun. 2024\t(10,000)\tDec. 2024",
        ),
        ("between Dec. 2023 and\n\nJun. 2024", "between Jun. 2024 and\n\nDec. 2024"),
        ("Instant Messaging\t105,963\t97.0%\t107,787\t98.0%\t1.7%\n", ""),
        (
            "Online Audio\t33,189\t30.4%\t31,976\t29.1%\t-3.7%\n",
            "Online Audio\t33,189\t30.4%\t31,976\t29.1%\t-3.7%\n"
            "Generative AI\t10,000\t9.2%\t22,000\t20.0%\t120.0%\n"
            "Instant Messaging\t107,787\t98.0%\t108,000\t98.2%\t0.2%\n",
        ),
    )
    result = run_on(text)["application_users"]
    assert result.ok, result.structural
    frame = result.frame
    assert frame["application"].iloc[-4:].tolist() == [
        "Generative AI",
        "Generative AI",
        "Instant Messaging",
        "Instant Messaging",
    ]
    last = frame.iloc[-2:]
    assert [d.date().isoformat() for d in last["period_end"]] == ["2024-06-30", "2024-12-31"]
    assert last["users"].tolist() == [1_077_870_000, 1_080_000_000]
    assert last["growth_pct"].iloc[1] == 0.2
    ai = frame[frame["application"] == "Generative AI"]
    assert ai["utilization_pct"].tolist() == [9.2, 20.0] and len(frame) == 32


def test_province_table_reordered_with_other_numbers() -> None:
    text = edit(
        ("Beijing\t1972\nTianjin\t1157\n", "Tianjin\t1200\n"),
        ("Xinjiang\t1950\n", "Xinjiang\t1950\nBeijing\t2001\n"),
    )
    result = run_on(text)["users_by_province"]
    assert result.ok, result.structural
    assert result.frame["province"].iloc[[0, -1]].tolist() == ["Tianjin", "Beijing"]
    assert result.frame["users"].iloc[[0, -1]].tolist() == [12_000_000, 20_010_000]
    assert {d.date().isoformat() for d in result.frame["period_end"]} == {"2023-12-31"}


def test_unknown_province_spelling_is_structural() -> None:
    result = run_on(edit(("Xinjiang\t1950\n", "Atlantis\t1950\n")))["users_by_province"]
    assert not result.ok
    assert "Atlantis" in result.structural[0] and "provinces.csv" in result.structural[0]
