"""Tables whose headers and cells wrap (our own renderings of the 54th edition's tables, see
tests/renderings.py) read back cell by cell as the hand-typed goldens."""

from __future__ import annotations

from functools import cache

import pytest

from extractors.document import parse_document
from extractors.layout import Line, pdf_lines
from extractors.rows import is_body_row
from extractors.wrapping import join_continuations, joined, merged_header
from schemas.validate import Validated
from tests.extraction import validate_document
from tests.goldens import assert_matches_golden
from tests.renderings import BROKEN, RENDERED, VARIANTS, Variant, rendering, text_rendering


@cache
def read_rendering(variant: Variant) -> dict[str, Validated]:
    return validate_document(parse_document(f"{variant.name}.pdf", rendering(variant)))


@cache
def read_text_rendering() -> dict[str, Validated]:
    return validate_document(parse_document("wrapped.txt", text_rendering().encode()))


@pytest.mark.parametrize("dataset", RENDERED)
@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.name)
def test_wrapped_pdf_table_matches_golden(variant: Variant, dataset: str) -> None:
    result = read_rendering(variant)[dataset]
    assert result.ok, result.structural
    assert_matches_golden(result.frame, dataset, skip=("caption",))


@pytest.mark.parametrize("dataset", RENDERED)
def test_wrapped_text_dump_matches_golden(dataset: str) -> None:
    result = read_text_rendering()[dataset]
    assert result.ok, result.structural
    assert_matches_golden(result.frame, dataset, skip=("caption",))


def test_renderings_really_wrap() -> None:
    """The renderings print what the issue describes: a header of one or two words a line,
    labels over two lines, and tables that break across pages."""
    doc = parse_document("a4.pdf", rendering(VARIANTS[0]))
    texts = [line.cells for line in pdf_lines(doc, range(len(doc.pages)))]
    assert ("Instant", "105,963", "97.0%", "107,787", "98.0%", "1.7%") in texts
    assert ("Messaging",) in texts
    assert ("Application", "User", "Utilization", "User", "Utilization", "Growth") in texts
    for variant in VARIANTS:
        for dataset in BROKEN:
            assert read_rendering(variant)[dataset].frame["page"].nunique() == 2


def pdf_line(cells: tuple[str, ...], spans: tuple[tuple[float, float], ...], y: float) -> Line:
    return Line(cells, 1, None, spans, y, 9.0)


ROW_SPANS = ((100.0, 140.0), (180.0, 220.0), (260.0, 300.0))


def test_header_words_go_to_the_column_they_stand_over() -> None:
    rows = [pdf_line(("Taiwan", "35,713,536", "2A+32B+242C"), ROW_SPANS, 500)]
    header = [
        pdf_line(("Region", "Number of", "Equivalence"), ((100, 130), (182, 215), (262, 300)), 530),
        pdf_line(("Addresses",), ((182, 220),), 519),
    ]
    assert merged_header(header, rows, 3) == ("Region", "Number of Addresses", "Equivalence")


def test_label_and_value_continuations_join_their_row() -> None:
    row = pdf_line(("IP Address", "62,947,328", "3A+192B+"), ROW_SPANS, 500)
    more = pdf_line(("Allocation Alliance", "94C"), ((100, 139), (265, 290)), 489)
    last = pdf_line(("of CNNIC",), ((100, 130),), 478)
    after = pdf_line(("China Mobile", "35,294,208", "2A+26B+140C"), ROW_SPANS, 460)
    out = join_continuations([row, more, last, after], is_body_row)
    assert [line.cells for line in out] == [
        ("IP Address Allocation Alliance of CNNIC", "62,947,328", "3A+192B+94C"),
        ("China Mobile", "35,294,208", "2A+26B+140C"),
    ]


def test_a_label_printed_at_the_bottom_of_its_cell_joins_the_row_below() -> None:
    above = pdf_line(("Hong Kong", "13,127,424", "200B+79C"), ROW_SPANS, 520)
    label = pdf_line(("Chinese",), ((100, 130),), 500)
    row = pdf_line(("mainland", "343,168,256", "20A+116B+85C"), ROW_SPANS, 489)
    out = join_continuations([above, label, row], is_body_row)
    assert [line.cells[0] for line in out] == ["Hong Kong", "Chinese mainland"]


def test_numbers_alone_and_footnotes_do_not_continue_a_row() -> None:
    row = pdf_line(("Macau", "337,920", "5B+40C"), ROW_SPANS, 500)
    numbers = pdf_line(("13,127,424", "200B+79C"), ROW_SPANS[1:], 489)
    footnote = Line(("^{8}Figures here include Hong Kong",), 1, None, ((100, 300),), 489, 9.0)
    assert len(join_continuations([row, numbers], is_body_row)) == 2
    assert len(join_continuations([row, footnote], is_body_row)) == 2


@pytest.mark.parametrize(
    ("parts", "text"),
    [
        (["Online Car-", "hailing"], "Online Car-hailing"),
        (["20A+116B+", "85C"], "20A+116B+85C"),
        (["343,168,", "256"], "343,168,256"),
        (["User Size", "Dec. 2023", "(10,000)"], "User Size Dec. 2023 (10,000)"),
    ],
)
def test_wrapped_pieces_join(parts: list[str], text: str) -> None:
    assert joined(parts) == text
