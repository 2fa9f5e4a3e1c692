"""Hostile input and faults: each gets a one-line reason and a non-zero exit (a duplicate a clean
skip); nothing published is lost or half-written; the next run succeeds."""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from deltalake import DeltaTable
from typer.testing import CliRunner

from cninet.lock import LOCK_NAME
from cninet.store import read
from flows.cli import app
from tests.conftest import (
    CNNIC_DATASETS,
    CSRC_PDF,
    REPORTS,
    ROOT,
    copy_template,
    published_template,
)
from tests.goldens import golden

pytestmark = pytest.mark.usefixtures("prefect_harness")


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    return lines[0]


def encrypted_pdf(path: Path) -> None:
    with pikepdf.open(REPORTS["pdf"]) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(owner="o", user="secret"))


def image_only_pdf(path: Path) -> None:
    pdf = pdfium.PdfDocument.new()
    for _ in range(3):
        pdf.new_page(595, 842)
    buffer = io.BytesIO()
    pdf.save(buffer)
    path.write_bytes(buffer.getvalue())


HOSTILE = {
    "truncated.pdf": (
        lambda p: p.write_bytes(REPORTS["pdf"].read_bytes()[:150_000]),
        "truncated PDF",
    ),
    "encrypted.pdf": (encrypted_pdf, "encrypted PDF"),
    "image-only.pdf": (image_only_pdf, "no text layer"),
    "unknown.pdf": (lambda p: shutil.copy(CSRC_PDF, p), "not a known report"),
    "empty.txt": (lambda p: p.write_bytes(b""), "empty file"),
    "binary.txt": (lambda p: p.write_bytes(os.urandom(4096) + b"\x00"), "binary data"),
}


