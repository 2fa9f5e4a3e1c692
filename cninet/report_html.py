"""The per-run quality report as HTML (self-contained, no scripts), for people and browsers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import TYPE_CHECKING

from cninet.report import location
from cninet.settings import code_version

if TYPE_CHECKING:
    from cninet.process import RunResult

STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
tr.flag td { background: #fff6e0; }
tr.conflict td, li.structural { color: #a00; }
code { font-size: 12px; }
"""


def table(headers: Sequence[str], rows: Iterable[Sequence[object]], css: str = "") -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        f'<tr class="{css}">' + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(result: RunResult, changes: dict[str, str]) -> str:
    """HTML text of the report (pure). ``changes``: dataset → change against the previous
    version, in words."""
    sources = [
        (
            s.path,
            s.status,
            s.edition.kind if s.edition else "",
            s.edition.edition if s.edition and s.edition.edition is not None else "",
            s.edition.period_end if s.edition else "",
            s.reason,
        )
        for s in result.sources
    ]
    datasets = [
        (p.dataset, p.rows, p.version, "yes" if p.changed else "no", changes.get(p.dataset, ""))
        for p in result.published
    ]
    flags = [
        (f.dataset, f.label, f.check, f.message, f.raw, f.source_path, location(f.page, f.line))
        for f in result.flags
    ]
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>cninet quality report {escape(result.run_id)}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>cninet quality report — run <code>{escape(result.run_id)}</code></h1>",
        f"<p>Code version <code>{escape(code_version())}</code></p>",
        "<h2>Sources</h2>",
        table(["source", "status", "kind", "edition", "period end", "reason"], sources),
        "<h2>Datasets</h2>",
        table(["dataset", "rows", "Delta version", "new commit", "change"], datasets),
        f"<h2 id='flags'>Source errata flagged ({len(flags)})</h2>",
        table(["dataset", "row", "check", "why", "printed", "source", "where"], flags, "flag")
        if flags
        else "<p>None.</p>",
        f"<h2>Conflicts between publications ({len(result.conflicts)})</h2>",
        table(["indicator, period and values"], [(c,) for c in result.conflicts], "conflict")
        if result.conflicts
        else "<p>None.</p>",
        f"<h2>Edition checks: revisions and drift ({len(result.edition_checks)})</h2>",
        table(["check"], [(c,) for c in result.edition_checks], "edition-check")
        if result.edition_checks
        else "<p>None.</p>",
        f"<h2>Structural failures ({len(result.structural)})</h2>",
        "<ul>"
        + "".join(f"<li class='structural'>{escape(s)}</li>" for s in result.structural)
        + "</ul>"
        if result.structural
        else "<p>None.</p>",
        "</body></html>",
    ]
    return "\n".join(parts)
