"""Write curated datasets out for checking and for consumers."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from cninet.dictionary import write_datapackage
from cninet.store import TableUnreadable, read
from schemas.provenance import LIST_COLUMNS

FORMATS = ("csv", "parquet")


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER_RE = re.compile(r"^[+-]?(\d[\d,]*(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?$")


def spreadsheet_safe(value: object) -> object:
    """A text cell a spreadsheet would run as a formula (it starts with ``=``, ``+``, ``@``,
    a tab or carriage return, or ``-`` without being a number) gets a leading apostrophe, as
    OWASP's CSV-injection advice and spreadsheet-safe exporters do. Numbers, ``-12.5`` and
    every other value are unchanged. Parquet keeps the raw text."""
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return value
    if value[0] in "+-" and NUMBER_RE.match(value):
        return value
    return "'" + value


def csv_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """List columns as JSON arrays so the CSV round-trips unambiguously; text cells made
    spreadsheet-safe (``spreadsheet_safe``)."""
    out = frame.copy()
    for column in LIST_COLUMNS & set(out.columns):
        out[column] = out[column].map(
            lambda items: json.dumps(list(items) if isinstance(items, list | np.ndarray) else [])
        )
    for column in out.columns:
        textual = pd.api.types.is_object_dtype(out[column]) or pd.api.types.is_string_dtype(
            out[column]
        )
        if textual and column not in LIST_COLUMNS:
            out[column] = out[column].map(spreadsheet_safe)
    return out


class ExportIncomplete(Exception):
    """Some datasets could not be read; the others were written. One line per dataset."""

    def __init__(self, written: list[Path], failures: list[str]) -> None:
        super().__init__("; ".join(failures))
        self.written = written
        self.failures = failures


def export(
    curated: Path, out: Path, datasets: Sequence[str], fmt: str, version: int | None = None
) -> list[Path]:
    """One ``<dataset>.<fmt>`` per dataset and a ``datapackage.json`` data dictionary; raises if
    a dataset (at ``version``) is missing."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    frames = {}
    failures = []
    for dataset in datasets:
        try:
            frames[dataset] = read(curated, dataset, version)
        except TableUnreadable as exc:
            failures.append(str(exc))
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for dataset, frame in frames.items():
        path = out / f"{dataset}.{fmt}"
        if fmt == "csv":
            csv_ready(frame).to_csv(path, index=False)
        else:
            frame.to_parquet(path, index=False)
        written.append(path)
    if frames:
        written.append(write_datapackage(out, list(frames), fmt))
    if failures:
        raise ExportIncomplete(written, failures)
    return written
