"""The figure engine: a source kind's rules over prose → facts. Knows no source and no PDF.

For each sentence (with digits or spelled-out numbers) every rule of the kind runs over the
window of ``context`` sentences ending with it; each figure a rule's match names becomes one
mention, unless an earlier rule already claimed it. A figure's period comes from the kind's
period strategy (``PERIOD_STRATEGIES``, a closed set):

- ``report``: its footnote ("based on data available by the end of May 2024"), a date right after
  it ("32.5% in December 2023"), the last clause-opening date before it in its sentence ("By June
  2024, …"), else the edition's cut-off.
- ``article``: the nearest date phrase before it in its sentence, else the first one after it,
  else the last one of an earlier sentence (flagged unless in the same paragraph); relative
  phrases ("last year", "as of June", 去年底) resolve against the article's date, or, when the
  article prints none but names a CNNIC edition, against that edition's cut-off; with nothing
  to go on, the named edition's cut-off, else a flagged guess.
- ``before``: the last Chinese date phrase before it in its sentence, else the edition's period.

The qualifier is the printed one ("nearly", 超过 → over) or a verb right before the figure
("surpassed" → over). With ``changes_after`` a change printed right after a figure (同比增长46.1%)
is its own fact. Figures no rule names are kept with indicator_id None when the kind says so
(``unmatched``: a catch-all rule, or Chinese statement figures that end their clause).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

from extractors.figures.dates import (
    earlier_date,
    footnote_date,
    opening_date,
    period_before,
    period_phrases,
    postfix_date,
)
from extractors.figures.facts import Fact
from extractors.figures.grammar import grammar
from extractors.figures.numbers import (
    Figure,
    decimal_of,
    find_han,
    han_at,
    han_patterns,
    latin_from_match,
    latin_patterns,
    parse_han_change,
    read_latin,
)
from extractors.figures.rules import Rule, SourceKind
from extractors.figures.text import Prose, Sentence, normalise_quote


@dataclass(frozen=True)
class Dating:
    """What dates the figures of one prose: the edition's period (reports), the article's date
    (``reference``) or a guess, and the CNNIC edition the text names."""

    default: datetime.date | None = None
    reference: datetime.date | None = None
    guess: datetime.date | None = None
    named_cutoff: datetime.date | None = None


@dataclass(frozen=True)
class Mention:
    """A fact, the indicator id its rule names (``fact.indicator_id`` is that id only if the
    vocabulary defines it and the printed unit can be in its base unit) and a reading-order
    key."""

    fact: Fact
    named: str | None
    order: tuple[int, int]


@dataclass
class _Run:
    prose: Prose
    sentences: Sequence[Sentence]
    kind: SourceKind
    dating: Dating
    units: Mapping[str, str]
    index: int = 0  # the sentence being read
    windows: dict[int, tuple[int, str, str]] = field(default_factory=dict)
    present: dict[int, int] = field(default_factory=dict)  # gate words found, per window size
    gate: _Gate = field(init=False)

    def __post_init__(self) -> None:
        self.gate = _gate(self.kind)

    claimed: list[tuple[int, int]] = field(default_factory=list)

    def free(self, start: int) -> bool:
        return not any(a <= start < b for a, b in self.claimed)


# --------------------------------------------------------------------------------------------
# Reading figures at a slot
# --------------------------------------------------------------------------------------------


def read_at(run: _Run, start: int, end: int) -> Figure | None:
    """The figure starting at ``start`` (latin: bounded by ``end``) or None."""
    text = run.prose.norm
    if run.kind.grammar.script == "latin":
        try:
            return read_latin(run.kind.lang, text, start, end)
        except ValueError:
            return None
    return han_at(text, start, run.kind.numerals, run.kind.lang)


_PATTERNS: dict[tuple[str, str], re.Pattern[str]] = {}


def _after_subject(kind: SourceKind) -> re.Pattern[str]:
    key = (kind.kind, "subject")
    if key not in _PATTERNS:
        lead = "{LEAD}|{NUMERAL_LEAD}" if kind.numerals else "{LEAD}"
        pattern = kind.expand("{VERB}(?P<v>" + lead + ")", f"{kind.kind}: subject figure")
        _PATTERNS[key] = re.compile(pattern)
    return _PATTERNS[key]


def resolve_id(template: str, groups: Mapping[str, str | None], units: Mapping[str, str]) -> str:
    """Fill an id template ("{area}_internet_users", "{app}_users") from a match's groups: a
    choice branch gives its key, a plain group its lower-cased text. "" if not in the
    vocabulary."""
    if "{" not in template:
        return template
    values: dict[str, str] = {}
    for group, text in groups.items():
        if text is None:
            continue
        name, _, key = group.partition("__")
        values[name] = key or "_".join(text.lower().split())
    try:
        indicator = template.format(**values)
    except KeyError:
        return ""
    return indicator if indicator in units else ""


Slot = tuple[Figure, str | None, str | None]


def slot_figures(run: _Run, rule: Rule, match: re.Match[str], offset: int, end: int) -> list[Slot]:
    """(figure, indicator id, change id) for every figure a rule's match names; ``offset``:
    where the matched window starts in the prose, ``end``: the sentence end."""
    if rule.type == "subject":
        after = _after_subject(run.kind).match(run.prose.norm, offset + match.end(), end)
        figure = read_at(run, after.start("v"), end) if after else None
        _, indicator, yoy = rule.slots[0]
        return [] if figure is None else [(figure, indicator, yoy)]
    if rule.type == "slots":
        found: list[Slot] = []
        for group, template, yoy in rule.slots:
            if match[group] is None:
                continue
            figure = read_at(run, offset + match.start(group), offset + match.end(group))
            if figure is None:
                continue
            indicator = resolve_id(template, match.groupdict(), run.units) if template else ""
            found.append((figure, indicator or None, yoy))
        return found
    if rule.type == "list":
        return list_figures(run, rule, match, offset, end)
    return ratio_figures(rule, match, offset)


def list_figures(run: _Run, rule: Rule, match: re.Match[str], offset: int, end: int) -> list[Slot]:
    names = match["names"]
    subjects: list[tuple[int, int, str]] = []
    for regex, template in rule.items:
        for item in regex.finditer(names):
            subjects.append(
                (item.start(), item.end(), resolve_id(template, item.groupdict(), run.units))
            )
    subjects.sort()
    ordered: list[str] = []
    last_end = -1
    for start, stop, indicator in subjects:
        if start >= last_end:
            ordered.append(indicator)
            last_end = stop
    values_start, values_end = offset + match.start("values"), offset + match.end("values")
    text = run.prose.norm
    if run.kind.grammar.script == "latin":
        g = grammar(run.kind.lang)
        figures = [
            latin_from_match(g, m)
            for m in latin_patterns(run.kind.lang).figure.finditer(text, values_start, values_end)
        ]
    else:
        figures = [
            f
            for f in find_han(text, values_start, end, run.kind.numerals, run.kind.lang)
            if f.is_quantity and f.start < values_end
        ]
    if rule.shared and len(figures) == 1 and ordered:
        return [(figures[0], i or None, None) for i in ordered]
    if len(ordered) != len(figures):
        return [(figure, None, None) for figure in figures]
    return [(f, i or None, None) for f, i in zip(figures, ordered, strict=True)]


def ratio_figures(rule: Rule, match: re.Match[str], offset: int) -> list[Slot]:
    start, end = match.span("ratio")
    raw = " ".join(match.string[start:end].split())
    first, second = (decimal_of(part) for part in raw.split(":"))
    total = first + second
    _, first_id, second_id = rule.slots[0]
    found: list[Slot] = []
    for part, indicator in ((first, first_id), (second, second_id)):
        figure = Figure(
            number=part,
            multiplier="",
            factor=1,
            unit_word="ratio",
            natural="percent",
            unit_factor=decimal_of("1"),
            qualifier=None,
            raw=raw,
            start=offset + start,
            end=offset + end,
            stop=offset + end,
            share=part * 100 / total,
        )
        found.append((figure, indicator, None))
    return found


# --------------------------------------------------------------------------------------------
# Periods and qualifiers
# --------------------------------------------------------------------------------------------

PeriodStrategy = Callable[[_Run, int, Figure], tuple[datetime.date, bool]]


def period_report(run: _Run, index: int, figure: Figure) -> tuple[datetime.date, bool]:
    default = run.dating.default or datetime.date.min
    year = default.year
    text = run.prose.norm
    note = run.prose.footnotes.get(run.prose.markers.get(figure.end, -1))
    sentence = run.sentences[index]
    dated = (
        (footnote_date(note, year) if note else None)
        or postfix_date(text, figure.end, year)
        or opening_date(text[sentence.start : figure.start], year)
    )
    return dated or default, True


def period_before_figure(run: _Run, index: int, figure: Figure) -> tuple[datetime.date, bool]:
    sentence = run.sentences[index]
    default = run.dating.default or run.dating.named_cutoff
    if default is None:
        found = period_phrases(run.prose.norm[sentence.start : figure.start], "zh")
        if found:
            resolved = found[-1].resolve(run.dating.reference)
            if resolved is not None:
                return resolved, True
        return datetime.date.min, False
    return period_before(run.prose.norm[sentence.start : figure.start], default), True


def period_article(run: _Run, index: int, figure: Figure) -> tuple[datetime.date, bool]:
    sentence = run.sentences[index]
    lang = run.kind.lang
    text = run.prose.norm[sentence.start : sentence.end]
    phrases = period_phrases(text, lang)
    at, to = figure.start - sentence.start, figure.end - sentence.start
    before = [p for p in phrases if p.end <= at]
    after = [p for p in phrases if p.start >= to]
    chosen = before[-1] if before else after[0] if after else None
    stated = True  # a date carried from an earlier sentence of the same paragraph counts
    back = index - 1
    while chosen is None and back >= 0:
        earlier = run.sentences[back]
        stated = stated and earlier.paragraph == sentence.paragraph
        found = period_phrases(run.prose.norm[earlier.start : earlier.end], lang)
        chosen = found[-1] if found else None
        back -= 1
    dating = run.dating
    reference = dating.reference or (
        dating.named_cutoff + datetime.timedelta(days=1) if dating.named_cutoff else None
    )
    if chosen is None or (not stated and dating.named_cutoff is not None):
        if dating.named_cutoff is not None:
            return dating.named_cutoff, True
        fallback = dating.reference or dating.guess
        if fallback is None:
            return datetime.date.min, False
        return fallback.replace(day=1) - datetime.timedelta(days=1), False
    resolved = chosen.resolve(reference)
    if resolved is not None:
        return resolved, stated
    guessed = chosen.resolve(dating.guess)
    return (guessed or datetime.date.min), False


PERIOD_STRATEGIES: Mapping[str, PeriodStrategy] = {
    "report": period_report,
    "article": period_article,
    "before": period_before_figure,
}


def qualifier_of(run: _Run, index: int, figure: Figure) -> str | None:
    if figure.qualifier or not run.kind.verb_qualifiers:
        return figure.qualifier
    verbs = run.kind.grammar.verb_qualifiers
    if not verbs:
        return None
    start = run.sentences[index].start
    before = run.prose.norm[max(start, figure.start - 30) : figure.start]
    verb = re.search(r"(\w+)\s+$", before)
    return verbs.get(verb[1].lower()) if verb else None


# --------------------------------------------------------------------------------------------
# Mentions
# --------------------------------------------------------------------------------------------


def known_value(
    named: str | None, figure: Figure, units: Mapping[str, str], lang: str
) -> tuple[str | None, float]:
    """(vocabulary id or None, value in its base unit). An id the vocabulary does not define,
    or whose base unit the printed unit cannot be, gives None and the natural base value."""
    g = grammar(lang)
    if named and named in units:
        try:
            return named, figure.in_base(units[named], g.bare_bases, g.count_bases)
        except ValueError:
            pass
    return None, figure.value_base


def make_mention(
    run: _Run, index: int, figure: Figure, named: str | None, period: tuple[datetime.date, bool]
) -> Mention:
    g = run.kind.grammar
    known, value_base = known_value(named, figure, run.units, run.kind.lang)
    sentence = run.sentences[index]
    prose = run.prose
    page, line = prose.location(figure.start)
    quote = normalise_quote(prose.printed(sentence.start, sentence.end))
    raw = figure.raw if g.script == "latin" else prose.printed(figure.start, figure.end)
    fact = Fact(
        indicator_id=known,
        period_end=period[0],
        value=figure.value,
        unit=figure.unit if figure.share is None else "ratio",
        value_base=value_base,
        qualifier=qualifier_of(run, index, figure),
        quote=quote,
        raw=raw,
        page=page,
        line=line,
        period_resolved=period[1],
    )
    return Mention(fact, named, (prose.piece_key(figure.start), figure.start))


@dataclass(frozen=True)
class _Gate:
    """A kind's pre-check: every word its rules' anchors and patterns need (``words``), and per
    rule a bit mask of its anchors (0: none) and one mask per set of words its pattern needs."""

    words: tuple[str, ...]
    anchors: tuple[int, ...]
    needs: tuple[tuple[int, ...], ...]
    # per rule, the masks tested against the current sentence alone (anchors, and the needs of
    # a one-sentence rule): every one must meet the sentence's words
    sentence: tuple[tuple[int, ...], ...]


_GATES: dict[int, tuple[SourceKind, _Gate]] = {}


def _gate(kind: SourceKind) -> _Gate:
    cached = _GATES.get(id(kind))
    if cached is not None and cached[0] is kind:
        return cached[1]
    every = sorted({w for r in kind.rules for w in (*r.anchors, *(w for s in r.needs for w in s))})
    bit = {word: 1 << n for n, word in enumerate(every)}

    def mask(words: Iterable[str]) -> int:
        return sum(bit[w] for w in set(words))

    anchors = tuple(mask(r.anchors) for r in kind.rules)
    needs = tuple(tuple(mask(words) for words in r.needs) for r in kind.rules)
    sentence = tuple(
        tuple(m for m in ((a,) if a else ()) + (n if r.context == 1 else ()) if m)
        for r, a, n in zip(kind.rules, anchors, needs, strict=True)
    )
    gate = _Gate(tuple(every), anchors, needs, sentence)
    _GATES[id(kind)] = (kind, gate)
    return gate


def _present(run: _Run, context: int) -> int:
    """The bit mask of the gate's words found in the window of ``context`` sentences."""
    found = run.present.get(context)
    if found is None:
        folded = _window_text(run, context)[2]
        found = 0
        for n, word in enumerate(run.gate.words):
            if word in folded:
                found |= 1 << n
        run.present[context] = found
    return found


