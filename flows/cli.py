"""The ``cninet`` command line."""

from __future__ import annotations

import functools
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from flows import prefect_env

prefect_env.configure()

import click  # noqa: E402
import typer  # noqa: E402
from rich import box  # noqa: E402
from rich.cells import cell_len  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn  # noqa: E402
from rich.table import Table  # noqa: E402
from rich.text import Text  # noqa: E402

from cninet import progress  # noqa: E402
from cninet.faults import TableUnreadable, safe_text, write_cause  # noqa: E402
from cninet.faults import one_line as flat  # noqa: E402
from cninet.guard import (  # noqa: E402
    Interrupted,
    LimitSettingError,
    orphan_watchdog,
    stop_handlers,
)
from cninet.lock import CuratedUnavailable, run_lock  # noqa: E402
from cninet.settings import CURATED_ENV, RAW_ENV  # noqa: E402

if TYPE_CHECKING:  # prefect, pandas and the schemas load when a command needs them: the
    # read commands (versions, show, series, datasets) answer well within a second without them
    from cninet.process import RunResult
    from cninet.sources import SourceOutcome

T = TypeVar("T")

app = typer.Typer(
    add_completion=True,
    no_args_is_help=True,
    help="cninet: China internet statistics reports → validated, versioned Delta tables.",
)
out = Console()
err = Console(stderr=True)


@dataclass(frozen=True)
class Context:
    curated: Path


def say_error(message: str) -> None:
    """``error: <message>`` on stderr as plain text: never read as markup, control characters
    escaped, always one line."""
    err.print(Text.assemble(("error:", "bold red"), " ", flat(message)), soft_wrap=True)


def fail(message: str, code: int = 1) -> typer.Exit:
    say_error(message)
    return typer.Exit(code)


def plain(text: object) -> Text:
    """A value printed as text (file names, quotes): no markup, control characters escaped."""
    return Text(safe_text(str(text)))


def one_line(exc: BaseException) -> str:
    return flat(str(exc))


P = TypeVar("P", bound=Callable[..., Any])


