"""Prefect flows: process one source, or everything in raw/. Thin: logic lives elsewhere."""

from __future__ import annotations

import dataclasses
import functools
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar, cast
from uuid import UUID

import pandas as pd
from deltalake.exceptions import CommitFailedError
from prefect import flow, get_run_logger, tags, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.actions import DeploymentScheduleCreate
from prefect.client.schemas.objects import State, TaskRun
from prefect.context import TagsContext
from prefect.runtime import flow_run
from prefect.utilities.annotations import quote

from cninet import progress
from cninet.faults import write_cause
from cninet.guard import check_stop, claim_signals
from cninet.lock import run_lock
from cninet.process import (
    PART_WAY,
    RunResult,
    SourceOutcome,
    Steps,
    commit_metadata,
    defer_validation,
    discover_sources,
    duplicate_of,
    failed_sources,
    failure_line,
    failure_words,
    load_source,
    new_sources,
    processed_sources,
    prove_whole,
    publishable,
    refused,
    run_source,
    run_sources_batched,
    source_lines,
    source_name,
    unique_paths,
    validate_run,
)
from cninet.reconcile import reconcile_store
from cninet.registry import file_sha256, processed, record
from cninet.report import render_report, write_report
from cninet.series import publish_series
from cninet.store import Published, publish
from cninet.versions import changes_since_previous
from extractors.document import Document
from extractors.edition import Edition
from extractors.extract import SectionResult, run_section
from extractors.layout import Line
from extractors.spec import Section
from flows import prefect_env
from schemas.validate import Validated

T = TypeVar("T")
P = ParamSpec("P")

if TYPE_CHECKING:  # prefect_dask (and Dask) load only when a backfill runs
    from prefect_dask import DaskTaskRunner


# --- the run's own work, timed: the CLI prints it beside the wall -----------------------------

# Seconds spent in the run's own steps, by kind: "read" (load, line stream, sections),
# "validate", "publish" (tables, reconciliation, series, sources registry), "report".
# Process-local; the CLI empties it before each run.
WORK: dict[str, float] = {}
WORK_LOCK = threading.Lock()  # a backfill's worker threads add to it too


@contextmanager
def timed(step: str) -> Iterator[None]:
    begun = time.perf_counter()
    try:
        yield
    finally:
        spent = time.perf_counter() - begun
        with WORK_LOCK:
            WORK[step] = WORK.get(step, 0.0) + spent


def timing(step: str, call: Callable[P, T]) -> Callable[P, T]:
    @functools.wraps(call)
    def timed_call(*args: P.args, **kwargs: P.kwargs) -> T:
        with timed(step):
            return call(*args, **kwargs)

    return timed_call


read_source_file = timing("read", load_source)
read_lines = timing("read", source_lines)
read_section = timing("read", run_section)
read_texts = timing("read", run_sources_batched)  # validation of the batch included


# --- reading ahead: the pure work of a run done while its Prefect API starts ----------------


@dataclass
class ReadAhead:
    """Sources read before the flow started (by path; lines and sections by content), taken
    by the flow's tasks instead of reading again. Process-local; emptied after each run."""

    docs: dict[str, Document | SourceOutcome] = field(default_factory=dict)
    lines: dict[tuple[str, tuple[str, ...]], list[Line] | str] = field(default_factory=dict)
    sections: dict[tuple[str, str], SectionResult] = field(default_factory=dict)

    def clear(self) -> None:
        self.docs.clear()
        self.lines.clear()
        self.sections.clear()


AHEAD = ReadAhead()


def ahead_load(path: Path, name: str) -> Document | SourceOutcome:
    found = AHEAD.docs.pop(str(path), None)
    return found if found is not None else read_source_file(path, name)


def ahead_lines(doc: Document, specs: Sequence[Section]) -> list[Line] | str:
    found = AHEAD.lines.pop((doc.sha256, tuple(s.id for s in specs)), None)
    return found if found is not None else read_lines(doc, specs)


def ahead_section(
    doc: Document, edition: Edition, spec: Section, lines: Sequence[Line]
) -> SectionResult:
    found = AHEAD.sections.pop((doc.sha256, spec.id), None)
    return found if found is not None else read_section(doc, edition, spec, lines)


