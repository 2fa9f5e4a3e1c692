"""Where a CLI run finds its Prefect API, and Prefect's settings for it. Import before anything
imports prefect: the settings are read from the environment when prefect loads.

Three modes, chosen in this order (``choose_api``):

- ``server``: PREFECT_API_URL is set. It must answer (``/health``) or the command stops with
  one line and exit 2; the run's records, logs and artifacts land there.
- ``kept server``: a loopback server started by ``cninet server start`` (its pid and port in
  ``$PREFECT_HOME/cninet-server.json``) answers; later commands reuse it without any setting.
- ``per-run server``: otherwise the run starts a loopback API in the background (the same
  app Prefect's ephemeral mode runs) and reads its sources while it boots; it is stopped when
  the run ends, and by the run's watchdog if the run is killed.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

QUIET_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    # Flow and task run loggers send INFO records to the API (the UI shows them); the console
    # handler only prints what is critical: the CLI reports a failed run in one line. Set
    # PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL=INFO to see Prefect's logs on the terminal too.
    "PREFECT_LOGGING_LEVEL": "INFO",
    "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "CRITICAL",
    # A per-run API's own services log shutdown races (events still in flight when the CLI
    # exits) as tracebacks; they concern Prefect's bookkeeping, not the run's results.
    "PREFECT_SERVER_LOGGING_LEVEL": "CRITICAL",
    "DASK_LOGGING__DISTRIBUTED": "error",  # backfill's local Dask cluster
    # A first start runs the database migrations; on a busy 2-core machine that can take
    # longer than Prefect's default 20 s.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
}
# How many future runs the scheduler of a server cninet starts keeps per deployment (Prefect's
# default is 100: `serve --interval 5` showed ~97 scheduled runs).
SCHEDULER_DEFAULTS = {
    "PREFECT_SERVER_SERVICES_SCHEDULER_MAX_RUNS": "5",
    "PREFECT_SERVER_SERVICES_SCHEDULER_MIN_RUNS": "1",
    "PREFECT_SERVER_SERVICES_SCHEDULER_MIN_SCHEDULED_TIME": "PT1M",  # a timedelta: ISO 8601
}
# Finished top-level flow runs kept in Prefect's database; older ones are deleted after each
# run (flows.prefect_state). Each run of raw/ adds about 1.4 MB otherwise.
KEEP_RUNS_ENV = "CNINET_PREFECT_KEEP_RUNS"
KEEP_RUNS_DEFAULT = 100
START_TIMEOUT_S = 180.0
HEALTH_TIMEOUT_S = 3.0
STATE_FILE = "cninet-server.json"


def configure() -> None:
    for key, value in QUIET_DEFAULTS.items():
        os.environ.setdefault(key, value)


class KeepRunsSettingError(ValueError):
    """CNINET_PREFECT_KEEP_RUNS is not a whole number of at least 1."""


def keep_runs() -> int:
    """How many finished flow runs Prefect keeps (``CNINET_PREFECT_KEEP_RUNS``, default 100)."""
    text = os.environ.get(KEEP_RUNS_ENV, "").strip()
    if not text:
        return KEEP_RUNS_DEFAULT
    try:
        keep = int(text)
    except ValueError:
        keep = 0
    if keep < 1:
        raise KeepRunsSettingError(
            f"{KEEP_RUNS_ENV}={text!r}: expected a whole number of flow runs, at least 1"
        )
    return keep


class ApiUnavailable(Exception):
    """The configured Prefect server does not answer, or a local one could not start."""


@dataclass
class Api:
    """The Prefect API a run talks to; ``process`` is set when this run started it."""

    mode: str
    url: str
    process: subprocess.Popen[bytes] | None = None
    launched: float = 0.0  # time.perf_counter() when it was started or found
    ready_after: float | None = None  # seconds from launch until it answered


def prefect_home() -> Path:
    return Path(os.environ.get("PREFECT_HOME") or "~/.prefect").expanduser()


def health_error(url: str, timeout: float = HEALTH_TIMEOUT_S) -> str | None:
    """Why ``url``'s /health does not answer 200, or None when it does."""
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/health", timeout=timeout) as response:
            return None if response.status == 200 else f"HTTP {response.status}"
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return str(reason) or type(exc).__name__
    except ValueError as exc:  # not a URL at all
        return str(exc)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- the kept loopback server (`cninet server start|stop|status`) ---------------------------


