"""The real Prefect flows (ephemeral API) into real Delta tables in a temp dir."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from deltalake import DeltaTable
from typer.testing import CliRunner

from cninet import store
from cninet.store import read
from flows.cli import app
from flows.pipeline import process_raw, process_source, process_sources
from schemas.models import DATASETS
from tests.conftest import CNNIC_DATASETS, CSRC_PDF, GOLDEN, RAW, REPORTS

pytestmark = pytest.mark.usefixtures("prefect_harness")
# Printed rows per dataset, from the hand-typed golden files.
ROWS = {name: len(pd.read_csv(GOLDEN / f"{name}.csv")) for name in CNNIC_DATASETS}


@pytest.fixture()
def raw(workdir: Path) -> Path:
    folder = workdir / "raw" / "reports"
    folder.mkdir(parents=True)
    for path in REPORTS.values():
        shutil.copy(path, folder / path.name)
    return workdir / "raw"


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_run_publishes_versions_reruns_idempotently_and_time_travels(
    raw: Path, workdir: Path
) -> None:
    curated = workdir / "curated"
    sources = sorted(raw.rglob("*.*"))
    first = process_sources(sources, curated)
    assert {
        p.dataset: (p.version, p.rows, p.changed) for p in first.published if p.dataset in ROWS
    } == {name: (0, 2 * rows, True) for name, rows in ROWS.items()}
    history = DeltaTable(str(curated / "ipv4_by_org")).history()
    meta = history[0]
    assert meta["run_id"] == first.run_id
    assert sorted(json.loads(meta["source_sha256s"])) == sorted({s.sha256 for s in first.sources})
    assert json.loads(meta["sections"]) == ["ipv4_by_org"]
    assert meta["code_version"].startswith("0.")

    again = process_sources(sources, curated)
    assert all(not p.changed and p.version == 0 for p in again.published)
    assert DeltaTable(str(curated / "ipv4_by_org")).version() == 0

    # A later edition of the text (other numbers) is a new source: a new version, old one intact.
    edited = raw / "reports" / "cnnic-55-en.txt"
    edited.write_text(
        REPORTS["txt"]
        .read_text(encoding="utf-8")
        .replace("Others\t821 note 4", "Others\t921 note 4")
        .replace("The 54th Statistical Report", "The 55th Statistical Report"),
        encoding="utf-8",
    )
    third = process_sources([edited], curated)
    assert {p.dataset: p.version for p in third.published if p.dataset in ROWS} == dict.fromkeys(
        ROWS, 1
    )
    latest = read(curated, "ipv6_by_org", all_formats=True)
    assert sorted(set(latest["edition"])) == [54, 55]
    assert len(read(curated, "ipv6_by_org", version=0, all_formats=True)) == 16
    assert len(read(curated, "ipv6_by_org", version=0)) == 8  # each printed fact once
    assert len(latest) == 24
    others = latest[(latest["organization"] == "Others") & (latest["edition"] == 55)]
    assert others["blocks_32"].tolist() == [921]
    total_55 = latest[(latest["is_total"]) & (latest["edition"] == 55)]
    assert total_55["quality_flags"].map(list).tolist() == [["erratum_parts_sum_to_total"]]
    assert len(read(curated, "ipv6_by_org", edition=54, all_formats=True)) == 16


def test_quality_report_lists_every_flag_with_printed_text_and_place(
    raw: Path, workdir: Path
) -> None:
    result = process_sources(sorted(raw.rglob("*.*")), workdir / "curated")
    assert result.report_path is not None
    assert result.report_path.suffix == ".html"
    report = result.report_path.with_suffix(".md").read_text(encoding="utf-8")
    assert result.report_path.parent == workdir / "curated" / "_reports"
    group = report.split("### `erratum_equivalence` — cnnic edition 54 (2)")[1].split("##")[0]
    lines = [line for line in group.splitlines() if line.startswith("| ipv4_by_org")]
    assert len(lines) == 2  # each erratum once for the edition, with the PDF's and text's place
    alliance = next(line for line in lines if "IP Address Allocation Alliance" in line)
    assert "62,947,328^{Note2}" in alliance and "62,947,328 note 2" in alliance
    assert "pdf p. 37" in alliance and "txt line 917" in alliance
    assert any("16,649,984" in line and "line 919" in line for line in lines)
    assert "62,938,624" in report  # what 3A+192B+94C really is
    assert len(result.all_flags) == 4 and len(result.flags) == 2


def test_cli_run_summary_and_export(raw: Path, workdir: Path) -> None:
    code, out, err = cli("--curated", "cur", "run", "--raw", "raw")
    assert code == 0, err
    assert "ipv4_by_org" in out and "quality report:" in out
    report = next((workdir / "cur" / "_reports").glob("*.html"))
    assert str(report.name) in out.replace("\n", "")

    code, out, err = cli("--curated", "cur", "export", "--format", "csv", "--out", "export")
    assert code == 0, err
    for dataset in CNNIC_DATASETS:
        frame = pd.read_csv(workdir / "export" / "csv" / f"{dataset}.csv")
        assert len(frame) == ROWS[dataset]  # each printed fact once (the PDF's rows)
        assert set(frame.columns) == set(DATASETS[dataset].to_schema().columns)
    org = pd.read_csv(workdir / "export" / "csv" / "ipv4_by_org.csv")
    cernet = org[org["organization"] == "China Education and Research Network"]
    assert cernet["addresses"].tolist() == [16649984]
    assert cernet["quality_flags"].tolist() == ['["erratum_equivalence"]']

    code, _, err = cli("--curated", "cur", "export", "--out", "old", "--version", "7")
    assert code == 2 and "no dataset has version 7" in err


def test_unknown_pdf_named_explicitly_is_rejected_and_nothing_published(workdir: Path) -> None:
    shutil.copy(CSRC_PDF, workdir / CSRC_PDF.name)
    code, _, err = cli("--curated", "cur", "run", CSRC_PDF.name)
    assert code == 1
    assert f"error: {CSRC_PDF.name}: not a known report" in " ".join(err.split())
    assert not any((workdir / "cur" / name).exists() for name in DATASETS)


def test_structural_failure_exits_non_zero_and_keeps_the_published_version(
    raw: Path, workdir: Path
) -> None:
    assert cli("--curated", "cur", "run", "--raw", "raw")[0] == 0
    text = REPORTS["txt"].read_text(encoding="utf-8")
    broken = workdir / "broken.txt"
    broken.write_text(
        text.replace("Macau\t337,920\t5B+40C", "Macau\t337,920\t5B+40X").replace(
            "The 54th Statistical Report", "The 56th Statistical Report"
        ),
        encoding="utf-8",
    )
    code, _, err = cli("--curated", "cur", "run", "broken.txt")
    assert code == 1 and "5B+40X" in err
    assert DeltaTable(str(workdir / "cur" / "ipv4_by_region")).version() == 0
    assert DeltaTable(str(workdir / "cur" / "ipv4_by_org")).version() == 1  # others still publish


def test_missing_path_is_a_usage_error(workdir: Path) -> None:
    code, _, err = cli("--curated", "cur", "run", "nope.pdf")
    assert code == 2 and "no such file" in err


def test_readme_reading_example_runs(raw: Path, workdir: Path) -> None:
    """The README's Python example, executed as written against freshly published tables."""
    assert cli("run", "--raw", "raw")[0] == 0
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Reading the curated tables", 1)[1]
    code = section.split("```python", 1)[1].split("```", 1)[0]
    scope: dict[str, object] = {}
    exec(compile(code, "README.md", "exec"), scope)
    assert scope["top"] == [
        ("China Telecom", 125763328),
        ("China Unicom", 69866752),
        ("IP Address Allocation Alliance of CNNIC", 62947328),
    ]
    assert scope["mainland"] == [64435]  # App. 2 Table 3, once: PDF and text are one edition
    users = scope["users"]
    assert isinstance(users, pd.DataFrame)
    assert users["value_base"].tolist() == [1_099_670_000]  # 1.09967 billion by June 2024
    flagged = scope["flagged"]
    assert isinstance(flagged, pd.DataFrame)
    assert sorted(set(flagged["organization"])) == [
        "China Education and Research Network",
        "IP Address Allocation Alliance of CNNIC",
    ]


