"""Footnote digits glued to cells: split by typography or by the page's own footnote list,
ambiguous ones flagged (never silently cut)."""

from __future__ import annotations

from functools import cache

import pytest

from extractors.document import parse_document
from extractors.footnotes import FOOTNOTE_AMBIGUOUS, unglue
from schemas.validate import Validated
from tests.extraction import validate_document
from tests.goldens import assert_matches_golden
from tests.renderings import (
    COVER,
    DEADLINE,
    FLAT,
    RENDERED,
    VARIANTS,
    Variant,
    rendering,
    text_rendering,
)


@cache
def flat(fmt: str) -> dict[str, Validated]:
    if fmt == "pdf":
        return validate_document(parse_document("flat.pdf", rendering(FLAT)))
    return validate_document(parse_document("flat.txt", text_rendering(flat=True).encode()))


@pytest.mark.parametrize("dataset", RENDERED)
@pytest.mark.parametrize("fmt", ["pdf", "txt"])
def test_flat_markers_split_by_the_page_footnotes(fmt: str, dataset: str) -> None:
    """'Online video23' (footnote 23 printed under it) → 'Online video', notes ['Note 23'];
    '69,866,7521' (Note 1 under the table) → 69866752 and ['Note 1']."""
    result = flat(fmt)[dataset]
    assert result.ok, result.structural
    assert_matches_golden(result.frame, dataset, skip=("caption",))


@pytest.mark.parametrize("variant", [*VARIANTS, FLAT], ids=lambda v: v.name)
def test_no_cell_of_the_renderings_is_ambiguous(variant: Variant) -> None:
    """IPv4 and IPv6 sit on a page with footnotes 4 and 6, but the report prints those tokens
    elsewhere as words; raised markers need no footnote list at all."""
    results = validate_document(parse_document("r.pdf", rendering(variant)))
    for dataset in RENDERED:
        flags = [f for flags in results[dataset].frame["quality_flags"] for f in flags]
        assert FOOTNOTE_AMBIGUOUS not in flags


NOTES = frozenset({2, 5, 7, 11, 12, 23, 1})


@pytest.mark.parametrize(
    ("cell", "split"),
    [
        ("822 million2", "822 million^{2}"),
        ("Online video23", "Online video^{23}"),
        ("Number of active IPv6 user5", "Number of active IPv6 user^{5}"),
        ("100 million7", "100 million^{7}"),
        ("69,866,7521", "69,866,752^{1}"),
        ("97.0%7", "97.0%^{7}"),
        ("(10,000)2", "(10,000)^{2}"),
    ],
)
def test_glued_marker_split(cell: str, split: str) -> None:
    assert unglue([cell], NOTES, "").cells == (split,)


@pytest.mark.parametrize(
    "cell",
    [
        "Online video23",  # no footnote 23 printed here (see the next test)
        "1",  # Table 1's unit "1": a number, never a marker
        "7.947",  # after a decimal point: nothing says where the number ends
        "19723",
        "block/32",
        "69,866,752 note1",  # marked already (the 54th's text dump)
    ],
)
def test_digits_that_are_not_markers_stay(cell: str) -> None:
    numbers = frozenset({7, 3, 1, 32}) if cell != "Online video23" else frozenset({2, 3})
    out = unglue([cell], numbers, f"{cell} and {cell}")
    assert out.cells == (cell,)
    assert out.ambiguous == ()


def test_ambiguous_digits_are_flagged_and_kept() -> None:
    out = unglue([".CN11", "IPv6"], frozenset({11, 6}), "IPv6 addresses … IPv6 users")
    assert out.cells == (".CN11", "IPv6")
    assert len(out.ambiguous) == 1 and "'.CN11' ends in 11" in out.ambiguous[0]


def test_ambiguous_cells_publish_flagged() -> None:
    """A text dump of Table 3 whose markers are flat: '.CN11' and '.ADM.CN12' could be labels
    ending in digits or footnote 11 and 12: both rows publish as printed, flagged."""
    rows = [
        ("Category", "Number"),
        (".CN11", "11,502,204"),
        (".COM.CN", "3,090,128"),
        (".ADM.CN12", "3,144,000"),
        (".NET.CN", "892,622"),
        (".ORG.CN", "778,744"),
        (".AC.CN", "134,230"),
        (".GOV.CN", "13,015"),
        (".EDU.CN", "6,839"),
        ("Others", "225"),
        ("Total", "19,562,007"),
    ]
    text = "\n".join(
        [
            *COVER,
            "",
            *("\t".join(row) for row in rows),
            "",
            "Table 3 Number of .CN Domain Names",
            "11 The .CN count here is of second-level names registered directly.",
            "12 Names under the provincial second-level domains.",
            "",
            DEADLINE,
        ]
    )
    result = validate_document(parse_document("t3.txt", text.encode()))["cn_domains_by_level"]
    assert result.ok, result.structural
    frame = result.frame
    flagged = frame[frame["quality_flags"].map(lambda f: FOOTNOTE_AMBIGUOUS in f)]
    assert list(flagged["category"]) == [".CN11", ".ADM.CN12"]
    assert list(flagged["domains"]) == [11502204, 3144000]
    messages = [f.message for f in result.flags if f.check == FOOTNOTE_AMBIGUOUS]
    assert len(messages) == 2 and "'.ADM.CN12' ends in 12" in messages[1]
