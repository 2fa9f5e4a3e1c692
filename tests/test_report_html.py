"""The quality report as an analyst reads it, rendered by a real headless Chromium: errata once
per publication with every place printed, the headline series of a new edition beside the
previous one with a chart, Chinese text in a CJK font; the Markdown is a Prefect artifact."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest
from prefect.client.orchestration import get_client

from flows.pipeline import process_sources
from tests.conftest import RAW, REPORTS
from tests.editions import write_editions

pytestmark = pytest.mark.usefixtures("prefect_harness")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def chromium(page: Path, profile: Path, *action: str) -> str:
    assert CHROMIUM, "chromium is not installed (make test installs Debian's chromium)"
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={profile}", *action, page.as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return result.stdout


def rendered_dom(page: Path, profile: Path) -> str:
    return chromium(page, profile, "--dump-dom")


def test_html_report_renders_the_flagged_rows(workdir: Path) -> None:
    result = process_sources(list(REPORTS.values()), workdir / "curated")
    assert result.report_path is not None and result.report_path.suffix == ".html"
    dom = rendered_dom(result.report_path, workdir / "chromium-profile")
    flagged = re.findall(r'<tr class="flag">(.*?)</tr>', dom, re.S)
    # the two equivalence errata of the 54th, each once although the PDF and the text print it
    assert len(flagged) == 2
    (group,) = re.findall(r'<h3 class="flag-group">(.*?)</h3>', dom, re.S)
    assert "erratum_equivalence" in group and "cnnic edition 54 (2)" in group
    (cernet,) = [row for row in flagged if "China Education and Research Network" in row]
    assert "16,650,240" in cernet
    assert "cnnic-54-en-2024-08.pdf p. 37; cnnic-54-en-2024-08.txt line 919" in cernet
    assert "first version" in dom  # changes against the previous version, per dataset
    # one edition in the store: each headline series has no previous period yet
    rows = dict(re.findall(r'data-indicator="(\w+)">(.*?)</tr>', dom, re.S))
    assert "1,099,670,000" in rows["internet_users"]  # 1.09967 billion, June 2024


def test_quality_summary_is_a_prefect_artifact(workdir: Path) -> None:
    result = process_sources([REPORTS["txt"]], workdir / "curated")

    async def latest() -> str:
        async with get_client() as client:
            artifact = await client.read_latest_artifacts()
            chosen = [a for a in artifact if a.key == "cninet-quality-report"]
            return str(chosen[0].data) if chosen else ""

    markdown = asyncio.run(latest())
    assert result.run_id in markdown and "erratum_equivalence" in markdown


def test_a_second_edition_heads_the_report_with_its_change_and_a_chart(workdir: Path) -> None:
    curated = workdir / "curated"
    process_sources([REPORTS["txt"]], curated)
    (edition_55,) = write_editions(workdir / "raw", [55])
    result = process_sources([edition_55], curated)
    assert result.report_path is not None
    markdown = result.report_path.with_suffix(".md").read_text(encoding="utf-8")
    # 54th: 1.09967 billion (June 2024); 55th: 1,107.88 million (Dec. 2024):
    # +8.21 million = +0.75 % of 1,099.67 million; penetration 78.0 % → 78.6 %
    assert (
        "| Internet users (`internet_users`) | 2024-12-31 | 1,107,880,000 | 2024-06-30 | "
        "1,099,670,000 | +8,210,000 (+0.75 %) |"
    ) in markdown
    assert (
        "| Internet penetration rate (`internet_penetration_pct`) | 2024-12-31 | 78.6 % | "
        "2024-06-30 | 78.0 % | +0.6 pp |"
    ) in markdown
    dom = rendered_dom(result.report_path, workdir / "chromium-profile")
    rows = dict(re.findall(r'data-indicator="(\w+)">(.*?)</tr>', dom, re.S))
    chart = re.search(r"<svg[^>]*>.*?</svg>", rows["internet_users"], re.S)
    assert chart is not None and "<script" not in dom and "href" not in chart.group(0)
    (points,) = re.findall(r'<polyline[^>]*points="([^"]+)"', chart.group(0))
    assert len(points.split()) == 2  # June 2024, December 2024
    titles = re.findall(r"<title>(.*?)</title>", chart.group(0))
    assert titles == ["2024-06-30: 1,099,670,000", "2024-12-31: 1,107,880,000"]


def test_chinese_text_renders_in_a_cjk_font(workdir: Path) -> None:
    """A source named in Chinese: Chromium prints the report to PDF with a CJK font."""
    raw = workdir / "raw"
    raw.mkdir()
    named = raw / "中国互联网发展报告2024.txt"
    named.write_bytes((RAW / "reports" / "isc-2024-zh.txt").read_bytes())
    result = process_sources([named], workdir / "curated", raw=raw)
    assert result.report_path is not None
    pdf = workdir / "report.pdf"
    chromium(result.report_path, workdir / "profile", "--no-pdf-header-footer",
             f"--print-to-pdf={pdf}")  # fmt: skip
    with pdfplumber.open(pdf) as document:
        chars = [c for page in document.pages for c in page.chars]
    fonts = {c["fontname"].split("+")[-1] for c in chars if c["text"] in "中国互联网发展报告"}
    assert fonts and all("CJK" in font for font in fonts), fonts
