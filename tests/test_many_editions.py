"""Many editions in one store: the 54th (PDF and text), then the generated 55th and 56th
(tests/editions.py), published by `cninet run` one edition per run, in both orders.

Every expected figure is typed by hand: the 54th's from the printed report, the 55th's and
56th's from the changes tests/editions.py documents (``EDITION_55`` / ``EDITION_56``).
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from deltalake import DeltaTable
from typer.testing import CliRunner

from cninet.api import load, load_series
from cninet.process import PLAIN_STEPS, run_source
from cninet.store import format_disagreements
from flows.cli import app
from tests.conftest import REPORT_PDF, REPORT_TXT
from tests.editions import edition_text, shift_dates

pytestmark = pytest.mark.usefixtures("prefect_harness")

FIRST = ["raw/reports/cnnic-54-en-2024-08.pdf", "raw/reports/cnnic-54-en-2024-08.txt"]
EDITION_FILES = {
    54: FIRST,
    55: ["raw/reports/cnnic-55-en.txt"],
    56: ["raw/reports/cnnic-56-en.txt"],
}


@dataclass(frozen=True)
class Store:
    """A folder with raw/ and cur/, and what each `cninet run` into it printed."""

    folder: Path
    order: tuple[int, ...]  # the editions, one run each
    runs: tuple[tuple[int, str, str], ...]  # (exit code, stdout, stderr) per run

    @property
    def curated(self) -> Path:
        return self.folder / "cur"


def cli(folder: Path, *args: str) -> tuple[int, str, str]:
    here = Path.cwd()
    os.chdir(folder)
    try:
        result = CliRunner().invoke(app, ["--curated", "cur", *args])
    finally:
        os.chdir(here)
    return result.exit_code, result.stdout, result.stderr


def lay_out(folder: Path) -> None:
    reports = folder / "raw" / "reports"
    reports.mkdir(parents=True)
    shutil.copy(REPORT_PDF, reports / REPORT_PDF.name)
    shutil.copy(REPORT_TXT, reports / REPORT_TXT.name)
    for number in (55, 56):
        (reports / f"cnnic-{number}-en.txt").write_text(edition_text(number), encoding="utf-8")


def publish_in_order(folder: Path, order: Sequence[int]) -> Store:
    lay_out(folder)
    runs = tuple(cli(folder, "run", *EDITION_FILES[number], "--raw", "raw") for number in order)
    return Store(folder, tuple(order), runs)


@pytest.fixture(scope="module")
def forward(tmp_path_factory: pytest.TempPathFactory, prefect_harness: None) -> Store:
    return publish_in_order(tmp_path_factory.mktemp("forward"), [54, 55, 56])


@pytest.fixture(scope="module")
def backward(tmp_path_factory: pytest.TempPathFactory, prefect_harness: None) -> Store:
    return publish_in_order(tmp_path_factory.mktemp("backward"), [56, 55, 54])


@pytest.fixture(params=["forward", "backward"])
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    yield request.getfixturevalue(request.param)


def test_every_run_exits_0_and_writes_its_report(store: Store) -> None:
    for code, stdout, stderr in store.runs:
        assert code == 0, stderr
        assert "quality report:" in stdout
    reports = sorted((store.curated / "_reports").glob("*.html"))
    assert len(reports) == 3
    assert all(path.with_suffix(".md").is_file() for path in reports)


def test_the_54th_pdf_and_text_flag_each_erratum_once(forward: Store) -> None:
    # App. 2 Table 2 prints two equivalence errata (CERNET and the IP Address Allocation
    # Alliance); the PDF and the text dump are one publication: 2, not 4.
    first = forward.runs[0][1]
    assert "2 source errata flagged" in first
    assert "4 source errata flagged" not in first


def test_load_gives_each_printed_fact_once(store: Store) -> None:
    resources = load("basic_resources", curated=store.curated)
    assert len(resources) == 3 * 8  # 8 Table 1 categories per edition
    assert not resources.duplicated(["edition", "category"]).any()
    ipv4 = resources[resources["category"] == "IPv4"].set_index("edition")["value"]
    assert ipv4.to_dict() == {54: 392_347_136, 55: 392_412_672, 56: 392_412_672}
    stations = resources[resources["category"] == "Mobile phone base stations"]
    assert stations.set_index("edition")["value"].to_dict() == {54: 1188, 55: 1188, 56: 1480}
    # The PDF wins where an edition came in both formats.
    assert set(resources.loc[resources["edition"] == 54, "source_format"]) == {"pdf"}
    both = load("basic_resources", edition=54, curated=store.curated, all_formats=True)
    assert sorted(both["source_format"].value_counts().to_dict().items()) == [
        ("pdf", 8),
        ("txt", 8),
    ]


def test_mainland_ipv6_is_one_value_per_edition(store: Store) -> None:
    regions = load("ipv6_by_region", curated=store.curated)
    mainland = regions[regions["region"] == "Chinese mainland"].set_index("edition")
    assert mainland["blocks_32"].to_dict() == {54: 64_435, 55: 64_448, 56: 64_448}


def test_indicators_one_row_per_fact_and_publication(store: Store) -> None:
    indicators = load("indicators", curated=store.curated)
    named = indicators[indicators["indicator_id"].notna()]
    assert not named.duplicated(["edition", "indicator_id", "period_end"]).any()
    users = named[named["indicator_id"] == "internet_users"]
    by_edition = {
        (int(e), pd.Timestamp(p).date().isoformat()): float(v)
        for e, p, v in zip(users["edition"], users["period_end"], users["value_base"], strict=True)
    }
    assert by_edition[(54, "2024-06-30")] == 1_099_670_000
    assert by_edition[(55, "2024-12-31")] == 1_107_880_000
    assert by_edition[(56, "2025-06-30")] == 1_113_120_000


def test_show_prints_each_fact_once(forward: Store) -> None:
    code, stdout, _ = cli(forward.folder, "show", "ipv6_by_region", "--edition", "54")
    assert code == 0
    assert "ipv6_by_region (4 rows)" in stdout
    code, stdout, _ = cli(
        forward.folder, "show", "ipv6_by_region", "--edition", "54", "--all-formats"
    )
    assert code == 0 and "ipv6_by_region (8 rows)" in stdout


def test_versions_and_diff_answer_after_three_editions(store: Store) -> None:
    code, stdout, stderr = cli(store.folder, "versions", "application_users")
    assert code == 0, stderr
    code, stdout, stderr = cli(store.folder, "diff", "indicators", "--from", "0", "--to", "1")
    assert code == 0, stderr
    second = load("indicators", edition=store.order[1], curated=store.curated, all_formats=True)
    assert f"indicators: {len(second)} rows added, 0 removed, 0 cells changed" in stdout
    code, stdout, stderr = cli(store.folder, "diff", "application_users", "--from", "1")
    assert code == 0, stderr
    # Table 4: 15 applications × 2 periods, from each format of the last run's edition
    added = 30 * len(EDITION_FILES[store.order[-1]])
    assert f"{added} rows added, 0 removed" in stdout


def test_both_orders_hold_the_same_facts(forward: Store, backward: Store) -> None:
    for dataset, key in (
        ("application_users", ["edition", "application", "period_end"]),
        ("users_by_province", ["edition", "province"]),
        ("ipv4_by_org", ["edition", "organization"]),
    ):
        one, other = (
            load(dataset, curated=s.curated).sort_values(key).reset_index(drop=True)
            for s in (forward, backward)
        )
        columns = [c for c in one.columns if c not in ("run_id",)]
        pd.testing.assert_frame_equal(one[columns], other[columns])


def test_pdf_and_text_that_disagree_are_named(tmp_path: Path) -> None:
    """The both-formats check: a text dump whose Table 1 IPv6 cell differs from the PDF's."""
    text = REPORT_TXT.read_text(encoding="utf-8")
    assert text.count("IPv6\tblock/32\t69,080") == 1
    changed = tmp_path / REPORT_TXT.name
    changed.write_text(text.replace("IPv6\tblock/32\t69,080", "IPv6\tblock/32\t69,086"))
    frames = [
        run_source(path, "test", PLAIN_STEPS).validated["basic_resources"].frame
        for path in (REPORT_PDF, changed)
    ]
    both = pd.concat(frames, ignore_index=True)
    lines = format_disagreements(both, "basic_resources")
    assert len(lines) == 2  # value and value_base of the one IPv6 row
    assert lines[0].startswith("basic_resources cnnic:54 IPv6: value is 69080")
    assert "69086" in lines[0] and "(p. 5)" in lines[0] and "(line 120)" in lines[0]
    same = pd.concat([frames[0], frames[0].assign(source_format="txt")], ignore_index=True)
    assert format_disagreements(same, "basic_resources") == []


