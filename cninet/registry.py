"""Which sources have been processed: a small Delta table ``curated/_sources`` keyed by sha256.

A file is identified by its content: a renamed or copied file is not a new source. A source
whose rows could not all be published is recorded with ``status`` ``failed`` and the reason:
it is not processed, so the next scan reads it again (and records it ``processed`` then).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.dataset as ds
from deltalake import CommitProperties, DeltaTable, write_deltalake
from deltalake.exceptions import TableNotFoundError

from cninet.store import KEEP_LOGS, compact, sql_in

REGISTRY = "_sources"
SCHEMA = pa.schema(
    [
        ("source_sha256", pa.string()),
        ("source_path", pa.string()),
        ("kind", pa.string()),
        ("edition", pa.int64()),
        ("run_id", pa.string()),
        ("processed_at", pa.timestamp("us", tz="UTC")),
        ("status", pa.string()),
        ("reason", pa.string()),
    ]
)
PROCESSED = "processed"
FAILED = "failed"


@dataclass(frozen=True)
class Processed:
    source_sha256: str
    source_path: str
    kind: str
    edition: int | None
    run_id: str
    status: str = PROCESSED
    reason: str = ""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def registry_rows(curated: Path) -> list[dict[str, Any]]:
    """Every row of the registry (a registry written before ``status`` existed: all
    processed)."""
    try:
        table = DeltaTable(str(curated / REGISTRY))
    except TableNotFoundError:
        return []
    names = set(table.schema().to_arrow().names)
    wanted: list[str] = ["source_sha256", "source_path", "status", "reason"]
    columns = [c for c in wanted if c in names]
    return [with_status(row) for row in table.to_pyarrow_table(columns=columns).to_pylist()]


def with_status(row: dict[str, Any]) -> dict[str, Any]:
    """A registry row with ``status``/``reason`` (absent or null in older rows: processed)."""
    return {**row, "status": row.get("status") or PROCESSED, "reason": row.get("reason") or ""}


def processed(curated: Path) -> dict[str, str]:
    """sha256 → the path it was first processed under (failed attempts are not processed)."""
    out: dict[str, str] = {}
    for row in registry_rows(curated):
        if row["status"] == PROCESSED:
            out.setdefault(row["source_sha256"], row["source_path"])
    return out


def failed(curated: Path) -> dict[str, tuple[str, str]]:
    """sha256 → (path, reason) of the sources whose last attempt failed and that no later
    run processed: the next scan reads them again."""
    out: dict[str, tuple[str, str]] = {}
    done = processed(curated)
    for row in registry_rows(curated):
        if row["status"] == FAILED and row["source_sha256"] not in done:
            out[row["source_sha256"]] = (row["source_path"], row["reason"] or "")
    return out


def record(curated: Path, sources: Sequence[Processed], run_id: str) -> None:
    """Add, in one commit, the processed sources not yet known and every failed attempt. A
    source whose path was recorded before with other content supersedes it: the old content
    is forgotten (its rows were replaced), so the same old bytes restored later are read
    again instead of taken for processed."""
    try:
        table: DeltaTable | None = DeltaTable(str(curated / REGISTRY))
    except TableNotFoundError:
        table = None
    shas = sorted({s.source_sha256 for s in sources})
    paths = sorted({s.source_path for s in sources})
    # only the rows of these contents and paths are read (files pruned by their statistics)
    known = [with_status(row) for row in rows_of(table, shas, paths)] if table else []
    done = {row["source_sha256"] for row in known if row["status"] == PROCESSED}
    new = [s for s in sources if s.status == FAILED or s.source_sha256 not in done]
    if not new:
        return
    now = datetime.now(UTC)
    data = pa.Table.from_pylist(
        [{**s.__dict__, "run_id": run_id, "processed_at": now} for s in new], schema=SCHEMA
    )
    replaced = {s.source_path for s in new}
    metadata = CommitProperties(custom_metadata={"run_id": run_id})
    path = str(curated / REGISTRY)
    # schema_mode: registries from before ``status``/``reason`` gain the columns
    if table is None or not any(row["source_path"] in replaced for row in known):
        target = path if table is None else table
        write_deltalake(
            target,
            data,
            mode="append",
            schema_mode="merge",
            commit_properties=metadata,
            post_commithook_properties=KEEP_LOGS,
        )
        if table is not None:
            compact(table)  # one small file per run: merged every few runs
        return
    everything = [with_status(row) for row in table.to_pyarrow_table().to_pylist()]
    kept = [row for row in everything if row["source_path"] not in replaced]
    rows = pa.concat_tables([pa.Table.from_pylist(kept, schema=SCHEMA), data])
    write_deltalake(
        path,
        rows,
        mode="overwrite",
        schema_mode="merge",
        commit_properties=metadata,
        post_commithook_properties=KEEP_LOGS,
    )


def rows_of(table: DeltaTable, shas: Sequence[str], paths: Sequence[str]) -> list[dict[str, Any]]:
    """The registry rows of these contents or paths."""
    if not shas and not paths:
        return []
    where = " OR ".join(
        sql_in(column, values)
        for column, values in (("source_sha256", shas), ("source_path", paths))
        if values
    )
    rows = ds.field("source_sha256").isin(list(shas)) | ds.field("source_path").isin(list(paths))
    found = table.to_pyarrow_dataset(file_pruning_predicate=where).to_table(filter=rows)
    return list(found.to_pylist())


def processed_editions(curated: Path) -> set[int]:
    """Every edition number the registry has recorded (report sources only)."""
    try:
        table = DeltaTable(str(curated / REGISTRY))
    except TableNotFoundError:
        return set()
    rows = table.to_pyarrow_table(columns=["edition"]).to_pylist()
    return {int(row["edition"]) for row in rows if row["edition"] is not None}
