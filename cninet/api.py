"""Python access for downstream consumers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cninet.catalog import packaged_indicators
from cninet.settings import default_curated
from cninet.store import read


def load(
    dataset: str,
    version: int | None = None,
    edition: int | None = None,
    curated: Path | str | None = None,
    all_formats: bool = False,
) -> pd.DataFrame:
    """A curated dataset as a DataFrame: latest version unless ``version`` is given. Each
    printed fact once: where an edition came as PDF and as text, the PDF's row
    (``all_formats=True``: both formats' rows, as stored)."""
    where = Path(curated) if curated else default_curated()
    return read(where, dataset, version, edition, all_formats)


def load_series(
    indicator_id: str, member: str | None = None, curated: Path | str | None = None
) -> pd.DataFrame:
    """One indicator over time from the ``series`` dataset, oldest period first: each
    period's chosen figure, its publication and status (see cninet/series.py for the choice
    rule). ``member`` selects one province, region, organisation or category of a breakdown
    ("" is the national figure); None gives every member. An id outside the vocabulary is a
    KeyError; a known id with no figure yet gives an empty frame."""
    where = Path(curated) if curated else default_curated()
    if indicator_id not in packaged_indicators():
        raise KeyError(f"unknown indicator {indicator_id!r} (see load('vocabulary'))")
    frame = read(where, "series")
    chosen = frame["indicator_id"] == indicator_id
    if member is not None:
        chosen &= frame["member"] == member
    rows = frame[chosen].assign(period_end=lambda f: pd.to_datetime(f["period_end"]))
    return rows.sort_values(["member", "period_end"]).reset_index(drop=True)