# --- series: one figure per indicator × member × period --------------------------------------


def series_of(store: Store) -> pd.DataFrame:
    series = load("series", curated=store.curated)
    return series.assign(period_end=pd.to_datetime(series["period_end"]))


def row(series: pd.DataFrame, indicator: str, period: str, member: str = "") -> pd.Series:
    rows = series[
        (series["indicator_id"] == indicator)
        & (series["member"] == member)
        & (series["period_end"] == pd.Timestamp(period))
    ]
    assert len(rows) == 1, (indicator, member, period, len(rows))
    return rows.iloc[0]


def test_series_has_each_fact_once(store: Store) -> None:
    series = series_of(store)
    assert not series.duplicated(["indicator_id", "member", "period_end"]).any()
    users = series[series["indicator_id"] == "internet_users"].set_index("period_end")
    assert users["value_base"].to_dict() == {
        pd.Timestamp("2024-06-30"): 1_099_670_000,
        pd.Timestamp("2024-12-31"): 1_107_880_000,
        pd.Timestamp("2025-06-30"): 1_113_120_000,
    }
    assert users["publication"].tolist() == ["cnnic:54", "cnnic:55", "cnnic:56"]
    assert users["status"].tolist() == ["single"] * 3
    mainland = series[
        (series["indicator_id"] == "ipv6_blocks_by_region")
        & (series["member"] == "Chinese mainland")
    ]
    assert mainland["value_base"].tolist() == [64_435, 64_448, 64_448]


