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
    rules_from = kind_data.get("rules_from", name) if isinstance(kind_data, dict) else name
    rules_path = f"sources/{rules_from}/rules.yaml"
    rules_data = _read_yaml(rules_path)
    if isinstance(kind_data, dict) and rules_from != name:
        base = _read_yaml(f"sources/{rules_from}/source.yaml")
        fragments = {**(base.get("fragments") or {}), **(kind_data.get("fragments") or {})}
        kind_data = {**kind_data, "fragments": fragments}
    return kind_from_data(
        kind_data, rules_data, f"extractors/{kind_path}", f"extractors/{rules_path}", base_units()
    )


def all_kinds() -> tuple[SourceKind, ...]:
    """Every source kind, in recognition order."""
    return tuple(sorted((source_kind(n) for n in kind_names()), key=lambda k: (k.order, k.kind)))
