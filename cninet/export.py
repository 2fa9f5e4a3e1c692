"""Write curated datasets out for checking and for consumers."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from cninet.dictionary import write_datapackage
from cninet.store import read
from schemas.provenance import LIST_COLUMNS

FORMATS = ("csv", "parquet")


def csv_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """List columns as JSON arrays so the CSV round-trips unambiguously."""
    out = frame.copy()
    for column in LIST_COLUMNS & set(out.columns):
        out[column] = out[column].map(
            lambda items: json.dumps(list(items) if isinstance(items, list | np.ndarray) else [])
        )
    return out


def export(
    curated: Path, out: Path, datasets: Sequence[str], fmt: str, version: int | None = None
) -> list[Path]:
    """One ``<dataset>.<fmt>`` per dataset and a ``datapackage.json`` data dictionary; raises if
    a dataset (at ``version``) is missing."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    frames = {dataset: read(curated, dataset, version) for dataset in datasets}
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for dataset, frame in frames.items():
        path = out / f"{dataset}.{fmt}"
        if fmt == "csv":
            csv_ready(frame).to_csv(path, index=False)
        else:
            frame.to_parquet(path, index=False)
        written.append(path)
    written.append(write_datapackage(out, list(frames), fmt))
    return written