def test_the_54th_pdf_is_chosen_and_its_text_is_not_a_second_publication(store: Store) -> None:
    ipv4 = row(series_of(store), "ipv4_addresses", "2024-06-30")
    assert (ipv4["value_base"], ipv4["source_kind"], ipv4["source_format"]) == (
        392_347_136,
        "report_table",
        "pdf",
    )
    assert (ipv4["page"], ipv4["caption"]) == (
        5,
        "Table 1 Development of Basic Internet Resources by June 2024",
    )
    assert ipv4["n_publications"] == 1 and ipv4["status"] == "single"


def test_table4_restated_period_agrees_and_the_latest_edition_wins(store: Store) -> None:
    june = row(series_of(store), "instant_messaging_users", "2024-06-30")
    # The 54th's later column and the 55th's earlier column both print 107,787.
    assert june["value_base"] == 1_077_870_000
    assert june["status"] == "agree" and june["n_publications"] == 2
    assert june["publication"] == "cnnic:55"
    assert list(june["publications"]) == ["cnnic:55: 107787 10,000", "cnnic:54: 107787 10,000"]


def test_a_restated_figure_that_differs_is_revised(store: Store) -> None:
    series = series_of(store)
    users = row(series, "instant_messaging_users", "2024-12-31")
    assert (users["value_base"], users["publication"]) == (1_085_800_000, "cnnic:56")
    assert users["status"] == "revised" and list(users["quality_flags"]) == ["revised"]
    assert (users["revised_from_value"], users["revised_from_edition"]) == (1_085_120_000, 55)
    share = row(series, "instant_messaging_share_pct", "2024-12-31")
    assert (share["value"], share["revised_from_value"], share["status"]) == (98.0, 97.9, "revised")
    # every other figure the 56th restates equals the 55th's
    assert sorted(series.loc[series["status"] == "revised", "indicator_id"]) == [
        "instant_messaging_share_pct",
        "instant_messaging_users",
    ]


