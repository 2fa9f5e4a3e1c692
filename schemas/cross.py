"""Report-level checks across datasets of one source (errata: they flag, never block).

Each check says that one printed figure equals another printed figure, or the sum of a table's
rows: ``left`` is the row that gets the flag, ``right`` the figure it must agree with. Adding a
check is adding one line to ``CROSS_CHECKS``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from extractors.figures.facts import resolution
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
        # counted, not searched: a pattern with groups (``fib(er|re)``) needs no extract
        return frame[(labels.str.count(self.row, flags=re.IGNORECASE) > 0).to_numpy(bool)]

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


@dataclass(frozen=True)
class Restated:
    """A figure the report states in a sentence and prints in a table: they must agree within
    the rounding of the sentence (half its last printed digit), for the same period."""

    indicator: str
    table: Pick

    @property
    def name(self) -> str:
        return f"text_{self.indicator}_vs_{self.table.dataset}"

    @property
    def flag(self) -> str:
        return "erratum_text_differs_from_table"

    @property
    def datasets(self) -> tuple[str, str]:
        return ("indicators", self.table.dataset)


APPLICATIONS = (
    "instant_messaging", "online_video", "short_video", "online_payment", "online_shopping",
    "search_engine", "online_news", "live_streaming", "online_music", "online_meal_ordering",
    "online_literature", "online_car_hailing", "online_travel_booking", "online_medical",
    "online_audio",
)  # fmt: skip


def application_label(slug: str) -> str:
    return "^" + r"[\s-]*".join(slug.split("_"))


RESTATED: tuple[Restated, ...] = (
    Restated("ipv4_addresses", Pick("basic_resources", "value_base", r"^IPv4$")),
    Restated("ipv6_blocks_32", Pick("basic_resources", "value_base", r"^IPv6$")),
    Restated("active_ipv6_users", Pick("basic_resources", "value_base", r"active IPv6 users")),
    Restated("domain_names", Pick("domains_by_tld", "domains", TOTAL)),
    Restated("cn_domain_names", Pick("cn_domains_by_level", "domains", TOTAL)),
    Restated("com_domain_names", Pick("domains_by_tld", "domains", r"^\.COM$")),
    Restated("zhongguo_domain_names", Pick("domains_by_tld", "domains", r"^\.中国$")),
    Restated("new_gtld_domain_names", Pick("domains_by_tld", "domains", r"^New gTLD")),
    Restated("base_stations", Pick("basic_resources", "value_base", r"base stations")),
    Restated("broadband_ports", Pick("basic_resources", "value_base", r"broadband access ports")),
    Restated("fiber_length_km", Pick("basic_resources", "value_base", r"fib(er|re) optic")),
    *(
        Restated(f"{app}_users", Pick("application_users", "users", application_label(app)))
        for app in APPLICATIONS
    ),
    *(
        Restated(
            f"{app}_share_pct",
            Pick("application_users", "utilization_pct", application_label(app)),
        )
        for app in APPLICATIONS
    ),
)


def named(text: pd.DataFrame, indicator: str) -> np.ndarray:
    """Which rows of ``indicators`` state ``indicator`` (an unnamed figure states none)."""
    return (text["indicator_id"] == indicator).fillna(False).to_numpy(bool)


def first_per_period(table: pd.DataFrame, column: str) -> pd.Series:
    """period_end → ``column`` of the first row printed for that period."""
    first = table.drop_duplicates("period_end")
    return pd.Series(first[column].astype(float).to_numpy(), index=first["period_end"])


def run_restated(check: Restated, frames: Mapping[str, pd.DataFrame]) -> list[Finding]:
    text = frames["indicators"]
    table = check.table.rows(frames[check.table.dataset])
    stated = text[named(text, check.indicator)]
    if stated.empty or table.empty:
        return []
    # the table prints another period: nothing to compare
    printed = stated["period_end"].map(first_per_period(table, check.table.column))
    stated, printed = stated[printed.notna()], printed[printed.notna()]
    value_base = stated["value_base"].astype(float)
    slack = pd.Series(
        [
            resolution(str(raw), float(value), float(base)) / 2
            for raw, value, base in zip(
                stated["raw"], stated["value"], stated["value_base"], strict=True
            )
        ],
        index=stated.index,
        dtype=float,
    )
    off = (value_base - printed).abs() > slack * (1 + 1e-9)
    return [
        (
            "indicators",
            int(str(index)),
            f"text says {raw} ({base:,.6g}), but {check.table.describe()} = {figure:,.6g}",
        )
        for index, raw, base, figure in zip(
            stated.index[off], stated.loc[off, "raw"], value_base[off], printed[off], strict=True
        )
    ]


@dataclass(frozen=True)
class ShareOfUsers:
    """Table 4's utilisation = users ÷ the internet users the text states for that period
    (±0.1 pp); periods without a stated total are left to the schema's own check."""

    name: str = "utilization_vs_internet_users"
    flag: str = "erratum_utilization_vs_internet_users"
    datasets: tuple[str, str] = ("application_users", "indicators")
    tolerance_pp: float = 0.1


