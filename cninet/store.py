"""Curated Delta Lake tables: publish atomically, never in place; read any version."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
from deltalake import CommitProperties, DeltaTable, PostCommitHookProperties, write_deltalake
from deltalake.exceptions import CommitFailedError, TableNotFoundError

from cninet.catalog import first_paragraph
from cninet.faults import TableUnreadable, write_cause
from schemas import DERIVED, FORMAT_PREFERENCE, NATURAL_KEYS
from schemas.models import DATASETS
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
# Every past version stays readable ("time travel"): no commit ever deletes the log entries
# Delta would otherwise expire after 30 days, and nothing is vacuumed (the data files of old
# versions stay on disk). Small files are merged instead: once one partition of a table (one
# edition, or the whole of an unpartitioned table: series, reconciliation, the registry)
# holds COMPACT_AT files, they are rewritten as one in a commit of its own that changes no
# row (Delta's OPTIMIZE: older versions keep reading the files they named, the change data
# feed holds nothing for it). Reads then open a bounded number of files whatever the runs.
KEEP_LOGS = PostCommitHookProperties(cleanup_expired_logs=False)
COMPACT_AT = 8


@dataclass(frozen=True)
class Published:
    dataset: str
    version: int
    rows: int
    changed: bool
    # the commit only added rows (a new table, or sources and sections not stored before):
    # what changed since the previous version is exactly those rows
    appended: bool = False


def table_path(curated: Path, dataset: str) -> Path:
    return curated / dataset


def column_order(dataset: str) -> list[str]:
    """Dataset columns first (natural key leading), provenance after."""
    return list(ordered_columns(dataset))


@cache
def ordered_columns(dataset: str) -> tuple[str, ...]:
    """``column_order``, computed once per dataset (building a pandera schema costs
    milliseconds and it is asked for on every publish and diff)."""
    columns = list(DATASETS[dataset].to_schema().columns)
    provenance = [c for c in Provenance.to_schema().columns if c in columns]
    key = list(NATURAL_KEYS[dataset])
    values = [c for c in columns if c not in provenance and c not in key]
    flags = [c for c in ("is_total", "notes", "quality_flags") if c in provenance]
    ordered = key + values + flags + [c for c in provenance if c not in flags]
    return tuple(dict.fromkeys(ordered))


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


def description(dataset: str) -> str:
    """The first line of the dataset's schema docstring: stored in the Delta table's metadata
    when it is created (`cninet datasets` reads it without importing the schemas)."""
    return first_paragraph(DATASETS[dataset].__doc__ or "")


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
    # a column the stored rows lack (a table from before it existed) compares as empty
    out = pd.DataFrame(
        {c: [cell_text(v) for v in frame[c]] if c in frame else [""] * len(frame) for c in keep}
    )
    return out.sort_values(list(out.columns)).reset_index(drop=True)


def to_pandas(table: pa.Table) -> pd.DataFrame:
    """Arrow → pandas keeping integer columns with nulls as nullable Int64."""
    return table.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)


def sql_in(column: str, values: Iterable[str]) -> str:
    quoted = ", ".join("'" + value.replace("'", "''") + "'" for value in sorted(set(values)))
    return f"{column} IN ({quoted})"


def pruned(
    dataset: str,
    table: DeltaTable,
    where: str,
    rows: ds.Expression | None = None,
    columns: list[str] | None = None,
) -> pa.Table:
    """The rows of ``table`` that match ``rows``, reading only the files ``where`` (SQL over
    partition values and each file's min/max statistics, evaluated on the Delta log) may
    hold: the cost follows the files that match, not the files the table has."""
    try:
        found = table.to_pyarrow_dataset(file_pruning_predicate=where)
        return found.to_table(columns=columns, filter=rows)
    except Exception as exc:
        raise TableUnreadable(dataset, write_cause(exc)) from None


def of_sources(sources: Iterable[str], paths: Iterable[str]) -> tuple[str, ds.Expression]:
    """The SQL (for file pruning) and the row filter for the rows of these sources, named by
    content or by path."""
    sources, paths = sorted(set(sources)), sorted(set(paths))
    named = [("source_sha256", sources), ("source_path", paths)]
    where = " OR ".join(sql_in(column, values) for column, values in named if values)
    rows = ds.field("source_sha256").isin(sources) | ds.field("source_path").isin(paths)
    return where or "FALSE", rows


def current_rows(
    table: DeltaTable, sources: list[str], paths: list[str], dataset: str = ""
) -> pd.DataFrame:
    """The rows of these sources, by content or by path (a changed file at the same path);
    only the files whose statistics may hold them are read."""
    where, rows = of_sources(sources, paths)
    return to_pandas(pruned(dataset, table, where, rows))


def sql_partitions(editions: Iterable[Any]) -> str:
    """SQL naming these edition partitions (a null edition, news: the null partition)."""
    editions = list(editions)
    values = {int(e) for e in editions if e is not None and not pd.isna(e)}
    parts = [f"edition IN ({', '.join(str(e) for e in sorted(values))})"] * bool(values)
    if any(e is None or pd.isna(e) for e in editions):
        parts.append("edition IS NULL")
    return "(" + " OR ".join(parts) + ")" if parts else "FALSE"


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
    editions: list[Any] = list(frame["edition"].drop_duplicates())
    existing = pd.DataFrame()
    if table is not None:
        try:
            existing = in_scope(current_rows(table, sources, paths, dataset), sections)
        except TableUnreadable:
            raise
        except Exception as exc:
            raise TableUnreadable(dataset, write_cause(exc)) from None
        if not existing.empty:
            editions += list(existing["edition"].drop_duplicates())
        if len(existing) == len(frame) and comparable(existing, dataset).equals(
            comparable(frame, dataset)
        ):
            return Published(dataset, table.version(), len(frame), changed=False)
    data = to_arrow(dataset, frame)
    properties = CommitProperties(custom_metadata=dict(metadata))
    path = str(table_path(curated, dataset))
    replaces = table is not None and not existing.empty
    if table is None:
        write_deltalake(
            path,
            data,
            mode="append",
            partition_by=PARTITION_COLUMNS,
            configuration=TABLE_CONFIGURATION,
            description=description(dataset),
            commit_properties=properties,
            post_commithook_properties=KEEP_LOGS,
        )
    elif not replaces:
        # nothing of these sources and sections is stored: an append (no file is scanned or
        # rewritten), the same result as the predicate overwrite that would match no row
        write_deltalake(
            table,
            data,
            mode="append",
            schema_mode="merge",
            commit_properties=properties,
            post_commithook_properties=KEEP_LOGS,
        )
    else:
        write_deltalake(
            table,
            data,
            mode="overwrite",
            # the edition partitions the replaced rows live in lead the predicate: only
            # their files are scanned and rewritten
            predicate=f"{sql_partitions(editions)} AND "
            + scope_predicate(sources, sections, paths),
            schema_mode="merge",
            commit_properties=properties,
            post_commithook_properties=KEEP_LOGS,
        )
    # the table object written through follows its own commit: no second open of the log
    written = DeltaTable(path) if table is None else table
    version = written.version()
    compact(written)
    return Published(dataset, version, len(frame), changed=True, appended=not replaces)


def most_files_per_partition(table: DeltaTable) -> int:
    """The largest number of data files one partition of the table's current version holds
    (from the log: no data file is read)."""
    actions = pa.table(table.get_add_actions(flatten=True))
    if actions.num_rows == 0:
        return 0
    parts = [c for c in actions.column_names if c.startswith("partition.")]
    if not parts:
        return actions.num_rows
    counts = actions.group_by(parts).aggregate([([], "count_all")])
    return int(max(counts.column("count_all").to_pylist()))


def compact(table: DeltaTable) -> bool:
    """Merge the table's small files where one partition holds ``COMPACT_AT`` or more, in a
    commit that changes no row (every earlier version stays readable). Returns whether it
    compacted; one that loses to a concurrent writer leaves the table as it was."""
    try:
        if most_files_per_partition(table) < COMPACT_AT:
            return False
        table.optimize.compact(
            commit_properties=CommitProperties(custom_metadata={"cninet": "compaction"}),
            post_commithook_properties=KEEP_LOGS,
        )
    except CommitFailedError:
        return False  # another writer came first: the next run compacts
    return True


def iso_dates(values: Iterable[Any]) -> list[str]:
    """Dates (date, Timestamp or text) as ISO text, each once, sorted; nulls left out."""
    dates = pd.to_datetime(pd.Series(list(values), dtype=object), errors="coerce").dropna()
    return sorted({d.date().isoformat() for d in dates})


def of_periods(periods: Iterable[Any]) -> tuple[str, ds.Expression]:
    """The SQL (file pruning by statistics, or a predicate) and the row filter for the rows
    whose ``period_end`` is one of ``periods``."""
    dates = iso_dates(periods)
    if not dates:
        return "FALSE", ds.scalar(False)
    where = sql_in("period_end", dates)
    wanted = pa.array([date.fromisoformat(d) for d in dates], pa.date32())
    return where, ds.field("period_end").isin(wanted)


def rows_where(
    dataset: str, table: DeltaTable | None, where: str, rows: ds.Expression | None = None
) -> pd.DataFrame | None:
    """The rows of an opened table (None: never published) that match ``rows``, reading only
    the files ``where`` may hold (see ``pruned``)."""
    return None if table is None else to_pandas(pruned(dataset, table, where, rows))


def rows_of_periods(curated: Path, dataset: str, periods: Iterable[Any]) -> pd.DataFrame | None:
    """A dataset's rows for these periods (None if never published); only the files whose
    ``period_end`` statistics may hold them are read."""
    return rows_where(dataset, open_table(curated, dataset), *of_periods(periods))


def rows_of_editions(curated: Path, dataset: str, editions: Iterable[Any]) -> pd.DataFrame | None:
    """A per-source dataset's rows of these editions (their partitions only; None if never
    published)."""
    return rows_where(dataset, open_table(curated, dataset), sql_partitions(list(editions)))


def row_count(table: DeltaTable) -> int:
    """The rows of a table's current version, from its log (no data file is read)."""
    actions = pa.table(table.get_add_actions(flatten=True))
    return int(sum(n or 0 for n in actions.column("num_records").to_pylist()))


