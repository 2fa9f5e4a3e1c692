"""Load a source file into an immutable in-memory ``Document``.

This is the only module in ``extractors`` that touches the file system; everything downstream
works on the returned object.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pypdfium2 as pdfium

from extractors.ocr import OcrPage, ocr_available, ocr_pdf

SourceFormat = Literal["pdf", "txt"]
TextLayer = Literal["pdf", "ocr", "text"]  # PDF text layer, OCR of page images, a text file
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
    """A loaded source: its bytes, identity and plain text (one entry per PDF page). A PDF
    read by OCR (``text_layer`` "ocr") also keeps every page's words with their boxes."""

    path: str
    sha256: str
    format: SourceFormat
    data: bytes
    pages: tuple[str, ...]
    text_layer: TextLayer = "pdf"
    ocr: tuple[OcrPage | None, ...] = ()  # per page: its OCR reading, None for a text layer

    def layer_of(self, page: int | None) -> TextLayer:
        """How a row printed on ``page`` (1-based; None for a text file) was read."""
        if self.format == "txt":
            return "text"
        if page is not None and page <= len(self.ocr) and self.ocr[page - 1] is not None:
            return "ocr"
        return "pdf"

    @property
    def text(self) -> str:
        return "\n".join(self.pages)

    @property
    def lines(self) -> tuple[str, ...]:
        """Text lines of a .txt source (1-based line ``n`` is ``lines[n - 1]``)."""
        return tuple(self.text.split("\n"))


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pdfium_reason(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def looks_truncated(data: bytes) -> bool:
    """A PDF whose end-of-file marker is missing from its last kilobyte was cut short."""
    return data.startswith(b"%PDF") and b"%%EOF" not in data[-1024:]


def has_no_page_objects(data: bytes) -> bool:
    """A PDF that declares no page object at all (``/Type /Page``, not ``/Pages``): decided
    from the file itself, since PDFium's last-error code for it is not reliable."""
    return data.startswith(b"%PDF") and re.search(rb"/Type\s*/Page(?![s\w])", data) is None


def pdf_page_texts(path: str, data: bytes) -> tuple[str, ...]:
    """Plain text of every page via PDFium (fast); raises DocumentError on unreadable PDFs,
    naming the page PDFium could not load."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        reason = pdfium_reason(exc)
        if "password" in reason.lower():
            raise DocumentError(path, "encrypted PDF (password required)") from exc
        if looks_truncated(data):
            raise DocumentError(path, "truncated PDF (no end-of-file marker; cut short?)") from exc
        if has_no_page_objects(data) or "success" in reason.lower():
            raise DocumentError(path, "PDF has no pages (empty or missing page tree)") from exc
        raise DocumentError(path, f"not a readable PDF ({reason})") from exc
    try:
        if len(pdf) == 0:
            cut = " (truncated: no end-of-file marker)" if looks_truncated(data) else ""
            raise DocumentError(path, f"PDF has no pages{cut}")
        texts = []
        for index in range(len(pdf)):
            try:
                page = pdf[index]
                textpage = page.get_textpage()
            except pdfium.PdfiumError as exc:
                cut = " (truncated PDF)" if looks_truncated(data) else ""
                raise DocumentError(
                    path, f"page {index + 1} of {len(pdf)} cannot be loaded{cut}"
                ) from exc
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
    counts = {c: n for c, n in Counter(text).items() if not c.isspace()}  # once per character
    chars = sum(counts.values())
    if chars < MIN_CHARS:
        return "no text"
    if len(CID_RE.findall(text)) >= 3:
        return "(cid:NN) glyph codes"
    bad = sum(
        n
        for c, n in counts.items()
        if c == "\ufffd" or 0xE000 <= ord(c) <= 0xF8FF or unicodedata.category(c) == "Cc"
    )
    if bad / chars > MAX_BAD_SHARE:
        return "replacement or private-use characters"
    mojibake = sum(n for c, n in counts.items() if 0x00C0 <= ord(c) <= 0x024F)
    if mojibake / chars > MAX_MOJIBAKE_SHARE:
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


Script = Literal["latin", "cjk", "mixed"]
REPEATED_SHARE = 0.5  # a line on at least this share of pages is a running header or footer
LATIN_DOCUMENT = 0.8  # Latin letters' share of a document's letters that makes it "latin"
CJK_DOCUMENT = 0.5
MAX_FOREIGN_SHARE = 0.05  # letters of an unexpected script on one page


def is_latin(char: str) -> bool:
    return char.isascii() or 0x00C0 <= ord(char) <= 0x024F


def is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x3000 <= code <= 0x303F  # CJK symbols and punctuation
        or 0x3400 <= code <= 0x9FFF  # ideographs (extension A, unified)
        or 0xF900 <= code <= 0xFAFF
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
        or 0x20000 <= code <= 0x3FFFF
    )


def expected_letter(char: str, script: Script) -> bool:
    """Whether a letter belongs to what a document of ``script`` prints."""
    if script == "latin":
        return is_latin(char)
    return is_latin(char) or is_cjk(char)


def running_lines(pages: tuple[str, ...]) -> frozenset[str]:
    """Lines printed on most pages (running headers/footers): judged once, not per page."""
    if len(pages) < 3:
        return frozenset()
    counts: dict[str, int] = {}
    for text in pages:
        for line in {line.strip() for line in text.split("\n") if line.strip()}:
            counts[line] = counts.get(line, 0) + 1
    return frozenset(line for line, n in counts.items() if n >= REPEATED_SHARE * len(pages))


def body_text(text: str, running: frozenset[str]) -> str:
    return "\n".join(line for line in text.split("\n") if line.strip() not in running)


def document_script(pages: tuple[str, ...]) -> Script:
    """The script a document is written in, from its letters (running lines left out)."""
    running = running_lines(pages)
    counts = Counter[str]()
    for text in pages:
        counts.update(body_text(text, running))
    letters = {c: n for c, n in counts.items() if c.isalpha()}
    total = sum(letters.values())
    if not total:
        return "mixed"
    if sum(n for c, n in letters.items() if is_latin(c)) >= LATIN_DOCUMENT * total:
        return "latin"
    if sum(n for c, n in letters.items() if is_cjk(c)) >= CJK_DOCUMENT * total:
        return "cjk"
    return "mixed"


SCRIPT_WORDS = {"latin": "an English (Latin-script) document", "cjk": "a Chinese document"}


def script_problem(text: str, script: Script) -> str | None:
    """Why a page does not read as ``script``, or None: letters of another script inside
    words (``p0ȸ疈啠Mfrom``), or a page that turned to another script. A word wholly in
    another script (``.中国`` in an English table) is fine."""
    if script == "mixed":
        return None
    letters = {c: n for c, n in Counter(text).items() if c.isalpha()}
    foreign = sum(n for c, n in letters.items() if not expected_letter(c, script))
    if not foreign:
        return None
    where = SCRIPT_WORDS[script]
    if foreign > MAX_FOREIGN_SHARE * sum(letters.values()):
        return f"page turned to another script ({foreign} foreign letters in {where})"
    for word in text.split():
        odd = [c for c in word if c.isalpha() and not expected_letter(c, script)]
        if odd and len(odd) < sum(1 for c in word if c.isalnum()):
            return f"foreign characters inside words ({word[:24]!r} in {where})"
    return None


def page_verdicts(pages: tuple[str, ...], script: Script | None = None) -> dict[int, str]:
    """Each unusable page (1-based) and why: character classes (no text, glyph codes,
    replacement characters, mojibake), then the script expectation (``script``, or the
    document's own dominant script). Pure; pages not listed are usable."""
    expected = script or document_script(pages)
    running = running_lines(pages)
    verdicts = {}
    for number, text in enumerate(pages, start=1):
        why = page_problem(text) or script_problem(body_text(text, running), expected)
        if why:
            verdicts[number] = why
    return verdicts


def text_layer_error(pages: tuple[str, ...], script: Script | None = None) -> str | None:
    """One line naming the pages whose text is unusable, if the source must be rejected:
    any garbled page, or a majority of pages without text (fonts without ToUnicode maps)."""
    problems = page_verdicts(pages, script)
    garbled = {n: why for n, why in problems.items() if why != "no text"}
    empty = [n for n, why in problems.items() if why == "no text"]
    if not garbled and len(empty) <= MAX_EMPTY_SHARE * len(pages):
        return None
    if not garbled and len(empty) == len(pages):
        return f"PDF has no text layer on any of its {len(pages)} pages (image-only?)"
    kinds = {why.split(" (")[0] for why in garbled.values()} | ({"no text"} if empty else set())
    bad_pages = page_ranges(sorted([*garbled, *empty]))
    head = f"unusable text layer on pages {bad_pages} of {len(pages)} ({'; '.join(sorted(kinds))})"
    if not garbled:
        return f"{head}: fonts without ToUnicode maps?"
    first = min(garbled)
    return f"{head}; page {first}: {garbled[first]}"


UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def decode_text(path: str, data: bytes) -> str:
    """UTF-8 (optional BOM) or UTF-16 with a byte-order mark; anything else is refused with
    the reason (NUL bytes without a BOM are binary data)."""
    if data.startswith(UTF16_BOMS):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DocumentError(
                path, f"UTF-16 text that does not decode (byte {exc.start})"
            ) from exc
    elif b"\x00" in data:
        raise DocumentError(path, "binary data in a text file (NUL bytes, no UTF-16 mark)")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DocumentError(path, f"not UTF-8 text (byte {exc.start})") from exc
    if "\x00" in text:
        raise DocumentError(path, "binary data in a text file (NUL characters)")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_document(path: str, data: bytes) -> Document:
    """Turn raw bytes into a Document (pure); the suffix of ``path`` picks the format."""
    fmt = SUFFIX_FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        supported = ", ".join(sorted(SUFFIX_FORMATS))
        raise DocumentError(path, f"unsupported file type (expected {supported})")
    if not data.strip():
        raise DocumentError(path, "empty file")
    if fmt == "txt":
        text = (decode_text(path, data),)
        return Document(path, sha256_bytes(data), fmt, data, text, text_layer="text")
    pages = pdf_page_texts(path, data)
    problem = text_layer_error(pages)
    if problem is None:
        return Document(path=path, sha256=sha256_bytes(data), format=fmt, data=data, pages=pages)
    return ocr_document(path, data, pages, problem)


def ocr_document(path: str, data: bytes, pages: tuple[str, ...], problem: str) -> Document:
    """A PDF most of whose pages have no usable text layer (a scan, fonts without Unicode
    maps): those pages are read by OCR (extractors.ocr), the others keep their text layer. A
    few garbled pages among good ones are damage, not a scan: rejected as before. So is a PDF
    whose OCR'd pages still read as no text or garbled text (an image of something else), or
    a machine without Tesseract."""
    unusable = sorted(page_verdicts(pages))
    if len(unusable) <= MAX_EMPTY_SHARE * len(pages):
        raise DocumentError(path, problem)
    missing = ocr_available()
    if missing:
        raise DocumentError(path, f"{problem}; no OCR: {missing}")
    read = dict(zip(unusable, ocr_pdf(data, [n - 1 for n in unusable]), strict=True))
    merged = tuple(read[n].text if n in read else text for n, text in enumerate(pages, start=1))
    after = text_layer_error(merged)
    if after:
        raise DocumentError(path, f"{problem}; OCR found no usable text either ({after})")
    ocr = tuple(read.get(n) for n in range(1, len(pages) + 1))
    return Document(path, sha256_bytes(data), "pdf", data, merged, text_layer="ocr", ocr=ocr)


def load_document(path: Path, display_path: str | None = None) -> Document:
    """Read ``path`` from disk and parse it."""
    shown = display_path or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(shown, f"cannot read file ({exc.strerror})") from exc
    return parse_document(shown, data)
