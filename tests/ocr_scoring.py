"""Scoring an OCR reading against the hand-typed goldens: each printed table row is exact,
flagged ``ocr_unverified`` (or withheld: its table was not published), or wrong and unflagged."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from extractors.ocr import OCR_UNVERIFIED
from schemas.validate import Validated
from tests.goldens import LOCATION_COLUMNS, as_text, golden, same

# compared apart: the flags an OCR row may gain, and the printed row text
NOT_COMPARED = (*LOCATION_COLUMNS, "quality_flags")


@dataclass
class Score:
    """Rows read exactly (``exact_flagged`` of them still flagged: the check could not vouch
    for them), read wrong but flagged, withheld with their table, and wrong and unflagged."""

    exact: int = 0
    exact_flagged: int = 0
    flagged: int = 0
    withheld: int = 0
    wrong: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.exact + self.flagged + self.withheld + len(self.wrong)

    def add(self, other: Score) -> None:
        self.exact += other.exact
        self.exact_flagged += other.exact_flagged
        self.flagged += other.flagged
        self.withheld += other.withheld
        self.wrong += other.wrong


def row_differences(got: pd.Series, printed: Mapping[str, str]) -> list[str]:
    differences = [
        f"{column}: {as_text(got[column])!r} read, {printed[column]!r} printed"
        for column in printed
        if column not in NOT_COMPARED and not same(got[column], printed[column])
    ]
    flags = set(got["quality_flags"]) - {OCR_UNVERIFIED}
    expected = {flag for flag in printed.get("quality_flags", "").split(";") if flag}
    if expected - flags:
        differences.append(f"quality_flags: {sorted(flags)} read, {sorted(expected)} printed")
    return differences


def score_dataset(validated: Validated | None, dataset: str) -> Score:
    """Rows of one table: withheld if not published (or not read), else row by row."""
    expected = golden(dataset)
    if validated is None or not validated.ok:
        return Score(withheld=len(expected))
    frame = validated.frame.reset_index(drop=True)
    if len(frame) != len(expected):
        return Score(wrong=[f"{dataset}: {len(frame)} rows read, {len(expected)} printed"])
    score = Score()
    for i, record in enumerate(expected.to_dict("records")):
        printed = {str(column): str(value) for column, value in record.items()}
        got = frame.iloc[i]
        differences = row_differences(got, printed)
        marked = OCR_UNVERIFIED in got["quality_flags"]
        if not differences:
            score.exact += 1
            score.exact_flagged += marked
        elif marked:
            score.flagged += 1
        else:
            score.wrong.append(f"{dataset} row {i}: {'; '.join(differences)}")
    return score


def score(validated: Mapping[str, Validated], datasets: list[str]) -> Score:
    total = Score()
    for dataset in datasets:
        total.add(score_dataset(validated.get(dataset), dataset))
    return total
