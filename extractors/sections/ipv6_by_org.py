"""CNNIC Appendix 2, Table 4 "Allocation of IPv6 Addresses among Organizations" (/32 blocks)."""

import re

from extractors.row_parsers import label_and_counts
from extractors.spec import SectionSpec

SPEC = SectionSpec(
    id="ipv6_by_org",
    dataset="ipv6_by_org",
    chapter="appendix-2",
    caption=re.compile(
        r"^Table\s*\d+\s*Allocation\s+of\s+IPv6\s+Addresses\s+among\s+Organi[sz]ations",
        re.IGNORECASE,
    ),
    header=(r"Organi[sz]ation\s+Name", "Number of Addresses"),
    columns=2,
    parse_row=label_and_counts("organization", ("blocks_32",)),
    description="IPv6 addresses of the Chinese mainland per holding organisation (/32), with Total",
)
