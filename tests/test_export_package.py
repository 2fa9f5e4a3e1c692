"""`cninet export`: a CSV package and a Parquet package, each in its own folder, whose
datapackage.json the `frictionless` library validates (types, constraints, primary keys), with
the values the documents print; `--version N` for datasets without version N."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest
from frictionless import validate
from typer.testing import CliRunner

from flows.cli import app
from tests.conftest import RAW, REPORT_TXT, copy_template, published_template
from tests.editions import write_editions

pytestmark = pytest.mark.usefixtures("prefect_harness")
SOURCES = [
    REPORT_TXT,
    RAW / "reports" / "isc-2024-zh.txt",
    RAW / "news" / "2025-01-china-boasts-1.1-billion-internet-users.txt",
]
CERNET = "China Education and Research Network"
IOT_STANDARDS = "已发布系列国家标准30余项、行业标准20余项"


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--curated", "cur", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def template(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 54th edition's text dump, ISC 2024 (text) and one news article, published."""
    return published_template(tmp_path_factory, SOURCES)


@pytest.fixture(scope="module")
def packages(template: Path) -> Path:
    """Both packages exported into one out/ (the README's two commands)."""
    here = Path.cwd()
    os.chdir(template)
    try:
        for fmt in ("csv", "parquet"):
            code, _, err = cli("export", "--format", fmt, "--out", "out")
            assert code == 0, err
    finally:
        os.chdir(here)
    return template / "out"


def errors_of(descriptor: Path) -> list[tuple[str, str]]:
    report = validate(str(descriptor))
    return [(task.name, error.type) for task in report.tasks for error in task.errors] + [
        ("package", error.type) for error in report.errors
    ]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_each_package_validates_in_its_own_folder(packages: Path, fmt: str) -> None:
    descriptor = packages / fmt / "datapackage.json"
    assert errors_of(descriptor) == []
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    names = {resource["name"] for resource in package["resources"]}
    assert "indicators" in names and "ipv4_by_org" in names and "news_articles" in names
    files = {path.name for path in (packages / fmt).iterdir()}
    assert files == {f"{name}.{fmt}" for name in names} | {"datapackage.json"}


def test_the_csv_package_holds_the_printed_figures(packages: Path) -> None:
    org = pd.read_csv(packages / "csv" / "ipv4_by_org.csv")
    cernet = org[org["organization"] == CERNET]
    assert cernet["addresses"].tolist() == [16_649_984]  # printed; 254B+16C = 16,650,240
    assert cernet["quality_flags"].tolist() == ['["erratum_equivalence"]']
    indicators = pd.read_csv(packages / "csv" / "indicators.csv", keep_default_na=False)
    iot = indicators[indicators["quote"].str.contains(IOT_STANDARDS)]
    # 国家标准30余项、行业标准20余项: two figures of one sentence, no vocabulary id
    assert sorted(zip(iot["value"], iot["unit"], strict=True)) == [(20.0, "项"), (30.0, "项")]
    assert set(iot["indicator_id"]) == {""}


def test_the_parquet_package_keeps_types_and_lists_as_json(packages: Path) -> None:
    org = pd.read_parquet(packages / "parquet" / "ipv4_by_org.parquet")
    cernet = org[org["organization"] == CERNET].iloc[0]
    assert cernet["addresses"] == 16_649_984
    assert json.loads(cernet["quality_flags"]) == ["erratum_equivalence"]
    assert str(cernet["period_end"])[:10] == "2024-06-30"
    package = json.loads((packages / "parquet" / "datapackage.json").read_text())
    fields = {
        f["name"]: f
        for r in package["resources"]
        if r["name"] == "ipv4_by_org"
        for f in r["schema"]["fields"]
    }
    assert fields["quality_flags"]["type"] == "array"
    assert fields["period_end"]["type"] == "date"


def test_a_duplicated_row_fails_validation(packages: Path, tmp_path: Path) -> None:
    """The package declares the row key: frictionless sees a repeated row."""
    copy = tmp_path / "csv"
    copy.mkdir()
    for path in (packages / "csv").iterdir():
        copy.joinpath(path.name).write_bytes(path.read_bytes())
    lines = copy.joinpath("ipv4_by_org.csv").read_text(encoding="utf-8").splitlines()
    copy.joinpath("ipv4_by_org.csv").write_text("\n".join([*lines, lines[1]]) + "\n")
    assert errors_of(copy / "datapackage.json") == [("ipv4_by_org", "primary-key")]


def test_version_n_exports_the_datasets_that_have_it(template: Path, workdir: Path) -> None:
    copy_template(template, workdir)
    write_editions(workdir / "raw", [55])
    assert cli("run", "--raw", "raw")[0] == 0
    code, _, err = cli("export", "--format", "csv", "--out", "v1", "--version", "1")
    assert code == 0, err
    # the 55th gave every CNNIC table and indicators a version 1; no news came, no ISC
    left_out = [" ".join(line.split()) for line in err.split("left out: ")[1:]]
    assert "news_articles has no version 1 (latest is 0)" in left_out
    v1 = pd.read_csv(workdir / "v1" / "csv" / "ipv4_by_org.csv")
    assert sorted(set(v1["source_path"])) == ["cnnic-54-en-2024-08.txt", "cnnic-55-en.txt"]
    assert errors_of(workdir / "v1" / "csv" / "datapackage.json") == []
    assert not (workdir / "v1" / "csv" / "news_articles.csv").exists()
    code, _, err = cli("export", "--out", "v7", "--version", "7")
    assert code == 2 and "error: no dataset has version 7" in err
