"""The indicator vocabulary: one row per indicator the text extractors may report.

The vocabulary is data (``extractors/data/indicators.csv``, shipped as package data) shared by
the English and Chinese report extractors and the news extractors. It is validated every time it
is loaded; a broken file raises ``ValueError`` with a one-line reason.

Base units (``base_unit``), the unit every ``value_base`` is expressed in:

- ``persons``: people (users, non-users); printed "1.09967 billion" → 1099670000
- ``percent``: a share or rate as printed (78.0 means 78.0 %, not 0.78)
- ``count``: a plain count of things (domain names, websites, base stations)
- ``ports``: broadband access ports
- ``addresses``: single IPv4 addresses
- ``blocks_32``: IPv6 address blocks of size /32
- ``km``: kilometres
- ``gb``: gigabytes
- ``hours``: hours
- ``ratio``: a dimensionless ratio (reserved; the 54th edition's male:female ratio is stored as
  two percent shares)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from types import MappingProxyType

import pandas as pd

COLUMNS = ("indicator_id", "name_en", "name_zh", "base_unit", "description")
BASE_UNITS = frozenset(
    {
        "persons",
        "percent",
        "count",
        "ports",
        "addresses",
        "blocks_32",
        "km",
        "gb",
        "hours",
        "ratio",
        "yuan",
        "gbps",
        "eflops",
        "ms",
    }
)
ID_RE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
RESOURCE = "data/indicators.csv"


def validate_vocabulary(frame: pd.DataFrame) -> pd.DataFrame:
    """Check a vocabulary frame; return it unchanged or raise ValueError with one-line reason."""
    if tuple(frame.columns) != COLUMNS:
        raise ValueError(f"vocabulary columns are {list(frame.columns)}, expected {list(COLUMNS)}")
    if frame.empty:
        raise ValueError("vocabulary is empty")
    ids = frame["indicator_id"]
    bad = [value for value in ids if not ID_RE.fullmatch(value)]
    if bad:
        raise ValueError(f"indicator_id not lower_snake_case: {bad[0]!r}")
    duplicated = sorted(set(ids[ids.duplicated()]))
    if duplicated:
        raise ValueError(f"duplicate indicator_id: {duplicated[0]!r}")
    unknown = frame.loc[~frame["base_unit"].isin(sorted(BASE_UNITS))]
    if not unknown.empty:
        row = unknown.iloc[0]
        raise ValueError(f"unknown base_unit {row['base_unit']!r} for {row['indicator_id']!r}")
    unnamed = frame.loc[frame["name_en"].str.strip() == "", "indicator_id"]
    if not unnamed.empty:
        raise ValueError(f"empty name_en for {unnamed.iloc[0]!r}")
    return frame


def read_vocabulary_text(text: str) -> pd.DataFrame:
    """Parse and validate vocabulary CSV text (pure: no file access)."""
    from io import StringIO

    try:
        frame = pd.read_csv(StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ValueError(f"vocabulary is not valid CSV ({reason})") from exc
    return validate_vocabulary(frame)


@lru_cache(maxsize=1)
def _vocabulary() -> pd.DataFrame:
    text = resources.files("extractors").joinpath(RESOURCE).read_text(encoding="utf-8")
    return read_vocabulary_text(text)


def load_vocabulary() -> pd.DataFrame:
    """The validated indicator vocabulary (a fresh copy; the file is read once per process)."""
    return _vocabulary().copy()


@lru_cache(maxsize=1)
def base_units() -> Mapping[str, str]:
    """indicator_id → base_unit (read-only), for the extractors."""
    frame = _vocabulary()
    return MappingProxyType(dict(zip(frame["indicator_id"], frame["base_unit"], strict=True)))
