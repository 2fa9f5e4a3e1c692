"""Which sources have been processed: a small Delta table ``curated/_sources`` keyed by sha256.

A file is identified by its content: a renamed or copied file is not a new source.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
from deltalake import CommitProperties, DeltaTable, write_deltalake
from deltalake.exceptions import TableNotFoundError

REGISTRY = "_sources"
SCHEMA = pa.schema(
    [
        ("source_sha256", pa.string()),
        ("source_path", pa.string()),
        ("kind", pa.string()),
        ("edition", pa.int64()),
        ("run_id", pa.string()),
        ("processed_at", pa.timestamp("us", tz="UTC")),
    ]
)


@dataclass(frozen=True)
class Processed:
    source_sha256: str
    source_path: str
    kind: str
    edition: int | None
    run_id: str


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def processed(curated: Path) -> dict[str, str]:
    """sha256 → the path it was first processed under."""
    try:
        table = DeltaTable(str(curated / REGISTRY))
    except TableNotFoundError:
        return {}
    rows = table.to_pyarrow_table(columns=["source_sha256", "source_path"]).to_pylist()
    return {row["source_sha256"]: row["source_path"] for row in rows}


def record(curated: Path, sources: Sequence[Processed], run_id: str) -> None:
    """Add the sources not yet known, in one commit. A source whose path was recorded before
    with other content supersedes it: the old content is forgotten (its rows were replaced),
    so the same old bytes restored later are read again instead of taken for processed."""
    try:
        table: DeltaTable | None = DeltaTable(str(curated / REGISTRY))
    except TableNotFoundError:
        table = None
    known = table.to_pyarrow_table() if table is not None else SCHEMA.empty_table()
    shas = set(known.column("source_sha256").to_pylist())
    new = [s for s in sources if s.source_sha256 not in shas]
    if not new:
        return
    now = datetime.now(UTC)
    data = pa.Table.from_pylist(
        [{**s.__dict__, "run_id": run_id, "processed_at": now} for s in new], schema=SCHEMA
    )
    replaced = {s.source_path for s in new}
    kept = [row for row in known.to_pylist() if row["source_path"] not in replaced]
    metadata = CommitProperties(custom_metadata={"run_id": run_id})
    if len(kept) == known.num_rows:
        write_deltalake(str(curated / REGISTRY), data, mode="append", commit_properties=metadata)
        return
    rows = pa.concat_tables([pa.Table.from_pylist(kept, schema=SCHEMA), data])
    write_deltalake(str(curated / REGISTRY), rows, mode="overwrite", commit_properties=metadata)


def processed_editions(curated: Path) -> set[int]:
    """Every edition number the registry has recorded (report sources only)."""
    try:
        table = DeltaTable(str(curated / REGISTRY))
    except TableNotFoundError:
        return set()
    rows = table.to_pyarrow_table(columns=["edition"]).to_pylist()
    return {int(row["edition"]) for row in rows if row["edition"] is not None}