def _window_text(run: _Run, context: int) -> tuple[int, str, str]:
    """(start, text, case-folded text) of the window of ``context`` sentences ending with the
    current one."""
    cached = run.windows.get(context)
    if cached is None:
        index = run.index
        start = run.sentences[max(0, index - context + 1)].start
        text = run.prose.norm[start : run.sentences[index].end]
        cached = run.windows[context] = (start, text, text.casefold())
    return cached


def _window(run: _Run, number: int, rule: Rule) -> tuple[int, str] | None:
    """(start, text) of the window of rule ``number`` ending with the current sentence, or None
    when the rule cannot match there (one word of every set its pattern needs in the window,
    ``requires``, ``topic``; its anchors were tested by the caller, see ``sentence_mentions``)."""
    if rule.context > 1:
        present = _present(run, rule.context)
        for needed in run.gate.needs[number]:
            if not needed & present:
                return None
    start, window, folded = _window_text(run, rule.context)
    if rule.requires is not None and not rule.requires.search(window):
        return None
    if rule.topic and not any(word.casefold() in folded for word in rule.topic):
        return None
    return start, window


def _change_after(run: _Run, index: int, figure: Figure) -> tuple[int, int] | None:
    match = _yoy_after(run.kind).match(run.prose.norm, figure.stop, run.sentences[index].end)
    return match.span("change") if match else None


