"""The figure engine and its data: number grammars, the edition calendar, rule loading and the
examples every rule carries, recognition by document structure, sources without figures."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import yaml

from extractors.document import parse_document
from extractors.edition import edition_cutoff, edition_of
from extractors.figures.engine import Dating, read_prose
from extractors.figures.grammar import GrammarError, grammar, lexicon_from_text
from extractors.figures.literals import required_words
from extractors.figures.numbers import find_han, read_latin
from extractors.figures.rules import build_rule, kind_from_data
from extractors.figures.text import Prose, normalise_with_offsets, sentences
from extractors.kinds import all_kinds, kind_names, source_kind
from extractors.recognise import recognise
from extractors.vocabulary import base_units
from tests.extraction import validate_document

D = datetime.date


# --- the edition calendar -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("edition", "cutoff"),
    [
        (54, D(2024, 6, 30)),
        (53, D(2023, 12, 31)),
        (20, D(2007, 6, 30)),
        (21, D(2007, 12, 31)),
        (44, D(2019, 6, 30)),
        (45, D(2020, 3, 31)),  # off-cycle: the pandemic-delayed 45th
        (46, D(2020, 6, 30)),
        (57, D(2025, 12, 31)),
    ],
)
def test_edition_number_gives_its_cutoff_and_back(edition: int, cutoff: datetime.date) -> None:
    assert edition_cutoff(edition) == cutoff
    assert edition_of(cutoff) == edition


def test_a_date_that_is_no_cutoff_names_no_edition() -> None:
    assert edition_of(D(2024, 3, 31)) is None
    assert edition_of(D(2019, 12, 31)) is None  # the 45th is off-cycle (2020-03-31)


# --- number grammars ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "unit", "value_base", "qualifier"),
    [
        ("253 mln", 253, "million", 253e6, None),
        ("1.1 bln", 1.1, "billion", 1.1e9, None),
        ("338m internet users", 338, "million", 338e6, None),
        ("1,011 million", 1011, "million", 1011e6, None),
        ("half a billion", 0.5, "billion", 5e8, None),
        ("nine hundred million", 900, "million", 9e8, None),
        ("25.5 per cent", 25.5, "%", 25.5, None),
        ("Some 320m", 320, "million", 320e6, "about"),
        ("63,052 blocks (/32)", 63052, "blocks/32", 63052, None),
    ],
)
def test_english_figures(
    text: str, value: float, unit: str, value_base: float, qualifier: str | None
) -> None:
    figure = read_latin("en", text)
    assert (figure.value, figure.unit, figure.qualifier) == (value, unit, qualifier)
    assert figure.value_base == pytest.approx(value_base)


@pytest.mark.parametrize(
    ("printed", "value", "unit", "value_base"),
    [
        ("网民规模达10.92亿人", 10.92, "亿人", 1.092e9),
        ("網民規模達１０．９２億人", 10.92, "亿人", 1.092e9),  # traditional, full-width
        ("网民约九百一十八万人", 918, "万人", 9.18e6),
        ("网民达一点一八亿", 1.18, "亿", 1.18e8),
        ("普及率为百分之十二点三", 12.3, "%", 12.3),
        ("IPv6地址数量为68042块/32", 68042, "块/32", 68042),
    ],
)
def test_chinese_figures(printed: str, value: float, unit: str, value_base: float) -> None:
    text, _ = normalise_with_offsets(printed)
    (figure,) = [f for f in find_han(text, numerals=True) if f.is_quantity]
    assert (figure.value, figure.unit) == (value, unit)
    assert figure.value_base == pytest.approx(value_base)


def test_chinese_numeral_dates_read_as_digits_and_keep_their_print() -> None:
    norm, origin = normalise_with_offsets("截至二〇〇七年六月三十日，")
    assert norm == "截至2007年6月30日,"
    assert origin[norm.index("2007")] == 2


# --- the subject lexicon: one indicator, many names -------------------------------------


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("en", "By June 2024, China's netizens reached 1.1 billion."),
        ("en", "By June 2024, the online population reached 1.1 billion."),
        ("en", "By June 2024, China's internet users reached 1.1 billion."),
        ("zh", "截至2024年6月，我国网民规模达11亿人。"),
        ("zh", "截至2024年6月，我國網民規模達11億人。"),
        ("zh", "截至2024年6月，全国上网人数达11亿人。"),
    ],
)
def test_synonyms_name_one_indicator(lang: str, sentence: str) -> None:
    kind = source_kind("news_en" if lang == "en" else "cnnic_zh")
    prose = Prose(sentence, (0,), ((None, 1),), lang=lang)
    found = read_prose(prose, sentences(prose), kind, Dating(default=D(2024, 6, 30)), base_units())
    assert [m.fact.indicator_id for m in found] == ["internet_users"]
    assert found[0].fact.period_end == D(2024, 6, 30)


# --- rules are data: every kind loads, every example holds, bad records are refused ---------


def test_every_source_kind_loads_in_a_declared_order() -> None:
    kinds = all_kinds()
    assert {k.kind for k in kinds} == set(kind_names())
    assert {"cnnic_en", "cnnic_zh", "isc_zh", "news_en", "news_zh", "excerpt_en", "excerpt_zh"} <= {
        k.kind for k in kinds
    }
    orders = [k.order for k in kinds]
    assert orders == sorted(orders) and len(set(orders)) == len(orders)


EXAMPLES = [
    (kind.kind, rule.id, example)
    for kind in all_kinds()
    for rule in kind.rules
    for example in rule.examples
]


@pytest.mark.parametrize(
    ("kind_name", "rule_id", "example"), EXAMPLES, ids=[f"{k}:{r}" for k, r, _ in EXAMPLES]
)
def test_rule_examples(kind_name: str, rule_id: str, example: object) -> None:
    kind = source_kind(kind_name)
    text = example.text  # type: ignore[attr-defined]
    prose = Prose(text, (0,), ((None, 1),), lang=kind.lang)
    found = read_prose(prose, sentences(prose), kind, Dating(default=D(2024, 6, 30)), base_units())
    got = [(m.fact.indicator_id, m.fact.value, m.fact.unit) for m in found if m.fact.indicator_id]
    # the facts in any order: a kind that does not sort reads its rules' figures in rule order
    expected = [tuple(f) for f in example.facts]  # type: ignore[attr-defined]
    assert sorted(got, key=repr) == sorted(expected, key=repr)


def test_examples_exist_for_the_new_kinds() -> None:
    assert sum(1 for k, _, _ in EXAMPLES if k == "cnnic_zh") >= 4


def _kind_with(record: dict[str, object]) -> str:
    base = yaml.safe_load(
        "kind: t\nlang: zh\nreader: zh_text\nperiod: before\nfragments: {VERB: '(?:达)?'}"
    )
    try:
        kind_from_data(base, {"rules": [record]}, "t/source.yaml", "t/rules.yaml", base_units())
    except GrammarError as exc:
        return str(exc)
    return ""


LEAD = "(?P<v>{LEAD})"
BAD_RECORDS = [
    ({"id": "r1", "pattern": "网民" + LEAD, "slots": {"v": "netizens"}}, "unknown indicator id"),
    ({"id": "r2", "pattern": "网民{NOPE}" + LEAD, "slots": {"v": "internet_users"}}, "{NOPE}"),
    ({"id": "r3", "pattern": "(?P<v>{LEAD}", "slots": {"v": "internet_users"}}, "bad pattern"),
    ({"id": "r4", "pattern": "{=wangmin}" + LEAD, "slots": {"v": "internet_users"}}, "{=wangmin}"),
    ({"id": "r5", "pattern": LEAD, "slots": {"w": "internet_users"}}, "slot 'w' is not a group"),
    ({"id": "r6", "type": "guess", "pattern": "x"}, "unknown rule type"),
    ({"id": "r7", "pattern": "x", "colour": 1}, "unknown key 'colour'"),
]


@pytest.mark.parametrize(("record", "message"), BAD_RECORDS)
def test_bad_rule_records_are_refused_in_one_line(record: dict[str, object], message: str) -> None:
    error = _kind_with(record)
    assert message in error
    assert error.startswith(f"t/rules.yaml: rule {record['id']}") and "\n" not in error


def test_lexicon_keys_must_be_vocabulary_ids() -> None:
    with pytest.raises(GrammarError, match=r"lexicon\.yaml: zh\.wangmin is not a vocabulary id"):
        lexicon_from_text("zh:\n  wangmin: ['网民']\n", "lexicon.yaml", "zh", frozenset({"x"}))


def test_build_rule_reads_its_choices() -> None:
    kind = source_kind("cnnic_zh")
    record = {
        "id": "apps",
        "pattern": "(?:{app})用户规模{VERB}(?P<v>{FIG})",
        "choices": {"app": [["weibo", "微博"]]},
        "slots": {"v": "{app}_users"},
    }
    rule = build_rule(record, kind, "x.yaml", base_units())
    assert rule.regex.search("微博用户规模达2.5亿").group("app__weibo") == "微博"  # type: ignore[union-attr]


def test_grammars_are_data() -> None:
    assert grammar("en").multipliers["mln"] == ("million", 10**6)
    assert grammar("zh").multipliers["亿"] == ("亿", 10**8)


# --- recognition by structure ---------------------------------------------------------------


ARTICLE_EN = (
    "The 53rd Statistical Report on China's Internet Development is out\n\n"
    "BEIJING, March 22, 2024 (Xinhua) -- China had 1.092 billion internet users by December "
    "2023, according to the 53rd Statistical Report on China's Internet Development released by "
    "the China Internet Network Information Center (CNNIC) on Friday. The internet penetration "
    "rate reached 77.5 percent, the report said, adding that the country's online population "
    "grew steadily over the year as more rural residents and seniors went online.\n"
)
ARTICLE_ZH = (
    "第53次《中国互联网络发展状况统计报告》发布\n\n"
    "新华社北京3月22日电 中国互联网络信息中心22日发布第53次《中国互联网络发展状况统计报告》。"
    "报告显示，截至2023年12月，我国网民规模达10.92亿人，互联网普及率达77.5%。"
    "报告指出，我国网民规模持续增长，农村地区和老年群体上网的人数不断增加，数字鸿沟进一步缩小。\n"
)


def test_a_news_article_naming_the_report_is_news_not_the_report() -> None:
    for name, text, lang in (("a.txt", ARTICLE_EN, "en"), ("b.txt", ARTICLE_ZH, "zh")):
        edition = recognise(parse_document(name, text.encode("utf-8")))
        assert (edition.kind, edition.lang, edition.edition) == ("news", lang, None)


def test_a_chinese_article_gets_its_figures_with_the_named_edition() -> None:
    doc = parse_document("b.txt", ARTICLE_ZH.encode("utf-8"))
    validated = validate_document(doc)["indicators"]
    assert validated.ok
    rows = validated.frame.set_index("indicator_id")
    assert rows.loc["internet_users", "value"] == 10.92
    assert rows.loc["internet_users", "period_end"] == datetime.datetime(2023, 12, 31)
    assert rows.loc["internet_penetration_pct", "value"] == 77.5


def test_an_english_article_with_no_figure_validates_with_no_indicator_row() -> None:
    text = (
        "China Daily technology desk\n\nBeijing hosted a conference on the digital economy and "
        "internet development. Officials from China discussed broadband policy, 5G rollout "
        "plans and online services in general terms, without giving statistics about users, "
        "penetration or base stations. Speakers praised the internet industry and e-commerce.\n"
    )
    validated = validate_document(parse_document("2024-08-none.txt", text.encode()))
    assert validated["indicators"].ok and validated["indicators"].frame.empty
    assert validated["news_articles"].ok and len(validated["news_articles"].frame) == 1


def test_a_figure_of_another_body_keeps_its_publisher() -> None:
    text = ARTICLE_EN + (
        "\nSeparately, the Ministry of Industry and Information Technology (MIIT) said the "
        "number of 5G base stations reached 3.38 million by the end of 2023.\n"
    )
    doc = parse_document("c.txt", text.encode("utf-8"))
    edition = recognise(doc)
    from extractors.readers.news import news_facts

    facts = {f.indicator_id: f for f in news_facts(doc, edition)}
    assert facts["internet_users"].publisher == "CNNIC" and facts["internet_users"].edition == 53
    stations = facts["base_stations_5g"]
    assert stations.publisher == "MIIT" and stations.edition is None


@pytest.mark.parametrize(
    ("pattern", "flags", "expected"),
    [
        # the two most selective of: literal runs, required repeats, alternations of literals;
        # optional parts add none
        (r"number\s+of\s+(?:users|netizens)+(?:\s+in\s+china)?", 0, {"number", "netizens|users"}),
        (r"(?:网络视频|短视频)(?:的)?用户", 0, {"网络视频|短视频", "用户"}),
        (r"(?i:CNNIC)\b", 0, {"cnnic"}),
        (r"\d+%|\d+\s+percent", 0, {"percent|%"}),  # every branch has a word
        (r"\d+%|\d+", 0, set()),  # one branch needs no word: nothing required
    ],
)
def test_a_pattern_gives_the_words_it_cannot_match_without(
    pattern: str, flags: int, expected: set[str]
) -> None:
    found = {
        "|".join(sorted(words, key=lambda w: (-len(w), w)))
        for words in required_words(pattern, flags)
    }
    assert found == expected


def test_the_word_pre_check_never_skips_a_sentence_a_rule_matches() -> None:
    """Every rule of every kind over every line of the corpus and every example: where the
    pattern matches, the words it needs are in the text (the pre-check is sound)."""
    texts = [
        example.text for kind in all_kinds() for rule in kind.rules for example in rule.examples
    ]
    for path in sorted((Path(__file__).parent / "corpus").rglob("*.txt")):
        texts += normalise_with_offsets(path.read_text(encoding="utf-8"))[0].splitlines()
    matched = 0
    for kind in all_kinds():
        for rule in kind.rules:
            for text in texts:
                if rule.regex.search(text) is None:
                    continue
                matched += 1
                folded = text.casefold()
                assert all(any(w in folded for w in words) for words in rule.needs), (
                    kind.kind,
                    rule.id,
                    text,
                )
    assert matched > 300
