"""News text: split a news file into articles, keep the relevant ones, read their figures.

1. ``split_articles`` cuts a file into articles. Lines are sorted into blank lines, page
   furniture ("more recommended stories"), datelines (a short line with a full date), titles (a
   short line that is not a sentence) and body lines. Scraped pages put the title either before
   its body or after it: if the file's first content line is a title, titles open articles,
   otherwise they close them. A dateline is attached to the title right before it, else to the
   article it sits in. A Chinese file is one article: its first line is the title.
2. ``published``: a full date on a dateline ("Updated: 2025-01-17 10:23", "January 17, 2025",
   2024年3月22日) or in a wire dateline opening the body ("BEIJING, Jan. 17, 2025 (Xinhua) --");
   otherwise the ``YYYY-MM`` that starts the file name, as day 1 of that month.
3. Relevance is decided by the article's own words: it must name China and at least two
   different internet-statistics topics. Irrelevant articles yield no figures; so do articles
   that do not cite CNNIC or its report (the kind's ``cites``). A figure in a sentence that
   attributes it to another body (the kind's ``other_publishers``: MIIT, ITU …) and does not
   name CNNIC keeps that publisher and no CNNIC edition.
4. ``news_mentions`` reads every relevant article's body with the figure engine and the
   kind's rules; periods by the ``article`` strategy (see ``extractors.figures.engine``).
   A CNNIC edition the article names ("the 53rd Statistical Report", 第53次…报告) gives the
   figures their edition and, when the article prints no date, their period.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from typing import Literal

import cn2an

from extractors.document import Document
from extractors.edition import Edition, edition_cutoff, edition_of
from extractors.figures.dates import latest_printed_period, month_number
from extractors.figures.engine import Dating, read_prose
from extractors.figures.facts import Fact, consistent
from extractors.figures.grammar import grammar
from extractors.figures.rules import SourceKind
from extractors.figures.text import Prose, nfkc, numeral_dates, sentences, simplified
from extractors.kinds import source_kind
from extractors.readers.isc_report import clean_line
from extractors.vocabulary import base_units

MONTH = grammar("en").fragments["MONTH"]
MULT = grammar("en").fragments["MULT"]

LineKind = Literal["blank", "furniture", "dateline", "title", "body"]
PublishedFrom = Literal["text", "file_name"]

FULL_DATE_RE = re.compile(
    r"\b(?P<iy>(?:19|20)\d{2})-(?P<im>\d{1,2})-(?P<id>\d{1,2})\b"
    rf"|\b(?P<month>{MONTH})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d{{2}})\b"
    rf"|\b(?P<day2>\d{{1,2}})\s+(?P<month2>{MONTH})\.?,?\s+(?P<year2>(?:19|20)\d{{2}})\b",
    re.IGNORECASE,
)
WIRE_DATELINE_RE = re.compile(
    rf"^[A-Z][A-Za-z .'-]{{1,40}},\s+(?P<date>(?:{MONTH})\.?\s+\d{{1,2}},?\s+(?:19|20)\d{{2}})"
    r"\s*(?:\([^)]{1,30}\))?\s*(?:--|—|–)",
    re.IGNORECASE,
)
FILE_DATE_RE = re.compile(r"^(?P<year>(?:19|20)\d{2})-(?P<month>0[1-9]|1[0-2])(?!\d)")
FURNITURE_RE = re.compile(
    r"^(?:more\s+recommended\s+stories|recommended(?:\s+stories)?|related(?:\s+\w+)?|share|print"
    r"|editor:.*|source:.*|\(?web\s+editor:.*|copyright\b.*|photo:.*)$",
    re.IGNORECASE,
)
DATELINE_MAX_CHARS = 100
TITLE_MAX_CHARS = 160
TITLE_WORDS = range(3, 26)
# A line ending with one of these words continues on the next line: not a title.
CONTINUATION_WORDS = frozenset(
    {"a", "an", "the", "of", "and", "or", "to", "in", "on", "at", "by", "for", "from", "with"}
    | {"as", "that", "which", "whose", "its", "their"}
)
SENTENCE_END_RE = re.compile(r"(?:[.,;:]|[.,]['\"”’)])$")
# a wire story's end marker after its last sentence ("… the report said. Enditem"): body text
WIRE_END_RE = re.compile(r"[.!?\"”’)]\s*(?:enditem|\(end\))$", re.IGNORECASE)


@dataclass(frozen=True)
class Article:
    """One article of a news file."""

    article_id: str  # f"{sha256[:12]}-{n}", n = 1-based position in the file
    title: str | None
    relevant: bool
    published: datetime.date | None  # see ``published_from``
    first_line: int  # 1-based line span of the article (title, datelines, body) in the file
    last_line: int
    reason: str  # why relevant / not (one line)
    published_from: PublishedFrom | None = None  # "text" (a printed date) or "file_name"


@dataclass
class _Segment:
    """An article being assembled: line numbers (1-based) by role."""

    title: int | None = None
    extra_titles: list[int] = field(default_factory=list)  # subheads right after a title
    body: list[int] = field(default_factory=list)
    datelines: list[int] = field(default_factory=list)

    def all_lines(self) -> list[int]:
        titles = [] if self.title is None else [self.title]
        return sorted([*titles, *self.extra_titles, *self.body, *self.datelines])


def full_date(text: str) -> datetime.date | None:
    """The first complete printed date (with day and year) in ``text``."""
    for match in FULL_DATE_RE.finditer(text):
        try:
            if match["iy"]:
                return datetime.date(int(match["iy"]), int(match["im"]), int(match["id"]))
            month, day, year = (
                (match["month"], match["day"], match["year"])
                if match["month"]
                else (match["month2"], match["day2"], match["year2"])
            )
            return datetime.date(int(year), month_number(month), int(day))
        except ValueError:
            continue
    return None


def file_name_date(path: str) -> datetime.date | None:
    """Day 1 of the ``YYYY-MM`` that starts the file name, if any."""
    match = FILE_DATE_RE.match(PurePath(path).name)
    return datetime.date(int(match["year"]), int(match["month"]), 1) if match else None


def _next_content(lines: Sequence[str], index: int) -> str:
    return next((line.strip() for line in lines[index + 1 :] if line.strip()), "")


def line_kind(lines: Sequence[str], index: int) -> LineKind:
    """The role of line ``index`` (0-based) of a news file."""
    text = lines[index].strip()
    if not text:
        return "blank"
    if FURNITURE_RE.match(text):
        return "furniture"
    if (
        len(text) <= DATELINE_MAX_CHARS
        and not text.endswith(".")
        and full_date(text) is not None
        and len(FULL_DATE_RE.sub("", text).split()) <= 6
    ):
        return "dateline"
    words = text.split()
    starts_lower = text[0].islower()
    if starts_lower and len(words) < TITLE_WORDS.start + 3 and not text.endswith("."):
        return "furniture"
    if (
        len(text) <= TITLE_MAX_CHARS
        and len(words) in TITLE_WORDS
        and not starts_lower
        and not SENTENCE_END_RE.search(text)
        and not WIRE_END_RE.search(text)
        and words[-1].lower() not in CONTINUATION_WORDS
        and not _next_content(lines, index)[:1].islower()
    ):
        return "title"
    return "body"


def _segments(lines: Sequence[str]) -> list[_Segment]:
    """Group the lines of a news file into articles (see the module docstring)."""
    kinds = [line_kind(lines, index) for index in range(len(lines))]
    content = [(n + 1, kind) for n, kind in enumerate(kinds) if kind not in ("blank", "furniture")]
    if not content:
        return []
    leading = content[0][1] == "title"
    done: list[_Segment] = []
    current: _Segment | None = None
    previous: LineKind | None = None
    for number, kind in content:
        if kind == "title":
            if leading:
                if current is not None and not current.body and current.title is not None:
                    current.extra_titles.append(number)
                else:
                    if current is not None:
                        done.append(current)
                    current = _Segment(title=number)
            elif current is not None and current.body:
                current.title = number
                done.append(current)
                current = None
            elif done:
                done[-1].extra_titles.append(number)
            else:  # a title before any body after all (a dateline came first)
                current = current or _Segment()
                current.title = number
                leading = True
        elif kind == "dateline":
            if previous == "title" and not leading and done:
                done[-1].datelines.append(number)
            else:
                current = current or _Segment()
                current.datelines.append(number)
        else:
            current = current or _Segment()
            current.body.append(number)
        previous = kind
    if current is not None and (current.body or current.title is not None):
        done.append(current)
    return done


def relevance(text: str, kind: SourceKind) -> tuple[bool, str]:
    """Is ``text`` about China's internet statistics, by the kind's ``relevance`` record
    (extractors/sources/<kind>/source.yaml)? (decision, one-line reason)"""
    if kind.relevance is None:
        return True, "the source kind reads every article"
    norm = simplified(nfkc(text)) if kind.lang == "zh" else text
    found = [label for label, regex in kind.relevance.topics if regex.search(norm)]
    if not found:
        return False, "no internet-statistics terms"
    named = ", ".join(found)
    if len(found) < kind.relevance.min_topics:
        needed = kind.relevance.min_topics
        return False, f"{len(found)} internet-statistics topic(s) ({named}), {needed} needed"
    if not kind.relevance.place.search(norm):
        return False, f"internet-statistics terms ({named}) but not about China"
    return True, f"about China's internet statistics: {named}"


def _published(
    lines: Sequence[str], segment: _Segment, path: str
) -> tuple[datetime.date | None, PublishedFrom | None]:
    for number in segment.datelines:
        found = full_date(lines[number - 1])
        if found is not None:
            return found, "text"
    for number in segment.body[:1]:
        wire = WIRE_DATELINE_RE.match(lines[number - 1].strip())
        printed = full_date(wire["date"]) if wire is not None else None
        if printed is not None:
            return printed, "text"
    from_name = file_name_date(path)
    return from_name, ("file_name" if from_name else None)


def _article(doc: Document, lines: Sequence[str], n: int, segment: _Segment) -> Article:
    title = None if segment.title is None else " ".join(lines[segment.title - 1].split())
    words = [lines[number - 1] for number in (*segment.extra_titles, *segment.body)]
    relevant, reason = relevance("\n".join([title or "", *words]), source_kind("news_en"))
    published, published_from = _published(lines, segment, doc.path)
    numbers = segment.all_lines()
    return Article(
        article_id=f"{doc.sha256[:12]}-{n}",
        title=title,
        relevant=relevant,
        published=published,
        first_line=numbers[0],
        last_line=numbers[-1],
        reason=reason,
        published_from=published_from,
    )


def split_articles(doc: Document, lang: str = "en") -> list[Article]:
    """The articles of a news file, in file order (see the module docstring)."""
    return [article for article, _ in _split(doc, lang)]


_SPLIT: dict[tuple[str, str, str], list[tuple[Article, _Segment]]] = {}
_SPLIT_KEEP = 16  # recognition and extraction split the same file: keep the last few splits


def _split(doc: Document, lang: str) -> list[tuple[Article, _Segment]]:
    """The articles of a news file with their line segments (cached: recognition and
    extraction split the same file)."""
    key = (doc.sha256, doc.path, lang)
    if key not in _SPLIT:
        if len(_SPLIT) >= _SPLIT_KEEP:
            _SPLIT.pop(next(iter(_SPLIT)))
        _SPLIT[key] = zh_articles(doc) if lang == "zh" else _articles(doc)
    return _SPLIT[key]


def _articles(doc: Document) -> list[tuple[Article, _Segment]]:
    lines = doc.lines
    return [
        (_article(doc, lines, n, segment), segment)
        for n, segment in enumerate(_segments(lines), start=1)
    ]


# --------------------------------------------------------------------------------------------
# Prose: an article's body as one string with the source line of every character
# --------------------------------------------------------------------------------------------

HARD_BREAK = "\n"
# A decimal number broken after its point: "24.\n\n8 million" → "24.8 million".
SPLIT_NUMBER_RE = re.compile(
    r"(?:(?<=(?<![\d,.])\d\.)|(?<=(?<![\d,.])\d\d\.)|(?<=(?<![\d,.])\d\d\d\.))"
    rf"[ \t\u00a0]*\n\s*(?=\d+(?:\.\d+)?\s*(?:{MULT}|%|percent|per\s*cent|percentage))",
    re.IGNORECASE,
)
PARAGRAPH_END_RE = re.compile(r"[.!?][\"”’)\]]*$")


@dataclass(frozen=True)
class LinedText:
    """Text with the 1-based source line of every character; "\\n" ends a paragraph."""

    text: str
    lines: tuple[int, ...]

    def substitute(self, regex: re.Pattern[str], repl: Callable[[re.Match[str]], str]) -> LinedText:
        """``regex.sub`` keeping locations (inserted text takes the match start's line)."""
        parts: list[str] = []
        where: list[int] = []
        position = 0
        for match in regex.finditer(self.text):
            parts.append(self.text[position : match.start()])
            where.extend(self.lines[position : match.start()])
            new = repl(match)
            parts.append(new)
            anchor = self.lines[min(match.start(), len(self.lines) - 1)]
            where.extend([anchor] * len(new))
            position = match.end()
        parts.append(self.text[position:])
        where.extend(self.lines[position:])
        return LinedText("".join(parts), tuple(where))


def body_prose(lines: Sequence[str], numbers: Sequence[int]) -> Prose:
    """The body lines ``numbers`` (1-based) as prose: a blank line, a gap in the numbers or a
    line ending a sentence ends a paragraph; other line breaks are spaces; split numbers mended."""
    parts: list[str] = []
    where: list[int] = []
    for index, number in enumerate(numbers):
        text = lines[number - 1]
        parts.append(text)
        where.extend([number] * len(text))
        if index + 1 == len(numbers):
            break
        following = numbers[index + 1]
        blank = following != number + 1
        separator = "\n\n" if blank else "\n"
        parts.append(separator)
        where.extend([number] * len(separator))
    prose = LinedText("".join(parts), tuple(where))
    prose = prose.substitute(SPLIT_NUMBER_RE, lambda _: "")
    joined = prose.substitute(re.compile(r"[ \t\u00a0]*\n\s*"), _line_break)
    return Prose(joined.text, (0,), ((None, None),), lang="en", line_of=joined.lines)


def _line_break(match: re.Match[str]) -> str:
    blank = match.group().count("\n") > 1
    ends = PARAGRAPH_END_RE.search(match.string, max(0, match.start() - 8), match.start())
    return HARD_BREAK if blank or ends else " "


# --------------------------------------------------------------------------------------------
# Chinese news: one article per file
# --------------------------------------------------------------------------------------------

ZH_FULL_DATE_RE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
    r"|(?P<iy>(?:19|20)\d{2})[-/.](?P<im>\d{1,2})[-/.](?P<id>\d{1,2})"
)


