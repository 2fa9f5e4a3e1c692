"""Bulk news: 1,000 news texts generated from the corpus texts (tests/corpus), side by side
with the engines before the move (a git revision, run from an exported copy in a subprocess).

1. Figure engine throughput: recognise + read every text's figures (the text sections' facts,
   no validation, no Prefect), texts per second of wall and of CPU time (the best of three
   passes after a warm-up; the machine is shared, so the load average is printed too) — this
   tree over all 1,000 (English and Chinese) and over the English ones, the previous engine
   (``--previous-rev``: main before the speed work) over the same, and the baseline engine
   over the English ones (it has no Chinese news kind).
2. The whole ``cninet run`` over the 1,000 files (fresh curated folder), wall seconds; the
   baseline's run over the same folder too unless ``--skip-baseline-run``.

    .venv/bin/python benchmarks/news_bulk.py [--count 1000] [--baseline-rev REV]
        [--previous-rev REV] [--skip-baseline-run]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
BASELINE_REV = "a95d01c"  # main before the figure engine (narrative.py/news.py/isc.py)
PREVIOUS_REV = "757e332"  # main before the engine's speed work (issue 10, second session)
PYTHON = sys.executable

ENGINE = """
import json, sys, time
from pathlib import Path
from extractors.document import parse_document
from extractors.recognise import recognise
from extractors.sections import specs_for
paths = [Path(p) for p in json.loads(sys.argv[1])]
docs = [parse_document(p.name, p.read_bytes()) for p in paths]
warm = time.perf_counter()
recognise(docs[0])  # loading and compiling grammars and rules: once per process
warm = time.perf_counter() - warm
def one_pass():
    start, cpu = time.perf_counter(), time.process_time()
    facts = 0
    for doc in docs:
        try:
            edition = recognise(doc)
        except Exception:
            continue
        for spec in specs_for(edition.kind, edition.lang):
            if getattr(spec, "dataset", "") == "indicators" and hasattr(spec, "facts"):
                facts += len(spec.facts(doc, edition))
    return time.perf_counter() - start, time.process_time() - cpu, facts
passes = [one_pass() for _ in range(3)]
elapsed, cpu, facts = min(p[0] for p in passes), min(p[1] for p in passes), passes[0][2]
result = {"texts": len(docs), "seconds": elapsed, "cpu": cpu, "warm": warm, "facts": facts}
print(json.dumps(result))
"""


def generate(count: int, folder: Path) -> tuple[list[Path], list[Path]]:
    """``count`` news files cycling through the corpus's news texts and look-alikes; each copy
    gets a furniture line so every file has its own content (sha256)."""
    rows = list(csv.DictReader((CORPUS / "manifest.csv").open(encoding="utf-8")))
    texts = [r for r in rows if r["kind"] in ("news_en", "news_zh", "lookalike")]
    every: list[Path] = []
    english: list[Path] = []
    for n in range(count):
        row = texts[n % len(texts)]
        body = (CORPUS / row["file"]).read_text(encoding="utf-8")
        tail = f"\n\nSource: bulk copy {n}\n" if row["lang"] == "en" else f"\n\n来源：第{n}份\n"
        path = folder / f"{n:04d}-{Path(row['file']).name}"
        path.write_text(body + tail, encoding="utf-8")
        every.append(path)
        if row["lang"] == "en":
            english.append(path)
    return every, english


def engine(paths: list[Path], pythonpath: str | None) -> dict[str, float]:
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    out = subprocess.run(
        [PYTHON, "-c", ENGINE, json.dumps([str(p) for p in paths])],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        cwd=pythonpath or ROOT,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def cninet_run(raw: Path, pythonpath: str | None) -> tuple[float, str]:
    env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false")
    code = "from flows.cli import app; app()"
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    with tempfile.TemporaryDirectory() as curated:
        start = time.perf_counter()
        done = subprocess.run(
            [PYTHON, "-c", code, "--curated", curated, "run", "--raw", str(raw)],
            capture_output=True,
            text=True,
            env=env,
            cwd=pythonpath or ROOT,
        )
        wall = time.perf_counter() - start
    last = (done.stdout.strip().splitlines() or [""])[-1]
    return wall, f"rc {done.returncode}; {last[:100]}"


def export(rev: str, folder: Path) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "extractors", "cninet", "schemas", "flows"],
        check=True,
        capture_output=True,
    )
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return str(folder)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--baseline-rev", default=BASELINE_REV)
    parser.add_argument("--previous-rev", default=PREVIOUS_REV)
    parser.add_argument("--skip-baseline-run", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw"
        raw.mkdir()
        every, english = generate(args.count, raw)
        baseline = export(args.baseline_rev, Path(tmp) / "baseline")
        previous = export(args.previous_rev, Path(tmp) / "previous")
        load = os.getloadavg()[0]
        rows = [
            ("this tree, all texts (EN+ZH)", engine(every, None)),
            (f"previous {args.previous_rev}, all texts", engine(every, previous)),
            ("this tree, English texts", engine(english, None)),
            (f"previous {args.previous_rev}, English texts", engine(english, previous)),
            (f"baseline {args.baseline_rev}, English texts", engine(english, baseline)),
        ]
        print(
            f"load average (1 min) before / after the engine runs: {load:.1f} / "
            f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; target >= 500 texts/s"
        )
        head = f"{'figure engine (after a warm-up)':<40} {'texts':>6} {'wall s':>7} {'texts/s':>8}"
        print(f"{head} {'cpu s':>6} {'texts/cpu-s':>11} {'warm-up s':>9} {'facts':>6}")
        for name, r in rows:
            rate = r["texts"] / r["seconds"] if r["seconds"] else float("inf")
            cpu_rate = r["texts"] / r["cpu"] if r["cpu"] else float("inf")
            print(
                f"{name:<40} {int(r['texts']):>6} {r['seconds']:>7.2f} {rate:>8.0f} "
                f"{r['cpu']:>6.2f} {cpu_rate:>11.0f} {r['warm']:>9.2f} {int(r['facts']):>6}"
            )
        print()
        wall, note = cninet_run(raw, None)
        print(f"cninet run over {len(every)} files (new):       {wall:7.1f} s wall ({note})")
        if not args.skip_baseline_run:
            wall, note = cninet_run(raw, baseline)
            print(f"cninet run over {len(every)} files (baseline):  {wall:7.1f} s wall ({note})")


if __name__ == "__main__":
    main()
