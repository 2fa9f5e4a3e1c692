"""Reconciliation: the same indicator and period from two or more publications, side by side.

A publication is a report edition (its PDF and text dump count once) or a news file. Values
agree when their spread is within half the last printed digit of the least precise figure
("1.1 billion" agrees with 1.09967 billion); otherwise they conflict.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from cninet.settings import code_version
from cninet.store import (
    Published,
    open_table,
    publish_derived,
    publish_derived_periods,
    read_if_published,
    rows_of_periods,
)
from cninet.versions import run_changes, touched_periods
from extractors.figures.facts import resolution
from schemas.reconciliation import Reconciliation

UNRESOLVED = "period_unresolved"


def publications(rows: pd.DataFrame) -> pd.Series:
    """Who stated each row: report kind and edition, or the news file."""
    kind = rows["source_kind"].astype(str)
    edition = pd.to_numeric(rows["edition"], errors="coerce").astype("Int64")
    by_edition = kind + ":" + edition.astype("string")
    return by_edition.where(edition.notna(), kind + ":" + rows["source_path"].astype(str))


def usable(indicators: pd.DataFrame) -> pd.DataFrame:
    """Named indicators whose period is known."""
    named = indicators[indicators["indicator_id"].notna()].copy()
    resolved = named["quality_flags"].map(lambda flags: UNRESOLVED not in list(flags))
    named = named[resolved]
    named["publication"] = publications(named).astype(object)
    named["resolution"] = [
        resolution(str(raw), float(value), float(base))
        for raw, value, base in zip(named["raw"], named["value"], named["value_base"], strict=True)
    ]
    return named


def compared(rows: pd.DataFrame, run_id: str) -> pd.DataFrame:
    """Every indicator and period of ``rows`` that two or more publications state: the most
    precise figure of each publication (the first row of equal precision), compared, in
    columns at once (no loop per group)."""
    key = ["indicator_id", "period_end"]
    ordered = rows.reset_index(drop=True).rename_axis("_order").reset_index()
    best = ordered.sort_values([*key, "publication", "resolution", "_order"], kind="stable")
    best = best.drop_duplicates([*key, "publication"])
    counts = best.groupby(key, sort=False)["publication"].transform("size")
    best = best[counts >= 2].assign(
        _value=best["publication"]
        + ": "
        + best["raw"].astype(str)
        + " ("
        + best["source_path"].astype(str)
        + ")",
        value_base=best["value_base"].astype(float),
    )
    if best.empty:
        return pd.DataFrame(columns=COLUMNS)
    groups = best.groupby(key, sort=True)
    out = groups.agg(
        n_sources=("publication", "size"),
        sources=("publication", list),
        values=("_value", list),
        min_value=("value_base", "min"),
        max_value=("value_base", "max"),
        tolerance=("resolution", "max"),
    ).reset_index()
    low, high = out["min_value"], out["max_value"]
    out["tolerance"] = out["tolerance"].astype(float) / 2
    middle = (low + high) / 2
    out["spread_pct"] = ((high - low) / middle.where(middle != 0) * 100).fillna(0.0)
    agree = high - low <= out["tolerance"] * (1 + 1e-9)
    out["status"] = agree.map({True: "agree", False: "conflict"})
    out["quality_flags"] = [[] if ok else ["conflict"] for ok in agree]
    out["run_id"] = run_id
    return out[COLUMNS]


COLUMNS = [
    "indicator_id", "period_end", "n_sources", "sources", "values", "min_value", "max_value",
    "spread_pct", "tolerance", "status", "quality_flags", "run_id",
]  # fmt: skip


def conflict_lines(frame: pd.DataFrame) -> tuple[str, ...]:
    """One line per conflict, for the quality report."""
    conflicts = frame[frame["status"] == "conflict"]
    return tuple(
        f"{indicator} {pd.Timestamp(period).date()}: " + "; ".join(str(v) for v in values)
        for indicator, period, values in zip(
            conflicts["indicator_id"], conflicts["period_end"], conflicts["values"], strict=True
        )
    )


def validated_reconciliation(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame checked (and coerced) by its schema; raises SchemaErrors if malformed."""
    return Reconciliation.validate(frame, lazy=True)


def reconcile(indicators: pd.DataFrame, run_id: str) -> pd.DataFrame:
    """Every indicator and period stated by two or more publications."""
    return compared(usable(indicators), run_id)


def reconcile_store(
    curated: Path, run_id: str, published: Sequence[Published] | None = None
) -> tuple[Published | None, tuple[str, ...]]:
    """Bring ``reconciliation`` up to date after a run and publish it where it changed;
    returns what was published and one line per conflict among the periods looked at.

    With the run's commits (``published``), only the periods the run's ``indicators`` rows
    (inserted or deleted: the change data feed) state are recomputed, from every
    publication's rows for those periods (files pruned by their ``period_end`` statistics);
    the other periods' rows stay as they are. Without them, or for a store without the
    change data feed, everything is rebuilt from every published indicator."""
    metadata = {"run_id": run_id, "dataset": "reconciliation", "code_version": code_version()}
    changes = None
    if published is not None and open_table(curated, "reconciliation") is not None:
        changes = run_changes(curated, published, ["indicators"])
    if changes is None:
        indicators = read_if_published(curated, "indicators")
        if indicators is None:
            return None, ()
        frame = validated_reconciliation(reconcile(indicators, run_id))
        return publish_derived(curated, "reconciliation", frame, metadata), conflict_lines(frame)
    periods = touched_periods(changes)
    if not periods:
        return None, ()
    rows = rows_of_periods(curated, "indicators", periods)
    indicators = rows if rows is not None else pd.DataFrame()
    frame = validated_reconciliation(
        reconcile(indicators, run_id) if not indicators.empty else pd.DataFrame(columns=COLUMNS)
    )
    return (
        publish_derived_periods(curated, "reconciliation", frame, periods, metadata),
        conflict_lines(frame),
    )