def publish_derived_periods(
    curated: Path,
    dataset: str,
    frame: pd.DataFrame,
    periods: Iterable[Any],
    metadata: Mapping[str, str],
) -> Published:
    """Replace the rows of a derived dataset for these periods by ``frame`` (its rows for
    exactly these periods) in one commit, unless they are unchanged. Only those periods'
    rows are read and compared; the commit's change data feed holds only them."""
    table = open_table(curated, dataset)
    if table is None:
        return publish_derived(curated, dataset, frame, metadata)
    where, rows = of_periods(periods)
    existing = to_pandas(pruned(dataset, table, where, rows))
    if len(existing) == len(frame) and comparable(existing, dataset).equals(
        comparable(frame, dataset)
    ):
        return Published(dataset, table.version(), row_count(table), changed=False)
    write_deltalake(
        table,
        to_arrow(dataset, frame),
        mode="overwrite",
        predicate=where,
        commit_properties=CommitProperties(custom_metadata=dict(metadata)),
        post_commithook_properties=KEEP_LOGS,
    )
    version, rows = table.version(), row_count(table)
    compact(table)
    return Published(dataset, version, rows, True)


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
        description=description(dataset) if table is None else None,
        commit_properties=CommitProperties(custom_metadata=dict(metadata)),
        post_commithook_properties=KEEP_LOGS,
    )
    return Published(
        dataset, DeltaTable(str(table_path(curated, dataset))).version(), len(frame), True
    )


