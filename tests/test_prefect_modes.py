"""The Prefect API modes of `cninet run`, for real: a server started by `cninet server start`
in a temporary PREFECT_HOME on a free loopback port (one for the module), a run of the 54th
edition's text dump against it, and what the run left in Prefect, read back through Prefect's
client: flow runs named after the source, task runs named by section, tags, log records; old
runs pruned; `server status|stop`. Then a server that does not answer (exit 2) and a run with no
server (the per-run API). Every process started here is stopped by its pid."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

import pytest
from prefect.client.orchestration import SyncPrefectClient, get_client
from prefect.client.schemas.filters import (
    FlowRunFilter,
    FlowRunFilterParentTaskRunId,
    LogFilter,
    LogFilterFlowRunId,
    TaskRunFilter,
    TaskRunFilterFlowRunId,
)
from prefect.client.schemas.objects import FlowRun
from prefect.settings import PREFECT_API_URL, temporary_settings

from cninet.store import read
from flows.prefect_env import end_group, free_port
from tests.conftest import REPORT_TXT, ROOT

SOURCE = REPORT_TXT.name  # cnnic-54-en-2024-08.txt: a report, read in a sub-flow of its own
START_S = 240
RUN_S = 300


@dataclass(frozen=True)
class Kept:
    env: dict[str, str]
    url: str
    folder: Path


def cninet(env: dict[str, str], folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "flows.cli", *args]
    return subprocess.run(
        command, cwd=folder, env=env, capture_output=True, text=True, timeout=RUN_S
    )


def user_env(home: Path) -> dict[str, str]:
    """The environment of a user with no Prefect settings (not this session's test ones)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "CNINET_"))}
    return {**env, "PREFECT_HOME": str(home), "COLUMNS": "250", "PYTHONPATH": str(ROOT)}


def kept_pid(home: Path) -> int | None:
    """The pid `cninet server start` recorded under ``home``, if any."""
    try:
        return int(json.loads((home / "cninet-server.json").read_text())["pid"])
    except FileNotFoundError:
        return None


@pytest.fixture(scope="module")
def kept(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kept]:
    folder = tmp_path_factory.mktemp("kept")
    (folder / "raw").mkdir()
    shutil.copy(REPORT_TXT, folder / "raw" / SOURCE)
    env = user_env(folder / "prefect-home")
    port = free_port()
    try:
        started = subprocess.run(
            [sys.executable, "-m", "flows.cli", "server", "start", "--port", str(port)],
            cwd=folder, env=env, capture_output=True, text=True, timeout=START_S,
        )  # fmt: skip
        assert started.returncode == 0, started.stderr
        url = f"http://127.0.0.1:{port}/api"
        assert f"Prefect server at {url} (pid " in started.stdout
        yield Kept(env, url, folder)
    finally:
        pid = kept_pid(Path(env["PREFECT_HOME"]))
        if pid is not None:  # a test failed before `server stop`
            end_group(pid)


@pytest.fixture(scope="module")
def first_run(kept: Kept) -> subprocess.CompletedProcess[str]:
    return cninet(kept.env, kept.folder, "--curated", "cur", "run", "--raw", "raw")


def client_of(url: str) -> Iterator[SyncPrefectClient]:
    with temporary_settings({PREFECT_API_URL: url}), get_client(sync_client=True) as client:
        yield client


@pytest.fixture()
def client(kept: Kept) -> Iterator[SyncPrefectClient]:
    yield from client_of(kept.url)


def top_level(client: SyncPrefectClient) -> list[FlowRun]:
    return client.read_flow_runs(
        flow_run_filter=FlowRunFilter(
            parent_task_run_id=FlowRunFilterParentTaskRunId(is_null_=True)
        )
    )


def runs_named(client: SyncPrefectClient, name: str) -> dict[str, FlowRun]:
    """Flow runs called ``name``, by their flow's name."""
    flows = {flow.id: flow.name for flow in client.read_flows()}
    return {flows[run.flow_id]: run for run in client.read_flow_runs() if run.name == name}


def task_names(client: SyncPrefectClient, run_id: UUID) -> set[str]:
    runs = client.read_task_runs(
        task_run_filter=TaskRunFilter(flow_run_id=TaskRunFilterFlowRunId(any_=[run_id]))
    )
    return {run.name for run in runs}


def messages(client: SyncPrefectClient, run_id: UUID) -> set[str]:
    logs = client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run_id])))
    return {log.message for log in logs}


