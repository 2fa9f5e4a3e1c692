"""Every section, from the PDF and from the text dump, cell by cell against hand-typed goldens."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from extractors.sections import all_specs
from extractors.spec import SectionSpec
from tests.conftest import GOLDEN, REPORTS
from tests.extraction import validated

SPECS = [
    spec
    for spec in all_specs()
    if isinstance(spec, SectionSpec) and spec.doc_kind == "cnnic" and spec.lang == "en"
]
LIST_COLUMNS = {"notes", "quality_flags"}


def golden(dataset: str) -> pd.DataFrame:
    path = GOLDEN / f"{dataset}.csv"
    assert path.exists(), f"missing golden file {path} (a spec without a golden fails)"
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def same(got: object, printed: str) -> bool:
    """Cell equality: numbers numerically (97.0 == "97.0", 392347136.0 == "392347136")."""
    text = as_text(got)
    try:
        return float(text) == float(printed)
    except ValueError:
        return text == printed


def as_text(value: object) -> str:
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, list):
        return ";".join(value)
    if isinstance(value, bool | np.bool_):
        return str(value).lower()
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return str(value)


@pytest.mark.parametrize("fmt", ["pdf", "txt"])
@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.id)
def test_section_matches_golden(spec: object, fmt: str) -> None:
    dataset = spec.dataset  # type: ignore[attr-defined]
    result = validated(REPORTS[fmt])[dataset]
    assert result.ok, result.structural
    expected = golden(dataset)
    got = result.frame.reset_index(drop=True)
    assert len(got) == len(expected), f"{len(got)} rows extracted, {len(expected)} printed"
    location = "page" if fmt == "pdf" else "line"
    golden_location = "pdf_page" if fmt == "pdf" else "txt_line"
    for i, row in enumerate(expected.to_dict("records")):
        for column in expected.columns:
            if column in ("pdf_page", "txt_line"):
                continue
            assert same(got[column].iloc[i], row[column]), (
                f"{dataset} row {i} ({row[expected.columns[0]]}) column {column}"
            )
        assert as_text(got[location].iloc[i]) == row[golden_location], (
            f"{dataset} row {i} {location}"
        )


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.id)
def test_pdf_and_text_agree(spec: object) -> None:
    dataset = spec.dataset  # type: ignore[attr-defined]
    per_format = [validated(REPORTS[fmt])[dataset].frame for fmt in ("pdf", "txt")]
    format_specific = ["source_sha256", "source_path", "source_format", "page", "line", "raw"]
    pdf, txt = (frame.drop(columns=format_specific).reset_index(drop=True) for frame in per_format)
    pd.testing.assert_frame_equal(pdf, txt)


def test_every_golden_file_has_a_spec() -> None:
    datasets = {spec.dataset for spec in SPECS}
    files = {path.stem for path in GOLDEN.glob("*.csv")} - {"edition", "indicators"}
    assert files == datasets
