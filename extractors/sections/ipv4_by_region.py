"""CNNIC Appendix 2, Table 1 "Number of IPv4 Addresses" (per region, with A/B/C equivalence)."""

import re

from extractors.row_parsers import ipv4_row
from extractors.spec import SectionSpec

SPEC = SectionSpec(
    id="ipv4_by_region",
    dataset="ipv4_by_region",
    chapter="appendix-2",
    caption=re.compile(r"^Table\s*\d+\s*Number\s+of\s+IPv4\s+Addresses\b", re.IGNORECASE),
    header=(r"\bRegion\b", "Number of Addresses", "Equivalence"),
    columns=3,
    parse_row=ipv4_row("region"),
    description="IPv4 addresses held per region (Chinese mainland, Hong Kong, Macau, Taiwan)",
)
