"""Report-level checks: quiet on the real edition, each one firing on a broken copy."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemas.cross import (
    CROSS_CHECKS,
    RESTATED,
    SUM,
    Agreement,
    Restated,
    ShareOfUsers,
    cross_check,
)
from schemas.validate import Validated
from tests.conftest import REPORTS
from tests.extraction import validated

CHECK_IDS = [check.name for check in CROSS_CHECKS]


def flagged(results: dict[str, Validated], flag: str) -> list[str]:
    return [f.label for v in results.values() for f in v.flags if f.check == flag]


@pytest.mark.parametrize("fmt", ["pdf", "txt"])
@pytest.mark.parametrize("check", CROSS_CHECKS, ids=CHECK_IDS)
def test_quiet_on_the_real_edition(check: Agreement, fmt: str) -> None:
    results = validated(REPORTS[fmt])
    assert all(results[name].ok for name in check.datasets)
    assert flagged(results, check.flag) == []


def broken(check: Agreement, side: str) -> dict[str, Validated]:
    """The real edition with one figure of ``check`` changed by one unit."""
    results = dict(validated(REPORTS["txt"]))
    pick = check.left if side == "left" else check.right
    frame = results[pick.dataset].frame.copy()
    rows = pick.rows(frame)
    assert not rows.empty, f"{pick.describe()} not in the real edition"
    frame.loc[rows.index[0], pick.column] = frame.loc[rows.index[0], pick.column] + 1
    results[pick.dataset] = Validated(pick.dataset, frame)
    # drop flags of the real run so only the broken copy's findings count
    clean = {name: Validated(name, v.frame) for name, v in results.items()}
    return cross_check(clean)


@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize("check", CROSS_CHECKS, ids=CHECK_IDS)
def test_fires_on_a_broken_copy(check: Agreement, side: str) -> None:
    results = broken(check, side)
    labels = flagged(results, check.flag)
    assert len(labels) == 1
    frame = results[check.left.dataset].frame
    (flags,) = [f for f in frame["quality_flags"] if check.flag in f]
    assert check.flag in flags
    if check.right.row == SUM and side == "right":
        assert "sum of rows" in results[check.left.dataset].flags[-1].message


def test_text_edit_table_one_ipv4_flags_only_that_row() -> None:
    from extractors.document import parse_document
    from tests.extraction import validate_document

    text = (
        REPORTS["txt"]
        .read_text(encoding="utf-8")
        .replace("IPv4\t1\t392,347,136", "IPv4\t1\t392,347,137")
    )
    results = validate_document(parse_document("edited.txt", text.encode()))
    basic = results["basic_resources"].frame
    flags = dict(zip(basic["category"], basic["quality_flags"], strict=True))
    assert flags["IPv4"] == ["erratum_ipv4_equals_regions"]
    assert all(v == [] for k, v in flags.items() if k != "IPv4")


# Restated figures the 54th edition does not state in text for the table's period: Table 4's
# online news and online audio have no sentence; active IPv6 users are dated May (footnote 4).
NOT_IN_TEXT = {
    "active_ipv6_users",
    "online_news_users",
    "online_news_share_pct",
    "online_audio_users",
    "online_audio_share_pct",
}


def comparable_restated(results: dict[str, Validated], check: Restated) -> bool:
    text = results["indicators"].frame
    table = check.table.rows(results[check.table.dataset].frame)
    mentions = text[text["indicator_id"] == check.indicator]
    return bool(set(mentions["period_end"]) & set(table["period_end"]))


@pytest.mark.parametrize("fmt", ["pdf", "txt"])
def test_every_restated_figure_is_compared_and_agrees(fmt: str) -> None:
    results = validated(REPORTS[fmt])
    compared = {c.indicator for c in RESTATED if comparable_restated(results, c)}
    assert compared == {c.indicator for c in RESTATED} - NOT_IN_TEXT
    assert [f for f in results["indicators"].flags if f.check == RESTATED[0].flag] == []


@pytest.mark.parametrize(
    "check", [c for c in RESTATED if c.indicator not in NOT_IN_TEXT], ids=lambda c: c.name
)
def test_restated_check_fires_when_the_table_differs(check: Restated) -> None:
    results = {name: Validated(name, v.frame) for name, v in validated(REPORTS["txt"]).items()}
    frame = results[check.table.dataset].frame.copy()
    rows = check.table.rows(frame)
    column = frame[check.table.column]
    frame[check.table.column] = column.where(~column.index.isin(rows.index), (column * 11) // 10)
    results[check.table.dataset] = Validated(check.table.dataset, frame)
    flags = [f for f in cross_check(results)["indicators"].flags if f.check == check.flag]
    assert [f.label for f in flags] == [check.indicator]
    assert "text says" in flags[0].message


@pytest.mark.parametrize("fmt", ["pdf", "txt"])
def test_utilization_against_stated_internet_users(fmt: str) -> None:
    """Jun. 2024 shares = users ÷ 1.09967 billion (±0.1 pp): quiet as printed, fires if off."""
    results = {name: Validated(name, v.frame) for name, v in validated(REPORTS[fmt]).items()}
    check = ShareOfUsers()
    assert flagged(cross_check(results), check.flag) == []
    apps = results["application_users"].frame.copy()
    june = (apps["application"] == "Search Engine") & (apps["period_end"] == "2024-06-30")
    apps.loc[june, "utilization_pct"] = 75.2  # printed 75.0; 82,440 ÷ 109,967 = 74.97%
    results["application_users"] = Validated("application_users", apps)
    assert flagged(cross_check(results), check.flag) == ["Search Engine"]


def joined(first: dict[str, Validated], second: dict[str, Validated]) -> dict[str, Validated]:
    """Two sources' datasets validated together, as a batch of sources is."""
    import pandas as pd

    return {
        name: Validated(name, pd.concat([first[name].frame, second[name].frame], ignore_index=True))
        for name in first.keys() & second.keys()
    }


