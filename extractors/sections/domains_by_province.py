"""CNNIC Appendix 2, Table 6 "Number of Domain Names in Each Province / …"."""

import re

from extractors.row_parsers import province_counts
from extractors.spec import SectionSpec

SPEC = SectionSpec(
    id="domains_by_province",
    dataset="domains_by_province",
    chapter="appendix-2",
    caption=re.compile(r"^Table\s*\d+\s*Number\s+of\s+Domain\s+Names\s+in\s+Each\s+Province", re.I),
    header=(r"\bProvince\b", r"\.CN\b", r"中国"),
    columns=4,
    parse_row=province_counts(("total_domains", "cn_domains", "zhongguo_domains")),
    description="Domain names, .CN and .中国 domain names per province, Others, Total",
)
