"""Figures in relevant Chinese news articles that cite CNNIC → indicators (source_kind news)."""

from extractors.readers.news import news_facts
from extractors.spec import TextSpec

SPEC = TextSpec(
    id="news_zh_text",
    dataset="indicators",
    chapter="news",
    facts=news_facts,
    source_kind="news",
    doc_kind="news",
    lang="zh",
    description="Figures quoted by Chinese news (简体/繁體), with sentence, period and qualifier",
)
