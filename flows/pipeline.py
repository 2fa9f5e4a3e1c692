"""Prefect flows: process one source, or everything in raw/. Thin: logic lives elsewhere."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect_dask import DaskTaskRunner

from cninet import progress
from cninet.lock import run_lock
from cninet.process import (
    PLAIN_STEPS,
    RunResult,
    SourceOutcome,
    Steps,
    commit_metadata,
    discover_sources,
    display_path,
    duplicate_of,
    load_source,
    new_sources,
    processed_sources,
    publishable,
    run_source,
    run_sources_batched,
    source_lines,
    validate_source,
)
from cninet.reconcile import conflict_lines, reconcile, validated_reconciliation
from cninet.registry import file_sha256, processed, record
from cninet.report import render_report, write_report
from cninet.settings import code_version
from cninet.store import Published, publish, publish_derived, read_if_published
from cninet.versions import changes_since_previous
from extractors.document import Document
from extractors.edition import Edition
from extractors.extract import SectionResult, run_section
from extractors.layout import Line
from extractors.spec import Section
from schemas.validate import Validated


@task(cache_policy=NO_CACHE)
def load_task(path: Path) -> Document | SourceOutcome:
    return load_source(path)


@task(cache_policy=NO_CACHE)
def layout_task(doc: Document, specs: Sequence[Section]) -> list[Line] | str:
    return source_lines(doc, specs)


@task(cache_policy=NO_CACHE, task_run_name="extract-{spec.id}")
def extract_task(
    doc: Document, edition: Edition, spec: Section, lines: Sequence[Line]
) -> SectionResult:
    return run_section(doc, edition, spec, lines)


@task(cache_policy=NO_CACHE)
def validate_task(results: Sequence[SectionResult], run_id: str) -> dict[str, Validated]:
    return validate_source(results, run_id)


@task(cache_policy=NO_CACHE, task_run_name="publish-{dataset}")
def publish_task(
    curated: Path, dataset: str, frame: pd.DataFrame, metadata: dict[str, str]
) -> Published:
    return publish(curated, dataset, frame, metadata)


@flow(name="extract-source", log_prints=False)
def extract_source(
    path: Path,
    run_id: str,
    sections: frozenset[str] | None = None,
    only_edition: int | None = None,
) -> SourceOutcome:
    """Load, recognise, extract every section (a task each) and validate one source."""
    steps = Steps(load_task, layout_task, extract_task, validate_task)
    return run_source(path, run_id, steps, sections, only_edition)


def publish_all(
    curated: Path, run_id: str, outcomes: Sequence[SourceOutcome]
) -> tuple[Published, ...]:
    """One Delta commit per dataset over all sources where that dataset validated."""
    published = []
    for dataset, parts in sorted(publishable(outcomes).items()):
        frame = pd.concat([part for _, part in parts], ignore_index=True)
        metadata = commit_metadata(run_id, dataset, frame, outcomes)
        published.append(publish_task(curated, dataset, frame, metadata))
        progress.current().advance(f"published {dataset}")
    return tuple(published)


@task(cache_policy=NO_CACHE)
def reconcile_task(curated: Path, run_id: str) -> tuple[Published | None, tuple[str, ...]]:
    """Recompute the reconciliation from every published indicator; publish it if it changed.
    Returns the publish result and one line per conflict."""
    indicators = read_if_published(curated, "indicators")
    if indicators is None:
        return None, ()
    frame = validated_reconciliation(reconcile(indicators, run_id))
    metadata = {"run_id": run_id, "dataset": "reconciliation", "code_version": code_version()}
    return publish_derived(curated, "reconciliation", frame, metadata), conflict_lines(frame)


def current_run_id() -> str:
    run_id = flow_run.get_id()
    return str(run_id) if run_id else time.strftime("local-%Y%m%dT%H%M%S")


# A text source this small (a news file) is read with the others in one batch task, not in a
# sub-flow of its own: a folder of 1,000 articles is one run whose Prefect overhead does not
# grow per file. Reports (PDFs, long text dumps) keep a sub-flow with a task per section.
BATCH_TEXT_BYTES = 64 * 1024


def batched(path: Path) -> bool:
    return path.suffix.lower() == ".txt" and path.stat().st_size <= BATCH_TEXT_BYTES


@task(cache_policy=NO_CACHE, task_run_name="extract-{count}-texts")
def extract_texts_task(
    paths: list[Path],
    run_id: str,
    sections: frozenset[str] | None,
    only_edition: int | None,
    count: int,
) -> list[SourceOutcome]:
    """Many small text sources in one task: the plain steps for each, no sub-flow, each
    dataset validated once for all of them."""
    return run_sources_batched(paths, run_id, sections, only_edition)


@flow(name="process-sources", log_prints=False)
def process_sources(
    paths: list[Path],
    curated: Path,
    sections: frozenset[str] | None = None,
    started: float | None = None,
    only_edition: int | None = None,
) -> RunResult:
    """Extract and validate each source, publish each dataset once, write the quality report."""
    startup = time.perf_counter() - started if started is not None else None
    run_id = current_run_id()
    hook = progress.current()
    hook.add(len(paths))
    with run_lock(curated):
        known = processed(curated)
        outcomes: list[SourceOutcome] = []
        queued: list[SourceOutcome] = []  # batched texts, by content, for duplicate checks
        batch: list[Path] = []
        for path in paths:
            duplicate = duplicate_of(path, known, [*outcomes, *queued])
            if duplicate is not None:
                outcomes.append(duplicate)
            elif batched(path):
                queued.append(SourceOutcome(display_path(path), "queued", "", file_sha256(path)))
                batch.append(path)
                continue
            else:
                outcomes.append(extract_source(path, run_id, sections, only_edition))
            hook.advance(f"read {path.name}")
        if batch:
            outcomes += extract_texts_task(batch, run_id, sections, only_edition, len(batch))
            for path in batch:
                hook.advance(f"read {path.name}")
        return finish_run(curated, run_id, outcomes, startup)


def finish_run(
    curated: Path, run_id: str, outcomes: Sequence[SourceOutcome], startup: float | None
) -> RunResult:
    """Publish every dataset once (one writer: the caller holds the lock), rebuild the
    reconciliation, record the sources, write the quality report."""
    progress.current().add(len(publishable(outcomes)))
    published = publish_all(curated, run_id, outcomes)
    reconciled, conflicts = reconcile_task(curated, run_id)
    if reconciled is not None:
        published = (*published, reconciled)
    record(curated, processed_sources(outcomes), run_id)
    result = RunResult(run_id, tuple(outcomes), published, None, startup, conflicts)
    report = write_report(curated, result, changes_since_previous(curated, published))
    create_markdown_artifact(
        markdown=render_report(result),
        key="cninet-quality-report",
        description=f"cninet quality report, run {run_id}",
    )
    return RunResult(run_id, result.sources, published, report, startup, conflicts)


@task(cache_policy=NO_CACHE, task_run_name="extract-{path.name}")
def extract_source_task(path: Path, run_id: str) -> SourceOutcome:
    """One whole source in one task (for parallel backfills): the plain steps, no subflow."""
    return run_source(path, run_id, PLAIN_STEPS)


@flow(name="backfill", log_prints=False)
def backfill_sources(
    paths: list[Path],
    curated: Path,
    workers: int = 2,
    address: str | None = None,
    started: float | None = None,
) -> RunResult:
    """Many sources extracted in parallel on Dask (threads here, or the cluster at
    ``address``), then published by one writer per table, as in any run."""
    startup = time.perf_counter() - started if started is not None else None
    runner = dask_runner(workers, address)
    run_id = current_run_id()
    progress.current().add(len(paths))
    with run_lock(curated):
        known = processed(curated)
        outcomes: list[SourceOutcome] = []
        queued: list[SourceOutcome] = []  # fresh files, by content, for duplicate checks
        fresh: list[Path] = []
        for path in paths:
            duplicate = duplicate_of(path, known, [*outcomes, *queued])
            if duplicate is not None:
                outcomes.append(duplicate)
                continue
            queued.append(SourceOutcome(display_path(path), "queued", "", file_sha256(path)))
            fresh.append(path)
        outcomes += parallel_extract(fresh, run_id, runner)
        return finish_run(curated, run_id, outcomes, startup)


def dask_runner(workers: int, address: str | None) -> DaskTaskRunner:
    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "processes": False})


def parallel_extract(
    paths: Sequence[Path], run_id: str, runner: DaskTaskRunner
) -> list[SourceOutcome]:
    @flow(name="backfill-extract", task_runner=runner, log_prints=False)  # type: ignore[arg-type]
    def extract_all() -> list[SourceOutcome]:
        futures = [extract_source_task.submit(path, run_id) for path in paths]
        outcomes = []
        for future in futures:
            outcomes.append(future.result())
            progress.current().advance(f"read {len(outcomes)} of {len(paths)}")
        return outcomes

    return extract_all()


@flow(name="process-source", log_prints=False)
def process_source(path: Path, curated: Path) -> RunResult:
    """One source end to end: extract (task per section), validate, publish."""
    return process_sources([path], curated)


@flow(name="rerun-sections", log_prints=False)
def rerun_sections(
    raw: Path, curated: Path, edition: int, sections: frozenset[str], started: float | None = None
) -> RunResult:
    """Re-extract only ``sections`` of one edition's sources under ``raw`` and publish new
    versions of just the datasets they feed, replacing only those sections' rows."""
    return process_sources(
        discover_sources(raw), curated, sections, started=started, only_edition=edition
    )


@flow(name="process-new", log_prints=False)
def process_new(raw: str, curated: str) -> RunResult:
    """The scheduled scan: process only sources under ``raw`` whose content (sha256) has never
    been processed into ``curated``; a renamed copy is not new. Nothing new → nothing written.
    (Plain string parameters: a deployment stores them as JSON.)"""
    new = new_sources(discover_sources(Path(raw)), processed(Path(curated)))
    if not new:
        return RunResult(current_run_id(), (), ())
    return process_sources(new, Path(curated))


@flow(name="process-raw", log_prints=False)
def process_raw(raw: Path, curated: Path, started: float | None = None) -> RunResult:
    """Every source under ``raw``."""
    return process_sources(discover_sources(raw), curated, started=started)
