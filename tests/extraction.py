"""Run the pure pipeline steps on a source without Prefect (helpers for tests)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from cninet.process import validate_source
from extractors.document import Document, parse_document
from extractors.extract import SectionResult, run_section
from extractors.layout import document_lines
from extractors.recognise import recognise
from extractors.sections import specs_for
from schemas.validate import Validated


def extract_document(doc: Document) -> dict[str, SectionResult]:
    edition = recognise(doc)
    specs = specs_for(edition.kind, edition.lang)
    elements = document_lines(doc, [c for spec in specs for c in spec.captions])
    return {spec.id: run_section(doc, edition, spec, elements) for spec in specs}


def validate_document(doc: Document) -> dict[str, Validated]:
    return validate_source(list(extract_document(doc).values()), "test-run")


@cache
def load(path: Path) -> Document:
    return parse_document(path.name, path.read_bytes())


@cache
def validated(path: Path) -> dict[str, Validated]:
    return validate_document(load(path))
