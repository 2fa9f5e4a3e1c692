"""Recognise what a document is from its own structure: the source kinds of extractors/sources/
are tried in their declared ``order``, each by its ``recognise`` record.

- ``cover`` (reports): the kind's title printed at the document's START (its first lines), with
  its publication month and its cut-off statement. A text that merely names the report (a news
  article, a headline quoting the title) has no cover: it is not taken for the report. A cover
  with the month but without a cut-off statement is refused when the kind requires one; a kind
  that does not falls back on the edition calendar (``extractors.edition.edition_cutoff``).
- ``excerpt``: a report chapter or "Core Data" page without the cover: a report heading on its
  first lines; its edition is the one it names, else unresolved (figures flagged).
- ``articles`` (news): prose in the kind's script with at least one article.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from functools import lru_cache
from typing import Any

from extractors.document import Document
from extractors.edition import Edition, UnrecognisedDocument, edition_cutoff
from extractors.figures.dates import latest_printed_period, month_number
from extractors.figures.rules import SourceKind
from extractors.figures.text import nfkc, simplified
from extractors.kinds import all_kinds
from extractors.readers.news import named_edition, split_articles

__all__ = ["Edition", "UnrecognisedDocument", "recognise"]

TITLE_PAGES = 3
HEAD_CHARS = 6000
COVER_LINES = 12
LETTERS_RE = re.compile(r"[A-Za-z]{2,}")
HAN_RE = re.compile(r"[\u3400-\u9fff]")


def title_text(doc: Document) -> str:
    return "\n".join(doc.pages[:TITLE_PAGES]) if doc.format == "pdf" else doc.text[:HEAD_CHARS]


@lru_cache(maxsize=4)  # every kind reads the same document's cover
def cover_lines(head: str) -> str:
    lines = [line.strip() for line in head.split("\n") if line.strip()]
    return "\n".join(lines[:COVER_LINES])


_COMPILED: dict[tuple[str, str, int], re.Pattern[str] | None] = {}


def _regex(kind: SourceKind, key: str, flags: int = 0) -> re.Pattern[str] | None:
    """The kind's recognition pattern ``key``, compiled once."""
    cached = (kind.kind, key, flags)
    if cached not in _COMPILED:
        pattern = kind.recognise.get(key)
        where = f"{kind.kind} recognise.{key}"
        _COMPILED[cached] = re.compile(kind.expand(str(pattern), where), flags) if pattern else None
    return _COMPILED[cached]


def by_cover(doc: Document, head: str, kind: SourceKind) -> Edition | None:
    flags = re.IGNORECASE | re.MULTILINE
    title = _regex(kind, "title", flags)
    if title is None:
        return None
    cover = cover_lines(head)
    match = title.search(nfkc(cover) if kind.lang == "zh" else cover)
    if match is None:
        return None
    text = nfkc(head) if kind.lang == "zh" else head
    published_re, cutoff_re = _regex(kind, "published", flags), _regex(kind, "cutoff", flags)
    published = None
    if published_re is not None:
        found = published_re.search(text, text.find(match[0])) or published_re.search(text)
        published = date(int(found["year"]), month_number(found["month"]), 1) if found else None
    body = nfkc(doc.text) if kind.lang == "zh" else doc.text
    cutoff_match = cutoff_re.search(body) if cutoff_re is not None else None
    if "year" in match.groupdict() and match["year"]:  # an annual report: figures of year − 1
        year = int(match["year"])
        return Edition(kind.doc_kind, kind.lang, year, published, date(year - 1, 12, 31))
    edition = int(match["edition"])
    if published is None and cutoff_match is None:
        return None  # a headline quoting the title, not a cover
    name = kind.recognise.get("name", "report")
    if published is None:
        raise UnrecognisedDocument(f"{name} title found but no publication month")
    if cutoff_match is not None:
        period_end = date(
            int(cutoff_match["year"]),
            month_number(cutoff_match["month"]),
            int(cutoff_match["day"]),
        )
    elif kind.recognise.get("cutoff_required", True):
        raise UnrecognisedDocument(
            f"{name} title found but no survey cut-off date (deadline of the data)"
        )
    else:
        period_end = edition_cutoff(edition)
    return Edition(kind.doc_kind, kind.lang, edition, published, period_end)


LETTER_RE = re.compile(r"[^\W\d_]")
LATIN_LETTER_RE = re.compile(r"[A-Za-z]")
SHARE_SAMPLE = 20000  # characters read to tell a document's script


def _script_share(text: str, lang: str) -> float:
    sample = text[:SHARE_SAMPLE]
    letters = len(LETTER_RE.findall(sample))
    if not letters:
        return 0.0
    script = LATIN_LETTER_RE if lang == "en" else HAN_RE
    return len(script.findall(sample)) / letters


def by_excerpt(doc: Document, head: str, kind: SourceKind) -> Edition | None:
    heading = _regex(kind, "heading", re.IGNORECASE | re.MULTILINE)
    cover = cover_lines(head)
    text = simplified(nfkc(cover)) if kind.lang == "zh" else cover
    if heading is None or heading.search(text[:400]) is None:
        return None
    if _script_share(doc.text[:HEAD_CHARS], kind.lang) < float(kind.recognise.get("share", 0.5)):
        return None
    edition = named_edition(doc.text)
    if edition is not None:
        return Edition(kind.doc_kind, kind.lang, edition, None, edition_cutoff(edition))
    latest = latest_printed_period(simplified(nfkc(doc.text)), kind.lang)
    return Edition(kind.doc_kind, kind.lang, None, None, latest or date.min)


def by_articles(doc: Document, head: str, kind: SourceKind) -> Edition | None:
    if doc.format != "txt":
        return None
    minimum = int(kind.recognise.get("min_words", 40))
    if kind.lang == "en" and len(LETTERS_RE.findall(doc.text)) < minimum:
        return None
    if kind.lang == "zh" and len(HAN_RE.findall(doc.text)) < minimum:
        return None
    if _script_share(doc.text, kind.lang) < float(kind.recognise.get("share", 0.8)):
        return None
    articles = split_articles(doc, kind.lang)
    if not articles:
        return None
    dates = [a.published for a in articles if a.published is not None]
    return Edition(kind.doc_kind, kind.lang, None, None, max(dates, default=date.min))


Recogniser = Callable[[Document, str, SourceKind], Edition | None]
RECOGNISERS: Mapping[str, Recogniser] = {
    "cover": by_cover,
    "excerpt": by_excerpt,
    "articles": by_articles,
}


def _method(recognise: Mapping[str, Any]) -> str:
    method = str(recognise.get("by", ""))
    if method not in RECOGNISERS:
        raise UnrecognisedDocument(f"unknown recognition method {method!r}")
    return method


def recognise(doc: Document) -> Edition:
    """Identify a source (a CNNIC Statistical Report edition, an ISC annual report, a report
    excerpt, English or Chinese news) by trying the kinds in order, or raise
    UnrecognisedDocument."""
    head = title_text(doc)
    for kind in all_kinds():
        found = RECOGNISERS[_method(kind.recognise)](doc, head, kind)
        if found is not None:
            return found
    raise UnrecognisedDocument(
        "not a known report (no CNNIC Statistical Report or ISC annual report title at its "
        "start, no report excerpt heading, and not English news text or Chinese news text)"
    )