def test_an_implausible_jump_is_drift(store: Store) -> None:
    series = series_of(store)
    stations = row(series, "base_stations", "2025-06-30")
    assert (stations["value_base"], stations["previous_value"]) == (14_800_000, 11_880_000)
    assert round(stations["change_pct"], 1) == 24.6
    assert list(stations["quality_flags"]) == ["drift"]
    drifting = series[series["quality_flags"].map(lambda flags: "drift" in list(flags))]
    assert drifting["indicator_id"].tolist() == ["base_stations"]


def test_the_report_of_the_run_that_brings_them_lists_revision_and_drift(store: Store) -> None:
    # forward: the 56th's run; backward: the 55th's run (the 56th was already there)
    runs: dict[tuple[int, ...], int] = {(54, 55, 56): 2, (56, 55, 54): 1}
    run = runs[store.order]
    stdout = store.runs[run][1]
    report = Path(stdout.split("quality report:")[1].split()[0])
    text = (store.folder / report).with_suffix(".md").read_text(encoding="utf-8")
    assert "## Edition checks: revisions and drift (3)" in text
    assert (
        "revised: instant\\_messaging\\_users 2024-12-31: cnnic:56 prints 1,085,800,000, "
        "edition 55 printed 1,085,120,000"
    ) in text
    assert "drift: base\\_stations 2025-06-30: 14,800,000 (cnnic:56) is +24.6 %" in text


def test_both_orders_give_the_same_series(forward: Store, backward: Store) -> None:
    one, other = (series_of(s).drop(columns=["run_id"]) for s in (forward, backward))
    pd.testing.assert_frame_equal(one, other)


def test_the_vocabulary_is_published(forward: Store) -> None:
    vocabulary = load("vocabulary", curated=forward.curated).set_index("indicator_id")
    assert vocabulary.loc["internet_users", "name_zh"] == "网民规模"
    assert vocabulary.loc["ipv4_addresses_by_org", "base_unit"] == "addresses"
    series = series_of(forward)
    assert set(series["indicator_id"]) <= set(vocabulary.index)


# --- consumers: load_series, `cninet series`, `cninet datasets` ------------------------------


def test_load_series_gives_one_indicator(forward: Store) -> None:
    users = load_series("internet_users", curated=forward.curated)
    assert users["value_base"].tolist() == [1_099_670_000, 1_107_880_000, 1_113_120_000]
    beijing = load_series("internet_users_by_province", "Beijing", curated=forward.curated)
    # App. 2 Table 7: the 54th and 55th print Dec. 2023 (19.72 million), the 56th Dec. 2024
    assert beijing["period_end"].dt.date.astype(str).tolist() == ["2023-12-31", "2024-12-31"]
    assert beijing["value_base"].iloc[0] == 19_720_000
    assert beijing["n_publications"].tolist() == [2, 1]
    assert len(load_series("internet_users_by_province", curated=forward.curated)) == 62
    with pytest.raises(KeyError, match="unknown indicator 'internet_user'"):
        load_series("internet_user", curated=forward.curated)


def test_series_command_formats(forward: Store) -> None:
    code, stdout, stderr = cli(forward.folder, "series", "internet_users")
    assert code == 0, stderr
    assert "internet_users (3 periods)" in stdout and "cnnic:56" in stdout
    assert "+0.7 %" in stdout  # 1.09967 → 1.10788 billion
    code, stdout, _ = cli(forward.folder, "series", "internet_users", "--format", "json")
    records = json.loads(stdout)
    assert [(r["period_end"], r["value_base"], r["publication"]) for r in records] == [
        ("2024-06-30", 1_099_670_000, "cnnic:54"),
        ("2024-12-31", 1_107_880_000, "cnnic:55"),
        ("2025-06-30", 1_113_120_000, "cnnic:56"),
    ]
    code, stdout, _ = cli(
        forward.folder, "series", "ipv6_blocks_by_region", "--member", "Chinese mainland",
        "--format", "csv",
    )  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(stdout)))
    assert [(r["period_end"], float(r["value"])) for r in rows] == [
        ("2024-06-30", 64_435),
        ("2024-12-31", 64_448),
        ("2025-06-30", 64_448),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["series", "internet_user"], "error: unknown indicator 'internet_user'"),
        (["series", "ipv6_blocks_by_region", "--member", "Mars"],
         "error: ipv6_blocks_by_region has no member 'Mars' (members: 'Chinese mainland', "
         "'Hong Kong', 'Macau', 'Taiwan')"),
        (["series", "internet_users", "--format", "xml"], "error: unknown format 'xml'"),
        (["datasets", "--format", "xml"], "error: unknown format 'xml'"),
    ],
)  # fmt: skip
def test_unknown_names_are_one_line_and_exit_2(
    forward: Store, args: list[str], message: str
) -> None:
    code, _, stderr = cli(forward.folder, *args)
    assert code == 2
    assert stderr.startswith(message) and stderr.count("\n") == 1


