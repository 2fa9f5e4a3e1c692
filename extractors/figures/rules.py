"""Rules as records: one folder per source kind under ``extractors/sources/<kind>/``.

``source.yaml`` says what the kind is (language, reader, period strategy, options, grammar
fragments, how it is recognised) and ``rules.yaml`` lists its rules. Rule types (a closed set):

- ``slots``: a pattern whose named groups are figures; ``slots`` maps a group to an indicator id
  (or ``[id, id of the change printed right after it]``; ``''`` claims the figure and names no
  id). Ids may be templates: ``{area}`` is filled from the group ``area`` of the match,
  ``{app}`` from the rule's ``choices``.
- ``subject``: the words of a subject; the figure follows after the fragment ``{VERB}``.
- ``list``: subjects in group ``names``, figures in group ``values`` ("… respectively", 分别为),
  ``items`` map a subject to an id, matched in printed order; with ``shared`` every subject
  takes the one printed value ("A和B的占比均为71.0%").
- ``ratio``: group ``ratio`` is a:b, stored as two shares in percent.

Optional per rule: ``anchors`` (words one of which the sentence must contain), ``requires``
(a regex the sentence window must match), ``topic`` (words the window must contain),
``context`` (sentences in the window, default 1), ``earlier`` (slot groups holding the earlier
value of a change, "由A升至B": dated by a date printed with it, else the end of the year before
the later value's period), ``examples`` (sentences with the facts they
must give; a parametrised test runs every one), ``unmatched`` (the rule names no indicator: its
figures surface with indicator_id None).

Loading validates every record: an unknown indicator id, an unknown grammar fragment, a bad
regex, an unknown key → ``GrammarError`` naming the file and the rule, in one line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from extractors.figures.grammar import Grammar, GrammarError, grammar
from extractors.figures.literals import required_words

RULE_TYPES = ("slots", "subject", "list", "ratio")
READERS = ("report_body", "isc_report", "news_articles", "zh_text")
PERIODS = ("report", "article", "before")
UNMATCHED = ("none", "rule", "statements")
RULE_KEYS = frozenset(
    {"id", "type", "pattern", "slots", "items", "anchors", "requires", "topic", "context"}
    | {"choices", "examples", "unmatched", "earlier", "shared"}
)
KIND_KEYS = frozenset(
    {"kind", "lang", "reader", "period", "unmatched", "changes_after", "numerals", "order"}
    | {"fragments", "recognise", "publisher", "other_publishers", "description", "rules_from"}
    | {"sort", "verb_qualifiers", "cites", "doc_kind", "disclaims", "relevance"}
)
RELEVANCE_KEYS = frozenset({"min_topics", "place", "topics"})
CHOICE_RE = re.compile(r"\{([a-z][a-z_0-9]*)\}")
TEMPLATE_RE = re.compile(r"\{([a-z][a-z_0-9]*)\}")


@dataclass(frozen=True)
class Example:
    text: str
    facts: tuple[tuple[str | None, float, str], ...]  # (indicator_id, value, unit)


@dataclass(frozen=True)
class Rule:
    """One validated rule record (see the module docstring)."""

    id: str
    type: str
    regex: re.Pattern[str]
    slots: tuple[tuple[str, str, str | None], ...] = ()
    items: tuple[tuple[re.Pattern[str], str], ...] = ()
    anchors: tuple[str, ...] = ()
    requires: re.Pattern[str] | None = None
    topic: tuple[str, ...] = ()
    context: int = 1
    unmatched: bool = False
    examples: tuple[Example, ...] = ()
    where: str = ""
    pattern: str = ""  # the record's pattern as written (fragments not expanded)
    # sets of words the pattern cannot match without, one of each (case-folded; derived from
    # the pattern, see extractors.figures.literals)
    needs: tuple[frozenset[str], ...] = ()
    earlier: tuple[str, ...] = ()  # groups holding the earlier value of a printed change
    shared: bool = False  # a list rule whose subjects share one printed value (均为)


@dataclass(frozen=True)
class CardRule:
    """A KPI card named by its whole label (NFKC, no spaces)."""

    label: re.Pattern[str]
    indicator: str
    yoy: str | None


@dataclass(frozen=True)
class Relevance:
    """When an article is about China's internet statistics: it matches ``place`` and at least
    ``min_topics`` different ``topics`` (label, pattern)."""

    place: re.Pattern[str]
    topics: tuple[tuple[str, re.Pattern[str]], ...]
    min_topics: int = 2


@dataclass(frozen=True)
class SourceKind:
    """A source kind: its options and rules (from its data folder)."""

    kind: str
    lang: str
    doc_kind: str  # what recognition calls it (Edition.kind): cnnic, isc, news, excerpt
    reader: str
    period: str
    unmatched: str
    order: int
    rules: tuple[Rule, ...]
    cards: tuple[CardRule, ...] = ()
    changes_after: bool = False
    numerals: bool = False
    sort: bool = False
    verb_qualifiers: bool = True
    publisher: str = "CNNIC"
    other_publishers: Mapping[str, str] = field(default_factory=dict)
    cites: str | None = None  # a regex an article must match for its figures to count
    disclaims: str | None = None  # a regex: the article says its figures are not CNNIC's
    recognise: Mapping[str, Any] = field(default_factory=dict)
    fragments: Mapping[str, str] = field(default_factory=dict)
    description: str = ""
    relevance: Relevance | None = None  # news: which articles are about the subject

    @property
    def grammar(self) -> Grammar:
        return grammar(self.lang)

    def expand(self, pattern: str, where: str) -> str:
        return self.grammar.expand(pattern, where, self.fragments)


def _compile(pattern: str, flags: int, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise GrammarError(f"{where}: bad pattern ({exc})") from exc


def _ids(
    template: str, where: str, choices: Mapping[str, list[str]], units: Mapping[str, str]
) -> None:
    """An id must be in the vocabulary; a template must give known ids for every choice."""
    if not template:
        return
    names = TEMPLATE_RE.findall(template)
    if not names:
        if template not in units:
            raise GrammarError(f"{where}: unknown indicator id {template!r}")
        return
    chosen = [name for name in names if name in choices]
    if len(chosen) == len(names):
        for key in choices[chosen[0]]:
            filled = template.replace("{" + chosen[0] + "}", key)
            _ids(filled, where, {k: v for k, v in choices.items() if k != chosen[0]}, units)


def _slots(raw: Any, where: str) -> tuple[tuple[str, str, str | None], ...]:
    if not isinstance(raw, dict) or not raw:
        raise GrammarError(f"{where}: slots must map a group to an id")
    found = []
    for group, value in raw.items():
        if isinstance(value, list):
            if len(value) != 2:
                raise GrammarError(f"{where}: slot {group} must be an id or [id, change id]")
            found.append((str(group), str(value[0] or ""), str(value[1]) if value[1] else None))
        else:
            found.append((str(group), str(value or ""), None))
    return tuple(found)


def _choice_alternation(name: str, options: Any, where: str) -> tuple[str, list[str]]:
    if not isinstance(options, list) or not options:
        raise GrammarError(f"{where}: choices.{name} must be a list of [key, pattern]")
    parts, keys = [], []
    for option in options:
        if not (isinstance(option, list) and len(option) == 2):
            raise GrammarError(f"{where}: choices.{name} entries are [key, pattern]")
        key, regex = str(option[0]), str(option[1])
        keys.append(key)
        parts.append(f"(?P<{name}__{key}>{regex})")
    return "(?:" + "|".join(parts) + ")", keys


def build_rule(record: Any, kind: SourceKind, path: str, units: Mapping[str, str]) -> Rule:
    """One rule record → a Rule (validated)."""
    if not isinstance(record, dict) or "id" not in record:
        raise GrammarError(f"{path}: every rule is a mapping with an id")
    where = f"{path}: rule {record['id']}"
    unknown = sorted(set(record) - RULE_KEYS)
    if unknown:
        raise GrammarError(f"{where}: unknown key {unknown[0]!r}")
    rule_type = str(record.get("type", "slots"))
    if rule_type not in RULE_TYPES:
        raise GrammarError(f"{where}: unknown rule type {rule_type!r}")
    flags = re.IGNORECASE if kind.lang == "en" else 0
    pattern = str(record.get("pattern", ""))
    if not pattern:
        raise GrammarError(f"{where}: no pattern")
    choices: dict[str, list[str]] = {}
    for name, options in (record.get("choices") or {}).items():
        alternation, keys = _choice_alternation(str(name), options, where)
        choices[str(name)] = keys
        pattern = pattern.replace("{" + str(name) + "}", alternation)
    leftover = [n for n in CHOICE_RE.findall(pattern) if not n.isdigit()]
    if leftover:
        raise GrammarError(f"{where}: unknown choice {{{leftover[0]}}}")
    expanded = kind.expand(pattern, where)
    regex = _compile(expanded, flags, where)
    needs = required_words(expanded, flags)
    unmatched = bool(record.get("unmatched", False))
    slots: tuple[tuple[str, str, str | None], ...] = ()
    items: tuple[tuple[re.Pattern[str], str], ...] = ()
    if rule_type in ("slots", "subject", "ratio"):
        slots = _slots(record.get("slots"), where)
        if rule_type == "ratio" and (len(slots) != 1 or slots[0][2] is None):
            raise GrammarError(f"{where}: a ratio rule has one slot [first id, second id]")
        for group, _, _ in slots:
            if rule_type != "subject" and group not in regex.groupindex:
                raise GrammarError(f"{where}: slot {group!r} is not a group of the pattern")
    else:
        raw_items = record.get("items")
        if not isinstance(raw_items, list) or not raw_items:
            raise GrammarError(f"{where}: a list rule needs items [[pattern, id], …]")
        built = []
        for item in raw_items:
            if not (isinstance(item, list) and len(item) == 2):
                raise GrammarError(f"{where}: items are [pattern, id]")
            item_pattern = rf"\b(?:{item[0]})\b" if kind.lang == "en" else str(item[0])
            built.append((_compile(item_pattern, flags, where), str(item[1])))
        items = tuple(built)
        for group in ("names", "values"):
            if group not in regex.groupindex:
                raise GrammarError(f"{where}: a list rule needs the group {group!r}")
    if not unmatched:
        for _, indicator, yoy in slots:
            _ids(indicator, where, choices, units)
            _ids(yoy or "", where, choices, units)
        for _, indicator in items:
            _ids(indicator, where, choices, units)
    earlier = tuple(str(g) for g in record.get("earlier") or ())
    for group in earlier:
        if group not in {g for g, _, _ in slots}:
            raise GrammarError(f"{where}: earlier group {group!r} is not a slot")
    requires = record.get("requires")
    anchors = tuple(str(a).casefold() for a in record.get("anchors", ()))
    context = int(record.get("context", 1))
    if context < 1:
        raise GrammarError(f"{where}: context must be at least 1")
    return Rule(
        id=str(record["id"]),
        type=rule_type,
        regex=regex,
        slots=slots,
        items=items,
        anchors=anchors,
        requires=_compile(str(requires), flags, where) if requires else None,
        topic=tuple(str(t) for t in record.get("topic", ())),
        context=context,
        unmatched=unmatched,
        examples=tuple(_examples(record.get("examples", ()), where)),
        where=where,
        pattern=str(record["pattern"]),
        needs=needs,
        earlier=earlier,
        shared=bool(record.get("shared", False)),
    )


def build_relevance(raw: Any, lang: str, path: str) -> Relevance | None:
    """A kind's ``relevance`` record → Relevance (validated; None when the kind has none)."""
    if raw is None:
        return None
    where = f"{path}: relevance"
    if not isinstance(raw, dict):
        raise GrammarError(f"{where} must be a mapping with place and topics")
    unknown = sorted(set(raw) - RELEVANCE_KEYS)
    if unknown:
        raise GrammarError(f"{where}: unknown key {unknown[0]!r}")
    flags = re.IGNORECASE if lang == "en" else 0
    if not raw.get("place"):
        raise GrammarError(f"{where}: no place pattern")
    topics = raw.get("topics")
    if not isinstance(topics, dict) or not topics:
        raise GrammarError(f"{where}: topics must map a label to a pattern")
    built = tuple(
        (str(label), _compile(str(pattern), flags, f"{where} topic {label!r}"))
        for label, pattern in topics.items()
    )
    minimum = raw.get("min_topics", 2)
    if not isinstance(minimum, int) or not 1 <= minimum <= len(built):
        raise GrammarError(f"{where}: min_topics must be a whole number from 1 to {len(built)}")
    return Relevance(_compile(str(raw["place"]), flags, f"{where} place"), built, minimum)


