"""Loading and recognising sources: real reports accepted, everything else refused in one line."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from extractors.document import DocumentError, parse_document
from extractors.recognise import UnrecognisedDocument, recognise
from tests.conftest import CSRC_PDF, GOLDEN, RAW, REPORTS
from tests.extraction import load


@pytest.mark.parametrize("fmt", ["pdf", "txt"])
def test_cnnic_edition_read_from_its_own_text(fmt: str) -> None:
    expected = pd.read_csv(GOLDEN / "edition.csv", dtype=str).set_index("source")
    row = {str(k): str(v) for k, v in expected.loc[REPORTS[fmt].name].items()}
    edition = recognise(load(REPORTS[fmt]))
    assert edition.kind == row["kind"] and edition.lang == row["lang"]
    assert edition.edition == int(row["edition"])
    assert edition.published == date.fromisoformat(row["published"])
    assert edition.period_end == date.fromisoformat(row["period_end"])


def test_pdf_pages_are_read() -> None:
    doc = load(REPORTS["pdf"])
    assert doc.format == "pdf" and len(doc.pages) == 44
    assert "Allocation of IPv4 Addresses among Organizations" in doc.pages[36]


def test_csrc_pdf_is_rejected_with_a_reason() -> None:
    doc = load(CSRC_PDF)
    with pytest.raises(UnrecognisedDocument, match="not a known report"):
        recognise(doc)


def test_news_text_is_recognised_as_news_not_a_report() -> None:
    edition = recognise(load(RAW / "news" / "2025-01-china-boasts-1.1-billion-internet-users.txt"))
    assert (edition.kind, edition.lang, edition.edition) == ("news", "en", None)


def test_other_english_text_without_articles_is_unknown() -> None:
    with pytest.raises(UnrecognisedDocument, match="not English news text"):
        recognise(parse_document("list.txt", b"alpha\nbeta\ngamma\n"))


@pytest.mark.parametrize("suffix", ["pdf", "txt"])
def test_isc_report_and_its_reporting_year(suffix: str) -> None:
    # 中国互联网发展报告（2024）: the 2024 report, figures for the year 2023
    edition = recognise(load(RAW / "reports" / f"isc-2024-zh.{suffix}"))
    assert (edition.kind, edition.lang, edition.edition) == ("isc", "zh", 2024)
    assert edition.period_end == date(2023, 12, 31) and edition.published is None


def test_cutoff_missing_is_refused() -> None:
    text = REPORTS["txt"].read_text(encoding="utf-8")
    without = text.replace("deadline of the statistical survey data", "end of the survey").replace(
        "deadline for the above statistical data", "end of the above data"
    )
    with pytest.raises(UnrecognisedDocument, match="cut-off"):
        recognise(parse_document("x.txt", without.encode()))


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.pdf", b"  \n", "empty file"),
        ("binary.txt", b"\x00\x01\x02PK\x03\x04", "binary data"),
        ("latin1.txt", "Caf\u00e9".encode("latin-1"), "not UTF-8"),
        ("notes.docx", b"hello", "unsupported file type"),
        ("fake.pdf", b"this is not a pdf at all", "not a readable PDF"),
    ],
)
def test_unusable_files_get_one_line_reasons(name: str, data: bytes, reason: str) -> None:
    with pytest.raises(DocumentError) as info:
        parse_document(name, data)
    assert reason in str(info.value)
    assert "\n" not in str(info.value)
    assert str(info.value).startswith(name)


def test_truncated_pdf_is_refused() -> None:
    data = REPORTS["pdf"].read_bytes()
    with pytest.raises(DocumentError, match="truncated PDF"):
        parse_document("truncated.pdf", data[: len(data) // 3])


def test_pdf_without_text_layer_is_refused() -> None:
    import io

    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    pdf.new_page(595, 842)
    buffer = io.BytesIO()
    pdf.save(buffer)
    with pytest.raises(DocumentError, match="no text layer"):
        parse_document("image-only.pdf", buffer.getvalue())


GOOD_PAGE = "截至2023年底，5G基站数达337.7万个，同比增长46.1%。" * 3
GARBLED = {
    "(cid:NN) glyph codes": "(cid:12)(cid:34)(cid:56)(cid:78) (cid:90)(cid:11)(cid:13)" * 2,
    "replacement or private-use characters": "\ufffd\ufffd\ufffd\ufffd 中国互联网发展报告 " * 3,
    "implausible script": "ÖÐ¹ú»¥ÁªÍø·¢Õ¹±¨¸æ ½ØÖÁ2023Äêµ×" * 2,
}


@pytest.mark.parametrize("reason", sorted(GARBLED))
def test_garbled_page_is_named(reason: str) -> None:
    from extractors.document import page_problem, text_layer_error

    assert page_problem(GOOD_PAGE) is None
    assert reason in (page_problem(GARBLED[reason]) or "")
    message = text_layer_error((GOOD_PAGE, GOOD_PAGE, GARBLED[reason], GOOD_PAGE))
    assert message is not None and "pages 3 of 4" in message and reason in message


def test_mostly_empty_text_layer_is_refused_a_few_blank_pages_are_not() -> None:
    from extractors.document import text_layer_error

    assert text_layer_error((GOOD_PAGE, "", GOOD_PAGE, GOOD_PAGE)) is None
    message = text_layer_error(("", " ", GOOD_PAGE, "", "\n"))
    assert message == (
        "unusable text layer on pages 1-2, 4-5 of 5 (no text): fonts without ToUnicode maps?"
    )


def test_real_pdfs_have_usable_text_layers() -> None:
    from extractors.document import text_layer_error

    for path in (REPORTS["pdf"], RAW / "reports" / "isc-2024-zh.pdf", CSRC_PDF):
        assert text_layer_error(load(path).pages) is None
