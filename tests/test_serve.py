"""Scheduled runs for real: a Prefect server on loopback, `cninet serve` with a short schedule,
a new edition dropped into raw/, and its tables published. Bounded in time; every process this
test starts is stopped by PID."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from deltalake import DeltaTable

from tests.conftest import REPORTS, ROOT

SERVER_START_S = 120
PUBLISH_S = 180


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a process and its children (own process group) by PID."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[dict[str, str]]:
    port = free_port()
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect-server"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
    }
    env.pop("PREFECT_API_URL", None)
    log = (tmp_path / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
         "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/api"
    started = time.monotonic()
    try:
        deadline = time.monotonic() + SERVER_START_S
        while not healthy(url):
            assert process.poll() is None, (tmp_path / "server.log").read_text()[-2000:]
            assert time.monotonic() < deadline, "Prefect server did not start in time"
            time.sleep(0.5)
        print(f"server healthy after {time.monotonic() - started:.1f} s")
        yield {**env, "PREFECT_API_URL": url, "PREFECT_HOME": str(tmp_path / "prefect-client")}
    finally:
        stop(process)
        log.close()


def test_served_deployment_publishes_a_new_edition(server: dict[str, str], tmp_path: Path) -> None:
    raw, curated = tmp_path / "raw", tmp_path / "curated"
    raw.mkdir()
    log = (tmp_path / "serve.log").open("wb")
    serve = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "--curated", str(curated), "serve",
         "--interval", "3", "--raw", str(raw)],
        cwd=ROOT, env=server, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        time.sleep(5)  # a scan or two over an empty raw/: nothing is published
        assert serve.poll() is None, (tmp_path / "serve.log").read_text()[-3000:]
        assert not (curated / "ipv4_by_org").exists()
        shutil.copy(REPORTS["txt"], raw / "new-edition.txt")
        deadline = time.monotonic() + PUBLISH_S
        while not (curated / "ipv4_by_org" / "_delta_log").exists():
            assert serve.poll() is None, (tmp_path / "serve.log").read_text()[-3000:]
            assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()[-3000:]
            time.sleep(1)
        print(f"published {time.monotonic() - deadline + PUBLISH_S:.1f} s after the drop")
        time.sleep(3)  # let that run finish its other tables
        table = DeltaTable(str(curated / "ipv4_by_org"))
        assert set(table.to_pandas()["source_path"]) == {"new-edition.txt"}
    finally:
        stop(serve)
        log.close()
