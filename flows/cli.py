"""The ``cninet`` command line."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from flows import prefect_env

prefect_env.configure()

import pandas as pd  # noqa: E402
import typer  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn  # noqa: E402
from rich.table import Table  # noqa: E402

from cninet import progress  # noqa: E402
from cninet.lock import CuratedUnavailable, run_lock  # noqa: E402
from cninet.settings import CURATED_ENV, RAW_ENV  # noqa: E402
from cninet.store import cell_text  # noqa: E402
from schemas import DATASETS  # noqa: E402

if TYPE_CHECKING:  # avoids importing prefect before a command needs it
    from cninet.process import RunResult

T = TypeVar("T")

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="cninet: China internet statistics reports → validated, versioned Delta tables.",
)
out = Console()
err = Console(stderr=True)


@dataclass(frozen=True)
class Context:
    curated: Path


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= 300 else text[:297] + "..."


@app.callback()
def main(
    ctx: typer.Context,
    curated: Annotated[
        Path,
        typer.Option("--curated", envvar=CURATED_ENV, help="Folder of the curated Delta tables."),
    ] = Path("curated"),
) -> None:
    ctx.obj = Context(curated)


class RichHook:
    """Feeds the flows' progress calls into a rich progress bar."""

    def __init__(self, bar: Progress) -> None:
        self.bar = bar
        self.task = bar.add_task("starting Prefect", total=0)

    def add(self, steps: int) -> None:
        total = self.bar.tasks[0].total or 0
        self.bar.update(self.task, total=total + steps)

    def advance(self, description: str) -> None:
        self.bar.update(self.task, advance=1, description=description)


def summary_table(result: RunResult) -> Table:
    flags: dict[str, int] = {}
    for flag in result.flags:
        flags[flag.dataset] = flags.get(flag.dataset, 0) + 1
    table = Table(title=f"run {result.run_id}")
    for column in ("dataset", "rows", "flags", "Delta version", "new commit"):
        table.add_column(column, justify="left" if column == "dataset" else "right")
    for item in result.published:
        table.add_row(
            item.dataset,
            str(item.rows),
            str(flags.get(item.dataset, 0)),
            str(item.version),
            "yes" if item.changed else "no (unchanged)",
        )
    return table


def source_problems(result: RunResult, explicit: set[str]) -> list[str]:
    """One line per source that was rejected, or skipped although named explicitly."""
    return [
        f"{source.path}: {source.reason}"
        for source in result.sources
        if source.status == "rejected" or (source.status == "skipped" and source.path in explicit)
    ]


def execute(settings: Context, call: Callable[[float], RunResult], explicit: set[str]) -> None:
    """Run a flow with a progress bar, print the summary, exit non-zero on any problem."""
    started = time.perf_counter()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err,
        transient=True,
    ) as bar:
        progress.install(RichHook(bar))
        try:
            with run_lock(settings.curated), prefect_env.local_run_settings():
                result = call(started)
        except CuratedUnavailable as exc:
            raise fail(str(exc)) from None
        except Exception as exc:  # the flow failed: one line, non-zero, tables stay consistent
            raise fail(f"run failed: {type(exc).__name__}: {one_line(exc)}") from None
        finally:
            progress.install(None)
    elapsed = time.perf_counter() - started
    out.print(summary_table(result))
    problems = source_problems(result, explicit)
    for source in result.sources:
        if source.status != "extracted" and f"{source.path}: {source.reason}" not in problems:
            out.print(f"[dim]{source.status} {source.path}: {source.reason}[/]", highlight=False)
    startup = f"{result.prefect_startup_s:.1f} s" if result.prefect_startup_s else "n/a"
    out.print(
        f"{len(result.flags)} source errata flagged; quality report: {result.report_path}",
        highlight=False,
    )
    out.print(f"[dim]wall {elapsed:.1f} s, of which Prefect start-up {startup}[/]")
    problems += list(result.structural)
    for line in problems:
        err.print(f"[bold red]error:[/] {line}", highlight=False, soft_wrap=True)
    if problems:
        raise typer.Exit(1)


@app.command()
def run(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Source files or folders (default: everything under raw/)."),
    ] = None,
    raw: Annotated[Path, typer.Option(envvar=RAW_ENV, help="Folder of raw inputs.")] = Path("raw"),
) -> None:
    """Extract, validate and publish the given sources (default: all of raw/)."""
    from cninet.process import discover_sources, display_path
    from flows.pipeline import process_raw, process_sources

    settings: Context = ctx.obj
    targets = list(paths or [])
    missing = [str(p) for p in targets if not p.exists()]
    if missing:
        raise fail(f"no such file or folder: {', '.join(missing)}", 2)
    if not targets and not raw.is_dir():
        raise fail(f"raw folder not found: {raw}", 2)
    explicit = {display_path(p) for p in targets if p.is_file()}
    files = [f for p in targets for f in (discover_sources(p) if p.is_dir() else [p])]
    if targets:
        execute(settings, lambda t: process_sources(files, settings.curated, started=t), explicit)
    else:
        execute(settings, lambda t: process_raw(raw, settings.curated, started=t), explicit)


