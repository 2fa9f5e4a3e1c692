"""The per-run quality report, as an analyst reads it.

One view model (``ReportView``, built by ``report_view``) is rendered by one jinja2 template per
format: ``templates/report.md.j2`` (Markdown, also the Prefect artifact) and
``templates/report.html.j2`` (HTML with small static SVG charts, no scripts). The view holds:
the date, the sources, a headline table of the main series (the run's edition beside the
previous period, and the change) with each series' history for its chart, the datasets and
what changed in each (from the change data feed), source errata grouped per check and
publication (a PDF and its text dump print one erratum: one line, both places), revisions
and drift, conflicts, what was not written, structural failures.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from cninet.settings import REPORTS_DIR, code_version
from cninet.store import TableUnreadable, open_table, pruned, to_pandas
from extractors.vocabulary import load_vocabulary

if TYPE_CHECKING:
    from cninet.process import RunResult, SourceOutcome
    from schemas.validate import Flag

HEADLINE_RESOURCE = "data/headline.csv"
HISTORY = 8  # periods drawn in a headline chart
# how far back the headline looks for the previous period and the chart's points
WINDOW_YEARS = 10
REPORT_KINDS = ("report_text", "report_table")


class HeadlineSpecError(ValueError):
    """The headline list is malformed or names an id the vocabulary lacks (one line)."""


def md(text: object) -> str:
    """Escape a value for a Markdown table cell."""
    return re.sub(r"([|\\`*_\[\]<>])", r"\\\1", str(text)).replace("\t", " ⇥ ").replace("\n", " ")


def location(page: int | None, line: int | None) -> str:
    return f"p. {page}" if page is not None else f"line {line}" if line is not None else ""


def shown_status(source: SourceOutcome) -> str:
    """A source's status as the report shows it: an extracted source with a reason is one
    whose rows did not all publish (recorded as failed, read again by the next scan)."""
    return "failed" if source.status == "extracted" and source.reason else source.status


# --- the headline series (data: cninet/data/headline.csv) ----------------------------------


def parse_headline(text: str, known: Iterable[str], name: str = HEADLINE_RESOURCE) -> list[str]:
    """The indicator ids of the headline table, in order; each must be in the vocabulary."""
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows or "indicator_id" not in rows[0]:
        raise HeadlineSpecError(f"{name}: needs an indicator_id column and at least one row")
    ids = [str(row["indicator_id"]).strip() for row in rows]
    vocabulary = set(known)
    unknown = [i for i in ids if i not in vocabulary]
    if unknown:
        raise HeadlineSpecError(f"{name}: not in the vocabulary: {', '.join(unknown)}")
    if len(set(ids)) != len(ids):
        raise HeadlineSpecError(f"{name}: an indicator_id is listed twice")
    return ids


@lru_cache(maxsize=1)
def headline_ids() -> tuple[str, ...]:
    text = resources.files("cninet").joinpath(HEADLINE_RESOURCE).read_text(encoding="utf-8")
    return tuple(parse_headline(text, load_vocabulary()["indicator_id"]))


@dataclass(frozen=True)
class HeadlineRow:
    indicator_id: str
    name: str
    period: str
    value: str
    previous_period: str
    previous: str
    change: str
    history: tuple[tuple[str, float], ...]  # (period end, base-unit value), oldest first


def number(value: float, base_unit: str) -> str:
    if base_unit == "percent":
        return f"{value:.1f} %"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def change_text(new: float, old: float, base_unit: str) -> str:
    """The change from ``old`` to ``new``: percentage points for a percent, else the
    difference and the relative change."""
    delta = new - old
    sign = "+" if delta >= 0 else "-"
    if base_unit == "percent":
        return f"{sign}{abs(delta):.1f} pp"
    relative = f" ({sign}{abs(delta) / old * 100:.2f} %)" if old else ""
    return f"{sign}{number(abs(delta), base_unit)}{relative}"


def one_per_period(rows: pd.DataFrame) -> pd.DataFrame:
    """One value per indicator and period: the report figure of the latest edition (a PDF and
    its text dump state it alike; the first is kept), else any publication's."""
    if rows.empty:
        return rows
    ranked = rows.assign(
        _report=rows["source_kind"].isin(REPORT_KINDS),
        _edition=pd.to_numeric(rows["edition"], errors="coerce").fillna(-1),
    ).sort_values(["indicator_id", "period_end", "_report", "_edition", "source_format"],
                  ascending=[True, True, False, False, True])  # fmt: skip
    return ranked.drop_duplicates(["indicator_id", "period_end"]).reset_index(drop=True)


