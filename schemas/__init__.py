"""pandera schemas per curated dataset, and report-level cross-table checks."""

from __future__ import annotations

import pandera.pandas as pa

from schemas.ip_addresses import Ipv4ByOrg, Ipv4ByRegion, Ipv6ByOrg, Ipv6ByRegion

# Closed set: dataset name → schema (habit 3: an explicit dict).
DATASETS: dict[str, type[pa.DataFrameModel]] = {
    "ipv4_by_region": Ipv4ByRegion,
    "ipv4_by_org": Ipv4ByOrg,
    "ipv6_by_region": Ipv6ByRegion,
    "ipv6_by_org": Ipv6ByOrg,
}

# Columns that identify a row within one source (natural key besides source_sha256).
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "ipv4_by_region": ("region",),
    "ipv4_by_org": ("organization",),
    "ipv6_by_region": ("region",),
    "ipv6_by_org": ("organization",),
}
