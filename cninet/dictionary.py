"""A data dictionary generated from the pandera schemas: a Frictionless Data Package."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cninet.settings import code_version
from cninet.store import DATE_COLUMNS, column_order, row_key
from schemas.models import DATASETS
from schemas.provenance import LIST_COLUMNS

CONSTRAINTS = {
    "greater_than_or_equal_to": ("minimum", "min_value"),
    "less_than_or_equal_to": ("maximum", "max_value"),
    "isin": ("enum", "allowed_values"),
    "str_matches": ("pattern", "pattern"),
}


def field_type(name: str, dtype: str) -> str:
    if name in LIST_COLUMNS:
        return "array"
    if name in DATE_COLUMNS:
        return "date"
    lowered = dtype.lower()
    for marker, kind in (("int", "integer"), ("float", "number"), ("bool", "boolean")):
        if marker in lowered:
            return kind
    return "string"


def may_be_empty(name: str, column: Any) -> bool:
    """A text column that may hold an empty string (a count with no unit printed): in a
    file an empty cell is a missing value, so the package cannot require it."""
    if field_type(name, str(column.dtype)) != "string":
        return False
    return not any(rules_out_empty(check.name, check.statistics or {}) for check in column.checks)


def rules_out_empty(name: str, statistics: dict[str, Any]) -> bool:
    """Whether a pandera check refuses the empty string."""
    if name == "str_length":
        return (statistics.get("min_value") or 0) >= 1
    if name == "str_matches":
        return re.match(str(statistics.get("pattern", "")), "") is None
    if name == "isin":
        return "" not in statistics.get("allowed_values", [])
    return False


def required(name: str, column: Any) -> bool:
    return not column.nullable and not may_be_empty(name, column)


def field(name: str, column: Any) -> dict[str, Any]:
    constraints: dict[str, Any] = {"required": required(name, column)}
    checks = []
    for check in column.checks:
        known = CONSTRAINTS.get(check.name)
        if known and check.statistics:
            constraints[known[0]] = check.statistics[known[1]]
        checks.append(check.error or check.name)
    described: dict[str, Any] = {
        "name": name,
        "type": field_type(name, str(column.dtype)),
        "description": column.description or "",
        "constraints": constraints,
    }
    if checks:
        described["checks"] = checks
    return described


def resource(dataset: str, fmt: str) -> dict[str, Any]:
    """One dataset's resource. Its ``primaryKey`` is the row key when every key column is
    required; a key with a column that may be missing (an indicator figure with no
    vocabulary id) is only described, since the standard forbids missing key cells."""
    schema = DATASETS[dataset].to_schema()
    key = row_key(dataset)
    keyed = all(required(name, schema.columns[name]) for name in key)
    description = (DATASETS[dataset].__doc__ or "").strip()
    if not keyed:
        description += (
            f" Key: {', '.join(key)} where each is present; a figure with no indicator id"
            " (not in the vocabulary) has no key and is kept as printed."
        )
    described: dict[str, Any] = {
        "name": dataset,
        "path": f"{dataset}.{fmt}",
        "format": fmt,
        "description": description,
        "schema": {
            "fields": [field(name, schema.columns[name]) for name in column_order(dataset)],
            "checks": [
                {"name": str(check.name), "description": check.description or ""}
                for check in schema.checks
            ],
        },
    }
    if keyed:
        described["schema"]["primaryKey"] = key
    if fmt == "csv":
        described.update(mediatype="text/csv", encoding="utf-8")
    return described


def datapackage(datasets: Sequence[str], fmt: str) -> dict[str, Any]:
    return {
        "name": "cninet",
        "title": "China internet statistics, curated by cninet",
        "version": code_version(),
        "description": (
            "Array columns (notes, quality_flags) hold a JSON array of strings, in the CSV"
            " files as in the Parquet files (Parquet logical type JSON)."
        ),
        "resources": [resource(dataset, fmt) for dataset in datasets],
    }


def write_datapackage(out: Path, datasets: Sequence[str], fmt: str) -> Path:
    path = out / "datapackage.json"
    path.write_text(json.dumps(datapackage(datasets, fmt), indent=2, ensure_ascii=False) + "\n")
    return path
