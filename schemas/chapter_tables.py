"""CNNIC chapter tables (Tables 1–4) and the remaining appendix tables (6–7)."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas.checks import growth_matches, utilization_matches
from schemas.common import ProvinceRows, WithTotal
from schemas.provenance import Provenance


class BasicResources(Provenance):
    """Basic internet resources, value as printed and in base units (CNNIC Table 1)."""

    category: Series[str] = pa.Field(str_length={"min_value": 1}, description="as printed")
    unit: Series[str] = pa.Field(description='unit as printed ("1", "10,000", "100 million")')
    value: Series[float] = pa.Field(ge=0, description="value as printed")
    value_base: Series[float] = pa.Field(
        ge=0, description="value in base units (persons, addresses, /32 blocks, km, ports)"
    )

    class Config:
        unique = ("source_sha256", "category")


class DomainsByTld(WithTotal):
    """Domain names per category (CNNIC Table 2)."""

    category: Series[str] = pa.Field(str_length={"min_value": 1}, description="as printed")
    domains: Series[int] = pa.Field(ge=0, description="number of domain names")

    class Config:
        unique = ("source_sha256", "category")


class CnDomainsByLevel(DomainsByTld):
    """.CN domain names per second level (CNNIC Table 3)."""


class ApplicationUsers(Provenance):
    """Users per internet application and period (CNNIC Table 4)."""

    application: Series[str] = pa.Field(str_length={"min_value": 1}, description="as printed")
    users_10k: Series[int] = pa.Field(ge=0, description="users in 10,000 persons, as printed")
    users: Series[int] = pa.Field(ge=0, description="users (persons)")
    utilization_pct: Series[float] = pa.Field(
        ge=0, le=100, description="share of internet users, percent as printed"
    )
    growth_pct: Series[float] = pa.Field(
        nullable=True, description="growth since the earlier period, on the later row"
    )

    @pa.dataframe_check(name="users_are_users_10k")
    def users_scaled(cls, df: pd.DataFrame) -> Series[bool]:
        """users = users_10k × 10,000"""
        return Series(df["users"] == df["users_10k"] * 10_000)

    @pa.dataframe_check(name="erratum_growth")
    def erratum_growth(cls, df: pd.DataFrame) -> Series[bool]:
        """printed growth ≈ later ÷ earlier users − 1 (±0.1 pp)"""
        return Series(growth_matches(df))

    @pa.dataframe_check(name="erratum_utilization")
    def erratum_utilization(cls, df: pd.DataFrame) -> Series[bool]:
        """printed utilisation ≈ users ÷ the period's internet users (±0.1 pp)"""
        return Series(utilization_matches(df))

    class Config:
        unique = ("source_sha256", "application", "period_end")


class DomainsByProvince(ProvinceRows, WithTotal):
    """Domain names per province (CNNIC Appendix 2 Table 6)."""

    total_domains: Series[int] = pa.Field(ge=0, description="all domain names")
    cn_domains: Series[int] = pa.Field(ge=0, description=".CN domain names")
    zhongguo_domains: Series[int] = pa.Field(ge=0, description=".中国 domain names")

    class Config:
        unique = ("source_sha256", "province")


class UsersByProvince(ProvinceRows):
    """Internet users per province at the end of the year before the edition (App. 2 T7)."""

    users_10k: Series[int] = pa.Field(ge=0, description="users in 10,000 persons, as printed")
    users: Series[int] = pa.Field(ge=0, description="users (persons)")

    class Config:
        unique = ("source_sha256", "province")
