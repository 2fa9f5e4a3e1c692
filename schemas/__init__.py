"""pandera schemas per curated dataset, and report-level cross-table checks."""

from __future__ import annotations

import pandera.pandas as pa

from schemas.chapter_tables import (
    ApplicationUsers,
    BasicResources,
    CnDomainsByLevel,
    DomainsByProvince,
    DomainsByTld,
    UsersByProvince,
)
from schemas.indicators import Indicators
from schemas.ip_addresses import (
    Ipv4ByOrg,
    Ipv4ByRegion,
    Ipv4ShareByProvince,
    Ipv6ByOrg,
    Ipv6ByRegion,
)
from schemas.news import NewsArticles
from schemas.reconciliation import Reconciliation
from schemas.series import Series, Vocabulary

# Closed set: dataset name → schema (habit 3: an explicit dict).
DATASETS: dict[str, type[pa.DataFrameModel]] = {
    "basic_resources": BasicResources,
    "domains_by_tld": DomainsByTld,
    "cn_domains_by_level": CnDomainsByLevel,
    "application_users": ApplicationUsers,
    "ipv4_by_region": Ipv4ByRegion,
    "ipv4_by_org": Ipv4ByOrg,
    "ipv6_by_region": Ipv6ByRegion,
    "ipv6_by_org": Ipv6ByOrg,
    "ipv4_share_by_province": Ipv4ShareByProvince,
    "domains_by_province": DomainsByProvince,
    "users_by_province": UsersByProvince,
    "indicators": Indicators,
    "news_articles": NewsArticles,
    "reconciliation": Reconciliation,
    "series": Series,
    "vocabulary": Vocabulary,
}

# Columns that identify a row within one source (natural key besides source_sha256).
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "basic_resources": ("category",),
    "domains_by_tld": ("category",),
    "cn_domains_by_level": ("category",),
    "application_users": ("application", "period_end"),
    "ipv4_by_region": ("region",),
    "ipv4_by_org": ("organization",),
    "ipv6_by_region": ("region",),
    "ipv6_by_org": ("organization",),
    "ipv4_share_by_province": ("province",),
    "domains_by_province": ("province",),
    "users_by_province": ("province",),
    "indicators": ("indicator_id", "period_end", "quote"),
    "news_articles": ("article_id",),
    "reconciliation": ("indicator_id", "period_end"),
    "series": ("indicator_id", "member", "period_end"),
    "vocabulary": ("indicator_id",),
}

# Datasets computed from other curated datasets (not from one source): rewritten whole.
DERIVED = frozenset({"reconciliation", "series", "vocabulary"})
