"""Faults and hostile input in a living store (issue 13): each damaged input is built here, and
each case asserts the exit code, the one-line message, and that what was published before is
intact — in a store that already holds two editions (the 54th and the generated 55th)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from deltalake import DeltaTable
from typer.testing import CliRunner

from cninet.registry import file_sha256, processed
from cninet.store import read
from flows.cli import app
from flows.pipeline import process_new
from tests.conftest import CNNIC_DATASETS, REPORT_PDF, REPORT_TXT, copy_template, published_template
from tests.editions import edition_text, write_editions

pytestmark = pytest.mark.usefixtures("prefect_harness")
EDITION_55 = "cnnic-55-en.txt"


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--curated", "cur", *args])
    return result.exit_code, result.stdout, result.stderr


def error_lines(err: str) -> list[str]:
    lines = [line for line in err.splitlines() if line.strip()]
    assert all(line.startswith("error: ") for line in lines), err
    return lines


def one_error_line(err: str) -> str:
    lines = error_lines(err)
    assert len(lines) == 1, err
    return lines[0]


@pytest.fixture(scope="module")
def template(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    (path,) = write_editions(tmp_path_factory.mktemp("edition-55"), [55])
    return published_template(tmp_path_factory, [REPORT_TXT, path])


@pytest.fixture()
def store(template: Path, workdir: Path) -> Path:
    return copy_template(template, workdir)


def versions(curated: Path) -> dict[str, int]:
    return {name: DeltaTable(str(curated / name)).version() for name in CNNIC_DATASETS}


def editions_of(curated: Path, dataset: str) -> list[int]:
    return sorted(set(read(curated, dataset)["edition"]))


def assert_intact(curated: Path, before: dict[str, int]) -> None:
    """Every table still at its version and holding both editions."""
    assert versions(curated) == before
    for name in CNNIC_DATASETS:
        assert editions_of(curated, name) == [54, 55], name


# --- 1. every table proves it is whole ------------------------------------------------------


def without_lines(text: str, labels: list[str], after: str) -> str:
    """``text`` without the table rows starting with ``labels`` below the caption ``after``."""
    head, tail = text.rsplit(after, 1)
    for label in labels:
        tail = re.sub(rf"(?m)^{re.escape(label)}\t[^\n]*\n", "", tail, count=1)
    return head + after + tail


LAST_NINE = ["Sichuan", "Guizhou", "Yunnan", "Tibet", "Shaanxi", "Gansu", "Qinghai", "Ningxia",
             "Xinjiang"]  # fmt: skip


def test_a_short_province_table_is_structural_and_the_rest_publishes(
    store: Path, workdir: Path
) -> None:
    """Table 7 read with 22 of its 31 provinces (as when page 42 was garbled) is not published;
    the 56th edition's other tables are."""
    text = without_lines(edition_text(56), LAST_NINE, "Table 7 Number of Internet Users")
    (workdir / "raw" / "cnnic-56-en.txt").write_text(text, encoding="utf-8")
    before = versions(store)
    code, _, err = cli("run", "--raw", "raw")
    assert code == 1
    line = one_error_line(err)
    assert line.startswith("error: cnnic-56-en.txt: users_by_province: incomplete table: 22 of ")
    assert "the 31 provinces read (missing Gansu, Guizhou, Ningxia, Qinghai, Shaanxi" in line
    assert versions(store)["users_by_province"] == before["users_by_province"]
    assert editions_of(store, "users_by_province") == [54, 55]
    assert editions_of(store, "ipv6_by_org") == [54, 55, 56]


def test_a_lost_organisation_blocks_unless_the_total_still_adds_up() -> None:
    from schemas.completeness import lost_members

    previous = pd.DataFrame(
        {
            "organization": ["A", "B", "Total"],
            "blocks_32": [3, 2, 5],
            "edition": 55,
            "is_total": [False, False, True],
        }
    )
    short = pd.DataFrame(
        {"organization": ["A", "Total"], "blocks_32": [3, 5], "is_total": [False, True]}
    )
    merged = pd.DataFrame(
        {"organization": ["A", "Total"], "blocks_32": [5, 5], "is_total": [False, True]}
    )
    message = lost_members("ipv6_by_org", short, previous)
    assert message == (
        "ipv6_by_org: incomplete table: 1 of the members edition 55 printed are missing "
        "(missing B) and no printed total shows the change"
    )
    assert lost_members("ipv6_by_org", merged, previous) is None  # B merged into A: total holds


def garbled_page_42() -> bytes:
    """The 54th PDF with one bit flipped in page 42's compressed content stream: PDFium then
    reads the end of Table 7 as CJK-looking letters and broken words."""
    data = bytearray(REPORT_PDF.read_bytes())
    data[191976] ^= 1 << 6
    return bytes(data)


