"""One writer at a time per curated folder, and a clear word when it cannot be written."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

LOCK_NAME = ".cninet.lock"


class CuratedUnavailable(Exception):
    """The curated folder cannot be written now; the message is one line."""


@contextmanager
def run_lock(curated: Path, wait_s: float = 0.0) -> Iterator[None]:
    """Hold ``curated/.cninet.lock`` for the duration of a run (another run → error)."""
    try:
        curated.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CuratedUnavailable(f"cannot create curated folder {curated}: {exc.strerror}") from exc
    probe = curated / f".write-probe-{os.getpid()}"
    try:
        probe.touch()
        probe.unlink()
    except OSError as exc:
        raise CuratedUnavailable(
            f"curated folder {curated} is not writable ({exc.strerror})"
        ) from exc
    # One instance per path, counted across threads: the CLI takes the lock before Prefect
    # starts (so a refusal is one quiet line) and the flow takes it again, re-entrantly.
    lock = FileLock(str(curated / LOCK_NAME), timeout=wait_s, is_singleton=True, thread_local=False)
    try:
        lock.acquire()
    except Timeout as exc:
        raise CuratedUnavailable(
            f"another cninet run is writing to {curated} (lock {curated / LOCK_NAME})"
        ) from exc
    except OSError as exc:
        raise CuratedUnavailable(f"cannot lock {curated}: {exc.strerror}") from exc
    try:
        yield
    finally:
        lock.release()
