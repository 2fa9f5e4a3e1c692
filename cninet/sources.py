"""Sources before any flow: which files a run reads, how they are named, how each is loaded
and recognised, and the refusals decided without Prefect.

Light on purpose: nothing here imports Prefect, pandas or the schemas at import time, so the
command line can reject a file that is no usable source (``cninet run README.md``) in well
under a second. The flows call the same functions (``cninet.process`` re-exports them).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cninet.guard import LimitExceeded, Limits, bounded, source_refusal
from extractors.document import Document, DocumentError, load_document
from extractors.edition import Edition

if TYPE_CHECKING:
    from schemas.validate import Flag, Validated

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
    # the section results of an extracted source whose validation waits for the run's other
    # sources (cninet.process.validate_run validates each dataset once for all of them)
    unvalidated: tuple[Any, ...] = ()

    @property
    def structural(self) -> tuple[str, ...]:
        return tuple(line for v in self.validated.values() for line in v.structural)

    @property
    def flags(self) -> tuple[Flag, ...]:
        return tuple(flag for v in self.validated.values() for flag in v.flags)


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


def absolute(path: Path) -> Path:
    """The absolute spelling of ``path`` without following symlinks."""
    return Path(os.path.abspath(path))


def source_name(path: Path, raw: Path | None = None) -> str:
    """How a source is named in provenance, commit metadata and reports: its path relative to
    the raw root, or, outside it, its file name alone (``source_sha256`` identifies the
    content). Never an absolute machine path."""
    if raw is not None:
        try:
            return absolute(path).relative_to(absolute(raw)).as_posix()
        except ValueError:
            pass
    return path.name


def display_path(path: Path, raw: Path | None = None) -> str:
    """The provenance name of ``path`` (kept for callers of the earlier name)."""
    return source_name(path, raw)


def unique_paths(paths: Iterable[Path]) -> list[Path]:
    """Each path once (a file named twice in one run is read once), in the order given."""
    seen: set[Path] = set()
    out = []
    for path in paths:
        key = absolute(path)
        if key not in seen:
            seen.add(key)
            out.append(path)
    return out


def recognise_or_reject(doc: Document) -> Edition | str:
    """The document's edition, or why it is no source cninet knows."""
    from extractors.recognise import UnrecognisedDocument, recognise  # loads the vocabulary

    try:
        return recognise(doc)
    except UnrecognisedDocument as exc:
        return str(exc)


def load_error(error: DocumentError) -> SourceOutcome:
    return SourceOutcome(error.path, "rejected", error.reason)


def refused(path: Path, name: str, allow_symlinks: bool = False) -> SourceOutcome | None:
    """A rejection for what must not be read at all (FIFO, device, folder, symlink, too
    large), decided without opening the file; None when it may be read."""
    reason = source_refusal(path, Limits.from_env(), allow_symlinks)
    return None if reason is None else SourceOutcome(name, "rejected", reason)


def load_source(path: Path, name: str | None = None) -> Document | SourceOutcome:
    """Read and parse a source in a bounded child (time, memory; size and kind checked
    first), for text files as for PDFs (cninet.guard)."""
    shown = name or source_name(path)
    refusal = refused(path, shown)
    if refusal is not None:
        return refusal
    try:
        return bounded(load_document, path, shown)
    except DocumentError as exc:
        return load_error(exc)
    except LimitExceeded as exc:
        return load_error(DocumentError(shown, f"untrusted {source_kind(path)}: {exc}"))


def source_kind(path: Path) -> str:
    return "PDF" if path.suffix.lower() == ".pdf" else "text file"


USABLE = "usable"  # the status ``first_usable`` gives a source that a run may read


def precheck(path: Path, name: str, allow_symlinks: bool = False) -> SourceOutcome:
    """What a run would make of ``path`` before any flow starts: the same refusal, bounded
    load and recognition as the run's own first steps (``rejected`` or ``skipped`` with the
    run's reason), else ``usable``."""
    refusal = refused(path, name, allow_symlinks)
    if refusal is not None:
        return refusal
    loaded = load_source(path, name)
    if isinstance(loaded, SourceOutcome):
        return loaded
    edition = recognise_or_reject(loaded)
    if isinstance(edition, str) and loaded.text_layer == "ocr":  # a scan of something else
        reason = f"image-only PDF read by OCR: {edition}"
        return SourceOutcome(loaded.path, "rejected", reason, loaded.sha256)
    if isinstance(edition, str):
        return SourceOutcome(loaded.path, "skipped", edition, loaded.sha256)
    return SourceOutcome(loaded.path, USABLE, "", loaded.sha256, edition)


def unusable(
    paths: Sequence[Path], names: Sequence[str], allow_symlinks: bool = False
) -> list[SourceOutcome] | None:
    """Every source's refusal when none of ``paths`` is usable; None as soon as one is (the
    run then reads them all and names the bad ones itself). Checking stops at the first
    usable source, so a good run pays for one load at most."""
    outcomes = []
    for path, name in zip(paths, names, strict=True):
        outcome = precheck(path, name, allow_symlinks)
        if outcome.status == USABLE:
            return None
        outcomes.append(outcome)
    return outcomes
