"""Printed-cell parsing on its own."""

from __future__ import annotations

import pytest

from extractors.cells import CellError, is_total_label, parse_equivalence, parse_int, split_notes


@pytest.mark.parametrize(
    ("text", "a", "b", "c"),
    [
        ("254B+16C", 0, 254, 16),
        ("20A+116B+85C", 20, 116, 85),
        ("2A+32B+242C", 2, 32, 242),
        ("257B+30C", 0, 257, 30),
        ("5B", 0, 5, 0),
        ("3A", 3, 0, 0),
        (" 7A + 126B + 255C ", 7, 126, 255),
    ],
)
def test_equivalence_parses(text: str, a: int, b: int, c: int) -> None:
    parsed = parse_equivalence(text)
    assert (parsed.a, parsed.b, parsed.c) == (a, b, c)


def test_equivalence_address_count() -> None:
    # Appendix 2 Table 1: Chinese mainland 343,168,256 = 20A+116B+85C
    assert parse_equivalence("20A+116B+85C").addresses == 343_168_256
    assert parse_equivalence("5B+40C").addresses == 337_920


@pytest.mark.parametrize(
    "bad", ["", "A", "12X", "B+C", "5B+1A", "5B+5B", "1A++2B", "20A 116B", "-1A", "1.5A", "20A+"]
)
def test_equivalence_rejects_malformed(bad: str) -> None:
    with pytest.raises(CellError):
        parse_equivalence(bad)


@pytest.mark.parametrize(
    ("text", "clean", "notes"),
    [
        ("69,866,752 note1", "69,866,752", ["Note 1"]),
        ("62,947,328 note 2", "62,947,328", ["Note 2"]),
        ("69,866,752Note 1", "69,866,752", ["Note 1"]),
        ("26,726Note 2", "26,726", ["Note 2"]),
        (
            "Number of IPv6 Addresses (unit: /32Note 1)",
            "Number of IPv6 Addresses (unit: /32)",
            ["Note 1"],
        ),
        (
            "Number of IPv6 Addresses (unit: /32^{note 1})",
            "Number of IPv6 Addresses (unit: /32)",
            ["Note 1"],
        ),
        ("Notebook computers", "Notebook computers", []),
        ("China Telecom", "China Telecom", []),
    ],
)
def test_split_notes(text: str, clean: str, notes: list[str]) -> None:
    assert split_notes(text) == (clean, notes)


@pytest.mark.parametrize(
    ("text", "value"), [("343,168,256", 343168256), ("9", 9), ("64435", 64435)]
)
def test_parse_int(text: str, value: int) -> None:
    assert parse_int(text) == value


@pytest.mark.parametrize("bad", ["", "1,23", "12,3456", "3.5", "abc", "1 000x", "-5"])
def test_parse_int_rejects(bad: str) -> None:
    with pytest.raises(CellError):
        parse_int(bad)


def test_total_label() -> None:
    assert is_total_label("Total") and is_total_label(" total ")
    assert not is_total_label("Total length") and not is_total_label("Subtotal")
