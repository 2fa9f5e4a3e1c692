"""The ``series`` dataset: one figure per indicator × member × period over every publication.

Rebuilt whole after every run from every published dataset (all editions, ISC years and news
files in the store). Observations are the named ``indicators`` (sentences, KPI cards) and the
table figures that ``cninet/data/series.yaml`` maps to vocabulary ids.

Choice rule. Within one publication (a report edition counts once, whatever its formats and
files) a table cell beats a sentence, the PDF beats the text dump, the finer printed precision
beats the coarser. Across publications a CNNIC edition beats ISC beats news, and the latest
edition that prints the period wins: a news figure never overrides a report.

Status. ``single``: one publication states it. ``revised``: an earlier edition of the same
publisher printed a different figure for the period (``revised_from_*`` names it). ``conflict``:
another publication (ISC, news) differs. ``agree``: all agree. Two figures differ when they are
more than half the last printed digit of the less precise one apart (counts exact, 98.0 % to
±0.05). ``drift``: the chosen figure moved from the series' previous period by more than the
indicator's limit in ``cninet/data/drift.csv`` (percent per six months, compounded over longer
gaps) — a flag for a person to look at, the figure stays.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from itertools import groupby
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import yaml

from cninet.faults import write_cause
from cninet.settings import code_version
from cninet.store import (
    Published,
    TableUnreadable,
    format_disagreements,
    of_periods,
    open_table,
    pruned,
    publication_of,
    publish_derived,
    publish_derived_periods,
    read_if_published,
    rows_where,
    sql_partitions,
    to_pandas,
)
from cninet.versions import run_changes, touched_periods
from extractors.figures.facts import resolution
from extractors.vocabulary import load_vocabulary
from schemas import DERIVED
from schemas.models import DATASETS

SPEC_RESOURCE = "data/series.yaml"
DRIFT_RESOURCE = "data/drift.csv"
UNRESOLVED = "period_unresolved"
# Within one publication, which kind of statement is preferred (a table cell is exact).
KIND_ORDER = {"report_table": 0, "report_text": 1, "isc": 2, "news": 3}
# Across publications: a CNNIC edition, then ISC, then news.
PUBLISHER_RANK = {"cnnic": 0, "isc": 1, "news": 2}
FORMAT_RANK = {"pdf": 0, "txt": 1}


class SeriesSpecError(ValueError):
    """A broken series.yaml or drift.csv: one line naming the file and the entry."""


@dataclass(frozen=True)
class TableFigure:
    """One figure column of one curated table, mapped to vocabulary ids."""

    dataset: str
    value: str
    base: str
    unit: str
    unit_column: str
    step: float | None
    label: str
    indicators: Mapping[str, str] = field(default_factory=dict)
    indicator: str = ""
    member: str = ""


SPEC_KEYS = {
    "dataset", "value", "base", "unit", "unit_column", "step", "label", "indicators",
    "indicator", "member",
}  # fmt: skip


def parse_figure(entry: Any, where: str, known: set[str]) -> TableFigure:
    if not isinstance(entry, dict):
        raise SeriesSpecError(f"{where}: an entry must be a mapping")
    unknown = sorted(set(entry) - SPEC_KEYS)
    if unknown:
        raise SeriesSpecError(f"{where}: unknown key {unknown[0]!r}")
    dataset = str(entry.get("dataset", ""))
    if dataset not in DATASETS or dataset in DERIVED:
        raise SeriesSpecError(f"{where}: unknown table dataset {dataset!r}")
    columns = set(DATASETS[dataset].to_schema().columns)
    figure = TableFigure(
        dataset=dataset,
        value=str(entry.get("value", "")),
        base=str(entry.get("base", entry.get("value", ""))),
        unit=str(entry.get("unit", "")),
        unit_column=str(entry.get("unit_column", "")),
        step=float(entry["step"]) if "step" in entry else None,
        label=str(entry.get("label", "")),
        indicators={str(k): str(v) for k, v in (entry.get("indicators") or {}).items()},
        indicator=str(entry.get("indicator", "")),
        member=str(entry.get("member", "")),
    )
    for name in (figure.value, figure.base, figure.unit_column, figure.label, figure.member):
        if name and name not in columns:
            raise SeriesSpecError(f"{where}: {dataset} has no column {name!r}")
    if not figure.value:
        raise SeriesSpecError(f"{where}: no value column")
    if bool(figure.indicators) == bool(figure.indicator):
        raise SeriesSpecError(f"{where}: give either label + indicators or indicator + member")
    if (figure.indicators and not figure.label) or (figure.indicator and not figure.member):
        raise SeriesSpecError(f"{where}: indicators need a label, an indicator needs a member")
    if bool(figure.unit) == bool(figure.unit_column):
        raise SeriesSpecError(f"{where}: give either unit or unit_column")
    for indicator in [*figure.indicators.values(), figure.indicator]:
        if indicator and indicator not in known:
            raise SeriesSpecError(f"{where}: indicator {indicator!r} is not in the vocabulary")
    return figure


def parse_table_figures(text: str, name: str = SPEC_RESOURCE) -> tuple[TableFigure, ...]:
    """The validated entries of a series.yaml text (pure)."""
    try:
        entries = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SeriesSpecError(f"{name}: not valid YAML ({' '.join(str(exc).split())})") from None
    if not isinstance(entries, list) or not entries:
        raise SeriesSpecError(f"{name}: expected a list of table figures")
    known = set(load_vocabulary()["indicator_id"])
    return tuple(
        parse_figure(entry, f"{name} entry {number}", known)
        for number, entry in enumerate(entries, 1)
    )


def parse_drift_limits(text: str, name: str = DRIFT_RESOURCE) -> dict[str, float]:
    """indicator id → largest plausible change in six months, percent (pure)."""
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows or set(rows[0]) != {"indicator_id", "max_change_pct", "reason"}:
        raise SeriesSpecError(f"{name}: columns must be indicator_id, max_change_pct, reason")
    known = set(load_vocabulary()["indicator_id"])
    limits: dict[str, float] = {}
    for number, row in enumerate(rows, 2):
        indicator = row["indicator_id"]
        if indicator not in known:
            raise SeriesSpecError(f"{name} line {number}: {indicator!r} is not in the vocabulary")
        if indicator in limits:
            raise SeriesSpecError(f"{name} line {number}: {indicator!r} listed twice")
        try:
            limit = float(row["max_change_pct"])
        except ValueError:
            limit = math.nan
        if not limit > 0:
            raise SeriesSpecError(f"{name} line {number}: max_change_pct must be a number > 0")
        limits[indicator] = limit
    return limits


def packaged(resource: str) -> str:
    return resources.files("cninet").joinpath(resource).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def table_figures() -> tuple[TableFigure, ...]:
    return parse_table_figures(packaged(SPEC_RESOURCE))


@lru_cache(maxsize=1)
def drift_limits() -> Mapping[str, float]:
    return parse_drift_limits(packaged(DRIFT_RESOURCE))


# --- observations: every statement of a figure, one row each ---------------------------------

OBSERVATION_COLUMNS = [
    "indicator_id", "member", "period_end", "value", "unit", "value_base", "resolution",
    "source_kind", "publication", "edition", "source_format", "source_path", "page", "line",
    "quote", "caption",
]  # fmt: skip


def printed_step(value: float) -> float:
    """One unit of the last printed digit of a stored number (1188.0 → 1, 7.94 → 0.01)."""
    text = repr(float(value))
    if "e" in text or "." not in text:
        return 1.0
    decimals = len(text.split(".")[1].rstrip("0"))
    return 10.0**-decimals


def table_observations(frame: pd.DataFrame, figure: TableFigure) -> tuple[pd.DataFrame, list[str]]:
    """The figure's statements in one table, and one line per printed label with no id."""
    notes: list[str] = []
    if figure.indicators:
        ids = frame[figure.label].map(figure.indicators)
        missing = sorted(set(frame.loc[ids.isna(), figure.label].astype(str)))
        notes = [
            f"{figure.dataset}: {label!r} has no series id (add it to cninet/{SPEC_RESOURCE})"
            for label in missing
        ]
        member = pd.Series("", index=frame.index)
    else:
        ids = pd.Series(figure.indicator, index=frame.index)
        member = frame[figure.member].astype(str)
    value = frame[figure.value].astype(float)
    base = frame[figure.base].astype(float)
    steps = value.map(printed_step) if figure.step is None else figure.step
    scale = (base / value.where(value != 0)).fillna(1.0).abs()
    out = pd.DataFrame(
        {
            "indicator_id": ids,
            "member": member,
            "period_end": frame["period_end"],
            "value": value,
            "unit": frame[figure.unit_column].astype(str) if figure.unit_column else figure.unit,
            "value_base": base,
            "resolution": steps * scale,
            "source_kind": "report_table",
            "publication": publication_of(frame),
            "edition": frame["edition"],
            "source_format": frame["source_format"],
            "source_path": frame["source_path"],
            "page": frame["page"],
            "line": frame["line"],
            "quote": frame["raw"].astype(str),
            "caption": frame["caption"].astype(str),
        }
    )
    return out[ids.notna()], notes


