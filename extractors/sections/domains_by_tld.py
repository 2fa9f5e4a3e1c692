"""CNNIC Chapter I, Table 2 "Number of Domain Names by Category" (Total may stand apart)."""

import re

from extractors.row_parsers import label_and_counts
from extractors.spec import SectionSpec

SPEC = SectionSpec(
    id="domains_by_tld",
    dataset="domains_by_tld",
    chapter="chapter-1",
    caption=re.compile(r"^Table\s*\d+\s*Number\s+of\s+Domain\s+Names\s+by\s+Category", re.I),
    header=(r"\bCategory\b", r"\bNumber\b"),
    columns=2,
    parse_row=label_and_counts("category", ("domains",)),
    description="Domain names per top-level domain / category, with Total",
)
