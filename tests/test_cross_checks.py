"""Report-level checks: quiet on the real edition, each one firing on a broken copy."""

from __future__ import annotations

import pytest

from schemas.cross import CROSS_CHECKS, SUM, Agreement, cross_check
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
