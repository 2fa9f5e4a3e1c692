"""The pandera schema of each curated dataset (a closed set, in ``schemas.DATASET_NAMES``'s
order; checked when this module loads)."""

from __future__ import annotations

import pandera.pandas as pa

from schemas import DATASET_NAMES, PROVENANCE_COLUMNS
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


def check_catalog() -> None:
    """The models agree with the light facts in ``schemas`` (which the quick commands read
    without importing pandera): same datasets in the same order, same provenance columns."""
    from schemas.provenance import Provenance

    if tuple(DATASETS) != DATASET_NAMES:
        raise ValueError(f"schemas.DATASET_NAMES {DATASET_NAMES} != models {tuple(DATASETS)}")
    columns = tuple(Provenance.to_schema().columns)
    if columns != PROVENANCE_COLUMNS:
        raise ValueError(f"schemas.PROVENANCE_COLUMNS {PROVENANCE_COLUMNS} != {columns}")


check_catalog()
