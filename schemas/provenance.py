"""Columns every curated dataset carries, and the checks on them."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

# Columns holding lists of strings (pandas object dtype; Delta list<string>).
LIST_COLUMNS = frozenset({"quality_flags", "notes", "sources", "values", "publications"})


def is_string_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


class Provenance(pa.DataFrameModel):
    """Where each row came from and how it was made."""

    source_sha256: Series[str] = pa.Field(
        str_matches=r"^[0-9a-f]{64}$", description="sha256 of the raw source file"
    )
    source_path: Series[str] = pa.Field(description="path of the source under raw/")
    source_format: Series[str] = pa.Field(isin=["pdf", "txt"], description="pdf or txt")
    text_layer: Series[str] = pa.Field(
        isin=["pdf", "ocr", "text"],
        description="how the row's text was read: pdf (the PDF's text layer), ocr (page "
        "image read by OCR) or text (a text file)",
    )
    edition: Series[pd.Int64Dtype] = pa.Field(
        nullable=True, ge=1, description="report edition number (null for news)"
    )
    period_end: Series[pa.DateTime] = pa.Field(description="date the figure refers to")
    page: Series[pd.Int64Dtype] = pa.Field(
        nullable=True, ge=1, description="PDF page, 1-based (null for text sources)"
    )
    line: Series[pd.Int64Dtype] = pa.Field(
        nullable=True, ge=1, description="text line, 1-based (null for PDF sources)"
    )
    caption: Series[str] = pa.Field(description="printed caption, footnote markers removed")
    raw: Series[str] = pa.Field(description="the row as printed, cells separated by tabs")
    extractor: Series[str] = pa.Field(
        str_matches=r"^[a-z0-9_]+@\S+$", description="section extractor name@version"
    )
    run_id: Series[str] = pa.Field(str_length={"min_value": 1}, description="pipeline run id")
    is_total: Series[bool] = pa.Field(description="printed Total row")
    notes: Series[object] = pa.Field(description="footnote markers moved out of the cells")
    quality_flags: Series[object] = pa.Field(
        description="source-erratum checks this row fails (empty when clean)"
    )

    @pa.check("notes", "quality_flags", element_wise=True, name="list_of_strings")
    def list_of_strings(cls, value: Any) -> bool:
        return is_string_list(value)

    @pa.dataframe_check(name="page_or_line")
    def page_or_line(cls, df: pd.DataFrame) -> Series[bool]:
        """PDF rows carry a page, text rows a line."""
        pdf = df["source_format"] == "pdf"
        return Series(pdf & df["page"].notna() | ~pdf & df["line"].notna())

    class Config:
        strict = True
        coerce = True
