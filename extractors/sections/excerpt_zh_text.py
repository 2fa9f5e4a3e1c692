"""A Chinese report excerpt (核心数据, a chapter) without the cover → indicators."""

from extractors.readers.zh_text import zh_excerpt_facts
from extractors.spec import TextSpec

SPEC = TextSpec(
    id="excerpt_zh_text",
    dataset="indicators",
    chapter="text",
    facts=zh_excerpt_facts,
    source_kind="report_text",
    doc_kind="excerpt",
    lang="zh",
    description="Figures of a Chinese report excerpt, with the edition it names (else flagged)",
)
