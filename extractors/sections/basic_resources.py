"""CNNIC Chapter I, Table 1 "Development of Basic Internet Resources by <month year>"."""

import re

from extractors.row_parsers import resource_row
from extractors.spec import SectionSpec

SPEC = SectionSpec(
    id="basic_resources",
    dataset="basic_resources",
    chapter="chapter-1",
    caption=re.compile(r"^Table\s*\d+\s*Development\s+of\s+Basic\s+Internet\s+Resources", re.I),
    header=(r"\bCategory\b", r"\bUnit\b"),
    columns=3,
    parse_row=resource_row,
    description="IPv4, IPv6, active IPv6 users, domains, base stations, ports, fibre: as printed",
)