def zh_full_date(text: str) -> datetime.date | None:
    for match in ZH_FULL_DATE_RE.finditer(numeral_dates(nfkc(text))[0]):
        y, m, d = (
            (match["y"], match["m"], match["d"])
            if match["y"]
            else (match["iy"], match["im"], match["id"])
        )
        try:
            return datetime.date(int(y), int(m), int(d))
        except ValueError:
            continue
    return None


def zh_segments(lines: Sequence[str]) -> list[_Segment]:
    content = [n + 1 for n, line in enumerate(lines) if line.strip()]
    if not content:
        return []
    segment = _Segment(title=content[0])
    for number in content[1:]:
        text = lines[number - 1].strip()
        if len(text) <= 60 and zh_full_date(text) is not None and not text.endswith("。"):
            segment.datelines.append(number)
        else:
            segment.body.append(number)
    return [segment]


def zh_articles(doc: Document) -> list[tuple[Article, _Segment]]:
    lines = doc.lines
    found = []
    for n, segment in enumerate(zh_segments(lines), start=1):
        title = " ".join(lines[segment.title - 1].split()) if segment.title else None
        body = "\n".join(lines[number - 1] for number in segment.body)
        relevant, reason = relevance("\n".join([title or "", body]), source_kind("news_zh"))
        published = next(
            (d for d in (zh_full_date(lines[k - 1]) for k in segment.datelines) if d), None
        )
        if published is None and segment.body:
            published = zh_full_date(lines[segment.body[0] - 1][:40])
        source = "text" if published else None
        if published is None:
            published = file_name_date(doc.path)
            source = "file_name" if published else None
        numbers = segment.all_lines()
        article = Article(
            article_id=f"{doc.sha256[:12]}-{n}",
            title=title,
            relevant=relevant,
            published=published,
            first_line=numbers[0],
            last_line=numbers[-1],
            reason=reason,
            published_from=source,  # type: ignore[arg-type]
        )
        found.append((article, segment))
    return found


