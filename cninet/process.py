"""Pipeline steps as plain functions; flows/ wraps them in Prefect tasks and flows."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cninet.settings import code_version
from cninet.store import Published
from extractors.document import Document, DocumentError
from extractors.extract import SectionResult
from extractors.recognise import Edition, UnrecognisedDocument, recognise
from extractors.sections import specs_for
from extractors.spec import SectionSpec
from schemas.cross import cross_check
from schemas.validate import Flag, Validated, validate_dataset

SOURCE_SUFFIXES = (".pdf", ".txt")


@dataclass(frozen=True)
class SourceOutcome:
    """What happened to one source in a run."""

    path: str
    status: str  # extracted | skipped | rejected
    reason: str = ""
    sha256: str = ""
    edition: Edition | None = None
    sections: tuple[str, ...] = ()
    validated: Mapping[str, Validated] = field(default_factory=dict)

    @property
    def structural(self) -> tuple[str, ...]:
        return tuple(line for v in self.validated.values() for line in v.structural)

    @property
    def flags(self) -> tuple[Flag, ...]:
        return tuple(flag for v in self.validated.values() for flag in v.flags)


@dataclass(frozen=True)
class RunResult:
    run_id: str
    sources: tuple[SourceOutcome, ...]
    published: tuple[Published, ...]
    report_path: Path | None = None
    prefect_startup_s: float | None = None

    @property
    def structural(self) -> tuple[str, ...]:
        return tuple(line for source in self.sources for line in source.structural)

    @property
    def flags(self) -> tuple[Flag, ...]:
        return tuple(flag for source in self.sources for flag in source.flags)


def discover_sources(raw: Path) -> list[Path]:
    """Every report/news file below ``raw`` (sorted, hidden files ignored)."""
    if not raw.is_dir():
        raise FileNotFoundError(f"raw directory not found: {raw}")
    return sorted(
        path
        for path in raw.rglob("*")
        if path.is_file()
        and path.suffix.lower() in SOURCE_SUFFIXES
        and not any(part.startswith(".") for part in path.relative_to(raw).parts)
    )


def display_path(path: Path) -> str:
    """Path as recorded in provenance: relative to the working directory when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def recognise_or_reject(doc: Document) -> Edition | str:
    try:
        return recognise(doc)
    except UnrecognisedDocument as exc:
        return str(exc)


def section_specs(
    edition: Edition, sections: frozenset[str] | None = None
) -> tuple[SectionSpec, ...]:
    return specs_for(edition.kind, edition.lang, sections=sections)


def dataset_frames(results: Sequence[SectionResult]) -> dict[str, tuple[pd.DataFrame, list[str]]]:
    """Per dataset: the rows of its sections, and the failures that block it."""
    frames: dict[str, tuple[pd.DataFrame, list[str]]] = {}
    for result in results:
        frame, failures = frames.get(result.spec.dataset, (pd.DataFrame(), []))
        frames[result.spec.dataset] = (
            pd.concat([frame, result.frame], ignore_index=True) if result.ok else frame,
            [*failures, *result.failures],
        )
    return frames


def validate_source(results: Sequence[SectionResult], run_id: str) -> dict[str, Validated]:
    """Validate each dataset of one source, then the report-level cross checks."""
    validated: dict[str, Validated] = {}
    for dataset, (frame, failures) in dataset_frames(results).items():
        if failures:
            validated[dataset] = Validated(dataset, frame, structural=tuple(failures))
        else:
            validated[dataset] = validate_dataset(dataset, frame.assign(run_id=run_id))
    return cross_check(validated)


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


def load_error(error: DocumentError) -> SourceOutcome:
    return SourceOutcome(error.path, "rejected", error.reason)