def text_observations(indicators: pd.DataFrame) -> pd.DataFrame:
    """Named indicators whose period is known."""
    named = indicators[indicators["indicator_id"].notna()]
    named = named[named["quality_flags"].map(lambda flags: UNRESOLVED not in list(flags))]
    return pd.DataFrame(
        {
            "indicator_id": named["indicator_id"],
            "member": "",
            "period_end": named["period_end"],
            "value": named["value"].astype(float),
            "unit": named["unit"].astype(str),
            "value_base": named["value_base"].astype(float),
            "resolution": [
                resolution(str(raw), float(value), float(base))
                for raw, value, base in zip(
                    named["raw"], named["value"], named["value_base"], strict=True
                )
            ],
            "source_kind": named["source_kind"],
            "publication": publication_of(named),
            "edition": named["edition"],
            "source_format": named["source_format"],
            "source_path": named["source_path"],
            "page": named["page"],
            "line": named["line"],
            "quote": named["quote"].astype(str),
            "caption": "",
        }
    )


def observations(frames: Mapping[str, pd.DataFrame]) -> tuple[pd.DataFrame, list[str]]:
    """Every statement in the published datasets, and the table labels with no series id."""
    parts = []
    notes: list[str] = []
    if "indicators" in frames and not frames["indicators"].empty:
        parts.append(text_observations(frames["indicators"]))
    for figure in table_figures():
        frame = frames.get(figure.dataset)
        if frame is None or frame.empty:
            continue
        found, missing = table_observations(frame, figure)
        parts.append(found)
        notes += missing
    if not parts:
        return pd.DataFrame(columns=OBSERVATION_COLUMNS), notes
    return pd.concat(parts, ignore_index=True)[OBSERVATION_COLUMNS], sorted(set(notes))