def headline_values(curated: Path, ids: Sequence[str], upto: date | None = None) -> pd.DataFrame:
    """indicator_id, period_end, value_base of the headline ids (only these ids' columns and
    rows are read from ``indicators``; with ``upto``, only the files whose periods may fall
    in the ``WINDOW_YEARS`` before it: the cost does not grow with the editions stored)."""
    columns = ["indicator_id", "period_end", "value_base", "source_kind", "edition"]
    try:
        table = open_table(curated, "indicators")
        if table is None:
            return pd.DataFrame(columns=columns)
        names = set(table.schema().to_arrow().names)
        wanted = [c for c in [*columns, "source_format"] if c in names]
        rows = ds.field("indicator_id").isin(list(ids))
        where = "TRUE"
        if upto is not None:
            since = upto.replace(year=upto.year - WINDOW_YEARS, day=1)
            where = f"period_end >= '{since.isoformat()}' AND period_end <= '{upto.isoformat()}'"
            rows = rows & (ds.field("period_end") >= pa.scalar(since, pa.date32()))
            rows = rows & (ds.field("period_end") <= pa.scalar(upto, pa.date32()))
        frame = to_pandas(pruned("indicators", table, where, rows, wanted))
    except (TableUnreadable, OSError):
        return pd.DataFrame(columns=columns)
    if "source_format" not in frame.columns:
        frame["source_format"] = ""
    frame["period_end"] = pd.to_datetime(frame["period_end"]).dt.date
    return one_per_period(frame.dropna(subset=["period_end", "value_base"]))


def headline(curated: Path, periods: Sequence[date]) -> list[HeadlineRow]:
    """Each headline series at the latest of ``periods`` (the run's editions' cut-offs)
    beside its previous period; nothing when the run brought no report edition."""
    if not periods:
        return []
    current = max(periods)
    ids = headline_ids()
    values = headline_values(curated, ids, current)
    vocabulary = load_vocabulary().set_index("indicator_id")
    out = []
    for indicator_id in ids:
        series = values[values["indicator_id"] == indicator_id].sort_values("period_end")
        upto = series[series["period_end"] <= current]
        if upto.empty or upto["period_end"].iloc[-1] != current:
            continue
        base_unit = str(vocabulary.loc[indicator_id, "base_unit"])
        new = float(upto["value_base"].iloc[-1])
        earlier = upto.iloc[:-1]
        old = float(earlier["value_base"].iloc[-1]) if not earlier.empty else None
        history = tuple(
            (str(p), float(v)) for p, v in zip(upto["period_end"], upto["value_base"], strict=True)
        )[-HISTORY:]
        out.append(
            HeadlineRow(
                indicator_id=indicator_id,
                name=str(vocabulary.loc[indicator_id, "name_en"]),
                period=str(current),
                value=number(new, base_unit),
                previous_period=str(earlier["period_end"].iloc[-1]) if old is not None else "",
                previous=number(old, base_unit) if old is not None else "",
                change=change_text(new, old, base_unit) if old is not None else "",
                history=history,
            )
        )
    return out


# --- errata grouped per check and publication ------------------------------------------------


@dataclass(frozen=True)
class FlagLine:
    dataset: str
    label: str
    message: str
    printed: str
    where: str  # every place it is printed: "cnnic-54.pdf p. 37; cnnic-54.txt line 919"


@dataclass(frozen=True)
class FlagGroup:
    check: str
    publication: str
    lines: tuple[FlagLine, ...]


def publication_of(source: SourceOutcome | None, path: str) -> str:
    """A report edition is one publication whatever its format; a news file is its own."""
    edition = source.edition if source is not None else None
    if edition is not None and edition.edition is not None and not edition.kind.startswith("news"):
        return f"{edition.kind} edition {edition.edition}"
    return path


def flag_groups(sources: Sequence[SourceOutcome], flags: Sequence[Flag]) -> list[FlagGroup]:
    """Errata per (check, publication), each erratum once with every place it is printed."""
    by_path = {source.path: source for source in sources}
    grouped: dict[tuple[str, str], dict[tuple[str, str, str], list[Flag]]] = {}
    for flag in flags:
        publication = publication_of(by_path.get(flag.source_path), flag.source_path)
        facts = grouped.setdefault((flag.check, publication), {})
        facts.setdefault((flag.dataset, flag.label, flag.message), []).append(flag)
    out = []
    for (check, publication), facts in sorted(grouped.items()):
        lines = []
        for (dataset, label, message), same in facts.items():
            places = sorted(same, key=lambda f: f.source_path)
            printed = "; ".join(dict.fromkeys(f.raw for f in places))  # each format's text
            where = "; ".join(f"{f.source_path} {location(f.page, f.line)}".strip() for f in places)
            lines.append(FlagLine(dataset, label, message, printed, where))
        out.append(FlagGroup(check, publication, tuple(lines)))
    return out


