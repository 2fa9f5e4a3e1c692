"""The second reading of ruled tables (camelot's lattice rules + the boxes between them)
agrees with the line reader on every printed cell, and flags the one cell it does not."""

from __future__ import annotations

import pytest

from extractors.document import parse_document
from extractors.lattice import READINGS_DISAGREE, SETTING, find_grid, region_of
from extractors.layout import pdf_lines
from schemas.validate import Validated
from tests.conftest import REPORT_PDF
from tests.extraction import load, validate_document, validated
from tests.goldens import assert_matches_golden
from tests.renderings import VARIANTS, Variant, rendering, ruled_grid_pdf


@pytest.fixture(autouse=True)
def second_reading_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SETTING, "1")


MACAU = (3, 1)  # the grid's row 3 (after the header), column 1: Macau's address count


def grid_reading(shift: float) -> dict[str, Validated]:
    cell = MACAU if shift else None
    return validate_document(parse_document("grid.pdf", ruled_grid_pdf(cell, shift)))


def flagged(result: Validated) -> list[str]:
    frame = result.frame
    hit = frame[frame["quality_flags"].map(lambda flags: READINGS_DISAGREE in flags)]
    return list(hit.iloc[:, 0]) if "region" not in frame else list(hit["region"])


def test_one_changed_cell_of_the_ruled_grid_is_flagged_with_both_readings() -> None:
    """Macau's '337,920' printed across the rule to its left: the gaps say '337,920', the
    grid's box says '37,920'. The row publishes as the line reader read it, flagged."""
    result = grid_reading(14.0)["ipv4_by_region"]
    assert result.ok, result.structural
    assert flagged(result) == ["Macau"]
    assert_matches_golden(result.frame, "ipv4_by_region", skip=("caption", "quality_flags"))
    messages = [f.message for f in result.flags if f.check == READINGS_DISAGREE]
    assert any("'337,920'" in m and "'37,920'" in m for m in messages)


def test_the_unchanged_grid_agrees() -> None:
    result = grid_reading(0.0)["ipv4_by_region"]
    assert result.ok and flagged(result) == []
    assert_matches_golden(result.frame, "ipv4_by_region", skip=("caption",))


def test_turned_off_there_is_no_second_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SETTING, "0")
    data = ruled_grid_pdf(MACAU, 14.0)
    result = validate_document(parse_document("grid-off.pdf", data))["ipv4_by_region"]
    assert result.ok and flagged(result) == []


def test_the_54th_appendix_grids_are_read_twice_and_agree() -> None:
    """App. 2's tables are ruled grids: a grid of the table's columns is found on their
    pages, and no cell of the 54th edition is flagged."""
    doc = load(REPORT_PDF)
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(doc.data)
    page = pdf[36]  # p. 37: App. 2 Tables 1 and 2
    rows = [line for line in pdf_lines(doc, [36]) if line.cells[:1] == ("Macau",)]
    grid = find_grid(page, region_of(rows, (page.get_width(), page.get_height())), rows)
    assert grid is not None and len(grid.columns) == 3
    for result in validated(REPORT_PDF).values():
        flags = [f for f in result.flags if f.check == READINGS_DISAGREE]
        assert flags == [], flags


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.name)
def test_wrapped_renderings_have_no_disagreement(variant: Variant) -> None:
    """Ruled renderings with cells over two or three lines: the boxes and the joined rows
    agree; unruled ones have no grid to read."""
    results = validate_document(parse_document("r.pdf", rendering(variant)))
    for result in results.values():
        assert [f for f in result.flags if f.check == READINGS_DISAGREE] == []
