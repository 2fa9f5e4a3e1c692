"""Reruns of one section, versions, diffs, show, and the data dictionary written with exports."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest
from deltalake import DeltaTable
from typer.testing import CliRunner

import extractors.sections as sections
from cninet.store import read
from cninet.versions import diff, versions
from flows.cli import app
from tests.conftest import CNNIC_DATASETS, REPORTS, copy_template, published_template

pytestmark = pytest.mark.usefixtures("prefect_harness")


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), terminal_width=200)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def template(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return published_template(tmp_path_factory, list(REPORTS.values()))


@pytest.fixture()
def published(template: Path, workdir: Path) -> Path:
    return copy_template(template, workdir)


def table_versions(curated: Path) -> dict[str, int]:
    return {name: DeltaTable(str(curated / name)).version() for name in CNNIC_DATASETS}


def test_rerun_one_section_publishes_only_its_dataset(
    published: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = table_versions(published)
    # An extractor fix: the same section at a new version.
    fixed = tuple(
        dataclasses.replace(spec, version="2") if spec.id == "ipv6_by_org" else spec
        for spec in sections.all_specs()
    )
    monkeypatch.setattr(sections, "all_specs", lambda: fixed)
    code, _, err = cli("--curated", "cur", "rerun", "--edition", "54", "--section", "ipv6_by_org")
    assert code == 0, err
    after = table_versions(published)
    assert after == {**before, "ipv6_by_org": before["ipv6_by_org"] + 1}
    rows = read(published, "ipv6_by_org", all_formats=True)
    assert set(rows["extractor"]) == {"ipv6_by_org@2"} and len(rows) == 16

    change = diff(published, "ipv6_by_org", before["ipv6_by_org"])
    assert change.added.empty and change.removed.empty
    assert set(change.changed["column"]) == {"extractor"} and len(change.changed) == 16
    history = versions(published, "ipv6_by_org")
    assert [v.version for v in history] == [1, 0]
    assert history[0].sections == ("ipv6_by_org",) and history[0].rows == 16


def test_rerun_a_chapter_of_another_edition_changes_nothing(published: Path) -> None:
    before = table_versions(published)
    code, _, err = cli("--curated", "cur", "rerun", "--edition", "53", "--chapter", "appendix-2")
    assert code == 2  # a no-op request: nothing to re-extract
    assert err.strip() == "error: nothing to do: edition 53 was never processed (known: 54)"
    assert table_versions(published) == before


def test_rerun_names_unknown_chapters(published: Path) -> None:
    code, _, err = cli("--curated", "cur", "rerun", "--edition", "54", "--chapter", "chapter-9")
    assert code == 2 and "unknown chapter/section: chapter-9" in err


def test_versions_diff_and_show_commands(published: Path) -> None:
    code, out, _ = cli("--curated", "cur", "versions", "ipv4_by_org")
    assert code == 0 and "ipv4_by_org" in out and "16" in out
    code, out, _ = cli("--curated", "cur", "diff", "ipv4_by_org", "--from", "0")
    assert code == 0 and "0 rows added, 0 removed, 0 cells changed" in out
    code, out, _ = cli("--curated", "cur", "show", "ipv4_by_org", "--edition", "54")
    assert code == 0 and "China Education and Research Network" in out and "8 rows" in out
    code, _, err = cli("--curated", "cur", "show", "nonsense")
    assert code == 2 and "unknown dataset" in err


def test_export_writes_a_data_dictionary(published: Path, workdir: Path) -> None:
    code, _, err = cli("--curated", "cur", "export", "--format", "parquet", "--out", "out")
    assert code == 0, err
    package = json.loads((workdir / "out" / "parquet" / "datapackage.json").read_text())
    resources = {r["name"]: r for r in package["resources"]}
    assert set(resources) == {*CNNIC_DATASETS, "reconciliation", "series", "vocabulary"}
    org = resources["ipv4_by_org"]
    fields = {f["name"]: f for f in org["schema"]["fields"]}
    assert fields["addresses"]["type"] == "integer"
    assert fields["addresses"]["constraints"]["minimum"] == 0
    assert fields["source_format"]["constraints"]["enum"] == ["pdf", "txt"]
    assert fields["quality_flags"]["type"] == "array"
    assert fields["period_end"]["type"] == "date"
    assert "erratum_equivalence" in {c["name"] for c in org["schema"]["checks"]}
    assert org["schema"]["primaryKey"] == ["source_sha256", "organization"]
    assert "primaryKey" not in resources["indicators"]["schema"]  # an id may be missing
    import pandas as pd

    frame = pd.read_parquet(workdir / "out" / "parquet" / "ipv4_by_org.parquet")
    assert list(frame.columns) == [f["name"] for f in org["schema"]["fields"]]


def test_backfill_processes_editions_in_parallel(workdir: Path) -> None:
    """Three editions (the text dump with edited edition numbers) through the Dask runner."""
    raw = workdir / "raw"
    raw.mkdir()
    text = REPORTS["txt"].read_text(encoding="utf-8")
    for number in (61, 62, 63):
        edited = text.replace("The 54th Statistical Report", f"The {number}st Statistical Report")
        (raw / f"cnnic-{number}.txt").write_text(edited, encoding="utf-8")
    shutil.copy(raw / "cnnic-61.txt", raw / "copy-of-61.txt")
    code, out, err = cli("--curated", "cur", "backfill", "--raw", "raw", "--workers", "2")
    assert code == 0, err
    assert "duplicate copy-of-61.txt" in " ".join(out.split())
    orgs = read(workdir / "cur", "ipv4_by_org")
    assert sorted(set(orgs["edition"])) == [61, 62, 63] and len(orgs) == 24
    assert DeltaTable(str(workdir / "cur" / "ipv4_by_org")).version() == 0  # one commit


def test_diff_of_a_derived_dataset_names_its_rows(workdir: Path) -> None:
    """reconciliation has no source columns: diff keys it by indicator and period."""
    import pandas as pd

    from cninet.store import publish_derived

    row = {
        "indicator_id": "internet_users",
        "period_end": pd.Timestamp("2024-06-30"),
        "n_sources": 2,
        "sources": ["news:a.txt", "report_text:54"],
        "values": ["news:a.txt: 1.1 billion (a.txt)", "report_text:54: 1.09967 billion (r.txt)"],
        "min_value": 1_099_670_000.0,
        "max_value": 1_100_000_000.0,
        "spread_pct": 0.03,
        "tolerance": 50_000_000.0,
        "status": "agree",
        "quality_flags": [],
        "run_id": "r1",
    }
    publish_derived(workdir / "cur", "reconciliation", pd.DataFrame([row]), {"run_id": "r1"})
    later = {**row, "period_end": pd.Timestamp("2024-12-31"), "run_id": "r2"}
    publish_derived(workdir / "cur", "reconciliation", pd.DataFrame([row, later]), {"run_id": "r2"})
    code, out, err = cli("--curated", "cur", "diff", "reconciliation", "--from", "0")
    assert code == 0, err
    assert "1 rows added, 0 removed, 0 cells changed" in out
    assert "2024-12-31" in out
