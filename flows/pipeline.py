"""Prefect flows: process one source, or everything in raw/. Thin: logic lives elsewhere."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from cninet import progress
from cninet.guard import LimitExceeded, bounded
from cninet.lock import run_lock
from cninet.process import (
    RunResult,
    SourceOutcome,
    commit_metadata,
    discover_sources,
    display_path,
    duplicate_of,
    load_error,
    new_sources,
    processed_sources,
    publishable,
    recognise_or_reject,
    section_specs,
    validate_source,
)
from cninet.reconcile import conflict_lines, reconcile, validated_reconciliation
from cninet.registry import processed, record
from cninet.report import write_report
from cninet.settings import code_version
from cninet.store import Published, publish, publish_derived, read_if_published
from extractors.document import Document, DocumentError, load_document
from extractors.extract import SectionResult, run_section
from extractors.layout import Line, document_lines
from extractors.recognise import Edition
from extractors.spec import Section
from schemas.validate import Validated


@task(cache_policy=NO_CACHE)
def load_task(path: Path) -> Document | SourceOutcome:
    """Read and parse a source; PDF parsing is bounded in time and memory (cninet.guard)."""
    shown = display_path(path)
    try:
        if path.suffix.lower() == ".pdf":
            return bounded(load_document, path, shown)
        return load_document(path, shown)
    except DocumentError as exc:
        return load_error(exc)
    except LimitExceeded as exc:
        return load_error(DocumentError(shown, f"untrusted PDF: {exc}"))


@task(cache_policy=NO_CACHE)
def layout_task(doc: Document, specs: Sequence[Section]) -> list[Line] | str:
    """The line stream (bounded like loading for PDFs), or the reason it could not be read."""
    captions = [c for spec in specs for c in spec.captions]
    if doc.format != "pdf" or not captions:
        return document_lines(doc, captions)
    try:
        return bounded(document_lines, doc, captions)
    except LimitExceeded as exc:
        return f"untrusted PDF: {exc}"


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
    loaded = load_task(path)
    if isinstance(loaded, SourceOutcome):
        return loaded
    edition = recognise_or_reject(loaded)
    if isinstance(edition, str):
        return SourceOutcome(loaded.path, "skipped", edition, loaded.sha256)
    if only_edition is not None and edition.edition != only_edition:
        reason = f"edition {edition.edition}, not {only_edition}"
        return SourceOutcome(loaded.path, "other edition", reason, loaded.sha256, edition)
    specs = section_specs(edition, sections)
    elements = layout_task(loaded, specs)
    if isinstance(elements, str):
        return SourceOutcome(loaded.path, "rejected", elements, loaded.sha256, edition)
    results = [extract_task(loaded, edition, spec, elements) for spec in specs]
    validated = validate_task(results, run_id)
    return SourceOutcome(
        loaded.path,
        "extracted",
        sha256=loaded.sha256,
        edition=edition,
        sections=tuple(spec.id for spec in specs),
        validated=validated,
    )


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
        for path in paths:
            duplicate = duplicate_of(path, known, outcomes)
            if duplicate is not None:
                outcomes.append(duplicate)
            else:
                outcomes.append(extract_source(path, run_id, sections, only_edition))
            hook.advance(f"read {path.name}")
        hook.add(len(publishable(outcomes)))
        published = publish_all(curated, run_id, outcomes)
        reconciled, conflicts = reconcile_task(curated, run_id)
        if reconciled is not None:
            published = (*published, reconciled)
        record(curated, processed_sources(outcomes), run_id)
        result = RunResult(run_id, tuple(outcomes), published, None, startup, conflicts)
        report = write_report(curated, result)
    return RunResult(run_id, result.sources, published, report, startup, conflicts)


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