def zh_prose(lines: Sequence[str], numbers: Sequence[int]) -> Prose:
    """Body lines as prose: a line ending a sentence (。！？) or followed by a blank ends a
    paragraph; other line breaks (a wrapped line) join without a space."""
    text = ""
    starts: list[int] = []
    locations: list[tuple[int | None, int | None]] = []
    previous: int | None = None
    for number in numbers:
        piece = clean_line(lines[number - 1])
        if not piece:
            continue
        if previous is not None:
            ended = text.rstrip().endswith(("。", "！", "？", "!", "?", "”"))
            text += "\n" if ended or number != previous + 1 else ""
        starts.append(len(text))
        locations.append((None, number))
        text += piece
        previous = number
    return Prose(text, tuple(starts), tuple(locations), lang="zh")


# --------------------------------------------------------------------------------------------
# Figures of a news file
# --------------------------------------------------------------------------------------------

EDITION_RES = (
    re.compile(
        r"\b(?P<n>\d{1,2})(?:st|nd|rd|th)\s+(?:(?:china|CNNIC)\s+)?(?:statistical\s+)?"
        r"(?:survey\s+)?report",
        re.IGNORECASE,
    ),
    re.compile(r"\b(?P<n>\d{1,2})(?:st|nd|rd|th)\s+(?:edition|installment|issue)\b", re.I),
    re.compile(r"第\s*(?P<n>\d{1,2})\s*次\s*《?\s*中国互联网络发展状况统计报告"),
    re.compile(r"第\s*(?P<n>\d{1,2})\s*次.{0,12}?(?:统计报告|调查报告)"),
    re.compile(r"第(?P<cn>[一二三四五六七八九十]{1,3})次\s*《?\s*中国互联网络发展状况统计报告"),
)


