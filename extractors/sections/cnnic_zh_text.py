"""CNNIC's Chinese report text (核心数据 bullets, chapter sentences) → indicators."""

from extractors.readers.zh_text import zh_report_facts
from extractors.spec import TextSpec

SPEC = TextSpec(
    id="cnnic_zh_text",
    dataset="indicators",
    chapter="text",
    facts=zh_report_facts,
    source_kind="report_text",
    doc_kind="cnnic",
    lang="zh",
    description="Figures of the Chinese report's sentences (网民规模, 普及率, 用户规模 …)",
)
