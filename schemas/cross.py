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


def run_restated(check: Restated, frames: Mapping[str, pd.DataFrame]) -> list[Finding]:
    text = frames["indicators"]
    table = check.table.rows(frames[check.table.dataset])
    findings: list[Finding] = []
    for index, row in text[text["indicator_id"] == check.indicator].iterrows():
        same_period = table[table["period_end"] == row["period_end"]]
        if same_period.empty:
            continue  # the table prints another period: nothing to compare
        printed = float(same_period[check.table.column].iloc[0])
        slack = resolution(str(row["raw"]), float(row["value"]), float(row["value_base"])) / 2
        if abs(float(row["value_base"]) - printed) > slack * (1 + 1e-9):
            message = (
                f"text says {row['raw']} ({float(row['value_base']):,.6g}), but "
                f"{check.table.describe()} = {printed:,.6g}"
            )
            findings.append(("indicators", int(str(index)), message))
    return findings


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
    totals = text[text["indicator_id"] == "internet_users"]
    base = dict(zip(totals["period_end"], totals["value_base"], strict=True))
    findings: list[Finding] = []
    for index, row in frames["application_users"].iterrows():
        internet_users = base.get(row["period_end"])
        if internet_users is None:
            continue
        computed = float(row["users"]) / float(internet_users) * 100
        if abs(computed - float(row["utilization_pct"])) > check.tolerance_pp:
            message = (
                f"utilisation {row['utilization_pct']}% printed, but {int(row['users']):,} ÷ "
                f"{float(internet_users):,.0f} internet users = {computed:.2f}%"
            )
            findings.append(("application_users", int(str(index)), message))
    return findings


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
