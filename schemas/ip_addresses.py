"""Appendix 2 IP-address datasets (CNNIC Tables 1–5)."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas.checks import equivalence_holds, shares_sum_to_total
from schemas.common import ProvinceRows, WithTotal
from schemas.provenance import Provenance


class Ipv4Counts(Provenance):
    addresses: Series[int] = pa.Field(ge=0, description="IPv4 addresses as printed")
    equivalence: Series[str] = pa.Field(
        str_matches=r"^(\d+A)?\+?(\d+B)?\+?(\d+C)?$", description="A/B/C equivalence as printed"
    )
    a_blocks: Series[int] = pa.Field(ge=0, description="/8 (A) blocks of the equivalence")
    b_blocks: Series[int] = pa.Field(ge=0, description="/16 (B) blocks of the equivalence")
    c_blocks: Series[int] = pa.Field(ge=0, description="/24 (C) blocks of the equivalence")

    @pa.dataframe_check(name="erratum_equivalence")
    def erratum_equivalence(cls, df: pd.DataFrame) -> Series[bool]:
        """addresses = a·2²⁴ + b·2¹⁶ + c·2⁸"""
        return Series(equivalence_holds(df))


class Ipv4ByRegion(Ipv4Counts):
    """IPv4 addresses per region (CNNIC Appendix 2 Table 1)."""

    region: Series[str] = pa.Field(str_length={"min_value": 1}, description="region as printed")

    class Config:
        unique = ("source_sha256", "region")


class Ipv4ByOrg(Ipv4Counts, WithTotal):
    """IPv4 addresses per organisation (CNNIC Appendix 2 Table 2)."""

    organization: Series[str] = pa.Field(
        str_length={"min_value": 1}, description="organisation as printed"
    )

    class Config:
        unique = ("source_sha256", "organization")


class Ipv6ByRegion(Provenance):
    """IPv6 /32 blocks per region (CNNIC Appendix 2 Table 3)."""

    region: Series[str] = pa.Field(str_length={"min_value": 1}, description="region as printed")
    blocks_32: Series[int] = pa.Field(ge=0, description="IPv6 addresses in /32 blocks")

    class Config:
        unique = ("source_sha256", "region")


class Ipv6ByOrg(WithTotal):
    """IPv6 /32 blocks per organisation (CNNIC Appendix 2 Table 4)."""

    organization: Series[str] = pa.Field(
        str_length={"min_value": 1}, description="organisation as printed"
    )
    blocks_32: Series[int] = pa.Field(ge=0, description="IPv6 addresses in /32 blocks")

    class Config:
        unique = ("source_sha256", "organization")


class Ipv4ShareByProvince(ProvinceRows):
    """Share of IPv4 addresses per province (CNNIC Appendix 2 Table 5)."""

    share_pct: Series[float] = pa.Field(ge=0, le=100, description="percent as printed")

    @pa.dataframe_check(name="one_total_per_source")
    def one_total(cls, df: pd.DataFrame) -> Series[bool]:
        """exactly one printed Total row per source"""
        return Series(df.groupby("source_sha256")["is_total"].transform("sum") == 1)

    @pa.dataframe_check(name="erratum_shares_sum_to_total")
    def erratum_shares_sum_to_total(cls, df: pd.DataFrame) -> Series[bool]:
        """printed Total = 100% = sum of the shares, within rounding"""
        return Series(shares_sum_to_total(df))

    class Config:
        unique = ("source_sha256", "province")
