"""Lazy validation that separates structural failures (block) from source errata (flag)."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from schemas.checks import ERRATUM_PREFIX, explain
from schemas.models import DATASETS


@dataclass(frozen=True)
class Flag:
    """One source erratum on one published row."""

    dataset: str
    check: str
    message: str
    label: str
    raw: str
    source_path: str
    page: int | None
    line: int | None


@dataclass(frozen=True)
class Validated:
    """A dataset's rows after validation: publishable unless ``structural`` is non-empty."""

    dataset: str
    frame: pd.DataFrame
    flags: tuple[Flag, ...] = ()
    structural: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.structural


def split_schema(model: type[pa.DataFrameModel]) -> tuple[pa.DataFrameSchema, pa.DataFrameSchema]:
    """(structural schema, erratum-only schema) from one model, split by check name."""
    full = model.to_schema()
    structural = copy.copy(full)
    structural.checks = [c for c in full.checks if not str(c.name).startswith(ERRATUM_PREFIX)]
    errata = pa.DataFrameSchema(
        checks=[c for c in full.checks if str(c.name).startswith(ERRATUM_PREFIX)]
    )
    return structural, errata


def failure_lines(dataset: str, error: SchemaErrors) -> tuple[str, ...]:
    cases = error.failure_cases.drop_duplicates(subset=["check", "index", "column"])
    return tuple(
        f"{dataset}: {case.column or 'row'} failed {case.check} "
        f"(value {case.failure_case!r}, row {case.index})"
        for case in cases.itertuples()
    )


def row_label(row: pd.Series) -> str:
    for column in ("region", "organization", "category", "province", "application", "indicator_id"):
        if column in row.index:
            return str(row[column])
    return ""


def optional_int(value: object) -> int | None:
    return None if pd.isna(value) else int(str(value))  # type: ignore[call-overload]


def row_at(frame: pd.DataFrame, index: int) -> pd.Series:
    """The row with index label ``index``."""
    return frame.loc[[index]].iloc[0]


def make_flag(dataset: str, check: str, message: str, row: pd.Series) -> Flag:
    return Flag(
        dataset=dataset,
        check=check,
        message=message,
        label=row_label(row),
        raw=str(row["raw"]),
        source_path=str(row["source_path"]),
        page=optional_int(row["page"]),
        line=optional_int(row["line"]),
    )


def add_flags(frame: pd.DataFrame, flagged: dict[int, list[str]]) -> pd.DataFrame:
    out = frame.copy()
    out["quality_flags"] = [
        sorted({*existing, *flagged.get(index, [])})
        for index, existing in zip(out.index, out["quality_flags"], strict=True)
    ]
    return out


def validate_dataset(dataset: str, frame: pd.DataFrame) -> Validated:
    """Check every row; structural failures block, errata become ``quality_flags``."""
    structural, errata = split_schema(DATASETS[dataset])
    try:
        coerced = structural.validate(frame, lazy=True)
    except SchemaErrors as exc:
        return Validated(dataset, frame, structural=failure_lines(dataset, exc))
    try:
        errata.validate(coerced, lazy=True)
    except SchemaErrors as exc:
        cases = exc.failure_cases.dropna(subset=["index"]).drop_duplicates(
            subset=["check", "index"]
        )
        flagged: dict[int, list[str]] = {}
        flags: list[Flag] = []
        for case in cases.itertuples():
            index = int(str(case.index))
            check = str(case.check)
            flagged.setdefault(index, []).append(check)
            row = row_at(coerced, index)
            flags.append(make_flag(dataset, check, explain(check, row, coerced), row))
        return Validated(dataset, add_flags(coerced, flagged), tuple(flags))
    return Validated(dataset, coerced)