def _examples(raw: Any, where: str) -> list[Example]:
    found = []
    for example in raw or ():
        if not isinstance(example, dict) or "text" not in example:
            raise GrammarError(f"{where}: an example has text and facts")
        facts = []
        for fact in example.get("facts", ()):
            if not (isinstance(fact, list) and len(fact) == 3):
                raise GrammarError(f"{where}: an example fact is [indicator_id, value, unit]")
            facts.append((fact[0] or None, float(fact[1]), str(fact[2] or "")))
        found.append(Example(str(example["text"]), tuple(facts)))
    return found


def kind_from_data(
    kind_data: Any,
    rules_data: Any,
    kind_path: str,
    rules_path: str,
    units: Mapping[str, str],
    more: Sequence[tuple[str, Any]] = (),
) -> SourceKind:
    """Validate a kind's files (parsed YAML) → SourceKind; ``more``: further (path, rules
    file) whose rules follow (a kind may take rules from several kinds' folders)."""
    if not isinstance(kind_data, dict):
        raise GrammarError(f"{kind_path}: a source kind file is a mapping")
    unknown = sorted(set(kind_data) - KIND_KEYS)
    if unknown:
        raise GrammarError(f"{kind_path}: unknown key {unknown[0]!r}")
    for key, allowed in (("reader", READERS), ("period", PERIODS), ("unmatched", UNMATCHED)):
        if kind_data.get(key, "none" if key == "unmatched" else None) not in allowed:
            raise GrammarError(f"{kind_path}: {key} {kind_data.get(key)!r} not in {list(allowed)}")
    kind = SourceKind(
        kind=str(kind_data["kind"]),
        lang=str(kind_data["lang"]),
        doc_kind=str(kind_data.get("doc_kind", kind_data["kind"])),
        reader=str(kind_data["reader"]),
        period=str(kind_data["period"]),
        unmatched=str(kind_data.get("unmatched", "none")),
        order=int(kind_data.get("order", 100)),
        rules=(),
        changes_after=bool(kind_data.get("changes_after", False)),
        numerals=bool(kind_data.get("numerals", False)),
        sort=bool(kind_data.get("sort", False)),
        verb_qualifiers=bool(kind_data.get("verb_qualifiers", True)),
        publisher=str(kind_data.get("publisher", "CNNIC")),
        other_publishers={
            str(k): str(v) for k, v in (kind_data.get("other_publishers") or {}).items()
        },
        cites=str(kind_data["cites"]) if kind_data.get("cites") else None,
        disclaims=str(kind_data["disclaims"]) if kind_data.get("disclaims") else None,
        recognise=dict(kind_data.get("recognise") or {}),
        fragments={str(k): str(v) for k, v in (kind_data.get("fragments") or {}).items()},
        description=str(kind_data.get("description", "")),
        relevance=build_relevance(kind_data.get("relevance"), str(kind_data["lang"]), kind_path),
    )
    built: list[Rule] = []
    seen: set[tuple[str, str]] = set()  # ids are unique per rules file
    for path, data in ((rules_path, rules_data), *more):
        if not isinstance(data, dict):
            raise GrammarError(f"{path}: a rules file is a mapping with rules")
        for record in data.get("rules") or []:
            rule = build_rule(record, kind, path, units)
            if (path, rule.id) in seen:
                raise GrammarError(f"{path}: rule {rule.id} defined twice")
            seen.add((path, rule.id))
            built.append(rule)
    rules = tuple(built)
    cards = []
    for card in rules_data.get("cards") or []:
        where = f"{rules_path}: card {card.get('label')!r}"
        _ids(str(card.get("id", "")), where, {}, units)
        _ids(str(card.get("yoy") or ""), where, {}, units)
        cards.append(
            CardRule(_compile(str(card["label"]), 0, where), str(card["id"]), card.get("yoy"))
        )
    return SourceKind(**{**kind.__dict__, "rules": rules, "cards": tuple(cards)})
