"""Recognise what a document is (which report, which edition) from its own text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from extractors.document import Document

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
MONTH_RE = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"

CNNIC_TITLE_EN = re.compile(
    r"The\s+(?P<edition>\d{1,3})(?:st|nd|rd|th)\s+Statistical\s+Report\s+on\s+"
    r"China['’]?s\s+Internet\s+Development",
    re.IGNORECASE,
)
ISC_TITLE = re.compile(r"中国互联网发展报告\s*[（(]\s*(?P<year>(?:19|20)\d{2})\s*[)）]")
CNNIC_TITLE_ZH = re.compile(r"第\s*(?P<edition>\d{1,3})\s*次\s*《?\s*中国互联网络发展状况统计报告")
PUBLISHED_EN = re.compile(r"^\s*" + MONTH_RE + r"\s+(?P<year>(?:19|20)\d{2})\s*$", re.I | re.M)
PUBLISHED_ZH = re.compile(r"^\s*(?P<year>(?:19|20)\d{2})\s*年\s*(?P<month>\d{1,2})\s*月\s*$", re.M)
CUTOFF_EN = re.compile(
    r"deadline\s+(?:of|for)\s+the\s+(?:above\s+)?statistical\s+(?:survey\s+)?data\s+is\s+"
    + MONTH_RE
    + r"\s*(?P<day>\d{1,2}),?\s+(?P<year>(?:19|20)\d{2})",
    re.IGNORECASE,
)
CUTOFF_ZH = re.compile(
    r"(?:数据)?截止日期为\s*(?P<year>(?:19|20)\d{2})\s*年\s*(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日"
)
TITLE_PAGES = 3


class UnrecognisedDocument(Exception):
    """The document is not a report cninet knows; the message is the one-line reason."""


@dataclass(frozen=True)
class Edition:
    """What a recognised source is: report kind, language, edition and dates from its text."""

    kind: str
    lang: str
    edition: int | None  # None for news
    published: date | None
    period_end: date  # for news: the latest article date (figures carry their own periods)


def month_number(token: str) -> int:
    return int(token) if token.isdigit() else MONTHS[token.lower().rstrip(".")]


def title_text(doc: Document) -> str:
    return "\n".join(doc.pages[:TITLE_PAGES]) if doc.format == "pdf" else doc.text[:6000]


def find_published(head: str, after: int, lang: str) -> date | None:
    pattern = PUBLISHED_EN if lang == "en" else PUBLISHED_ZH
    match = pattern.search(head, after) or pattern.search(head)
    if match is None:
        return None
    return date(int(match["year"]), month_number(match["month"]), 1)


def find_cutoff(text: str, lang: str) -> date | None:
    match = (CUTOFF_EN if lang == "en" else CUTOFF_ZH).search(text)
    if match is None:
        return None
    return date(int(match["year"]), month_number(match["month"]), int(match["day"]))


def recognise_isc(head: str) -> Edition | None:
    """Internet Society of China annual report 中国互联网发展报告（YYYY）: the edition is the
    report's year, its figures describe the year before (period_end = 31 Dec of that year)."""
    match = ISC_TITLE.search(head)
    if match is None:
        return None
    year = int(match["year"])
    return Edition("isc", "zh", year, None, date(year - 1, 12, 31))


ENGLISH_WORD_RE = re.compile(r"[A-Za-z]{2,}")
MIN_NEWS_WORDS = 40


def recognise_news(doc: Document) -> Edition | None:
    """English news text: a .txt of English prose with at least one article (see news.py)."""
    from extractors.news import split_articles

    if doc.format != "txt" or len(ENGLISH_WORD_RE.findall(doc.text)) < MIN_NEWS_WORDS:
        return None
    letters = sum(ch.isalpha() for ch in doc.text)
    latin = sum(ch.isascii() and ch.isalpha() for ch in doc.text)
    articles = split_articles(doc)
    if not articles or latin < 0.8 * letters:
        return None
    dates = [a.published for a in articles if a.published is not None]
    return Edition("news", "en", None, None, max(dates, default=date.min))


def recognise(doc: Document) -> Edition:
    """Identify a CNNIC Statistical Report edition, an ISC annual report or English news
    text, or raise UnrecognisedDocument."""
    head = title_text(doc)
    isc = recognise_isc(head)
    if isc is not None:
        return isc
    for lang, title in (("en", CNNIC_TITLE_EN), ("zh", CNNIC_TITLE_ZH)):
        match = title.search(head)
        if match is None:
            continue
        published = find_published(head, match.end(), lang)
        if published is None:
            raise UnrecognisedDocument("CNNIC report title found but no publication month")
        period_end = find_cutoff(doc.text, lang)
        if period_end is None:
            raise UnrecognisedDocument(
                "CNNIC report title found but no survey cut-off date (deadline of the data)"
            )
        return Edition("cnnic", lang, int(match["edition"]), published, period_end)
    news = recognise_news(doc)
    if news is not None:
        return news
    raise UnrecognisedDocument(
        "not a known report (no CNNIC Statistical Report or ISC annual report title at its "
        "start, and not English news text)"
    )