def publication_of(frame: pd.DataFrame) -> pd.Series:
    """Which publication stated each row: ``cnnic:54`` or ``isc:2024`` for a report edition
    (all its formats and sources together), ``file:<sha256>`` for a news file or a row
    without an edition."""
    kind = frame["source_kind"] if "source_kind" in frame.columns else None
    edition = frame["edition"].astype("Int64").astype("string")
    publisher = pd.Series("cnnic:", index=frame.index, dtype="string")
    if kind is not None:
        publisher = publisher.mask(kind == "isc", "isc:")
    own = edition.isna()
    if kind is not None:
        own = own | (kind == "news")
    by_file = "file:" + frame["source_sha256"].astype("string")
    return (publisher + edition).where(~own, by_file)


def fact_key(frame: pd.DataFrame, dataset: str) -> pd.DataFrame:
    """What one printed fact is within one publication: the natural key, except for
    ``indicators`` (the indicator and its period; a figure no rule named is its quote and
    its value, so two unnamed figures of one sentence stay two)."""
    if dataset != "indicators":
        return frame[list(NATURAL_KEYS[dataset])].astype("string")
    named = frame["indicator_id"].astype("string")
    unnamed = "quote:" + frame["quote"].astype("string") + "=" + frame["value"].astype("string")
    fact = named.fillna(unnamed)
    return pd.DataFrame({"fact": fact, "period_end": frame["period_end"].astype("string")})


