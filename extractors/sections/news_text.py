"""Figures in relevant English news articles that cite CNNIC → indicators (source_kind news)."""

from extractors.readers.news import news_facts
from extractors.spec import TextSpec

SPEC = TextSpec(
    id="news_text",
    dataset="indicators",
    chapter="news",
    facts=news_facts,
    source_kind="news",
    doc_kind="news",
    description="Figures quoted by news articles, with sentence, period and qualifier",
)
