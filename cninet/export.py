"""Write curated datasets out for checking and for consumers: a CSV package and a Parquet
package, each its own folder with a ``datapackage.json`` that Frictionless validates."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from cninet.dictionary import write_datapackage
from cninet.faults import spreadsheet_safe
from cninet.store import TableUnreadable, read, to_arrow
from schemas.provenance import LIST_COLUMNS

FORMATS = ("csv", "parquet")


def as_json_lists(frame: pd.DataFrame) -> pd.DataFrame:
    """List columns as JSON arrays of strings (``["Note 1"]``, ``[]``): how both packages
    store them, typed ``array`` in the data package (the Table Schema reads an array cell as
    JSON text)."""
    out = frame.copy()
    for column in LIST_COLUMNS & set(out.columns):
        out[column] = out[column].map(
            lambda items: json.dumps(
                [str(i) for i in items] if isinstance(items, list | np.ndarray) else [],
                ensure_ascii=False,
            )
        )
    return out


def csv_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """List columns as JSON arrays so the CSV round-trips unambiguously; text cells made
    spreadsheet-safe (``spreadsheet_safe``)."""
    out = as_json_lists(frame)
    for column in out.columns:
        textual = pd.api.types.is_object_dtype(out[column]) or pd.api.types.is_string_dtype(
            out[column]
        )
        if textual and column not in LIST_COLUMNS:
            out[column] = out[column].map(spreadsheet_safe)
    return out


def parquet_ready(dataset: str, frame: pd.DataFrame) -> pa.Table:
    """The Delta column types (dates as dates, integers with nulls as integers), list columns
    as Parquet JSON (logical type JSON)."""
    table = to_arrow(dataset, frame)
    for column in sorted(LIST_COLUMNS & set(table.column_names)):
        index = table.column_names.index(column)
        texts = pa.array(as_json_lists(frame[[column]])[column].tolist(), type=pa.string())
        table = table.set_column(index, pa.field(column, pa.json_()), texts.cast(pa.json_()))
    return table


class ExportIncomplete(Exception):
    """Some datasets could not be read; the others were written. One line per dataset."""

    def __init__(self, written: list[Path], failures: list[str]) -> None:
        super().__init__("; ".join(failures))
        self.written = written
        self.failures = failures


@dataclass(frozen=True)
class Exported:
    """What ``export`` wrote (the package folder's files) and the datasets it left out
    because they have no such version (one line each)."""

    written: list[Path]
    without_version: list[str]


def write_package(folder: Path, frames: dict[str, pd.DataFrame], fmt: str) -> list[Path]:
    """Every dataset file and the ``datapackage.json`` describing them, written into a fresh
    folder beside ``folder`` and swapped in whole: the package folder never mixes two
    exports, and a failure part-way leaves the previous package as it was."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        for dataset, frame in frames.items():
            path = fresh / f"{dataset}.{fmt}"
            if fmt == "csv":
                csv_ready(frame).to_csv(path, index=False)
            else:
                pq.write_table(parquet_ready(dataset, frame), path)
        write_datapackage(fresh, list(frames), fmt)
        old = folder.with_name(fresh.name + "-old")
        if folder.exists():
            folder.rename(old)
        fresh.rename(folder)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    return [folder / f"{dataset}.{fmt}" for dataset in frames] + [folder / "datapackage.json"]


def export(
    curated: Path, out: Path, datasets: Sequence[str], fmt: str, version: int | None = None
) -> Exported:
    """The package ``out/<fmt>/``: one ``<dataset>.<fmt>`` per dataset and a
    ``datapackage.json`` (Frictionless Data Package) describing them.

    Delta versions are per table, so ``version`` N exports each dataset that has a version
    N at it and leaves out (named in ``without_version``) those that have none; no dataset
    with version N is a ValueError. A damaged table raises ExportIncomplete after the
    others were written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    frames = {}
    failures = []
    missing = []
    for dataset in datasets:
        try:
            frames[dataset] = read(curated, dataset, version)
        except TableUnreadable as exc:
            failures.append(str(exc))
        except ValueError as exc:
            if version is None:
                raise
            missing.append(str(exc))
    if not frames and missing and not failures:
        raise ValueError(f"no dataset has version {version} ({'; '.join(missing)})")
    written = write_package(out / fmt, frames, fmt) if frames else []
    if failures:
        raise ExportIncomplete(written, failures)
    return Exported(written, missing)