def format_rank(frame: pd.DataFrame) -> pd.Series:
    ranks = {fmt: rank for rank, fmt in enumerate(FORMAT_PREFERENCE)}
    return frame["source_format"].map(ranks).fillna(len(ranks)).astype(int)


def one_per_publication(frame: pd.DataFrame, dataset: str) -> pd.DataFrame:
    """Each printed fact once per publication: where an edition's PDF and text dump (or two
    sources of one edition) print the same fact, the row of the preferred format
    (``FORMAT_PREFERENCE``; then the first source path) is kept. Row order is kept."""
    if dataset in DERIVED or frame.empty or "source_format" not in frame.columns:
        return frame
    keys = fact_key(frame, dataset).assign(
        _publication=publication_of(frame), _rank=format_rank(frame), _path=frame["source_path"]
    )
    order = keys.sort_values(["_rank", "_path"], kind="stable")
    subset = [c for c in order.columns if c not in ("_rank", "_path")]
    kept = order.drop_duplicates(subset=subset).index
    return frame.loc[frame.index.isin(kept)]


def value_columns(dataset: str) -> list[str]:
    """The columns that state a fact's figures (not its key, labels' notes or provenance)."""
    provenance = set(Provenance.to_schema().columns)
    skip = {*NATURAL_KEYS[dataset], *provenance, "quote", "province_std"}
    return [c for c in column_order(dataset) if c not in skip]


def format_disagreements(frame: pd.DataFrame, dataset: str) -> list[str]:
    """The both-formats check: one line per fact that an edition's PDF and text dump print
    differently (each value column compared as printed text)."""
    if dataset in DERIVED or frame.empty or "source_format" not in frame.columns:
        return []
    if frame["source_format"].nunique() < 2:
        return []  # one format only: nothing to compare
    keys = fact_key(frame, dataset).fillna("")
    fact = keys.iloc[:, 0]
    for column in keys.columns[1:]:
        fact = fact + " · " + keys[column]
    keyed = frame.assign(_publication=publication_of(frame), _fact=fact)
    on = ["_publication", "_fact"]
    pdf, txt = (keyed[keyed["source_format"] == fmt].drop_duplicates(on) for fmt in ("pdf", "txt"))
    both = pdf.merge(txt, on=on, suffixes=("_pdf", "_txt"))
    lines = []
    for row in both.to_dict("records"):
        for column in value_columns(dataset):
            left, right = cell_text(row[f"{column}_pdf"]), cell_text(row[f"{column}_txt"])
            if left != right:
                lines.append(
                    f"{dataset} {row['_publication']} {row['_fact']}: {column} is {left} in "
                    f"the PDF (p. {cell_text(row['page_pdf'])}) but {right} in the text "
                    f"(line {cell_text(row['line_txt'])})"
                )
    return lines


def read(
    curated: Path,
    dataset: str,
    version: int | None = None,
    edition: int | None = None,
    all_formats: bool = False,
) -> pd.DataFrame:
    """A dataset as a DataFrame, at ``version`` (default latest), optionally one edition.
    Each printed fact once (``one_per_publication``) unless ``all_formats``: then every
    format's row, as stored."""
    if dataset not in DATASETS:
        raise KeyError(f"unknown dataset {dataset!r} (known: {', '.join(DATASETS)})")
    table = open_table(curated, dataset, version)
    if table is None:
        raise FileNotFoundError(f"no published table for {dataset} under {curated}")
    filters = [("edition", "=", edition)] if edition is not None else None
    frame = to_pandas(arrow_of(dataset, table, filters=filters))
    if not all_formats:
        frame = one_per_publication(frame, dataset)
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
