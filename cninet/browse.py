"""A dataset's rows and versions for the command line (`cninet show`, `cninet versions`),
read through deltalake's own query engine into plain Python values.

Like cninet.catalog, this module imports neither pandas, pyarrow nor the pandera schemas:
they take longer to import than these commands may take (1 s). The facts about the datasets
it needs (names, natural keys, which are derived, the provenance columns) are the plain data
of ``schemas`` itself. ``load()`` reads
the same rows through pandas (cninet.store.read), with the same choice of one row per
printed fact and the same order.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from deltalake import DeltaTable, QueryBuilder

from cninet.catalog import UnknownName, editions_of, table_at
from cninet.faults import TableUnreadable, write_cause
from schemas import DATASET_NAMES, DERIVED, FORMAT_PREFERENCE, NATURAL_KEYS, PROVENANCE_COLUMNS

# provenance columns `show` prints without --all-columns
SHOWN_PROVENANCE = frozenset({"edition", "period_end", "quality_flags", "source_format"})


def check_dataset(dataset: str) -> None:
    """An unknown dataset name is UnknownName listing the known ones."""
    if dataset not in DATASET_NAMES:
        raise UnknownName(f"unknown dataset {dataset!r} (known: {', '.join(DATASET_NAMES)})")


def published(curated: Path, dataset: str, version: int | None = None) -> DeltaTable:
    """The dataset's table at ``version`` (default latest). Unknown dataset or version:
    UnknownName; never published: FileNotFoundError; damaged: TableUnreadable."""
    check_dataset(dataset)
    table = table_at(curated, dataset)
    if table is None:
        raise FileNotFoundError(f"no published table for {dataset} under {curated}")
    latest = table.version()
    if version is None or version == latest:
        return table
    if not 0 <= version < latest:
        raise UnknownName(f"{dataset} has no version {version} (latest is {latest})")
    try:
        table.load_as_version(version)
    except Exception as exc:
        raise TableUnreadable(dataset, f"version {version}: {write_cause(exc)}") from None
    return table


def column_names(table: DeltaTable) -> list[str]:
    """The table's columns in its schema's order (the order cninet wrote them in)."""
    return [field.name for field in table.schema().fields]


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def select(
    table: DeltaTable, dataset: str, columns: Sequence[str], where: str = ""
) -> list[dict[str, Any]]:
    """Rows of ``table`` (``columns``, optionally filtered by SQL ``where``) as dicts."""
    sql = f"SELECT {', '.join(map(quoted, columns))} FROM t" + (f" WHERE {where}" if where else "")
    try:
        result = QueryBuilder().register("t", table).execute(sql).read_all()
        values = [result.column(column).to_pylist() for column in columns]
    except Exception as exc:
        raise TableUnreadable(dataset, write_cause(exc)) from None
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def publication(row: dict[str, Any]) -> str:
    """cninet.store.publication_of for one row: ``cnnic:54``, ``isc:2024``, ``file:<sha>``."""
    kind = row.get("source_kind")
    if row.get("edition") is None or kind == "news":
        return f"file:{row['source_sha256']}"
    return f"{'isc' if kind == 'isc' else 'cnnic'}:{row['edition']}"


def fact(row: dict[str, Any], dataset: str) -> tuple[Any, ...]:
    """cninet.store.fact_key for one row: what one printed fact is within a publication."""
    if dataset != "indicators":
        return tuple(row[c] for c in NATURAL_KEYS[dataset])
    named = row["indicator_id"]
    if named is None and row["quote"] is not None and row["value"] is not None:
        named = f"quote:{row['quote']}={row['value']}"
    return named, row["period_end"]


def format_rank(row: dict[str, Any]) -> int:
    fmt = row.get("source_format")
    return FORMAT_PREFERENCE.index(fmt) if fmt in FORMAT_PREFERENCE else len(FORMAT_PREFERENCE)


def one_per_publication(rows: list[dict[str, Any]], dataset: str) -> list[dict[str, Any]]:
    """Each printed fact once per publication, as cninet.store.one_per_publication: the row
    of the preferred format (then the first source path) is kept, in the rows' order."""
    if dataset in DERIVED or not rows or "source_format" not in rows[0]:
        return rows
    order = sorted(range(len(rows)), key=lambda i: (format_rank(rows[i]), rows[i]["source_path"]))
    seen: set[tuple[Any, ...]] = set()
    kept: set[int] = set()
    for index in order:
        key = (publication(rows[index]), *fact(rows[index], dataset))
        if key not in seen:
            seen.add(key)
            kept.add(index)
    return [row for index, row in enumerate(rows) if index in kept]


