"""Curated Delta Lake tables: publish atomically, never in place; read any version."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from deltalake import CommitProperties, DeltaTable, write_deltalake
from deltalake.exceptions import TableNotFoundError

from cninet.faults import write_cause
from schemas import DATASETS, DERIVED, NATURAL_KEYS
from schemas.provenance import LIST_COLUMNS, Provenance

# Columns that change on every run and so are ignored when deciding whether content changed.
VOLATILE_COLUMNS = ("run_id",)
PARTITION_COLUMNS = ["edition"]
DATE_COLUMNS = frozenset({"period_end", "published"})
# Every table is created with Delta's change data feed on: `diff` and the quality report read
# what a commit changed from it instead of comparing whole versions. A checkpoint every 10
# commits keeps opening a table from replaying a log that grows with every run.
CDF_PROPERTY = "delta.enableChangeDataFeed"
TABLE_CONFIGURATION = {CDF_PROPERTY: "true", "delta.checkpointInterval": "10"}


class TableUnreadable(Exception):
    """A curated table exists but cannot be read (a damaged log or data file); one line
    naming the table and the cause."""

    def __init__(self, dataset: str, cause: str) -> None:
        super().__init__(f"table {dataset} cannot be read ({cause})")
        self.dataset = dataset


@dataclass(frozen=True)
class Published:
    dataset: str
    version: int
    rows: int
    changed: bool


def table_path(curated: Path, dataset: str) -> Path:
    return curated / dataset


def column_order(dataset: str) -> list[str]:
    """Dataset columns first (natural key leading), provenance after."""
    columns = list(DATASETS[dataset].to_schema().columns)
    provenance = [c for c in Provenance.to_schema().columns if c in columns]
    key = list(NATURAL_KEYS[dataset])
    values = [c for c in columns if c not in provenance and c not in key]
    flags = [c for c in ("is_total", "notes", "quality_flags") if c in provenance]
    ordered = key + values + flags + [c for c in provenance if c not in flags]
    return list(dict.fromkeys(ordered))


def arrow_type(column: str, dtype: Any) -> pa.DataType:
    if column in LIST_COLUMNS:
        return pa.list_(pa.string())
    if column in DATE_COLUMNS:
        return pa.date32()
    if pd.api.types.is_bool_dtype(dtype):
        return pa.bool_()
    if pd.api.types.is_integer_dtype(dtype):
        return pa.int64()
    if pd.api.types.is_float_dtype(dtype):
        return pa.float64()
    return pa.string()


def to_arrow(dataset: str, frame: pd.DataFrame) -> pa.Table:
    """The frame in schema column order with explicit Arrow types (dates as date32)."""
    columns = column_order(dataset)
    ordered = frame[columns].copy()
    for column in DATE_COLUMNS & set(columns):
        dates = pd.to_datetime(ordered[column])
        ordered[column] = pd.Series(
            [d.date() if pd.notna(d) else None for d in dates], index=ordered.index, dtype=object
        )
    schema = pa.schema([(c, arrow_type(c, frame[c].dtype)) for c in columns])
    return pa.Table.from_pandas(ordered, schema=schema, preserve_index=False)


def open_table(curated: Path, dataset: str, version: int | None = None) -> DeltaTable | None:
    """The dataset's table (at ``version``), None if never published; ValueError if no such
    version; TableUnreadable if the table is damaged."""
    path = str(table_path(curated, dataset))
    try:
        latest = DeltaTable(path)
        if version is None or version == latest.version():
            return latest
    except TableNotFoundError:
        if (table_path(curated, dataset) / "_delta_log").is_dir():
            raise TableUnreadable(dataset, "its _delta_log holds no readable commit") from None
        return None
    except Exception as exc:
        raise TableUnreadable(dataset, write_cause(exc)) from None
    if not 0 <= version < latest.version():
        raise ValueError(f"{dataset} has no version {version} (latest is {latest.version()})")
    try:
        return DeltaTable(path, version=version)
    except Exception as exc:
        raise TableUnreadable(dataset, f"version {version}: {write_cause(exc)}") from None


def arrow_of(dataset: str, table: DeltaTable, **options: Any) -> pa.Table:
    """Read a table's rows; a damaged data file is TableUnreadable naming the table."""
    try:
        return table.to_pyarrow_table(**options)
    except Exception as exc:
        raise TableUnreadable(dataset, write_cause(exc)) from None


def cell_text(value: Any) -> str:
    """One cell as canonical text, the same whether it came from pandas or back from Delta."""
    if isinstance(value, list | tuple | np.ndarray):
        return json.dumps([str(item) for item in value])
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, date):
        return value.isoformat()[:10]
    return str(value)


def comparable(frame: pd.DataFrame, dataset: str) -> pd.DataFrame:
    """Rows reduced to content (no run id) as text, sorted by natural key."""
    keep = [c for c in column_order(dataset) if c not in VOLATILE_COLUMNS]
    out = pd.DataFrame({c: [cell_text(v) for v in frame[c]] for c in keep})
    return out.sort_values(list(out.columns)).reset_index(drop=True)


def to_pandas(table: pa.Table) -> pd.DataFrame:
    """Arrow → pandas keeping integer columns with nulls as nullable Int64."""
    return table.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)


def sql_in(column: str, values: Iterable[str]) -> str:
    quoted = ", ".join("'" + value.replace("'", "''") + "'" for value in sorted(set(values)))
    return f"{column} IN ({quoted})"


