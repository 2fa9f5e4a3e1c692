"""Bound what one untrusted source may take, and stop a run cleanly when asked.

PDF parsing happens in native code (PDFium) and a text file may be any size; a crafted file
could loop or allocate without end. Every source is read in a forked child with an
address-space limit on top of what it inherits, killed when its time is up, after its size
was checked and its kind (a regular file, not a FIFO, device, folder or symlink) confirmed
without opening it. Either way the caller gets a one-line reason instead of a hung run.

Signals: ``install_stop_handlers`` turns SIGINT/SIGTERM into a request the run honours at its
next safe point (``check_stop``); a waiting ``bounded`` call kills its child at once. The
child watches its parent and exits if the parent dies (even by SIGKILL).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import resource
import signal
import stat
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from types import FrameType
from typing import Any, TypeVar

T = TypeVar("T")
TIMEOUT_ENV = "CNINET_DOC_TIMEOUT_S"
MEMORY_ENV = "CNINET_DOC_MEMORY_MB"
SIZE_ENV = "CNINET_DOC_MAX_MB"
POLL_S = 0.1  # how often a waiting parent looks for a stop request / a child for its parent


class LimitSettingError(ValueError):
    """A limit set in the environment is not a usable number; the message names it."""


def env_number(name: str, default: float, kind: type[float] | type[int]) -> float:
    text = os.environ.get(name)
    if text is None or not text.strip():
        return default
    try:
        value = kind(text)
    except ValueError:
        raise LimitSettingError(
            f"{name}={text!r} is not a {'whole ' if kind is int else ''}number"
        ) from None
    if not value > 0:
        raise LimitSettingError(f"{name}={text!r} must be greater than 0")
    return value


@dataclass(frozen=True)
class Limits:
    seconds: float = 120.0
    memory_mb: int = 2048
    size_mb: float = 64.0

    @classmethod
    def from_env(cls) -> Limits:
        """Limits from CNINET_DOC_TIMEOUT_S / _MEMORY_MB / _MAX_MB; a bad value raises
        LimitSettingError naming the variable."""
        return cls(
            env_number(TIMEOUT_ENV, cls.seconds, float),
            int(env_number(MEMORY_ENV, cls.memory_mb, int)),
            env_number(SIZE_ENV, cls.size_mb, float),
        )


class LimitExceeded(Exception):
    """The step ran out of time, memory or size, or its reader died; one-line message."""


class Interrupted(Exception):
    """SIGINT or SIGTERM asked the run to stop; ``exit_code`` is 128 + the signal."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"interrupted by {signal.Signals(signum).name}")
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


# --- refusing what must not be read ---------------------------------------------------------

KIND_NAMES = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


def source_refusal(path: Path, limits: Limits, allow_symlinks: bool = False) -> str | None:
    """Why ``path`` must not be read (checked without opening it), or None."""
    try:
        info = path.lstat()
    except OSError as exc:
        return f"cannot read file ({exc.strerror})"
    if stat.S_ISLNK(info.st_mode):
        if not allow_symlinks:
            return "symbolic link refused (pass --allow-symlinks to follow links)"
        try:
            info = path.stat()
        except OSError as exc:
            return f"symbolic link to nothing readable ({exc.strerror})"
    for test, name in KIND_NAMES:
        if test(info.st_mode):
            return f"not a regular file: {name}"
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file"
    if info.st_size > limits.size_mb * 1024 * 1024:
        size = info.st_size / (1024 * 1024)
        return f"file is {size:.0f} MB, above the {limits.size_mb:g} MB limit ({SIZE_ENV})"
    return None


# --- stop requests --------------------------------------------------------------------------

STOP = threading.Event()
STOP_SIGNAL: list[int] = []


def request_stop(signum: int, _frame: FrameType | None = None) -> None:
    if not STOP_SIGNAL:
        STOP_SIGNAL.append(signum)
    STOP.set()


def check_stop() -> None:
    """Raise Interrupted if a stop was requested (call at safe points only)."""
    if STOP.is_set():
        raise Interrupted(STOP_SIGNAL[0] if STOP_SIGNAL else signal.SIGINT)


