"""Quick answers from the curated folder for the command line: the published datasets and
one series, read through deltalake's own query engine and the Delta log alone.

This module imports neither pandas, pyarrow nor the schemas (pandera): together they take
longer to import than a `cninet series` is allowed to take (1 s). Everything it needs is in
the tables: each table's description is stored in its Delta metadata when it is created.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from deltalake import DeltaTable, QueryBuilder
from deltalake.exceptions import TableNotFoundError

from cninet.faults import TableUnreadable, write_cause

REGISTRY = "_sources"
SERIES_COLUMNS = (
    "period_end", "member", "value", "unit", "value_base", "status", "publication",
    "source_format", "page", "line", "n_publications", "revised_from_value",
    "revised_from_edition", "change_pct", "quality_flags",
)  # fmt: skip


class UnknownName(LookupError):
    """An indicator or dataset nobody publishes: the CLI says so in one line (exit 2)."""


@dataclass(frozen=True)
class DatasetInfo:
    name: str
    rows: int
    version: int
    editions: tuple[int, ...]
    description: str


def table_at(curated: Path, name: str) -> DeltaTable | None:
    path = curated / name
    try:
        return DeltaTable(str(path))
    except TableNotFoundError:
        if (path / "_delta_log").is_dir():
            raise TableUnreadable(name, "its _delta_log holds no readable commit") from None
        return None
    except Exception as exc:
        raise TableUnreadable(name, write_cause(exc)) from None


def sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def query(table: DeltaTable, name: str, sql: str) -> list[dict[str, Any]]:
    """Rows of ``sql`` over ``table`` (registered as ``t``) as dicts of Python values."""
    try:
        result = QueryBuilder().register("t", table).execute(sql).read_all()
    except Exception as exc:
        raise TableUnreadable(name, write_cause(exc)) from None
    columns = {column: result.column(column).to_pylist() for column in result.column_names}
    names = list(columns)
    rows = zip(*columns.values(), strict=True)
    return [dict(zip(names, values, strict=True)) for values in rows]


def published_datasets(curated: Path) -> list[str]:
    """Folders of ``curated`` holding a Delta table (the sources registry aside), sorted."""
    if not curated.is_dir():
        return []
    return sorted(
        path.name
        for path in curated.iterdir()
        if (path / "_delta_log").is_dir() and path.name != REGISTRY
    )


def editions_of(table: DeltaTable, name: str) -> tuple[int, ...]:
    if "edition" in table.metadata().partition_columns:
        actions = table.get_add_actions(flatten=True)
        values = actions.column("partition.edition").to_pylist()
        return tuple(sorted({int(v) for v in values if v is not None}))
    names = [field.name for field in table.schema().fields]
    if "edition" not in names:
        return ()
    rows = query(table, name, "SELECT DISTINCT edition FROM t WHERE edition IS NOT NULL")
    return tuple(sorted(int(row["edition"]) for row in rows))


def describe(name: str, table: DeltaTable) -> str:
    """The table's stored description, else its schema's docstring (imports the schemas)."""
    stored = table.metadata().description
    if stored:
        return str(stored)
    from schemas.models import DATASETS

    model = DATASETS.get(name)
    return first_paragraph(model.__doc__ or "") if model is not None else ""


def first_paragraph(doc: str) -> str:
    """A schema docstring's first paragraph on one line: the dataset's description."""
    return " ".join(doc.strip().split("\n\n")[0].split())


def dataset_info(curated: Path, name: str) -> DatasetInfo:
    table = table_at(curated, name)
    if table is None:
        raise UnknownName(f"no dataset {name!r} under {curated}")
    try:
        rows = sum(int(n or 0) for n in table.get_add_actions().column("num_records").to_pylist())
        return DatasetInfo(
            name, rows, table.version(), editions_of(table, name), describe(name, table)
        )
    except (TableUnreadable, UnknownName):
        raise
    except Exception as exc:
        raise TableUnreadable(name, write_cause(exc)) from None


def datasets(curated: Path) -> list[DatasetInfo]:
    """Every published dataset: name, rows, latest version, editions, description."""
    return [dataset_info(curated, name) for name in published_datasets(curated)]


def packaged_indicators() -> set[str]:
    text = resources.files("extractors").joinpath("data/indicators.csv").read_text("utf-8")
    return {row["indicator_id"] for row in csv.DictReader(text.splitlines())}


def series_rows(curated: Path, indicator: str, member: str | None = None) -> list[dict[str, Any]]:
    """One indicator's series (one member, or all), oldest period first. An id outside the
    vocabulary is ``UnknownName``; a known id with no figure in the store is an empty list."""
    if indicator not in packaged_indicators():
        raise UnknownName(
            f"unknown indicator {indicator!r} (the ids are in the vocabulary dataset: "
            "cninet show vocabulary)"
        )
    table = table_at(curated, "series")
    if table is None:
        raise FileNotFoundError(f"no series published under {curated} (run cninet run first)")
    where = f"indicator_id = {sql_text(indicator)}"
    if member is not None:
        where += f" AND member = {sql_text(member)}"
    columns = ", ".join(SERIES_COLUMNS)
    sql = f"SELECT {columns} FROM t WHERE {where} ORDER BY member, period_end"
    return query(table, "series", sql)


def members(curated: Path, indicator: str) -> list[str]:
    """The members the series of ``indicator`` has (empty string: the national figure)."""
    table = table_at(curated, "series")
    if table is None:
        return []
    sql = f"SELECT DISTINCT member FROM t WHERE indicator_id = {sql_text(indicator)}"
    return sorted(str(row["member"]) for row in query(table, "series", sql))