def one_line_errors(command: P) -> P:
    """Expected failures of a command become one line and a non-zero exit: a damaged table,
    a bad limit setting, a file system refusal; anything else one line too (exit 1)."""

    @functools.wraps(command)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (typer.Exit, click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except LimitSettingError as exc:
            raise fail(str(exc), 2) from None
        except (TableUnreadable, CuratedUnavailable) as exc:
            raise fail(str(exc)) from None
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            raise fail(f"{where}{exc.strerror or write_cause(exc)}") from None
        except Exception as exc:
            raise fail(f"{type(exc).__name__}: {one_line(exc)}") from None

    return guarded  # type: ignore[return-value]


def version_line() -> str:
    """The package version, and the code version stamped on every commit (with the git
    commit when run from a checkout)."""
    from importlib.metadata import PackageNotFoundError, version

    from cninet.settings import code_version

    try:
        package = version("cninet")
    except PackageNotFoundError:  # pragma: no cover - a bare source tree
        package = "unknown"
    return f"cninet {package} (code version {code_version()})"


def print_version(wanted: bool) -> None:
    if wanted:
        print(version_line())
        raise typer.Exit(0)


@app.callback()
def main(
    ctx: typer.Context,
    curated: Annotated[
        Path,
        typer.Option("--curated", envvar=CURATED_ENV, help="Folder of the curated Delta tables."),
    ] = Path("curated"),
    show_version: Annotated[
        bool,
        typer.Option(
            "--version", callback=print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
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
            plain(item.dataset),
            str(item.rows),
            str(flags.get(item.dataset, 0)),
            str(item.version),
            "yes" if item.changed else "no (unchanged)",
        )
    return table


def source_problems(result: RunResult, explicit: set[str]) -> list[str]:
    """One line per source that was rejected, or skipped although named explicitly."""
    return outcome_problems(result.sources, explicit)


def outcome_problems(sources: Sequence[SourceOutcome], explicit: set[str]) -> list[str]:
    return [
        f"{source.path}: {source.reason}"
        for source in sources
        if source.status == "rejected" or (source.status == "skipped" and source.path in explicit)
    ]


def refuse_unusable(files: list[Path], raw: Path, explicit: set[str], symlinks: bool) -> None:
    """Before Prefect starts: when no source of the run is usable (not a source, empty, no
    known kind, refused), say why for each, as the run would, and stop. Exit 1 when one of
    them was a problem, else 0 (a folder holding only files of no known kind)."""
    from cninet.sources import source_name, unique_paths, unusable

    chosen = unique_paths(files)
    outcomes = unusable(chosen, [source_name(p, raw) for p in chosen], symlinks)
    if outcomes is None:
        return
    problems = outcome_problems(outcomes, explicit)
    for source in outcomes:
        if f"{source.path}: {source.reason}" not in problems:
            out.print(
                Text(f"{source.status} {flat(source.path)}: {flat(source.reason)}", style="dim")
            )
    out.print(Text("nothing to publish: no usable source (Prefect not started)", style="dim"))
    for line in problems:
        say_error(line)
    raise typer.Exit(1 if problems else 0)


def fresh_limits() -> None:
    """Check the limit settings before a run starts (a bad value: one line, exit 2)."""
    from cninet.guard import Limits

    Limits.from_env()


Reader = Callable[[Callable[[], bool]], int]


def execute(
    settings: Context,
    call: Callable[[], RunResult],
    explicit: set[str],
    noop: Callable[[RunResult], str | None] | None = None,
    ahead: Reader | None = None,
) -> None:
    """Run a flow with a progress bar, print the summary, exit non-zero on any problem.

    The Prefect API: the configured server (it must answer: exit 2 otherwise), a kept
    `cninet server`, or a loopback API started for this run, whose boot overlaps ``ahead``
    (reading the sources with plain calls; the flow's tasks then take what was read).
    SIGINT/SIGTERM stop it at the next safe point (before a source, before publishing):
    nothing is published, exit 130/143. A watchdog ends the run's helper processes (the
    per-run API server, reader children) if this process is killed outright."""
    fresh_limits()
    try:
        keep = prefect_env.keep_runs()
    except prefect_env.KeepRunsSettingError as exc:
        raise fail(str(exc), 2) from None
    started = time.perf_counter()
    prefect_env.FLOW_ENTERED.clear()
    api: prefect_env.Api | None = None
    reading = 0.0
    pruned: str | None = None
    with (
        orphan_watchdog(),
        stop_handlers(),
        Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=err,
            transient=True,
        ) as bar,
    ):
        hook = RichHook(bar)
        progress.install(hook)
        try:
            with run_lock(settings.curated):
                api = prefect_env.choose_api()
                bar.update(hook.task, description=f"starting Prefect ({api.mode})")
                import flows.pipeline  # (prefect loads while a per-run API boots)

                flows.pipeline.WORK.clear()
                if ahead is not None and prefect_env.booting(api):
                    bar.update(hook.task, description="reading while Prefect starts")
                    begun = time.perf_counter()
                    ahead(lambda: prefect_env.booting(api))
                    reading = time.perf_counter() - begun
                prefect_env.ready(api)
                with prefect_env.using(api):
                    result = call()
                    pruned = prune_old_runs(keep)
        except prefect_env.ApiUnavailable as exc:
            raise fail(str(exc), 2) from None
        except CuratedUnavailable as exc:
            raise fail(str(exc)) from None
        except Interrupted as exc:
            message = f"{exc}: stopped before publishing; nothing was written"
            raise fail(message, exc.exit_code) from None
        except KeyboardInterrupt:
            raise fail("interrupted by SIGINT: stopped; nothing more was written", 130) from None
        except LimitSettingError as exc:
            raise fail(str(exc), 2) from None
        except BaseException as exc:  # the flow failed: one line, non-zero, tables consistent
            if type(exc).__name__ == "TerminationSignal":  # prefect.exceptions, loaded late
                message = "interrupted by SIGTERM: stopped; nothing more was written"
                raise fail(message, 143) from None
            if not isinstance(exc, Exception):
                raise
            raise fail(f"run failed: {type(exc).__name__}: {one_line(exc)}") from None
        finally:
            progress.install(None)
            if "flows.pipeline" in sys.modules:
                sys.modules["flows.pipeline"].AHEAD.clear()
            if api is not None:
                prefect_env.release(api)
    elapsed = time.perf_counter() - started
    nothing = noop(result) if noop is not None else None
    if nothing:
        raise fail(nothing, 2)
    out.print(summary_table(result))
    problems = source_problems(result, explicit)
    for source in result.sources:
        if source.status != "extracted" and f"{source.path}: {source.reason}" not in problems:
            out.print(
                Text(f"{source.status} {flat(source.path)}: {flat(source.reason)}", style="dim")
            )
    out.print(
        plain(f"{len(result.flags)} source errata flagged; quality report: {result.report_path}")
    )
    assert api is not None
    if pruned:
        out.print(Text(pruned, style="dim"))
    work = dict(sys.modules["flows.pipeline"].WORK)
    out.print(Text(timing_line(elapsed, started, reading, api, work), style="dim"))
    problems += list(result.structural) + list(result.write_failures)
    for line in problems:
        say_error(line)
    if problems:
        raise typer.Exit(1)


def prune_old_runs(keep: int) -> str | None:
    """Delete Prefect's finished flow runs beyond the newest ``keep``; a line saying what
    was deleted (None when nothing was), or why pruning failed (the run's result stands)."""
    from flows.prefect_state import prune

    try:
        done = prune(keep)
    except Exception as exc:
        return f"Prefect's old flow runs not pruned: {type(exc).__name__}: {one_line(exc)}"
    if not done.runs:
        return None
    return (
        f"Prefect: {done.runs} old flow run(s) deleted with {done.subflow_runs} sub-flow run(s) "
        f"and {done.artifacts} artifact(s), keeping the newest {keep} "
        f"({prefect_env.KEEP_RUNS_ENV})"
    )


WORK_STEPS = ("read", "validate", "publish", "report")


def timing_line(
    elapsed: float, started: float, reading: float, api: prefect_env.Api, work: dict[str, float]
) -> str:
    """``wall 9.1 s, of which own work 3.0 s (read 1.0 s, …) and Prefect start-up 2.3 s
    (per-run server …)``: the own work is the time spent in the run's steps (flows.pipeline
    WORK); the start-up is the time until the first flow began, less the reading done
    meanwhile."""
    entered = prefect_env.FLOW_ENTERED
    startup = f"{entered[0] - started - reading:.1f} s" if entered else "n/a"
    where = api.mode if api.mode == "per-run server" else f"{api.mode} {api.url}"
    overlap = f"; {reading:.1f} s of reading done while it started" if reading else ""
    steps = ", ".join(f"{step} {work.get(step, 0.0):.2f} s" for step in WORK_STEPS)
    own = f"own work {sum(work.values()):.2f} s ({steps})"
    return f"wall {elapsed:.1f} s, of which {own} and Prefect start-up {startup} ({where}{overlap})"


def run_files(targets: list[Path]) -> list[Path]:
    """The source files named (folders expanded); nothing to read → exit 2."""
    from cninet.sources import discover_sources

    files = [f for p in targets for f in (discover_sources(p) if p.is_dir() else [p])]
    if not files:
        names = ", ".join(flat(str(p)) for p in targets)
        raise fail(f"nothing to do: no .pdf or .txt sources in {names}", 2)
    return files


SYMLINKS_HELP = "Follow symbolic links to sources (refused by default)."


@app.command()
@one_line_errors
def run(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Source files or folders (default: everything under raw/)."),
    ] = None,
    raw: Annotated[Path, typer.Option(envvar=RAW_ENV, help="Folder of raw inputs.")] = Path("raw"),
    allow_symlinks: Annotated[bool, typer.Option(help=SYMLINKS_HELP)] = False,
) -> None:
    """Extract, validate and publish the given sources (default: all of raw/)."""
    from cninet.sources import discover_sources, source_name

    settings: Context = ctx.obj
    targets = list(paths or [])
    missing = [flat(str(p)) for p in targets if not p.exists() and not p.is_symlink()]
    if missing:
        raise fail(f"no such file or folder: {', '.join(missing)}", 2)
    if not targets and not raw.is_dir():
        raise fail(f"raw folder not found: {raw}", 2)
    files = run_files(targets) if targets else discover_sources(raw)
    if not files:
        raise fail(f"nothing to do: no .pdf or .txt sources under {raw}", 2)
    explicit = {source_name(p, raw) for p in targets if not p.is_dir()}
    fresh_limits()
    refuse_unusable(files, raw, explicit, allow_symlinks)

    def call() -> RunResult:
        from flows.pipeline import process_sources

        return process_sources(files, settings.curated, raw=raw, allow_symlinks=allow_symlinks)

    def ahead(going: Callable[[], bool]) -> int:
        from flows.pipeline import read_ahead

        return read_ahead(files, settings.curated, raw, going, allow_symlinks=allow_symlinks)

    execute(settings, call, explicit, ahead=ahead)


@app.command()
@one_line_errors
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
    allow_symlinks: Annotated[bool, typer.Option(help=SYMLINKS_HELP)] = False,
) -> None:
    """Process many sources in parallel on Dask, then publish each dataset once."""
    from cninet.sources import source_name

    settings: Context = ctx.obj
    targets = list(paths or [raw])
    missing = [flat(str(p)) for p in targets if not p.exists() and not p.is_symlink()]
    if missing:
        raise fail(f"no such file or folder: {', '.join(missing)}", 2)
    files = run_files(targets)
    explicit = {source_name(p, raw) for p in targets if not p.is_dir()}

    def call() -> RunResult:
        from flows.pipeline import backfill_sources

        return backfill_sources(files, settings.curated, workers, address, raw, allow_symlinks)

    def ahead(going: Callable[[], bool]) -> int:
        from flows.pipeline import read_ahead

        return read_ahead(files, settings.curated, raw, going, allow_symlinks=allow_symlinks)

    execute(settings, call, explicit, ahead=ahead)