# --- the view ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceLine:
    path: str
    status: str
    kind: str
    edition: str
    published: str
    period_end: str
    reason: str


@dataclass(frozen=True)
class DatasetLine:
    dataset: str
    rows: int
    version: int
    changed: bool
    change: str


@dataclass(frozen=True)
class ReportView:
    run_id: str
    date: str
    code_version: str
    sources: tuple[SourceLine, ...]
    headline: tuple[HeadlineRow, ...]
    datasets: tuple[DatasetLine, ...]
    flag_groups: tuple[FlagGroup, ...]
    flag_count: int
    edition_checks: tuple[str, ...]  # revisions and drift, one line each
    conflicts: tuple[str, ...]
    not_written: tuple[str, ...]
    structural: tuple[str, ...]
    extra: Mapping[str, Any] = field(default_factory=dict)


def read_by_ocr(source: SourceOutcome) -> bool:
    """Whether any row the source gave was read by OCR (its ``text_layer``)."""
    return any(
        "text_layer" in v.frame.columns and bool((v.frame["text_layer"] == "ocr").any())
        for v in source.validated.values()
    )


def source_line(source: SourceOutcome) -> SourceLine:
    edition = source.edition
    ocr = " (read by OCR)" if read_by_ocr(source) else ""
    return SourceLine(
        path=source.path,
        status=shown_status(source),
        kind=(edition.kind if edition else "") + ocr,
        edition=str(edition.edition) if edition and edition.edition is not None else "",
        published=edition.published.strftime("%Y-%m") if edition and edition.published else "",
        period_end=str(edition.period_end) if edition else "",
        reason=source.reason,
    )


def run_periods(result: RunResult) -> list[date]:
    """The cut-offs of the report editions this run extracted."""
    return [
        s.edition.period_end
        for s in result.sources
        if s.status == "extracted"
        and s.edition is not None
        and s.edition.edition is not None
        and not s.edition.kind.startswith("news")
    ]


def report_view(
    result: RunResult,
    changes: Mapping[str, str] | None = None,
    curated: Path | None = None,
    now: datetime | None = None,
) -> ReportView:
    """Everything the report shows (pure but for reading the headline series from
    ``curated``, when given)."""
    changes = changes or {}
    groups = tuple(flag_groups(result.sources, result.all_flags))
    return ReportView(
        run_id=result.run_id,
        date=(now or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC"),
        code_version=code_version(),
        sources=tuple(source_line(s) for s in result.sources),
        headline=tuple(headline(curated, run_periods(result))) if curated is not None else (),
        datasets=tuple(
            DatasetLine(p.dataset, p.rows, p.version, p.changed, changes.get(p.dataset, ""))
            for p in result.published
        ),
        flag_groups=groups,
        flag_count=sum(len(group.lines) for group in groups),
        edition_checks=tuple(result.edition_checks),
        conflicts=tuple(result.conflicts),
        not_written=tuple(result.write_failures),
        structural=tuple(result.structural),
    )


# --- rendering: one template per format -----------------------------------------------------


@lru_cache(maxsize=2)
def environment(html: bool) -> Environment:
    from cninet.report_html import sparkline

    env = Environment(
        loader=PackageLoader("cninet", "templates"),
        autoescape=select_autoescape(["html"]) if html else False,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md
    env.filters["sparkline"] = sparkline
    return env


def render(view: ReportView, template: str) -> str:
    return environment(template.endswith(".html.j2")).get_template(template).render(v=view)


def render_report(
    result: RunResult, changes: Mapping[str, str] | None = None, curated: Path | None = None
) -> str:
    """Markdown text of the report."""
    return render(report_view(result, changes, curated), "report.md.j2")


def write_text(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def write_report(curated: Path, result: RunResult, changes: dict[str, str] | None = None) -> Path:
    """Write ``<run id>.md`` and ``<run id>.html`` under ``curated/_reports`` from one view;
    return the HTML path."""
    view = report_view(result, changes, curated)
    folder = curated / REPORTS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    write_text(folder / f"{result.run_id}.md", render(view, "report.md.j2"))
    html = folder / f"{result.run_id}.html"
    write_text(html, render(view, "report.html.j2"))
    return html