def named_edition(text: str) -> int | None:
    """The CNNIC edition an article names ("its 41st report", 第53次《…统计报告》), if one."""
    norm = simplified(nfkc(text))
    for regex in EDITION_RES:
        match = regex.search(norm)
        if match is not None:
            if "cn" in match.groupdict():
                return int(cn2an.cn2an(match["cn"], "smart"))
            return int(match["n"])
    return None


def cites(kind: SourceKind, text: str) -> bool:
    """Does the article cite CNNIC (and not say its figures are someone else's)?"""
    norm = simplified(nfkc(text))
    if kind.disclaims is not None:
        for match in re.finditer(kind.disclaims, norm, re.I):
            # a sentence that disclaims without figures of its own speaks of the article's
            # figures ("上述数字…并非…", "These figures are not CNNIC's"); one with figures
            # speaks of its own (they keep their publisher, see other_publisher)
            start = max(norm.rfind(end, 0, match.start()) for end in ("。", ". ", "\n"))
            stops = [i for i in (norm.find(e, match.end()) for e in ("。", ". ", "\n")) if i >= 0]
            sentence = norm[start + 1 : min(stops) if stops else len(norm)]
            if not re.search(r"\d", sentence):
                return False
    return kind.cites is None or re.search(kind.cites, norm, re.I) is not None


