"""Process hygiene of a real `cninet run` (a subprocess): SIGINT/SIGTERM stop it at the next
safe point with nothing published and exit 130/143; after SIGKILL of the run, its watchdog
ends what the run had started (the ephemeral Prefect API server, reader children)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from deltalake import DeltaTable

from tests.conftest import CNNIC_DATASETS, REPORT_PDF, REPORT_TXT, copy_template, published_template
from tests.editions import write_editions

pytestmark = pytest.mark.usefixtures("prefect_harness")


@pytest.fixture(scope="module")
def template(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    (path,) = write_editions(tmp_path_factory.mktemp("edition-55"), [55])
    return published_template(tmp_path_factory, [REPORT_TXT, path])


def versions(curated: Path) -> dict[str, int]:
    return {name: DeltaTable(str(curated / name)).version() for name in CNNIC_DATASETS}


def start_run(workdir: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PREFECT_HOME": str(workdir / "prefect"),
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "300",
        "PREFECT_LOGGING_LEVEL": "CRITICAL",  # the CLI's own default (the tests' is WARNING)
    }
    env.pop("PREFECT_API_URL", None)
    command = [sys.executable, "-m", "flows.cli", "--curated", "cur", "run", "--raw", "raw"]
    return subprocess.Popen(command, cwd=workdir, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)  # fmt: skip


def wait_for_reader(run: subprocess.Popen[bytes], seen: dict[int, float]) -> None:
    """Until the run has forked a reader child for a PDF (its watchdog is the first fork of
    the run itself, so two such forks met) while Prefect's API server runs, remembering every
    descendant met. A child that ends while it is looked at is skipped, not the whole poll."""
    parent = psutil.Process(run.pid)
    own = parent.cmdline()
    forks: set[int] = set()
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        assert run.poll() is None, run.communicate()
        try:
            children = parent.children(recursive=True)
        except psutil.Error:
            children = []
        others = 0
        for child in children:
            try:
                seen.setdefault(child.pid, child.create_time())
                if child.cmdline() == own:
                    forks.add(child.pid)
                else:
                    others += 1
            except psutil.Error:
                continue
        if len(forks) >= 2 and others:
            return
        time.sleep(0.05)
    raise AssertionError("the run never started reading")


def survivors(seen: dict[int, float], within_s: float) -> list[str]:
    deadline = time.monotonic() + within_s
    while True:
        alive = []
        for pid, created in seen.items():
            try:
                proc = psutil.Process(pid)
                if proc.create_time() == created and proc.status() != psutil.STATUS_ZOMBIE:
                    alive.append(" ".join(proc.cmdline())[:80])
            except psutil.Error:
                continue
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.2)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_the_run_before_publishing(
    sig: signal.Signals, template: Path, workdir: Path
) -> None:
    store = copy_template(template, workdir)
    # several distinct copies of the edition (a comment after %%EOF changes the bytes, not the
    # content), so reading lasts well past the moment the signal is sent even on a busy machine
    data = REPORT_PDF.read_bytes()
    for n in range(6):
        (workdir / "raw" / f"copy-{n}-{REPORT_PDF.name}").write_bytes(data + b"%% copy %d\n" % n)
    before = versions(store)
    run = start_run(workdir)
    seen: dict[int, float] = {}
    try:
        wait_for_reader(run, seen)
        os.kill(run.pid, sig)
        _, err = run.communicate(timeout=120)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
    assert run.returncode == 128 + sig, err.decode()[-3000:]
    lines = [line for line in err.decode().splitlines() if line.startswith("error:")]
    assert "Traceback" not in err.decode()
    assert lines == [f"error: interrupted by {sig.name}: stopped before publishing; "
                     "nothing was written"], lines  # fmt: skip
    assert versions(store) == before
    assert survivors(seen, 15) == []


def test_a_killed_run_leaves_no_process_behind(template: Path, workdir: Path) -> None:
    copy_template(template, workdir)
    data = REPORT_PDF.read_bytes()  # distinct copies: reading outlasts the poll on a busy machine
    for n in range(3):
        (workdir / "raw" / f"copy-{n}-{REPORT_PDF.name}").write_bytes(data + b"%% copy %d\n" % n)
    run = start_run(workdir)
    seen: dict[int, float] = {}
    try:
        wait_for_reader(run, seen)
        assert len(seen) >= 3  # the watchdog, a reader and Prefect's API server
        run.kill()  # the run only, not its process group: nobody else cleans up
        run.wait(timeout=30)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
    left = survivors(seen, 20)
    if left:
        os.killpg(run.pid, signal.SIGKILL)
    assert left == []
