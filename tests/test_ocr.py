"""Scanned copies of the 54th edition read by OCR through the run's own steps (the bounded
reader child, the line reader, every section, validation with the report's arithmetic): every
table row exact against the hand-typed goldens, or flagged ``ocr_unverified`` (or its table
withheld), never wrong and unflagged. To keep the OCR time small only the cover and the pages
of the tables are scanned; the whole 44 pages are read in benchmarks/ocr_speed.py."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from cninet.process import PLAIN_STEPS, SourceOutcome, run_source
from extractors.ocr import OCR_UNVERIFIED, ocr_available
from extractors.sections import specs_for
from extractors.spec import SectionSpec
from tests.conftest import REPORT_PDF
from tests.ocr_scoring import score
from tests.scans import image_only_pdf

pytestmark = pytest.mark.skipif(ocr_available() is not None, reason=str(ocr_available()))

# 0-based: the cover (it names the edition) and the pages the tables are printed on
TABLE_PAGES = [0, 4, 5, 6, 16, 17, 36, 37, 38, 39, 40, 41]
TABLES = sorted({s.dataset for s in specs_for("cnnic", "en") if isinstance(s, SectionSpec)})


@pytest.fixture(scope="session")
def scans(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """Image-only copies of the table pages at 150 and 300 dpi (made once per session)."""
    folder = tmp_path_factory.mktemp("scans")
    data = REPORT_PDF.read_bytes()
    out = {}
    for dpi in (150, 300):
        out[dpi] = folder / f"cnnic-54-en-2024-08-scan-{dpi}.pdf"
        out[dpi].write_bytes(image_only_pdf(data, dpi, TABLE_PAGES))
    return out


@pytest.fixture(scope="session")
def readings(scans: dict[int, Path]) -> dict[int, SourceOutcome]:
    return {dpi: run_source(path, "test-ocr", PLAIN_STEPS) for dpi, path in scans.items()}


@pytest.mark.parametrize("dpi", [300, 150])
def test_every_table_row_is_exact_or_flagged(dpi: int, readings: dict[int, SourceOutcome]) -> None:
    outcome = readings[dpi]
    assert outcome.status == "extracted", outcome.reason
    result = score(outcome.validated, TABLES)
    assert result.wrong == []
    assert result.rows == 178  # the printed rows of the twelve tables
    # the rest flagged or withheld with their table; 169 (300 dpi) and 121 (150 dpi) of 178
    # exact when measured
    # (the second look at doubtful words, footnote markers read as digits)
    assert result.exact >= (165 if dpi == 300 else 115), result


def test_ocr_rows_say_so_and_doubts_carry_the_printed_text(
    readings: dict[int, SourceOutcome],
) -> None:
    validated = readings[300].validated
    frames = [v.frame for v in validated.values() if v.ok and not v.frame.empty]
    assert frames and all(set(frame["text_layer"]) == {"ocr"} for frame in frames)
    doubts = [f for v in validated.values() for f in v.flags if f.check == OCR_UNVERIFIED]
    for flag in doubts:
        assert flag.raw and f'OCR text "{flag.raw}"' in flag.message, flag.message


def test_the_report_arithmetic_flags_a_misread_number(readings: dict[int, SourceOutcome]) -> None:
    """Table 2 prints 62,947,328 for 3A+192B+94C (= 62,938,624): read by OCR, the row fails
    the equivalence and cannot be told from a misreading: it is flagged ocr_unverified."""
    frame = readings[300].validated["ipv4_by_org"].frame
    alliance = frame[frame["organization"].str.startswith("IP Address Allocation Alliance")]
    assert len(alliance) == 1
    flags = alliance["quality_flags"].iloc[0]
    assert "erratum_equivalence" in flags and OCR_UNVERIFIED in flags


def picture_pdf(path: Path) -> None:
    """An image-only PDF of a drawing with no writing on it."""
    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    for step in range(0, 600, 40):
        draw.ellipse((300 + step // 2, 400 + step, 900 - step // 2, 1000 + step // 3), width=6)
    buffer = io.BytesIO()
    image.save(buffer, "PDF", resolution=150.0)
    path.write_bytes(buffer.getvalue())


def letter_pdf(path: Path) -> None:
    """An image-only PDF of a page of English that is not a report."""
    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    text = "Dear neighbours, the garden party moves to Saturday afternoon this year."
    for row in range(12):
        draw.text((120, 200 + 60 * row), text, fill=0, font_size=36)
    buffer = io.BytesIO()
    image.save(buffer, "PDF", resolution=150.0)
    path.write_bytes(buffer.getvalue())


def test_an_image_without_writing_is_rejected_with_its_reason(tmp_path: Path) -> None:
    picture_pdf(tmp_path / "drawing.pdf")
    outcome = run_source(tmp_path / "drawing.pdf", "test-ocr", PLAIN_STEPS)
    assert outcome.status == "rejected"
    # whatever OCR makes of the strokes, it is no report's text
    assert "OCR" in outcome.reason, outcome.reason
    assert "no usable text" in outcome.reason or "not a known report" in outcome.reason


def test_an_image_of_something_else_is_rejected_as_not_a_report(tmp_path: Path) -> None:
    letter_pdf(tmp_path / "letter.pdf")
    outcome = run_source(tmp_path / "letter.pdf", "test-ocr", PLAIN_STEPS)
    assert outcome.status == "rejected"
    assert outcome.reason.startswith("image-only PDF read by OCR: "), outcome.reason


def test_the_quality_report_names_the_sources_read_by_ocr(
    readings: dict[int, SourceOutcome],
) -> None:
    from cninet.report import source_line

    assert source_line(readings[300]).kind == "cnnic (read by OCR)"