def test_run_uses_the_kept_server(kept: Kept, first_run: subprocess.CompletedProcess[str]) -> None:
    assert first_run.returncode == 0, first_run.stderr
    assert f"(kept server {kept.url})" in first_run.stdout
    assert "of which own work" in first_run.stdout


def test_flow_runs_are_named_after_the_source(
    first_run: subprocess.CompletedProcess[str], client: SyncPrefectClient
) -> None:
    assert first_run.returncode == 0, first_run.stderr
    assert set(runs_named(client, SOURCE)) == {"process-sources", "extract-source"}


def test_task_runs_are_named_by_section_without_hashes(
    first_run: subprocess.CompletedProcess[str], client: SyncPrefectClient
) -> None:
    runs = runs_named(client, SOURCE)
    reading = task_names(client, runs["extract-source"].id)
    assert {f"load-{SOURCE}", "lines"} <= reading
    assert {"extract-ipv4_by_org", "extract-ipv6_by_org", "extract-users_by_province"} <= reading
    publishing = task_names(client, runs["process-sources"].id)
    assert {"validate", "publish-ipv4_by_org", "publish-indicators", "reconcile"} <= publishing
    hashed = [name for name in reading | publishing if re.search(r"-[0-9a-f]{3}$", name)]
    assert not hashed


def test_runs_are_tagged_with_format_kind_language_and_edition(
    first_run: subprocess.CompletedProcess[str], client: SyncPrefectClient
) -> None:
    runs = runs_named(client, SOURCE)
    assert {"txt", "cnnic", "en", "edition-54"} <= set(runs["extract-source"].tags)
    assert {"cnnic", "en", "edition-54"} <= set(runs["process-sources"].tags)


def test_log_records_reach_the_api(
    first_run: subprocess.CompletedProcess[str], client: SyncPrefectClient
) -> None:
    """One line per section (the 54th's Table 2 of IPv4 holders: 8 rows) and per published
    version, while the terminal shows none of them."""
    runs = runs_named(client, SOURCE)
    assert "ipv4_by_org: 8 rows" in messages(client, runs["extract-source"].id)
    assert "ipv4_by_org: version 0, 8 rows" in messages(client, runs["process-sources"].id)
    assert "ipv4_by_org: 8 rows" not in first_run.stdout + first_run.stderr


def test_server_status_names_the_kept_server(kept: Kept) -> None:
    status = cninet(kept.env, kept.folder, "server", "status")
    assert status.returncode == 0
    assert f"running: {kept.url} (pid " in status.stdout


def test_old_flow_runs_are_pruned_after_each_run(
    kept: Kept, first_run: subprocess.CompletedProcess[str], client: SyncPrefectClient
) -> None:
    """Keeping 2: after two more runs only the newest two top-level runs are left, each with
    its source's sub-flow run; the first run's sub-flow run and task runs went with it."""
    assert first_run.returncode == 0, first_run.stderr
    first = runs_named(client, SOURCE)
    env = {**kept.env, "CNINET_PREFECT_KEEP_RUNS": "2"}
    for _ in range(2):
        again = cninet(env, kept.folder, "--curated", "cur", "run", "--raw", "raw")
        assert again.returncode == 0, again.stderr
    assert "Prefect: 1 old flow run(s) deleted with 1 sub-flow run(s)" in again.stdout
    assert len(top_level(client)) == 2
    left = {run.id for run in client.read_flow_runs()}
    assert len(left) == 4
    assert not left & {first["process-sources"].id, first["extract-source"].id}
    assert not task_names(client, first["extract-source"].id)
    pruned = cninet(kept.env, kept.folder, "server", "prune", "--keep", "1")
    assert pruned.returncode == 0, pruned.stderr
    assert pruned.stdout.startswith("deleted 1 finished flow run(s), 1 sub-flow run(s)")
    assert len(top_level(client)) == 1
    assert len(client.read_flow_runs()) == 2


