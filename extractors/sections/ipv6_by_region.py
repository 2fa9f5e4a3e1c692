"""CNNIC Appendix 2, Table 3 "Number of IPv6 Addresses (unit: /32)" per region."""

import re

from extractors.ip_tables import ipv6_row
from extractors.spec import SectionSpec

SPEC = SectionSpec(
    id="ipv6_by_region",
    dataset="ipv6_by_region",
    chapter="appendix-2",
    caption=re.compile(r"^Table\s*\d+\s*Number\s+of\s+IPv6\s+Addresses\b", re.IGNORECASE),
    header=("Region", "Number of Addresses"),
    parse_row=ipv6_row("region"),
    description="IPv6 address holdings per region, in /32 blocks",
)
