"""Prefect settings for a quiet, self-contained CLI run; import before anything imports prefect."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

QUIET_DEFAULTS = {
    # No server to start by hand: Prefect runs an ephemeral API in-process.
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_LOGGING_LOGGERS_PREFECT_LEVEL": "WARNING",
}


def configure() -> None:
    for key, value in QUIET_DEFAULTS.items():
        os.environ.setdefault(key, value)


@contextmanager
def local_run_settings() -> Iterator[None]:
    """No flow heartbeats for an in-process run: each would cost a 1 s thread join per flow."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield
