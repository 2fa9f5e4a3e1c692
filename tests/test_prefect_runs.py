"""What a run leaves in Prefect's API: flow runs named after their sources and tagged; the
task runs inside them untagged (each tagged task run costs an API call for a concurrency slot)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    FlowFilter,
    FlowFilterName,
    FlowRunFilter,
    FlowRunFilterId,
    FlowRunFilterName,
)
from prefect.client.schemas.sorting import FlowRunSort
from typer.testing import CliRunner

from flows.cli import app
from tests.conftest import RAW

pytestmark = pytest.mark.usefixtures("prefect_harness")
SOURCE = RAW / "reports" / "isc-2024-zh.pdf"


def test_flow_runs_carry_the_tags_and_task_runs_none(workdir: Path) -> None:
    (workdir / "raw").mkdir()
    shutil.copy(SOURCE, workdir / "raw" / SOURCE.name)
    result = CliRunner().invoke(app, ["--curated", "cur", "run", "--raw", "raw"])
    assert result.exit_code == 0, result.stderr
    named = FlowRunFilter(name=FlowRunFilterName(any_=[SOURCE.name]))
    with get_client(sync_client=True) as client:
        (run,) = client.read_flow_runs(  # this test's: the newest of that name
            flow_filter=FlowFilter(name=FlowFilterName(any_=["extract-source"])),
            flow_run_filter=named,
            sort=FlowRunSort.EXPECTED_START_TIME_DESC,
            limit=1,
        )
        own = FlowRunFilter(id=FlowRunFilterId(any_=[run.id]))
        tasks = client.read_task_runs(flow_run_filter=own)
    assert {"pdf", "isc", "zh"} <= set(run.tags)
    assert len(tasks) >= 3  # load, lines, the sections, validate
    assert [t.tags for t in tasks if t.tags] == []