@app.command()
@one_line_errors
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

    Needs a Prefect server: `cninet server start`, or one of yours named by PREFECT_API_URL.
    Runs until interrupted.
    """
    settings: Context = ctx.obj
    if not raw.is_dir():
        raise fail(f"raw folder not found: {raw}", 2)
    url = prefect_env.configured_url()
    if url:
        problem = prefect_env.health_error(url)
        if problem is not None:
            raise fail(f"Prefect server at PREFECT_API_URL={url} does not answer ({problem})", 2)
    else:
        kept = prefect_env.kept_server()
        if kept is None:
            message = "no Prefect server: run `cninet server start` or set PREFECT_API_URL"
            raise fail(message, 2)
        os.environ["PREFECT_API_URL"] = url = kept.url  # before prefect loads (served runs too)
    from prefect.flows import EntrypointType

    from flows.pipeline import process_new, scan_schedule

    parameters = {"raw": str(raw.resolve()), "curated": str(settings.curated.resolve())}
    process_new.serve(
        name=name,
        parameters=parameters,
        entrypoint_type=EntrypointType.MODULE_PATH,
        print_starting_message=True,
        limit=1,  # one scan at a time; a late scan waits instead of racing for the lock
        schedules=[scan_schedule(cron, interval)],
        tags=["scan"],
    )


server_app = typer.Typer(
    no_args_is_help=True,
    help="A loopback Prefect server (API and UI) that later commands use without any setting.",
)
app.add_typer(server_app, name="server")


@server_app.command("start")
@one_line_errors
def server_start(
    port: Annotated[int | None, typer.Option(help="Port (default: a free one).")] = None,
) -> None:
    """Start `prefect server start --host 127.0.0.1` in the background and remember it
    (pid and port in $PREFECT_HOME/cninet-server.json); run, rerun, backfill and serve use
    it while it answers. It keeps 5 scheduled runs per deployment."""
    kept = prefect_env.kept_server()
    if kept is None:
        try:
            kept = prefect_env.start_kept_server(port)
        except prefect_env.ApiUnavailable as exc:
            log = prefect_env.prefect_home() / "cninet-server.log"
            raise fail(f"{exc} (its log: {log})") from None
    out.print(plain(f"Prefect server at {kept.url} (pid {kept.pid}); UI {kept.url[:-4]}"))


@server_app.command("stop")
@one_line_errors
def server_stop() -> None:
    """Stop the server `cninet server start` started (its process group, by pid)."""
    kept = prefect_env.stop_kept_server()
    out.print(plain(f"stopped pid {kept.pid}" if kept else "no cninet server was running"))


@server_app.command("status")
@one_line_errors
def server_status() -> None:
    """Whether the kept server answers (exit 0) or not (exit 1), and its URL."""
    kept = prefect_env.kept_server()
    if kept is None:
        out.print("no cninet server running: runs start a loopback API of their own")
        raise typer.Exit(1)
    out.print(plain(f"running: {kept.url} (pid {kept.pid})"))


@server_app.command("prune")
@one_line_errors
def server_prune(
    keep: Annotated[
        int | None,
        typer.Option(min=1, help="Finished flow runs to keep (default CNINET_PREFECT_KEEP_RUNS)."),
    ] = None,
) -> None:
    """Delete Prefect's finished flow runs beyond the newest --keep (by end time), with their
    sub-flow runs, task runs, logs and artifacts, on the API a run would use (a run does this
    after it ends, keeping CNINET_PREFECT_KEEP_RUNS, default 100)."""
    from flows.prefect_state import prune

    try:
        chosen = keep or prefect_env.keep_runs()
    except prefect_env.KeepRunsSettingError as exc:
        raise fail(str(exc), 2) from None
    try:
        api = prefect_env.choose_api()
    except prefect_env.ApiUnavailable as exc:
        raise fail(str(exc), 2) from None
    try:
        prefect_env.ready(api)
        with prefect_env.using(api):
            done = prune(chosen)
    except prefect_env.ApiUnavailable as exc:
        raise fail(str(exc), 2) from None
    finally:
        prefect_env.release(api)
    where = api.mode if api.mode == "per-run server" else f"{api.mode} {api.url}"
    out.print(
        plain(
            f"deleted {done.runs} finished flow run(s), {done.subflow_runs} sub-flow run(s) and "
            f"{done.artifacts} artifact(s); the newest {chosen} kept ({where})"
        )
    )


@app.command()
@one_line_errors
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
    known = known_editions(settings.curated)
    if edition not in known:
        listed = ", ".join(map(str, sorted(known))) or "none"
        raise fail(f"nothing to do: edition {edition} was never processed (known: {listed})", 2)

    def no_source(result: RunResult) -> str | None:
        if any(source.status == "extracted" for source in result.sources):
            return None
        return f"nothing to do: no source of edition {edition} under {raw}"

    def call() -> RunResult:
        from flows.pipeline import rerun_sections

        return rerun_sections(raw, settings.curated, edition, chosen)

    def ahead(going: Callable[[], bool]) -> int:
        from cninet.process import discover_sources
        from flows.pipeline import read_ahead

        sources = discover_sources(raw)
        return read_ahead(sources, settings.curated, raw, going, chosen, edition)

    execute(settings, call, set(), no_source, ahead)


def known_editions(curated: Path) -> set[int]:
    """Editions the sources registry has seen (empty when there is no registry yet)."""
    from cninet.registry import processed_editions

    return processed_editions(curated)


@app.command()
@one_line_errors
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
    """Write the package <out>/<format>/: one <dataset>.<format> file per curated dataset (all
    columns) and a datapackage.json describing them (Frictionless Data Package). CSV text
    cells that a spreadsheet would run as a formula are neutralised; Parquet keeps the raw
    text. --version N exports each dataset that has a version N and names the others. A
    damaged table is named and skipped; the others are written (exit 1)."""
    from cninet.export import FORMATS as FILE_FORMATS
    from cninet.export import ExportIncomplete
    from cninet.export import export as write
    from schemas import DATASET_NAMES as DATASETS

    settings: Context = ctx.obj
    if fmt not in FILE_FORMATS:
        raise fail(f"unknown format {fmt!r} (known: {', '.join(FILE_FORMATS)})", 2)
    names = list(dataset or published_names(settings.curated))
    if not names:
        raise fail(f"nothing published under {settings.curated}")
    unknown = [name for name in names if name not in DATASETS]
    if unknown:
        raise fail(f"unknown dataset(s): {', '.join(unknown)} (known: {', '.join(DATASETS)})", 2)
    failures: list[str] = []
    left_out: list[str] = []
    try:
        exported = write(settings.curated, out_dir, names, fmt, version)
        written, left_out = exported.written, exported.without_version
    except ExportIncomplete as exc:
        written, failures = exc.written, exc.failures
    except ValueError as exc:  # an unknown format, no dataset with that version
        raise fail(str(exc), 2) from None
    except (FileNotFoundError, KeyError) as exc:
        raise fail(str(exc).strip("'\"")) from None
    for path in written:
        out.print(plain(path))
    for line in left_out:
        err.print(plain(f"left out: {line}"), soft_wrap=True)
    for line in failures:
        say_error(line)
    if failures:
        raise typer.Exit(1)


def published_names(curated: Path) -> list[str]:
    """Datasets with a table under ``curated`` (a damaged table counts: export names it)."""
    from cninet.store import open_table
    from schemas.models import DATASETS

    names = []
    for name in DATASETS:
        try:
            if open_table(curated, name) is not None:
                names.append(name)
        except TableUnreadable:
            names.append(name)
    return names


# --- read-only commands: no Prefect, no pandas, no schemas (cninet.catalog, cninet.browse) ----
#
# Output: --format table|csv|json on every read command (versions, show, diff, series,
# datasets), --json and --csv as its shorthands. csv and json print data on stdout and nothing
# else (notes go to stderr); table is for a person and fits the terminal (80 columns when piped).

FORMATS = ("table", "csv", "json")
FormatOption = Annotated[
    str, typer.Option("--format", help="table, csv or json (--json, --csv: the same).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Same as --format json.")]
CsvOption = Annotated[bool, typer.Option("--csv", help="Same as --format csv.")]


def check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise fail(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})", 2)


def output_format(fmt: str, as_json: bool = False, as_csv: bool = False) -> str:
    """The one format asked for by --format, --json or --csv (two different ones: exit 2)."""
    check_format(fmt)
    asked = {name for name, on in (("json", as_json), ("csv", as_csv)) if on}
    if fmt != "table":
        asked.add(fmt)
    if len(asked) > 1:
        raise fail(f"choose one output format (asked for {' and '.join(sorted(asked))})", 2)
    return asked.pop() if asked else "table"


def known(read_it: Callable[[], T]) -> T:
    """A read of the curated tables: an unknown dataset, version, edition or column is one
    line and exit 2; a table never published one line and exit 1."""
    from cninet.catalog import UnknownName

    try:
        return read_it()
    except UnknownName as exc:
        raise fail(str(exc), 2) from None
    except FileNotFoundError as exc:
        raise fail(str(exc)) from None


def check_dataset(dataset: str) -> None:
    from cninet.browse import check_dataset as check

    known(lambda: check(dataset))


def json_ready(value: Any) -> Any:
    """A cell for JSON or CSV: dates as ISO text, lists item by item, NaN as null."""
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, list | tuple):
        return [json_ready(item) for item in value]
    return value


def print_json(data: Any) -> None:
    import json

    print(json.dumps(data, ensure_ascii=False, indent=1, allow_nan=False))


def print_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> None:
    """A header and one line per row; lists as JSON arrays; text cells spreadsheet-safe (as
    the CSV export)."""
    import csv
    import io
    import json

    from cninet.faults import spreadsheet_safe

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        cells = [json_ready(row[c]) for c in columns]
        writer.writerow(
            json.dumps(c, ensure_ascii=False) if isinstance(c, list) else spreadsheet_safe(c)
            for c in cells
        )
    sys.stdout.write(buffer.getvalue())


def emit(
    title: str,
    rows: list[dict[str, Any]],
    columns: list[str],
    fmt: str,
    fit: bool = False,
    strict: bool = False,
    first: Sequence[str] = (),
) -> None:
    """Rows as a table, CSV or JSON on stdout. ``fit``: the table shows the columns that fit
    the terminal (the others named on stderr); ``strict``: all of ``columns``, as one block
    per row when they do not fit; ``first``: the columns a fitted table keeps first."""
    if fmt == "json":
        print_json([{c: json_ready(row[c]) for c in columns} for row in rows])
    elif fmt == "csv":
        print_csv(rows, columns)
    elif fit or strict:
        print_fitted(title, rows, columns, strict, first)
    else:
        table = Table(title=plain(title))
        for column in columns:
            table.add_column(plain(column), overflow="fold", no_wrap=column != "description")
        for row in rows:
            table.add_row(*(plain(text_cell(json_ready(row[c]))) for c in columns))
        out.print(table)


def text_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, float) and value.is_integer():
        return f"{value:.0f}"
    return str(value)


MIN_CELL = 12


def clipped(text: str, limit: int) -> str:
    """``text`` on one line, cut to ``limit`` terminal cells with an ellipsis."""
    one = flat(text)
    if cell_len(one) <= limit:
        return one
    cut = Text(one)
    cut.truncate(limit, overflow="ellipsis")
    return cut.plain


def fitting(
    columns: Sequence[str], widths: dict[str, int], room: int, long: int, first: Sequence[str]
) -> list[str]:
    """The columns that fit ``room`` terminal cells: ``first`` (the natural key: its first
    column, and the others unless long text), then the others in order, columns as wide as
    ``long`` (long text) after all the rest. Each costs its width + 3 (padding and a rule),
    the table 1 more."""
    lead = [c for c in first if c in columns and (widths[c] < long or c == first[0])]
    short = [c for c in columns if widths[c] < long and c not in lead]
    chosen: set[str] = set()
    used = 1
    for column in [*lead, *short, *(c for c in columns if c not in short and c not in lead)]:
        if used + widths[column] + 3 <= room:
            chosen.add(column)
            used += widths[column] + 3
    return [c for c in columns if c in chosen]


def print_fitted(
    title: str, rows: list[dict[str, Any]], columns: list[str], strict: bool, first: Sequence[str]
) -> None:
    """A table that fits the console: long cells cut with an ellipsis, and the columns that
    fit (``strict``: all of them, else one block of ``column value`` lines per row)."""
    room = out.width
    limit = max(MIN_CELL, room // 3)
    cells = [{c: clipped(text_cell(json_ready(row[c])), limit) for c in columns} for row in rows]
    widths = {c: max([cell_len(c), *(cell_len(row[c]) for row in cells)]) for c in columns}
    shown = fitting(columns, widths, room, limit, first)
    out.print(plain(title), style="bold", soft_wrap=True)
    if (strict and shown != columns) or not shown:
        print_blocks(rows, columns)
        return
    left = [c for c in columns if c not in shown]
    table = Table(box=box.SQUARE, show_edge=True)
    for column in shown:
        table.add_column(plain(column), no_wrap=True, overflow="ellipsis")
    for row in cells:
        table.add_row(*(plain(row[c]) for c in shown))
    out.print(table)
    if left:
        err.print(
            plain(
                f"not shown at {room} columns: {', '.join(left)} (choose with --columns; "
                "--csv or --json print them all)"
            ),
            style="dim",
            soft_wrap=True,
        )


def print_blocks(rows: list[dict[str, Any]], columns: list[str]) -> None:
    """One block per row, one ``column  value`` line per column; a long value wraps beneath
    itself, indented."""
    indent = max(cell_len(c) for c in columns) + 1
    room = max(MIN_CELL, out.width - indent)
    for number, row in enumerate(rows, 1):
        out.print(Text(f"── row {number} ──", style="dim"))
        for column in columns:
            lines = plain(text_cell(json_ready(row[column]))).wrap(out, room)
            for index, line in enumerate(lines or [Text("")]):
                label = column.ljust(indent) if index == 0 else " " * indent
                shown = Text.assemble((label, "bold"), line)
                shown.rstrip()
                out.print(shown, soft_wrap=True)


@app.command()
@one_line_errors
def versions(
    ctx: typer.Context,
    dataset: Annotated[str, typer.Argument(help="Dataset name.")],
    fmt: FormatOption = "table",
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """Every version of a dataset: time, run id, sources, sections, rows."""
    from cninet.browse import versions as list_versions

    settings: Context = ctx.obj
    fmt = output_format(fmt, as_json, as_csv)
    found = known(lambda: list_versions(settings.curated, dataset))
    if not found:
        raise fail(f"{dataset} has never been published under {settings.curated}")
    if fmt != "table":
        rows = [
            {
                "version": info.version,
                "time": info.time,
                "operation": info.operation,
                "run_id": info.run_id,
                "sources": list(info.sources),
                "sections": list(info.sections),
                "rows": info.rows,
            }
            for info in found
        ]
        emit(dataset, rows, list(rows[0]), fmt)
        return
    table = Table(title=dataset)
    for column in ("version", "time (UTC)", "run id", "sources", "sections", "rows"):
        table.add_column(column)
    for info in found:
        table.add_row(
            str(info.version),
            info.time.strftime("%Y-%m-%d %H:%M:%S"),
            plain(info.run_id),
            Text("\n".join(safe_text(source) for source in info.sources)),
            plain(", ".join(info.sections)),
            str(info.rows),
        )
    out.print(table)


@app.command()
@one_line_errors
def diff(
    ctx: typer.Context,
    dataset: Annotated[str, typer.Argument(help="Dataset name.")],
    from_version: Annotated[int, typer.Option("--from", help="Older version.")],
    to_version: Annotated[int | None, typer.Option("--to", help="Newer (default latest).")] = None,
    fmt: FormatOption = "table",
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """Rows added and removed, and cells changed, between two versions (by natural key).
    Cells are compared, and printed, as text."""
    from cninet.browse import published

    settings: Context = ctx.obj
    fmt = output_format(fmt, as_json, as_csv)
    for number in (from_version, to_version):  # before pandas loads
        known(functools.partial(published, settings.curated, dataset, number))
    from cninet.versions import diff as compute

    change = compute(settings.curated, dataset, from_version, to_version)
    after = change_version(settings.curated, dataset, to_version)
    summary = (
        f"{dataset}: {len(change.added)} rows added, {len(change.removed)} removed, "
        f"{len(change.changed)} cells changed (rows found from {change.via})"
    )
    note = ""
    if change.repeated:
        shown = "; ".join(change.repeated[:3]) + ("; …" if len(change.repeated) > 3 else "")
        note = (
            f"note: {len(change.repeated)} key(s) of ({', '.join(change.key)}) repeat among "
            f"the changed rows ({shown}): those rows are listed as added/removed, not "
            "compared cell by cell"
        )
    if fmt != "table":
        print_diff(dataset, from_version, after, change, fmt)
        for line in (summary, note):
            if line:
                err.print(plain(line), style="dim", soft_wrap=True)
        return
    out.print(plain(summary))
    if note:
        out.print(plain(note))
    key = list(change.key)
    for title, frame in (("added", change.added), ("removed", change.removed)):
        if not frame.empty:
            emit(f"{title} rows", records(frame[key]), key, fmt)
    if not change.changed.empty:
        emit("changed cells", records(change.changed), list(change.changed.columns), fmt)


def records(frame: Any) -> list[dict[str, Any]]:
    """A DataFrame's rows as dicts (diff's frames hold text cells)."""
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict("records")]


def change_version(curated: Path, dataset: str, version: int | None) -> int:
    from cninet.browse import published

    return version if version is not None else published(curated, dataset).version()


def print_diff(dataset: str, before: int, after: int, change: Any, fmt: str) -> None:
    """json: one object (the key, the rows added and removed whole, the cells changed); csv:
    one line per added or removed row (its key) and per changed cell."""
    key = list(change.key)
    added, removed = records(change.added), records(change.removed)
    changed = records(change.changed)
    if fmt == "json":
        print_json(
            {
                "dataset": dataset,
                "from": before,
                "to": after,
                "key": key,
                "via": change.via,
                "added": added,
                "removed": removed,
                "changed": changed,
                "repeated": list(change.repeated),
            }
        )
        return
    columns = ["change", *key, "column", "before", "after"]
    blank = {"column": "", "before": "", "after": ""}
    rows = [{"change": "added", **row, **blank} for row in added]
    rows += [{"change": "removed", **row, **blank} for row in removed]
    rows += [{"change": "changed", **row} for row in changed]
    print_csv(rows, columns)


@app.command()
@one_line_errors
def show(
    ctx: typer.Context,
    dataset: Annotated[str, typer.Argument(help="Dataset name.")],
    version: Annotated[int | None, typer.Option(help="Delta version (default latest).")] = None,
    edition: Annotated[int | None, typer.Option(help="Only this edition.")] = None,
    columns: Annotated[
        str | None, typer.Option(help="These columns, in this order: a,b,c (any column).")
    ] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="The first N rows only.")] = None,
    all_columns: Annotated[bool, typer.Option(help="Show provenance columns too.")] = False,
    all_formats: Annotated[
        bool, typer.Option(help="Rows of every format (an edition's PDF and text both).")
    ] = False,
    fmt: FormatOption = "table",
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """Print a dataset: its value columns with edition, period, format and flags
    (--all-columns: provenance too; --columns: your choice). Each printed fact once: where an
    edition came as PDF and as text, the PDF's row (--all-formats: both). The table fits the
    terminal: long cells end in an ellipsis, columns that do not fit are named on stderr."""
    from cninet.browse import NATURAL_KEYS, chosen_columns, dataset_rows, default_columns

    settings: Context = ctx.obj
    fmt = output_format(fmt, as_json, as_csv)
    if columns is not None and all_columns:
        raise fail("--columns and --all-columns exclude each other", 2)
    found = known(lambda: dataset_rows(settings.curated, dataset, version, edition, all_formats))
    if columns is not None:
        wanted = [c.strip() for c in columns.split(",") if c.strip()]
        shown = known(lambda: chosen_columns(dataset, found.columns, wanted))
    else:
        shown = found.columns if all_columns else default_columns(dataset, found.columns)
    rows = found.rows[:limit] if limit is not None else found.rows
    title = f"{dataset} ({len(found.rows)} rows"
    title += f", first {len(rows)} shown)" if len(rows) < len(found.rows) else ")"
    strict = columns is not None or all_columns
    emit(title, rows, shown, fmt, fit=not strict, strict=strict, first=NATURAL_KEYS[dataset])


@app.command("series")
@one_line_errors
def series_command(
    ctx: typer.Context,
    indicator: Annotated[str, typer.Argument(help="Indicator id (see: cninet show vocabulary).")],
    member: Annotated[
        str | None, typer.Option(help="Only this member (province, region, organisation…).")
    ] = None,
    fmt: FormatOption = "table",
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """One indicator over time: each period's chosen figure, its publication and status."""
    from cninet.catalog import SERIES_COLUMNS, UnknownName, members, series_rows

    settings: Context = ctx.obj
    fmt = output_format(fmt, as_json, as_csv)
    try:
        rows = series_rows(settings.curated, indicator, member)
    except UnknownName as exc:
        raise fail(str(exc), 2) from None
    except FileNotFoundError as exc:
        raise fail(str(exc)) from None
    if not rows and member is not None:
        known = ", ".join(repr(m) for m in members(settings.curated, indicator)) or "none"
        raise fail(f"{indicator} has no member {member!r} (members: {known})", 2)
    if not rows:
        raise fail(f"no figures for {indicator} under {settings.curated}")
    columns = list(SERIES_COLUMNS)
    if fmt == "table":  # the columns a person reads; csv and json give them all
        rows = [dict(row, where=where(row), change=change(row)) for row in rows]
        columns = ["period_end", "member", "value", "unit", "value_base", "status"]
        columns += ["publication", "where", "change", "quality_flags"]
    if all(not row["member"] for row in rows):
        columns.remove("member")
    emit(f"{indicator} ({len(rows)} periods)", rows, columns, fmt)


