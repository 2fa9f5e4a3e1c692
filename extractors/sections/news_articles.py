"""The articles of an English news file: title, relevance, publication date → news_articles."""

from collections.abc import Mapping
from typing import Any

from extractors.document import Document
from extractors.edition import Edition
from extractors.readers.news import split_articles
from extractors.spec import RecordsSpec


def article_records(doc: Document, edition: Edition) -> list[Mapping[str, Any]]:
    """One record per article of the file (the edition's language picks the splitter)."""
    return [
        {
            "article_id": article.article_id,
            "title": article.title,
            "relevant": article.relevant,
            "published": article.published,
            "published_from": article.published_from,
            "reason": article.reason,
            "period_end": article.published,
            "page": None,
            "line": article.first_line,
            "raw": article.title or "",
        }
        for article in split_articles(doc, edition.lang)
    ]


SPEC = RecordsSpec(
    id="news_articles",
    dataset="news_articles",
    chapter="news",
    records=article_records,
    doc_kind="news",
    caption="(news article)",
    description="Articles of a news file with their titles and whether they are relevant",
)
