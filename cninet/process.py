"""Pipeline steps as plain functions; flows/ wraps them in Prefect tasks and flows."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
from deltalake import DeltaTable

from cninet.guard import (
    Interrupted,
    LimitExceeded,
    LimitSettingError,
    bounded,
    check_stop,
)
from cninet.registry import FAILED, Processed, file_sha256
from cninet.settings import code_version
from cninet.sources import (  # noqa: F401 - the flows and tests import these from here
    SOURCE_SUFFIXES,
    SourceOutcome,
    absolute,
    discover_sources,
    display_path,
    load_error,
    load_source,
    recognise_or_reject,
    refused,
    source_kind,
    source_name,
    unique_paths,
)
from cninet.store import (
    FORMAT_PREFERENCE,
    Published,
    TableUnreadable,
    open_table,
    pruned,
    to_pandas,
)
from extractors.document import Document
from extractors.extract import PendingFlag, SectionResult, run_section
from extractors.lattice import prepare as prepare_second_reading
from extractors.lattice import read_lines
from extractors.layout import Line, document_lines
from extractors.recognise import Edition
from extractors.sections import specs_for
from extractors.spec import Section
from schemas.completeness import MEMBERSHIP_DATASETS, lost_members, missing_provinces
from schemas.cross import cross_check
from schemas.ocr import verify_ocr
from schemas.validate import Flag, Validated, add_flags, make_flag, row_at, validate_dataset


@dataclass(frozen=True)
class RunResult:
    run_id: str
    sources: tuple[SourceOutcome, ...]
    published: tuple[Published, ...]
    report_path: Path | None = None
    prefect_startup_s: float | None = None
    conflicts: tuple[str, ...] = ()
    write_failures: tuple[str, ...] = ()  # one line per table (or report) that was not written
    # edition-over-edition checks of the run's editions (cninet.series): revised, drift,
    # formats that disagree, table labels with no series id
    edition_checks: tuple[str, ...] = ()

    @property
    def structural(self) -> tuple[str, ...]:
        return tuple(
            f"{source.path}: {line}" for source in self.sources for line in source.structural
        )

    @property
    def flags(self) -> tuple[Flag, ...]:
        """Each source erratum once per publication (an edition's PDF and text dump print
        the same erratum once: the PDF's flag is kept, see ``FORMAT_PREFERENCE``)."""
        return printed_once(self.sources)

    @property
    def all_flags(self) -> tuple[Flag, ...]:
        """Every source's flags, one per format."""
        return tuple(flag for source in self.sources for flag in source.flags)


def publication_name(source: SourceOutcome) -> str:
    """The publication a source belongs to: a report edition (``cnnic_en:54``), whatever its
    format, or the file itself (news)."""
    edition = source.edition
    if edition is not None and edition.edition is not None and not edition.kind.startswith("news"):
        return f"{edition.kind}:{edition.edition}"
    return f"file:{source.sha256 or source.path}"


def printed_once(sources: Sequence[SourceOutcome]) -> tuple[Flag, ...]:
    """The flags of these sources, each (publication, dataset, check, row) once, taken from
    the preferred format's source."""
    ranks = {f".{fmt}": rank for rank, fmt in enumerate(FORMAT_PREFERENCE)}
    preferred = sorted(
        sources, key=lambda s: (ranks.get(Path(s.path).suffix.lower(), len(ranks)), s.path)
    )
    chosen: dict[tuple[str, str, str, str], Flag] = {}
    for source in preferred:
        for flag in source.flags:
            key = (publication_name(source), flag.dataset, flag.check, flag.label)
            chosen.setdefault(key, flag)
    kept = {id(flag) for flag in chosen.values()}
    return tuple(flag for source in sources for flag in source.flags if id(flag) in kept)


def section_specs(edition: Edition, sections: frozenset[str] | None = None) -> tuple[Section, ...]:
    return specs_for(edition.kind, edition.lang, sections=sections)


@dataclass
class DatasetParts:
    """The rows one source gives a dataset (from all its sections), what blocks them, and the
    errata the extractors saw (row indexes into ``frame``)."""

    frame: pd.DataFrame = field(default_factory=pd.DataFrame)
    failures: list[str] = field(default_factory=list)
    pending: list[PendingFlag] = field(default_factory=list)

    def add(self, result: SectionResult) -> None:
        self.failures += result.failures
        if result.ok:
            offset = len(self.frame)
            self.pending += [(offset + i, check, msg) for i, check, msg in result.pending_flags]
            self.frame = pd.concat([self.frame, result.frame], ignore_index=True)


def dataset_parts(results: Sequence[SectionResult]) -> dict[str, DatasetParts]:
    parts: dict[str, DatasetParts] = {}
    for result in results:
        parts.setdefault(result.dataset, DatasetParts()).add(result)
    return parts


def with_pending(validated: Validated, pending: Sequence[PendingFlag]) -> Validated:
    if not validated.ok or not pending:
        return validated
    frame = add_flags(validated.frame, {index: [check] for index, check, _ in pending})
    flags = [
        make_flag(validated.dataset, check, message, row_at(frame, index))
        for index, check, message in pending
    ]
    return Validated(validated.dataset, frame, (*validated.flags, *flags))


def validate_source(results: Sequence[SectionResult], run_id: str) -> dict[str, Validated]:
    """Validate each dataset of one source, then the report-level cross checks, then what
    OCR read against both (schemas.ocr)."""
    validated: dict[str, Validated] = {}
    for dataset, parts in dataset_parts(results).items():
        if parts.failures:
            validated[dataset] = Validated(dataset, parts.frame, structural=tuple(parts.failures))
        else:
            checked = validate_dataset(dataset, parts.frame.assign(run_id=run_id))
            validated[dataset] = with_pending(checked, parts.pending)
    return {name: whole(v) for name, v in verify_ocr(cross_check(validated)).items()}


def blocked(validated: Validated, failure: str | None) -> Validated:
    if failure is None or not validated.ok:
        return validated
    return Validated(validated.dataset, validated.frame, validated.flags, (failure,))


def whole(validated: Validated) -> Validated:
    """The dataset unless its expected membership (31 provinces) is short: structural."""
    return blocked(validated, missing_provinces(validated.dataset, validated.frame))


def previous_edition_rows(curated: Path, dataset: str, edition: int) -> pd.DataFrame:
    """The published rows of the latest edition before ``edition`` (empty if none)."""
    try:
        table = open_table(curated, dataset)
        if table is None:
            return pd.DataFrame()
        earlier = [e for e in partition_editions(table) if e < edition]
        if not earlier:
            return pd.DataFrame()
        # that one edition's partition only: the cost does not grow with the editions stored
        return to_pandas(pruned(dataset, table, f"edition = {max(earlier)}"))
    except (TableUnreadable, OSError):
        return pd.DataFrame()  # publishing this dataset will name the damage


def partition_editions(table: DeltaTable) -> set[int]:
    """The edition numbers a table holds rows for, from its partition values (no data read)."""
    values = (part.get("edition") for part in table.partitions())
    return {int(value) for value in values if value not in (None, "")}


def prove_whole(curated: Path, outcomes: Sequence[SourceOutcome]) -> list[SourceOutcome]:
    """Each extracted report dataset checked against the members of the previous edition
    in the store; a short one becomes structural for that source (not published)."""
    out = []
    for outcome in outcomes:
        number = outcome.edition.edition if outcome.edition is not None else None
        if outcome.status != "extracted" or number is None:
            out.append(outcome)
            continue
        checked = dict(outcome.validated)
        for dataset, validated in outcome.validated.items():
            if dataset in MEMBERSHIP_DATASETS and validated.ok and not validated.frame.empty:
                previous = previous_edition_rows(curated, dataset, number)
                checked[dataset] = blocked(
                    validated, lost_members(dataset, validated.frame, previous)
                )
        out.append(dataclasses.replace(outcome, validated=checked))
    return out


def publishable(outcomes: Iterable[SourceOutcome]) -> dict[str, list[tuple[str, pd.DataFrame]]]:
    """Per dataset, the (section ids, frame) of every source where it validated."""
    out: dict[str, list[tuple[str, pd.DataFrame]]] = {}
    for outcome in outcomes:
        for dataset, validated in outcome.validated.items():
            if validated.ok and not validated.frame.empty:
                out.setdefault(dataset, []).append((outcome.path, validated.frame))
    return out


def commit_metadata(
    run_id: str, dataset: str, frame: pd.DataFrame, outcomes: Sequence[SourceOutcome]
) -> dict[str, str]:
    """Delta commit metadata: run id, sources, sections, code version (all strings)."""
    shas = sorted(set(frame["source_sha256"]))
    sections = sorted(
        {spec for o in outcomes if o.sha256 in shas for spec in o.sections}
        & {extractor.split("@")[0] for extractor in frame["extractor"]}
    )
    return {
        "run_id": run_id,
        "dataset": dataset,
        "source_sha256s": json.dumps(shas),
        "source_paths": json.dumps(sorted(set(frame["source_path"]))),
        "sections": json.dumps(sections),
        "code_version": code_version(),
    }


def duplicate_of(
    path: Path, known: Mapping[str, str], earlier: Sequence[SourceOutcome], name: str | None = None
) -> SourceOutcome | None:
    """A clean skip for a file whose content was already processed under another name (in an
    earlier run, or earlier in this one); None for a new file or a re-run of the same path.
    Call after ``refused``: this reads the file."""
    shown = name or source_name(path)
    try:
        sha = file_sha256(path)
    except OSError:
        return None  # loading reports the reason
    first = next((o.path for o in earlier if o.sha256 == sha and o.path != shown), None)
    first = first or (known[sha] if known.get(sha, shown) != shown else None)
    if first is None:
        return None
    return SourceOutcome(shown, "duplicate", f"same content as {first}, already processed", sha)


def new_sources(paths: Sequence[Path], known: Mapping[str, str]) -> list[Path]:
    """The paths whose content has not been processed yet (unreadable ones are kept: loading
    reports them)."""
    fresh = []
    for path in paths:
        try:
            sha = file_sha256(path)
        except OSError:
            fresh.append(path)
            continue
        if sha not in known:
            fresh.append(path)
    return fresh


def processed_sources(
    outcomes: Sequence[SourceOutcome], failed: Mapping[str, str] | None = None
) -> list[Processed]:
    """The registry rows of a run's extracted sources: processed, or failed (sha256 → why)
    for those whose rows did not all publish."""
    failed = failed or {}
    return [
        Processed(o.sha256, o.path, o.edition.kind, o.edition.edition, "")
        if o.sha256 not in failed
        else Processed(
            o.sha256, o.path, o.edition.kind, o.edition.edition, "", FAILED, failed[o.sha256]
        )
        for o in outcomes
        if o.status == "extracted" and o.edition is not None
    ]


PART_WAY = "run"  # the key of an unexpected error part-way through publishing


def failure_line(dataset: str, cause: str, landed: int) -> str:
    """One line for a table that was not published (or for an error part-way)."""
    if dataset == PART_WAY:
        return f"run stopped part-way after {landed} table(s) were published: {cause}"
    return f"{dataset}: not published ({cause})"


def failed_sources(
    outcomes: Sequence[SourceOutcome], failed: Mapping[str, str], done: Iterable[str] = ()
) -> tuple[list[SourceOutcome], dict[str, str]]:
    """The outcomes with the reason each extracted source failed (a table it fed was not
    published, or the run stopped part-way), and sha256 → that reason for the registry. A
    source already processed (``done``: sha256s) read again unchanged has not failed: the
    tables still hold its rows."""
    out, why = [], {}
    processed_before = set(done)
    for outcome in outcomes:
        lost = [d for d in outcome.validated if d in failed]
        if PART_WAY in failed and outcome.status == "extracted":
            lost = [PART_WAY]
        if outcome.status != "extracted" or not lost or outcome.sha256 in processed_before:
            out.append(outcome)
            continue
        reason = "; ".join(failure_line(d, failed[d], 0) for d in lost if d != PART_WAY) or (
            f"run stopped part-way ({failed[PART_WAY]})"
        )
        reason += "; recorded as failed: the next scan reads it again"
        why[outcome.sha256] = reason
        out.append(replace(outcome, reason=reason))
    return out, why


def source_lines(doc: Document, specs: Sequence[Section]) -> list[Line] | str:
    """The line stream (bounded like loading for PDFs, with the second reading of ruled
    tables: native rendering and OpenCV stay out of the run's process), or the reason it
    could not be read."""
    captions = [c for spec in specs for c in spec.captions]
    if doc.format != "pdf" or not captions:
        return document_lines(doc, captions)
    prepare_second_reading()
    try:
        return bounded(read_lines, doc, specs)
    except LimitExceeded as exc:
        return f"untrusted PDF: {exc}"


def failure_words(exc: BaseException) -> str:
    """An unexpected failure while reading one source, as a few words on one line."""
    text = " ".join(str(exc).split())
    text = text if len(text) <= 200 else text[:197] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


@dataclass(frozen=True)
class Steps:
    """How each step of reading a source runs: as Prefect tasks, or as plain calls."""

    load: Callable[[Path, str], Document | SourceOutcome]
    lines: Callable[[Document, Sequence[Section]], list[Line] | str]
    extract: Callable[[Document, Edition, Section, Sequence[Line]], SectionResult]
    validate: Callable[[Sequence[SectionResult], str], dict[str, Validated]]


PLAIN_STEPS = Steps(load_source, source_lines, run_section, validate_source)


def run_source(
    path: Path,
    run_id: str,
    steps: Steps,
    sections: frozenset[str] | None = None,
    only_edition: int | None = None,
    name: str | None = None,
) -> SourceOutcome:
    """Load, recognise, extract every section and validate one source. Any failure on the
    way is this source's one-line rejection: the other sources of the run go on."""
    shown = name or source_name(path)
    try:
        return read_source(path, shown, run_id, steps, sections, only_edition)
    except (Interrupted, LimitSettingError):
        raise
    except Exception as exc:
        return SourceOutcome(shown, "rejected", f"reading failed: {failure_words(exc)}")


def read_source(
    path: Path,
    name: str,
    run_id: str,
    steps: Steps,
    sections: frozenset[str] | None,
    only_edition: int | None,
) -> SourceOutcome:
    loaded = steps.load(path, name)
    if isinstance(loaded, SourceOutcome):
        return loaded
    check_stop()
    edition = recognise_or_reject(loaded)
    if isinstance(edition, str) and loaded.text_layer == "ocr":  # a scan of something else
        reason = f"image-only PDF read by OCR: {edition}"
        return SourceOutcome(loaded.path, "rejected", reason, loaded.sha256)
    if isinstance(edition, str):
        return SourceOutcome(loaded.path, "skipped", edition, loaded.sha256)
    if only_edition is not None and edition.edition != only_edition:
        reason = f"edition {edition.edition}, not {only_edition}"
        return SourceOutcome(loaded.path, "other edition", reason, loaded.sha256, edition)
    specs = section_specs(edition, sections)
    lines = steps.lines(loaded, specs)
    if isinstance(lines, str):
        return SourceOutcome(loaded.path, "rejected", lines, loaded.sha256, edition)
    results = []
    for spec in specs:
        check_stop()
        results.append(steps.extract(loaded, edition, spec, lines))
    deferred = steps.validate is defer_validation
    return SourceOutcome(
        loaded.path,
        "extracted",
        sha256=loaded.sha256,
        edition=edition,
        sections=tuple(spec.id for spec in specs),
        validated={} if deferred else steps.validate(results, run_id),
        unvalidated=tuple(results) if deferred else (),
    )


def defer_validation(_results: Sequence[SectionResult], _run_id: str) -> dict[str, Validated]:
    """As a ``Steps.validate``: the source keeps its section results unvalidated
    (``unvalidated``) for ``validate_run``."""
    return {}


def validate_run(outcomes: Sequence[SourceOutcome], run_id: str) -> list[SourceOutcome]:
    """The run's sources whose validation was deferred, validated together: each dataset's
    schema once over every source's rows, then the cross checks and OCR checks (both within
    each source), then each source's membership. The schemas' checks are per source (keys,
    totals and growth by ``source_sha256``), so the result is each source's own; if any
    section failed or the joint validation finds a structural failure, each source is
    validated on its own instead, so one bad source never blocks another."""
    waiting = [o for o in outcomes if o.unvalidated]
    if not waiting:
        return list(outcomes)
    joint = None
    if len(waiting) > 1:
        joint = validate_jointly([r for o in waiting for r in o.unvalidated], run_id)
    alone = not joint or any(v.structural for v in joint.values())
    parts = {} if alone or joint is None else {d: _by_source(v) for d, v in joint.items()}
    done: dict[int, SourceOutcome] = {}
    for outcome in waiting:
        if alone or joint is None:
            validated = validate_source(outcome.unvalidated, run_id)
        else:
            validated = {
                dataset: whole(parts[dataset].get(outcome.sha256, _empty(joint[dataset])))
                for dataset in dict.fromkeys(r.dataset for r in outcome.unvalidated)
            }
        done[id(outcome)] = replace(outcome, validated=validated, unvalidated=())
    return [done.get(id(o), o) for o in outcomes]


def run_sources_batched(
    paths: Sequence[Path],
    run_id: str,
    sections: frozenset[str] | None = None,
    only_edition: int | None = None,
    names: Sequence[str] | None = None,
) -> list[SourceOutcome]:
    """Many small sources (news files) read one by one (named by ``names``, as in provenance),
    then each dataset validated ONCE for all of them (a schema validation costs tens of
    milliseconds whatever its rows) and the result split back per source. If the joint
    validation finds a structural failure, every source is validated on its own instead,
    so one bad file never blocks the others."""
    held: list[list[SectionResult]] = []

    def hold(results: Sequence[SectionResult], _run_id: str) -> dict[str, Validated]:
        held.append(list(results))
        return {}

    steps = Steps(PLAIN_STEPS.load, PLAIN_STEPS.lines, PLAIN_STEPS.extract, hold)
    shown = names if names is not None else [source_name(path) for path in paths]
    outcomes = [
        run_source(path, run_id, steps, sections, only_edition, name)
        for path, name in zip(paths, shown, strict=True)
    ]
    extracted = [o for o in outcomes if o.status == "extracted"]
    joint = validate_jointly([r for results in held for r in results], run_id) or {}
    alone = not joint or any(v.structural for v in joint.values())
    parts = {} if alone else {dataset: _by_source(v) for dataset, v in joint.items()}
    done: dict[int, SourceOutcome] = {}
    for outcome, results in zip(extracted, held, strict=True):
        if alone:
            validated = validate_source(results, run_id)
        else:
            validated = {
                dataset: parts[dataset].get(outcome.sha256, _empty(joint[dataset]))
                for dataset in {result.dataset for result in results}
            }
        done[id(outcome)] = replace(outcome, validated=validated)
    return [done.get(id(o), o) for o in outcomes]


def validate_jointly(results: Sequence[SectionResult], run_id: str) -> dict[str, Validated] | None:
    """validate_source over the results of many sources at once (frames joined in one concat
    per dataset); None if any section failed (then each source is validated alone)."""
    if not results or any(not r.ok for r in results):
        return None
    grouped: dict[str, list[SectionResult]] = {}
    for result in results:
        grouped.setdefault(result.dataset, []).append(result)
    validated: dict[str, Validated] = {}
    for dataset, members in grouped.items():
        offsets, pending, total = [], [], 0
        for result in members:
            offsets.append(total)
            pending += [(total + i, check, msg) for i, check, msg in result.pending_flags]
            total += len(result.frame)
        frame = pd.concat([r.frame for r in members], ignore_index=True)
        checked = validate_dataset(dataset, frame.assign(run_id=run_id))
        validated[dataset] = with_pending(checked, pending)
    return verify_ocr(cross_check(validated))


def _empty(validated: Validated) -> Validated:
    return Validated(validated.dataset, validated.frame.iloc[0:0])


def _by_source(validated: Validated) -> dict[str, Validated]:
    """A jointly validated dataset split per source (rows by sha256, flags by source path)."""
    if validated.frame.empty:
        return {}
    flags: dict[str, list[Flag]] = {}
    for flag in validated.flags:
        flags.setdefault(flag.source_path, []).append(flag)
    out = {}
    for sha, rows in validated.frame.groupby("source_sha256", sort=False):
        frame = rows.reset_index(drop=True)
        path = str(frame["source_path"].iloc[0])
        out[str(sha)] = Validated(validated.dataset, frame, tuple(flags.get(path, ())))
    return out
