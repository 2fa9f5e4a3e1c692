"""The per-run quality report: every flag with the printed text and where it was printed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from cninet.settings import REPORTS_DIR, code_version

if TYPE_CHECKING:
    from cninet.process import RunResult


def md(text: object) -> str:
    """Escape a value for a Markdown table cell."""
    return re.sub(r"([|\\`*_\[\]<>])", r"\\\1", str(text)).replace("\t", " ⇥ ").replace("\n", " ")


def location(page: int | None, line: int | None) -> str:
    return f"p. {page}" if page is not None else f"line {line}" if line is not None else ""


def render_report(result: RunResult) -> str:
    """Markdown text of the report (pure)."""
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
        out.append(
            f"| {md(source.path)} | {source.status} | {edition.edition if edition else ''} | "
            f"{edition.published.strftime('%Y-%m') if edition and edition.published else ''} | "
            f"{edition.period_end if edition else ''} | {md(source.reason)} |"
        )
    out += ["", "## Datasets published", "", "| dataset | rows | Delta version | new commit |"]
    out.append("|---|---|---|---|")
    for item in result.published:
        out.append(f"| {item.dataset} | {item.rows} | {item.version} | {item.changed} |")
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
    out += ["", f"## Edition checks: revisions and drift ({len(result.edition_checks)})", ""]
    out += [f"- {md(line)}" for line in result.edition_checks] or ["None."]
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
    write_text(folder / f"{result.run_id}.md", render_report(result))
    html = folder / f"{result.run_id}.html"
    write_text(html, render_html(result, changes or {}))
    return html
