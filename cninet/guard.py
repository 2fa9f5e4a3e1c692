"""Bound the time and memory one untrusted document may take: run a step in a forked child.

PDF parsing happens in native code (PDFium); a crafted file could loop or allocate without
end. The child gets an address-space limit on top of what it inherits, and is killed when the
time is up; either way the caller gets a one-line reason instead of a hung or killed run.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import resource
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, TypeVar

T = TypeVar("T")
TIMEOUT_ENV = "CNINET_DOC_TIMEOUT_S"
MEMORY_ENV = "CNINET_DOC_MEMORY_MB"


@dataclass(frozen=True)
class Limits:
    seconds: float = 120.0
    memory_mb: int = 2048

    @classmethod
    def from_env(cls) -> Limits:
        return cls(
            float(os.environ.get(TIMEOUT_ENV, cls.seconds)),
            int(os.environ.get(MEMORY_ENV, cls.memory_mb)),
        )


class LimitExceeded(Exception):
    """The step ran out of time or memory; the message is one line."""


def current_address_space() -> int:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[0])
    return pages * os.sysconf("SC_PAGE_SIZE")


def child(
    send: Connection, memory_mb: int, function: Callable[..., Any], args: tuple[Any, ...]
) -> None:
    limit = current_address_space() + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        send.send(("ok", function(*args)))
    except MemoryError:
        send.send(("memory", None))
    except BaseException as exc:  # handed to the parent, which re-raises it
        send.send(("error", exc))
    finally:
        send.close()


def bounded(function: Callable[..., T], *args: Any, limits: Limits | None = None) -> T:
    """``function(*args)`` in a forked child within ``limits``; its exceptions re-raised."""
    chosen = limits or Limits.from_env()
    context = mp.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=child, args=(send, chosen.memory_mb, function, args))
    process.start()
    send.close()
    try:
        if not receive.poll(chosen.seconds):
            raise LimitExceeded(f"gave up after {chosen.seconds:g} s")
        status, value = receive.recv()
    except EOFError:
        raise LimitExceeded(f"the reader died (exit code {process.exitcode})") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receive.close()
    if status == "memory":
        raise LimitExceeded(f"needed more than {chosen.memory_mb} MB")
    if status == "error":
        raise value
    return value
