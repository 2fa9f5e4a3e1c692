"""The real-phrasing corpus (tests/corpus, hand-typed goldens) run through recognition and the
figure engine: precision and recall per text, totals per language and kind.

A golden row is found when an extracted indicator row has the same indicator id, period, value,
unit and qualifier (and edition). Every extracted row with an indicator id that matches no
golden row is a false positive. Look-alikes must yield no indicator row at all. Coverage may
only go up: ``FLOOR`` holds the found/total reached per corpus kind when this test was written
(``python -m tests.test_corpus`` prints the table).
"""

from __future__ import annotations

import csv
import datetime
import math
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from extractors.document import parse_document
from extractors.edition import UnrecognisedDocument
from extractors.figures.facts import Fact, consolidate
from extractors.recognise import recognise
from extractors.sections import specs_for
from extractors.spec import TextSpec

CORPUS = Path(__file__).resolve().parent / "corpus"
MANIFEST = list(csv.DictReader((CORPUS / "manifest.csv").open(encoding="utf-8")))
# found golden rows per corpus kind at least (coverage may only go up), and the least share of
# extracted indicator rows that are right, over all texts (measured when set: 430/453 found,
# 1 of 431 extracted rows wrong)
FLOOR: dict[str, int] = {"news_en": 136, "news_zh": 211, "excerpt_en": 36, "excerpt_zh": 47}
MIN_PRECISION = 0.97


@dataclass(frozen=True)
class Row:
    indicator_id: str
    period_end: str
    value: float
    unit: str
    qualifier: str
    edition: str
    flags: frozenset[str]


def golden_rows(file: str) -> list[Row]:
    path = CORPUS / (file[: -len(".txt")] + ".csv")
    return [
        Row(
            r["indicator_id"],
            r["period_end"],
            float(r["value"]),
            r["unit"],
            r["qualifier"],
            r["edition"],
            frozenset(filter(None, r["flags"].split(";"))),
        )
        for r in csv.DictReader(path.open(encoding="utf-8"))
    ]


@cache
def extracted_rows(file: str) -> tuple[Row, ...]:
    """Indicator facts the text sections give for a corpus text (none if it is not recognised):
    per indicator and period the kept mention, plus any mention that contradicts it (the
    pipeline publishes the kept one flagged erratum_text_mentions_disagree, naming the other);
    both then carry ``self_contradiction``."""
    path = CORPUS / file
    doc = parse_document(path.name, path.read_bytes())
    try:
        edition = recognise(doc)
    except UnrecognisedDocument:
        return ()
    facts: list[Fact] = []
    for spec in specs_for(edition.kind, edition.lang):
        if isinstance(spec, TextSpec) and spec.dataset == "indicators":
            facts.extend(spec.facts(doc, edition))
    kept, conflicts = consolidate(facts)
    contradicted = {id(f) for pair in conflicts for f in pair}
    rows = []
    for fact in [*kept, *(other for _, other in conflicts)]:
        if fact.indicator_id is None:
            continue
        rows.append(
            Row(
                fact.indicator_id,
                fact.period_end.isoformat(),
                fact.value,
                fact.unit,
                fact.qualifier or "",
                "" if fact.edition is None else str(fact.edition),
                frozenset({"self_contradiction"} if id(fact) in contradicted else set()),
            )
        )
    return tuple(rows)


def same(a: Row, b: Row) -> bool:
    return (
        a.indicator_id == b.indicator_id
        and a.period_end == b.period_end
        and math.isclose(a.value, b.value, rel_tol=1e-9)
        and a.unit == b.unit
        and a.qualifier == b.qualifier
        and a.edition == b.edition
        and a.flags == b.flags
    )


@dataclass(frozen=True)
class Score:
    file: str
    lang: str
    kind: str
    found: int
    total: int
    extracted: int
    false_positives: tuple[Row, ...]
    missed: tuple[Row, ...]


def score(entry: dict[str, str]) -> Score:
    golden = golden_rows(entry["file"])
    got = list(extracted_rows(entry["file"]))
    missed = [g for g in golden if not any(same(g, e) for e in got)]
    wrong = [e for e in got if not any(same(g, e) for g in golden)]
    return Score(
        entry["file"],
        entry["lang"],
        entry["kind"],
        len(golden) - len(missed),
        len(golden),
        len(got),
        tuple(wrong),
        tuple(missed),
    )


def totals(scores: list[Score]) -> Iterator[tuple[str, int, int, int, int]]:
    """(group, found, total, extracted, false positives) per language, per kind and overall."""
    groups: dict[str, list[Score]] = {"all": scores}
    for s in scores:
        groups.setdefault(f"lang={s.lang}", []).append(s)
        groups.setdefault(f"kind={s.kind}", []).append(s)
    for name, members in sorted(groups.items()):
        yield (
            name,
            sum(m.found for m in members),
            sum(m.total for m in members),
            sum(m.extracted for m in members),
            sum(len(m.false_positives) for m in members),
        )


LOOKALIKES = [e for e in MANIFEST if e["kind"] == "lookalike"]
TEXTS = [e for e in MANIFEST if e["kind"] != "lookalike"]


@pytest.mark.parametrize("entry", LOOKALIKES, ids=[e["file"] for e in LOOKALIKES])
def test_lookalike_yields_no_indicator(entry: dict[str, str]) -> None:
    assert extracted_rows(entry["file"]) == ()


@pytest.mark.parametrize("entry", TEXTS, ids=[e["file"] for e in TEXTS])
def test_text_is_recognised_and_read(entry: dict[str, str]) -> None:
    """Every CNNIC text is recognised as the kind its folder says and yields figures."""
    path = CORPUS / entry["file"]
    edition = recognise(parse_document(path.name, path.read_bytes()))
    kind = entry["kind"].split("_")[0]
    assert (edition.kind, edition.lang) == (kind, entry["lang"])
    assert extracted_rows(entry["file"])


def test_corpus_coverage_and_precision_do_not_fall() -> None:
    scores = [score(e) for e in MANIFEST]
    table = {name: (found, extracted, fp) for name, found, _, extracted, fp in totals(scores)}
    for kind, floor in FLOOR.items():
        assert table[f"kind={kind}"][0] >= floor, (kind, table[f"kind={kind}"], floor)
    _, extracted, wrong = table["all"]
    assert (extracted - wrong) / extracted >= MIN_PRECISION, report()


def report() -> str:
    scores = [score(e) for e in MANIFEST]
    lines = [f"{'group':<20} {'found':>5} / {'total':<5} {'recall':>7} {'extracted':>9} {'fp':>4}"]
    for name, found, total, extracted, fp in totals(scores):
        recall = found / total if total else 1.0
        lines.append(f"{name:<20} {found:>5} / {total:<5} {recall:>7.1%} {extracted:>9} {fp:>4}")
    lines.append("")
    for s in scores:
        lines.append(f"{s.file:<50} {s.found:>3}/{s.total:<3} extracted {s.extracted:>3}")
        lines.extend(f"    missed {m}" for m in s.missed)
        lines.extend(f"    WRONG  {w}" for w in s.false_positives)
    return "\n".join(lines)


if __name__ == "__main__":
    print(report())
    print(datetime.datetime.now().isoformat(timespec="seconds"))
