"""Every section, from the PDF and from the text dump, cell by cell against hand-typed goldens."""

from __future__ import annotations

import pandas as pd
import pytest

from extractors.sections import all_specs
from extractors.spec import SectionSpec
from tests.conftest import GOLDEN, REPORTS
from tests.extraction import validated
from tests.goldens import as_text, assert_matches_golden, golden

SPECS = [
    spec
    for spec in all_specs()
    if isinstance(spec, SectionSpec) and spec.doc_kind == "cnnic" and spec.lang == "en"
]


@pytest.mark.parametrize("fmt", ["pdf", "txt"])
@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.id)
def test_section_matches_golden(spec: object, fmt: str) -> None:
    dataset = spec.dataset  # type: ignore[attr-defined]
    result = validated(REPORTS[fmt])[dataset]
    assert result.ok, result.structural
    assert_matches_golden(result.frame, dataset)
    got = result.frame.reset_index(drop=True)
    location = "page" if fmt == "pdf" else "line"
    golden_location = "pdf_page" if fmt == "pdf" else "txt_line"
    for i, row in enumerate(golden(dataset).to_dict("records")):
        assert as_text(got[location].iloc[i]) == row[golden_location], (
            f"{dataset} row {i} {location}"
        )


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.id)
def test_pdf_and_text_agree(spec: object) -> None:
    dataset = spec.dataset  # type: ignore[attr-defined]
    per_format = [validated(REPORTS[fmt])[dataset].frame for fmt in ("pdf", "txt")]
    format_specific = ["source_sha256", "source_path", "source_format", "text_layer"]
    format_specific += ["page", "line", "raw"]
    pdf, txt = (frame.drop(columns=format_specific).reset_index(drop=True) for frame in per_format)
    pd.testing.assert_frame_equal(pdf, txt)


def test_every_golden_file_has_a_spec() -> None:
    datasets = {spec.dataset for spec in SPECS}
    files = {path.stem for path in GOLDEN.glob("*.csv")} - {"edition", "indicators"}
    assert files == datasets
