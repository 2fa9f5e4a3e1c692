"""The HTML quality report, rendered by a real headless Chromium, shows the flagged rows; the
same summary is a Prefect artifact of the run."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client

from flows.pipeline import process_sources
from tests.conftest import REPORTS

pytestmark = pytest.mark.usefixtures("prefect_harness")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def rendered_dom(page: Path, profile: Path) -> str:
    assert CHROMIUM, "chromium is not installed (make test installs Debian's chromium)"
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return result.stdout


def test_html_report_renders_the_flagged_rows(workdir: Path) -> None:
    result = process_sources(list(REPORTS.values()), workdir / "curated")
    assert result.report_path is not None and result.report_path.suffix == ".html"
    dom = rendered_dom(result.report_path, workdir / "chromium-profile")
    flagged = re.findall(r'<tr class="flag">(.*?)</tr>', dom, re.S)
    # two equivalence errata, once each: the PDF and the text dump are one publication
    assert len(flagged) == 2
    cernet = [row for row in flagged if "China Education and Research Network" in row]
    assert len(cernet) == 1
    assert all("erratum_equivalence" in row and "16,650,240" in row for row in cernet)
    assert "p. 37" in cernet[0]  # the PDF's row is the one listed
    assert "first version" in dom  # changes against the previous version, per dataset


def test_quality_summary_is_a_prefect_artifact(workdir: Path) -> None:
    result = process_sources([REPORTS["txt"]], workdir / "curated")

    async def latest() -> str:
        async with get_client() as client:
            artifact = await client.read_latest_artifacts()
            chosen = [a for a in artifact if a.key == "cninet-quality-report"]
            return str(chosen[0].data) if chosen else ""

    markdown = asyncio.run(latest())
    assert result.run_id in markdown and "erratum_equivalence" in markdown
