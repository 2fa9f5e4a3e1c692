"""Report-level checks across datasets of one source (errata: they flag, never block).

Each check says that one printed figure equals another printed figure, or the sum of a table's
rows: ``left`` is the row that gets the flag, ``right`` the figure it must agree with. Adding a
check is adding one line to ``CROSS_CHECKS``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from schemas import NATURAL_KEYS
from schemas.validate import Flag, Validated, add_flags, make_flag, row_at

TOTAL = "<total>"  # the printed Total row
SUM = "<sum>"  # the sum of all rows but the Total


@dataclass(frozen=True)
class Pick:
    """One figure of a dataset: ``column`` of the row whose label matches ``row`` (a regex),
    of the Total row, or summed over the table."""

    dataset: str
    column: str
    row: str

    def label_column(self) -> str:
        return NATURAL_KEYS[self.dataset][0]

    def rows(self, frame: pd.DataFrame) -> pd.DataFrame:
        if self.row == TOTAL:
            return frame[frame["is_total"]]
        if self.row == SUM:
            return frame[~frame["is_total"]]
        labels = frame[self.label_column()].astype(str)
        return frame[labels.map(lambda label: bool(re.search(self.row, label, re.IGNORECASE)))]

    def describe(self) -> str:
        where = {TOTAL: "Total", SUM: "sum of rows"}.get(self.row, self.row.strip("^$\\"))
        return f"{self.dataset}[{where}].{self.column}"


@dataclass(frozen=True)
class Agreement:
    name: str
    left: Pick
    right: Pick

    @property
    def flag(self) -> str:
        return f"erratum_{self.name}"

    @property
    def datasets(self) -> tuple[str, str]:
        return (self.left.dataset, self.right.dataset)


# (dataset, row index, message) for each row a cross check flags
Finding = tuple[str, int, str]

CROSS_CHECKS: tuple[Agreement, ...] = (
    Agreement(
        "ipv4_by_org_total_equals_mainland",
        Pick("ipv4_by_org", "addresses", TOTAL),
        Pick("ipv4_by_region", "addresses", r"\bmainland\b"),
    ),
    Agreement(
        "ipv6_by_org_total_equals_mainland",
        Pick("ipv6_by_org", "blocks_32", TOTAL),
        Pick("ipv6_by_region", "blocks_32", r"\bmainland\b"),
    ),
    Agreement(
        "ipv4_equals_regions",
        Pick("basic_resources", "value_base", r"^IPv4$"),
        Pick("ipv4_by_region", "addresses", SUM),
    ),
    Agreement(
        "ipv6_equals_regions",
        Pick("basic_resources", "value_base", r"^IPv6$"),
        Pick("ipv6_by_region", "blocks_32", SUM),
    ),
    Agreement(
        "domains_equal_tld_total",
        Pick("basic_resources", "value_base", r"^Domain names$"),
        Pick("domains_by_tld", "domains", TOTAL),
    ),
    Agreement(
        "cn_equals_level_total",
        Pick("basic_resources", "value_base", r"\.CN$"),
        Pick("cn_domains_by_level", "domains", TOTAL),
    ),
    Agreement(
        "tld_cn_equals_level_total",
        Pick("domains_by_tld", "domains", r"^\.CN$"),
        Pick("cn_domains_by_level", "domains", TOTAL),
    ),
    Agreement(
        "province_total_equals_tld_total",
        Pick("domains_by_province", "total_domains", TOTAL),
        Pick("domains_by_tld", "domains", TOTAL),
    ),
    Agreement(
        "province_cn_equals_level_total",
        Pick("domains_by_province", "cn_domains", TOTAL),
        Pick("cn_domains_by_level", "domains", TOTAL),
    ),
    Agreement(
        "province_zhongguo_equals_tld",
        Pick("domains_by_province", "zhongguo_domains", TOTAL),
        Pick("domains_by_tld", "domains", r"^\.中国$"),
    ),
)


def figure(pick: Pick, frame: pd.DataFrame) -> float | None:
    rows = pick.rows(frame)
    if rows.empty:
        return None
    return float(rows[pick.column].sum()) if pick.row == SUM else float(rows[pick.column].iloc[0])


def run_agreement(check: Agreement, frames: Mapping[str, pd.DataFrame]) -> list[Finding]:
    left_rows = check.left.rows(frames[check.left.dataset])
    expected = figure(check.right, frames[check.right.dataset])
    findings: list[Finding] = []
    for index, row in left_rows.iterrows():
        printed = float(row[check.left.column])
        if expected is None:
            message = f"nothing to compare with: no {check.right.describe()}"
        elif printed == expected:
            continue
        else:
            message = (
                f"{check.left.describe()} = {printed:,.0f} printed, but "
                f"{check.right.describe()} = {expected:,.0f}"
            )
        findings.append((check.left.dataset, int(str(index)), message))
    return findings


def cross_check(validated: Mapping[str, Validated]) -> dict[str, Validated]:
    """Run every cross check whose datasets all validated; add their flags to the rows."""
    out = dict(validated)
    for check in CROSS_CHECKS:
        if not all(name in out and out[name].ok for name in check.datasets):
            continue
        for dataset, index, message in run_agreement(
            check, {name: out[name].frame for name in check.datasets}
        ):
            current = out[dataset]
            flag: Flag = make_flag(dataset, check.flag, message, row_at(current.frame, index))
            out[dataset] = Validated(
                dataset,
                add_flags(current.frame, {index: [check.flag]}),
                (*current.flags, flag),
                current.structural,
            )
    return out