def where(row: dict[str, Any]) -> str:
    if row["page"] is not None:
        return f"{row['source_format']} p. {row['page']}"
    return f"{row['source_format']} line {row['line']}" if row["line"] is not None else ""


def change(row: dict[str, Any]) -> str:
    return f"{row['change_pct']:+.1f} %" if row["change_pct"] is not None else ""


@app.command("datasets")
@one_line_errors
def datasets_command(
    ctx: typer.Context,
    fmt: FormatOption = "table",
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """The published datasets: rows, latest version, editions, description."""
    from cninet.catalog import datasets

    settings: Context = ctx.obj
    fmt = output_format(fmt, as_json, as_csv)
    found = datasets(settings.curated)
    if not found:
        raise fail(f"nothing published under {settings.curated}")
    rows = [
        {
            "name": info.name,
            "rows": info.rows,
            "version": info.version,
            "editions": list(info.editions) if fmt == "json" else editions_text(info.editions),
            "description": info.description,
        }
        for info in found
    ]
    emit(f"datasets under {settings.curated}", rows, list(rows[0]), fmt)


def editions_text(editions: tuple[int, ...]) -> str:
    """54, 55, 56 → "54–56"; gaps kept: "45, 47–49"."""
    runs: list[list[int]] = []
    for number in editions:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


if __name__ == "__main__":
    app()
