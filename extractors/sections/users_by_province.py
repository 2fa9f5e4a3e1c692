"""CNNIC Appendix 2, Table 7 "Number of Internet Users in Each Province / …" (previous year)."""

import re

from extractors.row_parsers import province_counts
from extractors.spec import SectionSpec, end_of_previous_year

SPEC = SectionSpec(
    id="users_by_province",
    dataset="users_by_province",
    chapter="appendix-2",
    caption=re.compile(
        r"^Table\s*\d+\s*Number\s+of\s+Internet\s+Users\s+in\s+Each\s+Province", re.I
    ),
    header=(r"\bProvince\b", r"\bUsers\b"),
    columns=2,
    parse_row=province_counts(("users_10k",), scale=10_000),
    period=end_of_previous_year,
    description="Internet users (10,000) per province at the end of the year before the edition",
)