def run_share_of_users(check: ShareOfUsers, frames: Mapping[str, pd.DataFrame]) -> list[Finding]:
    text = frames["indicators"]
    totals = text[named(text, "internet_users")]
    # the last figure stated for a period counts (as a dict built from them would)
    base = totals.drop_duplicates("period_end", keep="last")
    by_period = pd.Series(base["value_base"].astype(float).to_numpy(), index=base["period_end"])
    apps = frames["application_users"]
    internet_users = apps["period_end"].map(by_period)
    apps, internet_users = apps[internet_users.notna()], internet_users[internet_users.notna()]
    computed = apps["users"].astype(float) / internet_users * 100
    off = (computed - apps["utilization_pct"].astype(float)).abs() > check.tolerance_pp
    return [
        (
            "application_users",
            int(str(index)),
            f"utilisation {share}% printed, but {int(users):,} ÷ {total:,.0f} internet users "
            f"= {value:.2f}%",
        )
        for index, share, users, total, value in zip(
            apps.index[off],
            apps.loc[off, "utilization_pct"],
            apps.loc[off, "users"],
            internet_users[off],
            computed[off],
            strict=True,
        )
    ]


def figure(pick: Pick, frame: pd.DataFrame) -> float | None:
    rows = pick.rows(frame)
    if rows.empty:
        return None
    return float(rows[pick.column].sum()) if pick.row == SUM else float(rows[pick.column].iloc[0])


def run_agreement(check: Agreement, frames: Mapping[str, pd.DataFrame]) -> list[Finding]:
    left_rows = check.left.rows(frames[check.left.dataset])
    expected = figure(check.right, frames[check.right.dataset])
    printed = left_rows[check.left.column].astype(float)
    if expected is None:
        message = f"nothing to compare with: no {check.right.describe()}"
        return [(check.left.dataset, int(str(index)), message) for index in left_rows.index]
    off = printed != expected
    return [
        (
            check.left.dataset,
            int(str(index)),
            f"{check.left.describe()} = {value:,.0f} printed, but "
            f"{check.right.describe()} = {expected:,.0f}",
        )
        for index, value in zip(left_rows.index[off], printed[off], strict=True)
    ]


CrossCheck = Agreement | Restated | ShareOfUsers


def run_check(check: CrossCheck, frames: Mapping[str, pd.DataFrame]) -> list[Finding]:
    if isinstance(check, Restated):
        return run_restated(check, frames)
    if isinstance(check, ShareOfUsers):
        return run_share_of_users(check, frames)
    return run_agreement(check, frames)


def per_source(frames: Mapping[str, pd.DataFrame]) -> list[dict[str, pd.DataFrame]]:
    """The frames of one check cut into one set per source that has rows in every one of them
    (a check compares figures of one report, never one source's figure with another's). Row
    labels are kept, so a finding still names its row in the whole frame."""
    if not all("source_sha256" in frame.columns for frame in frames.values()):
        return [dict(frames)]
    shared = set.intersection(*(set(frame["source_sha256"]) for frame in frames.values()))
    return [
        {name: frame[frame["source_sha256"] == sha] for name, frame in frames.items()}
        for sha in sorted(shared)
    ]


def cross_check(validated: Mapping[str, Validated]) -> dict[str, Validated]:
    """Run every cross check whose datasets all validated, within each source; add their
    flags to the rows."""
    out = dict(validated)
    checks: tuple[CrossCheck, ...] = (*CROSS_CHECKS, *RESTATED, ShareOfUsers())
    for check in checks:
        if not all(name in out and out[name].ok for name in check.datasets):
            continue
        frames = {name: out[name].frame for name in check.datasets}
        findings = [f for one in per_source(frames) for f in run_check(check, one)]
        for dataset, index, message in findings:
            current = out[dataset]
            flag: Flag = make_flag(dataset, check.flag, message, row_at(current.frame, index))
            out[dataset] = Validated(
                dataset,
                add_flags(current.frame, {index: [check.flag]}),
                (*current.flags, flag),
                current.structural,
            )
    return out
