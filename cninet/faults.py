"""Failures put into words: one line, the cause first, nothing that can forge output.

Native libraries (deltalake's Rust core, PDFium) raise errors whose text is a panic message,
a chain of wrapped causes or several lines; a person needs the cause ("No space left on
device") and the thing it concerns. Names and quotes from files are escaped so that a newline
or a terminal escape in a file name cannot make extra lines or colours.
"""

from __future__ import annotations

import errno
import os
import re
import unicodedata

# Causes recognised inside wrapped native error text, most specific first.
KNOWN_CAUSES = tuple(
    os.strerror(code)
    for code in (
        errno.ENOSPC,
        errno.EROFS,
        errno.EACCES,
        errno.EDQUOT,
        errno.ENOENT,
        errno.ENOTDIR,
        errno.EISDIR,
        errno.EIO,
    )
)
MAX_WORDS = 300


def safe_text(text: str) -> str:
    """``text`` with control and format characters escaped (``\\n``, ``\\x1b``, ``\\u202e``),
    so it prints as one plain line."""
    out = []
    for char in str(text):
        if char == "\\":
            out.append(char)
        elif unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp"):
            escaped = repr(char)[1:-1]
            out.append(escaped if escaped != char else f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return "".join(out)


def one_line(text: str, limit: int = MAX_WORDS) -> str:
    """Whitespace collapsed (after escaping control characters), cut to ``limit``."""
    flat = " ".join(safe_text(str(text).strip()).split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def known_cause(text: str) -> str | None:
    lowered = text.lower()
    for cause in KNOWN_CAUSES:
        if cause.lower() in lowered:
            return cause
    match = re.search(r"os error (\d+)", text)
    if match:
        return os.strerror(int(match[1]))
    return None


def write_cause(exc: BaseException) -> str:
    """The cause of a failed write or read of a table, in a few words."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    text = str(exc)
    cause = known_cause(text)
    if cause:
        return cause
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return f"{type(exc).__name__}: {one_line(first, 160)}" if first else type(exc).__name__


class TableUnreadable(Exception):
    """A curated table exists but cannot be read (a damaged log or data file); one line
    naming the table and the cause."""

    def __init__(self, dataset: str, cause: str) -> None:
        super().__init__(f"table {dataset} cannot be read ({cause})")
        self.dataset = dataset


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER_RE = re.compile(r"^[+-]?(\d[\d,]*(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?$")


def spreadsheet_safe(value: object) -> object:
    """A text cell a spreadsheet would run as a formula (it starts with ``=``, ``+``, ``@``,
    a tab or carriage return, or ``-`` without being a number) gets a leading apostrophe, as
    OWASP's CSV-injection advice and spreadsheet-safe exporters do. Numbers, ``-12.5`` and
    every other value are unchanged. Parquet keeps the raw text."""
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return value
    if value[0] in "+-" and NUMBER_RE.match(value):
        return value
    return "'" + value
