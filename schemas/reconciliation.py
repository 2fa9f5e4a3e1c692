"""Reconciliation of figures across publications (derived from indicators)."""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series


class Reconciliation(pa.DataFrameModel):
    """Indicator × period stated by two or more publications: agree or conflict."""

    indicator_id: Series[str] = pa.Field(str_length={"min_value": 1}, description="vocabulary id")
    period_end: Series[pa.DateTime] = pa.Field(description="date the figures refer to")
    n_sources: Series[int] = pa.Field(ge=2, description="publications stating it")
    sources: Series[object] = pa.Field(description="publications: kind:edition or kind:file")
    values: Series[object] = pa.Field(description="each publication's figure as printed")
    min_value: Series[float] = pa.Field(description="smallest value, base units")
    max_value: Series[float] = pa.Field(description="largest value, base units")
    spread_pct: Series[float] = pa.Field(ge=0, description="(max − min) ÷ midpoint, percent")
    tolerance: Series[float] = pa.Field(
        ge=0, description="half the last printed digit of the least precise figure"
    )
    status: Series[str] = pa.Field(isin=["agree", "conflict"], description="agree / conflict")
    quality_flags: Series[object] = pa.Field(description='["conflict"] when they disagree')
    run_id: Series[str] = pa.Field(description="run that computed it")

    class Config:
        strict = True
        coerce = True
        unique = ("indicator_id", "period_end")
