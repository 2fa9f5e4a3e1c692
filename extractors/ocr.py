"""Optical character recognition of PDF pages that have no usable text layer.

Each page is rendered by PDFium at ``DPI`` in grey and read by Tesseract (Debian's
``tesseract-ocr`` with the ``eng`` and ``chi_sim`` models) through pytesseract's
``image_to_data``, which gives every word with its box and confidence. The words keep their
boxes, converted to PDF points, so the table reader (extractors.layout) groups them into lines
and cells exactly as it does with a text layer's characters. The page's plain text (for
recognising the report and reading its prose) is Tesseract's own line order.

Pages are read by ``WORKERS`` Tesseract processes at once (one thread each), at most
``2 × WORKERS`` rendered pages waiting, so memory stays a few pages' worth whatever the length.
A word read with less than ``DOUBT_CONFIDENCE`` is doubtful: a table row holding one is flagged
``ocr_unverified`` (extractors.extract), as is a row whose report arithmetic fails (schemas.ocr).
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import tempfile
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pypdfium2 as pdfium
from PIL import Image

DPI = 300  # Tesseract reads print best at about 300 dpi
WORKERS = max(1, min(2, os.cpu_count() or 1))
LATIN_MODELS = "eng"
CJK_MODELS = "chi_sim+eng"
CJK_SHARE = 0.2  # a first page with this share of CJK letters is read with the Chinese model
DOUBT_CONFIDENCE = 90.0  # Tesseract's word confidence (0–100) below which a word is doubtful
TESSERACT_CONFIG = "--psm 6 -c tessedit_do_invert=0"  # one block of lines; no inverted text
OCR_UNVERIFIED = "ocr_unverified"
PAGE_MARGIN = 0.05  # top and bottom share of a page: running headers, page numbers
RULE_SCALE = 40  # camelot: rules at least the page's size / RULE_SCALE long are erased
RULE_GROW_PX = 2  # … with this many pixels around them (antialiased edges)


@dataclass(frozen=True)
class OcrWord:
    """One word Tesseract read: its box in PDF points (from the page's bottom), the height of
    its Tesseract line as its font size, and its confidence (0–100)."""

    text: str
    left: float
    bottom: float
    right: float
    top: float
    size: float
    confidence: float

    @property
    def centre(self) -> float:
        return (self.bottom + self.top) / 2


@dataclass(frozen=True)
class OcrPage:
    """A page read by OCR: its plain text, its words and its height in points."""

    text: str
    words: tuple[OcrWord, ...]
    height: float
    markers: tuple[OcrWord, ...] = ()  # footnote markers left out of the words


def ocr_available() -> str | None:
    """Why OCR cannot run here, or None."""
    try:
        import pytesseract

        pytesseract.get_tesseract_version()
    except Exception as exc:
        return f"Tesseract is not installed ({type(exc).__name__}; `make run` installs it)"
    return None


MARKER_HEIGHT = 0.7  # a word this much shorter than its line's median word …
MARKER_RAISE = 0.25  # … whose bottom stands this share of that height above the line's: a marker
TRAILING_JUNK = re.compile(r"^(.*?[\w%)])([^\w%)]+)$")  # ’ ” ° * ! ? glued after a word
# 69,866,752N!, 16,850,432Ne4, /32N°*') : a "Note N" marker glued after a number
NUMBER_TAIL = re.compile(r"(?<=\d)(?:N\w?[^\w\s)]*\d?|[^\w\s%,.()+-]+\d?)(?=\)?$)")
JUNK_WORD = re.compile(r"^[^\w%]+\w?$|^[A-Z][^\w\s]+\w?$")  # '"2', 'N!', 'Ne4'-like debris


def cleaned(text: str) -> tuple[str, bool]:
    """A word with what is left of a footnote marker cut off (``'users’'`` → ``'users'``,
    ``'69,866,752N!'`` → ``'69,866,752'``) and whether anything was cut: such a word is
    doubtful (never silently trusted)."""
    number = NUMBER_TAIL.search(text)
    if number:
        return text[: number.start()] + text[number.end() :], True
    junk = TRAILING_JUNK.match(text)
    if junk and junk[2] not in {".", ",", ":", ";"}:
        return junk[1], True
    return text, False


def is_marker(word: OcrWord, median_height: float, base: float) -> bool:
    """A footnote marker by its print: much shorter than its line's words and raised."""
    height = word.top - word.bottom
    raised = word.bottom - base >= MARKER_RAISE * median_height
    return height < MARKER_HEIGHT * median_height and raised


LineKey = tuple[int, int, int]


def line_key(data: dict[str, list[Any]], i: int) -> LineKey:
    return int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i])


