"""`diff` from Delta's change data feed, keyed by source path and natural key (a repeated key
is named), and a run that fails part-way: its sources are recorded as failed, the quality
report is still written, and the next `process-new` scan reads them again.

The store holds the 54th edition's text dump and the generated 55th (tests/editions.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from deltalake import DeltaTable, write_deltalake
from typer.testing import CliRunner

from cninet import store
from cninet.registry import failed, processed
from cninet.versions import CHANGE_FEED, diff
from flows import pipeline
from flows.cli import app
from flows.pipeline import process_new
from tests.conftest import REPORT_TXT, copy_template, published_template
from tests.editions import edition_text, write_editions

pytestmark = pytest.mark.usefixtures("prefect_harness")
CERNET_55 = "China Education and Research Network\t16,649,984\t254B+16C"


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--curated", "cur", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def template(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """raw/ with the 54th (text) published, then the 55th added and published: every table
    has version 0 (the 54th) and version 1 (the 55th)."""
    folder = published_template(tmp_path_factory, [REPORT_TXT])
    write_editions(folder / "raw", [55])
    result = CliRunner().invoke(
        app, ["--curated", str(folder / "cur"), "run", "--raw", str(folder / "raw")]
    )
    assert result.exit_code == 0, result.stderr
    return folder


@pytest.fixture()
def cur(template: Path, workdir: Path) -> Path:
    return copy_template(template, workdir)


def report_of(stdout: str) -> str:
    """The Markdown report of the run whose summary is ``stdout``."""
    html = re.search(r"quality report: (\S+\.html)", stdout.replace("\n", ""))
    assert html, stdout
    return Path(html.group(1)).with_suffix(".md").read_text(encoding="utf-8")


def test_diff_between_editions_reads_the_change_feed(cur: Path) -> None:
    code, out, err = cli("diff", "application_users", "--from", "0", "--to", "1")
    assert code == 0, err
    # Table 4 of the 55th: 15 applications, each for Jun. 2024 and Dec. 2024
    assert "30 rows added, 0 removed, 0 cells changed (rows found from Delta's change" in out
    change = diff(cur, "application_users", 0, 1)
    assert change.via == CHANGE_FEED and change.repeated == ()
    assert set(change.added["source_path"]) == {"cnnic-55-en.txt"}
    backwards = diff(cur, "application_users", 1, 0)
    assert (len(backwards.added), len(backwards.removed)) == (0, 30)


def test_a_corrected_file_at_the_same_path_shows_the_cells_it_corrected(
    cur: Path, workdir: Path
) -> None:
    path = workdir / "raw" / "cnnic-55-en.txt"
    text = path.read_text(encoding="utf-8")
    assert CERNET_55 in text
    path.write_text(text.replace(CERNET_55, CERNET_55.replace("16,649,984", "16,650,240")))
    code, out, err = cli("run", "--raw", "raw")
    assert code == 0, err
    change = diff(cur, "ipv4_by_org", 1, 2)
    assert (len(change.added), len(change.removed)) == (0, 0)
    cells = change.changed.set_index(["organization", "column"])
    cernet = "China Education and Research Network"
    # 254B+16C = 254·65,536 + 16·256 = 16,650,240: the printed erratum is gone
    assert cells.loc[(cernet, "addresses"), "before"] == "16649984"
    assert cells.loc[(cernet, "addresses"), "after"] == "16650240"
    assert cells.loc[(cernet, "quality_flags"), "before"] == '["erratum_equivalence"]'
    assert cells.loc[(cernet, "quality_flags"), "after"] == "[]"
    assert set(change.changed["source_path"]) == {"cnnic-55-en.txt"}
    # the CERNET row's figure, flags and printed line; the Total row now disagrees with the
    # corrected row: 343,233,792 printed, rows sum to 343,234,048 (256 more)
    assert set(cells.index) == {
        (cernet, "addresses"), (cernet, "quality_flags"), (cernet, "raw"),
        ("Total", "quality_flags"),
    }  # fmt: skip
    assert cells.loc[("Total", "quality_flags"), "after"] == '["erratum_parts_sum_to_total"]'
    report = report_of(out)
    assert "| ipv4_by_org | 16 | 2 | True | 0 rows added, 0 removed, 4 cells changed" in report


def test_a_repeated_key_is_named_and_its_rows_are_not_paired(cur: Path) -> None:
    table = DeltaTable(str(cur / "ipv4_by_region"))
    rows = pa.table(table.to_pyarrow_table())
    frame = rows.to_pandas()
    twin = frame[frame["source_path"] == "cnnic-55-en.txt"].head(1)
    write_deltalake(
        str(cur / "ipv4_by_region"), pa.Table.from_pandas(twin, rows.schema), mode="append"
    )
    code, out, err = cli("diff", "ipv4_by_region", "--from", "1", "--to", "2")
    assert code == 0, err
    assert "1 rows added, 0 removed, 0 cells changed" in out
    assert "note: 1 key(s) of (source_path, region) repeat among the changed rows" in out
    assert f"(cnnic-55-en.txt / {twin['region'].iloc[0]})" in out
    assert "listed as added/removed, not compared cell by cell" in out


def test_a_failure_after_some_commits_fails_the_source_and_the_next_scan_retries_it(
    cur: Path, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (workdir / "raw" / "cnnic-56-en.txt").write_text(edition_text(56), encoding="utf-8")
    real = pipeline.commit_metadata

    def crash_on_ipv6_org(
        run_id: str, dataset: str, frame: pd.DataFrame, outcomes: object
    ) -> dict[str, str]:
        if dataset == "ipv6_by_org":
            raise RuntimeError("lost the disk")
        return real(run_id, dataset, frame, outcomes)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "commit_metadata", crash_on_ipv6_org)
    code, out, err = cli("run", "--raw", "raw")
    assert code == 1
    # sorted, the tables before ipv6_by_org: application_users … ipv4_share_by_province
    assert err.strip() == (
        "error: run stopped part-way after 9 table(s) were published: RuntimeError: lost the disk"
    )
    assert DeltaTable(str(cur / "application_users")).version() == 2
    assert DeltaTable(str(cur / "ipv6_by_org")).version() == 1
    path, reason = next(iter(failed(cur).values()))
    assert path == "cnnic-56-en.txt"
    assert reason.startswith("run stopped part-way (RuntimeError: lost the disk)")
    assert "cnnic-56-en.txt" not in processed(cur).values()
    report = report_of(out)
    assert (
        "| cnnic-56-en.txt | failed | cnnic | 56 | 2025-08 | 2025-06-30 | run stopped part-way"
    ) in report
    assert "lost the disk" in report.split("## Structural failures")[0]

    monkeypatch.setattr(pipeline, "commit_metadata", real)
    result = process_new(str(workdir / "raw"), str(cur))
    assert [s.path for s in result.sources] == ["cnnic-56-en.txt"]
    assert result.write_failures == ()
    assert failed(cur) == {}
    assert set(processed(cur).values()) == {
        "cnnic-54-en-2024-08.txt", "cnnic-55-en.txt", "cnnic-56-en.txt"
    }  # fmt: skip
    assert DeltaTable(str(cur / "ipv6_by_org")).version() == 2
    assert DeltaTable(str(store.table_path(cur, "application_users"))).version() == 2
