"""CNNIC Appendix 2, Table 3 "Number of IPv6 Addresses (unit: /32)" per region."""

import re

from extractors.row_parsers import label_and_counts
from extractors.spec import SectionSpec

SPEC = SectionSpec(
    id="ipv6_by_region",
    dataset="ipv6_by_region",
    chapter="appendix-2",
    caption=re.compile(r"^Table\s*\d+\s*Number\s+of\s+IPv6\s+Addresses\b", re.IGNORECASE),
    header=(r"\bRegion\b", "Number of Addresses"),
    columns=2,
    parse_row=label_and_counts("region", ("blocks_32",)),
    description="IPv6 address holdings per region, in /32 blocks",
)
