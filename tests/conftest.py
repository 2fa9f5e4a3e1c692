"""Shared fixtures. Prefect gets its own temporary home before anything imports it."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

_PREFECT_HOME = tempfile.mkdtemp(prefix="cninet-prefect-")
os.environ["PREFECT_HOME"] = _PREFECT_HOME
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ["COLUMNS"] = "250"  # rich tables printed by the CLI stay unwrapped in tests

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"
REPORT_PDF = RAW / "reports" / "cnnic-54-en-2024-08.pdf"
REPORT_TXT = RAW / "reports" / "cnnic-54-en-2024-08.txt"
CSRC_PDF = ROOT / "tests" / "samples" / "csrc-2018q3-industry-classification-zh.pdf"
GOLDEN = ROOT / "tests" / "golden" / "cnnic-54-en"
REPORTS = {"pdf": REPORT_PDF, "txt": REPORT_TXT}
# Datasets a CNNIC edition feeds: one hand-typed golden file each.
CNNIC_DATASETS = sorted(path.stem for path in GOLDEN.glob("*.csv") if path.stem != "edition")


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One ephemeral Prefect API for the whole session, heartbeats off (no 1 s joins)."""
    from prefect.testing.utilities import prefect_test_harness

    from flows.prefect_env import local_run_settings

    with prefect_test_harness(server_startup_timeout=120), local_run_settings():
        yield


@pytest.fixture()
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary working directory (so recorded source paths are relative)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


# published stores already made in this test process, by the names and bytes of their sources
_PUBLISHED: dict[tuple[tuple[str, str], ...], Path] = {}


def published_template(factory: pytest.TempPathFactory, sources: list[Path]) -> Path:
    """raw/ holding ``sources`` and cur/ with them published by `cninet run` (the caller holds
    the Prefect harness). The run is made once per test process for the same sources; each
    caller gets its own copy, free to change."""
    import hashlib

    key = tuple((p.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in sources)
    if key not in _PUBLISHED:
        _PUBLISHED[key] = publish_sources(factory, sources)
    folder = factory.mktemp("published")
    shutil.copytree(_PUBLISHED[key], folder, dirs_exist_ok=True)
    return folder


def publish_sources(factory: pytest.TempPathFactory, sources: list[Path]) -> Path:
    from typer.testing import CliRunner

    from flows.cli import app

    folder = factory.mktemp("published-once")
    (folder / "raw").mkdir()
    for path in sources:
        shutil.copy(path, folder / "raw" / path.name)
    here = Path.cwd()
    os.chdir(folder)
    try:
        result = CliRunner().invoke(app, ["--curated", "cur", "run", "--raw", "raw"])
    finally:
        os.chdir(here)
    assert result.exit_code == 0, result.stderr
    return folder


def copy_template(template: Path, workdir: Path) -> Path:
    """A fresh copy of a published template in the test's working directory; returns cur/."""
    shutil.copytree(template / "raw", workdir / "raw")
    shutil.copytree(template / "cur", workdir / "cur")
    return workdir / "cur"
