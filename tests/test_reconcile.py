"""Reconciliation across publications on real figures (and edited copies of the real news)."""

from __future__ import annotations

import pandas as pd

from cninet.reconcile import reconcile, validated_reconciliation
from extractors.document import parse_document
from tests.conftest import RAW, REPORTS
from tests.extraction import validate_document, validated

NEWS_2025 = RAW / "news" / "2025-01-china-boasts-1.1-billion-internet-users.txt"
SENTENCE = "hit 1.1 billion by December 2024"


def indicators(*frames: pd.DataFrame) -> pd.DataFrame:
    return pd.concat(frames, ignore_index=True)


def news(text: str) -> pd.DataFrame:
    doc = parse_document(NEWS_2025.name, text.encode("utf-8"))
    return validate_document(doc)["indicators"].frame


def report_rows() -> pd.DataFrame:
    return indicators(*(validated(path)["indicators"].frame for path in REPORTS.values()))


def test_one_edition_in_two_formats_is_one_publication() -> None:
    assert reconcile(report_rows(), "run").empty


def test_figures_for_other_periods_are_not_compared() -> None:
    """The report's 1.09967 billion (Jun 2024) vs the news' 1.1 billion (Dec 2024)."""
    real_news = news(NEWS_2025.read_text(encoding="utf-8"))
    assert "internet_users" in set(real_news["indicator_id"])
    assert reconcile(indicators(report_rows(), real_news), "run").empty


def test_same_period_within_rounding_agrees() -> None:
    text = NEWS_2025.read_text(encoding="utf-8")
    assert SENTENCE in text
    edited = news(text.replace(SENTENCE, "hit 1.1 billion by June 2024"))
    frame = validated_reconciliation(reconcile(indicators(report_rows(), edited), "run"))
    row = frame[frame["indicator_id"] == "internet_users"].iloc[0]
    assert row["status"] == "agree" and row["n_sources"] == 2
    assert row["min_value"] == 1_099_670_000 and row["max_value"] == 1_100_000_000
    assert row["tolerance"] == 50_000_000  # half of 0.1 billion, the news figure's last digit
    assert list(row["sources"]) == ["news:" + NEWS_2025.name, "report_text:54"]


def test_same_period_different_value_conflicts() -> None:
    text = NEWS_2025.read_text(encoding="utf-8")
    edited = news(text.replace(SENTENCE, "hit 1.2 billion by June 2024"))
    frame = reconcile(indicators(report_rows(), edited), "run")
    row = frame[frame["indicator_id"] == "internet_users"].iloc[0]
    assert row["status"] == "conflict" and list(row["quality_flags"]) == ["conflict"]
    assert any("1.2 billion" in value for value in row["values"])
    assert any("1.09967 billion" in value for value in row["values"])
    assert round(float(row["spread_pct"]), 2) == 8.73  # 0.10033 bn ÷ midpoint 1.149835 bn