def test_an_english_page_turned_cjk_is_judged_garbled() -> None:
    from extractors.document import DocumentError, page_problem, page_verdicts, parse_document

    damaged = garbled_page_42()
    with pytest.raises(DocumentError) as info:
        parse_document("flipped.pdf", damaged)
    assert "pages 42 of 44 (page turned to another script)" in info.value.reason
    assert "\n" not in str(info.value)
    from extractors.document import pdf_page_texts

    pages = pdf_page_texts("flipped.pdf", damaged)
    assert page_problem(pages[41]) is None  # the character-class check alone accepts it
    assert list(page_verdicts(pages)) == [42]
    assert page_verdicts(pdf_page_texts("ok.pdf", REPORT_PDF.read_bytes())) == {}


# --- 2. isolation per source ----------------------------------------------------------------


def unloadable_page_pdf(path: Path) -> None:
    """A page tree that promises a 45th page PDFium cannot load ("Failed to load page")."""
    path.write_bytes(REPORT_PDF.read_bytes().replace(b"/Count 44", b"/Count 45", 1))


def test_one_bad_page_rejects_its_file_and_the_others_publish(store: Path, workdir: Path) -> None:
    unloadable_page_pdf(workdir / "raw" / "bad-page.pdf")
    (workdir / "raw" / "cnnic-56-en.txt").write_text(edition_text(56), encoding="utf-8")
    code, _, err = cli("run", "--raw", "raw")
    assert code == 1
    assert one_error_line(err) == "error: bad-page.pdf: page 45 of 45 cannot be loaded"
    assert editions_of(store, "users_by_province") == [54, 55, 56]
    reports = list((store / "_reports").glob("*.md"))
    assert any("bad-page.pdf" in report.read_text() for report in reports)


@pytest.fixture()
def fifo(workdir: Path) -> Path:
    path = workdir / "some.fifo.txt"
    os.mkfifo(path)
    return path


def test_fifo_device_and_symlink_are_refused_before_reading(
    store: Path, workdir: Path, fifo: Path
) -> None:
    (workdir / "passwd.txt").symlink_to("/etc/passwd")
    before = versions(store)
    code, _, err = cli("run", str(fifo), "/dev/zero", "passwd.txt")
    assert code == 1
    assert error_lines(err) == [
        "error: some.fifo.txt: not a regular file: a FIFO (named pipe)",
        "error: zero: not a regular file: a character device",
        "error: passwd.txt: symbolic link refused (pass --allow-symlinks to follow links)",
    ]
    assert_intact(store, before)


