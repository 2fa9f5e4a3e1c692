"""The work after extraction as the store grows: publishing one edition into an empty store and
into one that already holds N earlier runs, step by step, side by side.

The 54th edition's text dump is extracted and validated once; each earlier "run" publishes
those rows as a different source (its own sha256, path and edition number 100 + i), one run
per commit as the real pipeline makes them, so the store grows exactly as with N editions.
Then one more edition is published into the empty store and into the grown one, timing the
steps `finish_run` performs (as plain calls, no Prefect): the completeness check, the
publish of every dataset, the reconciliation, the registry, the report's changes against each
previous version, and the report itself. The baseline, in the same run, is the report's
changes computed as before the change data feed: both versions of every table read whole.

    .venv/bin/python benchmarks/after_extraction.py [--runs 100] [--repeat 3]
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from cninet.process import (
    PLAIN_STEPS,
    RunResult,
    SourceOutcome,
    commit_metadata,
    processed_sources,
    prove_whole,
    publishable,
    run_source,
)
from cninet.reconcile import reconcile, validated_reconciliation
from cninet.registry import record
from cninet.report import write_report
from cninet.store import Published, publish, publish_derived, read_if_published
from cninet.versions import changes_since_previous

TEXT = Path(__file__).resolve().parent.parent / "raw" / "reports" / "cnnic-54-en-2024-08.txt"


def as_source(outcome: SourceOutcome, number: int) -> SourceOutcome:
    """The extracted edition as another source: own sha256, path and edition number."""
    sha = f"{number:064x}"
    path = f"cnnic-{number}-en.txt"
    validated = {
        name: dataclasses.replace(
            v, frame=v.frame.assign(source_sha256=sha, source_path=path, edition=number)
        )
        for name, v in outcome.validated.items()
    }
    assert outcome.edition is not None
    edition = dataclasses.replace(outcome.edition, edition=number)
    return dataclasses.replace(outcome, path=path, sha256=sha, edition=edition, validated=validated)


def publish_run(curated: Path, outcome: SourceOutcome, run_id: str) -> list[Published]:
    published = []
    for dataset, parts in sorted(publishable([outcome]).items()):
        frame = pd.concat([part for _, part in parts], ignore_index=True)
        published.append(
            publish(curated, dataset, frame, commit_metadata(run_id, dataset, frame, [outcome]))
        )
    indicators = read_if_published(curated, "indicators")
    if indicators is not None:
        frame = validated_reconciliation(reconcile(indicators, run_id))
        published.append(publish_derived(curated, "reconciliation", frame, {"run_id": run_id}))
    return published


def timed(steps: dict[str, float], name: str, call: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    value = call()
    steps[name] = steps.get(name, 0.0) + time.perf_counter() - start
    return value


def after_extraction(curated: Path, outcome: SourceOutcome, whole: bool) -> dict[str, float]:
    """The steps of finish_run for one new source, timed (seconds)."""
    steps: dict[str, float] = {}
    run_id = "bench-new"
    checked = timed(steps, "completeness", lambda: prove_whole(curated, [outcome]))
    published: list[Published] = []
    for dataset, parts in sorted(publishable(checked).items()):
        frame = pd.concat([part for _, part in parts], ignore_index=True)
        metadata = commit_metadata(run_id, dataset, frame, checked)
        start = time.perf_counter()
        published.append(publish(curated, dataset, frame, metadata))
        steps["publish"] = steps.get("publish", 0.0) + time.perf_counter() - start

    def reconciled() -> Published:
        indicators = read_if_published(curated, "indicators")
        assert indicators is not None
        frame = validated_reconciliation(reconcile(indicators, run_id))
        return publish_derived(curated, "reconciliation", frame, {"run_id": run_id})

    published.append(timed(steps, "reconciliation", reconciled))
    timed(steps, "registry", lambda: record(curated, processed_sources(checked), run_id))
    changes = timed(
        steps, "report: changes", lambda: changes_since_previous(curated, published, whole=whole)
    )
    result = RunResult(run_id, tuple(checked), tuple(published))
    timed(steps, "report: write", lambda: write_report(curated, result, changes))
    return steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    extracted = run_source(TEXT, "bench", PLAIN_STEPS)
    assert extracted.status == "extracted", extracted.reason
    with tempfile.TemporaryDirectory() as folder:
        grown = Path(folder) / "grown"
        start = time.perf_counter()
        for number in range(args.runs):
            source = as_source(extracted, 100 + number)
            publish_run(grown, source, f"bench-{number}")
            record(grown, processed_sources([source]), f"bench-{number}")
        print(f"store of {args.runs} runs built in {time.perf_counter() - start:.0f} s")
        new = as_source(extracted, 100 + args.runs)
        results: dict[tuple[str, bool], list[dict[str, float]]] = {}
        for _ in range(args.repeat):
            for label, base in (("empty", None), (f"after {args.runs}", grown)):
                for whole in (False, True):
                    target = Path(folder) / "target"
                    shutil.rmtree(target, ignore_errors=True)
                    if base is not None:
                        shutil.copytree(base, target)
                    steps = after_extraction(target, new, whole)
                    results.setdefault((label, whole), []).append(steps)
    names = list(next(iter(results.values()))[0])
    header = ["step", *(f"{label}{' (baseline)' if whole else ''}" for label, whole in results)]
    rows = [
        [name, *(f"{statistics.median(r[name] for r in runs):.3f}" for runs in results.values())]
        for name in names
    ]
    totals = [
        f"{statistics.median(sum(r.values()) for r in runs):.3f}" for runs in results.values()
    ]
    rows.append(["total", *totals])
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(cell).rjust(width) for cell, width in zip(row, widths, strict=True)))
    empty, grown_total = float(totals[0]), float(totals[2])
    print(
        f"after {args.runs} runs / empty: {grown_total / empty:.2f}x "
        f"(baseline, whole versions: {float(totals[3]) / float(totals[1]):.2f}x); "
        f"seconds, medians of {args.repeat}"
    )


if __name__ == "__main__":
    main()
