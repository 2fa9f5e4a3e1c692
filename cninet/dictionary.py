"""A data dictionary generated from the pandera schemas: a Frictionless Data Package."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cninet.settings import code_version
from cninet.store import column_order, row_key
from schemas import DATASETS
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
    if name == "period_end":
        return "date"
    lowered = dtype.lower()
    for marker, kind in (("int", "integer"), ("float", "number"), ("bool", "boolean")):
        if marker in lowered:
            return kind
    return "string"


def field(name: str, column: Any) -> dict[str, Any]:
    constraints: dict[str, Any] = {"required": not column.nullable}
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
    schema = DATASETS[dataset].to_schema()
    return {
        "name": dataset,
        "path": f"{dataset}.{fmt}",
        "format": fmt,
        "description": (DATASETS[dataset].__doc__ or "").strip(),
        "schema": {
            "fields": [field(name, schema.columns[name]) for name in column_order(dataset)],
            "primaryKey": row_key(dataset),
            "checks": [
                {"name": str(check.name), "description": check.description or ""}
                for check in schema.checks
            ],
        },
    }


def datapackage(datasets: Sequence[str], fmt: str) -> dict[str, Any]:
    return {
        "name": "cninet",
        "title": "China internet statistics, curated by cninet",
        "version": code_version(),
        "resources": [resource(dataset, fmt) for dataset in datasets],
    }


def write_datapackage(out: Path, datasets: Sequence[str], fmt: str) -> Path:
    path = out / "datapackage.json"
    path.write_text(json.dumps(datapackage(datasets, fmt), indent=2, ensure_ascii=False) + "\n")
    return path
