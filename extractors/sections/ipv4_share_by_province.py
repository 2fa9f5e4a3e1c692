"""CNNIC Appendix 2, Table 5 "Proportion of IPv4 Addresses in Each Province / …"."""

import re

from extractors.row_parsers import province_share
from extractors.spec import SectionSpec

SPEC = SectionSpec(
    id="ipv4_share_by_province",
    dataset="ipv4_share_by_province",
    chapter="appendix-2",
    caption=re.compile(
        r"^Table\s*\d+\s*Proportion\s+of\s+IPv4\s+Addresses\s+in\s+Each\s+Province", re.I
    ),
    header=(r"\bProvince\b",),
    columns=2,
    parse_row=province_share,
    description="Share of IPv4 addresses per province (percent as printed), Others, Total",
)