def test_a_text_file_above_the_size_limit_is_refused(
    store: Path, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (workdir / "big.txt").write_bytes(REPORT_TXT.read_bytes() * 30)  # 2.5 MB
    monkeypatch.setenv("CNINET_DOC_MAX_MB", "1")
    before = versions(store)
    code, _, err = cli("run", "big.txt")
    assert code == 1
    assert one_error_line(err) == (
        "error: big.txt: file is 2 MB, above the 1 MB limit (CNINET_DOC_MAX_MB)"
    )
    assert_intact(store, before)


# --- 3. supersession and read-once ----------------------------------------------------------

CERNET = re.compile(r"(?m)^(China Education and Research Network\t)([\d,]+)")


def test_a_corrected_file_supersedes_its_path(store: Path, workdir: Path) -> None:
    path = workdir / "raw" / EDITION_55
    text = path.read_text(encoding="utf-8")
    old = [int(m[2].replace(",", "")) for m in CERNET.finditer(text)]
    before = DeltaTable(str(store / "ipv6_by_org")).version()
    path.write_text(CERNET.sub(lambda m: m[1] + "1", text, count=2), encoding="utf-8")
    code, _, err = cli("run", "--raw", "raw")
    assert code == 0, err
    rows = read(store, "ipv6_by_org", all_formats=True)
    mine = rows[rows["source_path"] == EDITION_55]
    cernet = mine[mine["organization"] == "China Education and Research Network"]
    assert list(cernet["blocks_32"]) == [1] and len(mine) == 8
    assert mine["source_sha256"].nunique() == 1
    earlier = read(store, "ipv6_by_org", version=before, all_formats=True)
    cernet_before = earlier[
        (earlier["source_path"] == EDITION_55)
        & (earlier["organization"] == "China Education and Research Network")
    ]
    assert list(cernet_before["blocks_32"]) == old[1:2]  # Table 4 (IPv6) is the second match


def test_a_file_restored_to_its_old_content_is_read_again(store: Path, workdir: Path) -> None:
    """A → B → A at one path: the registry forgets A once B replaced it, so the scheduled scan
    reads A again (it would otherwise take A for processed and keep B's rows)."""
    path = workdir / "raw" / EDITION_55
    original = path.read_text(encoding="utf-8")
    old = [int(m[2].replace(",", "")) for m in CERNET.finditer(original)]
    path.write_text(CERNET.sub(lambda m: m[1] + "1", original, count=2), encoding="utf-8")
    assert cli("run", "--raw", "raw")[0] == 0
    path.write_text(original, encoding="utf-8")
    result = process_new(str(workdir / "raw"), str(store))
    assert [(o.path, o.status) for o in result.sources] == [(EDITION_55, "extracted")]
    rows = read(store, "ipv6_by_org", all_formats=True)
    cernet = rows[
        (rows["source_path"] == EDITION_55)
        & (rows["organization"] == "China Education and Research Network")
    ]
    assert list(cernet["blocks_32"]) == old[1:2]
    assert processed(store)[file_sha256(path)] == EDITION_55
    assert list(processed(store).values()).count(EDITION_55) == 1


def test_a_path_named_twice_is_read_once(workdir: Path) -> None:
    shutil.copy(REPORT_TXT, workdir / "x.txt")
    code, out, err = cli("run", "x.txt", "x.txt", "./x.txt")
    assert code == 0, err
    assert len(read(workdir / "cur", "ipv6_by_org", all_formats=True)) == 8
    assert DeltaTable(str(workdir / "cur" / "ipv6_by_org")).version() == 0
    assert "duplicate" not in out


# --- 4. one-line errors ---------------------------------------------------------------------


def test_markup_and_newlines_in_a_file_name_print_as_text(store: Path, workdir: Path) -> None:
    name = "[/b]bad\nerror: forged.txt"  # a folder "[" under raw/ holding "b]bad\n…"
    (workdir / "raw" / "[").mkdir()
    (workdir / "raw" / name).write_bytes(b"")
    before = versions(store)
    code, _, err = cli("run", "--raw", "raw", str(Path("raw") / name))
    assert code == 1
    assert one_error_line(err) == "error: [/b]bad\\nerror: forged.txt: empty file"
    assert_intact(store, before)


def cut_latest_log(table: Path) -> None:
    latest = max((table / "_delta_log").glob("*.json"))
    data = latest.read_bytes()
    latest.write_bytes(data[: len(data) // 2])


def test_a_cut_delta_log_breaks_only_its_table(store: Path, workdir: Path) -> None:
    cut_latest_log(store / "ipv4_by_org")
    for args in (["versions", "ipv4_by_org"], ["show", "ipv4_by_org"],
                 ["diff", "ipv4_by_org", "--from", "0"]):  # fmt: skip
        code, _, err = cli(*args)
        assert code == 1, args
        assert one_error_line(err).startswith("error: table ipv4_by_org cannot be read ("), args
    code, out, err = cli("export", "--out", "out")
    assert code == 1
    assert one_error_line(err).startswith("error: table ipv4_by_org cannot be read (")
    written = {Path(line).stem for line in out.split()}
    assert "ipv4_by_org" not in written and "ipv6_by_org" in written
    assert len(pd.read_csv(workdir / "out" / "csv" / "ipv6_by_org.csv")) == 16  # both editions
    code, _, err = cli("versions", "ipv6_by_org")
    assert code == 0, err


def test_export_to_a_path_under_a_file_is_one_line(store: Path) -> None:
    code, _, err = cli("export", "--out", "/etc/passwd/x")
    assert code == 1
    assert one_error_line(err) == "error: /etc/passwd/x: Not a directory"


@pytest.fixture()
def tiny_disk(workdir: Path) -> Iterator[Path]:
    """The store copied onto a 12 MB tmpfs which is then filled up."""
    target = workdir / "disk"
    target.mkdir()
    try:
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", str(target)],
                       check=True, capture_output=True)  # fmt: skip
    except (subprocess.CalledProcessError, FileNotFoundError) as exc:
        pytest.fail(f"cannot mount a tmpfs here: {exc}")
    try:
        shutil.copytree(workdir / "cur", target / "cur")
        with (target / "filler").open("wb") as handle:
            try:
                while True:
                    handle.write(b"\0" * 65536)
            except OSError:
                pass
        yield target / "cur"
    finally:
        subprocess.run(["umount", "-l", str(target)], check=True)


def test_a_full_disk_names_each_table_and_keeps_the_published_versions(
    store: Path, workdir: Path, tiny_disk: Path
) -> None:
    before = versions(tiny_disk)
    (workdir / "raw" / "cnnic-56-en.txt").write_text(edition_text(56), encoding="utf-8")
    result = CliRunner().invoke(app, ["--curated", str(tiny_disk), "run", "--raw", "raw"])
    assert result.exit_code == 1
    lines = error_lines(result.stderr)
    assert any(line == "error: ipv6_by_org: not published (No space left on device)"
               for line in lines), lines  # fmt: skip
    assert all("No space left on device" in line for line in lines), lines
    assert versions(tiny_disk) == before
    for name in CNNIC_DATASETS:
        assert editions_of(tiny_disk, name) == [54, 55]


@pytest.fixture()
def read_only_table(store: Path) -> Iterator[Path]:
    table = store / "ipv4_by_org"
    subprocess.run(["mount", "--bind", str(table), str(table)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(table)], check=True)
        yield table
    finally:
        subprocess.run(["umount", str(table)], check=True)


def test_a_read_only_table_is_named_and_the_others_publish(
    store: Path, workdir: Path, read_only_table: Path
) -> None:
    (workdir / "raw" / "cnnic-56-en.txt").write_text(edition_text(56), encoding="utf-8")
    code, _, err = cli("run", "--raw", "raw")
    assert code == 1
    assert one_error_line(err) == "error: ipv4_by_org: not published (Read-only file system)"
    assert editions_of(store, "ipv4_by_org") == [54, 55]
    assert editions_of(store, "ipv6_by_org") == [54, 55, 56]
    registry = DeltaTable(str(store / "_sources")).to_pandas()
    attempt = registry[registry["source_path"] == "cnnic-56-en.txt"]
    assert attempt["status"].tolist() == ["failed"]  # not processed: read again next time
    assert (
        attempt["reason"].iloc[0].startswith("ipv4_by_org: not published (Read-only file system)")
    )


def test_no_op_requests_exit_2(store: Path, workdir: Path) -> None:
    code, _, err = cli("rerun", "--edition", "99", "--chapter", "appendix-2", "--raw", "raw")
    assert code == 2
    assert one_error_line(err) == (
        "error: nothing to do: edition 99 was never processed (known: 54, 55)"
    )
    (workdir / "x.pdf").mkdir()
    code, _, err = cli("run", "x.pdf")
    assert code == 2
    assert one_error_line(err) == "error: nothing to do: no .pdf or .txt sources in x.pdf"


def test_a_bad_limit_setting_is_named(
    store: Path, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CNINET_DOC_TIMEOUT_S", "soon")
    code, _, err = cli("run", "--raw", "raw")
    assert code == 2
    assert one_error_line(err) == "error: CNINET_DOC_TIMEOUT_S='soon' is not a number"


def test_zero_page_pdf_and_utf16_text_get_true_words(workdir: Path) -> None:
    import pikepdf

    from extractors.document import DocumentError, parse_document

    pikepdf.new().save(workdir / "zero.pdf")
    with pytest.raises(DocumentError, match=r"^zero.pdf: PDF has no pages \(empty or missing"):
        parse_document("zero.pdf", (workdir / "zero.pdf").read_bytes())
    text = REPORT_TXT.read_text(encoding="utf-8")
    doc = parse_document("utf16.txt", text.encode("utf-16"))
    assert doc.text == text.replace("\r\n", "\n")
    with pytest.raises(DocumentError, match="binary data in a text file"):
        parse_document("b.txt", b"abc\x00def")


# --- 6. provenance and exports safe to share ------------------------------------------------


def test_provenance_names_no_machine_path(
    store: Path, workdir: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("elsewhere") / "copy-56.txt"
    outside.write_text(edition_text(56), encoding="utf-8")
    code, _, err = cli("run", str(outside))
    assert code == 0, err
    rows = read(store, "ipv6_by_org", all_formats=True)
    assert set(rows["source_path"]) == {"cnnic-54-en-2024-08.txt", EDITION_55, "copy-56.txt"}
    metadata = DeltaTable(str(store / "ipv6_by_org")).history(1)[0]
    assert json.loads(metadata["source_paths"]) == ["copy-56.txt"]
    for report in (store / "_reports").iterdir():
        assert str(outside.parent) not in report.read_text(encoding="utf-8")
        assert str(workdir) not in report.read_text(encoding="utf-8")


def test_csv_cells_that_would_run_as_formulas_are_neutralised() -> None:
    from cninet.export import csv_ready

    frame = pd.DataFrame(
        {
            "name": ['=HYPERLINK("http://x")', "+86 10 5881", "-12.5", "-drop", "@SUM(A1)", "ok"],
            "n": [1, 2, 3, 4, 5, 6],
        }
    )
    assert list(csv_ready(frame)["name"]) == [
        "'=HYPERLINK(\"http://x\")", "'+86 10 5881", "-12.5", "'-drop", "'@SUM(A1)", "ok"
    ]  # fmt: skip
    assert frame["name"].iloc[0] == '=HYPERLINK("http://x")'  # the frame itself unchanged
