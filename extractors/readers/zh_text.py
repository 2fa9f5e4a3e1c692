"""Chinese report text (CNNIC 中国互联网络发展状况统计报告 dumps, 核心数据 pages, chapter excerpts):
printed lines cleaned as for the ISC report (bullets, bold marks, spaces next to Chinese
characters dropped), joined into paragraphs, read by the figure engine with the kind's rules.
Figures keep the edition the source is or names; without one they are flagged
``edition_unresolved``."""

from __future__ import annotations

from datetime import date

from extractors.document import Document
from extractors.edition import Edition
from extractors.figures.engine import Dating, read_prose
from extractors.figures.facts import Fact
from extractors.figures.text import sentences
from extractors.kinds import source_kind
from extractors.readers.isc_report import content_lines, prose_of
from extractors.readers.report_body import with_edition
from extractors.vocabulary import base_units


def zh_report_facts(doc: Document, edition: Edition, kind_name: str = "cnnic_zh") -> list[Fact]:
    """Every figure the kind's rules name in the text, one Fact per mention, reading order."""
    kind = source_kind(kind_name)
    # a text dump or excerpt copied from the PDF keeps its margin wraps: joined as in a PDF
    prose = prose_of(content_lines(doc), wrapped=True)
    dating = Dating(default=edition.period_end if edition.period_end != date.min else None)
    mentions = read_prose(prose, sentences(prose), kind, dating, base_units())
    return [with_edition(m.fact, edition) for m in mentions if m.fact.indicator_id is not None]


def zh_excerpt_facts(doc: Document, edition: Edition) -> list[Fact]:
    return zh_report_facts(doc, edition, "excerpt_zh")
