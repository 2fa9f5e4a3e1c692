"""Section specs, one module per section; the set is discovered from this folder."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from extractors.spec import RecordsSpec, Section, SectionSpec, SpecError, TextSpec


@cache
def all_specs() -> tuple[Section, ...]:
    """Every ``SPEC`` defined by a module in this package, ordered by id; ids must be unique."""
    specs: dict[str, Section] = {}
    for module_info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        spec = getattr(module, "SPEC", None)
        if not isinstance(spec, SectionSpec | TextSpec | RecordsSpec):
            raise SpecError(f"section module {module_info.name} defines no SPEC")
        if spec.id in specs:
            raise SpecError(f"section id {spec.id!r} defined twice")
        specs[spec.id] = spec
    return tuple(specs[key] for key in sorted(specs))


def specs_for(
    doc_kind: str,
    lang: str,
    sections: frozenset[str] | None = None,
    chapters: frozenset[str] | None = None,
) -> tuple[Section, ...]:
    """Specs that apply to a document kind and language, optionally narrowed."""
    return tuple(
        spec
        for spec in all_specs()
        if spec.doc_kind == doc_kind
        and spec.lang == lang
        and (sections is None or spec.id in sections)
        and (chapters is None or spec.chapter in chapters)
    )