def sort_key(columns: Sequence[str]) -> Any:
    """Ascending by each column in turn, nulls last (as pandas' sort_values)."""
    return lambda row: tuple((row[c] is None, row[c]) for c in columns)


def row_order(dataset: str, columns: Sequence[str]) -> list[str]:
    """cninet.store.read's order: edition, the source (per-source datasets), natural key."""
    key = [] if dataset in DERIVED else ["source_sha256"]
    key += list(NATURAL_KEYS[dataset])
    if "edition" in columns:
        key = ["edition", *key]
    return [c for c in key if c in columns]


def edition_filter(table: DeltaTable, dataset: str, edition: int | None) -> str:
    """SQL for one edition's rows; an edition the table does not hold is UnknownName."""
    if edition is None:
        return ""
    if "edition" not in column_names(table):
        raise UnknownName(f"{dataset} has no edition column")
    held = editions_of(table, dataset)
    if edition not in held:
        listed = ", ".join(map(str, held)) or "none"
        raise UnknownName(f"{dataset} has no edition {edition} (editions: {listed})")
    return f"edition = {int(edition)}"


@dataclass(frozen=True)
class Rows:
    columns: list[str]  # every column of the table, in order
    rows: list[dict[str, Any]]


def dataset_rows(
    curated: Path,
    dataset: str,
    version: int | None = None,
    edition: int | None = None,
    all_formats: bool = False,
) -> Rows:
    """A dataset's rows (at ``version``, of ``edition``) as cninet.store.read gives them:
    each printed fact once unless ``all_formats``, sorted by edition, source, natural key."""
    table = published(curated, dataset, version)
    columns = column_names(table)
    rows = select(table, dataset, columns, edition_filter(table, dataset, edition))
    if not all_formats:
        rows = one_per_publication(rows, dataset)
    rows.sort(key=sort_key(row_order(dataset, columns)))
    return Rows(columns, rows)


def default_columns(dataset: str, columns: Sequence[str]) -> list[str]:
    """The value columns and the provenance a reader needs (edition, period, format, flags)."""
    hidden = set(PROVENANCE_COLUMNS) - SHOWN_PROVENANCE
    return [c for c in columns if c not in hidden]


def chosen_columns(dataset: str, columns: Sequence[str], wanted: Sequence[str]) -> list[str]:
    """``wanted`` (in its order); a column the dataset lacks is UnknownName."""
    unknown = [c for c in wanted if c not in columns]
    if unknown:
        raise UnknownName(
            f"{dataset} has no column {', '.join(map(repr, unknown))} "
            f"(columns: {', '.join(columns)})"
        )
    return list(dict.fromkeys(wanted))


# --- versions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class VersionInfo:
    version: int
    time: datetime
    operation: str
    run_id: str
    sources: tuple[str, ...]
    sections: tuple[str, ...]
    rows: int


def json_list(value: Any) -> tuple[str, ...]:
    try:
        items = json.loads(value) if isinstance(value, str) else []
    except json.JSONDecodeError:
        return ()
    return tuple(str(item) for item in items) if isinstance(items, list) else ()


def rows_now(table: DeltaTable) -> int:
    """The rows of the table's loaded version, from its log (no data file is read)."""
    counts = table.get_add_actions(flatten=True).column("num_records").to_pylist()
    return int(sum(n or 0 for n in counts))


def versions(curated: Path, dataset: str) -> list[VersionInfo]:
    """Every version of a dataset, newest first, with its commit metadata and row count
    (empty if never published)."""
    check_dataset(dataset)
    table = table_at(curated, dataset)
    if table is None:
        return []
    out = []
    try:
        entries = sorted(table.history(), key=lambda entry: int(entry["version"]))
        for entry in entries:  # oldest first: each load replays only the next commits
            version = int(entry["version"])
            table.load_as_version(version)
            out.append(
                VersionInfo(
                    version=version,
                    time=datetime.fromtimestamp(int(entry["timestamp"]) / 1000, tz=UTC),
                    operation=str(entry.get("operation", "")),
                    run_id=str(entry.get("run_id", "")),
                    sources=json_list(entry.get("source_paths")),
                    sections=json_list(entry.get("sections")),
                    rows=rows_now(table),
                )
            )
    except Exception as exc:
        raise TableUnreadable(dataset, write_cause(exc)) from None
    return sorted(out, key=lambda info: -info.version)