def test_prefect_yaml_deploys_to_a_work_pool_whose_worker_runs_the_scan(
    kept: Kept, client: SyncPrefectClient, tmp_path: Path
) -> None:
    """prefect.yaml as the README says to use it: a process work pool, `prefect deploy --all`
    from the checkout, then a worker of the pool runs the scan deployment (its flow loaded from
    the entrypoint in a subprocess) and publishes the new edition."""
    env = {**kept.env, "PREFECT_API_URL": kept.url, "CNINET_HOME": str(ROOT)}
    prefect = [sys.executable, "-m", "prefect"]
    for command in (["work-pool", "create", "cninet", "--type", "process"],
                    ["--no-prompt", "deploy", "--all"]):  # fmt: skip
        done = subprocess.run([*prefect, *command], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=RUN_S)  # fmt: skip
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    flows = {flow.id: flow.name for flow in client.read_flows()}
    found = {f"{flows[d.flow_id]}/{d.name}": d for d in client.read_deployments()}
    assert set(found) == {"process-new/scan", "rerun-sections/rerun"}
    scan, rerun = found["process-new/scan"], found["rerun-sections/rerun"]
    pull = [{"prefect.deployments.steps.set_working_directory": {"directory": str(ROOT)}}]
    for deployment in (scan, rerun):
        assert deployment.work_pool_name == "cninet"
        assert deployment.pull_steps == pull
        assert deployment.parameters == {"raw": "raw", "curated": "curated"}
    assert [schedule.schedule.cron for schedule in scan.schedules] == ["0 6 * * *"]  # type: ignore[union-attr]
    schema = rerun.parameter_openapi_schema or {}
    assert schema["required"] == ["raw", "curated", "edition", "sections"]
    (tmp_path / "raw").mkdir()
    shutil.copy(REPORT_TXT, tmp_path / "raw" / "new-edition.txt")
    where = {"raw": str(tmp_path / "raw"), "curated": str(tmp_path / "cur")}
    client.create_flow_run_from_deployment(scan.id, parameters=where)
    worker = subprocess.run(
        [*prefect, "worker", "start", "--pool", "cninet", "--run-once"],
        cwd=tmp_path, env={**env, "PREFECT_WORKER_QUERY_SECONDS": "1"},
        capture_output=True, text=True, timeout=RUN_S,
    )  # fmt: skip
    assert worker.returncode == 0, worker.stdout[-3000:] + worker.stderr[-3000:]
    published = read(tmp_path / "cur", "ipv4_by_org")
    assert len(published) == 8  # the 54th's Table 2 of IPv4 holders
    assert set(published["source_path"]) == {"new-edition.txt"}


def test_server_stop_ends_the_kept_server(kept: Kept) -> None:
    pid = kept_pid(Path(kept.env["PREFECT_HOME"]))
    stopped = cninet(kept.env, kept.folder, "server", "stop")
    assert stopped.stdout.strip() == f"stopped pid {pid}"
    status = cninet(kept.env, kept.folder, "server", "status")
    assert status.returncode == 1
    assert "no cninet server running" in status.stdout


def test_a_configured_server_that_does_not_answer_is_one_line_exit_2(tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    shutil.copy(REPORT_TXT, tmp_path / "raw" / SOURCE)
    url = f"http://127.0.0.1:{free_port()}/api"
    env = {**user_env(tmp_path / "prefect-home"), "PREFECT_API_URL": url}
    ran = cninet(env, tmp_path, "--curated", "cur", "run", "--raw", "raw")
    assert ran.returncode == 2
    lines = ran.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: Prefect server at PREFECT_API_URL={url} does not answer")
    assert not (tmp_path / "cur" / "ipv4_by_org").exists()


def test_without_a_server_the_run_starts_its_own_api(tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    shutil.copy(REPORT_TXT, tmp_path / "raw" / SOURCE)
    ran = cninet(user_env(tmp_path / "prefect-home"), tmp_path, "--curated", "cur", "run")
    assert ran.returncode == 0, ran.stderr
    assert re.search(r"Prefect start-up [0-9.]+ s \(per-run server[;)]", ran.stdout)
