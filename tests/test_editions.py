"""The synthetic next editions (tests/editions.py) read as real editions: recognised, every
section extracted, no erratum beyond the two the 54th prints, and the figures we typed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from cninet.process import PLAIN_STEPS, SourceOutcome, run_source
from tests.conftest import GOLDEN
from tests.editions import shift_dates, write_editions

# The two IPv4 equivalence errata the 54th prints; the generated editions keep those rows.
PRINTED_ERRATA = [
    ("ipv4_by_org", "erratum_equivalence"),
    ("ipv4_by_org", "erratum_equivalence"),
]


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[int, SourceOutcome]:
    paths = write_editions(tmp_path_factory.mktemp("editions"), [55, 56])
    return {55 + i: run_source(path, "test", PLAIN_STEPS) for i, path in enumerate(paths)}


def test_dates_move_six_months() -> None:
    text = "By June 2024 and Dec. 2023, as of Jun. 30, 2024; the first half of 2024; in June."
    assert shift_dates(text) == (
        "By December 2024 and Jun. 2024, as of Dec. 31, 2024; the second half of 2024; in December."
    )
    assert shift_dates("the second half of 2024, by the end of November") == (
        "the first half of 2025, by the end of May"
    )


@pytest.mark.parametrize(
    ("number", "published", "period"),
    [(55, date(2025, 2, 1), date(2024, 12, 31)), (56, date(2025, 8, 1), date(2025, 6, 30))],
)
def test_generated_edition_is_recognised_and_clean(
    outcomes: dict[int, SourceOutcome], number: int, published: date, period: date
) -> None:
    outcome = outcomes[number]
    assert outcome.status == "extracted" and outcome.edition is not None
    assert (outcome.edition.edition, outcome.edition.published) == (number, published)
    assert outcome.edition.period_end == period
    assert outcome.structural == ()
    assert [(f.dataset, f.check) for f in outcome.flags] == PRINTED_ERRATA


def frame(outcome: SourceOutcome, dataset: str) -> pd.DataFrame:
    return outcome.validated[dataset].frame


def test_55th_table4_earlier_column_is_the_54ths_later(
    outcomes: dict[int, SourceOutcome],
) -> None:
    golden = pd.read_csv(GOLDEN / "application_users.csv")
    later_54 = golden[golden["period_end"] == "2024-06-30"].set_index("application")
    rows = frame(outcomes[55], "application_users")
    earlier = rows[rows["period_end"] == pd.Timestamp("2024-06-30")].set_index("application")
    assert len(earlier) == 15
    assert earlier["users_10k"].to_dict() == later_54["users_10k"].to_dict()
    assert earlier["utilization_pct"].to_dict() == later_54["utilization_pct"].to_dict()


def test_55th_prints_the_figures_we_typed(outcomes: dict[int, SourceOutcome]) -> None:
    rows = frame(outcomes[55], "application_users").set_index(["application", "period_end"])
    december = pd.Timestamp("2024-12-31")
    assert rows.loc[("Instant Messaging", december), "users_10k"] == 108_512
    assert rows.loc[("Instant Messaging", december), "utilization_pct"] == 97.9
    assert rows.loc[("Online Medical Service", december), "growth_pct"] == 2.4
    table1 = frame(outcomes[55], "basic_resources").set_index("category")["value"]
    assert table1["IPv4"] == 392_412_672 and table1["IPv6"] == 69_093
    assert table1["Domain names"] == 31_881_959
    text = frame(outcomes[55], "indicators")
    stated = {
        (str(i), pd.Timestamp(p).date().isoformat()): float(v)
        for i, p, v in zip(
            text["indicator_id"], text["period_end"], text["value_base"], strict=True
        )
    }
    assert stated[("internet_users", "2024-12-31")] == 1_107_880_000
    assert stated[("age_50_plus_share_pct", "2024-06-30")] == 33.3


def test_56th_revises_instant_messaging_and_drifts_base_stations(
    outcomes: dict[int, SourceOutcome],
) -> None:
    rows = frame(outcomes[56], "application_users").set_index(["application", "period_end"])
    december = pd.Timestamp("2024-12-31")
    assert rows.loc[("Instant Messaging", december), "users_10k"] == 108_580
    assert rows.loc[("Instant Messaging", december), "utilization_pct"] == 98.0
    table1 = frame(outcomes[56], "basic_resources").set_index("category")["value"]
    assert table1["Mobile phone base stations"] == 1_480


def test_written_files_are_text_dumps(tmp_path: Path) -> None:
    (path,) = write_editions(tmp_path, [55])
    assert path.name == "cnnic-55-en.txt"
    assert path.read_text(encoding="utf-8").startswith("The 55th Statistical Report")