def _yoy_after(kind: SourceKind) -> re.Pattern[str]:
    key = (kind.kind, "change")
    if key in _PATTERNS:
        return _PATTERNS[key]
    lead = han_patterns(kind.lang).lead
    _PATTERNS[key] = re.compile(
        r",?[^,;。!?、\d\n]{0,8}?(?:较[^,;。!?\n]{0,8}?|比上年|比去年)?"
        r"(?P<change>(?:同比|环比)?(?:增长了?|增加了?|提高了?|提升了?|上升了?|增速为|增速|增幅为|"
        r"增幅|下降了?|减少了?|降低了?|回落了?)" + lead + r"\s?%)"
    )
    return _PATTERNS[key]


STATEMENT_END_RE = re.compile(r"$|[,;。!?、:)\]」』”’]|和|及|与|或|同比|环比|较|比|增|占")


def _emit(
    run: _Run,
    index: int,
    figure: Figure,
    named: str | None,
    yoy: str | None,
    period: tuple[datetime.date, bool] | None = None,
) -> Iterator[Mention]:
    strategy = PERIOD_STRATEGIES[run.kind.period]
    period = period or strategy(run, index, figure)
    run.claimed.append((figure.start, figure.stop))
    yield make_mention(run, index, figure, named, period)
    if not run.kind.changes_after:
        return
    span = _change_after(run, index, figure)
    if span is None:
        return
    run.claimed.append(span)
    change = parse_han_change(run.prose.norm[span[0] : span[1]], run.kind.lang)
    change = replace(change, start=span[0], end=span[1], stop=span[1])
    yield make_mention(run, index, change, yoy, period)


