"""Words a rule's pattern cannot match without: a pre-check derived from the pattern itself.

``required_words`` reads a compiled pattern's syntax tree and returns sets of literal strings
such that every match contains at least one string of every set ("respectively";
{"网络视频", "短视频", …}). The engine skips a rule whose sets a sentence cannot satisfy, without
running the regex. Strings are case-folded; the text they are tested against must be too, so
the test holds whatever the pattern's case flags.
"""

from __future__ import annotations

from collections.abc import Sequence
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

Words = frozenset[str]

MAX_SETS = 2  # the most selective sets kept per pattern
MAX_WORDS = 64  # a set with more alternatives is not worth testing


def _score(words: Words) -> tuple[int, int]:
    """Longer shortest word first (rarer), then fewer alternatives."""
    return min(4, min(len(w) for w in words)), -len(words)


def _best(sets: Sequence[Words]) -> Words | None:
    return max(sets, key=_score) if sets else None


def _sequence(items: Any) -> list[Words]:
    """Sets of words every match of the sequence ``items`` contains one of."""
    found: list[Words] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            found.append(frozenset({"".join(run).casefold()}))
            run.clear()

    for op, av in items:
        if op is sre.LITERAL:
            run.append(chr(av))
            continue
        flush()
        if op is sre.SUBPATTERN:
            found += _sequence(av[-1])
        elif op is getattr(sre, "ATOMIC_GROUP", None):
            found += _sequence(av)
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)):
            if av[0] >= 1:
                found += _sequence(av[2])
        elif op is sre.BRANCH:
            union: set[str] = set()
            for branch in av[1]:
                best = _best(_sequence(branch))
                if best is None:
                    union.clear()
                    break
                union |= best
            if union:
                found.append(frozenset(union))
        # character classes, anchors, look-arounds, back references: no word required
    flush()
    return found


def required_words(pattern: str, flags: int = 0) -> tuple[Words, ...]:
    """The (at most ``MAX_SETS``) most selective word sets of ``pattern`` (see the module
    docstring); () when it requires no literal text."""
    tree = sre_parse.parse(pattern, flags)
    sets = [s for s in _sequence(tree) if len(s) <= MAX_WORDS]
    unique = sorted(set(sets), key=_score, reverse=True)
    return tuple(unique[:MAX_SETS])
