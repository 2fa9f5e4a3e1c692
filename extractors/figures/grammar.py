"""A language's figure grammar, read from ``extractors/data/languages/<lang>.yaml``.

The grammar is data: qualifiers, multipliers, unit words, number words, months and named
regular-expression fragments. Loading validates it; a broken file raises ``GrammarError`` with
one line naming the file and the entry. Fragments are ``{NAME}`` placeholders a rule pattern
may use; ``expand`` replaces them (nested), and an unknown name is an error naming the rule.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

import yaml

PLACEHOLDER_RE = re.compile(r"\{([A-Z][A-Z_0-9]*)\}")
LEXICON_RE = re.compile(r"\{=([a-z][a-z0-9_]*)\}")
LANGUAGES = ("en", "zh")
SCRIPTS = ("latin", "han")


class GrammarError(ValueError):
    """A grammar or rule file that is not well formed (one-line message naming file and entry)."""


def alternation(words: list[str] | tuple[str, ...], spaces: bool = False) -> str:
    """Longest first, escaped; with ``spaces`` a space matches any run of whitespace."""
    parts = []
    for word in sorted(words, key=len, reverse=True):
        escaped = re.escape(word)
        parts.append(escaped.replace(r"\ ", r"\s+") if spaces else escaped)
    return "|".join(parts)


@dataclass(frozen=True)
class Grammar:
    """One language's figure grammar (see the language file for what each entry means)."""

    lang: str
    script: str
    path: str
    qualifiers: Mapping[str, str]
    verb_qualifiers: Mapping[str, str]
    multipliers: Mapping[str, tuple[str, int]]  # printed → (stored name, factor)
    glued_multipliers: Mapping[str, tuple[str, int]]
    units: Mapping[str, tuple[str, str, Decimal]]  # printed → (stored unit, base, factor)
    bare_bases: frozenset[str]
    count_bases: frozenset[str]
    number_words: Mapping[str, Decimal]
    months: Mapping[str, int]
    fragments: Mapping[str, str]
    extra: Mapping[str, Any] = field(default_factory=dict)
    lexicon: Mapping[str, str] = field(default_factory=dict)  # indicator id → subject regex

    def expand(self, pattern: str, where: str, local: Mapping[str, str] | None = None) -> str:
        """Replace ``{=id}`` subjects from the lexicon and ``{NAME}`` fragments (``local`` ones
        first), nested; an unknown one → GrammarError naming ``where``."""

        def subject(match: re.Match[str]) -> str:
            if match[1] not in self.lexicon:
                raise GrammarError(
                    f"{where}: no subject {{={match[1]}}} in the {self.lang} lexicon"
                )
            return self.lexicon[match[1]]

        pattern = LEXICON_RE.sub(subject, pattern)
        scope = {**self.fragments, **(local or {})}
        for _ in range(12):
            names = PLACEHOLDER_RE.findall(pattern)
            if not names:
                return pattern
            unknown = sorted(set(names) - set(scope))
            if unknown:
                raise GrammarError(f"{where}: unknown grammar fragment {{{unknown[0]}}}")
            pattern = PLACEHOLDER_RE.sub(lambda m: scope[m[1]], pattern)
        raise GrammarError(f"{where}: grammar fragments nest too deeply")  # pragma: no cover


