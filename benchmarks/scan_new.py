"""The scheduled scan's own work when nothing is new: 20 processed sources in raw/.

Registers 20 editions (copies of the bundled text dump with edited edition numbers) in a
temporary curated folder's source registry, then times what `process-new` does before it
returns empty-handed: list raw/, hash every file, read the registry, compare. Prefect's own
start-up is not included (it is the same for any flow; `cninet run` prints it).

    .venv/bin/python benchmarks/scan_new.py [--sources 20] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from cninet.process import discover_sources, new_sources
from cninet.registry import Processed, file_sha256, processed, record

TEXT = Path(__file__).resolve().parent.parent / "raw" / "reports" / "cnnic-54-en-2024-08.txt"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    text = TEXT.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as folder:
        raw, curated = Path(folder) / "raw", Path(folder) / "curated"
        raw.mkdir()
        sources = []
        for number in range(args.sources):
            path = raw / f"cnnic-{100 + number}.txt"
            path.write_text(text.replace("The 54th", f"The {100 + number}th"), encoding="utf-8")
            sources.append(Processed(file_sha256(path), str(path), "cnnic", 100 + number, "x"))
        for source in sources:  # one registry commit per source, as 20 separate runs would
            record(curated, [source], "bench")
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            found = new_sources(discover_sources(raw), processed(curated))
            times.append(time.perf_counter() - start)
            assert found == []
    print(f"scan of {args.sources} processed sources, nothing new: "
          f"{statistics.median(times) * 1000:.0f} ms (median of {args.repeat})")  # fmt: skip


if __name__ == "__main__":
    main()
