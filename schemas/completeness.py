"""Every table proves it is whole before it publishes (pure checks; failures are structural).

A table read short (a page lost to a damaged text layer, a continuation not found) validates
row by row and would publish quietly. Two proofs of membership, both data:

- a province table must list every one of the 31 mainland provinces (the crosswalk's
  ``CN-`` rows, ``extractors/data/provinces.csv``);
- a table whose rows are named (regions, organisations, categories, applications) must keep
  every member the previous edition printed, unless its own printed total still adds up over
  the rows it has (then the membership really changed). A table without a printed total
  cannot prove a changed membership and so must keep the previous members.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

import pandas as pd

from schemas import NATURAL_KEYS
from schemas.checks import summed_columns

PROVINCE_DATASETS = frozenset(
    {"ipv4_share_by_province", "domains_by_province", "users_by_province"}
)
# Datasets whose membership is compared with the previous edition (label = first key column).
MEMBERSHIP_DATASETS = frozenset(
    {
        "basic_resources",
        "domains_by_tld",
        "cn_domains_by_level",
        "application_users",
        "ipv4_by_region",
        "ipv4_by_org",
        "ipv6_by_region",
        "ipv6_by_org",
    }
)


@cache
def mainland_provinces() -> frozenset[str]:
    """The standard names of the provinces with a ``CN-`` code in the crosswalk."""
    text = resources.files("extractors").joinpath("data/provinces.csv").read_text("utf-8")
    rows = csv.DictReader(text.splitlines())
    return frozenset(
        row["province_std"].strip() for row in rows if row["iso_3166_2"].strip().startswith("CN-")
    )


def listing(names: set[str], limit: int = 6) -> str:
    shown = sorted(names)
    more = f" and {len(shown) - limit} more" if len(shown) > limit else ""
    return ", ".join(shown[:limit]) + more


def missing_provinces(dataset: str, frame: pd.DataFrame) -> str | None:
    """A structural failure if a province table lacks some of the mainland provinces."""
    if dataset not in PROVINCE_DATASETS or frame.empty or "province_std" not in frame:
        return None
    expected = mainland_provinces()
    missing = set(expected) - set(frame.loc[~frame["is_total"], "province_std"].astype(str))
    if not missing:
        return None
    return (
        f"{dataset}: incomplete table: {len(expected) - len(missing)} of the {len(expected)} "
        f"provinces read (missing {listing(missing)})"
    )


def members(dataset: str, frame: pd.DataFrame) -> set[str]:
    label = NATURAL_KEYS[dataset][0]
    rows = frame[~frame["is_total"]] if "is_total" in frame else frame
    return set(rows[label].astype(str))


def totals_add_up(dataset: str, frame: pd.DataFrame) -> bool:
    """Whether the table prints a total and its rows sum to it in every summed column."""
    totals = frame[frame["is_total"]] if "is_total" in frame else frame.iloc[0:0]
    columns = [c for c in summed_columns(frame) if c in frame]
    if totals.empty or not columns:
        return False
    parts = frame[~frame["is_total"]]
    return all(
        int(totals[column].astype("int64").iloc[0]) == int(parts[column].astype("int64").sum())
        for column in columns
    )


def lost_members(dataset: str, frame: pd.DataFrame, previous: pd.DataFrame) -> str | None:
    """A structural failure if the table lacks members the previous edition printed and its
    own total does not show the membership changed."""
    if dataset not in MEMBERSHIP_DATASETS or frame.empty or previous.empty:
        return None
    lost = members(dataset, previous) - members(dataset, frame)
    if not lost or totals_add_up(dataset, frame):
        return None
    edition = previous["edition"].max() if "edition" in previous else "previous"
    return (
        f"{dataset}: incomplete table: {len(lost)} of the members edition {edition} printed "
        f"are missing (missing {listing(lost)}) and no printed total shows the change"
    )
