"""Source-erratum checks: vectorised, row-wise, pure. A False marks a row to flag.

Every check here is wired into a schema under a name starting with ``erratum_``; a failure is
published as printed with that name in ``quality_flags`` (DESIGN.md quality policy). Tolerances
follow the printed precision: counts exact, printed percentages to half their last digit,
derived ratios to ±0.1 percentage point.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

ERRATUM_PREFIX = "erratum_"
EQUIVALENCE_WEIGHTS = {"a_blocks": 2**24, "b_blocks": 2**16, "c_blocks": 2**8}
# Integer count columns whose printed Total is the exact sum of the rows above it.
SUMMED_COLUMNS = (
    "addresses",
    "blocks_32",
    "domains",
    "total_domains",
    "cn_domains",
    "zhongguo_domains",
)
SHARE_HALF_UNIT = 0.005  # shares printed with two decimals
DERIVED_TOLERANCE_PP = 0.1


def equivalence_total(df: pd.DataFrame) -> pd.Series:
    total = pd.Series(0, index=df.index, dtype="int64")
    for column, weight in EQUIVALENCE_WEIGHTS.items():
        total += df[column].astype("int64") * weight
    return total


def equivalence_holds(df: pd.DataFrame) -> pd.Series:
    """addresses = a·2²⁴ + b·2¹⁶ + c·2⁸."""
    return pd.Series(df["addresses"].astype("int64") == equivalence_total(df), index=df.index)


def summed_columns(df: pd.DataFrame) -> list[str]:
    return [column for column in SUMMED_COLUMNS if column in df.columns]


def parts_sum_to_total(df: pd.DataFrame) -> pd.Series:
    """Each source's printed Total row equals the sum of its other rows in every count column."""
    ok = pd.Series(True, index=df.index)
    for _, group in df.groupby("source_sha256", sort=False):
        totals = group[group["is_total"]]
        for column in summed_columns(df):
            parts = int(group.loc[~group["is_total"], column].sum())
            ok.loc[totals.index] &= totals[column].astype("int64") == parts
    return ok


def shares_sum_to_total(df: pd.DataFrame, column: str = "share_pct") -> pd.Series:
    """Printed Total share = 100 and = the sum of the rows, within their rounding."""
    ok = pd.Series(True, index=df.index)
    for _, group in df.groupby("source_sha256", sort=False):
        totals = group[group["is_total"]]
        parts = group.loc[~group["is_total"], column]
        slack = SHARE_HALF_UNIT * (len(parts) + 1)
        ok.loc[totals.index] = ((totals[column] - parts.sum()).abs() <= slack) & (
            (totals[column] - 100).abs() <= SHARE_HALF_UNIT
        )
    return ok


def one_total_per_source(df: pd.DataFrame) -> pd.Series:
    """Exactly one printed Total row per source (structural: a missing Total means a cut table)."""
    counts = df.groupby("source_sha256")["is_total"].transform("sum")
    return pd.Series(counts == 1, index=df.index)


def computed_growth(df: pd.DataFrame) -> pd.Series:
    """Per row: (users / users of the previous period of the same application − 1) × 100."""
    ordered = df.sort_values("period_end")
    previous = ordered.groupby(["source_sha256", "application"])["users_10k"].shift(1)
    return ((ordered["users_10k"] / previous - 1) * 100).reindex(df.index)


def growth_matches(df: pd.DataFrame) -> pd.Series:
    """Printed growth ≈ users / earlier users − 1 (±0.1 pp); rows without growth pass."""
    growth = computed_growth(df)
    printed = df["growth_pct"]
    return pd.Series(printed.isna() | ((printed - growth).abs() <= DERIVED_TOLERANCE_PP))


def implied_base(df: pd.DataFrame) -> pd.Series:
    """Per row: the internet-user base the period's rows imply (median of users ÷ share)."""
    ratio = df["users_10k"] / df["utilization_pct"] * 100
    return ratio.groupby([df["source_sha256"], df["period_end"]]).transform("median")


def utilization_matches(df: pd.DataFrame) -> pd.Series:
    """Printed utilisation ≈ users ÷ the period's internet users (±0.1 pp)."""
    computed = df["users_10k"] / implied_base(df) * 100
    return pd.Series((computed - df["utilization_pct"]).abs() <= DERIVED_TOLERANCE_PP)


def explain_equivalence(row: pd.Series, df: pd.DataFrame) -> str:
    computed = sum(int(row[column]) * weight for column, weight in EQUIVALENCE_WEIGHTS.items())
    return f"{int(row['addresses']):,} printed, but {row['equivalence']} = {computed:,}"


def explain_parts_sum(row: pd.Series, df: pd.DataFrame) -> str:
    same = df[(df["source_sha256"] == row["source_sha256"]) & ~df["is_total"]]
    return "; ".join(
        f"{column}: Total {int(row[column]):,} printed, rows sum to {int(same[column].sum()):,}"
        for column in summed_columns(df)
        if int(row[column]) != int(same[column].sum())
    )


def explain_shares(row: pd.Series, df: pd.DataFrame) -> str:
    same = df[(df["source_sha256"] == row["source_sha256"]) & ~df["is_total"]]
    return f"Total {row['share_pct']}% printed, rows sum to {same['share_pct'].sum():.2f}%"


def explain_growth(row: pd.Series, df: pd.DataFrame) -> str:
    computed = computed_growth(df).to_dict()[row.name]
    return f"growth {row['growth_pct']}% printed, users imply {computed:.2f}%"


def explain_utilization(row: pd.Series, df: pd.DataFrame) -> str:
    base = implied_base(df).to_dict()[row.name]
    computed = row["users_10k"] / base * 100
    return (
        f"utilisation {row['utilization_pct']}% printed, users ÷ the period's base of "
        f"{base:,.0f} (10,000) = {computed:.2f}%"
    )


EXPLAIN: dict[str, Callable[[pd.Series, pd.DataFrame], str]] = {
    "erratum_equivalence": explain_equivalence,
    "erratum_parts_sum_to_total": explain_parts_sum,
    "erratum_shares_sum_to_total": explain_shares,
    "erratum_growth": explain_growth,
    "erratum_utilization": explain_utilization,
}


def explain(check: str, row: pd.Series, df: pd.DataFrame) -> str:
    """A one-line reason for a flag on ``row`` of ``df``."""
    describe = EXPLAIN.get(check)
    return describe(row, df) if describe else check
