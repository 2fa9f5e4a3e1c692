"""The per-run quality report: every flag with the printed text and where it was printed."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from cninet.settings import REPORTS_DIR, code_version

if TYPE_CHECKING:
    from cninet.process import RunResult, SourceOutcome


def md(text: object) -> str:
    """Escape a value for a Markdown table cell."""
    return re.sub(r"([|\\`*_\[\]<>])", r"\\\1", str(text)).replace("\t", " ⇥ ").replace("\n", " ")


def location(page: int | None, line: int | None) -> str:
    return f"p. {page}" if page is not None else f"line {line}" if line is not None else ""


def shown_status(source: SourceOutcome) -> str:
    """A source's status as the report shows it: an extracted source with a reason is one
    whose rows did not all publish (recorded as failed, read again by the next scan)."""
    return "failed" if source.status == "extracted" and source.reason else source.status


def render_report(result: RunResult, changes: Mapping[str, str] | None = None) -> str:
    """Markdown text of the report (pure). ``changes``: dataset → change against the previous
    version, in words."""
    changes = changes or {}
    out = [
        f"# cninet quality report — run {result.run_id}",
        "",
        f"Code version: `{code_version()}`",
        "",
        "## Sources",
        "",
        "| source | status | edition | published | period end | reason |",
        "|---|---|---|---|---|---|",
    ]
    for source in result.sources:
        edition = source.edition
        status = shown_status(source)
        out.append(
            f"| {md(source.path)} | {status} | {edition.edition if edition else ''} | "
            f"{edition.published.strftime('%Y-%m') if edition and edition.published else ''} | "
            f"{edition.period_end if edition else ''} | {md(source.reason)} |"
        )
    out += ["", "## Datasets published", ""]
    out += ["| dataset | rows | Delta version | new commit | change |", "|---|---|---|---|---|"]
    for item in result.published:
        change = md(changes.get(item.dataset, ""))
        out.append(f"| {item.dataset} | {item.rows} | {item.version} | {item.changed} | {change} |")
    out += ["", f"## Source errata flagged ({len(result.flags)})", ""]
    if result.flags:
        out += [
            "| dataset | row | check | why | printed | source | where |",
            "|---|---|---|---|---|---|---|",
        ]
        for flag in result.flags:
            out.append(
                f"| {flag.dataset} | {md(flag.label)} | `{flag.check}` | {md(flag.message)} | "
                f"{md(flag.raw)} | {md(flag.source_path)} | {location(flag.page, flag.line)} |"
            )
    else:
        out.append("None.")
    out += ["", f"## Reconciliation conflicts between publications ({len(result.conflicts)})", ""]
    out += [f"- {md(line)}" for line in result.conflicts] or ["None."]
    out += ["", f"## Not written ({len(result.write_failures)})", ""]
    out += [f"- {md(line)}" for line in result.write_failures] or ["None."]
    out += ["", f"## Structural failures ({len(result.structural)})", ""]
    out += [f"- {md(line)}" for line in result.structural] or ["None."]
    return "\n".join(out) + "\n"


def write_text(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def write_report(curated: Path, result: RunResult, changes: dict[str, str] | None = None) -> Path:
    """Write ``<run id>.md`` and ``<run id>.html`` under ``curated/_reports``; return the
    HTML path."""
    from cninet.report_html import render_html

    folder = curated / REPORTS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    write_text(folder / f"{result.run_id}.md", render_report(result, changes))
    html = folder / f"{result.run_id}.html"
    write_text(html, render_html(result, changes or {}))
    return html