def remember_load(path: Path, name: str) -> Document | SourceOutcome:
    AHEAD.docs[str(path)] = loaded = read_source_file(path, name)
    return loaded


def remember_lines(doc: Document, specs: Sequence[Section]) -> list[Line] | str:
    AHEAD.lines[(doc.sha256, tuple(s.id for s in specs))] = lines = read_lines(doc, specs)
    return lines


def remember_section(
    doc: Document, edition: Edition, spec: Section, lines: Sequence[Line]
) -> SectionResult:
    AHEAD.sections[(doc.sha256, spec.id)] = result = read_section(doc, edition, spec, lines)
    return result


def no_validation(_results: Sequence[SectionResult], _run_id: str) -> dict[str, Validated]:
    return {}  # validation needs the run id: it runs in the flow


READ_AHEAD_STEPS = Steps(remember_load, remember_lines, remember_section, no_validation)
AHEAD_STEPS = Steps(ahead_load, ahead_lines, ahead_section, defer_validation)


def read_ahead(
    paths: Sequence[Path],
    curated: Path,
    raw: Path | None,
    going: Callable[[], bool],
    sections: frozenset[str] | None = None,
    only_edition: int | None = None,
    allow_symlinks: bool = False,
) -> int:
    """Load, recognise and extract the sources the run will read (not the small texts read in
    one batch, not duplicates), one after another while ``going()``: plain calls, no Prefect.
    Returns how many were read."""
    known = processed(curated)
    count = 0
    for path in unique_paths(paths):
        if not going():
            break
        check_stop()
        name = source_name(path, raw)
        if refused(path, name, allow_symlinks) or batched(path):
            continue
        if duplicate_of(path, known, [], name) is not None:
            continue
        run_source(path, "", READ_AHEAD_STEPS, sections, only_edition, name)
        count += 1
    return count


# --- tasks and flows ---------------------------------------------------------------------------


@task(cache_policy=NO_CACHE, task_run_name="load-{name}")
def load_task(path: Path, name: str) -> Document | SourceOutcome:
    return ahead_load(path, name)


@task(cache_policy=NO_CACHE, task_run_name="lines")
def layout_task(doc: Document, specs: Sequence[Section]) -> list[Line] | str:
    return ahead_lines(doc, specs)


@task(cache_policy=NO_CACHE, task_run_name="extract-{spec.id}")
def extract_task(
    doc: Document, edition: Edition, spec: Section, lines: Sequence[Line]
) -> SectionResult:
    result = ahead_section(doc, edition, spec, lines)
    rows = len(result.frame) if result.ok else 0
    get_run_logger().info("%s: %d rows%s", spec.id, rows, "" if result.ok else " (failed)")
    return result


@task(cache_policy=NO_CACHE, task_run_name="validate")
def validate_task(outcomes: Sequence[SourceOutcome], run_id: str) -> list[SourceOutcome]:
    """Every source of the run validated at once: each dataset's schema once (validate_run)."""
    with timed("validate"):
        return validate_run(outcomes, run_id)


def quoted(value: T) -> T:
    """``value`` as a task argument Prefect passes as it is, without walking it for futures
    (over the document and its line list that walk cost 2 s per run)."""
    return cast(T, quote(value))


TASK_STEPS = Steps(
    lambda path, name: load_task(path, name),
    lambda doc, specs: layout_task(quoted(doc), specs),
    lambda doc, edition, spec, lines: extract_task(quoted(doc), edition, spec, quoted(lines)),
    defer_validation,  # validated once for the whole run: validate_task
)


def commit_conflict(_task: Any, _run: TaskRun, state: State[Any]) -> bool:
    """Retry only a Delta commit that lost to a concurrent writer."""
    try:
        state.result()
    except CommitFailedError:
        return True
    except Exception:
        return False
    return False


# Backoff between attempts of a commit that lost to a concurrent writer (seconds, jittered).
PUBLISH_RETRY_DELAYS = [0.5, 1.0, 2.0, 4.0]