@pytest.fixture(scope="module")
def template(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return published_template(tmp_path_factory, [REPORTS["txt"]])


@pytest.fixture()
def published(template: Path, workdir: Path) -> Path:
    return copy_template(template, workdir)


def versions(curated: Path) -> dict[str, int]:
    return {name: DeltaTable(str(curated / name)).version() for name in CNNIC_DATASETS}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_gets_one_line_and_nothing_changes(
    name: str, published: Path, workdir: Path
) -> None:
    make, reason = HOSTILE[name]
    make(workdir / name)
    before = versions(published)
    code, _, err = cli("--curated", "cur", "run", name)
    assert code == 1
    line = one_error_line(err)
    assert line.startswith(f"error: {name}: ") and reason in line
    assert versions(published) == before
    assert cli("--curated", "cur", "run", "--raw", "raw")[0] == 0  # the next run succeeds


def test_renamed_copy_is_a_clean_skip(published: Path, workdir: Path) -> None:
    before = versions(published)
    shutil.copy(REPORTS["txt"], workdir / "renamed-copy.txt")
    code, out, err = cli("--curated", "cur", "run", "renamed-copy.txt")
    assert code == 0, err
    assert "duplicate renamed-copy.txt: same content as cnnic-54-en-2024-08.txt" in " ".join(
        out.split()
    )
    assert versions(published) == before


def test_two_copies_in_one_run_process_once(workdir: Path) -> None:
    (workdir / "raw").mkdir()
    shutil.copy(REPORTS["txt"], workdir / "raw" / "a.txt")
    shutil.copy(REPORTS["txt"], workdir / "raw" / "b.txt")
    code, out, _ = cli("--curated", "cur", "run", "--raw", "raw")
    assert code == 0 and "duplicate b.txt: same content as a.txt" in " ".join(out.split())
    assert set(read(workdir / "cur", "ipv4_by_org")["source_path"]) == {"a.txt"}


def test_a_second_run_on_the_same_curated_is_refused(published: Path, workdir: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(published)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        code, _, err = cli("--curated", "cur", "run", "--raw", "raw")
    finally:
        holder.kill()
        holder.wait(timeout=10)
    assert code == 1
    assert "another cninet run is writing to cur" in one_error_line(err)
    assert cli("--curated", "cur", "run", "--raw", "raw")[0] == 0


# Another process (as a second `cninet run` would be) holding the curated folder's lock.
HOLD_LOCK = """
import sys, time
from pathlib import Path
from cninet.lock import run_lock
with run_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(120)
"""


@pytest.fixture()
def read_only_mount(workdir: Path) -> Iterator[Path]:
    """A read-only file system (tmpfs mounted ro) holding a copy of published tables."""
    target = workdir / "ro"
    target.mkdir()
    staging = workdir / "staging"
    shutil.copytree(workdir / "cur", staging)
    subprocess.run(["mount", "-t", "tmpfs", "tmpfs", str(target)], check=True)
    try:
        shutil.copytree(staging, target, dirs_exist_ok=True)
        subprocess.run(["mount", "-o", "remount,ro", str(target)], check=True)
        yield target
    finally:
        subprocess.run(["umount", str(target)], check=True)


def test_read_only_curated_is_refused_and_stays_readable(
    published: Path, read_only_mount: Path
) -> None:
    code, _, err = cli("--curated", str(read_only_mount), "run", "--raw", "raw")
    assert code == 1
    assert "is not writable (Read-only file system)" in one_error_line(err)
    assert len(read(read_only_mount, "ipv4_by_org")) == 8


def test_run_killed_while_publishing_leaves_complete_versions(workdir: Path) -> None:
    """SIGKILL a real `cninet run` as soon as its first Delta commit lands; every table is then
    readable at a complete version, and the next run succeeds."""
    (workdir / "raw").mkdir()
    for path in REPORTS.values():
        shutil.copy(path, workdir / "raw" / path.name)
    env = {
        **os.environ,
        "PREFECT_HOME": str(workdir / "prefect"),
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "300",
    }
    command = [sys.executable, "-m", "flows.cli", "--curated", "cur", "run", "--raw", "raw"]
    log = workdir / "run.log"
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=workdir, env=env, stdout=output,
                                   stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + 300
    try:
        while not first_commit(workdir / "cur"):
            assert process.poll() is None, f"run ended before publishing: {log.read_text()}"
            assert time.monotonic() < deadline, "run did not start publishing in time"
            time.sleep(0.01)
        os.killpg(process.pid, signal.SIGKILL)  # the run and the API server it started
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    tables = {path.parent.name: path.parent for path in (workdir / "cur").glob("*/_delta_log")}
    assert set(tables) & set(CNNIC_DATASETS), "killed before its first commit"
    for name, table in tables.items():
        frame = DeltaTable(str(table)).to_pandas()
        if name in CNNIC_DATASETS:  # complete: the PDF's and the text dump's rows, one commit
            assert len(frame) == 2 * len(golden(name)), name
            assert frame["run_id"].nunique() == 1, name
        elif name != "reconciliation":  # the two formats of one edition agree: no rows there
            assert len(frame) > 0 and frame["run_id"].nunique() == 1, name
        else:
            assert frame["run_id"].nunique() <= 1
    assert (workdir / "cur" / LOCK_NAME).exists()  # left behind, but not held: no stale lock
    code, _, err = cli("--curated", "cur", "run", "--raw", "raw")
    assert code == 0, err
    assert all(len(read(workdir / "cur", name)) > 0 for name in CNNIC_DATASETS)


def first_commit(curated: Path) -> bool:
    """A Delta version landed: a numbered commit file (``00000000000000000000.json``) in a
    table's log, not a temporary file of a commit still being written."""
    return any(path.name[:-5].isdigit() for path in curated.glob("*/_delta_log/*.json"))


def test_cli_module_runs_as_a_script() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "flows.cli", "--help"], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0 and "run" in result.stdout


def test_untrusted_pdf_is_bounded_in_time(
    published: Path, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A PDF that takes longer than the per-document limit is given up, in one line."""
    shutil.copy(REPORTS["pdf"], workdir / "slow.pdf")
    monkeypatch.setenv("CNINET_DOC_TIMEOUT_S", "0.001")
    before = versions(published)
    code, _, err = cli("--curated", "cur", "run", "slow.pdf")
    assert code == 1
    assert "error: slow.pdf: untrusted PDF: gave up after 0.001 s" in one_error_line(err)
    assert versions(published) == before
