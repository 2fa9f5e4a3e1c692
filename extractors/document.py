"""Load a source file into an immutable in-memory ``Document``.

This is the only module in ``extractors`` that touches the file system; everything downstream
works on the returned object.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pypdfium2 as pdfium

SourceFormat = Literal["pdf", "txt"]
SUFFIX_FORMATS: dict[str, SourceFormat] = {".pdf": "pdf", ".txt": "txt"}


class DocumentError(Exception):
    """A source that cannot be used; the message is one line naming the reason."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason

    def __reduce__(self) -> tuple[type[DocumentError], tuple[str, str]]:
        return (DocumentError, (self.path, self.reason))  # survives a bounded child process


@dataclass(frozen=True)
class Document:
    """A loaded source: its bytes, identity and plain text (one entry per PDF page)."""

    path: str
    sha256: str
    format: SourceFormat
    data: bytes
    pages: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.pages)

    @property
    def lines(self) -> tuple[str, ...]:
        """Text lines of a .txt source (1-based line ``n`` is ``lines[n - 1]``)."""
        return tuple(self.text.split("\n"))


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pdf_page_texts(path: str, data: bytes) -> tuple[str, ...]:
    """Plain text of every page via PDFium (fast); raises DocumentError on unreadable PDFs."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if "password" in reason.lower():
            raise DocumentError(path, "encrypted PDF (password required)") from exc
        raise DocumentError(path, f"not a readable PDF ({reason})") from exc
    try:
        texts = []
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n"))
            textpage.close()
            page.close()
        return tuple(texts)
    finally:
        pdf.close()


CID_RE = re.compile(r"\(cid:\d+\)")
MIN_CHARS = 20  # pages with fewer characters are judged empty, not garbled
MAX_BAD_SHARE = 0.05  # replacement / private-use / control characters
MAX_MOJIBAKE_SHARE = 0.2  # Latin-1 supplement and Latin extended letters (mis-decoded CJK)
MAX_EMPTY_SHARE = 0.5


def page_problem(text: str) -> str | None:
    """Why a page's text layer is unusable, or None. Pure, per page."""
    chars = [c for c in text if not c.isspace()]
    if len(chars) < MIN_CHARS:
        return "no text"
    if len(CID_RE.findall(text)) >= 3:
        return "(cid:NN) glyph codes"
    bad = sum(
        1
        for c in chars
        if c == "\ufffd" or 0xE000 <= ord(c) <= 0xF8FF or unicodedata.category(c) == "Cc"
    )
    if bad / len(chars) > MAX_BAD_SHARE:
        return "replacement or private-use characters"
    mojibake = sum(1 for c in chars if 0x00C0 <= ord(c) <= 0x024F)
    if mojibake / len(chars) > MAX_MOJIBAKE_SHARE:
        return "implausible script (mis-decoded characters)"
    return None


def page_ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 7] → '1-3, 7'."""
    spans: list[list[int]] = []
    for number in numbers:
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    return ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in spans)


def text_layer_error(pages: tuple[str, ...]) -> str | None:
    """One line naming the pages whose text is unusable, if the source must be rejected:
    any garbled page, or a majority of pages without text (fonts without ToUnicode maps)."""
    problems = {number: page_problem(text) for number, text in enumerate(pages, start=1)}
    garbled = {n: why for n, why in problems.items() if why and why != "no text"}
    empty = [n for n, why in problems.items() if why == "no text"]
    if not garbled and len(empty) <= MAX_EMPTY_SHARE * len(pages):
        return None
    if not garbled and len(empty) == len(pages):
        return f"PDF has no text layer on any of its {len(pages)} pages (image-only?)"
    reasons = sorted(set(garbled.values()) | ({"no text"} if empty else set()))
    bad_pages = sorted([*garbled, *empty])
    return (
        f"unusable text layer on pages {page_ranges(bad_pages)} of {len(pages)} "
        f"({'; '.join(reasons)}): fonts without ToUnicode maps?"
    )


def decode_text(path: str, data: bytes) -> str:
    if b"\x00" in data:
        raise DocumentError(path, "binary data in a text file (NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(path, f"not UTF-8 text (byte {exc.start})") from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_document(path: str, data: bytes) -> Document:
    """Turn raw bytes into a Document (pure); the suffix of ``path`` picks the format."""
    fmt = SUFFIX_FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        supported = ", ".join(sorted(SUFFIX_FORMATS))
        raise DocumentError(path, f"unsupported file type (expected {supported})")
    if not data.strip():
        raise DocumentError(path, "empty file")
    pages = pdf_page_texts(path, data) if fmt == "pdf" else (decode_text(path, data),)
    problem = text_layer_error(pages) if fmt == "pdf" else None
    if problem:
        raise DocumentError(path, problem)
    return Document(path=path, sha256=sha256_bytes(data), format=fmt, data=data, pages=pages)


def load_document(path: Path, display_path: str | None = None) -> Document:
    """Read ``path`` from disk and parse it."""
    shown = display_path or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(shown, f"cannot read file ({exc.strerror})") from exc
    return parse_document(shown, data)