@task(
    cache_policy=NO_CACHE,
    task_run_name="publish-{dataset}",
    retries=len(PUBLISH_RETRY_DELAYS),
    retry_delay_seconds=PUBLISH_RETRY_DELAYS,
    retry_jitter_factor=0.5,
    retry_condition_fn=commit_conflict,
)
def publish_task(
    curated: Path, dataset: str, frame: pd.DataFrame, metadata: dict[str, str]
) -> Published | str:
    """The new version, or the cause in a few words when the table cannot be written (an
    expected outcome, returned rather than raised: the run goes on with the other tables).
    A commit that lost to a concurrent writer raises, and is tried again after a pause."""
    try:
        with timed("publish"):
            published = publish(curated, dataset, frame, metadata)
    except CommitFailedError:
        raise
    except Exception as exc:
        return write_cause(exc)
    get_run_logger().info(
        "%s: version %d, %d rows%s",
        dataset,
        published.version,
        published.rows,
        "" if published.changed else " (unchanged, no commit)",
    )
    return published


def publish_with_retries(
    curated: Path, dataset: str, frame: pd.DataFrame, metadata: dict[str, str]
) -> Published | str:
    state = publish_task(curated, dataset, quoted(frame), metadata, return_state=True)
    outcome = state.result(raise_on_failure=False)
    if isinstance(outcome, BaseException):
        return write_cause(outcome)
    return outcome


def source_tags(outcome: SourceOutcome, path: Path) -> list[str]:
    """Tags of a source's run: its format, and once recognised its kind, language, edition."""
    found = [path.suffix.lower().lstrip(".") or "file"]
    edition = outcome.edition
    if edition is not None:
        found += [edition.kind, edition.lang]
        if edition.edition is not None:
            found.append(f"edition-{edition.edition}")
    return found


def add_tags(found: Sequence[str]) -> None:
    """Add tags to the current flow run (known only once a source is recognised)."""
    from prefect.client.orchestration import get_client

    run_id = flow_run.get_id()
    if not run_id or not found:
        return
    current = list(flow_run.get_tags())
    with get_client(sync_client=True) as client:
        client.update_flow_run(UUID(run_id), tags=sorted({*current, *found}))


def untagged() -> TagsContext:
    """Task runs inside without the flow run's tags: Prefect asks the API for a tag
    concurrency slot for every tagged task run (70 ms each), and the tags serve to find flow
    runs, not tasks."""
    return TagsContext(current_tags=set())


def source_run_name() -> str:
    parameters = flow_run.get_parameters()
    return str(parameters.get("name") or Path(str(parameters["path"])).name)


@flow(name="extract-source", flow_run_name=source_run_name, log_prints=False)
def extract_source(
    path: Path,
    run_id: str,
    sections: frozenset[str] | None = None,
    only_edition: int | None = None,
    name: str | None = None,
) -> SourceOutcome:
    """Load, recognise, extract every section (a task each) and validate one source."""
    claim_signals()
    with untagged():
        outcome = run_source(path, run_id, TASK_STEPS, sections, only_edition, name)
    words = f": {outcome.reason}" if outcome.reason else ""
    get_run_logger().info("%s %s%s", outcome.status, outcome.path, words)
    add_tags(source_tags(outcome, path))
    return outcome


def publish_all(
    curated: Path,
    run_id: str,
    outcomes: Sequence[SourceOutcome],
    published: list[Published],
    failed: dict[str, str],
) -> None:
    """One Delta commit per dataset over all sources where that dataset validated. A table
    that cannot be written (disk full, read-only, corrupted) is named with the cause and the
    others are still written: each commit stands alone, and the failed table keeps its
    previous version. Appends to ``published`` as each commit lands and, per failed
    dataset, the cause to ``failed`` (so an error part-way still knows what landed)."""
    for dataset, parts in sorted(publishable(outcomes).items()):
        frame = pd.concat([part for _, part in parts], ignore_index=True)
        metadata = commit_metadata(run_id, dataset, frame, outcomes)
        outcome = publish_with_retries(curated, dataset, frame, metadata)
        if isinstance(outcome, str):
            failed[dataset] = outcome
        else:
            published.append(outcome)
        progress.current().advance(f"published {dataset}")