def test_single_source_flow(workdir: Path) -> None:
    result = process_source(REPORTS["pdf"], workdir / "curated")
    assert [s.status for s in result.sources] == ["extracted"]
    assert {p.dataset: p.rows for p in result.published if p.dataset in ROWS} == ROWS


def test_failure_part_way_leaves_each_table_at_a_complete_version(
    raw: Path, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("--curated", "cur", "run", "--raw", "raw")[0] == 0
    edited = raw / "reports" / "cnnic-57-en.txt"
    edited.write_text(
        REPORTS["txt"]
        .read_text(encoding="utf-8")
        .replace("The 54th Statistical Report", "The 57th Statistical Report"),
        encoding="utf-8",
    )
    real = store.to_arrow

    def crash_on_region(dataset: str, frame: pd.DataFrame) -> object:
        if dataset == "ipv4_by_region":
            raise OSError("disk full")
        return real(dataset, frame)

    monkeypatch.setattr(store, "to_arrow", crash_on_region)
    code, _, err = cli("--curated", "cur", "run", "--raw", "raw")
    # the table that cannot be written is named; the others are still published
    assert code == 1 and err.strip() == "error: ipv4_by_region: not published (OSError: disk full)"
    versions = {name: DeltaTable(str(workdir / "cur" / name)).version() for name in CNNIC_DATASETS}
    assert versions["ipv4_by_region"] == 0  # untouched: still the complete first version
    assert versions["users_by_province"] == 1  # published after the failure, complete
    assert len(read(workdir / "cur", "ipv4_by_region", all_formats=True)) == 8
    assert len(read(workdir / "cur", "ipv4_by_org", all_formats=True)) == 24
    # 31 printed provinces for each of the three sources (54th PDF, 54th text, the new edition)
    assert len(read(workdir / "cur", "users_by_province", all_formats=True)) == 93

    monkeypatch.setattr(store, "to_arrow", real)
    assert cli("--curated", "cur", "run", "--raw", "raw")[0] == 0
    assert len(read(workdir / "cur", "ipv4_by_region", all_formats=True)) == 12


def test_everything_in_raw_reports_and_news(workdir: Path) -> None:
    """The bundled raw/ as `make run` sees it: CNNIC, ISC and news sources side by side."""
    shutil.copytree(RAW, workdir / "raw")
    result = process_raw(workdir / "raw", workdir / "curated")
    statuses = {Path(s.path).name: s.status for s in result.sources}
    assert set(statuses.values()) == {"extracted"}, statuses
    articles = read(workdir / "curated", "news_articles")
    assert len(articles) == 3
    assert articles["relevant"].tolist().count(False) == 1
    unrelated = articles[~articles["relevant"]]
    assert unrelated["title"].str.contains("Iran").all()
    indicators = read(workdir / "curated", "indicators")
    kinds = set(indicators["source_kind"])
    assert kinds == {"report_text", "isc", "news"}
    isc_5g = indicators[
        (indicators["source_kind"] == "isc") & (indicators["indicator_id"] == "base_stations_5g")
    ]
    assert set(isc_5g["value_base"]) == {3_377_000.0}  # 337.7万个, end of 2023
    news_users = indicators[
        (indicators["source_kind"] == "news") & (indicators["indicator_id"] == "internet_users")
    ]
    assert sorted(str(d)[:10] for d in news_users["period_end"]) == ["2020-12-31", "2024-12-31"]
    assert "reconciliation" in {p.dataset for p in result.published}
