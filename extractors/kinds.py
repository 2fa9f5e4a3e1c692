"""The source kinds: one data folder each under ``extractors/sources/<kind>/`` (``source.yaml``
and ``rules.yaml``), discovered from the folder, validated when loaded (see
``extractors.figures.rules``), tried by recognition in their declared ``order``."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

from extractors.figures.grammar import GrammarError
from extractors.figures.rules import SourceKind, kind_from_data
from extractors.vocabulary import base_units


def _read_yaml(path: str) -> Any:
    text = resources.files("extractors").joinpath(path).read_text(encoding="utf-8")
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise GrammarError(
            f"extractors/{path}: not valid YAML ({str(exc).splitlines()[0]})"
        ) from exc


@cache
def kind_names() -> tuple[str, ...]:
    root = resources.files("extractors").joinpath("sources")
    return tuple(
        sorted(
            entry.name
            for entry in root.iterdir()
            if entry.is_dir() and entry.joinpath("source.yaml").is_file()
        )
    )


@cache
def source_kind(name: str) -> SourceKind:
    """The validated source kind ``name`` (its folder's files are read once per process)."""
    if name not in kind_names():
        raise GrammarError(f"no source kind {name!r} (extractors/sources/{name}/source.yaml)")
    kind_path = f"sources/{name}/source.yaml"
    kind_data = _read_yaml(kind_path)
    if not isinstance(kind_data, dict):
        raise GrammarError(f"extractors/{kind_path}: a source kind file is a mapping")
    sources = kind_data.get("rules_from", name)
    names = [str(n) for n in (sources if isinstance(sources, list) else [sources])]
    files = [
        (f"extractors/sources/{n}/rules.yaml", _read_yaml(f"sources/{n}/rules.yaml")) for n in names
    ]
    fragments: dict[str, str] = {}
    for other in names:
        if other != name:
            fragments.update(_read_yaml(f"sources/{other}/source.yaml").get("fragments") or {})
    fragments.update(kind_data.get("fragments") or {})
    kind_data = {**kind_data, "fragments": fragments}
    (first_path, first), *more = files
    return kind_from_data(
        kind_data, first, f"extractors/{kind_path}", first_path, base_units(), more
    )


@cache
def all_kinds() -> tuple[SourceKind, ...]:
    """Every source kind, in recognition order."""
    return tuple(sorted((source_kind(n) for n in kind_names()), key=lambda k: (k.order, k.kind)))
