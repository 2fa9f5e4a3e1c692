"""Prefect settings for a quiet, self-contained CLI run; import before anything imports prefect."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

QUIET_DEFAULTS = {
    # No server to start by hand: Prefect runs an ephemeral API in-process.
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    # The CLI reports a failed run in one line; set PREFECT_LOGGING_LEVEL=INFO to see
    # Prefect's own logs and tracebacks.
    "PREFECT_LOGGING_LEVEL": "CRITICAL",
    # The in-process API's own services log shutdown races (events still in flight when the
    # CLI exits) as tracebacks; they concern Prefect's bookkeeping, not the run's results.
    "PREFECT_SERVER_LOGGING_LEVEL": "CRITICAL",
    "DASK_LOGGING__DISTRIBUTED": "error",  # backfill's local Dask cluster
    # A first start runs the database migrations; on a busy 2-core machine that can take
    # longer than Prefect's default 20 s.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
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
