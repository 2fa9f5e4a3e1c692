"""Integrity of the real-phrasing corpus (tests/corpus): manifest, texts, hand-typed goldens.

These tests check the corpus DATA only (no extraction): every text has a manifest row and a
golden, goldens use known indicator ids and valid dates, each row's base value agrees with its
printed value and unit, and each printed value is really in the text (a typing slip in a golden
fails here, not later as an engine "miss").
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
KINDS = ("news_en", "news_zh", "excerpt_en", "excerpt_zh", "lookalike")
MANIFEST_COLUMNS = ["file", "lang", "kind", "edition", "published", "families", "notes"]
GOLDEN_COLUMNS = [
    "indicator_id",
    "period_end",
    "value",
    "unit",
    "value_base",
    "qualifier",
    "edition",
    "flags",
]
VOCAB_COLUMNS = ["indicator_id", "name_en", "name_zh", "base_unit", "description"]
QUALIFIERS = {"", "over", "nearly", "about"}
FLAGS = {"self_contradiction", "edition_unresolved"}
FIRST_EDITION, LAST_EDITION = 20, 57

# Multiplier of each printed unit, by its leading multiplier word; the rest of a Chinese unit is a
# measure word (人, 个, 户, 座, 款, 小时 ...) that does not scale the value.
EN_UNITS = {
    "": 1,
    "%": 1,
    "pp": 1,
    "blocks/32": 1,
    "hours": 1,
    "ratio": 1,
    "thousand": 10**3,
    "million": 10**6,
    "billion": 10**9,
    "trillion yuan": 10**12,
    "billion yuan": 10**9,
}
ZH_MULTIPLIERS = (("万亿", 10**12), ("亿", 10**8), ("万", 10**4), ("千", 10**3))
ZH_MEASURE_WORDS = {
    "",
    "人",
    "个",
    "户",
    "座",
    "款",
    "家",
    "元",
    "小时",
    "个小时",
    "块/32",
    "个/32",
}
# Families whose printed values are not written with digits in the text.
NON_DIGIT_FAMILIES = {"cn_numerals", "spelled_number"}


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def _manifest() -> list[dict[str, str]]:
    header, rows = _read_csv(CORPUS / "manifest.csv")
    assert header == MANIFEST_COLUMNS, f"manifest.csv columns {header}"
    return rows


def _known_ids() -> set[str]:
    _, base = _read_csv(ROOT / "extractors" / "data" / "indicators.csv")
    _, added = _read_csv(CORPUS / "vocabulary_additions.csv")
    return {r["indicator_id"] for r in base} | {r["indicator_id"] for r in added}


def _readme_families() -> set[str]:
    text = (CORPUS / "README.md").read_text(encoding="utf-8")
    section = text.split("## Phrasing families", 1)[1]
    return set(re.findall(r"^\| `([a-z0-9_]+)` \|", section, flags=re.MULTILINE))


def _multiplier(unit: str) -> int:
    if unit in EN_UNITS:
        return EN_UNITS[unit]
    for prefix, factor in ZH_MULTIPLIERS:
        if unit.startswith(prefix) and unit[len(prefix) :] in ZH_MEASURE_WORDS:
            return factor
    if unit in ZH_MEASURE_WORDS:
        return 1
    raise AssertionError(f"unknown unit {unit!r}")


def _is_month_end(day: dt.date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


MANIFEST = _manifest()
ROWS_BY_FILE = {r["file"]: r for r in MANIFEST}
GOLDEN_CASES = [pytest.param(r, id=r["file"]) for r in MANIFEST]


def test_manifest_matches_files_on_disk() -> None:
    on_disk = {str(p.relative_to(CORPUS)) for kind in KINDS for p in (CORPUS / kind).glob("*.txt")}
    listed = [r["file"] for r in MANIFEST]
    assert len(listed) == len(set(listed)), "duplicate manifest rows"
    assert set(listed) == on_disk
    goldens = {str(p.relative_to(CORPUS)) for kind in KINDS for p in (CORPUS / kind).glob("*.csv")}
    assert goldens == {f[: -len(".txt")] + ".csv" for f in listed}
    stray = {
        p.name
        for kind in KINDS
        for p in (CORPUS / kind).iterdir()
        if p.suffix not in {".txt", ".csv"}
    }
    assert not stray


@pytest.mark.parametrize("row", GOLDEN_CASES)
def test_manifest_row_is_well_formed(row: dict[str, str]) -> None:
    kind = row["kind"]
    assert kind in KINDS
    assert row["file"].startswith(kind + "/")
    assert row["lang"] in {"en", "zh"}
    if kind != "lookalike":
        assert kind.endswith("_" + row["lang"]), "kind and lang disagree"
        assert FIRST_EDITION <= int(row["edition"]) <= LAST_EDITION
    else:
        assert row["edition"] == ""
    if row["published"]:
        dt.date.fromisoformat(row["published"])
    families = row["families"].split(";")
    assert all(families), "empty family tag"
    unknown = set(families) - _readme_families()
    assert not unknown, f"families not listed in README: {sorted(unknown)}"
    assert row["notes"].strip(), "every text needs a note (source cross-check)"


@pytest.mark.parametrize("row", GOLDEN_CASES)
def test_golden_rows(row: dict[str, str]) -> None:
    golden = CORPUS / (row["file"][: -len(".txt")] + ".csv")
    header, rows = _read_csv(golden)
    assert header == GOLDEN_COLUMNS, f"{golden.name}: columns {header}"
    if row["kind"] == "lookalike":
        assert rows == [], "a look-alike's golden must be header-only"
        return
    assert rows, "a CNNIC text must have at least one figure"
    known = _known_ids()
    text = unicodedata.normalize("NFKC", (CORPUS / row["file"]).read_text(encoding="utf-8"))
    flat = re.sub(r"(?<=\d),(?=\d{3})", "", text.replace("\n", ""))
    digits_expected = not (set(row["families"].split(";")) & NON_DIGIT_FAMILIES)
    seen = set()
    for n, r in enumerate(rows, start=2):
        where = f"{golden.name}:{n}"
        assert r["indicator_id"] in known, f"{where}: unknown id {r['indicator_id']}"
        period = dt.date.fromisoformat(r["period_end"])
        assert _is_month_end(period), f"{where}: period_end not a month end"
        assert dt.date(2007, 6, 30) <= period <= dt.date(2025, 12, 31), where
        try:
            value, base = Decimal(r["value"]), Decimal(r["value_base"])
        except InvalidOperation as exc:
            raise AssertionError(f"{where}: value/value_base not numbers") from exc
        assert value * _multiplier(r["unit"]) == base, f"{where}: value_base != value x unit"
        assert r["qualifier"] in QUALIFIERS, where
        assert int(r["edition"]) == int(row["edition"]), f"{where}: edition"
        flags = set(filter(None, r["flags"].split(";")))
        assert flags <= FLAGS, f"{where}: unknown flags {flags - FLAGS}"
        if digits_expected:
            assert r["value"] in flat, f"{where}: value {r['value']} not printed in the text"
        key = (r["indicator_id"], r["period_end"], r["value"])
        assert key not in seen, f"{where}: duplicate row"
        seen.add(key)


def test_vocabulary_additions_are_new_and_well_formed() -> None:
    header, added = _read_csv(CORPUS / "vocabulary_additions.csv")
    assert header == VOCAB_COLUMNS
    _, base = _read_csv(ROOT / "extractors" / "data" / "indicators.csv")
    base_rows = {r["indicator_id"]: r for r in base}
    base_units = {r["base_unit"] for r in base}
    for r in added:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", r["indicator_id"]), r["indicator_id"]
        # new, or merged into the vocabulary exactly as proposed
        merged = base_rows.get(r["indicator_id"])
        assert merged is None or merged == r, f"{r['indicator_id']} exists with other values"
        assert r["base_unit"] in base_units, r["base_unit"]
        assert r["name_en"] and r["name_zh"] and r["description"]
    used = {
        g["indicator_id"]
        for row in MANIFEST
        for g in _read_csv(CORPUS / (row["file"][: -len(".txt")] + ".csv"))[1]
    }
    unused = {r["indicator_id"] for r in added} - used
    assert not unused, f"vocabulary additions no golden uses: {sorted(unused)}"


def test_corpus_coverage_meets_the_issue() -> None:
    """Issue 10: at least 60 texts, half Chinese, 15 editions, 10 look-alikes, each kind present."""
    kinds = [r["kind"] for r in MANIFEST]
    assert len(MANIFEST) >= 60
    assert sum(r["lang"] == "zh" for r in MANIFEST) * 2 >= len(MANIFEST)
    assert len({r["edition"] for r in MANIFEST if r["edition"]}) >= 15
    assert kinds.count("lookalike") >= 10
    assert set(kinds) == set(KINDS)
    flagged = [
        row["file"]
        for row in MANIFEST
        if row["kind"] != "lookalike"
        and any(
            "self_contradiction" in g["flags"]
            for g in _read_csv(CORPUS / (row["file"][: -len(".txt")] + ".csv"))[1]
        )
    ]
    assert flagged, "at least one text must carry a headline/body contradiction"