def other_publisher(kind: SourceKind, sentence: str) -> str | None:
    """Another body a sentence attributes its figures to (and does not say is CNNIC)."""
    if re.search(kind.cites or r"(?!)", sentence, re.I):
        return None
    for name, regex in kind.other_publishers.items():
        if re.search(regex, sentence):
            return name
    return None


@dataclass(frozen=True)
class NewsMention:
    """A figure of a news article, with the article it comes from."""

    fact: Fact  # page None; line = 1-based line in the file
    article_id: str
    named: str | None = None  # the id the rule names (fact.indicator_id if the vocabulary has it)

    @property
    def period_resolved(self) -> bool:
        """False: fact.period_end is a best guess, for the caller to flag."""
        return self.fact.period_resolved


def article_segments(doc: Document, kind: SourceKind) -> list[tuple[Article, _Segment]]:
    return _split(doc, kind.lang)


def news_mentions(
    doc: Document, kind: SourceKind, units: Mapping[str, str]
) -> tuple[list[Article], list[NewsMention]]:
    """Every article of a news file, and the mentions of its relevant articles."""
    lines = doc.lines
    articles: list[Article] = []
    found: list[NewsMention] = []
    for article, segment in article_segments(doc, kind):
        articles.append(article)
        if not article.relevant:
            continue
        whole = "\n".join(lines[n - 1] for n in segment.all_lines())
        if not cites(kind, whole):
            continue
        prose = (
            zh_prose(lines, segment.body) if kind.lang == "zh" else body_prose(lines, segment.body)
        )
        edition = named_edition(whole)
        cutoff = edition_cutoff(edition) if edition else None
        latest = latest_printed_period(prose.norm, kind.lang)
        dating = Dating(
            reference=article.published,
            guess=article.published
            or (latest + datetime.timedelta(days=1) if latest is not None else None),
            named_cutoff=cutoff,
        )
        spans = sentences(prose, by_paragraph=True)
        mentions = read_prose(prose, spans, kind, dating, units)
        others = [other_publisher(kind, m.fact.quote) for m in mentions]
        # the report an article covers: the one it names, else the edition whose cut-off is
        # the latest period of its CNNIC figures (earlier values it compares with included)
        covered = edition or edition_of(
            max(
                (m.fact.period_end for m, o in zip(mentions, others, strict=True) if o is None),
                default=datetime.date.min,
            )
        )
        body: list[NewsMention] = []
        for mention, other in zip(mentions, others, strict=True):
            if other is not None:  # keeps its publisher, never filed under a CNNIC edition
                fact = replace(mention.fact, publisher=other)
            else:
                fact = replace(
                    mention.fact,
                    publisher=kind.publisher,
                    edition=covered or edition_of(mention.fact.period_end),
                )
            body.append(NewsMention(fact, article.article_id, mention.named))
        found += body + headline_contradictions(lines, segment, kind, dating, units, body)
    return articles, found


