"""Bounded reading of untrusted documents: time and memory limits, errors passed through."""

from __future__ import annotations

import time

import pytest

from cninet.guard import LimitExceeded, Limits, bounded
from extractors.document import DocumentError, load_document, parse_document
from tests.conftest import REPORTS


def sleepy(seconds: float) -> str:
    time.sleep(seconds)
    return "done"


def greedy(megabytes: int) -> int:
    block = bytearray(megabytes * 1024 * 1024)
    return len(block)


def test_a_step_within_its_limits_returns_its_value() -> None:
    doc = bounded(load_document, REPORTS["pdf"], "report.pdf", limits=Limits(60, 1024))
    assert doc.format == "pdf" and len(doc.pages) == 44


def test_a_step_that_hangs_is_stopped() -> None:
    start = time.monotonic()
    with pytest.raises(LimitExceeded, match=r"gave up after 0\.5 s"):
        bounded(sleepy, 30, limits=Limits(0.5, 512))
    assert time.monotonic() - start < 5


def test_a_step_that_allocates_too_much_is_stopped() -> None:
    with pytest.raises(LimitExceeded, match="needed more than 64 MB"):
        bounded(greedy, 512, limits=Limits(30, 64))
    assert bounded(greedy, 16, limits=Limits(30, 64)) == 16 * 1024 * 1024


def test_errors_of_the_step_come_through_unchanged() -> None:
    with pytest.raises(DocumentError, match="empty file"):
        bounded(parse_document, "empty.pdf", b"", limits=Limits(30, 512))