def test_datasets_lists_what_is_published(forward: Store) -> None:
    code, stdout, stderr = cli(forward.folder, "datasets", "--format", "json")
    assert code == 0, stderr
    listed = {d["name"]: d for d in json.loads(stdout)}
    assert {"basic_resources", "indicators", "series", "vocabulary"} <= set(listed)
    assert listed["basic_resources"]["editions"] == [54, 55, 56]
    assert listed["basic_resources"]["rows"] == 4 * 8  # 54th: PDF and text; 55th; 56th
    assert listed["basic_resources"]["version"] == 2  # one commit per edition's run
    assert listed["basic_resources"]["description"].startswith("Basic internet resources")
    code, stdout, _ = cli(forward.folder, "datasets")
    assert code == 0 and "54–56" in stdout


def test_the_quick_commands_load_neither_prefect_nor_pandas(forward: Store) -> None:
    """`cninet series` must answer within a second: it may not import Prefect, pandas or
    pandera (each takes a good part of that second to import)."""
    script = (
        "import sys\n"
        "from flows.cli import app\n"
        "for args in (['series', 'internet_users'], ['datasets']):\n"
        "    try:\n"
        "        app(['--curated', sys.argv[1], *args])\n"
        "    except SystemExit as exit:\n"
        "        assert not exit.code, exit.code\n"
        "loaded = sorted(m for m in ('prefect', 'pandas', 'pandera') if m in sys.modules)\n"
        "print('loaded:', loaded)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(forward.curated)],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert done.returncode == 0, done.stderr
    assert "loaded: []" in done.stdout


# --- rerun and backfill into a store of three editions (on copies) ----------------------------


def copy_of(store: Store, target: Path) -> Path:
    shutil.copytree(store.folder / "raw", target / "raw")
    shutil.copytree(store.curated, target / "cur")
    return target


def test_rerun_of_one_edition_section_in_a_store_of_three(forward: Store, tmp_path: Path) -> None:
    folder = copy_of(forward, tmp_path)
    before = DeltaTable(str(folder / "cur" / "ipv6_by_org")).version()
    code, _, stderr = cli(folder, "rerun", "--edition", "55", "--section", "ipv6_by_org")
    assert code == 0, stderr
    # the section's rows are unchanged: no new commit, and every edition still once
    assert DeltaTable(str(folder / "cur" / "ipv6_by_org")).version() == before
    orgs = load("ipv6_by_org", curated=folder / "cur")
    assert orgs.groupby("edition").size().to_dict() == {54: 8, 55: 8, 56: 8}


def test_backfill_of_an_older_edition_into_a_store_of_three(forward: Store, tmp_path: Path) -> None:
    """An edition older than the store's (the 53rd: the 54th's text six months earlier, its
    Table 4 later column = the 54th's earlier column) backfilled after the others."""
    folder = copy_of(forward, tmp_path)
    text = REPORT_TXT.read_text(encoding="utf-8").replace(
        "The 54th Statistical Report", "The 53rd Statistical Report"
    )
    (folder / "raw" / "reports" / "cnnic-53-en.txt").write_text(
        shift_dates(text, -6), encoding="utf-8"
    )
    code, _, stderr = cli(folder, "backfill", "raw/reports/cnnic-53-en.txt", "--raw", "raw")
    assert code == 0, stderr
    editions = set(load("basic_resources", curated=folder / "cur")["edition"])
    assert editions == {53, 54, 55, 56}