def lines_of(
    data: dict[str, list[Any]], scale: float, height: float
) -> dict[LineKey, list[tuple[int, OcrWord]]]:
    """Tesseract's word rows (level 5) by text line, with their row indexes, as OcrWords in
    PDF points, each word's size the height of its line (level 4)."""
    line_height = {
        line_key(data, i): int(data["height"][i]) / scale
        for i, level in enumerate(data["level"])
        if int(level) == 4
    }
    lines: dict[LineKey, list[tuple[int, OcrWord]]] = {}
    for i, text in enumerate(data["text"]):
        text = str(text).strip()
        if int(data["level"][i]) != 5 or not text:
            continue
        key = line_key(data, i)
        left, top = int(data["left"][i]) / scale, int(data["top"][i]) / scale
        right, bottom = left + int(data["width"][i]) / scale, top + int(data["height"][i]) / scale
        size = line_height.get(key, bottom - top)
        confidence = float(data["conf"][i])
        word = OcrWord(text, left, height - bottom, right, height - top, size, confidence)
        lines.setdefault(key, []).append((i, word))
    return lines


def marker_rows(lines: dict[LineKey, list[tuple[int, OcrWord]]]) -> dict[int, bool]:
    """Each word row of the lines (of more than one word) by whether it is a footnote marker:
    printed as one (``is_marker``), or debris a marker left (``JUNK_WORD``)."""
    out: dict[int, bool] = {}
    for members in lines.values():
        heights = sorted(w.top - w.bottom for _, w in members)
        bottoms = sorted(w.bottom for _, w in members)
        median, base = heights[len(heights) // 2], bottoms[len(bottoms) // 2]
        for i, word in members:
            if len(members) > 1 and is_marker(word, median, base):
                out[i] = True
            elif len(members) > 1 and JUNK_WORD.match(word.text):
                out[i] = False
    return out


FOOTNOTE_NUMBER = re.compile(r"^\d{1,3}$")


def words_of(
    data: dict[str, list[Any]], scale: float, height: float
) -> tuple[tuple[OcrWord, ...], tuple[OcrWord, ...]]:
    """Tesseract's word rows as OcrWords (``lines_of``); and apart, the footnote markers. A
    marker printed raised and small that reads as a footnote number keeps its confidence
    (the line reader writes it as a raised marker: a doubtful one flags its row); any other
    is dropped with a confidence of 0, so the row that held it is flagged."""
    lines = lines_of(data, scale, height)
    markers_at = marker_rows(lines)
    words: list[OcrWord] = []
    markers: list[OcrWord] = []
    for members in lines.values():
        for i, word in members:
            if i in markers_at:
                number = markers_at[i] and bool(FOOTNOTE_NUMBER.match(word.text))
                markers.append(word if number else replace(word, confidence=0.0))
                continue
            text, cut = cleaned(word.text)
            words.append(replace(word, text=text, confidence=0.0) if cut else word)
    return tuple(words), tuple(markers)


def footnote_markers(page: OcrPage) -> list[OcrWord]:
    """The markers of a page that read as footnote numbers (kept by ``words_of``)."""
    return [m for m in page.markers if FOOTNOTE_NUMBER.match(m.text)]


def page_text(data: dict[str, list[Any]]) -> str:
    """The words in Tesseract's reading order, one printed line per text line."""
    lines: dict[tuple[int, int, int], list[str]] = {}
    for i, text in enumerate(data["text"]):
        if int(data["level"][i]) == 5 and str(text).strip():
            key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
            lines.setdefault(key, []).append(str(text).strip())
    return "\n".join(" ".join(words) for words in lines.values())


def without_rules(image: Image.Image) -> Image.Image:
    """The page with its printed rules painted white: Tesseract takes a ruled grid for a
    picture and skips the text inside it (and is slower). The rules are found by camelot's
    lattice line detection, as for the second reading (extractors.lattice)."""
    from camelot.image_processing import adaptive_threshold, find_lines

    grey = np.asarray(image)
    _, threshold = adaptive_threshold(np.repeat(grey[:, :, None], 3, axis=2))
    mask = np.zeros(grey.shape, dtype=bool)
    for direction in ("vertical", "horizontal"):
        found, _ = find_lines(threshold, direction=direction, line_scale=RULE_SCALE)
        mask |= found > 0
    grown = mask.copy()
    for shift in range(1, RULE_GROW_PX + 1):
        grown[shift:] |= mask[:-shift]
        grown[:-shift] |= mask[shift:]
        grown[:, shift:] |= mask[:, :-shift]
        grown[:, :-shift] |= mask[:, shift:]
    clean = grey.copy()
    clean[grown] = 255
    return Image.fromarray(clean)


# A second look: a doubtful word read again alone from its own crop (Tesseract's single-line
# mode), where no neighbouring word or rule sways the reading, by the Latin and Chinese models
# together (CJK inside English print: ".中国"); kept if read with more confidence.
LOOK_MODELS = "chi_sim+eng"
LOOK_CONFIG = ("--psm", "7", "-c", "tessedit_do_invert=0")
# a number with a letter in it is read again as a number: Latin digits and separators only
NUMBER_MODELS = "eng"
NUMBER_CONFIG = (*LOOK_CONFIG, "-c", "tessedit_char_whitelist=0123456789,.%+-")
# a footnote marker (raised, small) is read again enlarged, as digits only
MARKER_ZOOM = 3
MARKER_CONFIG = (*LOOK_CONFIG, "-c", "tessedit_char_whitelist=0123456789")
LOOK_MAX_CHARS = 12  # longer words are prose (links, sentences), not table cells
LOOK_PAD = 0.2  # of the word's height, around its crop
LOOK_MARGIN_PX = 15
PROSE_WORD = re.compile(r"^[a-z]+[’'”\".,;:!?]*$")  # a lowercase word: prose, not a cell
# a number with a letter or two Tesseract often reads for a digit (A524 for 4524, 1O for 10)
NEAR_NUMBER = re.compile(r"^(?=(?:\D*\d){2})(?!(?:.*[AOoIlSBZ]){3})[\d,.%+\-AOoIlSBZ]+$")
CJK = re.compile(r"[\u3400-\u9fff]")


def worth_a_look(text: str, confidence: float) -> bool:
    """Whether a word of the first reading is read again: a doubtful short word that is not
    prose, or a number with a letter in it however confident."""
    if NEAR_NUMBER.match(text) and any(c.isalpha() for c in text):
        return True
    short = len(text) <= LOOK_MAX_CHARS
    return confidence < DOUBT_CONFIDENCE and short and not PROSE_WORD.match(text)


def joined(words: Sequence[str]) -> str:
    """Words read from one crop as one word: CJK characters together, others with a space."""
    out = ""
    for word in words:
        glue = "" if not out or (CJK.match(out[-1]) and CJK.match(word[0])) else " "
        out = f"{out}{glue}{word}"
    return out


def crop_of(image: Image.Image, box: Sequence[int], kind: str) -> Image.Image:
    """A word's crop on a white margin; a marker's without its neighbours, enlarged."""
    left, top, width, height = box
    pad = round(LOOK_PAD * height)
    side = 1 if kind == "marker" else pad
    crop = image.crop((left - side, top - pad, left + width + side, top + height + pad))
    if kind == "marker":
        crop = crop.resize(
            (crop.width * MARKER_ZOOM, crop.height * MARKER_ZOOM), Image.Resampling.LANCZOS
        )
    margin = LOOK_MARGIN_PX
    canvas = Image.new("L", (crop.width + 2 * margin, crop.height + 2 * margin), 255)
    canvas.paste(crop, (margin, margin))
    return canvas


def read_crops(
    crops: Sequence[Image.Image], models: str, config: Sequence[str]
) -> dict[int, tuple[str, float]]:
    """Each crop (frames of one TIFF: one Tesseract run) read as one line: its words joined
    and their lowest confidence, by crop index."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "crops.tif")
        first, *rest = crops
        first.save(path, save_all=True, append_images=list(rest), compression="tiff_lzw")
        command = ["tesseract", path, "stdout", "-l", models, *config, "tsv"]
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    read: dict[int, list[tuple[str, float]]] = {}
    for row in csv.DictReader(io.StringIO(out), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row["level"] == "5" and row["text"].strip():
            read.setdefault(int(row["page_num"]) - 1, []).append((row["text"], float(row["conf"])))
    return {i: (joined([t for t, _ in ws]), min(c for _, c in ws)) for i, ws in read.items()}


def looked_at(data: dict[str, list[Any]], height_px: int) -> list[int]:
    """The word rows of a first reading worth a second look, outside the page's top and
    bottom margins (running headers and page numbers, which no reader uses)."""
    low, high = PAGE_MARGIN * height_px, (1 - PAGE_MARGIN) * height_px
    return [
        i
        for i, text in enumerate(data["text"])
        if int(data["level"][i]) == 5
        and str(text).strip()
        and low < int(data["top"][i]) + int(data["height"][i]) / 2 < high
        and worth_a_look(str(text).strip(), float(data["conf"][i]))
    ]


@dataclass
class FirstReading:
    """A page's first reading (Tesseract's word rows), its height in points, and the crops
    of the words to look at again (``chosen``: their row indexes)."""

    data: dict[str, list[Any]]
    height: float
    chosen: list[int]
    crops: list[tuple[Image.Image, str]]  # each with its kind: word, number or marker


def first_reading(image: Image.Image, models: str, height: float) -> FirstReading:
    import pytesseract

    data = pytesseract.image_to_data(
        image, lang=models, config=TESSERACT_CONFIG, output_type=pytesseract.Output.DICT
    )
    printed = {i for i, typographic in marker_rows(lines_of(data, 1.0, 0.0)).items() if typographic}
    chosen = sorted({*looked_at(data, image.height), *printed})
    crops = []
    for i in chosen:
        box = [int(data[k][i]) for k in ("left", "top", "width", "height")]
        number = bool(NEAR_NUMBER.match(str(data["text"][i]).strip()))
        kind = "marker" if i in printed else "number" if number else "word"
        crops.append((crop_of(image, box, kind), kind))
    return FirstReading(data, height, chosen, crops)


def with_second_look(
    first: FirstReading, read: Mapping[int, tuple[str, float]], offset: int
) -> dict[str, list[Any]]:
    """The first reading with each looked-at word replaced by its second reading (crop
    ``offset + n`` of the batch) where that is more confident."""
    texts, confidences = list(first.data["text"]), list(first.data["conf"])
    for n, i in enumerate(first.chosen):
        text, confidence = read.get(offset + n, ("", -1.0))
        # one word for one: a crop read as several words (``/3 2Note 1`` for ``/32)``) is no
        # better reading of it
        if text and " " not in text and confidence >= float(confidences[i]):
            texts[i], confidences[i] = text, confidence
    return {**first.data, "text": texts, "conf": confidences}


LOOKS = {
    "word": (LOOK_MODELS, LOOK_CONFIG),
    "number": (NUMBER_MODELS, NUMBER_CONFIG),
    "marker": (NUMBER_MODELS, MARKER_CONFIG),
}


def second_looks(
    pool: ThreadPoolExecutor, crops: Sequence[tuple[Image.Image, str]]
) -> dict[int, tuple[str, float]]:
    """All crops of a document read in a few Tesseract runs at once (a model load for each
    run, not for each page), by index: the words in ``WORKERS`` runs, numbers and markers in
    one each."""
    batches: list[tuple[list[int], str]] = []
    for kind in LOOKS:
        indexes = [i for i, (_, of) in enumerate(crops) if of == kind]
        size = max(1, -(-len(indexes) // (WORKERS if kind == "word" else 1)))
        batches += [(indexes[start : start + size], kind) for start in range(0, len(indexes), size)]
    futures = [
        (indexes, pool.submit(read_crops, [crops[i][0] for i in indexes], *LOOKS[kind]))
        for indexes, kind in batches
    ]
    read: dict[int, tuple[str, float]] = {}
    for indexes, future in futures:
        read.update({indexes[n]: value for n, value in future.result().items()})
    return read


def finished(
    firsts: Sequence[FirstReading], read: Mapping[int, tuple[str, float]]
) -> tuple[OcrPage, ...]:
    """The pages from their first readings and the second looks at their doubtful words."""
    scale = DPI / 72
    pages, offset = [], 0
    for first in firsts:
        data = with_second_look(first, read, offset)
        offset += len(first.chosen)
        words, markers = words_of(data, scale, first.height)
        pages.append(OcrPage(page_text(data), words, first.height, markers))
    return tuple(pages)


def cjk_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    cjk = [c for c in letters if 0x3400 <= ord(c) <= 0x9FFF]
    return len(cjk) / len(letters) if letters else 0.0


def rendered(pdf: pdfium.PdfDocument, indexes: Sequence[int]) -> Iterator[tuple[Any, float]]:
    """Each page of ``indexes`` (0-based) as a grey image at DPI, with its height in points."""
    scale = DPI / 72
    for index in indexes:
        page = pdf[index]
        image = page.render(scale=scale, grayscale=True).to_pil().convert("L")
        height = page.get_height()
        page.close()
        yield without_rules(image), height


def ocr_pdf(data: bytes, indexes: Sequence[int]) -> tuple[OcrPage, ...]:
    """The pages ``indexes`` (0-based) of a PDF read by OCR, in that order. The first decides
    the models: read with ``chi_sim`` and ``eng``, a page mostly in Chinese characters has all
    read so; otherwise all (the first again) are read with ``eng`` alone, which reads Latin
    print better. Then the doubtful words of all pages are read again, each alone from its
    crop (``second_looks``): only the crops are kept meanwhile, not the pages."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # one thread per Tesseract: WORKERS at once
    pdf = pdfium.PdfDocument(data)
    try:
        images = rendered(pdf, indexes)
        first_image, first_height = next(images)
        first = first_reading(first_image, CJK_MODELS, first_height)
        chinese = cjk_share(page_text(first.data)) >= CJK_SHARE
        models = CJK_MODELS if chinese else LATIN_MODELS
        waiting: deque[Future[FirstReading]] = deque()
        firsts: list[FirstReading] = [first] if chinese else []
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            if not chinese:
                waiting.append(pool.submit(first_reading, first_image, models, first_height))
            for image, height in images:
                if len(waiting) >= 2 * WORKERS:
                    firsts.append(waiting.popleft().result())
                waiting.append(pool.submit(first_reading, image, models, height))
            firsts.extend(future.result() for future in waiting)
            read = second_looks(pool, [crop for first in firsts for crop in first.crops])
        return finished(firsts, read)
    finally:
        pdf.close()


def doubtful(page: OcrPage, y: float, size: float) -> list[OcrWord]:
    """The doubtful words and markers of the printed line at height ``y`` (within half its
    font size)."""
    return [
        word
        for word in (*page.words, *page.markers)
        if word.confidence < DOUBT_CONFIDENCE and abs(word.centre - y) <= 0.5 * size
    ]
