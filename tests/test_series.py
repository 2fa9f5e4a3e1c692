"""The series choice rule and its data files, on hand-made statements (no store, no Prefect).

Figures here are the 54th edition's printed internet users (1.09967 billion by June 2024) and
made-up restatements of it by ISC and news, to exercise each rule once."""

from __future__ import annotations

import pandas as pd
import pytest

from cninet.series import (
    SeriesSpecError,
    build_series,
    parse_drift_limits,
    parse_table_figures,
    table_figures,
)

SHA = "0" * 64


def statement(
    kind: str, edition: int | None, value: float, unit: str, base: float, raw: str, path: str
) -> dict[str, object]:
    return {
        "indicator_id": "internet_users",
        "period_end": pd.Timestamp("2024-06-30"),
        "value": value,
        "unit": unit,
        "value_base": base,
        "raw": raw,
        "quote": f"… {raw} …",
        "source_kind": kind,
        "edition": edition,
        "source_format": "txt",
        "source_path": path,
        "source_sha256": (path.encode().hex() + SHA)[:64],
        "page": None,
        "line": 1,
        "quality_flags": [],
    }


REPORT = statement(
    "report_text", 54, 1.09967, "billion", 1_099_670_000, "1.09967 billion", "cnnic-54.txt"
)


def chosen(*rows: dict[str, object]) -> pd.Series:
    frame = pd.DataFrame(list(rows)).astype({"edition": "Int64", "page": "Int64", "line": "Int64"})
    series, _ = build_series({"indicators": frame}, "test")
    assert len(series) == 1
    return series.iloc[0]


def test_news_never_overrides_a_report() -> None:
    news = statement("news", 55, 1.2, "billion", 1_200_000_000, "1.2 billion", "news/a.txt")
    row = chosen(news, REPORT)
    assert (row["publication"], row["value_base"]) == ("cnnic:54", 1_099_670_000)
    assert row["status"] == "conflict" and list(row["quality_flags"]) == ["conflict"]
    assert row["n_publications"] == 2


def test_a_rounded_news_figure_agrees() -> None:
    # "nearly 1.1 billion" is good to 0.1 billion: within half of it of 1.09967 billion
    news = statement("news", None, 1.1, "billion", 1_100_000_000, "1.1 billion", "news/b.txt")
    row = chosen(REPORT, news)
    assert row["status"] == "agree" and row["publication"] == "cnnic:54"
    assert list(row["publications"]) == [
        "cnnic:54: 1.09967 billion",
        "news:news/b.txt: 1.1 billion",
    ]


def test_cnnic_beats_isc_and_news_alone_is_kept() -> None:
    isc = statement("isc", 2024, 10.99, "亿", 1_099_000_000, "10.99亿", "isc-2024.txt")
    assert chosen(isc, REPORT)["publication"] == "cnnic:54"
    news = statement("news", None, 1.1, "billion", 1_100_000_000, "1.1 billion", "news/c.txt")
    alone = chosen(news)
    assert (alone["publication"], alone["status"], alone["edition"]) == (
        "news:news/c.txt",
        "single",
        None,
    )


def test_a_later_edition_restating_differently_is_a_revision() -> None:
    later = statement(
        "report_text", 55, 1.09970, "billion", 1_099_700_000, "1.09970 billion", "cnnic-55.txt"
    )
    row = chosen(REPORT, later)
    assert (row["publication"], row["status"]) == ("cnnic:55", "revised")
    assert (row["revised_from_value"], row["revised_from_edition"]) == (1_099_670_000, 54)


def test_an_unresolved_period_is_left_out() -> None:
    guess = dict(REPORT, quality_flags=["period_unresolved"])
    frame = pd.DataFrame([guess]).astype({"edition": "Int64", "page": "Int64", "line": "Int64"})
    series, _ = build_series({"indicators": frame}, "test")
    assert series.empty


def test_the_packaged_table_figures_cover_table_1_and_4() -> None:
    figures = {f.dataset: f for f in table_figures()}
    assert figures["basic_resources"].indicators["IPv4"] == "ipv4_addresses"
    assert len(figures["application_users"].indicators) == 15
    assert figures["users_by_province"].member == "province_std"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- {dataset: nowhere, value: x, unit: '1', indicator: a, member: b}",
         "series.yaml entry 1: unknown table dataset 'nowhere'"),
        ("- {dataset: ipv4_by_org, value: adresses, unit: '1', indicator: ipv4_addresses, "
         "member: organization}",
         "series.yaml entry 1: ipv4_by_org has no column 'adresses'"),
        ("- {dataset: ipv4_by_org, value: addresses, unit: '1', indicator: ipv4_adresses, "
         "member: organization}",
         "series.yaml entry 1: indicator 'ipv4_adresses' is not in the vocabulary"),
        ("- {dataset: ipv4_by_org, value: addresses, unit: '1', member: organization}",
         "series.yaml entry 1: give either label + indicators or indicator + member"),
        ("- {dataset: ipv4_by_org, valeu: addresses}", "series.yaml entry 1: unknown key 'valeu'"),
        ("[", "series.yaml: not valid YAML"),
    ],
)  # fmt: skip
def test_a_broken_series_file_is_one_line(text: str, message: str) -> None:
    with pytest.raises(SeriesSpecError) as error:
        parse_table_figures(text, "series.yaml")
    assert str(error.value).startswith(message)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("indicator_id,max_change_pct,reason\ninternet_user,10,x\n",
         "drift.csv line 2: 'internet_user' is not in the vocabulary"),
        ("indicator_id,max_change_pct,reason\ninternet_users,ten,x\n",
         "drift.csv line 2: max_change_pct must be a number > 0"),
        ("indicator_id,max_change_pct,reason\ninternet_users,10,x\ninternet_users,5,y\n",
         "drift.csv line 3: 'internet_users' listed twice"),
        ("indicator,limit\ninternet_users,10\n", "drift.csv: columns must be"),
    ],
)  # fmt: skip
def test_a_broken_drift_file_is_one_line(text: str, message: str) -> None:
    with pytest.raises(SeriesSpecError) as error:
        parse_drift_limits(text, "drift.csv")
    assert str(error.value).startswith(message)


def test_drift_limits_compound_over_longer_gaps() -> None:
    # +21 % in a year is within 10 % per six months compounded (1.1² = 1.21), +22 % is not
    rows = [
        statement("report_text", 52, 1.0, "billion", 1_000_000_000, "1.00 billion", "a.txt"),
        dict(
            statement("report_text", 54, 1.21, "billion", 1_210_000_000, "1.21 billion", "b.txt"),
            period_end=pd.Timestamp("2023-06-30"),
        ),
        dict(
            statement("report_text", 56, 1.4762, "billion", 1_476_200_000, "1.4762 billion", "c"),
            period_end=pd.Timestamp("2024-06-30"),
        ),
    ]
    rows[0]["period_end"] = pd.Timestamp("2022-06-30")
    frame = pd.DataFrame(rows).astype({"edition": "Int64", "page": "Int64", "line": "Int64"})
    series, _ = build_series({"indicators": frame}, "test")
    assert [list(flags) for flags in series["quality_flags"]] == [[], [], ["drift"]]
    assert round(series["change_pct"].iloc[1], 1) == 21.0