@task(cache_policy=NO_CACHE, task_run_name="reconcile")
def reconcile_task(
    curated: Path, run_id: str, published: tuple[Published, ...] | None = None
) -> tuple[Published | str | None, tuple[str, ...]]:
    """Bring the reconciliation up to date for the periods the run's commits touched;
    publish it if it changed. Returns the publish result (or the cause it failed) and one
    line per conflict."""
    try:
        with timed("publish"):
            return reconcile_published(curated, run_id, published)
    except Exception as exc:
        return write_cause(exc), ()


def reconcile_published(
    curated: Path, run_id: str, published: Sequence[Published] | None = None
) -> tuple[Published | None, tuple[str, ...]]:
    return reconcile_store(curated, run_id, published)


@task(cache_policy=NO_CACHE, task_run_name="series")
def series_task(
    curated: Path, run_id: str, editions: list[int], published: tuple[Published, ...] | None = None
) -> tuple[list[Published] | str, list[str]]:
    """Bring ``series`` and ``vocabulary`` up to date for what the run's commits touched; the
    edition checks' lines of the run's editions (or the cause, when it could not be written)."""
    try:
        with timed("publish"):
            return publish_series(curated, run_id, editions, published)
    except Exception as exc:
        return write_cause(exc), []


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
    names: list[str],
) -> list[SourceOutcome]:
    """Many small text sources in one task: the plain steps for each, no sub-flow, each
    dataset validated once for all of them."""
    return read_texts(paths, run_id, sections, only_edition, names)


def sources_run_name() -> str:
    """``cnnic-54-en-2024-08.pdf`` for one source, ``raw (5 sources)`` for a folder's."""
    parameters = flow_run.get_parameters()
    paths = [Path(str(p)) for p in parameters.get("paths") or []]
    raw = parameters.get("raw")
    if len(paths) == 1:
        return paths[0].name
    where = Path(str(raw)).name if raw else "sources"
    return f"{where} ({len(paths)} sources)"


@flow(name="process-sources", flow_run_name=sources_run_name, log_prints=False)
def process_sources(
    paths: list[Path],
    curated: Path,
    sections: frozenset[str] | None = None,
    only_edition: int | None = None,
    raw: Path | None = None,
    allow_symlinks: bool = False,
) -> RunResult:
    """Extract and validate each source (each path once), publish each dataset once, write
    the quality report. Sources are named relative to ``raw`` (else by file name)."""
    prefect_env.flow_entered()
    claim_signals()  # a CLI run: signals stop it at the next safe point
    run_id = current_run_id()
    hook = progress.current()
    chosen = unique_paths(paths)
    hook.add(len(chosen))
    with run_lock(curated):
        known = processed(curated)
        outcomes: list[SourceOutcome] = []
        batch: list[tuple[Path, str]] = []  # small texts, read in one task
        queued: list[SourceOutcome] = []  # the batched texts, by content, for duplicate checks
        for path in chosen:
            check_stop()
            name = source_name(path, raw)
            outcome = refused(path, name, allow_symlinks) or duplicate_of(
                path, known, [*outcomes, *queued], name
            )
            if outcome is None and batched(path):
                queued.append(SourceOutcome(name, "queued", "", file_sha256(path)))
                batch.append((path, name))
                continue
            if outcome is None:
                with tags(path.suffix.lower().lstrip(".") or "file"):
                    outcome = extract_source(path, run_id, sections, only_edition, name)
            outcomes.append(outcome)
            hook.advance(f"read {path.name}")
        if batch:
            paths_, names = [p for p, _ in batch], [n for _, n in batch]
            outcomes += extract_texts_task(
                paths_, run_id, sections, only_edition, len(batch), names
            )
            for path, _ in batch:
                hook.advance(f"read {path.name}")
        check_stop()
        if any(o.unvalidated for o in outcomes):
            outcomes = validate_task(quoted(outcomes), run_id)
        add_tags(sorted({t for o in outcomes for t in source_tags(o, Path(o.path))[1:]}))
        return finish_run(curated, run_id, outcomes)


