"""Prefect's own state kept bounded: the flow runs of finished runs beyond the newest N are
deleted through the Prefect API (their task runs and states go with them, the server deletes
their logs; their artifacts are deleted here). Prefect's events expire by its own retention
(``PREFECT_SERVER_EVENTS_RETENTION_PERIOD``, 7 days by default).

Runs after every ``cninet run``/``rerun``/``backfill`` and every served scan, and on demand as
``cninet server prune``. How many to keep: ``CNINET_PREFECT_KEEP_RUNS`` (default 100,
``prefect_env.keep_runs``)."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from uuid import UUID

from prefect.client.orchestration import SyncPrefectClient, get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    FlowRunFilter,
    FlowRunFilterParentFlowRunId,
    FlowRunFilterParentTaskRunId,
    FlowRunFilterState,
    FlowRunFilterStateType,
)
from prefect.client.schemas.objects import StateType
from prefect.client.schemas.sorting import FlowRunSort
from prefect.exceptions import ObjectNotFound

FINISHED = [StateType.COMPLETED, StateType.FAILED, StateType.CANCELLED, StateType.CRASHED]
PAGE = 200


@dataclass(frozen=True)
class Pruned:
    runs: int  # top-level flow runs deleted
    subflow_runs: int
    artifacts: int


def top_level_finished() -> FlowRunFilter:
    """Finished flow runs that no other run started: scheduled, running and paused runs are
    never pruned."""
    states = FlowRunFilterState(type=FlowRunFilterStateType(any_=FINISHED))
    return FlowRunFilter(
        state=states, parent_task_run_id=FlowRunFilterParentTaskRunId(is_null_=True)
    )


def subflow_runs(client: SyncPrefectClient, parents: list[UUID]) -> list[UUID]:
    """Every flow run below ``parents`` (sub-flows of sub-flows too)."""
    below: list[UUID] = []
    level = parents
    while level:
        children = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(
                parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=level)
            )
        )
        level = [run.id for run in children]
        below += level
    return below


def delete_artifacts(client: SyncPrefectClient, runs: list[UUID]) -> int:
    if not runs:
        return 0
    artifacts = client.read_artifacts(
        artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=runs))
    )
    for artifact in artifacts:
        with suppress(ObjectNotFound):  # deleted meanwhile (a concurrent prune)
            client.delete_artifact(artifact.id)
    return len(artifacts)


def delete_all(client: SyncPrefectClient, runs: list[UUID]) -> None:
    for run_id in runs:
        with suppress(ObjectNotFound):
            client.delete_flow_run(run_id)


def prune(keep: int) -> Pruned:
    """Delete the finished top-level flow runs after the newest ``keep`` (by end time), with
    their sub-flow runs and artifacts, on the API the current settings name."""
    runs = subflows = artifacts = 0
    with get_client(sync_client=True) as client:
        while True:  # a page at a time: deleting one moves the next up to the same offset
            page = client.read_flow_runs(
                flow_run_filter=top_level_finished(),
                sort=FlowRunSort.END_TIME_DESC,
                offset=keep,
                limit=PAGE,
            )
            old = [run.id for run in page]
            below = subflow_runs(client, old)
            artifacts += delete_artifacts(client, [*below, *old])
            delete_all(client, below)  # first: a parent's deletion would orphan them
            delete_all(client, old)
            runs, subflows = runs + len(old), subflows + len(below)
            if len(old) < PAGE:
                return Pruned(runs, subflows, artifacts)