@dataclass(frozen=True)
class KeptServer:
    pid: int
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"


def state_path() -> Path:
    return prefect_home() / STATE_FILE


def read_state() -> KeptServer | None:
    try:
        data = json.loads(state_path().read_text())
        return KeptServer(int(data["pid"]), int(data["port"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def kept_server() -> KeptServer | None:
    """The server `cninet server start` left running, if its process lives and answers."""
    kept = read_state()
    if kept is None or not alive(kept.pid) or health_error(kept.url, 1.0) is not None:
        return None
    return kept


def wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while health_error(url, 1.0) is not None:
        if process.poll() is not None:
            raise ApiUnavailable(f"the Prefect server exited with status {process.returncode}")
        if time.monotonic() > deadline:
            raise ApiUnavailable(f"the Prefect server did not answer within {timeout:g} s")
        time.sleep(0.1)


def start_kept_server(port: int | None = None) -> KeptServer:
    """`prefect server start` on loopback in its own session (it outlives this command), with
    a handful of scheduled runs per deployment; its pid and port recorded under PREFECT_HOME."""
    chosen = port or free_port()
    home = prefect_home()
    home.mkdir(parents=True, exist_ok=True)
    env = {**SCHEDULER_DEFAULTS, **os.environ}
    env.pop("PREFECT_API_URL", None)
    command = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1"]
    with (home / "cninet-server.log").open("ab") as log:
        process = subprocess.Popen(
            [*command, "--port", str(chosen)],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    kept = KeptServer(process.pid, chosen)
    try:
        wait_healthy(kept.url, process, START_TIMEOUT_S)
    except BaseException:
        end_group(process.pid)
        raise
    state_path().write_text(json.dumps({"pid": kept.pid, "port": kept.port}))
    return kept


def end_group(pid: int, timeout: float = 20.0) -> None:
    """SIGTERM to a process group we started (by its leader's pid), SIGKILL if it lingers."""
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while alive(pid) and time.monotonic() < deadline:
        reap(pid)
        time.sleep(0.1)
    with suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)
    reap(pid)


def reap(pid: int) -> None:
    with suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def stop_kept_server() -> KeptServer | None:
    """Stop the recorded server (its whole process group); None when none was recorded."""
    kept = read_state()
    if kept is None:
        return None
    if alive(kept.pid):
        end_group(kept.pid)
    state_path().unlink(missing_ok=True)
    return kept


# --- the API of one run ----------------------------------------------------------------------


PR_SET_PDEATHSIG = 1  # prctl(2) option: the signal the kernel sends when the parent dies


def die_with_parent() -> Callable[[], None] | None:
    """What a child runs between fork and exec to get SIGTERM when the process that started
    it ends, however it ends (even SIGKILL of its whole group, watchdog included). Resolved
    before the fork; None where prctl(2) does not exist (not Linux)."""
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def in_child() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent died before the call: nobody will signal
            os._exit(1)

    return in_child


def start_run_server() -> Api:
    """Prefect's API app (as its ephemeral mode runs it) on a free loopback port, in its own
    process group (a Ctrl-C on the terminal reaches the run, which stops it in order)."""
    port = free_port()
    env = {
        **os.environ,
        "PREFECT_UI_ENABLED": "0",
        "PREFECT__SERVER_EPHEMERAL": "1",
        "PREFECT__SERVER_FINAL": "1",
    }
    env.pop("PREFECT_API_URL", None)
    command = [sys.executable, "-m", "uvicorn", "--factory", "prefect.server.api.server:create_app"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "error"]
    process = subprocess.Popen(
        [*command, "--lifespan", "on"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=die_with_parent(),  # started from the CLI's main thread
    )
    return Api("per-run server", f"http://127.0.0.1:{port}/api", process, time.perf_counter())


def profile_url() -> str | None:
    """PREFECT_API_URL of the active Prefect profile (`prefect config set PREFECT_API_URL=…`),
    read from profiles.toml without importing prefect."""
    import tomllib

    try:
        data = tomllib.loads((prefect_home() / "profiles.toml").read_text())
    except (OSError, ValueError):
        return None
    active = os.environ.get("PREFECT_PROFILE") or data.get("active") or "ephemeral"
    url = data.get("profiles", {}).get(active, {}).get("PREFECT_API_URL")
    return str(url) if url else None


def configured_url() -> str:
    """The server this process is told to use: PREFECT_API_URL in the environment, in the
    active profile, or in settings Prefect already holds (a test harness); empty if none."""
    url = os.environ.get("PREFECT_API_URL", "").strip() or profile_url()
    if not url and "prefect.settings" in sys.modules:
        from prefect.settings import get_current_settings

        url = get_current_settings().api.url
    return (url or "").strip()


def choose_api() -> Api:
    """The configured server (it must answer), else a kept `cninet server`, else a per-run
    server started now in the background (``using`` points Prefect at the last two)."""
    now = time.perf_counter()
    configured = configured_url()
    if configured:
        problem = health_error(configured)
        if problem is not None:
            raise ApiUnavailable(
                f"Prefect server at PREFECT_API_URL={configured} does not answer ({problem}); "
                "start it, or unset PREFECT_API_URL to run without one"
            )
        return Api("server", configured, None, now, time.perf_counter() - now)
    kept = kept_server()
    if kept is not None:
        return Api("kept server", kept.url, None, now, time.perf_counter() - now)
    return start_run_server()


@contextmanager
def using(api: Api) -> Iterator[None]:
    """Prefect's client talks to ``api`` inside the block; no flow heartbeats for a CLI run
    (each would cost a 1 s thread join per flow)."""
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
        temporary_settings,
    )

    with temporary_settings({PREFECT_API_URL: api.url, PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


# When the first flow of this process's run began (time.perf_counter()), for the start-up cost.
FLOW_ENTERED: list[float] = []


def flow_entered() -> None:
    if not FLOW_ENTERED:
        FLOW_ENTERED.append(time.perf_counter())


def ready(api: Api) -> float:
    """Wait until the API answers; the seconds waited here."""
    if api.ready_after is not None:
        return 0.0
    assert api.process is not None
    waited = time.perf_counter()
    limit = os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS") or START_TIMEOUT_S
    wait_healthy(api.url, api.process, float(limit))
    api.ready_after = time.perf_counter() - api.launched
    return time.perf_counter() - waited


def booting(api: Api) -> bool:
    """True while a per-run server has not answered yet (checked without waiting)."""
    if api.ready_after is not None:
        return False
    if health_error(api.url, 0.2) is None:
        api.ready_after = time.perf_counter() - api.launched
        return False
    return api.process is not None and api.process.poll() is None


def flush(timeout: float = 10.0) -> None:
    """Send the log records and events still queued in this process (before a per-run API
    stops: otherwise they fail at exit, retrying against a closed port)."""
    if "prefect.logging.handlers" in sys.modules:
        from prefect.logging.handlers import APILogWorker

        APILogWorker.drain_all(timeout=timeout)
    if "prefect.events.worker" in sys.modules:
        from prefect.events.worker import EventsWorker

        EventsWorker.drain_all(timeout=timeout)


def release(api: Api) -> None:
    """Send what is queued, then stop the API this run started (nothing for a server found
    running)."""
    if api.ready_after is not None:
        flush()
    if api.process is not None and api.process.poll() is None:
        end_group(api.process.pid, 10.0)


@contextmanager
def local_run_settings() -> Iterator[None]:
    """No flow heartbeats for a CLI run: each would cost a 1 s thread join per flow."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield
