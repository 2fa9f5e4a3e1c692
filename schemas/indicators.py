"""Figures stated in text (reports, news) → one row per indicator, period and source."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from extractors.vocabulary import load_vocabulary
from schemas.provenance import Provenance

SOURCE_KINDS = ["report_table", "report_text", "isc", "news"]


def known_ids() -> set[str]:
    return set(load_vocabulary()["indicator_id"])


class Indicators(Provenance):
    """Narrative figures with their sentence; ids from extractors/data/indicators.csv."""

    indicator_id: Series[str] = pa.Field(
        nullable=True, description="vocabulary id; null for a figure no rule could name"
    )
    value: Series[float] = pa.Field(
        description="the number as printed (1.09967 of 1.09967 billion)"
    )
    unit: Series[str] = pa.Field(description='unit as printed ("billion", "%", "万", "亿元")')
    value_base: Series[float] = pa.Field(description="value in the vocabulary's base unit")
    qualifier: Series[str] = pa.Field(
        nullable=True, description='"over", "nearly", "about" … as printed, normalised'
    )
    source_kind: Series[str] = pa.Field(isin=SOURCE_KINDS, description="kind of source")
    lang: Series[str] = pa.Field(isin=["en", "zh"], description="language of the quote")
    quote: Series[str] = pa.Field(str_length={"min_value": 1}, description="the sentence")

    @pa.check("indicator_id", name="id_in_vocabulary")
    def id_in_vocabulary(cls, ids: Series[str]) -> Series[bool]:
        """every non-null indicator_id is defined in the vocabulary"""
        vocabulary = known_ids()
        return Series(ids.isna() | ids.isin(vocabulary))

    @pa.dataframe_check(name="one_row_per_indicator_and_period")
    def one_row(cls, df: pd.DataFrame) -> Series[bool]:
        """named indicators: one row per source, indicator and period"""
        named = df["indicator_id"].notna()
        key = ["source_sha256", "indicator_id", "period_end"]
        return Series(~(named & df.duplicated(subset=key, keep=False)))

    @pa.dataframe_check(name="quote_holds_the_figure")
    def quote_holds_raw(cls, df: pd.DataFrame) -> Series[bool]:
        """the printed figure appears in its quote"""
        return Series(
            [str(raw) in str(quote) for raw, quote in zip(df["raw"], df["quote"], strict=True)],
            index=df.index,
        )
