"""CNNIC Appendix 2, Table 4 "Allocation of IPv6 Addresses among Organizations" (/32 blocks)."""

import re

from extractors.ip_tables import ipv6_row
from extractors.spec import SectionSpec

SPEC = SectionSpec(
    id="ipv6_by_org",
    dataset="ipv6_by_org",
    chapter="appendix-2",
    caption=re.compile(
        r"^Table\s*\d+\s*Allocation\s+of\s+IPv6\s+Addresses\s+among\s+Organi[sz]ations",
        re.IGNORECASE,
    ),
    header=("Organization Name", "Number of Addresses"),
    parse_row=ipv6_row("organization"),
    description="IPv6 addresses of the Chinese mainland per holding organisation (/32), with Total",
)