def headline_contradictions(
    lines: Sequence[str],
    segment: _Segment,
    kind: SourceKind,
    dating: Dating,
    units: Mapping[str, str],
    body: Sequence[NewsMention],
) -> list[NewsMention]:
    """Headline figures that contradict the body's figure for the same indicator (a printed
    typo: 10.29亿 in the title, 10.92亿 in the text), dated as the body's, flagged
    ``self_contradiction``. A headline that restates a body figure (rounded, "almost 1
    billion") is not a figure of its own."""
    if segment.title is None:
        return []
    text = lines[segment.title - 1].strip()
    title = Prose(text, (0,), ((None, segment.title),), lang=kind.lang)
    found = []
    for mention in read_prose(title, sentences(title), kind, dating, units):
        same = [m.fact for m in body if m.fact.indicator_id == mention.fact.indicator_id]
        if mention.fact.indicator_id is None or not same:
            continue
        if any(consistent(fact, mention.fact) for fact in same):
            continue
        model = same[0]
        fact = replace(
            mention.fact,
            period_end=model.period_end,
            period_resolved=model.period_resolved,
            edition=model.edition,
            publisher=model.publisher,
            flags=(*mention.fact.flags, "self_contradiction"),
        )
        found.append(NewsMention(fact, body[0].article_id, mention.named))
    return found


def news_facts(doc: Document, edition: Edition) -> list[Fact]:
    """Facts of the relevant articles of a news file (English or Chinese: the edition's
    language picks the kind); a period the article could not pin down stays flagged."""
    kind = source_kind("news_zh" if edition.lang == "zh" else "news_en")
    _, found = news_mentions(doc, kind, base_units())
    return [item.fact for item in found]


def extract_news_facts(doc: Document, lang: str = "en") -> tuple[list[Article], list[NewsMention]]:
    """Every article of a news file, and the figures of its relevant articles (reading order)."""
    return news_mentions(doc, source_kind("news_zh" if lang == "zh" else "news_en"), base_units())
