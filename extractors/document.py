"""Load a source file into an immutable in-memory ``Document``.

This is the only module in ``extractors`` that touches the file system; everything downstream
works on the returned object.
"""

from __future__ import annotations

import hashlib
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
    if fmt == "pdf" and not any(page.strip() for page in pages):
        raise DocumentError(path, f"PDF has no text layer on any of its {len(pages)} pages")
    return Document(path=path, sha256=sha256_bytes(data), format=fmt, data=data, pages=pages)


def load_document(path: Path, display_path: str | None = None) -> Document:
    """Read ``path`` from disk and parse it."""
    shown = display_path or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(shown, f"cannot read file ({exc.strerror})") from exc
    return parse_document(shown, data)