@app.command()
def backfill(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Sources or folders (default: all of raw/).")
    ] = None,
    raw: Annotated[Path, typer.Option(envvar=RAW_ENV, help="Folder of raw inputs.")] = Path("raw"),
    workers: Annotated[int, typer.Option(min=1, help="Dask worker threads.")] = 2,
    address: Annotated[
        str | None,
        typer.Option(help="A running Dask scheduler (tcp://host:8786): the path to a cluster."),
    ] = None,
) -> None:
    """Process many sources in parallel on Dask, then publish each dataset once."""
    from cninet.process import discover_sources, display_path
    from flows.pipeline import backfill_sources

    settings: Context = ctx.obj
    targets = list(paths or [raw])
    missing = [str(p) for p in targets if not p.exists()]
    if missing:
        raise fail(f"no such file or folder: {', '.join(missing)}", 2)
    files = [f for p in targets for f in (discover_sources(p) if p.is_dir() else [p])]
    explicit = {display_path(p) for p in targets if p.is_file()}
    execute(
        settings,
        lambda t: backfill_sources(files, settings.curated, workers, address, started=t),
        explicit,
    )


@app.command()
def serve(
    ctx: typer.Context,
    cron: Annotated[
        str, typer.Option(help="Cron schedule of the scan for new sources (server time zone).")
    ] = "0 6 * * *",
    interval: Annotated[
        float | None, typer.Option(help="Seconds between scans, instead of --cron.")
    ] = None,
    raw: Annotated[Path, typer.Option(envvar=RAW_ENV, help="Folder of raw inputs.")] = Path("raw"),
    name: Annotated[str, typer.Option(help="Deployment name.")] = "cninet-scan",
) -> None:
    """Register a scheduled deployment that processes new sources in raw/, and serve it.

    Needs a Prefect server: `prefect server start --host 127.0.0.1` and
    PREFECT_API_URL=http://127.0.0.1:4200/api. Runs until interrupted.
    """
    from prefect.flows import EntrypointType

    from flows.pipeline import process_new

    settings: Context = ctx.obj
    if not os.environ.get("PREFECT_API_URL"):
        raise fail("set PREFECT_API_URL to a running Prefect server (see README)", 2)
    if not raw.is_dir():
        raise fail(f"raw folder not found: {raw}", 2)
    parameters = {"raw": str(raw.resolve()), "curated": str(settings.curated.resolve())}
    schedule: dict[str, Any] = {"interval": interval} if interval else {"cron": cron}
    process_new.serve(
        name=name,
        parameters=parameters,
        entrypoint_type=EntrypointType.MODULE_PATH,
        print_starting_message=True,
        limit=1,  # one scan at a time; a late scan waits instead of racing for the lock
        **schedule,
    )


@app.command()
def rerun(
    ctx: typer.Context,
    edition: Annotated[int, typer.Option(help="Edition whose sources to re-extract.")],
    chapter: Annotated[
        list[str] | None, typer.Option(help="Chapter(s) as named in the section specs.")
    ] = None,
    section: Annotated[list[str] | None, typer.Option(help="Section id(s).")] = None,
    raw: Annotated[Path, typer.Option(envvar=RAW_ENV, help="Folder of raw inputs.")] = Path("raw"),
) -> None:
    """Re-extract some sections of one edition and publish only the datasets they feed."""
    from extractors.sections import all_specs
    from flows.pipeline import rerun_sections

    settings: Context = ctx.obj
    specs = all_specs()
    if not chapter and not section:
        raise fail("name at least one --chapter or --section", 2)
    unknown = sorted(set(chapter or []) - {s.chapter for s in specs}) + sorted(
        set(section or []) - {s.id for s in specs}
    )
    if unknown:
        chapters = ", ".join(sorted({s.chapter for s in specs}))
        raise fail(f"unknown chapter/section: {', '.join(unknown)} (chapters: {chapters})", 2)
    chosen = frozenset(
        s.id for s in specs if s.chapter in set(chapter or []) or s.id in set(section or [])
    )
    if not raw.is_dir():
        raise fail(f"raw folder not found: {raw}", 2)
    execute(
        settings,
        lambda t: rerun_sections(raw, settings.curated, edition, chosen, started=t),
        set(),
    )