def finish_run(curated: Path, run_id: str, outcomes: Sequence[SourceOutcome]) -> RunResult:
    """Publish every dataset once (one writer: the caller holds the lock), rebuild the
    reconciliation, record the sources, write the quality report. A write that fails is one
    line in ``write_failures``; the sources that fed a failed table are recorded as failed
    (not processed), so the next scan reads them again. An unexpected error part-way fails
    every source of the run the same way; the report is written whatever happened."""
    published: list[Published] = []
    failed: dict[str, str] = {}
    conflicts: tuple[str, ...] = ()
    checks: list[str] = []
    try:
        with timed("validate"):
            outcomes = prove_whole(curated, outcomes)
        progress.current().add(len(publishable(outcomes)))
        publish_all(curated, run_id, outcomes, published, failed)
        reconciled, conflicts = reconcile_task(curated, run_id, tuple(published))
        if isinstance(reconciled, str):
            failed["reconciliation"] = reconciled
        elif reconciled is not None:
            published.append(reconciled)
        editions = sorted({o.edition.edition for o in outcomes if o.edition and o.edition.edition})
        derived, checks = series_task(curated, run_id, editions, tuple(published))
        if isinstance(derived, str):
            failed["series"] = derived
        else:
            published.extend(derived)
    except Exception as exc:
        failed[PART_WAY] = failure_words(exc)
    try:
        known = set(processed(curated))
    except Exception:
        known = set()  # recording names the damage below
    outcomes, why = failed_sources(outcomes, failed, known)
    failures = [failure_line(dataset, cause, len(published)) for dataset, cause in failed.items()]
    try:
        with timed("publish"):
            record(curated, processed_sources(outcomes, why), run_id)
    except Exception as exc:
        failures.append(f"sources registry (_sources): not written ({write_cause(exc)})")
    done = tuple(published)
    result = RunResult(
        run_id, tuple(outcomes), done, None, None, conflicts, tuple(failures), tuple(checks)
    )
    try:
        with timed("report"):
            changes = changes_since_previous(curated, done)
    except Exception as exc:
        changes = {item.dataset: f"not compared ({write_cause(exc)})" for item in done}
    try:
        with timed("report"):
            report = write_report(curated, result, changes)
    except Exception as exc:
        failures.append(f"quality report: not written ({write_cause(exc)})")
        report = None
    with timed("report"):
        markdown = render_report(result)
    create_markdown_artifact(
        markdown=markdown,
        key="cninet-quality-report",
        description=f"cninet quality report, run {run_id}",
    )
    return dataclasses.replace(result, report_path=report, write_failures=tuple(failures))


@task(cache_policy=NO_CACHE, task_run_name="extract-{path.name}")
def extract_source_task(path: Path, run_id: str, name: str | None = None) -> SourceOutcome:
    """One whole source in one task (for parallel backfills): the plain steps, no subflow."""
    return run_source(path, run_id, AHEAD_STEPS, name=name)  # timed by its steps


def backfill_run_name() -> str:
    parameters = flow_run.get_parameters()
    return f"backfill {sources_run_name()} on {parameters.get('workers')} workers"


@flow(name="backfill", flow_run_name=backfill_run_name, log_prints=False)
def backfill_sources(
    paths: list[Path],
    curated: Path,
    workers: int = 2,
    address: str | None = None,
    raw: Path | None = None,
    allow_symlinks: bool = False,
) -> RunResult:
    """Many sources extracted in parallel on Dask (threads here, or the cluster at
    ``address``), then published by one writer per table, as in any run."""
    prefect_env.flow_entered()
    claim_signals()
    runner = dask_runner(workers, address)
    run_id = current_run_id()
    chosen = unique_paths(paths)
    progress.current().add(len(chosen))
    with run_lock(curated):
        known = processed(curated)
        outcomes: list[SourceOutcome] = []
        queued: list[SourceOutcome] = []  # fresh files, by content, for duplicate checks
        fresh: list[tuple[Path, str]] = []
        for path in chosen:
            name = source_name(path, raw)
            outcome = refused(path, name, allow_symlinks) or duplicate_of(
                path, known, [*outcomes, *queued], name
            )
            if outcome is not None:
                outcomes.append(outcome)
                continue
            queued.append(SourceOutcome(name, "queued", "", file_sha256(path)))
            fresh.append((path, name))
        check_stop()
        outcomes += parallel_extract(fresh, run_id, runner)
        check_stop()
        if any(o.unvalidated for o in outcomes):
            outcomes = validate_task(quoted(outcomes), run_id)
        return finish_run(curated, run_id, outcomes)