def current_rows(table: DeltaTable, sources: list[str], paths: list[str]) -> pd.DataFrame:
    """The rows of these sources, by content or by path (a changed file at the same path)."""
    by_sha = to_pandas(table.to_pyarrow_table(filters=[("source_sha256", "in", sources)]))
    by_path = to_pandas(table.to_pyarrow_table(filters=[("source_path", "in", paths)]))
    older = by_path[~by_path["source_sha256"].isin(sources)]
    return pd.concat([by_sha, older], ignore_index=True) if not older.empty else by_sha


def section_of(extractor: str) -> str:
    return extractor.split("@", 1)[0]


def scope_predicate(
    sources: Iterable[str], sections: Iterable[str], paths: Iterable[str] = ()
) -> str:
    """SQL for the rows a publish replaces: the rows these sections made from these sources,
    named by content or by path (so a corrected file at the same path supersedes its old
    content; the old rows stay in the older versions)."""
    like = " OR ".join(
        "extractor LIKE '" + section.replace("'", "''") + "@%'" for section in sorted(set(sections))
    )
    names = list(paths)
    which = sql_in("source_sha256", sources)
    if names:
        which = f"({which} OR {sql_in('source_path', names)})"
    return f"{which} AND ({like})"


def in_scope(frame: pd.DataFrame, sections: Iterable[str]) -> pd.DataFrame:
    wanted = set(sections)
    return frame[frame["extractor"].map(lambda e: section_of(str(e)) in wanted)]


def publish(
    curated: Path, dataset: str, frame: pd.DataFrame, metadata: Mapping[str, str]
) -> Published:
    """Replace the rows of ``frame``'s sources and sections in one Delta commit, unless
    nothing changed.

    The predicate overwrite touches only the rows those sources got from those sections (a
    one-section rerun leaves the rest of the dataset alone); every other row and every earlier
    version stays readable. An identical re-run makes no commit.
    """
    sources = sorted(set(frame["source_sha256"]))
    paths = sorted(set(frame["source_path"]))
    sections = sorted({section_of(str(e)) for e in frame["extractor"]})
    table = open_table(curated, dataset)
    if table is not None:
        try:
            existing = in_scope(current_rows(table, sources, paths), sections)
        except Exception as exc:
            raise TableUnreadable(dataset, write_cause(exc)) from None
        if len(existing) == len(frame) and comparable(existing, dataset).equals(
            comparable(frame, dataset)
        ):
            return Published(dataset, table.version(), len(frame), changed=False)
    data = to_arrow(dataset, frame)
    properties = CommitProperties(custom_metadata=dict(metadata))
    path = str(table_path(curated, dataset))
    if table is None:
        write_deltalake(
            path,
            data,
            mode="append",
            partition_by=PARTITION_COLUMNS,
            configuration=TABLE_CONFIGURATION,
            commit_properties=properties,
        )
    else:
        write_deltalake(
            path,
            data,
            mode="overwrite",
            predicate=scope_predicate(sources, sections, paths),
            commit_properties=properties,
        )
    version = DeltaTable(path).version()
    return Published(dataset, version, len(frame), changed=True)


def row_key(dataset: str) -> list[str]:
    """Columns that identify a row: the source (for per-source datasets) and the natural key."""
    source = [] if dataset in DERIVED else ["source_sha256"]
    return [*source, *NATURAL_KEYS[dataset]]


def publish_derived(
    curated: Path, dataset: str, frame: pd.DataFrame, metadata: Mapping[str, str]
) -> Published:
    """Rewrite a derived dataset whole in one commit, unless its content is unchanged."""
    table = open_table(curated, dataset)
    if table is not None:
        existing = to_pandas(table.to_pyarrow_table())
        if len(existing) == len(frame) and comparable(existing, dataset).equals(
            comparable(frame, dataset)
        ):
            return Published(dataset, table.version(), len(frame), changed=False)
    write_deltalake(
        str(table_path(curated, dataset)),
        to_arrow(dataset, frame),
        mode="overwrite",
        configuration=TABLE_CONFIGURATION if table is None else None,
        commit_properties=CommitProperties(custom_metadata=dict(metadata)),
    )
    return Published(
        dataset, DeltaTable(str(table_path(curated, dataset))).version(), len(frame), True
    )


def read(
    curated: Path, dataset: str, version: int | None = None, edition: int | None = None
) -> pd.DataFrame:
    """A dataset as a DataFrame, at ``version`` (default latest), optionally one edition."""
    if dataset not in DATASETS:
        raise KeyError(f"unknown dataset {dataset!r} (known: {', '.join(DATASETS)})")
    table = open_table(curated, dataset, version)
    if table is None:
        raise FileNotFoundError(f"no published table for {dataset} under {curated}")
    filters = [("edition", "=", edition)] if edition is not None else None
    frame = to_pandas(arrow_of(dataset, table, filters=filters))
    key = row_key(dataset)
    if "edition" in frame.columns:
        key = ["edition", *key]
    return frame.sort_values(key, kind="stable").reset_index(drop=True)


def read_if_published(curated: Path, dataset: str) -> pd.DataFrame | None:
    table = open_table(curated, dataset)
    return None if table is None else to_pandas(arrow_of(dataset, table))


def history(curated: Path, dataset: str) -> list[dict[str, Any]]:
    table = open_table(curated, dataset)
    if table is None:
        return []
    try:
        return list(table.history())
    except Exception as exc:
        raise TableUnreadable(dataset, write_cause(exc)) from None
