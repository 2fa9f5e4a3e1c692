"""News text: articles, relevance and figures of the bundled news files.

The golden files ``tests/golden/news/<file-stem>.csv`` were typed by hand from the articles, one
row per figure mention in a relevant article's body; ``articles.csv`` lists every article of
every file. Conventions:

- ``published`` is the file name's YYYY-MM as day 1: neither file prints a byline date ("released
  on Friday", "released recently" give none). The date applies to every article of the file.
- Periods: "by the end of last year" in the February 2021 article is 2020-12-31; "in 2024" /
  "in 2020" are year ends; a sentence without a date takes the date of the sentence before it in
  the same paragraph ("The number of online payment users has surpassed 1 billion …" follows "As
  of December 2024, …").
- Qualifiers as printed ("over", "more than"); "has surpassed 1 billion" is "over".
- Changes are their own indicators: "up 16.08 million from the previous year" is
  internet_users_change, "a net increase of 815,000" and "over 600,000 5G base stations were newly
  built … in 2020" are base_stations_5g_change.
- Figures in yuan (online retail sales 11.76 trillion, cross-border e-commerce 1.69 trillion) have
  an empty indicator_id: the vocabulary has no "yuan" base unit yet. Unit "trillion yuan".
- Not figures of this dataset, so not in the golden files: figures in titles ("almost 1 billion",
  "1.1 billion"; the body states them), health QR code users ("neared 900 million since the
  COVID-19 outbreak", "more than 40 billion times": no period and no indicator), the 1,100 "5G
  plus industrial Internet" projects and the 32,000 5G base stations serving the industrial
  internet (a subset, never the total), the dollar conversion "about 1.82 trillion U.S. dollars",
  "30 years", "ten consecutive years", "an eighth consecutive year".
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import re
from pathlib import Path

import pytest

from extractors.document import Document, load_document, parse_document
from extractors.figures.dates import period_phrases
from extractors.figures.grammar import GrammarError
from extractors.figures.numbers import Figure, read_latin
from extractors.figures.rules import build_relevance
from extractors.kinds import source_kind
from extractors.readers.news import (
    Article,
    extract_news_facts,
    relevance,
    split_articles,
)
from extractors.readers.news import NewsMention as NewsFact
from extractors.vocabulary import base_units
from tests.conftest import RAW, ROOT

NEWS = RAW / "news"
GOLDEN_NEWS = ROOT / "tests" / "golden" / "news"
FILE_2021 = NEWS / "2021-02-china-internet-users-hit-almost-1-billion.txt"
FILE_2025 = NEWS / "2025-01-china-boasts-1.1-billion-internet-users.txt"
FILES = (FILE_2021, FILE_2025)
D = datetime.date


def news_doc(text: str, name: str = "2024-08-sample.txt") -> Document:
    return parse_document(name, text.encode("utf-8"))


def facts_by_id(facts: list[NewsFact]) -> dict[str | None, list[NewsFact]]:
    found: dict[str | None, list[NewsFact]] = {}
    for item in facts:
        found.setdefault(item.fact.indicator_id, []).append(item)
    return found


@dataclasses.dataclass(frozen=True)
class GoldenFact:
    article_title: str
    indicator_id: str | None
    period_end: datetime.date
    value: float
    unit: str
    value_base: float
    qualifier: str | None
    period_resolved: bool


def read_golden(path: Path) -> list[GoldenFact]:
    assert path.exists(), f"missing golden file {path}"
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            GoldenFact(
                article_title=row["article_title"],
                indicator_id=row["indicator_id"] or None,
                period_end=D.fromisoformat(row["period_end"]),
                value=float(row["value"]),
                unit=row["unit"],
                value_base=float(row["value_base"]),
                qualifier=row["qualifier"] or None,
                period_resolved={"true": True, "false": False}[row["period_resolved"]],
            )
            for row in csv.DictReader(handle)
        ]


@pytest.fixture(scope="module")
def documents() -> dict[str, Document]:
    return {path.name: load_document(path) for path in FILES}


Results = tuple[list[Article], list[NewsFact]]


@pytest.fixture(scope="module")
def results(documents: dict[str, Document]) -> dict[str, Results]:
    return {name: extract_news_facts(doc) for name, doc in documents.items()}


# --------------------------------------------------------------------------------------------
# Articles and relevance
# --------------------------------------------------------------------------------------------


def test_articles_match_golden(documents: dict[str, Document]) -> None:
    with (GOLDEN_NEWS / "articles.csv").open(encoding="utf-8", newline="") as handle:
        golden = list(csv.DictReader(handle))
    found = [
        {
            "file": name,
            "title": article.title,
            "relevant": str(article.relevant).lower(),
            "published": article.published.isoformat() if article.published else "",
        }
        for name, doc in documents.items()
        for article in split_articles(doc)
    ]
    assert found == golden


def test_titles_after_their_bodies_close_the_articles(documents: dict[str, Document]) -> None:
    doc = documents[FILE_2025.name]
    articles = split_articles(doc)
    assert [(a.first_line, a.last_line) for a in articles] == [(1, 11), (12, 23)]
    for article in articles:  # the title is the article's last line
        assert doc.lines[article.last_line - 1] == article.title
    assert articles[0].title == "China boasts 1.1 billion internet users: report"
    assert articles[1].title == (
        "Iran-China-Russia coordination vital for addressing challenges: analyst"
    )


def test_title_before_its_body_and_page_furniture(documents: dict[str, Document]) -> None:
    doc = documents[FILE_2021.name]
    (article,) = split_articles(doc)
    assert article.title == "China’s internet users hit almost 1 billion"
    assert (article.first_line, article.last_line) == (1, 19)  # not "more recommended stories"
    assert article.published == D(2021, 2, 1)
    assert article.published_from == "file_name"


def test_article_ids_are_stable(documents: dict[str, Document]) -> None:
    for doc in documents.values():
        articles = split_articles(doc)
        assert [a.article_id for a in articles] == [
            f"{doc.sha256[:12]}-{n}" for n in range(1, len(articles) + 1)
        ]
        assert articles == split_articles(doc)


def test_unrelated_article_is_recorded_but_yields_no_figures(
    results: dict[str, Results],
) -> None:
    articles, facts = results[FILE_2025.name]
    unrelated = articles[1]
    assert unrelated.title is not None and unrelated.title.startswith("Iran-China-Russia")
    assert unrelated.relevant is False
    assert unrelated.reason == "no internet-statistics terms"
    assert articles[0].relevant is True
    assert "CNNIC" in articles[0].reason
    assert facts
    assert all(item.article_id == articles[0].article_id for item in facts)


def test_relevance_is_decided_by_content() -> None:
    en, zh = source_kind("news_en"), source_kind("news_zh")
    iran = FILE_2025.read_text(encoding="utf-8").split("\n")[11:23]
    assert relevance("\n".join(iran), en)[0] is False
    assert relevance("Internet users in the United States reached 300 million, with a "
                     "broadband penetration rate of 90 percent.", en) == (
        False,
        "internet-statistics terms (internet users, penetration rate, broadband) but not about "
        "China",
    )  # fmt: skip
    assert relevance("China's trade with Iran rose by 5G standards.", en) == (
        False,
        "1 internet-statistics topic(s) (5G), 2 needed",
    )
    assert relevance("China's internet users hit 1 billion, the CNNIC said.", en)[0] is True
    # Chinese: traditional characters read as simplified
    assert relevance("截至去年底，我國網民規模達10.92億人，互聯網普及率達77.5%。", zh) == (
        True,
        "about China's internet statistics: 网民, 普及率",
    )
    assert relevance("美国网民规模达3亿，普及率为90%。", zh)[1] == (
        "internet-statistics terms (网民, 普及率) but not about China"
    )


@pytest.mark.parametrize(
    ("relevance_record", "message"),
    [
        (
            {"place": "China", "topics": {"5G": "5G(", "web": "web"}},
            "relevance topic '5G': bad pattern",
        ),
        ({"topics": {"5G": "5G"}}, "relevance: no place pattern"),
        ({"place": "China", "topics": {}}, "relevance: topics must map a label to a pattern"),
        ({"place": "China", "topics": {"5G": "5G"}, "min_topics": 2}, "min_topics must be"),
        ({"place": "China", "topics": {"5G": "5G"}, "minimum": 1}, "unknown key 'minimum'"),
    ],
)
def test_a_bad_relevance_record_is_refused_in_one_line(
    relevance_record: dict[str, object], message: str
) -> None:
    """The topics are data (extractors/sources/news_*/source.yaml), validated when loaded."""
    path = "extractors/sources/news_en/source.yaml"
    with pytest.raises(GrammarError) as caught:
        build_relevance(relevance_record, "en", path)
    text = str(caught.value)
    assert text.startswith(path + ": relevance") and message in text and "\n" not in text


def test_wrapped_lines_are_not_titles() -> None:
    doc = news_doc(
        "China's netizens near 1.1 billion\n\n"
        "The number of internet users in China\n"
        "hit 1.1 billion by December 2024, up 16.08 million from the\n"
        "previous year, the CNNIC said. The internet penetration rate\n"
        "reached 78.6 percent.\n",
        name="2025-01-wrapped.txt",
    )
    articles, facts = extract_news_facts(doc)
    assert [(a.title, a.first_line, a.last_line) for a in articles] == [
        ("China's netizens near 1.1 billion", 1, 6)
    ]
    found = [(f.fact.indicator_id, f.fact.value, f.fact.period_end, f.fact.line) for f in facts]
    assert found == [
        ("internet_users", 1.1, D(2024, 12, 31), 4),
        ("internet_users_change", 16.08, D(2024, 12, 31), 4),
        ("internet_penetration_pct", 78.6, D(2024, 12, 31), 6),
    ]


@pytest.mark.parametrize(
    ("header", "name", "published"),
    [
        ("Updated: 2025-01-17 10:23\n\n", "news.txt", D(2025, 1, 17)),
        ("Published January 17, 2025\n\n", "2025-02-news.txt", D(2025, 1, 17)),
    ],
)
def test_published_date_printed_in_the_text(
    header: str, name: str, published: datetime.date
) -> None:
    doc = news_doc(
        "China's internet users top 1.1 billion\n"
        + header
        + 'By the end of last year, the number of ".cn" domain names had reached 20.82 '
        "million, the China Internet Network Information Center said.\n",
        name=name,
    )
    articles, facts = extract_news_facts(doc)
    assert (articles[0].published, articles[0].published_from) == (published, "text")
    assert articles[0].title == "China's internet users top 1.1 billion"
    (fact,) = facts
    assert (fact.fact.indicator_id, fact.fact.period_end, fact.period_resolved) == (
        "cn_domain_names",
        D(2024, 12, 31),
        True,
    )


def test_published_date_from_a_wire_dateline() -> None:
    doc = news_doc(
        "BEIJING, Jan. 17, 2025 (Xinhua) -- The number of internet users in China reached "
        "1.108 billion by the end of last year, the CNNIC said. The internet penetration rate "
        "stood at 78.6 percent.\nChina's netizens reach 1.108 billion\n",
        name="news.txt",
    )
    articles, facts = extract_news_facts(doc)
    assert (articles[0].published, articles[0].published_from) == (D(2025, 1, 17), "text")
    assert [(f.fact.value, f.fact.period_end, f.period_resolved) for f in facts] == [
        (1.108, D(2024, 12, 31), True),
        (78.6, D(2024, 12, 31), True),
    ]


# --------------------------------------------------------------------------------------------
# Golden facts
# --------------------------------------------------------------------------------------------

Key = tuple[str, str | None, datetime.date, float]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_golden_facts(path: Path, results: dict[str, Results]) -> None:
    golden = read_golden(GOLDEN_NEWS / f"{path.stem}.csv")
    articles, facts = results[path.name]
    titles = {a.article_id: a.title for a in articles}
    found: dict[Key, NewsFact] = {}
    for item in facts:
        fact = item.fact
        key = (titles[item.article_id] or "", fact.indicator_id, fact.period_end, fact.value)
        assert key not in found, f"repeated fact {key}"
        found[key] = item
    expected = {
        (row.article_title, row.indicator_id, row.period_end, row.value): row for row in golden
    }
    assert len(expected) == len(golden)
    missing = sorted(str(key) for key in expected.keys() - found.keys())
    extra = sorted(str(key) for key in found.keys() - expected.keys())
    assert not missing, f"golden facts not found: {missing}"
    assert not extra, f"unexpected facts: {extra}"
    for key, row in expected.items():
        item = found[key]
        assert item.fact.unit == row.unit, key
        assert item.fact.value_base == pytest.approx(row.value_base, rel=1e-12), key
        assert item.fact.qualifier == row.qualifier, key
        assert item.period_resolved == row.period_resolved, key


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_quotes_and_lines(
    path: Path,
    documents: dict[str, Document],
    results: dict[str, Results],
) -> None:
    lines = documents[path.name].lines
    for item in results[path.name][1]:
        fact = item.fact
        assert fact.page is None
        assert fact.line is not None
        assert fact.raw in fact.quote, fact
        assert fact.raw in " ".join(lines[fact.line - 1].split()), fact
        assert fact.quote in " ".join(lines[fact.line - 1].split()), fact


def test_lines_of_some_facts(results: dict[str, Results]) -> None:
    by_id = facts_by_id(results[FILE_2025.name][1])
    assert by_id["ai_companies"][0].fact.line == 9
    assert by_id["online_shopping_users"][0].fact.line == 7
    assert by_id["online_shopping_users"][0].fact.quote == (
        "The number of online payment users has surpassed 1 billion and the number of online "
        "shoppers stands at 974 million."
    )
    by_id = facts_by_id(results[FILE_2021.name][1])
    assert by_id["base_stations_5g"][0].fact.line == 15
    assert by_id["base_stations_5g"][0].fact.raw == "718,000"


def test_yuan_figures_carry_their_ids(results: dict[str, Results]) -> None:
    found = facts_by_id(results[FILE_2021.name][1])
    assert [(f.fact.raw, f.fact.value_base) for f in found["online_retail_sales_yuan"]] == [
        ("11.76 trillion yuan", 11.76e12)
    ]
    assert [(f.fact.raw, f.fact.value_base) for f in found["cross_border_ecommerce_yuan"]] == [
        ("1.69 trillion yuan", 1.69e12)
    ]
    assert "online retail sales" in found["online_retail_sales_yuan"][0].fact.quote
    assert None not in found


# --------------------------------------------------------------------------------------------
# Numbers, qualifiers, periods
# --------------------------------------------------------------------------------------------

FIGURES = [
    # text, value, unit, value_base (no base unit), qualifier, raw
    ("1.1 billion", 1.1, "billion", 1.1e9, None, "1.1 billion"),
    ("16.08 million from", 16.08, "million", 16_080_000, None, "16.08 million"),
    ("78.6 percent in 2024", 78.6, "%", 78.6, None, "78.6 percent"),
    ("73 per cent", 73, "%", 73, None, "73 per cent"),
    ("73percent", 73, "%", 73, None, "73percent"),
    ("65.6%", 65.6, "%", 65.6, None, "65.6%"),
    ("1.4 percentage points", 1.4, "pp", 1.4, None, "1.4 percentage points"),
    ("11.76 trillion yuan (about", 11.76, "trillion yuan", 11.76e12, None, "11.76 trillion yuan"),
    ("815,000 from", 815_000, "", 815_000, None, "815,000"),
    ("over 4,500 AI", 4500, "", 4500, "over", "4,500"),
    ("more than 718,000", 718_000, "", 718_000, "more than", "718,000"),
    ("almost 1 billion", 1, "billion", 1e9, "almost", "1 billion"),
    ("one billion", 1, "billion", 1e9, None, "one billion"),
    ("nearly a billion", 1, "billion", 1e9, "nearly", "a billion"),
    ("twenty million", 20, "million", 20e6, None, "twenty million"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "value", "unit", "value_base", "qualifier", "raw"), FIGURES)
def test_read_figure(
    text: str, value: float, unit: str, value_base: float, qualifier: str | None, raw: str
) -> None:
    figure: Figure = read_latin("en", text)
    assert figure.value == pytest.approx(value, rel=1e-12)
    assert figure.unit == unit
    assert figure.value_base == pytest.approx(value_base, rel=1e-12)
    assert figure.qualifier == qualifier
    assert figure.raw == raw


def test_number_forms_in_sentences() -> None:
    doc = news_doc(
        "China's internet penetration keeps rising\n\n"
        "Internet penetration in China stood at 73 per cent as of June, up 1.4 percentage points "
        "from a year earlier, the CNNIC said. The number of netizens in the country reached one "
        "billion. The country's online shoppers totaled 905 million.\n"
    )
    _, facts = extract_news_facts(doc)
    found = [
        (f.fact.indicator_id, f.fact.value, f.fact.unit, f.fact.value_base, f.fact.raw)
        for f in facts
    ]
    assert found == [
        ("internet_penetration_pct", 73, "%", 73, "73 per cent"),
        ("internet_penetration_change_pp", 1.4, "pp", 1.4, "1.4 percentage points"),
        ("internet_users", 1, "billion", 1e9, "one billion"),
        ("online_shopping_users", 905, "million", 905e6, "905 million"),
    ]
    assert {f.fact.period_end for f in facts} == {D(2024, 6, 30)}
    assert all(f.period_resolved for f in facts)


def test_number_split_across_lines() -> None:
    text = FILE_2021.read_text(encoding="utf-8").replace(
        "totaled 342 million", "totaled 24.\n\n8 million"
    )
    doc = news_doc(text, name=FILE_2021.name)
    _, facts = extract_news_facts(doc)
    by_id = facts_by_id(facts)
    (users,) = by_id["online_education_users"]
    assert (users.fact.value, users.fact.unit, users.fact.value_base) == (24.8, "million", 24.8e6)
    assert users.fact.raw == "24.8 million"
    assert users.fact.line == 5
    assert "e-learning users totaled 24.8 million, accounting for 34.6 percent" in users.fact.quote
    assert by_id["online_education_share_pct"][0].fact.line == 7
    assert by_id["base_stations_5g"][0].fact.line == 17  # two lines further down
    assert len(facts) == 11


def test_other_wordings_and_a_period_carried_across_paragraphs() -> None:
    doc = news_doc(
        "China's netizens top 1.09 billion\n\n"
        "China's internet users reached 1.09967 billion as of June 2024, the CNNIC said "
        "Thursday, with an internet penetration rate of 78 percent.\n\n"
        "China had 1.09 billion internet users. The country's netizen population grew by 7.42 "
        "million. 5G base stations in China totaled 3.917 million by the end of June.\n\n"
        "The number of internet users in rural areas reached 304 million. Urban netizens "
        "numbered 795 million.\n"
    )
    _, facts = extract_news_facts(doc)
    found = [
        (f.fact.indicator_id, f.fact.value, f.fact.period_end, f.period_resolved, f.fact.line)
        for f in facts
    ]
    assert found == [
        ("internet_users", 1.09967, D(2024, 6, 30), True, 3),
        ("internet_penetration_pct", 78, D(2024, 6, 30), True, 3),
        # dated only by an earlier paragraph: its date is the guess, flagged
        ("internet_users", 1.09, D(2024, 6, 30), False, 5),
        ("internet_users_change", 7.42, D(2024, 6, 30), False, 5),
        ("base_stations_5g", 3.917, D(2024, 6, 30), True, 5),  # June of the article's year
        ("rural_internet_users", 304, D(2024, 6, 30), False, 7),
        ("urban_internet_users", 795, D(2024, 6, 30), False, 7),
    ]


def test_dateline_after_a_trailing_title_belongs_to_its_article() -> None:
    doc = news_doc(
        "By the end of last year, China had nearly one billion netizens, the CNNIC said. "
        "Online payment users numbered 911 million.\n"
        "The digital divide narrows, CNNIC says\n"
        "Updated: 2023-03-02 16:40\n",
        name="news.txt",
    )
    (article,), facts = extract_news_facts(doc)
    assert (article.title, article.published, article.first_line, article.last_line) == (
        "The digital divide narrows, CNNIC says",
        D(2023, 3, 2),
        1,
        3,
    )
    assert [(f.fact.indicator_id, f.fact.raw, f.fact.qualifier) for f in facts] == [
        ("internet_users", "one billion", "nearly"),
        ("online_payment_users", "911 million", None),
    ]
    assert {(f.fact.period_end, f.period_resolved) for f in facts} == {(D(2022, 12, 31), True)}


def test_sentence_end_before_a_number_is_not_joined() -> None:
    doc = news_doc(
        "China's 5G network grows\n\n"
        "China had built 3.9 million 5G base stations by the end of 2024.\n\n"
        "30 million users joined the internet, the CNNIC said.\n"
    )
    _, facts = extract_news_facts(doc)
    assert [(f.fact.value, f.fact.period_end) for f in facts] == [(3.9, D(2024, 12, 31))]


QUALIFIED = [
    ("the number of internet users in China had surpassed 1.09 billion", "over"),
    ("the number of online shoppers stands at nearly 905 million", "nearly"),
    ("China had built more than 3.9 million 5G base stations", "more than"),
    ("the number of online payment users had reached almost 969 million", "almost"),
    ("the number of AI companies exceeded 4,500", "over"),
    ("the number of e-learning users neared 300 million", "nearly"),
    ("the number of internet users in China topped 1.1 billion", "over"),
    ("the number of internet users in China hit over 1.1 billion", "over"),
    ("the number of internet users in China reached 1.1 billion", None),
]


@pytest.mark.parametrize(("sentence", "qualifier"), QUALIFIED)
def test_qualifiers(sentence: str, qualifier: str | None) -> None:
    doc = news_doc(f"China's internet in numbers\n\nBy June 2024, {sentence}, CNNIC said.\n")
    _, facts = extract_news_facts(doc)
    (fact,) = facts
    assert fact.fact.qualifier == qualifier
    assert fact.fact.period_end == D(2024, 6, 30)


@pytest.mark.parametrize(
    ("name", "period_end", "resolved"),
    [
        ("2024-08-news.txt", D(2024, 6, 30), True),
        ("2025-01-news.txt", D(2024, 6, 30), True),  # the June before the article
        ("2024-03-news.txt", D(2023, 6, 30), True),
        ("news.txt", datetime.date.min, False),  # no date anywhere: nothing to guess from
    ],
)
def test_month_without_year(name: str, period_end: datetime.date, resolved: bool) -> None:
    doc = news_doc(
        "As of June, the number of internet users in China reached 1.1 billion, the CNNIC "
        "said.\nChina's internet users top 1.1 billion\n",
        name=name,
    )
    _, (fact,) = extract_news_facts(doc)
    assert (fact.fact.period_end, fact.period_resolved) == (period_end, resolved)


def test_last_year_resolved_from_the_article_date(
    results: dict[str, Results],
) -> None:
    by_id = facts_by_id(results[FILE_2021.name][1])
    (users,) = by_id["internet_users"]
    assert "by the end of last year" in users.fact.quote
    assert (users.fact.period_end, users.period_resolved) == (D(2020, 12, 31), True)


def test_last_year_unresolved_without_an_article_date() -> None:
    data = FILE_2021.read_bytes()
    doc = parse_document("news/china-internet-users.txt", data)
    (article,) = split_articles(doc)
    assert article.published is None and article.published_from is None
    _, facts = extract_news_facts(doc)
    by_id = facts_by_id(facts)
    # "last year": guessed from the latest period the article prints (December 2020), flagged
    for indicator in ("internet_users", "internet_users_change", "internet_penetration_pct"):
        (item,) = by_id[indicator]
        assert (item.fact.period_end, item.period_resolved) == (D(2020, 12, 31), False)
    # periods printed with their year need no article date
    assert by_id["online_education_users"][0].period_resolved is True
    assert by_id["base_stations_5g"][0].period_resolved is True
    assert sum(not item.period_resolved for item in facts) == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hit 1.1 billion by December 2024, up 16.08 million from the previous year", ["by"]),
        ("an increase of 85.4 million from March 2020", []),
        ("by the end of last year, an increase from December 2019", ["by"]),
        ("reached 78.6 percent in 2024, 30 years after", ["in"]),
        ("rose from 32.5 percent in December 2023 to", []),
        ("Last year, China had", ["Last"]),
        ("In the first half of 2025, the", ["In"]),
        ("the data released on Jan. 26 show", []),
        ("the 2015 nuclear agreement", []),
    ],
)
def test_period_phrases(text: str, expected: list[str]) -> None:
    assert [text[p.start : p.end].split()[0] for p in period_phrases(text)] == expected


# --------------------------------------------------------------------------------------------
# Generality: an edited copy (numbers and dates changed, articles swapped)
# --------------------------------------------------------------------------------------------

EDITS = (
    ("hit 1.1 billion by December 2024, up 16.08 million", "hit 1.23 billion by June 2025, up "
     "21.5 million"),
    ("reached 78.6 percent in 2024", "reached 80.1 per cent in the first half of 2025"),
    ("As of November 2024, China had established 4.191 million 5G base stations, with a net "
     "increase of 815,000", "As of May 2025, China had established 4.6 million 5G base stations, "
     "with a net increase of 409,000"),
    ("By December 2024, the number of \".cn\" domain names had reached 20.82 million",
     "By June 2025, the number of \".cn\" domain names had reached 21.3 million"),
    ("As of December 2024, the internet penetration rate reached 65.6 percent in rural areas, "
     "while 52.5 percent", "As of June 2025, the internet penetration rate reached 67.4% in rural "
     "areas, while 55 percent"),
    ("has surpassed 1 billion", "has topped 1.05 billion"),
    ("stands at 974 million", "stands at almost 990 million"),
    ("In November 2024", "In May 2025"),
    ("reached 309, with over 4,500 AI", "reached 412, with more than 5,200 AI"),
    ("China boasts 1.1 billion internet users", "China boasts 1.23 billion internet users"),
)  # fmt: skip
EDITED_FACTS = [
    # indicator, period_end, value, unit, value_base, qualifier, line (after the swap)
    ("internet_users", D(2025, 6, 30), 1.23, "billion", 1.23e9, None, 13),
    ("internet_users_change", D(2025, 6, 30), 21.5, "million", 21.5e6, None, 13),
    ("internet_penetration_pct", D(2025, 6, 30), 80.1, "%", 80.1, None, 14),
    ("base_stations_5g", D(2025, 5, 31), 4.6, "million", 4.6e6, None, 16),
    ("base_stations_5g_change", D(2025, 5, 31), 409_000, "", 409_000, None, 16),
    ("cn_domain_names", D(2025, 6, 30), 21.3, "million", 21.3e6, None, 17),
    ("rural_penetration_pct", D(2025, 6, 30), 67.4, "%", 67.4, None, 19),
    ("age_60_plus_penetration_pct", D(2025, 6, 30), 55, "%", 55, None, 19),
    ("online_payment_users", D(2025, 6, 30), 1.05, "billion", 1.05e9, "over", 19),
    ("online_shopping_users", D(2025, 6, 30), 990, "million", 990e6, "almost", 19),
    ("generative_ai_products", D(2025, 5, 31), 412, "", 412, None, 21),
    ("ai_companies", D(2025, 5, 31), 5200, "", 5200, "more than", 21),
]  # fmt: skip


def test_generality_on_an_edited_copy() -> None:
    text = FILE_2025.read_text(encoding="utf-8")
    for old, new in EDITS:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    lines = text.split("\n")
    swapped = "\n".join(lines[11:] + lines[:11])
    doc = news_doc(swapped, name="2025-08-edited-copy.txt")
    articles, facts = extract_news_facts(doc)
    assert [(a.title, a.relevant, a.first_line, a.last_line) for a in articles] == [
        ("Iran-China-Russia coordination vital for addressing challenges: analyst", False, 1, 12),
        ("China boasts 1.23 billion internet users: report", True, 13, 23),
    ]
    assert all(a.published == D(2025, 8, 1) for a in articles)
    found = [
        (
            f.fact.indicator_id,
            f.fact.period_end,
            f.fact.value,
            f.fact.unit,
            f.fact.value_base,
            f.fact.qualifier,
            f.fact.line,
        )
        for f in facts
    ]
    assert found == EDITED_FACTS
    assert all(f.period_resolved and f.article_id == articles[1].article_id for f in facts)


# --------------------------------------------------------------------------------------------
# Rules and vocabulary
# --------------------------------------------------------------------------------------------


def test_rules_are_declarative_and_name_known_ids() -> None:
    units = base_units()
    for rule in source_kind("news_en").rules:
        assert not re.search(r"20\d\d|\d+\.\d+", rule.pattern), rule.id
        assert rule.regex.groupindex, rule.id
        for group, template, _ in rule.slots:
            assert group in rule.regex.groupindex, (rule.id, group)
            if template and "{" not in template:  # "" claims a figure and names no id
                assert template in units, template


def test_golden_ids_are_in_the_vocabulary() -> None:
    units = base_units()
    for path in FILES:
        for row in read_golden(GOLDEN_NEWS / f"{path.stem}.csv"):
            if row.indicator_id is None:
                assert row.unit.endswith("yuan")
                continue
            assert row.indicator_id in units, row.indicator_id
            if row.unit == "%":
                assert units[row.indicator_id] == "percent", row.indicator_id