@pytest.mark.parametrize("broken_first", [True, False], ids=["broken-first", "broken-second"])
@pytest.mark.parametrize("check", CROSS_CHECKS, ids=CHECK_IDS)
def test_checks_compare_figures_of_one_source_only(check: Agreement, broken_first: bool) -> None:
    """The text dump with one right-hand figure changed, validated together with the intact
    PDF: only the text dump's row is flagged, whichever source comes first."""
    bad = broken(check, "right")
    good = {name: Validated(name, v.frame) for name, v in validated(REPORTS["pdf"]).items()}
    bad = {name: Validated(name, v.frame) for name, v in bad.items()}
    results = cross_check(joined(bad, good) if broken_first else joined(good, bad))
    frame = results[check.left.dataset].frame
    hit = frame[[check.flag in flags for flags in frame["quality_flags"]]]
    assert hit["source_path"].map(lambda p: str(p).endswith(".txt")).tolist() == [True]


def test_a_run_validates_its_sources_together_with_each_sources_own_flags(tmp_path: Path) -> None:
    """The run's sources validated at once (each dataset's schema once, cross checks within
    each source): the edited text dump's IPv4 row is flagged, the intact PDF's is not, and
    every row and flag is what each source validated alone gives."""
    from cninet.process import PLAIN_STEPS, Steps, defer_validation, run_source, validate_run

    edited = tmp_path / "cnnic-54-edited.txt"
    edited.write_text(
        REPORTS["txt"]
        .read_text(encoding="utf-8")
        .replace("IPv4\t1\t392,347,136", "IPv4\t1\t392,347,137"),
        encoding="utf-8",
    )
    later = Steps(PLAIN_STEPS.load, PLAIN_STEPS.lines, PLAIN_STEPS.extract, defer_validation)
    paths = [REPORTS["pdf"], edited]
    waiting = [run_source(path, "run", later) for path in paths]
    assert all(o.unvalidated and not o.validated for o in waiting)
    together = validate_run(waiting, "run")
    alone = [run_source(path, "run", PLAIN_STEPS) for path in paths]
    for joint, own in zip(together, alone, strict=True):
        assert not joint.unvalidated and list(joint.validated) == list(own.validated)
        for dataset, validated_own in own.validated.items():
            mine = joint.validated[dataset]
            assert mine.flags == validated_own.flags, dataset
            assert mine.frame.reset_index(drop=True).equals(validated_own.frame), dataset
    pdf, text = (o.validated["basic_resources"].frame for o in together)
    flags = dict(zip(text["category"], text["quality_flags"], strict=True))
    assert flags["IPv4"] == ["erratum_ipv4_equals_regions"]
    assert dict(zip(pdf["category"], pdf["quality_flags"], strict=True))["IPv4"] == []
