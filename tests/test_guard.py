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


def killed_by_itself() -> None:
    import os
    import signal

    os.kill(os.getpid(), signal.SIGKILL)


def test_a_reader_that_dies_is_named_with_its_signal() -> None:
    with pytest.raises(
        LimitExceeded, match=r"^the reader was killed by SIGKILL \(out of memory\?\)$"
    ):
        bounded(killed_by_itself, limits=Limits(30, 512))


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("CNINET_DOC_TIMEOUT_S", "soon", "CNINET_DOC_TIMEOUT_S='soon' is not a number"),
        ("CNINET_DOC_MEMORY_MB", "1.5", "CNINET_DOC_MEMORY_MB='1.5' is not a whole number"),
        ("CNINET_DOC_MAX_MB", "-1", "CNINET_DOC_MAX_MB='-1' must be greater than 0"),
    ],
)
def test_a_bad_limit_setting_names_the_variable(
    name: str, value: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cninet.guard import LimitSettingError

    monkeypatch.setenv(name, value)
    with pytest.raises(LimitSettingError) as info:
        Limits.from_env()
    assert str(info.value) == message


def test_a_stop_request_ends_a_waiting_reader_at_once() -> None:
    import signal

    from cninet.guard import STOP, STOP_SIGNAL, Interrupted, request_stop

    STOP.clear()
    STOP_SIGNAL.clear()
    request_stop(signal.SIGTERM)
    started = time.monotonic()
    try:
        with pytest.raises(Interrupted, match="interrupted by SIGTERM") as info:
            bounded(sleepy, 30, limits=Limits(60, 512))
    finally:
        STOP.clear()
        STOP_SIGNAL.clear()
    assert info.value.exit_code == 143 and time.monotonic() - started < 10
