"""The read commands for scripts and for a terminal: --format/--json/--csv on versions, show,
diff, series and datasets; show --columns/--limit; 80 columns and pipes; one-line errors with
exit 2. One store, published by a real `cninet run` of the 54th edition (PDF and text).

Every expected figure comes from the hand-typed goldens (tests/golden/cnnic-54-en)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from tests.conftest import CNNIC_DATASETS, REPORTS, ROOT, copy_template, published_template
from tests.goldens import LOCATION_COLUMNS, golden

pytestmark = pytest.mark.usefixtures("prefect_harness")


@pytest.fixture(scope="module")
def template(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return published_template(tmp_path_factory, list(REPORTS.values()))


def cli(template: Path, *args: str) -> tuple[int, str, str]:
    here = Path.cwd()
    os.chdir(template)
    try:
        result = CliRunner().invoke(app, ["--curated", "cur", *args])
    finally:
        os.chdir(here)
    return result.exit_code, result.stdout, result.stderr


def piped(
    template: Path, *args: str, columns: str | None = "80"
) -> subprocess.CompletedProcess[str]:
    """The command as a script runs it: a subprocess whose stdout is a pipe."""
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    if columns is not None:
        env["COLUMNS"] = columns
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", "--curated", str(template / "cur"), *args],
        capture_output=True, text=True, check=False, cwd=ROOT, env=env,
    )  # fmt: skip


def printed(cell: str) -> str:
    """A cell as the goldens type it: numbers compared as numbers, lists ';'-joined,
    booleans lower case."""
    if cell.startswith("["):
        return ";".join(json.loads(cell))
    if cell in ("True", "False"):
        return cell.lower()
    try:
        return repr(float(cell))
    except ValueError:
        return cell


def golden_rows(dataset: str) -> tuple[list[str], list[tuple[str, ...]]]:
    expected = golden(dataset)
    columns = [c for c in expected.columns if c not in LOCATION_COLUMNS]
    rows = [tuple(printed(str(row[c])) for c in columns) for row in expected.to_dict("records")]
    return columns, sorted(rows)


# --- the light path reads what load() reads ----------------------------------------------------


def test_the_light_path_imports_no_pandas_nor_pandera() -> None:
    """`show` and `versions` read through cninet.browse: importing it (and the dataset facts
    in schemas) must not load pandas, pyarrow's pandas layer or pandera (a second each)."""
    code = (
        "import sys, cninet.browse, cninet.catalog;"
        "print(sorted(m for m in ('pandas', 'pandera', 'prefect', 'schemas.models')"
        " if m in sys.modules))"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip() == "[]"


@pytest.mark.parametrize("dataset", CNNIC_DATASETS)
def test_show_csv_gives_each_printed_row_once(template: Path, dataset: str) -> None:
    columns, expected = golden_rows(dataset)
    code, stdout, stderr = cli(
        template, "show", dataset, "--edition", "54", "--columns", ",".join(columns), "--csv"
    )
    assert code == 0, stderr
    assert stdout.splitlines()[0] == ",".join(columns)
    lines = list(csv.reader(io.StringIO(stdout)))[1:]
    assert sorted(tuple(printed(cell) for cell in line) for line in lines) == expected


def test_show_json_carries_the_printed_figures(template: Path) -> None:
    code, stdout, stderr = cli(template, "show", "indicators", "--edition", "54", "--json")
    assert code == 0, stderr
    records = json.loads(stdout)  # stdout holds the JSON and nothing else
    figures = {(r["indicator_id"], r["period_end"]): r for r in records}
    for row in golden("indicators").to_dict("records"):
        found = figures[(row["indicator_id"], row["period_end"])]
        assert found["value"] == float(row["value"]) and found["unit"] == row["unit"]
        assert found["value_base"] == float(row["value_base"])
    users = figures[("internet_users", "2024-06-30")]  # 1.09967 billion: p. 3 of the report
    assert users["edition"] == 54 and users["source_format"] == "pdf"
    assert users["quality_flags"] == []
    assert "raw" not in users  # provenance beyond edition/period/format/flags: --all-columns


def test_columns_and_limit(template: Path) -> None:
    code, stdout, _ = cli(
        template, "show", "ipv4_by_org", "--columns", "organization,addresses", "--limit", "2",
        "--format", "csv",
    )  # fmt: skip
    assert code == 0
    addresses = {
        r["organization"]: r["addresses"] for r in golden("ipv4_by_org").to_dict("records")
    }
    assert stdout.splitlines() == [
        "organization,addresses",
        f"China Education and Research Network,{addresses['China Education and Research Network']}",
        f"China Mobile,{addresses['China Mobile']}",
    ]
    code, stdout, _ = cli(template, "show", "ipv4_by_org", "--limit", "3")
    assert code == 0 and "ipv4_by_org (8 rows, first 3 shown)" in stdout
    code, stdout, _ = cli(
        template, "show", "ipv4_by_org", "--all-columns", "--json", "--limit", "1"
    )
    assert {"source_sha256", "page", "line", "raw", "extractor"} <= set(json.loads(stdout)[0])


def test_versions_and_datasets_as_data(template: Path) -> None:
    stored = 2 * len(golden("ipv4_by_org"))  # the PDF's rows and the text's
    code, stdout, _ = cli(template, "versions", "ipv4_by_org", "--json")
    assert code == 0
    (version,) = json.loads(stdout)
    assert version["version"] == 0 and version["rows"] == stored
    assert version["sources"] == [path.name for path in REPORTS.values()]
    assert version["sections"] == ["ipv4_by_org"] and version["time"].endswith("Z")
    code, stdout, _ = cli(template, "versions", "ipv4_by_org", "--csv")
    rows = list(csv.DictReader(io.StringIO(stdout)))
    assert [(r["version"], r["rows"]) for r in rows] == [("0", str(stored))]
    code, stdout, _ = cli(template, "datasets", "--csv")
    listed = {r["name"]: r for r in csv.DictReader(io.StringIO(stdout))}
    assert listed["ipv4_by_org"]["rows"] == str(stored)
    code, stdout, _ = cli(template, "series", "internet_users", "--json")
    (users,) = (
        r for r in golden("indicators").to_dict("records") if r["indicator_id"] == "internet_users"
    )
    assert [(r["period_end"], r["value_base"]) for r in json.loads(stdout)] == [
        (users["period_end"], float(users["value_base"]))
    ]


def test_diff_as_data(template: Path, workdir: Path) -> None:
    from cninet.store import publish, read

    curated = copy_template(template, workdir)
    rows = read(curated, "ipv4_by_org", all_formats=True)
    pdf = rows[rows["source_format"] == "pdf"].copy()
    telecom = golden("ipv4_by_org").set_index("organization").loc["China Telecom"]
    pdf.loc[pdf["organization"] == "China Telecom", "addresses"] = 1
    assert publish(curated, "ipv4_by_org", pdf, {"run_id": "edit"}).version == 1
    code, stdout, stderr = cli(workdir, "diff", "ipv4_by_org", "--from", "0", "--json")
    assert code == 0, stderr
    change = json.loads(stdout)
    assert (change["from"], change["to"], change["added"], change["removed"]) == (0, 1, [], [])
    cells = {(c["organization"], c["column"]): (c["before"], c["after"]) for c in change["changed"]}
    assert cells[("China Telecom", "addresses")] == (telecom["addresses"], "1")
    assert "0 rows added, 0 removed, 1 cells changed" in stderr  # the summary: on stderr
    code, stdout, _ = cli(workdir, "diff", "ipv4_by_org", "--from", "0", "--csv")
    lines = list(csv.DictReader(io.StringIO(stdout)))
    assert [
        (r["change"], r["organization"], r["before"]) for r in lines if r["column"] == "addresses"
    ] == [("changed", "China Telecom", telecom["addresses"])]


# --- a terminal 80 columns wide, and a pipe --------------------------------------------------


def widths(text: str) -> list[int]:
    from rich.cells import cell_len

    return [cell_len(line) for line in text.splitlines()]


@pytest.mark.parametrize("columns", ["80", None])  # None: no COLUMNS, a pipe is 80 wide
def test_show_fits_80_columns_when_piped(template: Path, columns: str | None) -> None:
    done = piped(template, "show", "indicators", "--edition", "54", columns=columns)
    assert done.returncode == 0, done.stderr
    assert max(widths(done.stdout)) <= 80
    header = done.stdout.splitlines()[2]
    names = [cell.strip() for cell in header.strip("│").split("│")]
    assert names[:3] == ["indicator_id", "period_end", "value"]  # whole names, never folded
    assert "internet_users" in done.stdout and "1.09967" in done.stdout
    assert done.stderr.startswith("not shown at 80 columns: ")
    assert "quote" in done.stderr


def test_all_columns_at_80_columns_print_one_block_per_row(template: Path) -> None:
    done = piped(
        template, "show", "ipv4_by_org", "--edition", "54", "--all-columns", "--limit", "2"
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert max(widths(done.stdout)) <= 80
    assert min(len(line.strip()) for line in lines) > 1  # nothing folded one character a line
    assert "organization  China Education and Research Network" in lines
    assert (
        "addresses     16649984" in lines
    )  # golden: Table 2, China Education and Research Network
    assert sum(line.startswith("── row") for line in lines) == 2


def test_long_cells_end_in_an_ellipsis(template: Path) -> None:
    done = piped(template, "show", "indicators", "--columns", "indicator_id,quote", "--limit", "3")
    assert done.returncode == 0, done.stderr
    assert max(widths(done.stdout)) <= 80 and "…" in done.stdout


def test_the_read_commands_load_no_pandas_pyarrow_or_prefect(template: Path) -> None:
    """show, versions, series and datasets must answer within a second: none of them may
    import pandas, pyarrow, pandera or Prefect (benchmarks/cli_speed.py measures the time)."""
    script = (
        "import sys\n"
        "from flows.cli import app\n"
        "for args in (['show', 'indicators', '--edition', '54'], ['versions', 'indicators'],\n"
        "             ['show', 'ipv4_by_org', '--json'], ['series', 'internet_users'],\n"
        "             ['datasets', '--csv']):\n"
        "    try:\n"
        "        app(['--curated', sys.argv[1], *args])\n"
        "    except SystemExit as exit:\n"
        "        assert not exit.code, exit.code\n"
        "heavy = ('prefect', 'pandas', 'pandera', 'pyarrow', 'numpy', 'extractors.readers')\n"
        "print('loaded:', sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(template / "cur")],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "loaded: []" in done.stdout


# --- unknown names: one line on stderr, exit 2 -------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show", "nonsense"], "unknown dataset 'nonsense'"),
        (["show", "indicators", "--edition", "99"], "indicators has no edition 99 (editions: 54"),
        (["show", "ipv4_by_org", "--version", "3"], "ipv4_by_org has no version 3 (latest is 0)"),
        (["show", "ipv4_by_org", "--columns", "organization,nope"],
         "ipv4_by_org has no column 'nope'"),
        (["show", "ipv4_by_org", "--json", "--csv"], "choose one output format"),
        (["show", "ipv4_by_org", "--format", "xml"], "unknown format 'xml'"),
        (["diff", "ipv4_by_org", "--from", "99"], "ipv4_by_org has no version 99 (latest is 0)"),
        (["diff", "ipv4_by_org", "--from", "0", "--to", "5"], "ipv4_by_org has no version 5"),
        (["diff", "nonsense", "--from", "0"], "unknown dataset 'nonsense'"),
        (["versions", "nonsense", "--json"], "unknown dataset 'nonsense'"),
        (["export", "--out", "x", "--dataset", "nonsense"], "unknown dataset(s): nonsense"),
        (["export", "--out", "x", "--version", "99"], "no dataset has version 99"),
        (["export", "--out", "x", "--format", "xml"], "unknown format 'xml'"),
        (["series", "nonsense", "--json"], "unknown indicator 'nonsense'"),
        (["rerun", "--edition", "54", "--section", "nosuch"], "unknown chapter/section: nosuch"),
        (["rerun", "--edition", "99", "--section", "ipv6_by_org"],
         "nothing to do: edition 99 was never processed (known: 54"),
    ],
)  # fmt: skip
def test_unknown_names_exit_2_with_one_line(template: Path, args: list[str], message: str) -> None:
    code, stdout, stderr = cli(template, *args)
    assert code == 2, stderr
    assert stderr.startswith(f"error: {message}") and stderr.count("\n") == 1
    assert stdout == ""