def _mapping(data: dict[str, Any], key: str, path: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise GrammarError(f"{path}: {key} must be a mapping")
    return value


def _latin(data: dict[str, Any], path: str) -> dict[str, Any]:
    def pairs(key: str) -> dict[str, tuple[str, int]]:
        found = {}
        for word, value in _mapping(data, key, path).items():
            if not (isinstance(value, list) and len(value) == 2):
                raise GrammarError(f"{path}: {key}.{word} must be [name, factor]")
            found[str(word)] = (str(value[0]), int(value[1]))
        return found

    units = {}
    for word, value in _mapping(data, "units", path).items():
        if not (isinstance(value, list) and len(value) == 3):
            raise GrammarError(f"{path}: units.{word} must be [unit, base, factor]")
        units[str(word)] = (str(value[0]), str(value[1]), Decimal(str(value[2])))
    multipliers = pairs("multipliers")
    glued = pairs("glued_multipliers")
    qualifiers = {str(k): str(v) for k, v in _mapping(data, "qualifiers", path).items()}
    words = {str(k): Decimal(str(v)) for k, v in _mapping(data, "number_words", path).items()}
    months = {str(k): int(v) for k, v in _mapping(data, "months", path).items()}
    bad = [m for m, n in months.items() if not 1 <= n <= 12]
    if bad:
        raise GrammarError(f"{path}: months.{bad[0]} is not 1..12")
    fragments = {
        "QUAL": "(?:" + "|".join(q.replace(" ", r"\s+") for q in qualifiers) + ")",
        "NUMBER": r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?",
        "MULT": "(?:" + alternation(list(multipliers), spaces=True) + ")(?![a-z])",
        "GMULT": "(?:" + alternation(list(glued)) + ")(?![A-Za-z0-9])",
        "UNIT": "(?:" + _unit_alternation(list(units)) + ")",
        "WORDNUM": "(?:" + alternation(list(words), spaces=True) + ")",
        "MONTH": "(?:" + "|".join(sorted(months, key=len, reverse=True)) + ")",
        **{str(k): str(v) for k, v in _mapping(data, "fragments", path).items()},
    }
    return {
        "qualifiers": qualifiers,
        "verb_qualifiers": {
            str(k): str(v) for k, v in _mapping(data, "verb_qualifiers", path).items()
        },
        "multipliers": multipliers,
        "glued_multipliers": glued,
        "units": units,
        "number_words": words,
        "months": months,
        "fragments": fragments,
        "extra": {"hundred_words": tuple(data.get("hundred_words", ()))},
    }


def _unit_alternation(words: list[str]) -> str:
    parts = []
    for word in sorted(words, key=len, reverse=True):
        escaped = re.escape(word).replace(r"\ ", r"\s*")
        if word == "blocks/32":
            escaped = r"blocks?\s*\(?\s*/\s*32\b\)?"
        elif word[0].isalpha():
            escaped += r"\b"
        parts.append(escaped)
    return "|".join(parts)


def _han(data: dict[str, Any], path: str) -> dict[str, Any]:
    counters = [str(c) for c in data.get("counters", [])]
    units: dict[str, tuple[str, str, Decimal]] = {c: (c, "count", Decimal(1)) for c in counters}
    for word, value in _mapping(data, "units", path).items():
        if not (isinstance(value, list) and len(value) in (2, 3)):
            raise GrammarError(
                f"{path}: units.{word} must be [base, factor] or [base, factor, unit]"
            )
        stored = str(value[2]) if len(value) == 3 else str(word)
        units[str(word)] = (stored, str(value[0]), Decimal(str(value[1])))
    multipliers = {str(k): (str(k), int(v)) for k, v in _mapping(data, "multipliers", path).items()}
    return {
        "qualifiers": {str(k): str(v) for k, v in _mapping(data, "qualifiers", path).items()},
        "verb_qualifiers": {},
        "multipliers": multipliers,
        "glued_multipliers": {},
        "units": units,
        "number_words": {},
        "months": {},
        "fragments": {
            "LEAD": rf"(?:(?:{alternation(list(data.get('qualifiers', {})))})\s*)?"
            r"(?<![A-Za-z0-9./_第])(?<!\d,)\d(?:[\d.,]*\d)?",
            "NUMERAL_LEAD": rf"(?:(?:{alternation(list(data.get('qualifiers', {})))})\s*)?"
            + "(?:(?<!["
            + re.escape(str(data.get("numeral_chars", "")))
            + r"\d])["
            + re.escape(str(data.get("numeral_chars", "")))
            + "]{2,}(?="
            + alternation([str(m) for m in data.get("multipliers", {})])
            + ")|百分之["
            + re.escape(str(data.get("numeral_chars", "")))
            + "]+)",
            **{str(k): str(v) for k, v in _mapping(data, "fragments", path).items()},
        },
        "extra": {
            "infix_qualifiers": dict(_mapping(data, "infix_qualifiers", path)),
            "suffix_qualifiers": dict(_mapping(data, "suffix_qualifiers", path)),
            "verbs": tuple(data.get("verbs", ())),
            "unit_guards": dict(_mapping(data, "unit_guards", path)),
            "decline_words": tuple(data.get("decline_words", ())),
            "numeral_chars": str(data.get("numeral_chars", "")),
        },
    }


def grammar_from_text(text: str, path: str) -> Grammar:
    """Parse and validate a grammar file's text (pure)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise GrammarError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from exc
    if not isinstance(data, dict):
        raise GrammarError(f"{path}: a grammar file is a mapping")
    lang, script = data.get("lang"), data.get("script")
    if lang not in LANGUAGES:
        raise GrammarError(f"{path}: lang {lang!r} is not one of {list(LANGUAGES)}")
    if script not in SCRIPTS:
        raise GrammarError(f"{path}: script {script!r} is not one of {list(SCRIPTS)}")
    parts = _latin(data, path) if script == "latin" else _han(data, path)
    for fragment, regex in parts["fragments"].items():
        try:
            re.compile(PLACEHOLDER_RE.sub("x", regex))
        except re.error as exc:
            raise GrammarError(f"{path}: fragment {fragment}: {exc}") from exc
    return Grammar(
        lang=lang,
        script=script,
        path=path,
        qualifiers=MappingProxyType(parts["qualifiers"]),
        verb_qualifiers=MappingProxyType(parts["verb_qualifiers"]),
        multipliers=MappingProxyType(parts["multipliers"]),
        glued_multipliers=MappingProxyType(parts["glued_multipliers"]),
        units=MappingProxyType(parts["units"]),
        bare_bases=frozenset(data.get("bare_bases", ())),
        count_bases=frozenset(data.get("count_bases", ())),
        number_words=MappingProxyType(parts["number_words"]),
        months=MappingProxyType(parts["months"]),
        fragments=MappingProxyType(parts["fragments"]),
        extra=MappingProxyType(parts["extra"]),
    )


def lexicon_from_text(text: str, path: str, lang: str, ids: frozenset[str]) -> dict[str, str]:
    """The subject lexicon of ``lang``: indicator id → one alternation (validated: known ids,
    compilable entries)."""
    data = yaml.safe_load(text) or {}
    entries = data.get(lang, {}) if isinstance(data, dict) else {}
    found: dict[str, str] = {}
    for indicator, words in (entries or {}).items():
        if indicator not in ids:
            raise GrammarError(f"{path}: {lang}.{indicator} is not a vocabulary id")
        if not isinstance(words, list) or not words:
            raise GrammarError(f"{path}: {lang}.{indicator} must list subject patterns")
        for word in words:
            try:
                re.compile(str(word))
            except re.error as exc:
                raise GrammarError(f"{path}: {lang}.{indicator}: {exc}") from exc
        found[str(indicator)] = "(?:" + "|".join(str(w) for w in words) + ")"
    return found


@cache
def grammar(lang: str) -> Grammar:
    """The packaged grammar of ``lang`` with its subject lexicon (read once per process)."""
    from extractors.vocabulary import base_units

    if lang not in LANGUAGES:
        raise GrammarError(f"no grammar for language {lang!r}")
    path = f"data/languages/{lang}.yaml"
    root = resources.files("extractors")
    loaded = grammar_from_text(
        root.joinpath(path).read_text(encoding="utf-8"), f"extractors/{path}"
    )
    lexicon = lexicon_from_text(
        root.joinpath("data/lexicon.yaml").read_text(encoding="utf-8"),
        "extractors/data/lexicon.yaml",
        lang,
        frozenset(base_units()),
    )
    return Grammar(**{**loaded.__dict__, "lexicon": MappingProxyType(lexicon)})
