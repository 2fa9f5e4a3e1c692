"""Reusable schema pieces: tables with a printed Total row, province tables."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas.checks import one_total_per_source, parts_sum_to_total
from schemas.provenance import Provenance


class WithTotal(Provenance):
    """A table that prints a Total row: exactly one per source, equal to the rows above."""

    @pa.dataframe_check(name="one_total_per_source")
    def one_total_per_source(cls, df: pd.DataFrame) -> Series[bool]:
        """exactly one printed Total row per source"""
        return Series(one_total_per_source(df))

    @pa.dataframe_check(name="erratum_parts_sum_to_total")
    def erratum_parts_sum_to_total(cls, df: pd.DataFrame) -> Series[bool]:
        """printed Total = sum of the rows above it, per count column"""
        return Series(parts_sum_to_total(df))


class ProvinceRows(Provenance):
    """Rows per province as printed, with the standard name from the crosswalk."""

    province: Series[str] = pa.Field(str_length={"min_value": 1}, description="as printed")
    province_std: Series[str] = pa.Field(
        str_length={"min_value": 1},
        description="standard name from extractors/data/provinces.csv",
    )
