"""CNNIC Chapter I, Table 3 "Number of .CN Domain Names" (per second level, markers on labels)."""

import re

from extractors.row_parsers import label_and_counts
from extractors.spec import SectionSpec

SPEC = SectionSpec(
    id="cn_domains_by_level",
    dataset="cn_domains_by_level",
    chapter="chapter-1",
    caption=re.compile(r"^Table\s*\d+\s*Number\s+of\s+\.?CN\s+Domain\s+Names", re.I),
    header=(r"\bCategory\b", r"\bNumber\b"),
    columns=2,
    parse_row=label_and_counts("category", ("domains",)),
    description=".CN domain names per second-level domain, with Total",
)
