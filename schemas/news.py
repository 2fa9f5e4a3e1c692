"""News articles (one row per article of a news file)."""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from schemas.provenance import Provenance


class NewsArticles(Provenance):
    """Articles found in news files, relevant or not."""

    article_id: Series[str] = pa.Field(str_matches=r"^[0-9a-f]{12}-\d+$", description="id")
    title: Series[str] = pa.Field(nullable=True, description="title as printed")
    relevant: Series[bool] = pa.Field(description="about China's internet statistics")
    published: Series[pa.DateTime] = pa.Field(nullable=True, description="publication date")
    published_from: Series[str] = pa.Field(
        nullable=True, isin=["text", "file_name"], description="where the date comes from"
    )
    reason: Series[str] = pa.Field(description="why the article is (not) relevant")
    period_end: Series[pa.DateTime] = pa.Field(
        nullable=True, description="the article's publication date (articles state no figure)"
    )

    class Config:
        unique = ("source_sha256", "article_id")