def _earlier_periods(
    run: _Run, index: int, rule: Rule, match: re.Match[str], offset: int, slots: Sequence[Slot]
) -> dict[int, tuple[datetime.date, bool]]:
    """Periods of the figures in the rule's ``earlier`` groups (by figure start): see
    ``extractors.figures.dates.earlier_date``, relative to the later figure's period."""
    if not rule.earlier:
        return {}
    spans = [(offset + match.start(g), offset + match.end(g)) for g in rule.earlier if match[g]]
    earlier = [s[0] for s in slots if any(a <= s[0].start < b for a, b in spans)]
    later = [s[0] for s in slots if all(not a <= s[0].start < b for a, b in spans)]
    if not earlier or not later:
        return {}
    strategy = PERIOD_STRATEGIES[run.kind.period]
    later_period, resolved = strategy(run, index, later[0])
    if later_period == datetime.date.min:
        return {}
    start, text = offset + match.start(), run.prose.norm
    periods = {}
    for figure in earlier:
        if run.kind.lang == "zh":
            found = earlier_date(
                text[start : figure.start], figure.start - start, later_period, "zh"
            )
        else:
            found = earlier_date(text, figure.end, later_period, run.kind.lang)
        periods[figure.start] = (found, resolved)
    return periods


def _has_figure(run: _Run, text: str) -> bool:
    if any(ch.isdigit() for ch in text):
        return True
    if run.kind.grammar.script == "latin":
        return bool(latin_patterns(run.kind.lang).words.search(text))
    return run.kind.numerals and bool(han_patterns(run.kind.lang).numeral.search(text))


