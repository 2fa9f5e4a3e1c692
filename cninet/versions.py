"""Dataset versions and differences between them (pure functions over Delta tables)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from cninet.store import VOLATILE_COLUMNS, Published, cell_text, history, open_table, read, row_key


@dataclass(frozen=True)
class VersionInfo:
    version: int
    time: datetime
    operation: str
    run_id: str
    sources: tuple[str, ...]
    sections: tuple[str, ...]
    rows: int


def json_list(value: Any) -> tuple[str, ...]:
    try:
        items = json.loads(value) if isinstance(value, str) else []
    except json.JSONDecodeError:
        return ()
    return tuple(str(item) for item in items) if isinstance(items, list) else ()


def versions(curated: Path, dataset: str) -> list[VersionInfo]:
    """Every version of a dataset, newest first, with its commit metadata and row count."""
    out = []
    for entry in history(curated, dataset):
        version = int(entry["version"])
        table = open_table(curated, dataset, version)
        rows = table.to_pyarrow_dataset().count_rows() if table is not None else 0
        out.append(
            VersionInfo(
                version=version,
                time=datetime.fromtimestamp(int(entry["timestamp"]) / 1000, tz=UTC),
                operation=str(entry.get("operation", "")),
                run_id=str(entry.get("run_id", "")),
                sources=json_list(entry.get("source_paths")),
                sections=json_list(entry.get("sections")),
                rows=rows,
            )
        )
    return sorted(out, key=lambda info: -info.version)


@dataclass(frozen=True)
class Diff:
    """Rows added / removed and cells changed between two versions, by natural key."""

    key: tuple[str, ...]
    added: pd.DataFrame
    removed: pd.DataFrame
    changed: pd.DataFrame  # key columns + column, before, after


def keyed(frame: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    text = frame.map(cell_text) if not frame.empty else frame
    return text.set_index(key, drop=False) if not text.empty else text


def diff(curated: Path, dataset: str, before: int, after: int | None = None) -> Diff:
    """What changed in ``dataset`` from version ``before`` to ``after`` (default latest)."""
    key = row_key(dataset)
    old = keyed(read(curated, dataset, before, all_formats=True), key)
    new = keyed(read(curated, dataset, after, all_formats=True), key)
    added = new.loc[~new.index.isin(old.index)].reset_index(drop=True)
    removed = old.loc[~old.index.isin(new.index)].reset_index(drop=True)
    common = old.index.intersection(new.index)
    compared = [c for c in new.columns if c in old.columns and c not in VOLATILE_COLUMNS]
    changes: list[dict[str, str]] = []
    for index in common:
        before_row, after_row = old.loc[index], new.loc[index]
        for column in compared:
            if before_row[column] != after_row[column]:
                change = {k: str(before_row[k]) for k in key}
                change.update(column=column, before=before_row[column], after=after_row[column])
                changes.append(change)
    columns = [*key, "column", "before", "after"]
    return Diff(tuple(key), added, removed, pd.DataFrame(changes, columns=columns))


def changes_since_previous(curated: Path, published: Sequence[Published]) -> dict[str, str]:
    """For each dataset this run committed to, what changed against its previous version."""
    out: dict[str, str] = {}
    for item in published:
        if not item.changed:
            out[item.dataset] = "unchanged"
        elif item.version == 0:
            out[item.dataset] = f"first version ({item.rows} rows)"
        else:
            change = diff(curated, item.dataset, item.version - 1, item.version)
            out[item.dataset] = (
                f"{len(change.added)} rows added, {len(change.removed)} removed, "
                f"{len(change.changed)} cells changed since version {item.version - 1}"
            )
    return out