@contextmanager
def stop_handlers() -> Iterator[None]:
    """SIGINT/SIGTERM become stop requests while the block runs (main thread only)."""
    STOP.clear()
    STOP_SIGNAL.clear()
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


# --- the bounded child ----------------------------------------------------------------------


def current_address_space() -> int:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[0])
    return pages * os.sysconf("SC_PAGE_SIZE")


def exit_with_parent(parent: int) -> None:
    """A daemon thread that ends this process as soon as its parent is gone."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(POLL_S)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def child(
    send: Connection,
    parent: int,
    memory_mb: int,
    function: Callable[..., Any],
    args: tuple[Any, ...],
) -> None:
    exit_with_parent(parent)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)
    limit = current_address_space() + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        send.send(("ok", function(*args)))
    except MemoryError:
        send.send(("memory", None))
    except BaseException as exc:  # handed to the parent, which re-raises it
        try:
            send.send(("error", exc))
        except Exception:  # an exception that does not pickle: its words are enough
            send.send(("crash", f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}"))
    finally:
        send.close()


def death_words(exitcode: int | None) -> str:
    if exitcode is None:
        return "the reader stopped answering"
    if exitcode < 0:
        name = signal.Signals(-exitcode).name
        hint = " (out of memory?)" if -exitcode == signal.SIGKILL else ""
        return f"the reader was killed by {name}{hint}"
    return f"the reader exited with status {exitcode} before answering"


def wait_for(receive: Connection, seconds: float) -> bool:
    """Poll the child's pipe until it answers, the time is up, or a stop is requested."""
    deadline = time.monotonic() + seconds
    while True:
        left = deadline - time.monotonic()
        if receive.poll(max(0.0, min(POLL_S, left))):
            return True
        check_stop()
        if left <= 0:
            return False


def bounded(function: Callable[..., T], *args: Any, limits: Limits | None = None) -> T:
    """``function(*args)`` in a forked child within ``limits``; its exceptions re-raised."""
    chosen = limits or Limits.from_env()
    context = mp.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(
        target=child, args=(send, os.getpid(), chosen.memory_mb, function, args), daemon=True
    )
    process.start()
    send.close()
    try:
        if not wait_for(receive, chosen.seconds):
            raise LimitExceeded(f"gave up after {chosen.seconds:g} s")
        status, value = receive.recv()
    except EOFError:
        process.join(5)
        raise LimitExceeded(death_words(process.exitcode)) from None
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receive.close()
    if status == "memory":
        raise LimitExceeded(f"needed more than {chosen.memory_mb} MB")
    if status == "crash":
        raise LimitExceeded(f"the reader failed: {value}")
    if status == "error":
        raise value
    return value


# --- no orphans -----------------------------------------------------------------------------


def reap_when_orphaned(parent: int) -> None:
    """In the watchdog: remember ``parent``'s descendants; once ``parent`` is gone, end the
    ones still running (an ephemeral Prefect API server, a reader child)."""
    import psutil

    me = os.getpid()
    seen: dict[int, float] = {}
    while os.getppid() == parent:
        try:
            for proc in psutil.Process(parent).children(recursive=True):
                if proc.pid != me:
                    seen.setdefault(proc.pid, proc.create_time())
        except psutil.Error:
            break
        time.sleep(POLL_S * 5)
    alive = []
    for pid, created in seen.items():
        try:
            proc = psutil.Process(pid)
            if proc.create_time() == created:
                proc.terminate()
                alive.append(proc)
        except psutil.Error:
            continue
    _, still = psutil.wait_procs(alive, timeout=5)
    for proc in still:
        try:
            proc.kill()
        except psutil.Error:
            continue


@contextmanager
def orphan_watchdog() -> Iterator[None]:
    """A small forked watchdog for the block: if this process dies without cleaning up (even
    by SIGKILL), the watchdog ends every process it had started. Stopped on a normal exit."""
    import psutil  # noqa: F401  (imported before the fork)

    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the watchdog: no terminal, no inherited output pipes
        try:
            devnull = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(devnull, fd)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            reap_when_orphaned(parent)
        finally:
            os._exit(0)
    try:
        yield
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
