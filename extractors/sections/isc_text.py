"""The ISC annual report (中国互联网发展报告): KPI cards and sentence figures → indicators."""

from extractors.readers.isc_report import isc_facts
from extractors.spec import TextSpec

SPEC = TextSpec(
    id="isc_text",
    dataset="indicators",
    chapter="text",
    facts=isc_facts,
    source_kind="isc",
    doc_kind="isc",
    lang="zh",
    description=(
        "ISC report KPI cards (value and ↑change) and sentence figures with Chinese units "
        "(万/亿/万亿, 元, 千米, Tbps, EFLOPS, %), qualifier, period and quote"
    ),
)
