"""Facts about the curated datasets that every layer reads: their names, the natural key of
each, which are derived, the provenance columns every source dataset carries, and which format
of a report stands for a fact printed in both. Plain data, no imports: the quick commands
(cninet.browse, cninet.catalog) read them without loading pandas or pandera. The pandera
schemas are in ``schemas.models`` (checked against these facts when it loads)."""

from __future__ import annotations

# Every curated dataset, in the order the CLI lists them.
DATASET_NAMES = (
    "basic_resources", "domains_by_tld", "cn_domains_by_level", "application_users",
    "ipv4_by_region", "ipv4_by_org", "ipv6_by_region", "ipv6_by_org", "ipv4_share_by_province",
    "domains_by_province", "users_by_province", "indicators", "news_articles", "reconciliation",
    "series", "vocabulary",
)  # fmt: skip

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

# The provenance columns of every source dataset, in schemas.provenance.Provenance's order.
PROVENANCE_COLUMNS = (
    "source_sha256", "source_path", "source_format", "text_layer", "edition", "period_end",
    "page", "line", "caption", "raw", "extractor", "run_id", "is_total", "notes",
    "quality_flags",
)  # fmt: skip

# One publication, one fact: a report edition read from its PDF and from its text dump is ONE
# publication. The Delta tables keep both formats' rows (provenance: page and line); readers
# get each printed fact once, from the first format of this list that printed it. The PDF
# wins: it is the document as printed (its page locates the figure on paper), the text dump
# is a derived copy that carries conversion slips.
FORMAT_PREFERENCE = ("pdf", "txt")
