"""Report-level checks across datasets of one source (errata: they flag, never block)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from schemas.validate import Flag, Validated, add_flags, make_flag, row_at

MAINLAND_RE = re.compile(r"\bmainland\b", re.IGNORECASE)

# (dataset, row index, message) for each row a cross check flags
Finding = tuple[str, int, str]


@dataclass(frozen=True)
class CrossCheck:
    name: str
    datasets: tuple[str, ...]
    run: Callable[[Mapping[str, pd.DataFrame]], list[Finding]]


def org_total_equals_mainland(orgs: str, regions: str, value: str) -> CrossCheck:
    """The organisations' printed Total equals the region table's Chinese mainland row."""

    def run(frames: Mapping[str, pd.DataFrame]) -> list[Finding]:
        org, region = frames[orgs], frames[regions]
        mainland = region[region["region"].map(lambda label: bool(MAINLAND_RE.search(label)))]
        findings: list[Finding] = []
        for index, total in org[org["is_total"]].iterrows():
            if mainland.empty:
                findings.append((orgs, int(str(index)), f"no mainland row in {regions} to compare"))
            elif int(total[value]) != int(mainland[value].iloc[0]):
                findings.append(
                    (
                        orgs,
                        int(str(index)),
                        f"Total {int(total[value]):,} printed, but {regions} has "
                        f"{mainland['region'].iloc[0]} = {int(mainland[value].iloc[0]):,}",
                    )
                )
        return findings

    return CrossCheck(f"erratum_{orgs}_total_equals_mainland", (orgs, regions), run)


CROSS_CHECKS: tuple[CrossCheck, ...] = (
    org_total_equals_mainland("ipv4_by_org", "ipv4_by_region", "addresses"),
    org_total_equals_mainland("ipv6_by_org", "ipv6_by_region", "blocks_32"),
)


def cross_check(validated: Mapping[str, Validated]) -> dict[str, Validated]:
    """Run every cross check whose datasets all validated; add their flags to the rows."""
    out = dict(validated)
    for check in CROSS_CHECKS:
        if not all(name in out and out[name].ok for name in check.datasets):
            continue
        for dataset, index, message in check.run(
            {name: out[name].frame for name in check.datasets}
        ):
            current = out[dataset]
            row = row_at(current.frame, index)
            flag: Flag = make_flag(dataset, check.name, message, row)
            out[dataset] = Validated(
                dataset,
                add_flags(current.frame, {index: [check.name]}),
                (*current.flags, flag),
                current.structural,
            )
    return out
