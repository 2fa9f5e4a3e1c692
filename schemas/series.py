"""The consumer-facing series (derived from every publication) and the published vocabulary."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series as Column

from schemas.indicators import SOURCE_KINDS

STATUSES = ["single", "agree", "conflict", "revised"]


class Series(pa.DataFrameModel):
    """One row per indicator × member × period over every publication: the chosen figure
    (a CNNIC edition beats ISC beats news; the latest edition that prints the period wins),
    the publications that state it, and how they compare."""

    indicator_id: Column[str] = pa.Field(description="vocabulary id (the `vocabulary` dataset)")
    member: Column[str] = pa.Field(
        description="the province, region, organisation or category of a breakdown; empty "
        "for a national figure"
    )
    period_end: Column[pa.DateTime] = pa.Field(description="date the figure refers to")
    value: Column[float] = pa.Field(description="the chosen figure as printed")
    unit: Column[str] = pa.Field(description="its printed unit")
    value_base: Column[float] = pa.Field(description="the chosen figure in the base unit")
    source_kind: Column[str] = pa.Field(
        isin=SOURCE_KINDS, description="report_table, report_text, isc or news"
    )
    publication: Column[str] = pa.Field(
        description="the chosen publication: cnnic:<edition>, isc:<year> or news:<file>"
    )
    edition: Column[pd.Int64Dtype] = pa.Field(
        nullable=True, description="edition of the chosen publication (null for news)"
    )
    source_format: Column[str] = pa.Field(isin=["pdf", "txt"], description="pdf or txt")
    source_path: Column[str] = pa.Field(description="the chosen source under raw/")
    page: Column[pd.Int64Dtype] = pa.Field(nullable=True, description="PDF page, 1-based")
    line: Column[pd.Int64Dtype] = pa.Field(nullable=True, description="text line, 1-based")
    quote: Column[str] = pa.Field(description="the sentence, or the table row as printed")
    caption: Column[str] = pa.Field(description="the table caption (empty for a sentence)")
    n_publications: Column[int] = pa.Field(ge=1, description="publications stating it")
    publications: Column[object] = pa.Field(
        description="every publication stating it, preferred first, each with its figure"
    )
    status: Column[str] = pa.Field(
        isin=STATUSES,
        description="single (one publication), agree, conflict (another publication "
        "differs beyond the printed precision) or revised (a later edition restated it)",
    )
    revised_from_value: Column[float] = pa.Field(
        nullable=True, description="base-unit value the earlier edition printed, when revised"
    )
    revised_from_edition: Column[pd.Int64Dtype] = pa.Field(
        nullable=True, description="the edition that printed it"
    )
    previous_value: Column[float] = pa.Field(
        nullable=True, description="the series' value at its previous period (base unit)"
    )
    previous_edition: Column[pd.Int64Dtype] = pa.Field(
        nullable=True, description="edition of the previous period's figure"
    )
    change_pct: Column[float] = pa.Field(
        nullable=True, description="change since the previous period, percent"
    )
    quality_flags: Column[object] = pa.Field(
        description="revised, conflict, drift (a jump beyond the indicator's limit)"
    )
    run_id: Column[str] = pa.Field(description="run that computed it")

    class Config:
        strict = True
        coerce = True
        unique = ("indicator_id", "member", "period_end")


class Vocabulary(pa.DataFrameModel):
    """The indicator ids (extractors/data/indicators.csv), published for discovery."""

    indicator_id: Column[str] = pa.Field(unique=True, description="vocabulary id")
    name_en: Column[str] = pa.Field(description="English name")
    name_zh: Column[str] = pa.Field(description="Chinese name")
    base_unit: Column[str] = pa.Field(description="unit of value_base")
    description: Column[str] = pa.Field(description="what it counts")
    run_id: Column[str] = pa.Field(description="run that published it")

    class Config:
        strict = True
        coerce = True
