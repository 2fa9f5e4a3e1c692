"""The derived datasets kept up to date run by run (only the periods a run's commits touched
are built again) equal a rebuild from every published row, whatever order the editions came
in; and the run's report reads only what the run changed.

Editions: the 54th's text dump (printed figures), the generated 55th and 56th
(tests/editions.py; their figures are the ones ``EDITION_55``/``EDITION_56`` document). Plain
calls, no Prefect: the steps ``finish_run`` takes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pytest

from cninet.process import PLAIN_STEPS, commit_metadata, publishable, run_source
from cninet.reconcile import reconcile, reconcile_store, validated_reconciliation
from cninet.series import build_series, publish_series, published_frames
from cninet.store import Published, comparable, publish, read, read_if_published
from cninet.versions import changes_since_previous
from schemas.models import DATASETS
from tests.conftest import REPORT_TXT
from tests.editions import edition_text

ORDERS = [(54, 55, 56), (56, 54, 55), (55, 56, 54)]


def source(folder: Path, number: int) -> Path:
    if number == 54:
        return REPORT_TXT
    path = folder / f"cnnic-{number}-en.txt"
    if not path.exists():
        path.write_text(edition_text(number), encoding="utf-8")
    return path


def one_run(curated: Path, path: Path, run_id: str) -> list[Published]:
    """Publish one edition and bring the derived datasets up to date from its commits."""
    outcome = run_source(path, run_id, PLAIN_STEPS)
    assert outcome.status == "extracted", outcome.reason
    published = []
    for dataset, parts in sorted(publishable([outcome]).items()):
        frame = pd.concat([part for _, part in parts], ignore_index=True)
        metadata = commit_metadata(run_id, dataset, frame, [outcome])
        published.append(publish(curated, dataset, frame, metadata))
    reconciled, _ = reconcile_store(curated, run_id, published)
    assert outcome.edition is not None and outcome.edition.edition is not None
    derived, _ = publish_series(curated, run_id, [outcome.edition.edition], published)
    return [*published, *([reconciled] if reconciled else []), *derived]


@pytest.fixture(scope="module", params=ORDERS, ids=lambda order: "-".join(map(str, order)))
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("incremental")
    curated = folder / "cur"
    for run, number in enumerate(request.param):
        one_run(curated, source(folder, number), f"run-{run}")
    return curated


def same(stored: pd.DataFrame, rebuilt: pd.DataFrame, dataset: str) -> None:
    left, right = comparable(stored, dataset), comparable(rebuilt, dataset)
    pd.testing.assert_frame_equal(left, right)


def test_series_equals_a_rebuild_from_every_row(store: Path) -> None:
    rebuilt, _ = build_series(published_frames(store), "rebuild")
    same(read(store, "series"), DATASETS["series"].validate(rebuilt), "series")


def test_reconciliation_equals_a_rebuild_from_every_row(store: Path) -> None:
    indicators = read_if_published(store, "indicators")
    assert indicators is not None
    rebuilt = validated_reconciliation(reconcile(indicators, "rebuild"))
    same(read(store, "reconciliation"), rebuilt, "reconciliation")


def test_the_series_holds_the_printed_figures_in_any_order(store: Path) -> None:
    series = read(store, "series")
    series["period_end"] = pd.to_datetime(series["period_end"])
    users = series[series["indicator_id"] == "internet_users"].set_index("period_end")
    assert users["value_base"].to_dict() == {
        pd.Timestamp("2024-06-30"): 1_099_670_000,  # the 54th, as printed
        pd.Timestamp("2024-12-31"): 1_107_880_000,  # the 55th (EDITION_55)
        pd.Timestamp("2025-06-30"): 1_113_120_000,  # the 56th (EDITION_56)
    }
    im = series[series["indicator_id"] == "instant_messaging_users"].set_index("period_end")
    # Table 4: the 54th prints 107,787 (10,000) for June 2024, the 55th restates it; the 56th
    # restates Dec. 2024 as 108,580 where the 55th printed 108,512: a revision
    assert im.loc[pd.Timestamp("2024-06-30"), "value_base"] == 1_077_870_000
    assert im.loc[pd.Timestamp("2024-06-30"), "status"] == "agree"
    december = im.loc[pd.Timestamp("2024-12-31")]
    assert (december["value_base"], december["status"]) == (1_085_800_000, "revised")
    assert (december["revised_from_value"], december["revised_from_edition"]) == (
        1_085_120_000,
        55,
    )
    stations = series[
        (series["indicator_id"] == "base_stations")
        & (series["period_end"] == pd.Timestamp("2025-06-30"))
    ].iloc[0]
    assert (stations["value_base"], stations["previous_value"]) == (14_800_000, 11_880_000)
    assert list(stations["quality_flags"]) == ["drift"]


def test_an_identical_rerun_touches_nothing(store: Path, tmp_path: Path) -> None:
    before = {d: len(read(store, d, all_formats=True)) for d in ("series", "reconciliation")}
    versions = {p.dataset: p.version for p in one_run(store, REPORT_TXT, "again")}
    published = one_run(store, REPORT_TXT, "again-2")
    assert all(not p.changed for p in published), [p for p in published if p.changed]
    assert {p.dataset: p.version for p in published} == versions
    assert {d: len(read(store, d, all_formats=True)) for d in before} == before


def changed_lines(curated: Path, published: Sequence[Published]) -> dict[str, str]:
    return changes_since_previous(curated, published)


def test_the_report_counts_only_the_runs_rows(tmp_path: Path) -> None:
    curated = tmp_path / "cur"
    one_run(curated, source(tmp_path, 55), "first")
    published = one_run(curated, REPORT_TXT, "second")
    lines = changed_lines(curated, published)
    rows = len(read(curated, "basic_resources", edition=54))
    # a new edition's rows are appended: the change is exactly those rows, nothing removed
    assert (
        lines["basic_resources"] == f"{rows} rows added, 0 removed, 0 cells changed since version 0"
    )
    # the 54th adds its own periods and confirms the June 2024 figures the 55th restates:
    # rows added and cells changed (status, publications), none removed
    added, removed, cells = (int(n) for n in re.findall(r"\d+", lines["series"])[:3])
    assert lines["series"].endswith("since version 0")
    assert (added > 0, removed, cells > 0) == (True, 0, True)
    assert added < len(read(curated, "series"))


def old_store(curated: Path, path: Path, run_id: str) -> None:
    """A store as cninet wrote it before the ``text_layer`` column existed (acae888): every
    per-source table created without it."""
    from deltalake import write_deltalake

    from cninet.store import PARTITION_COLUMNS, TABLE_CONFIGURATION, table_path, to_arrow

    outcome = run_source(path, run_id, PLAIN_STEPS)
    for dataset, parts in sorted(publishable([outcome]).items()):
        frame = pd.concat([part for _, part in parts], ignore_index=True)
        data = to_arrow(dataset, frame)
        write_deltalake(
            str(table_path(curated, dataset)),
            data.drop_columns(["text_layer"]),
            partition_by=PARTITION_COLUMNS,
            configuration=TABLE_CONFIGURATION,
        )


def test_a_store_from_before_text_layer_takes_a_new_edition(tmp_path: Path) -> None:
    from deltalake import DeltaTable

    curated = tmp_path / "cur"
    old_store(curated, REPORT_TXT, "old")
    assert "text_layer" not in DeltaTable(str(curated / "indicators")).schema().to_arrow().names
    published = one_run(curated, source(tmp_path, 55), "new")
    assert all(p.changed for p in published if p.dataset != "vocabulary")
    for dataset in ("indicators", "application_users", "basic_resources"):
        table = DeltaTable(str(curated / dataset))
        assert "text_layer" in table.schema().to_arrow().names, dataset
        rows = read(curated, dataset, all_formats=True)
        # the 55th's rows were read from a text file; the 54th's were stored without the column
        assert set(rows.loc[rows["edition"] == 55, "text_layer"]) == {"text"}, dataset
        assert rows.loc[rows["edition"] == 54, "text_layer"].isna().all(), dataset
        assert len(read(curated, dataset, version=0, all_formats=True)) > 0
    # the old edition can be published again (a rerun of the 54th replaces its rows)
    again = one_run(curated, REPORT_TXT, "rerun")
    assert {p.dataset for p in again if p.changed} >= {"indicators", "application_users"}
    users = read(curated, "series")
    users = users[users["indicator_id"] == "internet_users"]
    assert set(users["value_base"]) == {1_099_670_000, 1_107_880_000}  # 54th, 55th as printed


def test_small_files_are_compacted_and_every_version_stays_readable(tmp_path: Path) -> None:
    """The registry gets one small file per run; once it holds 8, they become one file in a
    commit that changes no row, and every earlier version still reads as it was."""
    from deltalake import DeltaTable

    from cninet.registry import REGISTRY, Processed, processed, record

    curated = tmp_path / "cur"
    for run in range(9):
        sha = f"{run:064x}"
        record(curated, [Processed(sha, f"cnnic-{run}.txt", "cnnic_en", run + 1, "")], f"r{run}")
    table = DeltaTable(str(curated / REGISTRY))
    operations = [entry["operation"] for entry in table.history()]
    assert "OPTIMIZE" in operations
    assert len(table.file_uris()) < 8
    assert len(processed(curated)) == 9
    writes = sorted(int(e["version"]) for e in table.history() if e["operation"] == "WRITE")
    for rows, version in enumerate(writes, 1):
        assert (
            DeltaTable(str(curated / REGISTRY), version=version).to_pyarrow_table().num_rows == rows
        )
