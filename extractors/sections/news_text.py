"""Figures in relevant English news articles → indicators (source_kind news)."""

from dataclasses import replace

from extractors.document import Document
from extractors.narrative import Fact
from extractors.news import extract_news_facts
from extractors.recognise import Edition
from extractors.spec import TextSpec


def news_facts(doc: Document, edition: Edition) -> list[Fact]:
    """Facts of relevant articles; a period the article could not pin down stays flagged."""
    _, facts = extract_news_facts(doc)
    return [replace(item.fact, period_resolved=item.period_resolved) for item in facts]


SPEC = TextSpec(
    id="news_text",
    dataset="indicators",
    chapter="news",
    facts=news_facts,
    source_kind="news",
    doc_kind="news",
    description="Figures quoted by news articles, with sentence, period and qualifier",
)
