"""CNNIC Appendix 2, Table 2 "Allocation of IPv4 Addresses among Organizations"."""

import re

from extractors.row_parsers import ipv4_row
from extractors.spec import SectionSpec

SPEC = SectionSpec(
    id="ipv4_by_org",
    dataset="ipv4_by_org",
    chapter="appendix-2",
    caption=re.compile(
        r"^Table\s*\d+\s*Allocation\s+of\s+IPv4\s+Addresses\s+among\s+Organi[sz]ations",
        re.IGNORECASE,
    ),
    header=(r"Organi[sz]ation\s+Name", "Number of Addresses", "Equivalence"),
    columns=3,
    parse_row=ipv4_row("organization"),
    description="IPv4 addresses of the Chinese mainland per holding organisation, with Total",
)