def dask_runner(workers: int, address: str | None) -> DaskTaskRunner:
    from prefect_dask import DaskTaskRunner

    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "processes": False})


def parallel_extract(
    paths: Sequence[tuple[Path, str]], run_id: str, runner: DaskTaskRunner
) -> list[SourceOutcome]:
    @flow(name="backfill-extract", task_runner=runner, log_prints=False)  # type: ignore[arg-type]
    def extract_all() -> list[SourceOutcome]:
        futures = [extract_source_task.submit(path, run_id, name) for path, name in paths]
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


def rerun_run_name() -> str:
    parameters = flow_run.get_parameters()
    chosen = ", ".join(sorted(parameters.get("sections") or []))
    return f"edition {parameters.get('edition')}: {chosen}"


@flow(name="rerun-sections", flow_run_name=rerun_run_name, log_prints=False)
def rerun_sections(raw: Path, curated: Path, edition: int, sections: frozenset[str]) -> RunResult:
    """Re-extract only ``sections`` of one edition's sources under ``raw`` and publish new
    versions of just the datasets they feed, replacing only those sections' rows."""
    prefect_env.flow_entered()
    with tags(f"edition-{edition}", "rerun"):
        return process_sources(
            discover_sources(raw), curated, sections, only_edition=edition, raw=raw
        )


# Future runs a served scan asks the server to keep scheduled (a server cninet starts also caps
# its scheduler at 5 per deployment: PREFECT_SERVER_SERVICES_SCHEDULER_MAX_RUNS).
SCHEDULED_AHEAD = 5


def scan_schedule(cron: str, interval: float | None) -> DeploymentScheduleCreate:
    """The served scan's schedule: every ``interval`` seconds, else the cron expression."""
    from datetime import timedelta

    from prefect.client.schemas.schedules import CronSchedule, IntervalSchedule

    every = timedelta(seconds=interval) if interval else None
    chosen = IntervalSchedule(interval=every) if every else CronSchedule(cron=cron)
    return DeploymentScheduleCreate(schedule=chosen, max_scheduled_runs=SCHEDULED_AHEAD)


@flow(name="process-new", flow_run_name="scan {raw}", log_prints=False)
def process_new(raw: str, curated: str) -> RunResult:
    """The scheduled scan: process only sources under ``raw`` whose content (sha256) has never
    been processed into ``curated``; a renamed copy is not new. Nothing new → nothing written.
    (Plain string parameters: a deployment stores them as JSON.)"""
    new = new_sources(discover_sources(Path(raw)), processed(Path(curated)))
    result = (
        process_sources(new, Path(curated), raw=Path(raw))
        if new
        else RunResult(current_run_id(), (), ())
    )
    prune_old_runs()  # a scan every few minutes would otherwise fill Prefect's database
    return result


def prune_old_runs() -> None:
    """Delete finished flow runs beyond the newest CNINET_PREFECT_KEEP_RUNS (a failure to do
    so is logged: the scan's result stands)."""
    from flows.prefect_state import prune

    logger = get_run_logger()
    try:
        keep = prefect_env.keep_runs()
        done = prune(keep)
    except Exception as exc:
        logger.warning("old flow runs not pruned: %s", write_cause(exc))
        return
    if done.runs:
        logger.info("deleted %d old flow run(s), keeping the newest %d", done.runs, keep)


@flow(name="process-raw", log_prints=False)
def process_raw(raw: Path, curated: Path) -> RunResult:
    """Every source under ``raw``."""
    return process_sources(discover_sources(raw), curated, raw=raw)