# --- choosing one figure per indicator × member × period ---------------------------------------


def ranked(obs: pd.DataFrame) -> pd.DataFrame:
    """Observations sorted so that, per key, the preferred statement comes first."""
    news = (obs["source_kind"] == "news") | obs["publication"].str.startswith("file:")
    ranks = obs.assign(
        _publisher=obs["publication"]
        .str.split(":", n=1)
        .str[0]
        .map(PUBLISHER_RANK)
        .where(~news, PUBLISHER_RANK["news"]),
        _edition=-obs["edition"].astype("Float64").fillna(-1.0),
        _kind=obs["source_kind"].map(KIND_ORDER).fillna(len(KIND_ORDER)),
        _format=obs["source_format"].map(FORMAT_RANK).fillna(len(FORMAT_RANK)),
        _period=pd.to_datetime(obs["period_end"]),
    )
    order = [
        "indicator_id", "member", "_period", "_publisher", "_edition", "publication", "_kind",
        "_format", "resolution", "source_path",
    ]  # fmt: skip
    return ranks.sort_values(order, kind="stable").reset_index(drop=True)


def records_of(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts of Python values, column by column (``to_dict("records")`` iterates
    Arrow-backed strings one cell at a time and takes seconds over many editions)."""
    names = [str(c) for c in frame.columns]
    columns = [frame[c].tolist() for c in frame.columns]
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


def differs(one: Mapping[str, Any], other: Mapping[str, Any]) -> bool:
    """More than half the last printed digit of the less precise figure apart."""
    tolerance = max(float(one["resolution"]), float(other["resolution"])) / 2
    return abs(float(one["value_base"]) - float(other["value_base"])) > tolerance * (1 + 1e-9)


def publication_label(row: Mapping[str, Any]) -> str:
    if row["_publisher"] == PUBLISHER_RANK["news"]:
        return f"news:{row['source_path']}"
    return str(row["publication"])


def stated(row: Mapping[str, Any]) -> str:
    """A publication and its figure: ``cnnic:55: 108512 10,000``."""
    return f"{publication_label(row)}: {row['value']:g} {row['unit']}".rstrip()


def none_if_na(value: Any) -> Any:
    return None if value is None or value is pd.NA or pd.isna(value) else value


def choose(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """One key's statements (preferred first) → its series row, without drift."""
    best: dict[str, Mapping[str, Any]] = {}
    for row in rows:
        best.setdefault(str(row["publication"]), row)
    publications = list(best.values())
    chosen = publications[0]
    same_publisher = [
        p
        for p in publications[1:]
        if p["_publisher"] == chosen["_publisher"] != PUBLISHER_RANK["news"]
    ]
    others = [p for p in publications[1:] if p not in same_publisher]
    revised = next((p for p in same_publisher if differs(p, chosen)), None)
    conflict = any(differs(p, chosen) for p in others)
    status = "revised" if revised else "conflict" if conflict else "agree"
    if len(publications) == 1:
        status = "single"
    flags = [name for name, on in (("revised", revised), ("conflict", conflict)) if on]
    news = chosen["_publisher"] == PUBLISHER_RANK["news"]
    return {
        "indicator_id": chosen["indicator_id"],
        "member": chosen["member"],
        "period_end": chosen["_period"],
        "value": chosen["value"],
        "unit": chosen["unit"],
        "value_base": chosen["value_base"],
        "source_kind": chosen["source_kind"],
        "publication": publication_label(chosen),
        "edition": None if news else none_if_na(chosen["edition"]),
        "source_format": chosen["source_format"],
        "source_path": chosen["source_path"],
        "page": none_if_na(chosen["page"]),
        "line": none_if_na(chosen["line"]),
        "quote": chosen["quote"],
        "caption": chosen["caption"],
        "n_publications": len(publications),
        "publications": [stated(p) for p in publications],
        "status": status,
        "revised_from_value": revised["value_base"] if revised else None,
        "revised_from_edition": none_if_na(revised["edition"]) if revised else None,
        "quality_flags": flags,
    }


def series_changes(frame: pd.DataFrame, limits: Mapping[str, float]) -> pd.DataFrame:
    """Per row of ``frame`` (sorted by indicator, member and period), against the series'
    previous period: ``previous_value``, ``previous_edition``, ``change_pct`` (null where
    there is no previous period, or its value is 0) and ``drift`` (the move is beyond the
    indicator's limit, compounded over the gap), in columns at once."""
    indicator, member = frame["indicator_id"].astype(str), frame["member"].astype(str)
    period = pd.to_datetime(frame["period_end"])
    after = frame["value_base"].astype(float)
    before = after.shift()
    same = indicator.eq(indicator.shift()) & member.eq(member.shift())
    has = same & before.ne(0)
    edition = pd.to_numeric(frame["edition"], errors="coerce").astype("Int64").shift()
    months = (period.dt.year - period.dt.year.shift()) * 12 + (
        period.dt.month - period.dt.month.shift()
    )
    limit = indicator.map(dict(limits)).astype(float)
    bound = (1 + limit / 100) ** (months.clip(lower=1.0) / 6)
    ratio = after / before
    beyond = (ratio > bound) | (ratio < 1 / bound)
    drift = has & limit.notna() & (before > 0) & (after >= 0) & beyond
    return pd.DataFrame(
        {
            "previous_value": before.where(has),
            "previous_edition": edition.where(has, pd.NA),
            "change_pct": ((after - before) / before.abs() * 100).where(has),
            "drift": drift.fillna(False).astype(bool),
        },
        index=frame.index,
    )


def with_drift(flags: Sequence[Any], drift: Sequence[bool]) -> list[list[str]]:
    """Each row's flags without any earlier drift, and with ``drift`` where it drifts now."""
    return [
        [*(str(f) for f in list(one) if f != "drift"), *(["drift"] if moved else [])]
        for one, moved in zip(flags, drift, strict=True)
    ]


def add_changes(frame: pd.DataFrame, limits: Mapping[str, float]) -> pd.DataFrame:
    """``frame`` (sorted by indicator, member and period) with its changes and drift."""
    changes = series_changes(frame, limits)
    return frame.assign(
        previous_value=changes["previous_value"],
        previous_edition=changes["previous_edition"],
        change_pct=changes["change_pct"],
        quality_flags=pd.Series(
            with_drift(list(frame["quality_flags"]), list(changes["drift"])),
            index=frame.index,
            dtype=object,
        ),
    )


SERIES_COLUMNS = list(DATASETS["series"].to_schema().columns)


def chosen_rows(frames: Mapping[str, pd.DataFrame], run_id: str) -> tuple[pd.DataFrame, list[str]]:
    """The series rows from the published datasets without their changes (sorted by
    indicator, member and period), and notes (labels with no series id)."""
    obs, notes = observations(frames)
    if obs.empty:
        return pd.DataFrame(columns=SERIES_COLUMNS), notes
    records = records_of(ranked(obs))
    rows = [
        choose(list(group))
        for _, group in groupby(
            records, key=lambda r: (r["indicator_id"], r["member"], r["_period"])
        )
    ]
    frame = pd.DataFrame(rows).assign(run_id=run_id)
    for column in ("previous_value", "previous_edition", "change_pct"):
        frame[column] = None
    return frame[SERIES_COLUMNS], notes


def build_series(frames: Mapping[str, pd.DataFrame], run_id: str) -> tuple[pd.DataFrame, list[str]]:
    """The series rows from the published datasets, and notes (labels with no series id)."""
    frame, notes = chosen_rows(frames, run_id)
    if frame.empty:
        return frame, notes
    return add_changes(frame, drift_limits())[SERIES_COLUMNS], notes


def vocabulary_frame(run_id: str) -> pd.DataFrame:
    return load_vocabulary().assign(run_id=run_id)


# --- the edition checks, as lines for the quality report ---------------------------------------


def number(value: Any) -> str:
    """A base-unit value for a sentence: 1,085,800,000; 97.9."""
    figure = float(value)
    return f"{figure:,.0f}" if figure.is_integer() else f"{figure:,.6g}"


def check_lines(series: pd.DataFrame, editions: Iterable[int] | None = None) -> list[str]:
    """One line per revised or drifting figure (of ``editions`` only, if given)."""
    wanted = None if editions is None else set(editions)
    lines = []
    flagged = series[series["quality_flags"].map(len) > 0]
    for row in flagged.to_dict("records"):
        flags = list(row["quality_flags"])
        involved = {none_if_na(row[c]) for c in ("edition", "previous_edition")}
        if "revised" in flags:
            involved.add(none_if_na(row["revised_from_edition"]))
        if wanted is not None and not involved & wanted:
            continue
        name = f"{row['indicator_id']}" + (f" [{row['member']}]" if row["member"] else "")
        period = pd.Timestamp(row["period_end"]).date().isoformat()
        if "revised" in flags:
            lines.append(
                f"revised: {name} {period}: {row['publication']} prints "
                f"{number(row['value_base'])}, edition {int(row['revised_from_edition'])} "
                f"printed {number(row['revised_from_value'])}"
            )
        if "drift" in flags:
            lines.append(
                f"drift: {name} {period}: {number(row['value_base'])} ({row['publication']}) is "
                f"{row['change_pct']:+.1f} % from {number(row['previous_value'])} at the "
                "previous period"
            )
    return lines


def format_lines(frames: Mapping[str, pd.DataFrame], editions: Iterable[int] | None) -> list[str]:
    """The both-formats check over the table datasets and indicators (of ``editions``)."""
    wanted = None if editions is None else set(editions)
    lines = []
    for dataset, frame in frames.items():
        if dataset in DERIVED or frame.empty:
            continue
        if wanted is not None:
            frame = frame[frame["edition"].isin(sorted(wanted))]
        lines += [f"formats disagree: {line}" for line in format_disagreements(frame, dataset)]
    return lines


# --- rebuilding and publishing -------------------------------------------------------------------


def published_frames(curated: Path) -> dict[str, pd.DataFrame]:
    """Every published per-source dataset, all rows (every edition and format)."""
    frames = {}
    for dataset in DATASETS:
        if dataset in DERIVED or dataset == "news_articles":
            continue
        frame = read_if_published(curated, dataset)
        if frame is not None:
            frames[dataset] = frame
    return frames


def series_datasets() -> list[str]:
    """The per-source datasets ``series`` is built from: named indicators, table figures."""
    return list(dict.fromkeys(["indicators", *(figure.dataset for figure in table_figures())]))


def frames_of(curated: Path, read: Any) -> dict[str, pd.DataFrame]:
    """``read(curated, dataset)`` for every dataset series reads, where published."""
    frames = {}
    for dataset in series_datasets():
        frame = read(curated, dataset)
        if frame is not None and not frame.empty:
            frames[dataset] = frame
    return frames


# The columns of the stored series read in full on every run (the change of each series
# against its previous period, and the edition checks' lines, follow from them); the other
# columns are read only for the periods a run rewrites.
NARROW_COLUMNS = [
    "indicator_id", "member", "period_end", "value_base", "edition", "publication",
    "revised_from_value", "revised_from_edition", "previous_value", "previous_edition",
    "change_pct",
]  # fmt: skip


def flag_marks(flags: pa.ChunkedArray, name: str) -> np.ndarray:
    """Per row of a list<string> column, whether it holds ``name`` (Arrow, no Python loop)."""
    lists = flags.combine_chunks()
    found = np.zeros(len(lists), dtype=bool)
    if len(lists):
        values = pc.list_flatten(lists)
        parents = pc.list_parent_indices(lists)
        found[parents.filter(pc.equal(values, name)).to_numpy(zero_copy_only=False)] = True
    return found


def stored_outside(table: Any, periods: set[str]) -> pd.DataFrame:
    """The stored series outside ``periods``: the narrow columns, and whether each row is
    flagged revised or drift."""
    _, rows = of_periods(periods)
    try:
        data = table.to_pyarrow_dataset().to_table(
            columns=[*NARROW_COLUMNS, "quality_flags"], filter=~rows
        )
    except Exception as exc:
        raise TableUnreadable("series", write_cause(exc)) from None
    flags = data.column("quality_flags")
    frame = to_pandas(data.drop_columns(["quality_flags"]))
    return frame.assign(
        _revised=flag_marks(flags, "revised"), _drift=flag_marks(flags, "drift"), _fresh=False
    )


def same_values(old: pd.Series, new: pd.Series) -> pd.Series:
    """Cell by cell, the same number (both null counts as the same)."""
    left, right = old.astype("Float64"), new.astype("Float64")
    return (left.isna() & right.isna()) | (left == right).fillna(False)


def updated_series(
    table: Any, fresh: pd.DataFrame, periods: set[str], run_id: str
) -> tuple[pd.DataFrame, set[str], pd.DataFrame]:
    """After a run: the series rows to write (``fresh``, built from every publication's rows
    of ``periods``, and the stored rows of every period whose change against its previous
    period moved), the periods they cover, and the whole series' narrow columns as they are
    now (for the edition checks). Only the narrow columns of the stored series are read
    whole; each series' changes and drift are computed again in columns."""
    kept = stored_outside(table, periods)
    new = fresh.assign(
        _revised=[("revised" in list(f)) for f in fresh["quality_flags"]],
        _drift=False,
        _fresh=True,
    )
    both = pd.concat([kept, new[kept.columns]], ignore_index=True)
    both["period_end"] = pd.to_datetime(both["period_end"])
    both["_key"] = both["indicator_id"].astype(str) + "\x1f" + both["member"].astype(str)
    both = both.sort_values(["_key", "period_end"], kind="stable").reset_index(drop=True)
    changes = series_changes(both, drift_limits())
    moved = ~both["_fresh"] & ~(
        same_values(both["previous_value"], changes["previous_value"])
        & same_values(both["change_pct"], changes["change_pct"])
        & same_values(both["previous_edition"], changes["previous_edition"])
        & (both["_drift"] == changes["drift"])
    )
    for column in ("previous_value", "previous_edition", "change_pct"):
        both[column] = changes[column]
    both["_drift"] = changes["drift"]
    extra = set(both.loc[moved, "period_end"].dt.strftime("%Y-%m-%d")) - periods
    keys = ["indicator_id", "member", "period_end"]
    now = both[[*keys, "previous_value", "previous_edition", "change_pct", "_drift"]]
    moved_keys = both.loc[moved, keys].assign(_moved=True)
    parts = []
    if not fresh.empty:
        ours = fresh.assign(period_end=pd.to_datetime(fresh["period_end"]))
        parts.append(ours.drop(columns=["previous_value", "previous_edition", "change_pct"]))
    if extra:
        where, rows = of_periods(extra)
        theirs = to_pandas(pruned("series", table, where, rows))
        theirs["period_end"] = pd.to_datetime(theirs["period_end"])
        theirs = theirs.merge(moved_keys, on=keys, how="left")
        theirs["run_id"] = theirs["run_id"].where(theirs["_moved"].isna(), run_id)
        parts.append(theirs.drop(columns=["previous_value", "previous_edition", "change_pct"]))
    if not parts:
        return pd.DataFrame(columns=SERIES_COLUMNS), set(periods), both
    written = pd.concat(parts, ignore_index=True).merge(now, on=keys, how="left")
    written["quality_flags"] = with_drift(list(written["quality_flags"]), list(written["_drift"]))
    written = written.sort_values(keys, kind="stable").reset_index(drop=True)
    return written[SERIES_COLUMNS], periods | extra, both


def flagged_now(both: pd.DataFrame) -> pd.DataFrame:
    """The rows of the whole series (narrow columns) flagged revised or drift, with their
    flags as lists, in series order (for ``check_lines``)."""
    flagged = both[both["_revised"] | both["_drift"]]
    flags = [
        [name for name, on in (("revised", revised), ("drift", drift)) if on]
        for revised, drift in zip(flagged["_revised"], flagged["_drift"], strict=True)
    ]
    ordered = flagged.assign(quality_flags=pd.Series(flags, index=flagged.index, dtype=object))
    return ordered.sort_values(
        ["indicator_id", "member", "period_end"], key=lambda c: c.astype(str), kind="stable"
    )


def publish_series(
    curated: Path,
    run_id: str,
    editions: Iterable[int] | None = None,
    published: Sequence[Published] | None = None,
) -> tuple[list[Published], list[str]]:
    """Bring ``series`` and ``vocabulary`` up to date and publish them where they changed.
    Returns what was published and the edition checks' lines for the report (the figures of
    ``editions`` that were revised or drift, the facts an edition's formats print
    differently, the table labels with no series id).

    With the run's commits (``published``), only the periods whose rows the run inserted or
    deleted (the change data feed) are built again, from every publication's rows for those
    periods (files pruned by their ``period_end`` statistics); the rest of the series is
    kept, its changes and drift recomputed. Without them, or for a store without the change
    data feed, everything is rebuilt from every published dataset."""
    metadata = {"run_id": run_id, "code_version": code_version()}
    changes = None
    table = open_table(curated, "series")
    if published is not None and table is not None:
        changes = run_changes(curated, published, series_datasets())
    chosen = None if editions is None else list(editions)
    if changes is None:
        frames = published_frames(curated)
        if not frames:
            return [], []
        built, notes = build_series(frames, run_id)
        series = DATASETS["series"].validate(built, lazy=True)
        result = publish_derived(curated, "series", series, {**metadata, "dataset": "series"})
        lines = check_lines(series, chosen) + format_lines(frames, chosen) + notes
    else:
        assert table is not None
        periods = touched_periods(changes)
        # each table opened once for both reads (opening follows the table's files)
        tables = {d: open_table(curated, d) for d in series_datasets()}
        frames = frames_of(curated, lambda c, d: rows_where(d, tables[d], *of_periods(periods)))
        fresh, notes = chosen_rows(frames, run_id)
        written, touched, now = updated_series(table, fresh, periods, run_id)
        checked = DATASETS["series"].validate(written, lazy=True)
        result = publish_derived_periods(
            curated, "series", checked, touched, {**metadata, "dataset": "series"}
        )
        flagged = flagged_now(now)
        if chosen:
            ours = frames_of(curated, lambda c, d: rows_where(d, tables[d], sql_partitions(chosen)))
            notes = observations(ours)[1]
        else:
            ours = {}
        lines = check_lines(flagged, chosen) + format_lines(ours, chosen) + notes
    vocabulary = publish_derived(
        curated, "vocabulary", vocabulary_frame(run_id), {**metadata, "dataset": "vocabulary"}
    )
    return [result, vocabulary], lines
