"""Dataset versions and differences between them (pure functions over Delta tables)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
from deltalake import DeltaTable

from cninet.browse import VersionInfo as VersionInfo  # re-exported: the Python API
from cninet.browse import versions as versions
from cninet.faults import write_cause
from cninet.store import (
    CDF_PROPERTY,
    VOLATILE_COLUMNS,
    Published,
    TableUnreadable,
    arrow_of,
    cell_text,
    column_order,
    iso_dates,
    of_periods,
    open_table,
    pruned,
    read,
    row_key,
    sql_in,
)
from schemas import DERIVED

SHA256 = re.compile(r"\b[0-9a-f]{64}\b")
CHANGE_FEED = "Delta's change data feed"
WHOLE_VERSIONS = "both versions read whole"


@dataclass(frozen=True)
class Diff:
    """Rows added / removed and cells changed between two versions, by natural key.

    ``repeated``: the keys (as text) that more than one changed row shares on one side; such
    rows cannot be paired, so they are listed as added/removed, never compared cell by cell.
    ``via``: how the rows were found (Delta's change data feed, or both versions whole)."""

    key: tuple[str, ...]
    added: pd.DataFrame
    removed: pd.DataFrame
    changed: pd.DataFrame  # key columns + column, before, after
    repeated: tuple[str, ...] = ()
    via: str = CHANGE_FEED


def content(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """The rows reduced to ``columns`` as canonical text (no volatile columns)."""
    if frame.empty:
        return pd.DataFrame(columns=list(columns), dtype=object)
    return pd.DataFrame({c: [cell_text(v) for v in frame[c]] for c in columns}, dtype=object)


def without_common(old: pd.DataFrame, new: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both sides less the rows present on both (as multisets: a row twice on one side and
    once on the other is left once)."""
    columns = list(old.columns)
    if old.empty or new.empty:
        return old, new
    left = old.assign(_n=old.groupby(columns, sort=False).cumcount())
    right = new.assign(_n=new.groupby(columns, sort=False).cumcount())
    merged = left.merge(right, on=[*columns, "_n"], how="outer", indicator=True)
    only = merged["_merge"]
    return (
        merged.loc[only == "left_only", columns].reset_index(drop=True),
        merged.loc[only == "right_only", columns].reset_index(drop=True),
    )


def key_text(row: Sequence[str]) -> str:
    """A key as one line; a sha256 shortened to its first 12 digits."""
    return " / ".join(SHA256.sub(lambda m: m.group(0)[:12], value) for value in row)


def key_tuples(frame: pd.DataFrame, key: list[str]) -> pd.Series:
    return pd.Series(list(frame[key].itertuples(index=False, name=None)), index=frame.index)


def repeated_keys(frame: pd.DataFrame, key: list[str]) -> set[tuple[str, ...]]:
    """The keys more than one row of ``frame`` shares."""
    if frame.empty:
        return set()
    keys = key_tuples(frame, key)
    return set(keys[keys.duplicated(keep=False)])


def paired(
    old: pd.DataFrame, new: pd.DataFrame, key: list[str], repeats: set[tuple[str, ...]]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, tuple[str, ...]]:
    """Added, removed, changed cells and repeated keys from the rows that differ. A row whose
    key repeats (in ``repeats``, the keys either version holds twice, or among these rows)
    is not paired: it is added or removed."""
    repeats = repeats | repeated_keys(old, key) | repeated_keys(new, key)
    columns = [*key, "column", "before", "after"]
    if old.empty or new.empty:  # only rows added (a new source) or only removed: no pairing
        side = new if old.empty else old
        shown = sorted({key_text(k) for k in key_tuples(side, key) if k in repeats})
        return new, old, pd.DataFrame(columns=columns), tuple(shown)
    repeats_old = key_tuples(old, key).isin(repeats)
    repeats_new = key_tuples(new, key).isin(repeats)
    repeated = sorted(
        {key_text(r) for r in old.loc[repeats_old, key].itertuples(index=False)}
        | {key_text(r) for r in new.loc[repeats_new, key].itertuples(index=False)}
    )
    single_old, single_new = old[~repeats_old], new[~repeats_new]
    both = single_old.merge(single_new, on=key, how="inner", suffixes=("__old", "__new"))
    matched = both[key]
    in_both_old = single_old.merge(matched, on=key, how="left", indicator=True)["_merge"]
    in_both_new = single_new.merge(matched, on=key, how="left", indicator=True)["_merge"]
    removed = pd.concat(
        [single_old[(in_both_old == "left_only").to_numpy()], old[repeats_old]]
    ).reset_index(drop=True)
    added = pd.concat(
        [single_new[(in_both_new == "left_only").to_numpy()], new[repeats_new]]
    ).reset_index(drop=True)
    cells = []
    for column in (c for c in old.columns if c not in key):
        before, after = both[f"{column}__old"], both[f"{column}__new"]
        differs = before != after
        if differs.any():
            part = both.loc[differs, key].copy()
            part["column"], part["before"], part["after"] = column, before[differs], after[differs]
            cells.append(part)
    changed = pd.concat(cells, ignore_index=True) if cells else pd.DataFrame(columns=columns)
    return added, removed, changed.sort_values(key, kind="stable")[columns], tuple(repeated)


def change_feed(
    table: DeltaTable, dataset: str, first: int, last: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows commits ``first``..``last`` deleted and inserted, from Delta's change data
    feed (only the files those commits touched are read)."""
    try:
        frame = pa.table(
            table.load_cdf(starting_version=first, ending_version=last).read_all()
        ).to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
    except Exception as exc:
        raise TableUnreadable(dataset, write_cause(exc)) from None
    kind = frame["_change_type"]
    gone = frame[kind.isin(["delete", "update_preimage"])]
    came = frame[kind.isin(["insert", "update_postimage"])]
    return gone, came


def feeds_changes(table: DeltaTable) -> bool:
    """Whether the table writes a change data feed (cninet creates every table with it on and
    never turns it off, so the latest version speaks for all of them)."""
    return table.metadata().configuration.get(CDF_PROPERTY) == "true"


def version_repeats(
    table: DeltaTable, dataset: str, key: list[str], gone: pd.DataFrame, came: pd.DataFrame
) -> set[tuple[str, ...]]:
    """The keys either version holds more than once, among the sources whose rows changed.
    ``table`` is the newer version; only its key columns of those sources are read, and the
    older version's keys follow from the change: older = newer − came + gone."""
    if gone.empty and came.empty:
        return set()
    if "source_path" in key:
        # a key holds its source path: only the changed paths' rows can repeat, and only the
        # files whose statistics may hold those paths are read
        paths = sorted(set(gone.get("source_path", [])) | set(came.get("source_path", [])))
        where = sql_in("source_path", paths)
        found = pruned(dataset, table, where, ds.field("source_path").isin(paths), key)
    elif "period_end" in key:
        # a derived dataset keyed by period: only the changed periods' rows can repeat
        changed = [*gone.get("period_end", []), *came.get("period_end", [])]
        where, rows_of = of_periods(changed)
        found = pruned(dataset, table, where, rows_of, key)
    else:
        found = arrow_of(dataset, table, columns=key)
    rows = content(found.to_pandas(), key)
    newer = Counter(key_tuples(rows, key)) if not rows.empty else Counter()
    older = newer.copy()
    older.subtract(Counter(key_tuples(came, key)) if not came.empty else Counter())
    older.update(Counter(key_tuples(gone, key)) if not gone.empty else Counter())
    return {k for counts in (newer, older) for k, n in counts.items() if n > 1}


def diff_key(dataset: str) -> list[str]:
    """Rows pair by source path and natural key (a corrected file at the same path replaces
    its rows, so what it corrected shows as changed cells); derived datasets by natural key."""
    return ["source_path" if c == "source_sha256" else c for c in row_key(dataset)]


# Not compared: the run id changes every run, the sha256 with every corrected file.
IGNORED_COLUMNS = (*VOLATILE_COLUMNS, "source_sha256")


def diff(
    curated: Path, dataset: str, before: int, after: int | None = None, whole: bool = False
) -> Diff:
    """What changed in ``dataset`` from version ``before`` to ``after`` (default latest).

    Tables written with the change data feed on are diffed from it, reading only the changed
    rows; older tables (or ``whole``) compare both versions whole. Rows are paired by
    ``diff_key``."""
    key = diff_key(dataset)
    latest = open_table(curated, dataset)
    if latest is None:
        raise FileNotFoundError(f"no published table for {dataset} under {curated}")
    newest = latest.version()
    after = newest if after is None else after
    for version in (before, after):
        if not 0 <= version <= newest:
            raise ValueError(f"{dataset} has no version {version} (latest is {newest})")
    low, high = sorted((before, after))
    if low == high:
        old = new = pd.DataFrame()
        via = CHANGE_FEED
    elif not whole and feeds_changes(latest):
        old, new = change_feed(latest, dataset, low + 1, high)
        via = CHANGE_FEED
    else:
        old = read(curated, dataset, low, all_formats=True)
        new = read(curated, dataset, high, all_formats=True)
        via = WHOLE_VERSIONS
    if before > after:
        old, new = new, old
    columns = [c for c in column_order(dataset) if c not in IGNORED_COLUMNS]
    columns = [c for c in columns if c in old.columns and c in new.columns] or columns
    gone, came = without_common(content(old, columns), content(new, columns))
    if via == WHOLE_VERSIONS:
        repeats = repeated_keys(content(old, key), key) | repeated_keys(content(new, key), key)
    else:
        newer = latest if high == newest else open_table(curated, dataset, high)
        assert newer is not None
        backwards = before > after  # gone then holds the newer rows
        repeats = version_repeats(
            newer, dataset, key, came if backwards else gone, gone if backwards else came
        )
    added, removed, changed, repeated = paired(gone, came, key, repeats)
    return Diff(tuple(key), added, removed, changed, repeated, via)


def changes_since_previous(
    curated: Path, published: Sequence[Published], whole: bool = False
) -> dict[str, str]:
    """For each dataset this run committed to, what changed against its previous version
    (from the commit's change data feed; ``whole``: both versions read whole)."""
    out: dict[str, str] = {}
    for item in published:
        if not item.changed:
            out[item.dataset] = "unchanged"
        elif item.version == 0:
            out[item.dataset] = f"first version ({item.rows} rows)"
        elif item.appended and not whole:
            # an append-only commit: its rows are the change, nothing to read
            out[item.dataset] = (
                f"{item.rows} rows added, 0 removed, 0 cells changed since version "
                f"{item.version - 1}"
            )
        else:
            change = diff(curated, item.dataset, item.version - 1, item.version, whole)
            out[item.dataset] = (
                f"{len(change.added)} rows added, {len(change.removed)} removed, "
                f"{len(change.changed)} cells changed since version {item.version - 1}"
            )
    return out


def run_changes(
    curated: Path, published: Sequence[Published], datasets: Sequence[str] | None = None
) -> dict[str, pd.DataFrame] | None:
    """Per per-source dataset (of ``datasets``) a run committed to, the rows its commit
    deleted and inserted, from the change data feed (only the files that commit touched are
    read). None when a table keeps no change data feed: the caller rebuilds from scratch."""
    out: dict[str, pd.DataFrame] = {}
    for item in published:
        if not item.changed or item.dataset in DERIVED:
            continue
        if datasets is not None and item.dataset not in datasets:
            continue
        table = open_table(curated, item.dataset)
        if table is None or not feeds_changes(table):
            return None
        gone, came = change_feed(table, item.dataset, item.version, item.version)
        both = [f for f in (gone, came) if not f.empty]
        frame = pd.concat(both, ignore_index=True) if both else came
        out[item.dataset] = pd.concat([out[item.dataset], frame]) if item.dataset in out else frame
    return out


def touched_periods(changes: Mapping[str, pd.DataFrame]) -> set[str]:
    """The periods (ISO dates) of every row a run's commits deleted or inserted."""
    return {
        d for frame in changes.values() if not frame.empty for d in iso_dates(frame["period_end"])
    }
