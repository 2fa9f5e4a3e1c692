"""CNNIC Chapter III, Table 4 "User Size and Utilization Ratio of Each Internet Application …".

Breaks across two pages; a three-line header names the two periods, which become one row per
application and period (growth on the later period's row).
"""

import re

from extractors.row_parsers import application_periods, application_row
from extractors.spec import SectionSpec

SPEC = SectionSpec(
    id="application_users",
    dataset="application_users",
    chapter="chapter-3",
    caption=re.compile(r"^Table\s*\d+\s*User\s+Size\s+and\s+Utili[sz]ation\s+Ratio", re.I),
    header=(r"\bApplication\b", r"User\s+Size", r"Utili[sz]ation", r"Growth"),
    columns=6,
    parse_row=application_row,
    tidy=application_periods,
    description="Users (10,000) and utilisation per internet application, two periods",
)
