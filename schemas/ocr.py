"""The report's own arithmetic as the safety net of rows read by OCR.

A row whose text came from OCR (``text_layer`` "ocr") is published only as far as the report's
checks vouch for it. After every dataset check and cross-table check of a source:

- a printed Total that does not add up (``erratum_parts_sum_to_total``,
  ``erratum_shares_sum_to_total``) makes the dataset structural: an OCR reading whose totals
  fail is not published;
- any other failed check on an OCR row (equivalence, growth, utilisation, cross-table
  agreement) adds ``ocr_unverified`` to the row, with the printed OCR text: the misreading
  may be the OCR's or the report's, a person looks at the page.

Rows the extractor already doubted (a word Tesseract read with low confidence) carry
``ocr_unverified`` from extraction (extractors.extract).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from extractors.ocr import OCR_UNVERIFIED
from schemas.checks import ERRATUM_PREFIX
from schemas.validate import Flag, Validated, add_flags, make_flag, row_at

TOTAL_CHECKS = frozenset({"erratum_parts_sum_to_total", "erratum_shares_sum_to_total"})


def ocr_rows(frame: pd.DataFrame) -> pd.Series:
    if frame.empty or "text_layer" not in frame.columns:
        return pd.Series(False, index=frame.index)
    return pd.Series(frame["text_layer"] == "ocr", index=frame.index)


def failed_checks(flags: object) -> list[str]:
    names = flags if isinstance(flags, list) else []
    return sorted(str(name) for name in names if str(name).startswith(ERRATUM_PREFIX))


def verify_dataset(validated: Validated) -> Validated:
    """One dataset of a source after all its checks (module docstring)."""
    frame = validated.frame
    if not validated.ok or not ocr_rows(frame).any():
        return validated
    read = frame[ocr_rows(frame)]
    failed = {
        int(str(index)): failed_checks(flags) for index, flags in read["quality_flags"].items()
    }
    totals = sorted(
        {f'"{row_at(frame, i)["raw"]}"' for i, names in failed.items() if TOTAL_CHECKS & {*names}}
    )
    if totals:
        problem = (
            f"{validated.dataset}: read by OCR and its printed total does not add up "
            f"(OCR text {', '.join(totals)}): not published"
        )
        return Validated(validated.dataset, frame, validated.flags, (problem,))
    doubted = {index: names for index, names in failed.items() if names}
    if not doubted:
        return validated
    flags: list[Flag] = []
    for index, names in doubted.items():
        row = row_at(frame, index)
        message = f'OCR text "{row["raw"]}" fails {", ".join(names)}'
        flags.append(make_flag(validated.dataset, OCR_UNVERIFIED, message, row))
    marked = add_flags(frame, {index: [OCR_UNVERIFIED] for index in doubted})
    return Validated(validated.dataset, marked, (*validated.flags, *flags), validated.structural)


def verify_ocr(validated: Mapping[str, Validated]) -> dict[str, Validated]:
    """Every dataset of one source checked as above (those without OCR rows unchanged)."""
    return {name: verify_dataset(v) for name, v in validated.items()}