@app.command()
def versions(
    ctx: typer.Context, dataset: Annotated[str, typer.Argument(help="Dataset name.")]
) -> None:
    """Every version of a dataset: time, run id, sources, sections, rows."""
    from cninet.versions import versions as list_versions

    settings: Context = ctx.obj
    check_dataset(dataset)
    found = list_versions(settings.curated, dataset)
    if not found:
        raise fail(f"{dataset} has never been published under {settings.curated}")
    table = Table(title=dataset)
    for column in ("version", "time (UTC)", "run id", "sources", "sections", "rows"):
        table.add_column(column)
    for info in found:
        table.add_row(
            str(info.version),
            info.time.strftime("%Y-%m-%d %H:%M:%S"),
            info.run_id,
            "\n".join(info.sources),
            ", ".join(info.sections),
            str(info.rows),
        )
    out.print(table)


@app.command()
def diff(
    ctx: typer.Context,
    dataset: Annotated[str, typer.Argument(help="Dataset name.")],
    from_version: Annotated[int, typer.Option("--from", help="Older version.")],
    to_version: Annotated[int | None, typer.Option("--to", help="Newer (default latest).")] = None,
) -> None:
    """Rows added and removed, and cells changed, between two versions (by natural key)."""
    from cninet.versions import diff as compute

    settings: Context = ctx.obj
    check_dataset(dataset)
    change = or_fail(lambda: compute(settings.curated, dataset, from_version, to_version))
    label = [c for c in change.key if c != "source_sha256"]
    out.print(
        f"{dataset}: {len(change.added)} rows added, {len(change.removed)} removed, "
        f"{len(change.changed)} cells changed",
        highlight=False,
    )
    for title, frame in (("added", change.added), ("removed", change.removed)):
        if not frame.empty:
            where = ["source_path"] if "source_path" in frame.columns else []
            out.print(rich_table(f"{title} rows", frame[[*where, *label]]))
    if not change.changed.empty:
        cells = change.changed.drop(columns=["source_sha256"], errors="ignore")
        out.print(rich_table("changed cells", cells))


@app.command()
def show(
    ctx: typer.Context,
    dataset: Annotated[str, typer.Argument(help="Dataset name.")],
    version: Annotated[int | None, typer.Option(help="Delta version (default latest).")] = None,
    edition: Annotated[int | None, typer.Option(help="Only this edition.")] = None,
    all_columns: Annotated[bool, typer.Option(help="Show provenance columns too.")] = False,
) -> None:
    """Print a dataset (value columns; --all-columns for provenance too)."""
    from cninet.store import read
    from schemas.provenance import Provenance

    settings: Context = ctx.obj
    check_dataset(dataset)
    frame = or_fail(lambda: read(settings.curated, dataset, version, edition))
    if not all_columns:
        shown = {"edition", "period_end", "quality_flags", "source_format"}
        hidden = set(Provenance.to_schema().columns) - shown
        frame = frame[[c for c in frame.columns if c not in hidden]]
    out.print(rich_table(f"{dataset} ({len(frame)} rows)", frame))


def or_fail(read_it: Callable[[], T]) -> T:
    """A read of the curated tables, or a one-line error for a missing table or version."""
    try:
        return read_it()
    except (ValueError, FileNotFoundError) as exc:
        raise fail(str(exc)) from None


def check_dataset(dataset: str) -> None:
    if dataset not in DATASETS:
        raise fail(f"unknown dataset {dataset!r} (known: {', '.join(DATASETS)})", 2)


def rich_table(title: str, frame: pd.DataFrame) -> Table:
    table = Table(title=title)
    for column in frame.columns:
        table.add_column(str(column), overflow="fold")
    for row in frame.itertuples(index=False):
        table.add_row(*(cell_text(value) for value in row))
    return table


@app.command()
def export(
    ctx: typer.Context,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the files into.")],
    fmt: Annotated[str, typer.Option("--format", help="csv or parquet.")] = "csv",
    version: Annotated[
        int | None, typer.Option("--version", help="Delta version to read (default latest).")
    ] = None,
    dataset: Annotated[
        list[str] | None, typer.Option("--dataset", help="Only these datasets (repeatable).")
    ] = None,
) -> None:
    """Write one <dataset>.<format> file per curated dataset (all columns)."""
    from cninet.export import export as write
    from cninet.store import open_table

    settings: Context = ctx.obj
    names = list(dataset or [d for d in DATASETS if open_table(settings.curated, d) is not None])
    if not names:
        raise fail(f"nothing published under {settings.curated}")
    unknown = [name for name in names if name not in DATASETS]
    if unknown:
        raise fail(f"unknown dataset(s): {', '.join(unknown)} (known: {', '.join(DATASETS)})", 2)
    try:
        written = write(settings.curated, out_dir, names, fmt, version)
    except (ValueError, FileNotFoundError, KeyError) as exc:
        raise fail(str(exc).strip("'\"")) from None
    for path in written:
        out.print(str(path), highlight=False)


if __name__ == "__main__":
    app()
