"""Footnote digits glued to a cell (``Online video23``, ``69,866,7521``, ``100 million7``).

Where the PDF prints a marker raised or smaller, the line reader has already written it
``^{23}`` (extractors.layout), and so are its footnotes (``^{23}The size …``). Where it
does not (text dumps, flat PDFs: footnotes printed ``23 The size …`` or ``Note 1: …``), a
trailing number is a footnote only by the report's own evidence: a flat footnote with that
number is printed on the same page (a text dump: within ``WINDOW`` lines), and the rest of
the cell says the digits cannot belong to it:

- after a grouped number whose grouping they break (``69,866,752`` + ``1``), after ``%``,
  a closing bracket, or a lowercase word (``video``, ``million``, ``Others``): split off as
  ``^{N}``, so ``split_notes`` moves them to ``notes``;
- after anything else (``IPv6``, ``.CN11``, ``block/32``): kept as printed and flagged
  ``footnote_ambiguous``, unless the report prints the same token elsewhere (``IPv6`` in its
  sentences), which makes it a word of its own.

Digits after a decimal point or an ungrouped number (``7.947``, ``19723``) are never split:
nothing in the cell tells where the number ends (a cell that then does not parse fails).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from extractors.cells import split_notes
from extractors.layout import Line

WINDOW = 60  # text-dump lines around a row in which its footnotes are printed
# a footnote line: "^{23}The size of …" (any format), or "23 The size …" / "23The size …"
MARKED_FOOTNOTE_RE = re.compile(r"^\^\{(\d{1,3})\}\s*\S")
PLAIN_FOOTNOTE_RE = re.compile(r"^(\d{1,3})\s?[A-Z][a-z]+\b")
NOTE_FOOTNOTE_RE = re.compile(r"^Note\s*(\d{1,3})\s*:", re.IGNORECASE)
MIN_FOOTNOTE_WORDS = 4
GROUPED_GLUED_RE = re.compile(r"^([-+]?\d{1,3}(?:,\d{3})+)(\d{1,3})$")
TRAILING_RE = re.compile(r"^(.*[^\d\s,.])(\d{1,3})$")
WORD_HEAD_RE = re.compile(r"(?:^|[\s(])[A-Z]?[a-z]{2,}$")
FOOTNOTE_AMBIGUOUS = "footnote_ambiguous"


@dataclass(frozen=True)
class Footnote:
    number: int
    flat: bool  # printed without a raised marker: its cells' markers are flat too
    page: int | None
    line: int | None


def footnote_of(line: Line) -> tuple[int, bool] | None:
    """The number of the footnote ``line`` prints, and whether it is flat, if it is one."""
    text = line.text
    marked = MARKED_FOOTNOTE_RE.match(text)
    if marked:
        return int(marked[1]), False
    note = NOTE_FOOTNOTE_RE.match(text)
    if note:
        return int(note[1]), True
    plain = PLAIN_FOOTNOTE_RE.match(text)
    if plain and len(line.cells) == 1 and len(text.split()) >= MIN_FOOTNOTE_WORDS:
        return int(plain[1]), True
    return None


def footnotes(lines: Sequence[Line]) -> tuple[Footnote, ...]:
    """Every footnote printed in the line stream."""
    found = []
    for line in lines:
        number = footnote_of(line)
        if number is not None:
            found.append(Footnote(number[0], number[1], line.page, line.line))
    return tuple(found)


def near(notes: Sequence[Footnote], row: Line) -> frozenset[int]:
    """Numbers of the flat footnotes printed where ``row`` is: its page, or nearby text
    lines (where footnotes are raised, only raised markers count)."""
    if row.page is not None:
        return frozenset(n.number for n in notes if n.flat and n.page == row.page)
    at = row.line or 0
    return frozenset(
        n.number for n in notes if n.flat and n.line is not None and abs(n.line - at) <= WINDOW
    )


def glued(cell: str) -> tuple[str, str, bool] | None:
    """(text, trailing digits, whether they cannot belong to the text) of a cell that ends
    in digits glued to something else; None for a cell that does not."""
    grouped = GROUPED_GLUED_RE.match(cell)
    if grouped:  # the grouping proves where the number ends
        return grouped[1], grouped[2], True
    trailing = TRAILING_RE.match(cell)
    if trailing is None:
        return None
    head = trailing[1]
    sure = head.endswith(("%", ")")) or WORD_HEAD_RE.search(head) is not None
    return head, trailing[2], sure


@dataclass(frozen=True)
class Unglued:
    cells: tuple[str, ...]
    ambiguous: tuple[str, ...]  # one message per cell kept as printed


def unglue(cells: Sequence[str], numbers: frozenset[int], text: str) -> Unglued:
    """``cells`` with glued footnote digits written ``^{N}`` (``numbers``: the footnotes
    printed nearby; ``text``: the whole report, for tokens it prints elsewhere)."""
    out = []
    ambiguous = []
    for cell in cells:
        found = glued(cell) if not split_notes(cell)[1] else None  # "752 note1" is marked
        if found is None or int(found[1]) not in numbers:
            out.append(cell)
            continue
        head, digits, sure = found
        token = cell.split()[-1]
        if sure:
            out.append(f"{head}^{{{int(digits)}}}")
        elif len(re.findall(rf"(?<!\S){re.escape(token)}(?![\w])", text)) >= 2:
            out.append(cell)  # a word the report uses (IPv6), not a marker
        else:
            out.append(cell)
            ambiguous.append(
                f"{cell!r} ends in {digits}, the number of a footnote printed nearby: "
                "kept as printed (a marker or part of the cell?)"
            )
    return Unglued(tuple(out), tuple(ambiguous))
