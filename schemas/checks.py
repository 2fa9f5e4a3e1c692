"""Source-erratum checks: vectorised, row-wise, pure. A False marks a row to flag.

Every check here is wired into a schema under a name starting with ``erratum_``; a failure
is published as printed with that name in ``quality_flags`` (DESIGN.md quality policy).
"""

from __future__ import annotations

import pandas as pd

ERRATUM_PREFIX = "erratum_"
EQUIVALENCE_WEIGHTS = {"a_blocks": 2**24, "b_blocks": 2**16, "c_blocks": 2**8}


def equivalence_total(df: pd.DataFrame) -> pd.Series:
    total = pd.Series(0, index=df.index, dtype="int64")
    for column, weight in EQUIVALENCE_WEIGHTS.items():
        total += df[column].astype("int64") * weight
    return total


def equivalence_holds(df: pd.DataFrame) -> pd.Series:
    """addresses = a·2²⁴ + b·2¹⁶ + c·2⁸."""
    return pd.Series(df["addresses"].astype("int64") == equivalence_total(df), index=df.index)


def parts_sum_to_total(df: pd.DataFrame, value: str) -> pd.Series:
    """Each source's printed Total row equals the sum of its other rows (no Total: vacuous)."""
    ok = pd.Series(True, index=df.index)
    for _, group in df.groupby("source_sha256", sort=False):
        totals = group[group["is_total"]]
        parts = int(group.loc[~group["is_total"], value].sum())
        ok.loc[totals.index] = totals[value].astype("int64") == parts
    return ok


def one_total_per_source(df: pd.DataFrame) -> pd.Series:
    """Exactly one printed Total row per source (structural: a missing Total means a cut table)."""
    counts = df.groupby("source_sha256")["is_total"].transform("sum")
    return pd.Series(counts == 1, index=df.index)


def value_column(df: pd.DataFrame) -> str:
    return "addresses" if "addresses" in df.columns else "blocks_32"


def explain_equivalence(row: pd.Series, df: pd.DataFrame) -> str:
    computed = sum(int(row[column]) * weight for column, weight in EQUIVALENCE_WEIGHTS.items())
    return f"{int(row['addresses']):,} printed, but {row['equivalence']} = {computed:,}"


def explain_parts_sum(row: pd.Series, df: pd.DataFrame) -> str:
    value = value_column(df)
    same = df[(df["source_sha256"] == row["source_sha256"]) & ~df["is_total"]]
    return (
        f"Total {int(row[value]):,} printed, but the rows above sum to {int(same[value].sum()):,}"
    )


EXPLAIN = {
    "erratum_equivalence": explain_equivalence,
    "erratum_parts_sum_to_total": explain_parts_sum,
}


def explain(check: str, row: pd.Series, df: pd.DataFrame) -> str:
    """A one-line reason for a flag on ``row`` of ``df``."""
    describe = EXPLAIN.get(check)
    return describe(row, df) if describe else check