def _rule_mentions(
    run: _Run, index: int, rule: Rule, offset: int, window_text: str
) -> Iterator[Mention]:
    """The mentions of one rule's matches in its window (``offset``: where it starts)."""
    sentence = run.sentences[index]
    for match in rule.regex.finditer(window_text):
        slots = slot_figures(run, rule, match, offset, sentence.end)
        earlier = _earlier_periods(run, index, rule, match, offset, slots)
        # free before any is claimed: subjects sharing one value (均为) all take it
        free = [f.start >= sentence.start and run.free(f.start) for f, _, _ in slots]
        for (figure, indicator, yoy), unclaimed in zip(slots, free, strict=True):
            if not unclaimed:
                continue
            if rule.type == "ratio":
                strategy = PERIOD_STRATEGIES[run.kind.period]
                yield make_mention(run, index, figure, indicator, strategy(run, index, figure))
                continue
            named = None if rule.unmatched else indicator
            yield from _emit(run, index, figure, named, yoy, earlier.get(figure.start))
        if rule.type == "ratio" and slots:
            run.claimed.append((slots[0][0].start, slots[0][0].start + 1))


def sentence_mentions(run: _Run, index: int) -> Iterator[Mention]:
    sentence = run.sentences[index]
    run.index = index
    run.windows = {}
    run.present = {}
    run.claimed = []
    present = _present(run, 1)
    for number, (rule, masks) in enumerate(zip(run.kind.rules, run.gate.sentence, strict=True)):
        # the rule's anchors and the words its pattern needs, against the sentence's words
        for needed in masks:
            if not needed & present:
                break
        else:
            window = _window(run, number, rule)
            if window is not None:
                yield from _rule_mentions(run, index, rule, *window)
    if run.kind.unmatched == "statements":
        norm = run.prose.norm
        for figure in find_han(
            norm, sentence.start, sentence.end, run.kind.numerals, run.kind.lang
        ):
            end = STATEMENT_END_RE.match(norm, figure.stop, sentence.end)
            if figure.is_quantity and run.free(figure.start) and end:
                yield from _emit(run, index, figure, None, None)


def read_prose(
    prose: Prose,
    sentences: Sequence[Sentence],
    kind: SourceKind,
    dating: Dating,
    units: Mapping[str, str],
) -> list[Mention]:
    """Every mention the kind's rules find in ``prose``, in reading order."""
    run = _Run(prose, sentences, kind, dating, units)
    found: list[Mention] = []
    for index, sentence in enumerate(sentences):
        if not _has_figure(run, prose.norm[sentence.start : sentence.end]):
            continue
        found.extend(sentence_mentions(run, index))
    if kind.sort:
        found.sort(key=lambda m: m.order)
    return found
