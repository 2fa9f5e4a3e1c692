"""Comparing extracted rows with the hand-typed golden files, cell by cell."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from tests.conftest import GOLDEN

LOCATION_COLUMNS = ("pdf_page", "txt_line")


def golden(dataset: str) -> pd.DataFrame:
    path = GOLDEN / f"{dataset}.csv"
    assert path.exists(), f"missing golden file {path} (a spec without a golden fails)"
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def same(got: object, printed: str) -> bool:
    """Cell equality: numbers numerically (97.0 == "97.0", 392347136.0 == "392347136")."""
    text = as_text(got)
    try:
        return float(text) == float(printed)
    except ValueError:
        return text == printed


def as_text(value: object) -> str:
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, list):
        return ";".join(value)
    if isinstance(value, bool | np.bool_):
        return str(value).lower()
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return str(value)


def assert_matches_golden(frame: pd.DataFrame, dataset: str, skip: tuple[str, ...] = ()) -> None:
    """Every golden row and cell (but the location columns and ``skip``) is in ``frame``."""
    expected = golden(dataset)
    got = frame.reset_index(drop=True)
    assert len(got) == len(expected), f"{len(got)} rows extracted, {len(expected)} printed"
    for i, row in enumerate(expected.to_dict("records")):
        for column in expected.columns:
            if column in LOCATION_COLUMNS or column in skip:
                continue
            assert same(got[column].iloc[i], row[column]), (
                f"{dataset} row {i} ({row[expected.columns[0]]}) column {column}: "
                f"{as_text(got[column].iloc[i])!r} extracted, {row[column]!r} printed"
            )
