"""A store that already holds an edition: a run killed while it publishes the next edition
leaves the first intact and the next scheduled scan completes it; the scan then picks up a
newly arrived edition and only it."""

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

from cninet.api import load, load_series
from cninet.registry import processed
from flows.pipeline import process_new
from tests.conftest import CNNIC_DATASETS, REPORT_PDF, REPORT_TXT, copy_template, published_template
from tests.editions import edition_text

pytestmark = pytest.mark.usefixtures("prefect_harness")


@pytest.fixture(scope="module")
def template(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """raw/ and cur/ with the 54th edition (PDF and text) published by `cninet run`."""
    return published_template(tmp_path_factory, [REPORT_PDF, REPORT_TXT])


def versions(curated: Path) -> dict[str, int]:
    return {name: DeltaTable(str(curated / name)).version() for name in CNNIC_DATASETS}


def committed(curated: Path, dataset: str, version: int) -> bool:
    return (curated / dataset / "_delta_log" / f"{version:020d}.json").is_file()


def start_run(workdir: Path, *sources: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PREFECT_HOME": str(workdir / "prefect")}
    env["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "300"
    env.pop("PREFECT_API_URL", None)
    command = [sys.executable, "-m", "flows.cli", "--curated", "cur", "run", *sources]
    return subprocess.Popen(command, cwd=workdir, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)  # fmt: skip


def kill_once_publishing(run: subprocess.Popen[bytes], curated: Path) -> dict[str, int]:
    """SIGKILL the run's process group as soon as its first table commits the new edition;
    the versions of the tables at that moment."""
    first = sorted(CNNIC_DATASETS)[0]  # tables publish in name order
    deadline = time.monotonic() + 600
    while not committed(curated, first, 1):
        assert run.poll() is None, run.communicate()[1].decode()[-2000:]
        assert time.monotonic() < deadline, "the run never began publishing"
        time.sleep(0.005)
    os.killpg(run.pid, signal.SIGKILL)  # the run and its watchdog: the whole group
    run.wait(timeout=60)
    return versions(curated)


def servers_left(home: Path, within_s: float) -> list[int]:
    """Pids of Prefect API servers started with PREFECT_HOME=``home`` still running after
    ``within_s`` seconds (a per-run server lives in its own session, outside the group)."""
    deadline = time.monotonic() + within_s
    while True:
        left = []
        for proc in psutil.process_iter():
            try:
                if "uvicorn" in proc.cmdline() and proc.environ().get("PREFECT_HOME") == str(home):
                    left.append(proc.pid)
            except psutil.Error:
                continue
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.2)


def test_a_kill_while_publishing_the_next_edition_keeps_the_first_and_the_scan_completes_it(
    template: Path, workdir: Path
) -> None:
    store = copy_template(template, workdir)
    ipv4_54 = load("basic_resources", edition=54, curated=store).set_index("category")["value"]
    (workdir / "raw" / "cnnic-55-en.txt").write_text(edition_text(55), encoding="utf-8")

    run = start_run(workdir, "raw/cnnic-55-en.txt", "--raw", "raw")
    at_kill = kill_once_publishing(run, store)
    assert run.returncode == -signal.SIGKILL
    assert at_kill[sorted(CNNIC_DATASETS)[0]] == 1
    assert min(at_kill.values()) == 0, "killed after publishing had ended"
    assert servers_left(workdir / "prefect", 15) == []  # the per-run API died with its run

    # the first edition: every table readable at a complete version, the 54th's figures intact
    for dataset in CNNIC_DATASETS:
        assert set(load(dataset, curated=store)["edition"]) <= {54, 55}
    after_kill = load("basic_resources", edition=54, curated=store).set_index("category")
    assert after_kill["value"].to_dict() == ipv4_54.to_dict()
    assert after_kill.loc["IPv4", "value"] == 392_347_136
    assert "cnnic-55-en.txt" not in processed(store).values()

    # the next scheduled scan reads the 55th again (it was never recorded) and completes it
    result = process_new(str(workdir / "raw"), str(store))
    assert [(s.path, s.status) for s in result.sources] == [("cnnic-55-en.txt", "extracted")]
    assert result.write_failures == () and result.report_path is not None
    for dataset in CNNIC_DATASETS:
        assert set(load(dataset, curated=store)["edition"]) == {54, 55}, dataset
    ipv4 = load("basic_resources", curated=store).query("category == 'IPv4'")
    assert sorted(ipv4["value"]) == [392_347_136, 392_412_672]
    users = load_series("internet_users", curated=store)
    assert users["value_base"].tolist() == [1_099_670_000, 1_107_880_000]

    # a new edition arrives: the scan picks it up, and only it
    (workdir / "raw" / "cnnic-56-en.txt").write_text(edition_text(56), encoding="utf-8")
    before = versions(store)
    result = process_new(str(workdir / "raw"), str(store))
    assert [(s.path, s.status) for s in result.sources] == [("cnnic-56-en.txt", "extracted")]
    assert versions(store) == {name: version + 1 for name, version in before.items()}
    assert set(load("ipv6_by_org", curated=store)["edition"]) == {54, 55, 56}
    stations = load_series("base_stations", curated=store)
    assert stations["quality_flags"].map(list).tolist()[-1] == ["drift"]
    # nothing new: the scan reads nothing and writes nothing
    assert process_new(str(workdir / "raw"), str(store)).sources == ()
    assert versions(store) == {name: version + 1 for name, version in before.items()}
