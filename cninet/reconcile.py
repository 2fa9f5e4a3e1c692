"""Reconciliation: the same indicator and period from two or more publications, side by side.

A publication is a report edition (its PDF and text dump count once) or a news file. Values
agree when their spread is within half the last printed digit of the least precise figure
("1.1 billion" agrees with 1.09967 billion); otherwise they conflict.
"""

from __future__ import annotations

import pandas as pd

from extractors.figures.facts import resolution
from schemas.reconciliation import Reconciliation

UNRESOLVED = "period_unresolved"


def publication(row: pd.Series) -> str:
    """Who stated it: report kind and edition, or the news file."""
    if pd.notna(row["edition"]):
        return f"{row['source_kind']}:{int(row['edition'])}"
    return f"{row['source_kind']}:{row['source_path']}"


def usable(indicators: pd.DataFrame) -> pd.DataFrame:
    """Named indicators whose period is known."""
    named = indicators[indicators["indicator_id"].notna()].copy()
    resolved = named["quality_flags"].map(lambda flags: UNRESOLVED not in list(flags))
    named = named[resolved]
    named["publication"] = named.apply(publication, axis=1)
    named["resolution"] = [
        resolution(str(raw), float(value), float(base))
        for raw, value, base in zip(named["raw"], named["value"], named["value_base"], strict=True)
    ]
    return named


def reconcile_group(rows: pd.DataFrame, run_id: str) -> dict[str, object]:
    """One indicator and period: the most precise figure of each publication, compared."""
    best = rows.sort_values("resolution").drop_duplicates("publication").sort_values("publication")
    low, high = float(best["value_base"].min()), float(best["value_base"].max())
    tolerance = float(best["resolution"].max()) / 2
    agree = high - low <= tolerance * (1 + 1e-9)
    middle = (low + high) / 2
    return {
        "indicator_id": rows["indicator_id"].iloc[0],
        "period_end": rows["period_end"].iloc[0],
        "n_sources": len(best),
        "sources": list(best["publication"]),
        "values": [
            f"{pub}: {raw} ({path})"
            for pub, raw, path in zip(
                best["publication"], best["raw"], best["source_path"], strict=True
            )
        ],
        "min_value": low,
        "max_value": high,
        "spread_pct": (high - low) / middle * 100 if middle else 0.0,
        "tolerance": tolerance,
        "status": "agree" if agree else "conflict",
        "quality_flags": [] if agree else ["conflict"],
        "run_id": run_id,
    }


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
    rows = usable(indicators)
    groups = [
        reconcile_group(group, run_id)
        for _, group in rows.groupby(["indicator_id", "period_end"], sort=True)
        if group["publication"].nunique() >= 2
    ]
    return pd.DataFrame(groups, columns=COLUMNS)
